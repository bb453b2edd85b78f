"""Rows read when the sheet is written (SheetPlan.put_rows): the same sheet as the rows put
one by one (put_row), byte for byte, in render_xml and through all_cells (openpyxl); the
texts cut as they are written; "Chi tiết điểm" holds no row in its plan."""
from __future__ import annotations

import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from thidua_xl.io.outputs import CUT_NOTE, _capped
from thidua_xl.io.plan import SELF_LINK, SheetPlan, Style, WritePlan
from thidua_xl.io.render_openpyxl import render_to_file
from thidua_xl.io.render_xml import write_donor
from tests.sheet_facts import sheet_facts

TEXT = Style(font_name="Times New Roman", font_size=11)
NUM = Style(font_name="Times New Roman", font_size=11, number_format="0.00", h_align="right")
LINK = Style(font_name="Times New Roman", color="0563C1", underline=True)
OTHER = Style(font_name="Arial", bold=True)
ROW = (TEXT, TEXT, NUM, NUM, LINK, None, TEXT)
ROW2 = (NUM, OTHER, TEXT, None, LINK, TEXT, NUM)
LINKS = (None, None, None, None, SELF_LINK)

#: every kind of value a row can hold: texts to escape, quoted (formula-like) texts first
#: met in a column late, "", bool, None with and without a style, int, float, a date (the
#: general path), links to themselves, explicit and external, rows of other lengths
ROWS = [
    (("Sở A", "I.1", 1.0, 2, "Chấm điểm!B7", None, "x"), ROW, LINKS),
    (("a < b & c", "", None, True, "Chấm điểm!$C$8", "có", -0.5), ROW, LINKS),
    (("y", "-x", 1e20, -3, None, None, "@a"), ROW, None),
    ((3, "dòng\nhai\x01", "tab\tx", 7, "http://x.vn!A1", "\"q\"", 0.1), ROW2,
     (None, None, None, None, "http://x.vn!A1")),
    (("'Tờ'!A1", "=b", "", "z", "Kết quả!A1", 1, 2), ROW2,
     (None, None, None, None, "'Kết quả'!A1", "Kết quả!A1")),
    (("ngày", date(2025, 1, 2), 0.0, False, "Chấm điểm!D9"), ROW, LINKS),
    (("ngắn", "+c"), ROW, LINKS),
    ((None, None, None, None, None, None, None), (None,) * 7, None),
    (("=e", "+f", 2.0, 1, 3.5, None, "dài", "thừa"), ROW, LINKS),
    (("Sở A", "I.1", 1.0, 2, "Chấm điểm!B7", None, "x"), ROW, LINKS),
]


def _plans(first: int = 4) -> tuple[WritePlan, WritePlan, list[int]]:
    """The same sheet twice: rows put one by one, and read from a source (whose calls are
    counted)."""
    calls: list[int] = []

    def source():
        calls.append(1)
        return iter(ROWS)

    sheets = []
    for lazy in (False, True):
        sp = SheetPlan("Bảng", freeze="B2", autofilter="A1:H20", col_widths={1: 20})
        sp.put(1, 1, "Tiêu đề", TEXT)
        sp.put(2, 3, 2.5, NUM)
        sp.row_heights[first + 2] = 30.0  # a row of the table, and one below it
        sp.row_heights[first + len(ROWS) + 3] = 18.0
        if lazy:
            sp.put_rows(first, len(ROWS), source)
        else:
            for r, (values, styles, links) in enumerate(ROWS, first):
                sp.put_row(r, values, styles, links)
        sp.put(first + len(ROWS) + 1, 2, "sau", OTHER)
        sheets.append(sp)
    return (WritePlan(sheets=[sheets[0]], replace=()),
            WritePlan(sheets=[sheets[1]], replace=()), calls)


def _parts(path) -> tuple[bytes, bytes]:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml"), z.read("xl/styles.xml")


