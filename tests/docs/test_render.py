"""render_plan / render_to_file: what openpyxl reads back from the written workbook."""
from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from tests.docs.samples import (
    INFO_INJECTIONS,
    INJECTIONS,
    error_result,
    info_bloc,
    injection_result,
    long_notes_result,
    realistic_result,
)
from thidua_xl.io.outputs import build_plan
from thidua_xl.io.plan import (AUDIT_SHEETS, OUTPUT_FINDINGS, OUTPUT_MINUTES, OUTPUT_PROPOSALS,
                               OUTPUT_RESULTS, OUTPUT_SHEETS, OUTPUT_SUBMISSION, SheetPlan,
                               Style, WritePlan)
from thidua_xl.io.render_openpyxl import internal_location, render_plan, render_to_file

#: what a result built by hand plans: it has no parsed workbook to trace (no audit sheets)
PLANNED = tuple(n for n in OUTPUT_SHEETS if n not in AUDIT_SHEETS)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    path = tmp_path_factory.mktemp("render") / "out.xlsx"
    render_to_file(build_plan(realistic_result()), path)
    return path


def test_sheets_values_and_merges(rendered):
    wb = load_workbook(rendered)
    assert wb.sheetnames == list(PLANNED)
    assert wb.active.title == OUTPUT_FINDINGS
    assert sum(ws.sheet_view.tabSelected for ws in wb.worksheets) == 1
    ws = wb[OUTPUT_PROPOSALS]
    assert ws["E1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["E2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["E2"].font.u == "single" and ws["E2"].font.b
    merges = {str(m) for m in ws.merged_cells.ranges}
    assert "E1:G1" in merges and "E2:G2" in merges
    assert any(m.startswith("A1:D") for m in merges)
    assert not ws.sheet_view.showGridLines
    res = wb[OUTPUT_RESULTS]
    names = [c.value for c in res["B"] if c.value]
    assert "Sở Nông nghiệp và Phát triển nông thôn" in names
    assert res.freeze_panes.startswith("C")
    assert res.sheet_properties.tabColor.rgb.endswith("2E75B6")


def test_print_settings(rendered):
    wb = load_workbook(rendered)
    for name in PLANNED:
        ws = wb[name]
        assert ws.page_setup.paperSize in (9, "9")
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.print_area
    ws = wb[OUTPUT_PROPOSALS]
    assert ws.page_setup.orientation == "portrait"
    m = ws.page_margins
    assert m.top == pytest.approx(20 / 25.4) and m.bottom == pytest.approx(20 / 25.4)
    assert m.left == pytest.approx(30 / 25.4) and m.right == pytest.approx(15 / 25.4)
    assert re.fullmatch(r"'?Đề nghị khen thưởng'?!\$A\$1:\$G\$\d+", ws.print_area)
    assert ws.print_title_rows is None  # one page
    assert wb[OUTPUT_RESULTS].page_setup.orientation == "landscape"
    assert wb[OUTPUT_RESULTS].print_options.horizontalCentered


def title_row(ws) -> int:
    ref = ws.print_title_rows.split("!")[-1]
    assert re.fullmatch(r"\$?\d+:\$?\d+", ref)
    return int(ref.split(":")[0].replace("$", ""))


def test_title_rows(tmp_path, rendered):
    wb = load_workbook(rendered)
    for name in (OUTPUT_RESULTS, OUTPUT_FINDINGS):
        ws = wb[name]
        assert ws.cell(title_row(ws), 1).value in ("STT", "Mức độ")
    path = render_to_file(build_plan(long_notes_result()), tmp_path / "long.xlsx")
    ws = load_workbook(path)[OUTPUT_PROPOSALS]
    assert ws.cell(title_row(ws), 1).value == "STT"


def test_times_new_roman_everywhere(rendered):
    wb = load_workbook(rendered)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    assert c.font.name == "Times New Roman", (ws.title, c.coordinate)
    body = [c for c in wb[OUTPUT_SUBMISSION]["A"] if isinstance(c.value, str)
            and c.value.startswith("Căn cứ")]
    assert len(body) >= 4 and all(c.font.sz == 13 for c in body)


def test_conditional_formatting_and_chart(rendered):
    wb = load_workbook(rendered)
    ws = wb[OUTPUT_RESULTS]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    formulas = " ".join(f for r in rules for f in (r.formula or []))
    assert len(rules) == 4
    assert 'EXACT(' in formulas and '"Hoàn thành xuất sắc nhiệm vụ"' in formulas
    with zipfile.ZipFile(rendered) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
        chart = z.read("xl/charts/chart1.xml").decode("utf-8")
    assert 'barDir val="bar"' in chart
    assert "Kết quả" in chart  # the ranges point at the results sheet


def test_hyperlinks_are_internal(tmp_path):
    path = render_to_file(build_plan(error_result()), tmp_path / "err.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [OUTPUT_FINDINGS]
    ws = wb[OUTPUT_FINDINGS]
    links = [c.hyperlink for row in ws.iter_rows() for c in row if c.hyperlink]
    assert {h.location for h in links} == {"'Chấm điểm'!F12", "'Chấm điểm'!G15",
                                           "'Đơn vị'!B7"}
    assert all(not h.target for h in links)
    with zipfile.ZipFile(path) as z:
        rels = [n for n in z.namelist() if n.endswith(".rels")]
        assert not any('TargetMode="External"' in z.read(n).decode() for n in rels)
    assert internal_location("http://x.example/a!B1") is None
    assert internal_location("file:///etc/passwd!A1") is None
    assert internal_location("[Other.xlsx]Sheet1!A1") is None
    assert internal_location("'It''s'!$B$2") == "'It''s'!B2"


def test_formula_injection_stays_text(tmp_path):
    plan = build_plan(injection_result(), bloc=info_bloc(**INFO_INJECTIONS))
    path = render_to_file(plan, tmp_path / "inj.xlsx")
    wb = load_workbook(path)
    seen = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in INJECTIONS + ["=1+1"]:
                    seen.setdefault(c.value, []).append(c)
    assert set(seen) == set(INJECTIONS) | {"=1+1"}
    signer = INFO_INJECTIONS["signer"]
    title = INFO_INJECTIONS["signer_title"].upper()
    for value in (signer, title):
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                 if c.value == value]
        assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells), value
    for cells in seen.values():
        for c in cells:
            assert c.data_type == "s", (c.parent.title, c.coordinate, c.value)
            assert c.quotePrefix
    # no formula anywhere in the package
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(n).decode("utf-8") and "<f " not in \
                    z.read(n).decode("utf-8")
    # the new "Thông tin" fields inside sentences are kept as written
    sub = "\n".join(str(c.value) for row in wb[OUTPUT_SUBMISSION].iter_rows() for c in row
                    if c.value)
    assert "(qua -Sở Nội vụ)" in sub and "Căn cứ @Quyết định 86/2025/QĐ-UBND;" in sub
    assert "Số: ……/TTr-=KT" in sub
    assert "=CMD|" in wb[OUTPUT_PROPOSALS]["A1"].value


