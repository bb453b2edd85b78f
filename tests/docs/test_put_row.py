"""Rows put whole (SheetPlan.put_row) are the same cells as put one by one, in every renderer.

render_xml writes them through per-column templates: its sheet XML must be byte for byte the
XML of the same cells put one at a time; the openpyxl renderer reads them through
``all_cells``; the last write to a cell still wins when rows and cells overlap.
"""
from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from thidua_xl.io.outputs import CUT_NOTE, _capped
from thidua_xl.io.plan import SheetPlan, Style, WritePlan
from thidua_xl.io.render_openpyxl import render_to_file
from thidua_xl.io.render_xml import write_donor
from tests.sheet_facts import sheet_facts

TEXT = Style(font_name="Times New Roman", font_size=11)
NUM = Style(font_name="Times New Roman", font_size=11, number_format="0.00", h_align="right")
LINK = Style(font_name="Times New Roman", color="0563C1", underline=True)
ROW = (TEXT, TEXT, NUM, NUM, LINK, None, TEXT)
ROW2 = (NUM, TEXT, TEXT, None, LINK, TEXT, NUM)


def rows_plan(overlap: bool = False) -> WritePlan:
    sp = SheetPlan("Bảng", freeze="B2", autofilter="A1:G9", col_widths={1: 20})
    sp.put(1, 1, "Tiêu đề", TEXT)
    sp.put(1, 3, 2.5, NUM)
    sp.row_heights[3] = 30.0
    sp.put_row(2, ("Sở A", "I.1", 1.0, 2, "Chấm điểm!B7", None, "x"), ROW,
               (None, None, None, None, "Chấm điểm!B7"))
    sp.put_row(3, ("a < b & c", "", None, True, "Chấm điểm!$C$8", "có", -0.5), ROW,
               (None, None, None, None, "Chấm điểm!$C$8"))
    sp.put_row(4, ("=1+1", "-x", 1e20, -3, None, None, "@a"), ROW)
    sp.put_row(5, (3, "dòng\nhai\x01", "tab\tx", 7, "http://x.vn!A1", "\"q\"", 0.1), ROW2,
               (None, None, None, None, "http://x.vn!A1"))
    sp.put_row(7, ("'Tờ'!A1", "Ư", "", "z", "Kết quả!A1", 1, 2), ROW2,
               (None, None, None, None, "'Kết quả'!A1", "Kết quả!A1"), col=2)
    if overlap:  # a cell put after the row, and a row over a put cell
        sp.put(4, 3, "đè", TEXT)
        sp.put(8, 1, "trước", TEXT)
        sp.put_row(8, ("sau", None, 5), ROW)
    return WritePlan(sheets=[sp], replace=())


def cells_plan(plan: WritePlan) -> WritePlan:
    """The same sheet with every cell put one by one."""
    src = plan.sheets[0]
    sp = SheetPlan(src.name, freeze=src.freeze, autofilter=src.autofilter,
                   col_widths=dict(src.col_widths), row_heights=dict(src.row_heights))
    for c in src.all_cells():
        sp.put(c.row, c.col, c.value, c.style, c.link)
    return WritePlan(sheets=[sp], replace=())


