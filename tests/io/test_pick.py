"""The column-at-a-time pick of the units' cells (io.pick.unit_cells) gives exactly the
cells, references and unit order of the row-by-row rule (io.pick._pick per row), on every
bundled workbook, including the layouts built from per-unit sheets and summaries."""
from __future__ import annotations

from pathlib import Path

import pytest

from thidua_xl.api import analyze, read_grid
from thidua_xl.core.cells import UnitCells
from thidua_xl.io import pick

REPO = Path(__file__).resolve().parents[2]
BOOKS = sorted((REPO / "workbooks").rglob("*.xlsx"))


def _scores(path: Path, monkeypatch, row_by_row: bool):
    with monkeypatch.context() as m:
        if row_by_row:
            m.setattr(pick, "unit_cells", lambda sh, rows_of, groups, leaves:
                      pick._row_by_row(sh, rows_of, groups, leaves))
            from thidua_xl.io import parse_scores
            m.setattr(parse_scores, "unit_cells", pick.unit_cells)
        bloc, result = analyze(read_grid(path), str(path))
    if bloc is None:
        return None, result
    cells = {k: [(p, c.value, c.percent, c.uncached_formula, c.ref, c.source, c.self_value,
                  c.self_percent) for p, c in v.items()] for k, v in bloc.scores.items()}
    return (list(bloc.scores), cells, [type(v) for v in bloc.scores.values()]), result


@pytest.mark.parametrize("path", BOOKS, ids=lambda p: p.name)
def test_columns_pick_what_rows_pick(path, monkeypatch):
    fast, r1 = _scores(path, monkeypatch, row_by_row=False)
    slow, r2 = _scores(path, monkeypatch, row_by_row=True)
    assert [f.message for f in r1.findings] == [f.message for f in r2.findings]
    assert [u.total for u in r1.units] == [u.total for u in r2.units]
    if fast is None:
        assert slow is None
        return
    assert fast[:2] == slow[:2]
    assert all(t is dict for t in slow[2])


def test_the_bundled_examples_take_the_column_path():
    seen = 0
    for path in BOOKS:
        bloc, _ = analyze(read_grid(path), str(path))
        if bloc is not None and bloc.scores:
            seen += all(isinstance(v, UnitCells) for v in bloc.scores.values())
    assert seen >= len(BOOKS) // 2


def test_a_cell_is_made_once_and_kept():
    path = next(p for p in BOOKS if analyze(read_grid(p), str(p))[0] is not None)
    bloc, _ = analyze(read_grid(path), str(path))
    cells = next(iter(bloc.scores.values()))
    first = next(iter(cells))
    cell = cells[first]
    cell.ref = "moved"
    assert cells[first] is cell and cells.get(first).ref == "moved"
    assert "no such path" not in cells and cells.get("no such path") is None
    with pytest.raises(KeyError):
        cells["no such path"]


def test_first_column_odd_cells_pick_as_row_by_row():
    """The first column's quick pass (numbers taken as they are) leaves every other cell
    to the rule: blanks, NaN, blank text, text, booleans, uncached formulas (blank or
    not) and percent cells give what the row-by-row pick gives."""
    import math
    import random

    from thidua_xl.io.grid import SheetGrid
    from thidua_xl.io.parse_scores import _Group
    from thidua_xl.io.sheet_index import _Sheet
    from thidua_xl.core.vocab import SUB_PRIORITY, SUB_SELF

    rnd = random.Random(7)
    roles = [r for r in SUB_PRIORITY if r != SUB_SELF][:2] + [SUB_SELF]
    kinds = [None, None, 3, 2.5, 0, math.nan, " ", "\u00a0", "Đạt", True, False, "x"]
    for seed in range(30):
        rows = list(range(5, 5 + rnd.randint(1, 40)))
        groups, cells = [], {}
        for k in range(4):
            cols = {role: 3 + 3 * k + i for i, role in enumerate(roles)}
            groups.append(_Group(name=f"Đơn vị {k}", key=f"u{k}", header_ref="", columns=cols))
            for r in rows:
                for c in cols.values():
                    v = rnd.choice(kinds)
                    if v is not None:
                        cells[(r, c)] = v
        every = [(r, c) for r in rows for c in range(3, 15)]
        uncached = set(rnd.sample(every, rnd.randint(0, 6)))
        percent = set(rnd.sample(every, rnd.randint(0, 6)))
        sg = SheetGrid("Chấm điểm", dict(cells), percent=percent, uncached=uncached)
        rows_of = [(f"I.{i}", r) for i, r in enumerate(rows)]
        leaves = {p for p, _ in rows_of}
        fast = pick.unit_cells(_Sheet(sg), rows_of, groups, leaves)
        for g in groups:
            g.order = None
        slow = pick._row_by_row(_Sheet(sg), rows_of, groups, leaves)

        def seen(scores):
            return {k: {p: (repr(c.value), c.percent, c.uncached_formula, c.ref, c.source,
                            repr(c.self_value), c.self_percent) for p, c in v.items()}
                    for k, v in scores.items()}

        assert list(fast) == list(slow), seed
        assert seen(fast) == seen(slow), seed
