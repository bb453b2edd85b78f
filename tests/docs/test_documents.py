"""The file the bloc sends, end to end from a workbook: "Thông tin" names the signer, the
province's office, its regulation and the documents' abbreviation; ``score`` writes the
Tờ trình, its annex and the minutes, read back here with openpyxl (and, with LibreOffice,
page by page from the PDFs)."""
from __future__ import annotations

import os
import re

import pytest
from openpyxl import load_workbook

from tests.builders import crit, write_bloc
from tests.docs.pdfcheck import (DECIMAL_COMMA, DECIMAL_POINT, is_a4, lines, needs_lo,
                                 needs_poppler, page_sizes, pdf_pages, squash)
from thidua_xl.api import check_file, read_grid, score_file
from thidua_xl.cli import EXIT_NO_PDF, main
from thidua_xl.io import pdf as pdf_mod
from thidua_xl.io.documents.common import break_issuer
from thidua_xl.io.layout import cell_text_pt
from thidua_xl.io.parser import parse_grid
from thidua_xl.io.plan import (OUTPUT_DOCUMENTS, OUTPUT_FINDINGS, OUTPUT_MINUTES,
                               OUTPUT_PROPOSALS, OUTPUT_RESULTS, OUTPUT_SUBMISSION)

UNITS = ["Sở Tài chính", "Văn phòng UBND tỉnh", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ",
         "Thanh tra tỉnh", "Sở Tư pháp"]
SCORES = {"Sở Tài chính": 58.75, "Văn phòng UBND tỉnh": 58.5, "Sở Kế hoạch và Đầu tư": 57.25,
          "Sở Nội vụ": 55, "Thanh tra tỉnh": 52.5, "Sở Tư pháp": 50}
INFO = {"Tên khối thi đua": "Khối thi đua các cơ quan Tham mưu - Tổng hợp",
        "Năm thi đua": 2024, "Tỉnh/Thành phố": "Thanh Hóa", "Khối trưởng": "Sở Tài chính",
        "Khối phó": "Văn phòng UBND tỉnh",
        "Người ký": "Nguyễn Văn An", "Chức vụ người ký": "Giám đốc Sở Tài chính",
        "Nơi nhận hồ sơ": "Ban Thi đua – Khen thưởng tỉnh",
        "Quy định của tỉnh": "Quyết định số 86/2025/QĐ-UBND ngày 10 tháng 7 năm 2025 của "
                             "UBND tỉnh ban hành Quy chế thi đua, khen thưởng",
        "Ký hiệu văn bản": "KTĐTMTH"}


def bloc_book(path, info=None, units=None):
    units = units or [{"name": u, "last_year": "HTXS", "discipline": "Không"} for u in UNITS]
    names = [u["name"] for u in units]
    return write_bloc(path, units=units, info=INFO if info is None else info, criteria=[
        crit("I", "Thực hiện nhiệm vụ"),
        crit("1", "Nhiệm vụ chuyên môn", 60, scores={n: SCORES.get(n, 45) for n in names}),
        crit("II", "Phong trào thi đua"),
        crit("1", "Phong trào", 40, scores={n: 39.5 for n in names}),
    ])


