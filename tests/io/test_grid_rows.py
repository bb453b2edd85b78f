"""A sheet kept as the reader's rows (SheetGrid.from_rows) answers every question as the
same sheet kept as a (row, col) dict: values, columns, rows with values, bounds, and the
parser's view of it (_Sheet)."""
from __future__ import annotations

import random

from thidua_xl.io.grid import SheetGrid
from thidua_xl.io.sheet_index import _Sheet


def _pair(seed: int):
    rnd = random.Random(seed)
    r0, c0 = rnd.randint(1, 4), rnd.randint(1, 4)
    rows = []
    for _ in range(rnd.randint(0, 12)):
        width = rnd.randint(0, 9)
        row = [rnd.choice([None, None, 1, 2.5, "x", "Đạt", True]) for _ in range(width)]
        while row and row[-1] is None:  # the reader keeps no trailing blanks
            row.pop()
        rows.append(row)
    cells = {(r0 + i, c0 + j): v for i, row in enumerate(rows) for j, v in enumerate(row)
             if v is not None}
    return SheetGrid.from_rows("S", [list(r) for r in rows], r0, c0), SheetGrid("S", cells)


def test_rows_and_dict_agree():
    for seed in range(200):
        dense, sparse = _pair(seed)
        assert dense.dense is not None and sparse.dense is None
        assert dense.bounds() == sparse.bounds()
        assert dense.max_row == sparse.max_row and dense.max_col == sparse.max_col
        assert dense.row_cols() == sparse.row_cols()
        rows = list(range(0, 16))
        for c in range(0, 16):
            assert dense.column(c, rows) == sparse.column(c, rows), (seed, c)
            for r in rows:
                assert dense.get(r, c) == sparse.get(r, c)
        a, b = _Sheet(dense), _Sheet(sparse)
        assert (a.max_row, a.max_col) == (b.max_row, b.max_col)
        for r in rows:
            assert a.row_cols(r) == b.row_cols(r) and a.has_row(r) == b.has_row(r)
        assert a.rows == b.rows
        assert dense == sparse and dense.values == sparse.values
        assert dense.dense is None  # .values made the dict: it is the sheet's values now


def test_set_grows_the_rows_or_falls_back_to_the_dict():
    sg = SheetGrid.from_rows("S", [[1, 2]], 3, 3)
    assert sg.column(4, [3, 4]) == [2, None]
    sg.set(5, 6, "e")            # below and right of the rows: they grow
    assert sg.dense is not None and sg.get(5, 6) == "e" and sg.bounds() == (5, 6)
    assert sg.column(6, [3, 5]) == [None, "e"]  # a column read before is not stale
    sg.set(1, 1, "#N/A")         # above the rows' origin: the dict takes over
    assert sg.dense is None
    assert sg.values == {(3, 3): 1, (3, 4): 2, (5, 6): "e", (1, 1): "#N/A"}
    sg.set(3, 3, None)
    assert sg.get(3, 3) is None and (3, 3) not in sg.values


def test_a_sheet_made_a_dict_mid_parse_still_answers():
    sg = SheetGrid.from_rows("S", [[None, "a"], [], ["b"]], 1, 1)
    sh = _Sheet(sg)
    assert sh.row_cols(1) == [2] and not sh.has_row(2)
    sg.values[(2, 5)] = "c"      # someone reads .values and writes into it
    assert sh.has_row(2) and sh.row_cols(2) == [5] and sh.get(2, 5) == "c"


class _FakeSheet:
    """What read_calamine._sheet reads of a python-calamine sheet: its rows from
    ``start`` (to_python), and ``iter_rows`` as python-calamine 0.9 gives them (after a
    blank row per row above ``start``) — or as ``lead`` says."""

    def __init__(self, rows, start=(0, 0), lead=None):
        self._rows, self.start, self.merged_cell_ranges = rows, start, []
        self.height, self.width = len(rows), max(map(len, rows), default=0)
        self._lead = start[0] if lead is None else lead

    def to_python(self, skip_empty_area=True):
        assert skip_empty_area
        return [list(r) for r in self._rows]

    def iter_rows(self):
        yield from ([""] * self.width for _ in range(self._lead))
        yield from (list(r) for r in self._rows)


def test_calamine_rows_take_normalize_values_rules():
    import math

    from thidua_xl.io.read_calamine import _sheet, normalize_value

    floats = [0.0, -0.0, 1.0, -1.0, 7.0, 1024.0, -1024.0, 1025.0, -1025.0, 2.5, -0.5,
              1e15, 2.0**53 - 1, 2.0**53, -(2.0**53), 1e300, math.inf, -math.inf, 1e-300]
    others = ["", " ", "x", "Đạt", "Đạt", True, False, 3, "a\x01b", "a\x01b", " ", "x",
              "Đa\u0323t", "Đa\u0323t"]  # (repeated: the second of each is known)
    row = floats + others
    sg = _sheet(_FakeSheet([row]), "S")
    got = [sg.get(1, j + 1) for j in range(len(row))]
    want = [normalize_value(v) for v in row]
    assert got == want
    assert [type(v) for v in got] == [type(v) for v in want]  # 1 not 1.0, 2**53 a float
    nan = _sheet(_FakeSheet([[math.nan]]), "S").get(1, 1)
    assert isinstance(nan, float) and math.isnan(nan)


def test_columns_read_again_after_forget_columns():
    sg = SheetGrid.from_rows("S", [[1, 2, 3], [4], [], [5, None, 6]], 2, 1)
    rows = [2, 3, 4, 5, 9]
    before = [sg.column(c, rows) for c in range(0, 5)]
    assert sg._picked is not None  # (kept for the next column)
    sg.forget_columns()
    assert sg._picked is None
    assert [sg.column(c, rows) for c in range(0, 5)] == before
    assert before[1] == [1, 4, None, 5, None] and before[3] == [3, None, None, 6, None]


def test_the_pick_does_not_keep_the_table_as_columns():
    from pathlib import Path

    from thidua_xl.api import analyze, read_grid

    book = sorted((Path(__file__).resolve().parents[2] / "workbooks" / "examples")
                  .glob("*.xlsx"))[0]
    grid = read_grid(book)
    bloc, _ = analyze(grid, str(book))
    assert bloc is not None and bloc.scores
    sheet = grid.find_sheet("Chấm điểm")
    assert sheet is not None and sheet._picked is None


def test_calamine_rows_streamed_or_not_are_the_same():
    """Rows converted as iter_rows gives them are to_python's rows; where iter_rows gives
    something else (no blank lead, a lead of values, other widths) to_python is read."""
    from thidua_xl.io import read_calamine as rc

    long = "x" * (rc.MAX_CELL_TEXT + 5)
    rows = [["", "Mã", 1.0], [2.5, "", "Đạt"], ["", "", ""], ["a\x01", 4.0, long]]
    want = [[None, "Mã", 1], [2.5, None, "Đạt"], [], ["a", 4, rc.boundary_text(long)[0]]]
    for start, lead in [((0, 0), None), ((3, 2), None), ((3, 2), 0), ((3, 2), 2)]:
        got = rc._sheet(_FakeSheet(rows, start, lead), "S")
        assert got.origin == (start[0] + 1, start[1] + 1)
        assert got.dense == want, (start, lead)
        assert got.truncated == {(start[0] + 4, start[1] + 3)}  # (the rows' own places)
    odd = _FakeSheet(rows, (3, 2))
    odd.iter_rows = lambda: iter([["x"] * 5] * 7)  # anything else: not taken
    assert rc._sheet(odd, "S").dense == want