def test_rows_from_a_source_are_the_bytes_of_the_rows_put_one_by_one(tmp_path):
    eager, lazy, calls = _plans()
    a = _parts(write_donor(eager, tmp_path / "eager.xlsx"))
    b = _parts(write_donor(lazy, tmp_path / "lazy.xlsx"))
    assert a == b
    assert calls == [1, 1]  # a pass for the styles, one for the cells and links
    src = eager.sheets[0]  # and the bytes of the cells put one at a time (the general path)
    one = SheetPlan(src.name, freeze=src.freeze, autofilter=src.autofilter,
                    col_widths=dict(src.col_widths), row_heights=dict(src.row_heights))
    for c in src.all_cells():
        one.put(c.row, c.col, c.value, c.style, c.link)
    sheet, styles = _parts(write_donor(WritePlan(sheets=[one], replace=()), tmp_path / "1.xlsx"))
    # but the row of no cell, an empty <row> when put whole (as put_row always wrote it)
    assert (sheet, styles) == (a[0].replace(b'<row r="11"></row>', b""), a[1])
    # nothing held in the plan: the table is one block, read from its source
    assert [b.count for b in lazy.sheets[0].blocks] == [len(ROWS)]
    sheet = a[0]
    assert b'<row r="6" ht="30" customHeight="1">' in sheet
    assert ('<hyperlink ref="E4" location="\'Chấm điểm\'!B7" display="Chấm điểm!B7"/>'
            .encode() in sheet)
    assert b"a &lt; b &amp; c" in sheet and b'quotePrefix="1"' in a[1]
    assert b'<c r="B9"' in sheet and b"2025-01-02" in sheet  # the general path
    assert b'<row r="11"></row>' in sheet  # a row of no cell
    assert b'r="H12"' not in sheet  # more values than styles: the extra is no cell


def test_a_block_without_links_is_read_twice_and_writes_no_hyperlinks(tmp_path):
    calls: list[int] = []

    def source():
        calls.append(1)
        return iter([(values, styles, None) for values, styles, _ in ROWS])

    sp = SheetPlan("Bảng")
    sp.put(1, 1, "Kết quả!A1", TEXT, link="Kết quả!A1")  # a cell's link: before the rows'
    sp.put_rows(2, len(ROWS), source)
    sp.put_row(20, ("Chấm điểm!B7",), (TEXT,), (SELF_LINK,))  # and a row's after them
    sheet = _parts(write_donor(WritePlan(sheets=[sp], replace=()), tmp_path / "a.xlsx"))[0]
    assert calls == [1, 1]
    assert sheet.count(b"<hyperlink ") == 2 and b'ref="A1"' in sheet.split(b'ref="A20"')[0]
    sp.blocks[0].source = lambda: iter([])  # a source that has no row
    sheet = _parts(write_donor(WritePlan(sheets=[sp], replace=()), tmp_path / "b.xlsx"))[0]
    assert sheet.count(b"<hyperlink ") == 2 and b"<row r=\"2\"" not in sheet


def test_all_cells_reads_the_source_in_the_write_order():
    eager, lazy, _ = _plans()
    cells = [(c.row, c.col, c.value, c.style, c.link) for c in eager.sheets[0].all_cells()]
    assert [(c.row, c.col, c.value, c.style, c.link)
            for c in lazy.sheets[0].all_cells()] == cells
    assert lazy.sheets[0].value_at(7, 4) == 7 and lazy.sheets[0].value_at(1, 1) == "Tiêu đề"


def test_rows_from_a_source_render_the_same_in_openpyxl(tmp_path):
    _, lazy, _ = _plans()
    a = load_workbook(render_to_file(lazy, tmp_path / "openpyxl.xlsx"))["Bảng"]
    b = load_workbook(write_donor(lazy, tmp_path / "xml.xlsx"))["Bảng"]
    fa, fb = sheet_facts(a), sheet_facts(b)
    # a date: a number to openpyxl, its text to render_xml (as put cells are; not this)
    assert fa["cells"].pop((9, 2))[0] == 45659 and fb["cells"].pop((9, 2))[0] == "2025-01-02"
    assert fa == fb
    assert b["E4"].hyperlink.location == "'Chấm điểm'!B7" and b["B6"].quotePrefix


