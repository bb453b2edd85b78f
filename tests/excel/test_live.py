"""The ribbon handlers driven through xlwings' remote engine (``xw.Book(json=...)``).

The sheets a handler writes into the live book must be the file writer's sheets for the
same workbook: compared cell by cell with ``build_plan(analyze(read_grid(path)))``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import crit, write_bloc
from tests.excel.conftest import standard_bloc
from thidua_xl import api
from thidua_xl.excel import handlers
from thidua_xl.excel.read_xlwings import read_book
from thidua_xl.excel.render_xlwings import as_text, render_plan
from thidua_xl.io.outputs import build_plan
from thidua_xl.io.plan import (OUTPUT_FINDINGS, OUTPUT_PROPOSALS, OUTPUT_RESULTS,
                               OUTPUT_SHEETS, SheetPlan, Style, WritePlan)


def actions(book, func=None):
    acts = book.json()["actions"]
    return [a for a in acts if func is None or a["func"] == func]


def sheet_names_after(book) -> list[str]:
    return [s.name for s in book.sheets]


def written_cells(book, sheet_name: str) -> dict[tuple[int, int], object]:
    """Cell values the actions wrote into ``sheet_name`` (1-based keys, blanks dropped)."""
    names = sheet_names_after(book)
    pos = names.index(sheet_name)
    out: dict[tuple[int, int], object] = {}
    for a in actions(book, "setValues"):
        if a["sheet_position"] != pos:
            continue
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                key = (a["start_row"] + i + 1, a["start_column"] + j + 1)
                if v in (None, ""):
                    out.pop(key, None)
                else:
                    out[key] = v
    return out


def expected_cells(sp: SheetPlan) -> dict[tuple[int, int], object]:
    out: dict[tuple[int, int], object] = {}
    for c in sp.all_cells():
        if c.value is None or c.value == "":
            out.pop((c.row, c.col), None)
        else:
            out[(c.row, c.col)] = as_text(c.value)
    return out


def file_plan(path: Path):
    """The file writer's plan for ``path``, named as the live book is (its file name)."""
    bloc, result = api.analyze(api.read_grid(path), Path(path).name)
    return result, build_plan(result, bloc=bloc)