def values(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    out = tmp / "khoi_ketqua.xlsx"
    outcome = score_file(bloc_book(tmp / "khoi.xlsx"), out)
    assert not outcome.result.has_errors, outcome.result.findings
    return outcome, load_workbook(out)


def test_new_info_labels_and_their_variants_are_read(tmp_path):
    variants = {"Họ tên người ký": "Trần Thị Bình", "Chức vụ": "Chánh Văn phòng",
                "Cơ quan thường trực thi đua": "Sở Nội vụ tỉnh Kon Tum",
                "Căn cứ quy định": "Quyết định số 12/2024/QĐ-UBND", "Viết tắt": "HCTH"}
    for labels, want in ((INFO, ("Nguyễn Văn An", "Giám đốc Sở Tài chính",
                                 "Ban Thi đua – Khen thưởng tỉnh", INFO["Quy định của tỉnh"],
                                 "KTĐTMTH")),
                         ({**{k: v for k, v in INFO.items() if k in ("Tên khối thi đua",
                                                                     "Năm thi đua")},
                           **variants}, tuple(variants.values()))):
        path = bloc_book(tmp_path / "v.xlsx", info=labels)
        bloc, report = parse_grid(read_grid(path), file=str(path))
        i = bloc.info
        assert (i.signer, i.signer_title, i.recipient, i.regulation, i.abbrev) == want
        assert not [f for f in report.findings if f.severity.value == "error"]


def test_submission_holds_every_required_element(scored):
    outcome, wb = scored
    r = outcome.result
    ws = wb[OUTPUT_SUBMISSION]
    text = values(ws)
    for needle in ("KHỐI THI ĐUA CÁC CƠ QUAN\nTHAM MƯU - TỔNG HỢP\n__________",
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Số: ……/TTr-KTĐTMTH", "Thanh Hóa, ngày …… tháng …… năm ……", "TỜ TRÌNH",
                   "Về việc đề nghị khen thưởng thành tích thi đua năm 2024",
                   "Kính gửi: Hội đồng Thi đua – Khen thưởng tỉnh Thanh Hóa",
                   "(qua Ban Thi đua – Khen thưởng tỉnh)",
                   "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
                   f"Căn cứ {INFO['Quy định của tỉnh']};",
                   "Căn cứ Giao ước thi đua năm 2024 của Khối thi đua các cơ quan Tham mưu - "
                   "Tổng hợp;", "Nơi nhận:", "- Như trên;", "- Ban Thi đua – Khen thưởng tỉnh;",
                   "- Lưu: VT.", "TM. KHỐI THI ĐUA", "KHỐI TRƯỞNG", "GIÁM ĐỐC SỞ TÀI CHÍNH",
                   "Nguyễn Văn An"):
        assert needle in text, needle
    joined = "\n".join(text)
    assert "Nghị định số 152/2025/NĐ-CP" in joined
    assert "Biên bản số ……/BB-KTĐTMTH" in joined and "Gửi kèm" in joined
    by_form: dict[str, list] = {}
    for p in r.proposals:
        by_form.setdefault(p.form, []).append(p)
    assert by_form
    for k, (form, props) in enumerate(by_form.items(), start=1):
        assert f"{k}. {form}: {len(props)} tập thể" in text
        for p in props:
            assert any(t.startswith(f"- {p.unit} (xếp hạng {p.rank}, tổng điểm ")
                       for t in text), p.unit
    assert (f"Hội nghị thống nhất suy tôn {r.next_head} làm Khối trưởng, {r.next_deputy} làm "
            "Khối phó năm 2025.") in text
    # the person signs under the title, on the right; the addressee is on the left
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells["Nguyễn Văn An"].row > cells["GIÁM ĐỐC SỞ TÀI CHÍNH"].row > \
        cells["KHỐI TRƯỞNG"].row
    assert cells["Nguyễn Văn An"].column > cells["Nơi nhận:"].column
    assert cells["Nguyễn Văn An"].font.b and cells["TỜ TRÌNH"].font.b


def test_annex_and_minutes(scored):
    outcome, wb = scored
    r = outcome.result
    annex = values(wb[OUTPUT_PROPOSALS])
    assert ("(Kèm theo Tờ trình số ……/TTr-KTĐTMTH ngày …… tháng …… năm …… của Khối thi đua "
            "các cơ quan Tham mưu - Tổng hợp)") in annex
    assert {"GIÁM ĐỐC SỞ TÀI CHÍNH", "Nguyễn Văn An", "- Ban Thi đua – Khen thưởng tỉnh;"} \
        <= set(annex)
    for p in r.proposals:
        assert p.unit in annex and p.form in annex
    minutes = values(wb[OUTPUT_MINUTES])
    assert "Số: ……/BB-KTĐTMTH" in minutes and "CHỦ TRÌ" in minutes
    assert "Nguyễn Văn An" in minutes
    assert ("Chủ trì: Nguyễn Văn An, Giám đốc Sở Tài chính (đại diện Sở Tài chính) – Khối "
            "trưởng năm 2024.") in minutes


def test_numbers_a_person_reads_have_decimal_commas(scored):
    outcome, wb = scored
    for name in OUTPUT_DOCUMENTS:
        ws = wb[name]
        for row in ws.iter_rows():
            for c in row:
                # no fractional number in a document: totals are text "98,25"
                assert not (isinstance(c.value, float) and c.value != int(c.value)), \
                    (name, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not DECIMAL_POINT.search(c.value), (name, c.coordinate, c.value)
    totals = [c.value for c in wb[OUTPUT_PROPOSALS]["C"] if isinstance(c.value, str)
              and DECIMAL_COMMA.fullmatch(c.value)]
    assert totals == ["98,25", "98,00", "96,75"][:len(totals)] and totals
    # Kết quả keeps real numbers to compute with
    res = wb[OUTPUT_RESULTS]
    assert 98.25 in [c.value for row in res.iter_rows() for c in row]


def test_documents_are_a4_times_new_roman(scored):
    _, wb = scored
    for name in OUTPUT_DOCUMENTS:
        ws = wb[name]
        assert ws.page_setup.paperSize in (9, "9") and ws.page_setup.orientation == "portrait"
        m = ws.page_margins
        assert 20 <= m.top * 25.4 <= 25 and 20 <= m.bottom * 25.4 <= 25
        assert 30 <= m.left * 25.4 <= 35 and 15 <= m.right * 25.4 <= 20
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Times New Roman"}, (name, fonts)


def test_verification_notes_go_to_the_findings_and_results(tmp_path):
    # no "Kỷ luật" / "Xếp loại năm trước" columns: proposals must still be verified
    units = [{"name": u} for u in UNITS]
    out = tmp_path / "o.xlsx"
    outcome = score_file(bloc_book(tmp_path / "k.xlsx", units=units), out)
    r = outcome.result
    assert r.proposals
    wb = load_workbook(out)
    checks = "\n".join(values(wb[OUTPUT_FINDINGS]))
    assert "proposal-needs-verification" in checks and "Cần xác minh" in checks
    for p in r.proposals:
        assert p.unit in checks
    assert "Cần xác minh" in "\n".join(values(wb[OUTPUT_RESULTS]))
    for name in OUTPUT_DOCUMENTS:
        assert "Cần xác minh" not in "\n".join(values(wb[name])), name


def test_scoring_twice_gives_the_same_sheets(tmp_path):
    src = bloc_book(tmp_path / "k.xlsx")
    first = score_file(src, tmp_path / "a.xlsx")
    again = score_file(tmp_path / "a.xlsx", tmp_path / "b.xlsx")  # its own output, rescored
    assert first.result.to_json()["units"] == again.result.to_json()["units"]
    a, b = load_workbook(tmp_path / "a.xlsx"), load_workbook(tmp_path / "b.xlsx")
    assert a.sheetnames == b.sheetnames  # replaced, never duplicated
    for name in (OUTPUT_RESULTS, *OUTPUT_DOCUMENTS):
        got = [[c.value for c in row] for row in b[name].iter_rows()]
        assert got == [[c.value for c in row] for row in a[name].iter_rows()], name
        assert b[name].print_title_rows == a[name].print_title_rows
        assert b[name].row_breaks.brk == a[name].row_breaks.brk


def test_formula_like_info_values_stay_text(tmp_path):
    info = {**INFO, "Người ký": "=HYPERLINK(\"http://x.example\",\"ký\")",
            "Chức vụ người ký": "+Giám đốc", "Nơi nhận hồ sơ": "-Sở Nội vụ",
            "Quy định của tỉnh": "@Quyết định 1", "Ký hiệu văn bản": "=1+1"}
    src = bloc_book(tmp_path / "k.xlsx", info=info)
    book = load_workbook(src)  # typed with a leading ' in Excel: text, not a formula
    for row in book["Thông tin"].iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type, c.quotePrefix = "s", True
    book.save(src)
    out = tmp_path / "o.xlsx"
    assert not score_file(src, out).result.has_errors
    wb = load_workbook(out)
    seen = set()
    for name in OUTPUT_DOCUMENTS:
        for row in wb[name].iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value[:1] in "=+-@":
                    assert c.data_type == "s", (name, c.coordinate, c.value)
                    seen.add(c.value)
    assert info["Người ký"] in seen and "+GIÁM ĐỐC" in seen
    assert "- -Sở Nội vụ;" in seen
    sub = "\n".join(values(wb[OUTPUT_SUBMISSION]))
    assert "Căn cứ @Quyết định 1;" in sub and "Số: ……/TTr-=1+1" in sub


@pytest.mark.parametrize("name", [
    "KHỐI THI ĐUA CÁC CƠ QUAN THAM MƯU - TỔNG HỢP", "KHỐI THI ĐUA HÀNH CHÍNH – TỔNG HỢP",
    "KHỐI THI ĐUA CƠ QUAN THAM MƯU QUẢN LÝ NHÀ NƯỚC VỀ KINH TẾ",
    "KHỐI THI ĐUA SỞ, NGÀNH KINH TẾ - KỸ THUẬT", "KHỐI THI ĐUA CÁC CƠ QUAN NỘI CHÍNH - ĐẢNG "
    "- ĐOÀN THỂ - MẶT TRẬN TỔ QUỐC VÀ CÁC TỔ CHỨC CHÍNH TRỊ XÃ HỘI"])
@pytest.mark.parametrize("units", [30, 36, 40])
def test_issuing_body_wraps_only_between_word_groups(name, units):
    got = break_issuer(name, cell_text_pt(units))
    assert " ".join(got) == name
    for a, b in zip(got, got[1:]):
        pair = f"{a.split()[-1]} {b.split()[0]}"
        assert pair not in ("THI ĐUA", "CƠ QUAN", "THAM MƯU", "TỔNG HỢP", "QUẢN LÝ", "NHÀ NƯỚC",
                            "KINH TẾ", "KỸ THUẬT", "HÀNH CHÍNH", "NỘI CHÍNH", "ĐOÀN THỂ",
                            "MẶT TRẬN", "TỔ QUỐC", "CHÍNH TRỊ", "XÃ HỘI"), got
        assert not b.startswith(("-", "–")), got  # a line never starts with a dash
        assert a.split()[-1] not in ("CÁC", "CỦA", "VÀ"), got


def test_missing_libreoffice_says_so_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pdf_mod, "find_soffice", lambda: None)
    src = bloc_book(tmp_path / "k.xlsx")
    code = main(["score", str(src), "-o", str(tmp_path / "o.xlsx"), "--pdf"])
    err = capsys.readouterr().err
    assert code == EXIT_NO_PDF != 0
    assert "Không xuất được PDF" in err and "Không tìm thấy LibreOffice" in err
    assert (tmp_path / "o.xlsx").is_file()  # the workbook itself is written
    assert not list(tmp_path.glob("*.pdf"))
    assert check_file(src).status == "ok"


@pytest.mark.libreoffice
@needs_lo
@needs_poppler
def test_pdfs_read_back_page_by_page(tmp_path):
    src = bloc_book(tmp_path / "k.xlsx")
    out = tmp_path / "o.xlsx"
    out.write_bytes(b"")
    out.chmod(0o640)  # an existing output keeps its bits; the PDFs take the same
    outcome = score_file(src, out, pdf=True)
    assert outcome.pdf_error is None and len(outcome.pdfs) == 3, outcome.pdf_error
    r = outcome.result
    texts = {}
    for pdf in outcome.pdfs:
        assert os.stat(pdf).st_mode & 0o777 == os.stat(out).st_mode & 0o777 == 0o640
        assert all(is_a4(s) for s in page_sizes(pdf))
        pages = pdf_pages(pdf)
        for k, page in enumerate(pdf_pages(pdf, layout=True)):
            assert len(lines(page)) >= 10, (pdf.name, k)
            assert not DECIMAL_POINT.search(page), (pdf.name, k)
        texts[pdf.name] = squash("".join(pages))
    sub = texts["o_to_trinh.pdf"]
    for needle in ("TỜTRÌNH", "Số:……/TTr-KTĐTMTH", "Kínhgửi:", "HộiđồngThiđua–Khenthưởng",
                   "(quaBanThiđua–Khenthưởngtỉnh)", "GIÁMĐỐCSỞTÀICHÍNH", "NguyễnVănAn"):
        assert needle in sub, needle
    for p in r.proposals:
        assert squash(p.unit) in sub and squash(p.unit) in texts["o_danh_sach_de_nghi.pdf"]
    assert DECIMAL_COMMA.search(" ".join(pdf_pages(outcome.pdfs[1])))
    assert re.search(r"98,25", " ".join(pdf_pages(outcome.pdfs[1])))
    assert "NguyễnVănAn" in texts["o_bien_ban.pdf"] and "Số:……/BB-KTĐTMTH" in texts["o_bien_ban.pdf"]


@pytest.mark.libreoffice
@needs_lo
@needs_poppler
def test_ribbon_pdf_without_desktop_excel_writes_the_three_documents(tmp_path, monkeypatch):
    from thidua_xl.excel import handlers

    src = bloc_book(tmp_path / "k.xlsx")
    src.chmod(0o604)
    monkeypatch.setattr(handlers, "book_file", lambda book: str(src))
    targets = handlers._pdf_targets(object(), list(OUTPUT_DOCUMENTS))
    assert [t.name for t in targets] == ["k_to_trinh.pdf", "k_danh_sach_de_nghi.pdf",
                                         "k_bien_ban.pdf"]
    made = handlers._pdf_from_saved_copy(object(), targets)
    assert made == targets
    for pdf in made:
        assert pdf.read_bytes().startswith(b"%PDF")
        assert os.stat(pdf).st_mode & 0o777 == 0o604
    assert "TỜTRÌNH" in squash("".join(pdf_pages(made[0])))
