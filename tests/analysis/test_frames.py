"""thidua_xl.to_frame: the same numbers as the JSON and as the "Chi tiết điểm" sheet."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

import thidua_xl
from tests.analysis.helpers import mixed_bloc, table
from thidua_xl.cli import example_workbooks, main
from thidua_xl.frames import DETAIL_COLUMNS, UNIT_COLUMNS

EXAMPLES = example_workbooks()


def _same(a, b) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return b is None
    if hasattr(a, "item"):  # numpy scalar
        a = a.item()
    return a == b


@pytest.mark.parametrize("src", EXAMPLES, ids=[p.name[:3] for p in EXAMPLES])
def test_unit_frame_equals_the_cli_json(src, tmp_path, capsys):
    src = Path(shutil.copyfile(src, tmp_path / src.name))
    assert main(["check", "--json", str(src)]) == 0
    doc = json.loads(capsys.readouterr().out)
    frame = thidua_xl.to_frame(thidua_xl.check_file(src))
    assert list(frame.columns[:len(UNIT_COLUMNS)]) == list(UNIT_COLUMNS)
    assert len(frame) == len(doc["units"])
    sections = list(doc["units"][0]["sections"])
    assert list(frame.columns[-len(sections):]) == sections
    for (_, row), unit in zip(frame.iterrows(), doc["units"]):
        for key, value in unit.items():
            if key == "sections":
                for path, sub in value.items():
                    assert _same(row[path], sub), (unit["name"], path)
            else:
                assert _same(row[key], value), (unit["name"], key)


def test_detail_frame_equals_the_sheet(tmp_path):
    src = mixed_bloc(tmp_path / "m.xlsx")
    outcome = thidua_xl.score_file(src, tmp_path / "o.xlsx")
    detail = thidua_xl.to_frame(outcome.result, detail=True)
    assert list(detail.columns) == list(DETAIL_COLUMNS)
    _, _, rows = table(load_workbook(outcome.out)["Chi tiết điểm"])
    assert len(detail) == len(rows)
    headers = ("Đơn vị", "Mã", "Nội dung", "Loại", "Giá trị nhập", "Cột", "Ô nguồn", "Điểm",
               "Hệ số", "Điểm tính")
    for (_, frow), srow in zip(detail.iterrows(), rows):
        for col, head in zip(DETAIL_COLUMNS, headers):
            got = None if frow[col] == "" else frow[col]  # "" reads back as a blank cell
            assert _same(got, srow[head].value), (col, got, srow[head].value)
    sums = detail.groupby("unit")["contribution"].sum().round(2)
    assert sums.to_dict() == {u.name: u.total for u in outcome.result.units}
