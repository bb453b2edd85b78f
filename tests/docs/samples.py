"""Sample results for the document tests and benchmarks/render_preview.py.

Built directly as :class:`BlocResult` objects (no workbook, no engine): seed 000's bloc
(Thanh Hóa, 2021, 9 units) with plausible scores, three proposals, one tie group, a
"Cần xác minh" note and the next head/deputy.
"""
from __future__ import annotations

from thidua_xl.core.findings import Finding, Severity
from thidua_xl.core.models import (Bloc, BlocInfo, BlocResult, Classification, Proposal, Rules,
                                   TieGroup, UnitResult)

HTXS, HTT, HT = Classification.HTXS, Classification.HTT, Classification.HT

BLOC_NAME = "Khối thi đua cơ quan tham mưu quản lý nhà nước về kinh tế"
SECTIONS = [("I", "Thực hiện nhiệm vụ chính trị được giao"),
            ("II", "Công tác xây dựng Đảng, đoàn thể"),
            ("III", "Thực hiện phong trào thi đua")]

#: (name, I, II, III, bonus, penalty, rank, tie, classification, award, notes)
UNITS = [
    ("Sở Nông nghiệp và Phát triển nông thôn", 58.5, 19.5, 19.0, 2.0, 0.0, 1, False, HTXS,
     "Cờ thi đua của Chính phủ", []),
    ("Liên minh HTX", 58.0, 19.5, 19.0, 1.5, 0.0, 2, False, HTXS,
     "Cờ thi đua của UBND tỉnh", []),
    ("Sở Công thương", 57.5, 19.0, 19.0, 1.5, 0.0, 3, False, HTXS,
     "Bằng khen của Chủ tịch UBND tỉnh",
     ["Cần xác minh: sổ không có cột «Xếp loại năm trước»"]),
    ("Sở Xây dựng", 57.0, 19.0, 18.5, 1.0, 0.0, 4, True, HTXS, None,
     ["Đồng hạng"]),
    ("Sở Giao thông vận tải", 57.0, 19.0, 18.5, 1.0, 0.0, 4, True, HTXS, None,
     ["Đồng hạng"]),
    ("Sở Thông tin và Truyền thông", 55.0, 18.0, 17.5, 0.5, 0.5, 6, False, HTT, None, []),
    ("Sở Tài nguyên và Môi trường", 54.0, 18.0, 17.0, 0.0, 0.0, 7, False, HTT, None, []),
    ("Ban Quản lý các khu công nghiệp", 50.0, 17.0, 16.0, 0.0, 1.0, 8, False, HTT, None,
     ["Kỷ luật Khiển trách: xếp loại tối đa Hoàn thành tốt nhiệm vụ"]),
    ("Ban Quản lý dự án đầu tư xây dựng", 46.0, 16.0, 15.5, 0.0, 2.0, 9, False, HT, None, []),
]


def _basis(rank: int, total: float, cls: Classification) -> str:
    return f"Xếp hạng {rank}, tổng điểm {total:.2f}".replace(".", ",") + f", {cls.value}"


def unit_results(units=UNITS) -> list[UnitResult]:
    out = []
    for name, s1, s2, s3, bonus, penalty, rank, tie, cls, award, notes in units:
        total = round(s1 + s2 + s3 + bonus - penalty, 2)
        out.append(UnitResult(
            name=name, key=name.casefold(), total=total, percent=round(total, 2),
            rank=rank, tie=tie, classification=cls, award=award, notes=list(notes),
            sections={"I": s1, "II": s2, "III": s3}, bonus=bonus, penalty=penalty))
    return out


def realistic_result(*, bloc: str = BLOC_NAME, units=UNITS, head: str = "Liên minh HTX",
                     province: str = "Thanh Hóa") -> BlocResult:
    urs = unit_results(units)
    proposals = []
    for u in urs:
        if u.award:
            proposals.append(Proposal(
                unit=u.name, form=u.award, rank=u.rank, total=u.total,
                classification=u.classification,
                basis=_basis(u.rank, u.total, u.classification),
                notes=[n for n in u.notes if n.startswith("Cần xác minh")]))
    tied = [u.name for u in urs if u.tie]
    return BlocResult(
        file="khoi-kinh-te-2021.xlsx", bloc=bloc, year=2021, province=province,
        head=head, deputy="Sở Công thương", max_total=100.0, units=urs,
        proposals=proposals,
        tie_groups=[TieGroup(form="Bằng khen của Chủ tịch UBND tỉnh", units=tied, seats=1)]
        if tied else [],
        next_head="Sở Nông nghiệp và Phát triển nông thôn", next_deputy="Sở Công thương",
        succession_note="", sections=list(SECTIONS), status="ok",
        findings=[Finding(severity=Severity.WARNING, code="total-mismatch",
                          message="Tổng điểm ghi trong sổ (96,00) khác tổng tính được "
                                  "(96,50) của Sở Xây dựng.",
                          fix="Kiểm tra lại công thức dòng tổng.", sheet="Chấm điểm",
                          cell="F40")])