def _sheet_xml(path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml"), z.read("xl/styles.xml")


@pytest.mark.parametrize("overlap", [False, True])
def test_rows_render_the_bytes_of_the_same_cells_put_one_by_one(tmp_path, overlap):
    plan = rows_plan(overlap)
    a = _sheet_xml(write_donor(plan, tmp_path / "rows.xlsx"))
    b = _sheet_xml(write_donor(cells_plan(plan), tmp_path / "cells.xlsx"))
    assert a == b
    assert b'<hyperlink ref="E2" location="&apos;' not in a[0]
    assert b'<hyperlink ref="E2" location="\'Ch' in a[0] and b'hyperlink ref="E5"' not in a[0]


def test_all_cells_keeps_the_write_order_and_the_gaps():
    sp = rows_plan(overlap=True).sheets[0]
    cells = {(c.row, c.col): c for c in sp.all_cells()}
    assert (2, 6) not in cells  # value None with style None: no cell
    assert cells[(3, 3)].value is None and cells[(3, 3)].style is NUM  # a styled blank
    assert cells[(2, 5)].link == "Chấm điểm!B7" and cells[(2, 1)].link is None
    assert cells[(7, 7)].link == "Kết quả!A1" and cells[(7, 8)].link is None  # shorter links
    assert sp.value_at(4, 3) == "đè" and sp.value_at(8, 1) == "sau"
    assert sp.value_at(1, 3) == 2.5


@pytest.mark.parametrize("overlap", [False, True])
def test_rows_render_the_same_in_openpyxl_and_xml(tmp_path, overlap):
    plan = rows_plan(overlap)
    a = load_workbook(render_to_file(plan, tmp_path / "openpyxl.xlsx"))["Bảng"]
    b = load_workbook(write_donor(plan, tmp_path / "xml.xlsx"))["Bảng"]
    fa, fb = sheet_facts(a), sheet_facts(b)
    assert fa == fb
    assert b["A4"].value == "=1+1" and b["A4"].data_type == "s" and b["A4"].quotePrefix
    assert b["E2"].hyperlink.location == "'Chấm điểm'!B7"


def test_long_texts_of_rows_are_cut():
    plan = rows_plan()
    plan.sheets[0].put_row(9, ("x" * 40_000, 1.0), ROW)
    _capped(plan)
    values = list(plan.sheets[0].whole_rows())[-1][2]
    assert len(values[0]) <= 32_767 and values[0].endswith(CUT_NOTE) and values[1] == 1.0


def test_a_column_first_or_only_met_with_quoted_texts(tmp_path):
    """Styles are registered in the order the cells come, quoted texts (their own style)
    included: the same ids as the cells put one by one."""
    sp = SheetPlan("Bảng")
    other = Style(font_name="Arial", bold=True)
    sp.put_row(1, ("=a", "+b", 1.0), (TEXT, other, NUM))
    sp.put_row(2, ("x", "@c", "-d"), (TEXT, other, NUM))
    sp.put_row(3, ("=e", "+f", 2.0), (TEXT, other, NUM))
    sp.put_row(4, ("y", "+g", 3.0), (LINK, other, NUM))  # "other": quoted texts only
    plan = WritePlan(sheets=[sp], replace=())
    a = _sheet_xml(write_donor(plan, tmp_path / "rows.xlsx"))
    b = _sheet_xml(write_donor(cells_plan(plan), tmp_path / "cells.xlsx"))
    assert a == b
    assert b'quotePrefix="1"' in a[1]


def test_self_links_render_as_the_explicit_links_they_stand_for(tmp_path):
    """SELF_LINK (one links tuple shared by a table's rows) = each cell linked to its own
    "Sheet!A1" text; a cell of another kind there gets no link, as with no link at all."""
    from thidua_xl.io.plan import SELF_LINK

    shared = (None, None, None, None, SELF_LINK)
    values = [("Sở A", "I.1", 1.0, 2, "Chấm điểm!B7", None, "x"),
              ("Sở B", "I.2", 0.5, 1, "Chấm điểm!$C$8", None, "y"),
              ("Sở C", "I.3", 0.0, 1, 3.5, None, "z")]
    by_self = SheetPlan("Bảng")
    explicit = SheetPlan("Bảng")
    for r, row in enumerate(values, start=2):
        by_self.put_row(r, row, ROW, shared)
        link = row[4] if isinstance(row[4], str) else None
        explicit.put_row(r, row, ROW, (None, None, None, None, link))
    a = _sheet_xml(write_donor(WritePlan(sheets=[by_self], replace=()), tmp_path / "a.xlsx"))
    b = _sheet_xml(write_donor(WritePlan(sheets=[explicit], replace=()), tmp_path / "b.xlsx"))
    assert a == b and a[0].count(b"<hyperlink ") == 2
    assert [c.link for c in by_self.all_cells() if c.col == 5] == \
        ["Chấm điểm!B7", "Chấm điểm!$C$8", None]
