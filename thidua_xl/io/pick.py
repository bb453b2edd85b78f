"""Which cell of a unit's column group counts on each criterion row: the first non-blank
sub-column by :data:`~thidua_xl.core.vocab.SUB_PRIORITY` (or a formula without a cached
result there), picked a column at a time for all rows of the table
(:func:`unit_cells` → :class:`~thidua_xl.core.cells.UnitCells`); :func:`_pick` is the
same rule for one row (the totals row)."""
from __future__ import annotations

from ..core.cells import ScoreTable, UnitCells
from ..core.models import RawCell
from ..core.values import is_blank
from ..core.vocab import SUB_PRIORITY, SUB_SELF
from .grid import SheetGrid

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any


def _order(g: Any) -> list[tuple[str, int, int | None]]:
    """(role, its column, the group's Tự chấm column beside it) in priority order."""
    order = g.order
    if order is None:
        own = g.columns.get(SUB_SELF)
        order = g.order = [(role, g.columns[role], None if role == SUB_SELF else own)
                           for role in SUB_PRIORITY if role in g.columns]
    return order


def _pick(sh: Any, r: int, g: Any) -> RawCell | None:
    """The value of a unit's group in row r: the first non-blank by priority."""
    sg = sh.sg
    uncached, percent = sg.uncached, sg.percent
    for role, c, own in _order(g):
        v = sg.get(r, c)
        unc = bool(uncached) and (r, c) in uncached
        if (v is None or is_blank(v)) and not unc:
            continue
        cell = RawCell(value=v, percent=(r, c) in percent, uncached_formula=unc,
                       ref=sh.ref(r, c), source=role)
        if own is not None:  # the self-score beside the agreed one ("Phân tích")
            cell.self_value = sg.get(r, own)
            cell.self_percent = (r, own) in percent
        return cell
    return None


def _by_column(cells: set[tuple[int, int]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for r, c in cells:
        out.setdefault(c, set()).add(r)
    return out


def unit_cells(sh: Any, rows_of: list[tuple[str, int]], groups: list[Any],
               leaf_paths: set[str]) -> dict[str, Any]:
    """``Bloc.scores``: unit key -> leaf path -> the picked cell, for the criterion rows
    ``rows_of`` ((path, sheet row) in sheet order). A unit appears when it has a cell on
    any criterion row (in the order of its first cell, as the row-by-row reading gave)."""
    paths = [p for p, _ in rows_of]
    if len(set(paths)) != len(paths):  # a path twice: the row-by-row rule, exactly
        return _row_by_row(sh, rows_of, groups, leaf_paths)
    rows = [r for _, r in rows_of]
    table = ScoreTable(sh.name, rows, {p: i for i, p in enumerate(paths) if p in leaf_paths})
    sg = sh.sg
    unc_by_col = _by_column(sg.uncached) if sg.uncached else {}
    pct_by_col = _by_column(sg.percent) if sg.percent else {}
    n = len(rows)
    everything = range(n)
    made: list[tuple[int, int, str, UnitCells]] = []
    columns: dict[int, list[Any]] = {}

    def column(c: int) -> list[Any]:
        col = columns.get(c)
        if col is None:
            col = columns[c] = sh.column(c, rows)
        return col

    for k, g in enumerate(groups):
        order = _order(g)
        values: list[Any] = [None] * n
        cols = [0] * n
        percent: set[int] = set()
        uncached: set[int] = set()
        pending: Any = everything
        for _, c, _ in order:
            col = column(c)
            unc = unc_by_col.get(c)
            pct = pct_by_col.get(c)
            if pending is everything:
                # the first column, on every row: mostly numbers, each taken as it is; the
                # rule below decides the other cells (the same cells, the same order)
                values, cols = col[:], [c] * n
                left = []
                for j in [j for j, v in enumerate(col) if v.__class__ is not int
                          and (v.__class__ is not float or v != v)]:
                    v = col[j]
                    if v is None or (v != v if v.__class__ is float else is_blank(v)):
                        if unc is None or rows[j] not in unc:
                            left.append(j)
                            values[j], cols[j] = None, 0
                if unc is not None:
                    uncached.update(j for j in everything if rows[j] in unc)
                if pct is not None:
                    percent.update(j for j in everything if cols[j] and rows[j] in pct)
                pending = left
                if not left:
                    break
                continue
            left = []
            for j in pending:
                v = col[j]
                t = v.__class__
                if t is float:
                    blank = v != v  # NaN
                elif t is int:
                    blank = False
                else:
                    blank = v is None or is_blank(v)
                if blank:
                    if unc is None or rows[j] not in unc:
                        left.append(j)
                        continue
                    uncached.add(j)
                elif unc is not None and rows[j] in unc:
                    uncached.add(j)
                values[j] = v
                cols[j] = c
                if pct is not None and rows[j] in pct:
                    percent.add(j)
            pending = left
            if not left:
                break
        first = next((j for j, c in enumerate(cols) if c), None)
        if first is None:
            continue
        own = g.columns.get(SUB_SELF)
        self_values = self_pct = None
        if own is not None and len(order) > 1:
            self_values = column(own)
            pct = pct_by_col.get(own)
            self_pct = {j for j in range(n) if rows[j] in pct} if pct else set()
        cells = UnitCells(table, values, cols, {c: role for role, c, _ in order}, percent,
                          uncached, own, self_values, self_pct)
        made.append((first, k, g.key, cells))
    if columns and isinstance(sg, SheetGrid):
        sg.forget_columns()  # every column is read: the whole table is not kept for later
    made.sort(key=lambda m: (m[0], m[1]))
    return {key: cells for _, _, key, cells in made}


def _row_by_row(sh: Any, rows_of: list[tuple[str, int]], groups: list[Any],
                leaf_paths: set[str]) -> dict[str, Any]:
    raw: dict[str, dict[str, RawCell]] = {}
    for path, r in rows_of:
        for g in groups:
            cell = _pick(sh, r, g)
            if cell is not None:
                raw.setdefault(g.key, {})[path] = cell
    return {k: {p: v for p, v in d.items() if p in leaf_paths} for k, d in raw.items()}
