"""graft: a base sheet's tab selection is changed on the start of its XML only, the rest
streamed as it is — the same bytes as the whole sheet changed, for a sheet far longer than
what is read of it, selected or not."""
from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook

from thidua_xl.io.package import _HEAD_READ, graft_sheets
from thidua_xl.io.styles import _set_tab_selected


def _base(path, selected: str):
    wb = Workbook()
    big = wb.active
    big.title = "Lớn"
    for r in range(1, 4001):  # some 300 KB of XML: many reads of its start
        big.append([f"Đơn vị {r}", r, r * 0.5, "x" * 20])
    wb.create_sheet("Nhỏ")["A1"] = "một ô"
    wb.active = wb.sheetnames.index(selected)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == selected
    wb.save(path)
    return path


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("was, select", [("Lớn", "Nhỏ"), ("Nhỏ", "Lớn"), ("Lớn", "Lớn")])
def test_a_long_base_sheet_gets_its_tab_selection_changed_as_a_whole_read_would(
        tmp_path, was, select):
    base = _base(tmp_path / "base.xlsx", was)
    before = _members(base)
    part = "xl/worksheets/sheet1.xml"
    assert len(before[part]) > 4 * _HEAD_READ
    out = tmp_path / "out.xlsx"
    graft_sheets(base, None, out, replace=(), select=select)
    after = _members(out)
    assert after[part] == _set_tab_selected(before[part], select == "Lớn")
    assert (after[part] == before[part]) == (was == select)
    assert after[part].count(b'tabSelected="1"') == (select == "Lớn")
    assert after[part].endswith(b"</worksheet>") and len(after[part]) > 4 * _HEAD_READ