@pytest.mark.parametrize("where", ["cell", "row", "block"])
def test_a_block_over_other_writes_falls_back_to_cell_by_cell(tmp_path, where):
    """A cell, a row or a block put over a block's rows: the last write wins, as cell by
    cell."""
    eager, lazy, _ = _plans()
    for plan in (eager, lazy):
        sp = plan.sheets[0]
        if where == "cell":
            sp.put(5, 2, "đè", TEXT)
        elif where == "row":
            sp.put_row(6, ("đè", None, 9), ROW)
        elif plan is lazy:
            sp.put_rows(12, 2, lambda: iter([(("khối",), (TEXT,), None)] * 2))
        else:
            sp.put_row(12, ("khối",), (TEXT,))
            sp.put_row(13, ("khối",), (TEXT,))
    a = _parts(write_donor(eager, tmp_path / "eager.xlsx"))
    b = _parts(write_donor(lazy, tmp_path / "lazy.xlsx"))
    assert a == b
    cells = {(c.row, c.col): c.value for c in lazy.sheets[0].all_cells()}
    if where == "cell":
        assert cells[(5, 2)] == "đè" and "đè".encode() in b[0]
    elif where == "row":
        assert cells[(6, 1)] == "đè" and cells[(6, 3)] == 9 and cells[(6, 4)] == -3
    else:
        assert cells[(12, 1)] == "khối" and cells[(12, 3)] == 2.0  # both rows, the last first
        assert b[0].count(b'<row r="12"') == 1


def test_a_row_put_right_after_a_block_over_it_wins(tmp_path):
    """Put one right after the other, no cell between: the order they were put in."""
    lazy, eager = SheetPlan("Bảng"), SheetPlan("Bảng")
    lazy.put_row(1, ("trước",), (TEXT,))
    lazy.put_rows(1, 2, lambda: iter([(("khối", 1.0), (TEXT, NUM), None)] * 2))
    lazy.put_row(2, ("sau",), (OTHER,))
    eager.put_row(1, ("trước",), (TEXT,))
    eager.put_row(1, ("khối", 1.0), (TEXT, NUM))
    eager.put_row(2, ("khối", 1.0), (TEXT, NUM))
    eager.put_row(2, ("sau",), (OTHER,))
    cells = {(c.row, c.col): c.value for c in lazy.all_cells()}
    assert cells == {(1, 1): "khối", (1, 2): 1.0, (2, 1): "sau", (2, 2): 1.0}
    a = _parts(write_donor(WritePlan(sheets=[lazy], replace=()), tmp_path / "lazy.xlsx"))
    b = _parts(write_donor(WritePlan(sheets=[eager], replace=()), tmp_path / "eager.xlsx"))
    assert a == b


def test_long_texts_of_a_block_are_cut_as_they_are_written(tmp_path):
    long = "=" + "x" * 40_000  # quoted, and longer than a cell holds
    rows = [((long, 1.0, long), (TEXT, NUM, LINK), (None, None, SELF_LINK))] * 3
    sp = SheetPlan("Bảng")
    sp.put_rows(1, 3, lambda: iter(rows))
    plan = _capped(WritePlan(sheets=[sp], replace=()))
    cut = [c.value for c in sp.all_cells() if c.col == 1]
    assert len(cut) == 3 and all(len(v) <= 32_767 and v.endswith(CUT_NOTE) for v in cut)
    eager = SheetPlan("Bảng")
    for r in range(1, 4):
        eager.put_row(r, (cut[0], 1.0, cut[0]), (TEXT, NUM, LINK), (None, None, SELF_LINK))
    a = _parts(write_donor(plan, tmp_path / "lazy.xlsx"))
    b = _parts(write_donor(WritePlan(sheets=[eager], replace=()), tmp_path / "eager.xlsx"))
    assert a == b and long.encode() not in a[0]


def test_the_detail_sheet_holds_no_row_in_its_plan(tmp_path):
    from tests.analysis.helpers import mixed_bloc
    from thidua_xl.api import check_path
    from thidua_xl.core.audit import audit_table
    from thidua_xl.io.outputs import build_plan
    from thidua_xl.io.plan import OUTPUT_DETAIL

    _, result = check_path(mixed_bloc(tmp_path / "mixed.xlsx"))
    sp = build_plan(result).sheet(OUTPUT_DETAIL)
    table = audit_table(result)
    assert all(c.row < 4 for c in sp.cells)  # no row of the table held in the plan
    assert len(sp.blocks) == 1 and sp.blocks[0].count == len(table) > 0
    rows = {(c.row, c.col): c for c in sp.all_cells() if c.row >= 4}
    for r, t in enumerate(table.tuples(), 4):
        assert rows[(r, 1)].value == t[0] and rows[(r, 10)].value == t[9]
        assert (rows[(r, 7)].link == t[6]) if t[6] else (r, 7) not in rows
