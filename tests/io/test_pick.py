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
