"""build_plan: what each output sheet holds (plan level, no file)."""
from __future__ import annotations

from datetime import date

from tests.docs.samples import BLOC_NAME, error_result, long_notes_result, realistic_result
from thidua_xl.core.models import Classification
from thidua_xl.io.grid import parse_range
from thidua_xl.io.context import vn_date, wording
from thidua_xl.io.outputs import build_plan
from thidua_xl.io.plan import (
    OUTPUT_ANALYSIS,
    OUTPUT_DETAIL,
    OUTPUT_FINDINGS,
    OUTPUT_MINUTES,
    OUTPUT_PROPOSALS,
    OUTPUT_RESULTS,
    OUTPUT_SHEETS,
    OUTPUT_SUBMISSION,
    SheetPlan,
)


def texts(sp: SheetPlan) -> list[str]:
    return [c.value for c in sp.cells if isinstance(c.value, str)]


def joined(sp: SheetPlan) -> str:
    return "\n".join(texts(sp))


def find(sp: SheetPlan, value) -> tuple[int, int]:
    for c in sp.cells:
        if c.value == value:
            return c.row, c.col
    raise AssertionError(f"{value!r} not in {sp.name}")


def row_values(sp: SheetPlan, row: int) -> list:
    cells = sorted((c for c in sp.cells if c.row == row and c.value is not None),
                   key=lambda c: c.col)
    return [c.value for c in cells]


def test_error_result_plans_only_the_findings_sheet():
    plan = build_plan(error_result())
    assert [s.name for s in plan.sheets] == [OUTPUT_FINDINGS]
    assert plan.select == OUTPUT_FINDINGS
    # stale outputs of an earlier run are still replaced
    assert set(plan.replace) == set(OUTPUT_SHEETS)
    sp = plan.sheets[0]
    assert sp.value_at(1, 1) == "Có 2 lỗi, 2 cảnh báo."


def test_ok_result_plans_every_sheet_with_valid_names():
    plan = build_plan(realistic_result())
    names = [s.name for s in plan.sheets]
    # a result built by hand has no parsed workbook: nothing to trace, no audit sheets
    assert set(names) == set(OUTPUT_SHEETS) - {OUTPUT_DETAIL, OUTPUT_ANALYSIS}
    for n in names:
        assert len(n) <= 31 and not set(n) & set("[]:*?/\\")
    # a warning exists → the findings sheet is selected (interfaces.md)
    assert plan.select == OUTPUT_FINDINGS
    clean = realistic_result()
    clean.findings = []
    assert build_plan(clean).select == OUTPUT_RESULTS
    assert build_plan(clean).sheet(OUTPUT_FINDINGS).value_at(1, 1) == \
        "Không có lỗi, không có cảnh báo."


def test_results_sheet_table_chart_and_fills():
    result = realistic_result()
    sp = build_plan(result).sheet(OUTPUT_RESULTS)
    hr, _ = find(sp, "STT")
    header = row_values(sp, hr)
    assert header[:2] == ["STT", "Tên đơn vị"]
    assert header[2:5] == [f"{p}. {t}" for p, t in result.sections]
    assert header[5:] == ["Điểm thưởng", "Điểm trừ", "Tổng điểm", "% tối đa", "Xếp hạng",
                          "Xếp loại theo điểm", "Hình thức đề nghị", "Ghi chú"]
    names = [sp.value_at(hr + 1 + i, 2) for i in range(len(result.units))]
    assert names == [u.name for u in result.units]
    total_col = header.index("Tổng điểm") + 1
    class_col = header.index("Xếp loại theo điểm") + 1
    assert [sp.value_at(hr + 1 + i, total_col) for i in range(9)] == \
        [u.total for u in result.units]
    # number formats
    nums = [c for c in sp.cells if c.row == hr + 1 and 3 <= c.col <= total_col + 1]
    assert nums and all(c.style.number_format == "0.00" for c in nums)
    # one conditional fill per class on the Xếp loại column
    assert {cf.equals for cf in sp.conditional} == {c.value for c in Classification}
    assert len({cf.fill for cf in sp.conditional}) == 4
    for cf in sp.conditional:
        r1, c1, r2, c2 = parse_range(cf.range)
        assert (c1, c2) == (class_col, class_col) and (r1, r2) == (hr + 1, hr + 9)
    # the chart: names and totals in rank order
    (chart,) = sp.charts
    assert chart.kind == "bar"
    r1, c1, r2, c2 = parse_range(chart.values)
    assert c1 == c2 == total_col and (r1, r2) == (hr + 1, hr + 9)
    r1, c1, r2, c2 = parse_range(chart.categories)
    assert c1 == c2 == 2 and (r1, r2) == (hr + 1, hr + 9)
    assert sp.freeze == f"C{hr + 1}"
    ps = sp.print_setup
    assert ps.orientation == "landscape" and ps.fit_width and ps.title_rows == f"{hr}:{hr}"
    # notes: ties and caps
    assert "Đồng hạng" in sp.value_at(hr + 4, len(header))
    assert "Khiển trách" in sp.value_at(hr + 8, len(header))