def test_control_characters_are_dropped(tmp_path):
    plan = WritePlan(sheets=[SheetPlan("X")], replace=("X",))
    plan.sheets[0].put(1, 1, "a\x01b\x1fc", Style(font_name="Times New Roman"))
    wb = load_workbook(render_to_file(plan, tmp_path / "c.xlsx"))
    assert wb["X"]["A1"].value == "abc"


def test_render_twice_replaces_instead_of_duplicating(tmp_path):
    wb = Workbook()
    wb.active.title = "Chấm điểm"
    wb["Chấm điểm"]["A1"] = "user data"
    wb.create_sheet("kết quả")  # an old output sheet, other case
    wb.create_sheet("Ghi chú của tôi")
    plan = build_plan(realistic_result())
    render_plan(plan, wb)
    first = list(wb.sheetnames)
    render_plan(plan, wb)
    assert wb.sheetnames == first
    assert first == ["Chấm điểm", "Ghi chú của tôi", *PLANNED]
    assert not any(re.search(r"\d$", n) for n in wb.sheetnames)
    assert wb["Chấm điểm"]["A1"].value == "user data"
    assert wb.active.title == OUTPUT_FINDINGS
    assert sum(ws.sheet_view.tabSelected for ws in wb.worksheets) == 1
    path = tmp_path / "twice.xlsx"
    wb.save(path)
    assert load_workbook(path).sheetnames == first
    # an error run afterwards removes the stale results and keeps only Kiểm tra
    render_plan(build_plan(error_result()), wb)
    assert wb.sheetnames == ["Chấm điểm", "Ghi chú của tôi", OUTPUT_FINDINGS]


def test_render_to_file_is_atomic_and_overwrites(tmp_path):
    path = tmp_path / "o.xlsx"
    path.write_bytes(b"old")
    render_to_file(build_plan(realistic_result()), path)
    assert load_workbook(path).sheetnames == list(PLANNED)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.xlsx"]


def test_minutes_and_results_read_back(rendered):
    wb = load_workbook(rendered)
    ws = wb[OUTPUT_MINUTES]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "BIÊN BẢN HỌP BÌNH XÉT THI ĐUA NĂM 2021" in values
    assert "THƯ KÝ" in values and "CHỦ TRÌ" in values
    res = wb[OUTPUT_RESULTS]
    totals = [c for c in res["H"] if isinstance(c.value, (int, float))]
    assert [c.value for c in totals][:3] == [99.0, 98.0, 97.0]
    assert all(c.number_format == "0.00" for c in totals)


def test_sparse_results_render_without_crashing(tmp_path):
    from thidua_xl.core.models import BlocResult, UnitResult

    empty = build_plan(BlocResult())
    assert [s.name for s in empty.sheets] == list(PLANNED)
    assert not empty.sheet(OUTPUT_RESULTS).charts
    render_to_file(empty, tmp_path / "empty.xlsx")
    sparse = BlocResult(units=[UnitResult(name="Sở A", key="sở a")], sections=[("I", "")])
    wb = load_workbook(render_to_file(build_plan(sparse), tmp_path / "sparse.xlsx"))
    assert wb[OUTPUT_PROPOSALS]["A1"].value.startswith("KHỐI THI ĐUA")
    assert "……" in " ".join(str(c.value) for c in wb[OUTPUT_PROPOSALS]["E"] if c.value)
