"""TD_KETQUA: the whole results table from the ranges' values, equal to the command line."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.analysis.helpers import mixed_bloc
from tests.builders import crit, write_bloc
from thidua_xl.cli import example_workbooks, main
from thidua_xl.udfs import ERROR_PREFIX, TD_KETQUA

EXAMPLES = example_workbooks()


def _as_excel(rows: list[list], start_row: int = 1) -> list[list]:
    """A range's values as xlwings hands them over: numbers as floats, blanks as None."""
    out = []
    for row in rows[start_row - 1:]:
        out.append([float(v) if isinstance(v, int) and not isinstance(v, bool) else v
                    for v in row])
    return out


def _values(path: Path, sheet: str | None) -> list[list] | None:
    if sheet is None:
        return None
    ws = load_workbook(path, data_only=True)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


class _Formats:
    """What ``sheet.range(a, b).number_format`` answers in desktop Excel: the format when
    every cell of the area has it, else None."""

    def __init__(self, ws):
        self.ws = ws

    def range(self, a, b=None):
        (r1, c1), (r2, c2) = a, (b or a)
        fmts = {self.ws.cell(r, c).number_format for r in range(r1, r2 + 1)
                for c in range(c1, c2 + 1)}
        return type("Area", (), {"number_format": fmts.pop() if len(fmts) == 1 else None})


class FakeRange:
    """An xlwings Range of desktop Excel (what the add-in passes to TD_KETQUA): values as
    COM gives them, number formats from the file."""

    def __init__(self, path: Path, sheet: str, first_row: int = 1):
        ws = load_workbook(path, data_only=True)[sheet]
        self.sheet = _Formats(ws)
        self.row, self.column = first_row, 1
        self._values = _as_excel([list(r) for r in ws.iter_rows(values_only=True)], first_row)

    def options(self, **kw):
        return type("Opt", (), {"value": self._values})


def _cli(path: Path, capsys) -> dict:
    code = main(["check", "--json", str(path)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0, doc["findings"]
    return doc


def _sheets(path: Path) -> dict[str, str | None]:
    from thidua_xl.core.text import fold

    names = load_workbook(path, read_only=True).sheetnames
    pick = {fold(n): n for n in names}
    return {k: pick.get(fold(k)) for k in ("Chấm điểm", "Quy định", "Đơn vị")}


def _expected(doc: dict) -> list[list]:
    return [["Đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại", "Hình thức đề nghị"]] + [
        [u["name"], u["total"], u["rank"], u["classification"] or "", u["award"] or ""]
        for u in doc["units"]]


@pytest.mark.parametrize("src", [*EXAMPLES, "mixed"],
                         ids=[p.name[:3] for p in EXAMPLES] + ["mixed"])
def test_td_ketqua_equals_the_cli(src, tmp_path, capsys):
    if src == "mixed":
        src = mixed_bloc(tmp_path / "mixed.xlsx",
                         forms=[{"Hình thức khen thưởng": "Cờ thi đua của UBND tỉnh",
                                 "Số lượng tối đa": 1, "Xếp loại tối thiểu": "HT",
                                 "Không bị kỷ luật": "Không", "Năm trước HTXS": "Không"}])
    else:
        src = Path(shutil.copyfile(src, tmp_path / Path(src).name))
    doc = _cli(src, capsys)
    names = _sheets(src)
    rules = FakeRange(src, names["Quy định"]) if names["Quy định"] else None
    units = FakeRange(src, names["Đơn vị"]) if names["Đơn vị"] else None
    scores = FakeRange(src, names["Chấm điểm"])
    assert TD_KETQUA(scores, rules, units) == _expected(doc)
    # the range may start at the header row (the title rows left out)
    header = next(i for i, r in enumerate(_values(src, names["Chấm điểm"]), 1) if any(
        isinstance(v, str) and v.strip() in ("Mã", "Mã tiêu chí", "STT", "TT") for v in r))
    assert header > 1 or src.name.startswith("mixed")
    assert TD_KETQUA(FakeRange(src, names["Chấm điểm"], header), rules, units) == \
        _expected(doc)
    # values alone (xlwings Lite, plain Python) give the same table where no result
    # is a percent-formatted number
    has_percent = bool(scores.sheet and _percent_cells_in(src, names["Chấm điểm"]))
    by_values = TD_KETQUA(_as_excel(_values(src, names["Chấm điểm"])),
                          rules and rules.options().value, units and units.options().value)
    assert (by_values == _expected(doc)) is not has_percent


def _percent_cells_in(path: Path, sheet: str) -> bool:
    ws = load_workbook(path)[sheet]
    return any("%" in c.number_format and isinstance(c.value, (int, float))
               for row in ws.iter_rows() for c in row)


def test_td_ketqua_errors_are_a_message_in_the_cell(tmp_path):
    src = write_bloc(tmp_path / "bad.xlsx", units=["Sở A", "Sở B"], criteria=[
        crit("I", "Chung"), crit("1", "Một", 10, scores={"Sở A": 12, "Sở B": "abc"})])
    got = TD_KETQUA(_as_excel(_values(src, "Chấm điểm")))
    assert isinstance(got, str) and got.startswith(ERROR_PREFIX)
    assert "vượt điểm tối đa" in got and "1 lỗi khác" in got
    assert TD_KETQUA([[None, None]]).startswith(ERROR_PREFIX)
    assert TD_KETQUA(None).startswith(ERROR_PREFIX)