def test_proposals_document_structure():
    result = realistic_result()
    sp = build_plan(result, today=date(2021, 12, 5)).sheet(OUTPUT_PROPOSALS)
    all_text = joined(sp)
    issuer = sp.value_at(1, 1)
    assert " ".join(issuer.splitlines()[:-1]) == BLOC_NAME.upper()
    assert issuer.splitlines()[-1].strip("_") == ""  # the short rule below
    assert sp.value_at(1, 5) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert sp.value_at(2, 5) == "Độc lập - Tự do - Hạnh phúc"
    motto = next(c for c in sp.cells if c.value == "Độc lập - Tự do - Hạnh phúc")
    nat = next(c for c in sp.cells if c.value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    iss = next(c for c in sp.cells if c.value == issuer)
    assert motto.style.bold and motto.style.underline and 13 <= motto.style.font_size <= 14
    assert nat.style.bold and 12 <= nat.style.font_size <= 13
    assert iss.style.bold and 12 <= iss.style.font_size <= 13
    assert "Thanh Hóa, ngày 05 tháng 12 năm 2021" in all_text
    place = next(c for c in sp.cells if c.value == "Thanh Hóa, ngày 05 tháng 12 năm 2021")
    assert place.style.italic
    title = next(c for c in sp.cells if c.value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")
    assert title.style.bold and title.style.h_align == "center" and title.style.font_size >= 13
    assert "Năm 2021" in texts(sp)
    assert ("(Kèm theo Tờ trình số ……/TTr-KTĐ ngày …… tháng …… năm …… của "
            f"{BLOC_NAME})") in texts(sp)
    assert all(c.style is None or c.style.font_name == "Times New Roman" for c in sp.cells)
    hr, _ = find(sp, "STT")
    assert row_values(sp, hr) == ["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại",
                                  "Hình thức đề nghị khen thưởng", "Ghi chú"]
    rows = [row_values(sp, hr + 1 + i) for i in range(3)]
    assert [r[1] for r in rows] == ["Sở Nông nghiệp và Phát triển nông thôn",
                                    "Liên minh HTX", "Sở Công thương"]
    assert [r[5] for r in rows] == ["Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh",
                                    "Bằng khen của Chủ tịch UBND tỉnh"]
    assert rows[0][6].startswith("Xếp hạng 1, tổng điểm 99,00")
    # the totals are text with a decimal comma; Ghi chú is the basis, never a note to check
    assert [r[2] for r in rows] == ["99,00", "98,00", "97,00"]
    assert result.proposals[2].notes and "Cần xác minh" not in all_text
    tie_line = next(t for t in texts(sp) if "Sở Xây dựng" in t)
    assert "Sở Giao thông vận tải" in tie_line
    assert tie_line.startswith("- Bằng khen của Chủ tịch UBND tỉnh (còn 1 suất): ")
    assert "Đồng hạng – Hội nghị bình xét, bỏ phiếu:" in texts(sp)
    assert ("Đề xuất suy tôn Khối trưởng năm 2022: Sở Nông nghiệp và Phát triển nông thôn"
            in texts(sp))
    assert "Khối phó: Sở Công thương" in texts(sp)
    for t in ("Nơi nhận:", "- Sở Nội vụ (Phòng Thi đua, khen thưởng);",
              "- Các đơn vị trong Khối;", "- Lưu: VT.", "TM. KHỐI THI ĐUA", "KHỐI TRƯỞNG"):
        assert t in texts(sp)
    # no signer in "Thông tin": blanks to fill in, never the head unit's name
    sig = find(sp, "KHỐI TRƯỞNG")
    assert sig[1] >= 5  # signature block on the right
    below = [c.value for c in sp.cells if c.row > sig[0] and c.col == sig[1] and c.value]
    assert below and all(set(v) == {"…"} for v in below)
    ps = sp.print_setup
    assert (ps.paper, ps.margin_top_mm, ps.margin_bottom_mm, ps.margin_left_mm,
            ps.margin_right_mm) == ("A4", 20, 20, 30, 15)
    # fits one page: no repeated header under the signature
    assert ps.fit_width and ps.title_rows is None
    r1, c1, r2, c2 = parse_range(ps.print_area)
    assert (r1, c1) == (1, 1)
    assert all(c.row <= r2 and c.col <= c2 for c in sp.cells)
    assert not sp.show_gridlines


def test_blank_date_and_unknown_province():
    result = realistic_result(province="")
    sp = build_plan(result).sheet(OUTPUT_PROPOSALS)
    assert "……, ngày …… tháng …… năm ……" in texts(sp)
    assert vn_date(date(2022, 1, 9)) == "ngày 09 tháng 01 năm 2022"
    assert vn_date(date(2022, 11, 20)) == "ngày 20 tháng 11 năm 2022"


def test_cum_wording_and_plain_names():
    w = wording("Cụm thi đua số 8")
    assert (w.word, w.issuer) == ("Cụm", "CỤM THI ĐUA SỐ 8")
    assert wording("khối thi đua Hành chính – Tổng hợp").issuer == \
        "KHỐI THI ĐUA HÀNH CHÍNH – TỔNG HỢP"
    assert wording("Hành chính – Tổng hợp").issuer == "KHỐI THI ĐUA HÀNH CHÍNH – TỔNG HỢP"
    assert wording("").issuer == "KHỐI THI ĐUA"
    result = realistic_result(bloc="Cụm thi đua số 8")
    plan = build_plan(result)
    t = texts(plan.sheet(OUTPUT_PROPOSALS))
    assert "TM. CỤM THI ĐUA" in t and "CỤM TRƯỞNG" in t
    assert any(x.startswith("Đề xuất suy tôn Cụm trưởng năm 2022") for x in t)
    assert "Cụm phó: Sở Công thương" in t
    assert "- Các đơn vị trong Cụm;" in t
    assert not any("Khối" in x for x in t)
    assert any("Cụm trưởng" in x for x in texts(plan.sheet(OUTPUT_MINUTES)))


def test_no_proposals_and_no_next_head():
    result = realistic_result()
    result.proposals = []
    result.tie_groups = []
    result.next_head = result.next_deputy = None
    result.succession_note = "Đồng hạng ở vị trí quyết định: hội nghị bỏ phiếu suy tôn."
    t = texts(build_plan(result).sheet(OUTPUT_PROPOSALS))
    assert "Không có đơn vị đủ điều kiện đề nghị khen thưởng." in t
    assert "Đề xuất suy tôn Khối trưởng năm 2022: chưa xác định" in t
    assert result.succession_note in t


def test_findings_sheet_rows_and_links():
    sp = build_plan(error_result()).sheet(OUTPUT_FINDINGS)
    hr, _ = find(sp, "Mức độ")
    assert row_values(sp, hr) == ["Mức độ", "Sheet", "Ô", "Mã lỗi", "Nội dung", "Cách sửa"]
    links = {c.value: c.link for c in sp.cells if c.col == 3 and c.row > hr}
    assert links["F12"] == "Chấm điểm!F12"
    assert links["G15"] == "Chấm điểm!G15"
    assert links["B7"] == "Đơn vị!B7"
    rows = [row_values(sp, hr + 1 + i) for i in range(4)]
    assert [r[0] for r in rows] == ["Lỗi", "Lỗi", "Cảnh báo", "Cảnh báo"]
    assert rows[0][3] == "score-above-max" and "vượt điểm tối đa" in rows[0][4]
    assert rows[3][-2:] == ["Không có sheet «Thông tin».", "Thêm sheet Thông tin."]
    no_sheet = [c for c in sp.cells if c.row == hr + 4 and c.col == 3]
    assert no_sheet[0].link is None
    assert sp.freeze == f"A{hr + 1}"


def test_minutes_sheet():
    result = realistic_result()
    sp = build_plan(result).sheet(OUTPUT_MINUTES)
    t = texts(sp)
    body = joined(sp)
    assert "BIÊN BẢN HỌP BÌNH XÉT THI ĐUA NĂM 2021" in t
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in t
    assert "Thời gian bắt đầu: …… giờ …… phút, ngày …… tháng …… năm ……." in t
    assert "Địa điểm: ……" in t
    for u in result.units:  # attendees and the results table
        assert sum(1 for x in t if x == u.name) >= 2
    assert "Chủ trì: đại diện Liên minh HTX – Khối trưởng năm 2021." in t
    assert "Số: ……/BB-KTĐ" in t
    assert any(x.startswith("Thư ký: ……") for x in t)
    for p in result.proposals:
        assert any(p.unit in x and p.form in x for x in t)
    assert body.count("Số phiếu đồng ý: ……/……") >= 5
    assert "Sở Nông nghiệp và Phát triển nông thôn. Số phiếu đồng ý" in body
    assert "Cuộc họp kết thúc vào …… giờ" in body
    assert "THƯ KÝ" in t and "CHỦ TRÌ" in t


def test_long_table_repeats_its_header():
    sp = build_plan(long_notes_result()).sheet(OUTPUT_PROPOSALS)
    hr, _ = find(sp, "STT")
    assert sp.print_setup.title_rows == f"{hr}:{hr}"
    assert len([c for c in sp.cells if c.col == 1 and isinstance(c.value, int)]) == 9
    assert " ".join(sp.value_at(1, 1).split()[:-1]) == \
        wording("các cơ quan Tham mưu - Tổng hợp").issuer


def test_verification_notes_stay_out_of_the_documents():
    result = long_notes_result()
    plan = build_plan(result)
    for name in (OUTPUT_PROPOSALS, OUTPUT_MINUTES, OUTPUT_SUBMISSION):
        body = joined(plan.sheet(name))
        assert "Cần xác minh" not in body and "sổ không có" not in body, name
    # the basis that decided a seat is kept in the annex
    sp = plan.sheet(OUTPUT_PROPOSALS)
    hr, _ = find(sp, "STT")
    assert "Ưu tiên tập thể nữ" in sp.value_at(hr + 1, 7)
    # "Kết quả" keeps what the units' notes say
    res = joined(plan.sheet(OUTPUT_RESULTS))
    assert "Cần xác minh" in res


def test_row_heights_stay_within_excel_limits():
    result = realistic_result()
    result.proposals[0].notes.append("Rất dài " * 800)
    sp = build_plan(result).sheet(OUTPUT_PROPOSALS)
    assert max(sp.row_heights.values()) <= 409
    assert min(sp.row_heights.values()) > 0