def _num_eq(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


# --------------------------------------------------------------------------------------
# reading a live book
# --------------------------------------------------------------------------------------
def test_read_book_gives_the_file_readers_values(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    grid_file = api.read_grid(path)
    grid_live = read_book(remote(path))
    assert grid_live.reader == "xlwings"
    for sg in grid_file.sheets:
        live = next(s for s in grid_live.sheets if s.name == sg.name)
        assert set(live.values) == set(sg.values), sg.name
        for key, v in sg.values.items():
            assert _num_eq(live.values[key], v), (sg.name, key, v, live.values[key])
        assert not live.uncached


def test_live_analysis_equals_the_cli(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    cli = api.check_file(path).to_json()
    _, live = handlers.analyze_book(remote(path))
    live_json = live.to_json()
    for key in ("bloc", "year", "max_total", "next_head", "next_deputy", "findings"):
        assert live_json[key] == cli[key], key
    assert live_json["units"] == cli["units"]


# --------------------------------------------------------------------------------------
# the buttons
# --------------------------------------------------------------------------------------
def test_tinh_diem_writes_the_file_writers_sheets(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    result, plan = file_plan(path)
    assert not result.has_errors
    book = remote(path)
    got = handlers.tinh_diem(book=book)
    assert got is not None and not got.has_errors
    added = [a["args"][1] for a in actions(book, "addSheet")]
    assert added == [s.name for s in plan.sheets]
    for sp in plan.sheets:
        assert written_cells(book, sp.name) == expected_cells(sp), sp.name
    # bulk: one setValues block per sheet, never cell by cell; a link cell is set again
    # with its hyperlink only when its value is not the link's plain text (a number, or
    # text that would read as a formula) — every "Ô nguồn" of Chi tiết điểm needs none
    from thidua_xl.io.plan import FORMULA_PREFIXES

    def rewritten(v) -> bool:
        return v is not None and not (isinstance(v, str) and v
                                      and not v.startswith(FORMULA_PREFIXES))

    links = sum(1 for sp in plan.sheets for c in sp.all_cells() if c.link and rewritten(c.value))
    assert len(actions(book, "setValues")) == len(plan.sheets) + links
    # the selected sheet is activated last
    act = actions(book, "activateSheet")
    names = sheet_names_after(book)
    want = OUTPUT_FINDINGS if result.findings else OUTPUT_RESULTS
    assert act and act[-1]["args"] == [names.index(want)]
    # formatting reached Excel: merges, widths, fonts, print area
    funcs = {a["func"] for a in actions(book)}
    assert {"rangeMerge", "setColumnWidth", "setFontProperty", "setPrintArea"} <= funcs
    assert not actions(book, "alert")  # a clean book: no message box


def test_de_nghi_khen_thuong_selects_the_recommendation(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    result, plan = file_plan(path)
    book = remote(path)
    handlers.de_nghi_khen_thuong(book=book)
    names = sheet_names_after(book)
    want = OUTPUT_FINDINGS if result.findings else OUTPUT_PROPOSALS
    assert actions(book, "activateSheet")[-1]["args"] == [names.index(want)]
    sp = plan.sheet(OUTPUT_PROPOSALS)
    assert written_cells(book, OUTPUT_PROPOSALS) == expected_cells(sp)


def test_old_output_sheets_are_replaced_not_duplicated(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    book = remote(path)
    handlers.tinh_diem(book=book)
    first = sheet_names_after(book)
    handlers.tinh_diem(book=book)
    assert sheet_names_after(book) == first
    # the second run deletes each output sheet of the first once
    written = [n for n in first if n in OUTPUT_SHEETS]
    assert len(written) == len(OUTPUT_SHEETS)
    assert len(actions(book, "sheetDelete")) == len(written)


def test_errors_give_only_the_findings_sheet_and_a_message(tmp_path, remote):
    path = standard_bloc(tmp_path / "loi.xlsx", criteria=[
        crit("I", "Chung"),
        crit("1", "Tiêu chí 1", 10, scores={"Sở Tư pháp": 12, "Ban Dân tộc tỉnh": 9,
                                            "Sở Nội vụ": "abc", "Thanh tra tỉnh": 8}),
    ])
    result, plan = file_plan(path)
    assert result.has_errors
    book = remote(path)
    got = handlers.tinh_diem(book=book)
    assert got.has_errors
    assert [a["args"][1] for a in actions(book, "addSheet")] == [OUTPUT_FINDINGS]
    assert written_cells(book, OUTPUT_FINDINGS) == expected_cells(plan.sheet(OUTPUT_FINDINGS))
    names = sheet_names_after(book)
    assert actions(book, "activateSheet")[-1]["args"] == [names.index(OUTPUT_FINDINGS)]
    alerts = actions(book, "alert")
    assert alerts and "lỗi" in alerts[-1]["args"][0] and alerts[-1]["args"][1] == "Thi đua"
    assert "Traceback" not in alerts[-1]["args"][0]


def test_kiem_tra_writes_only_the_findings_sheet(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    _, plan = file_plan(path)
    book = remote(path)
    handlers.kiem_tra(book=book)
    assert [a["args"][1] for a in actions(book, "addSheet")] == [OUTPUT_FINDINGS]
    assert written_cells(book, OUTPUT_FINDINGS) == expected_cells(plan.sheet(OUTPUT_FINDINGS))
    assert actions(book, "alert")  # tells the user the outcome


def test_a_broken_book_never_raises(tmp_path):
    shown = []

    class App:
        def alert(self, prompt, **kw):
            shown.append(prompt)

    class Broken:
        app = App()
        name = "x.xlsx"

        @property
        def sheets(self):
            raise RuntimeError("COM error -2147352567")

    for fn in (handlers.kiem_tra, handlers.tinh_diem, handlers.de_nghi_khen_thuong,
               handlers.xuat_pdf, handlers.huong_dan):
        assert fn(book=Broken()) is None
    assert shown and all("lỗi không mong muốn" in m for m in shown)
    assert all("Traceback" not in m and "COM error" not in m for m in shown)


def test_no_calling_book_is_quiet(monkeypatch):
    def no_caller():
        raise RuntimeError("no caller")

    monkeypatch.setattr(handlers, "_caller", no_caller)
    assert handlers.kiem_tra() is None


def test_huong_dan_writes_the_guide_sheet(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    book = remote(path)
    assert handlers.huong_dan(book=book) == "Hướng dẫn"
    assert [a["args"][1] for a in actions(book, "addSheet")] == ["Hướng dẫn"]
    cells = written_cells(book, "Hướng dẫn")
    text = "\n".join(str(v) for v in cells.values())
    for label in ("Kiểm tra sổ", "Tính điểm", "Đề nghị khen thưởng", "TD_TONGDIEM"):
        assert label in text


def test_xuat_pdf_without_a_saved_file_explains(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    book = remote(path)  # the remote book's name is not a file on this machine
    assert handlers.xuat_pdf(book=book) is None
    alerts = [a["args"][0] for a in actions(book, "alert")]
    assert alerts and "lưu sổ" in alerts[-1]


def test_file_buttons_explain_when_there_is_no_desktop_excel(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    book = remote(path)
    assert handlers.tao_so_mau(book=book) is None
    assert handlers.gop_phieu_tu_cham(book=book) is None
    alerts = [a["args"][0] for a in actions(book, "alert")]
    assert len(alerts) == 2 and all("Excel trên máy tính" in m for m in alerts)
    assert "thidua-xl template" in alerts[0] and "thidua-xl merge" in alerts[1]
    assert not actions(book, "addSheet")


def test_tao_so_mau_writes_a_template(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    book = remote(path)
    out = handlers.tao_so_mau(book=book, out=tmp_path / "mau.xlsx")
    assert out is not None and Path(out).is_file()
    grid = api.read_grid(out)
    assert grid.find_sheet("Chấm điểm") is not None


def test_gop_phieu_tu_cham_fills_the_self_score_column(tmp_path, remote):
    from openpyxl import Workbook

    path = write_bloc(tmp_path / "khoi.xlsx", units=["Sở A", "Sở B"],
                      criteria=[crit("I", "Chung"), crit("1", "Tiêu chí 1", 10),
                                crit("2", "Tiêu chí 2", 20)],
                      subcols=("Tự chấm", "Khối chấm"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Phiếu tự chấm"
    ws.append(["Đơn vị", "Sở A"])
    ws.append([])
    ws.append(["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Tự chấm", "Giải trình"])
    ws.append(["I", "Chung", None, None])
    ws.append(["1", "Tiêu chí 1", 10, 9, "Đủ hồ sơ"])
    ws.append(["2", "Tiêu chí 2", 20, "18,5"])
    unit_file = tmp_path / "so_a.xlsx"
    wb.save(unit_file)
    book = remote(path)
    res = handlers.gop_phieu_tu_cham(book=book, files=[str(unit_file)])
    assert res is not None
    assert len(res.writes) == 2
    pos = sheet_names_after(book).index("Chấm điểm")
    written = [a for a in actions(book, "setValues") if a["sheet_position"] == pos]
    vals = sorted(str(a["values"][0][0]) for a in written)
    assert vals == sorted(str(as_text(v)) for _, v in res.writes)
    assert actions(book, "alert")


# --------------------------------------------------------------------------------------
# the renderer on its own
# --------------------------------------------------------------------------------------
def test_render_plan_features_and_text_safety(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    book = remote(path)
    sp = SheetPlan(name="Kết quả")
    bold = Style(bold=True, font_size=14, fill="FFFF00", color="FF0000", h_align="center",
                 border=True, number_format="0.00")
    sp.put(1, 1, "=SUM(A1:A3)", bold)
    sp.put(1, 2, "+84 912", bold)
    sp.put(2, 1, "-2 điểm")
    sp.put(2, 2, 12.5)
    sp.put(3, 1, "1.2")
    sp.put(3, 2, "Chấm điểm!F12", link="'Chấm điểm'!F12")
    sp.merges.append("A4:B4")
    sp.put(4, 1, "Tiêu đề")
    sp.col_widths[1] = 30
    from thidua_xl.io.plan import PrintSetup

    sp.print_setup = PrintSetup(print_area="A1:B4")
    render_plan(WritePlan(sheets=[sp], select="Kết quả"), book)
    cells = written_cells(book, "Kết quả")
    assert cells[(1, 1)] == "'=SUM(A1:A3)"
    assert cells[(1, 2)] == "'+84 912"
    assert cells[(2, 1)] == "'-2 điểm"
    assert cells[(2, 2)] == 12.5
    assert cells[(3, 1)] == "'1.2"
    links = actions(book, "addHyperlink")
    assert links and links[0]["args"][0] == "#'Chấm điểm'!F12"
    assert actions(book, "rangeMerge")
    assert actions(book, "setPrintArea")[0]["args"] == ["A1:B4"]
    fonts = {tuple(a["args"]) for a in actions(book, "setFontProperty")}
    assert ("bold", True) in fonts and ("size", 14) in fonts and ("color", "#FF0000") in fonts
    assert actions(book, "setRangeColor")[0]["args"] == ["#FFFF00"]
    assert actions(book, "setNumberFormat")[0]["args"] == ["0.00"]
    # the two styled cells share a style: one rectangle, one call per property
    bold_calls = [a for a in actions(book, "setFontProperty") if a["args"] == ["bold", True]]
    assert len(bold_calls) == 1 and bold_calls[0]["column_count"] == 2


@pytest.mark.parametrize("text,out", [
    ("Sở Tư pháp", "Sở Tư pháp"), ("=1+1", "'=1+1"), ("@x", "'@x"), ("'a", "''a"),
    ("12", "'12"), ("8,5", "'8,5"), ("1/2", "'1/2"), ("TRUE", "'TRUE"), ("", ""),
])
def test_as_text(text, out):
    assert as_text(text) == out
    assert as_text(3.5) == 3.5


EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "workbooks" / "examples").glob("*.xlsx"))


@pytest.mark.skipif(not EXAMPLES, reason="no example workbooks")
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem[:40] for p in EXAMPLES])
def test_examples_through_the_ribbon(path, remote):
    """The bundled examples: the ribbon writes the file writer's sheets (or, where the
    remote engine cannot see percent formats, says so in a warning)."""
    grid = api.read_grid(path)
    has_percent = any(s.percent for s in grid.sheets)
    result, plan = file_plan(path)
    book = remote(path)
    got = handlers.tinh_diem(book=book)
    assert got is not None
    if has_percent:
        assert any(f.code == "percent-format-unknown" for f in got.findings)
        return
    assert got.to_json() == result.to_json()
    assert [a["args"][1] for a in actions(book, "addSheet")] == [s.name for s in plan.sheets]
    for sp in plan.sheets:
        assert written_cells(book, sp.name) == expected_cells(sp), sp.name


def test_render_plan_data_validation(tmp_path, remote):
    """Drop-downs and number limits reach the live book through xlwings' data_validation
    (the remote engine has no setter for the prompt and error texts: desktop only)."""
    from tests.docs.test_render_xml import validation_plan

    book = remote(standard_bloc(tmp_path / "khoi.xlsx"))
    plan = validation_plan()
    render_plan(plan, book)
    pos = sheet_names_after(book).index("Nhập liệu")
    lists = [a for a in actions(book, "setDataValidationList") if a["sheet_position"] == pos]
    rules = [a for a in actions(book, "setDataValidationRule") if a["sheet_position"] == pos]
    assert [(a["start_row"], a["start_column"], a["row_count"]) for a in lists] == [
        (1, 0, 3), (1, 1, 3)]
    assert lists[0]["args"][0] == {"type": "literal",
                                   "values": ["HTXS", "HTT", "Hoàn thành nhiệm vụ"]}
    src = lists[1]["args"][0]
    assert src["type"] == "range" and (src["start_row"], src["start_column"],
                                       src["row_count"]) == (1, 1, 60)
    assert src["sheet_position"] == sheet_names_after(book).index("Đơn vị")
    assert [(a["start_row"], a["start_column"], a["args"][0]) for a in rules] == [
        (1, 2, {"type": "decimal", "operator": "between", "formula1": "=0",
                "formula2": "=$C$1"}),
        (3, 2, {"type": "decimal", "operator": "between", "formula1": "=0",
                "formula2": "=$C$1"}),
        (1, 3, {"type": "whole_number", "operator": "greater_than_or_equal",
                "formula1": "=1", "formula2": None})]
    assert actions(book, "freezePaneAtRange")


def test_the_blank_template_plan_through_the_ribbon_renderer(tmp_path, remote):
    """The template's plan rendered into a live book: the Loại drop-down and each scored
    leaf's limit (0 … its own Điểm tối đa cell) are there."""
    from thidua_xl.template import LEFT_LABELS, TYPE_LABELS, build_template

    plan = build_template(["Sở A", "Sở B"])
    book = remote(standard_bloc(tmp_path / "khoi.xlsx"))
    render_plan(WritePlan(sheets=[plan.sheet("Chấm điểm")], replace=()), book)
    pos = sheet_names_after(book).index("Chấm điểm")
    lists = [a["args"][0]["values"] for a in actions(book, "setDataValidationList")
             if a["sheet_position"] == pos and a["args"][0]["type"] == "literal"]
    assert list(TYPE_LABELS) in lists and ["Đạt", "Không đạt"] in lists
    limits = {(a["start_row"] + 1, a["args"][0]["formula2"]) for a in
              actions(book, "setDataValidationRule") if a["sheet_position"] == pos
              and a["args"][0]["operator"] == "between"}
    assert limits and all(f == f"=$C${r}" for r, f in limits)
    assert written_cells(book, "Chấm điểm")[(3, len(LEFT_LABELS) + 1)] == "Sở A"