def error_result() -> BlocResult:
    return BlocResult(
        file="loi.xlsx", bloc="Cụm thi đua số 8", year=2021, province="Thanh Hóa",
        status="errors",
        findings=[
            Finding(severity=Severity.ERROR, code="score-above-max",
                    message="Điểm 12 của Sở Tư pháp vượt điểm tối đa 10 (tiêu chí I.1).",
                    fix="Sửa điểm về khoảng 0–10.", sheet="Chấm điểm", cell="F12"),
            Finding(severity=Severity.ERROR, code="score-not-number",
                    message="Ô có chữ «tám» thay vì số.", fix="Nhập số, ví dụ 8 hoặc 8,5.",
                    sheet="Chấm điểm", cell="G15"),
            Finding(severity=Severity.WARNING, code="unit-without-scores",
                    message="Đơn vị Sở Nội vụ chưa có điểm nào.", fix="Nhập điểm.",
                    sheet="Đơn vị", cell="B7"),
            Finding(severity=Severity.WARNING, code="no-info-sheet",
                    message="Không có sheet «Thông tin».", fix="Thêm sheet Thông tin."),
        ])


INJECTIONS = ['=HYPERLINK("http://evil.example","bấm vào")', "+1", "-x", "@SUM(A1:A2)"]


def injection_result() -> BlocResult:
    """Unit names and notes that look like formulas (must stay text)."""
    units = []
    for i, name in enumerate(INJECTIONS, start=1):
        units.append((name, 50.0 - i, 18.0, 17.0, 0.0, 0.0, i, False, HTT, None,
                      ["=1+1"]))
    return realistic_result(bloc="=cmd|' /C calc'!A0", units=units, head="+Sở A")


def long_result() -> BlocResult:
    """15 units and 9 proposals: the recommendation table runs onto a second page."""
    units = list(UNITS)
    for i in range(6):
        units.append((f"Trung tâm Phát triển quỹ đất và Hạ tầng kỹ thuật khu kinh tế số {i}",
                      45.0, 15.0, 15.0, 0.0, 0.0, 10 + i, False, HTXS, None, []))
    result = realistic_result(units=units, bloc="Hành chính – Tổng hợp")
    for u in result.units[9:]:
        result.proposals.append(Proposal(
            unit=u.name, form="Bằng khen của Chủ tịch UBND tỉnh", rank=u.rank,
            total=u.total, classification=u.classification,
            basis=_basis(u.rank, u.total, u.classification),
            notes=["Cần xác minh: sổ không có cột «Xếp loại năm trước»"]))
    return result


def long_notes_result() -> BlocResult:
    """The print-out a new user complained about: proposals with long notes (a women
    priority basis, verification notes that must not print), a table that ends near the
    bottom of page 1, a long bloc name, a named signer."""
    result = long_result()
    result.bloc = "Khối thi đua các cơ quan Tham mưu - Tổng hợp"
    for p in result.proposals:
        p.notes.append("Ưu tiên tập thể nữ khi đồng hạng (Nghị định 152/2025/NĐ-CP, Điều 4 "
                       "khoản 6)")
        p.notes.append("Cần xác minh: năm trước đơn vị được xếp loại Hoàn thành xuất sắc "
                       "nhiệm vụ (sổ không có dữ liệu Xếp loại năm trước)")
    return result


#: "Thông tin" values of the documents that look like formulas (must stay text)
INFO_INJECTIONS = {"signer": "=Nguyễn Văn A", "signer_title": "+Giám đốc Sở Tài chính",
                   "recipient": "-Sở Nội vụ", "regulation": "@Quyết định 86/2025/QĐ-UBND",
                   "abbrev": "=KT"}


def info_bloc(**info) -> Bloc:
    """A parsed bloc that only carries "Thông tin" (for the documents' signer and
    addressee); no forms, so the forms' order comes from the proposals."""
    return Bloc(info=BlocInfo(name=BLOC_NAME, year=2021, province="Thanh Hóa", **info),
                rules=Rules(forms=[]))
