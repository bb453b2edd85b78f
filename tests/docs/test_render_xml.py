"""The direct SpreadsheetML donor (io.render_xml) renders what the openpyxl renderer renders.

Both renderings of the same plans are read back with openpyxl and compared cell by cell
(value, type, font, fill, border, alignment, number format, quote prefix, link), plus
merges, widths, heights, panes, gridlines, print settings, print titles, page breaks,
conditional formats, charts, data validations and autofilters. The plans are the bundled examples' and the documents'
sample results (proposals, tie groups, "Cần xác minh", formula-like names, findings).
"""
from __future__ import annotations

import logging
import os
import shutil

import pytest
from openpyxl import load_workbook

from thidua_xl.api import check_path, score_file
from thidua_xl.cli import example_workbooks
from thidua_xl.io.outputs import build_plan
from thidua_xl.io.plan import SheetPlan, Style, WritePlan
from thidua_xl.io.render_openpyxl import render_to_file
from thidua_xl.io.render_xml import write_donor
from tests.sheet_facts import sheet_facts as _sheet
from tests.docs.samples import error_result, injection_result, long_result, realistic_result


def validation_plan() -> WritePlan:
    """Every kind of data validation, an autofilter, a grey border and an indent."""
    sp = SheetPlan(name="Nhập liệu", freeze="B2", autofilter="A1:D4")
    st = Style(border=True, border_color="808080", indent=2, h_align="left")
    for r in range(1, 5):
        for c in range(1, 5):
            sp.put(r, c, f"ô {r}.{c}" if r == 1 else None, st)
    sp.validate("list", "A2:A4", choices=("HTXS", "HTT", "Hoàn thành nhiệm vụ"),
                error_title="Xếp loại không hợp lệ", error="Chọn trong danh sách.")
    sp.validate("list", "B2:B4", source="'Đơn vị'!$B$2:$B$61", error_style="warning",
                error_title="Đơn vị", error="Chọn tên đơn vị.", prompt_title="Khối trưởng",
                prompt="Đơn vị năm nay <và> \"khối\" & cộng.")
    sp.validate("decimal", "C2", "C4", operator="between", formula1="0", formula2="$C$1",
                error_title="Điểm", error="Điểm từ 0 đến điểm tối đa.")
    sp.validate("whole", "D2:D4", operator="greaterThanOrEqual", formula1="1",
                allow_blank=False, error="Số nguyên từ 1.")
    sp.validate("any", "E1", prompt_title="Gợi ý", prompt="Ghi tên khối.")
    return WritePlan(sheets=[sp], replace=())


def _plans():
    from thidua_xl.summary import build_summary
    from thidua_xl.template import build_template

    plans = [("validation", validation_plan()), ("template", build_template()),
             ("summary", build_summary([realistic_result(), error_result(),
                                        injection_result()])),
             ("sample", build_plan(realistic_result())), ("errors", build_plan(error_result())),
             ("injection", build_plan(injection_result())), ("long", build_plan(long_result()))]
    for p in example_workbooks():
        bloc, res = check_path(p)
        plans.append((p.stem[:3], build_plan(res, bloc=bloc)))
    return plans


PLANS = _plans()


@pytest.mark.parametrize("name,plan", PLANS, ids=[n for n, _ in PLANS])
def test_xml_donor_equals_the_openpyxl_rendering(tmp_path, name, plan):
    a = load_workbook(render_to_file(plan, tmp_path / "openpyxl.xlsx"))
    b = load_workbook(write_donor(plan, tmp_path / "xml.xlsx"))
    assert a.sheetnames == b.sheetnames
    assert a.active.title == b.active.title
    for sheet in a.sheetnames:
        sa, sb = _sheet(a[sheet]), _sheet(b[sheet])
        for key in sa:
            if key == "cells":
                assert sa["cells"].keys() == sb["cells"].keys(), sheet
                for rc, va in sa["cells"].items():
                    assert va == sb["cells"][rc], (sheet, rc)
            else:
                assert sa[key] == sb[key], (sheet, key)


def test_score_uses_the_xml_donor_and_falls_back_to_openpyxl(tmp_path, caplog, monkeypatch):
    src = tmp_path / "k.xlsx"
    shutil.copyfile(example_workbooks()[0], src)
    with caplog.at_level(logging.WARNING, logger="thidua_xl"):
        score_file(src, tmp_path / "xml.xlsx")
    assert not [r for r in caplog.records if "Ghép sheet" in r.getMessage()]
    monkeypatch.setenv("THIDUA_XL_RENDERER", "openpyxl")
    score_file(src, tmp_path / "opx.xlsx")
    a, b = load_workbook(tmp_path / "xml.xlsx"), load_workbook(tmp_path / "opx.xlsx")
    assert a.sheetnames == b.sheetnames
    for sheet in a.sheetnames:
        assert [[c.value for c in r] for r in a[sheet].iter_rows()] == \
               [[c.value for c in r] for r in b[sheet].iter_rows()], sheet
    # a broken xml renderer never breaks scoring: the openpyxl donor takes over
    monkeypatch.delenv("THIDUA_XL_RENDERER")
    import thidua_xl.io.render_xml as rx

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(rx, "render_donor", boom)
    score_file(src, tmp_path / "fallback.xlsx")
    assert load_workbook(tmp_path / "fallback.xlsx").sheetnames == a.sheetnames
    assert os.path.exists(tmp_path / "fallback.xlsx")
