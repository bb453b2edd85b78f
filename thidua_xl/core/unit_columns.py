"""A unit's cells on a list of leaves, as parallel lists: what the engine
(:meth:`CellReader.gather`), the audit and the self-score read of every cell, 160,000 of
them at 200 units × 800 criteria — one reader for all three.

``Bloc.scores[unit]`` is a mapping path → :class:`~thidua_xl.core.models.RawCell`. The
parser's :class:`~thidua_xl.core.cells.UnitCells` keeps its cells column-oriented — the
value of criterion row ``i`` in ``data[i]``, the column it came from in ``cols[i]`` (0: no
cell), ``roles`` column → sub-label, the ``percent``/``uncached`` positions,
``self_values``/``self_percent`` for the unit's Tự chấm cell beside a value picked from
another column (``self_col``), ``table.index`` path → row and ``table.ref(i, col)`` — is
read from those lists, without a RawCell per cell; any other mapping through its RawCells.
Both give the same lists.

:class:`CellReader` also hands out the pieces for reading a column-oriented unit faster
still: each path's criterion row (:meth:`~CellReader.at`), one C call that gathers a
unit's list at those rows (:meth:`~CellReader.take`), each row's number as text
(:meth:`~CellReader.rows_text`: a unit whose cells are all in one column has the
references "Sheet!F" + those).
"""
from __future__ import annotations

from collections import namedtuple

from .cells import UnitCells, tuple_getter

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

UnitColumns = namedtuple("UnitColumns", ("present", "value", "percent", "uncached", "source",
                                         "self_value", "self_percent"))
UnitColumns.__doc__ = (
    "Per leaf (lists): a cell there, its value, percent format, uncached formula, the "
    "sub-column it came from (\"\" single column), the unit's Tự chấm value beside it (None: "
    "blank, or the value is the Tự chấm one) and that cell's percent format.")


def _columnar(cells: Any) -> bool:
    return isinstance(cells, UnitCells)


class CellReader:
    """Reads units' cells on one list of leaf paths (the criterion rows of a column-oriented
    table looked up once per table, not once per unit)."""

    __slots__ = ("paths", "_table", "_at", "_whole", "_take", "_leaf_of", "_rows_text")

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self._table: Any = None
        self._at: list[int] = []
        self._whole = False
        self._take: Any = None
        self._leaf_of: dict[int, int] = {}
        self._rows_text: list[str] | None = None

    def _index(self, table: Any) -> None:
        if table is not self._table:
            index = table.index
            self._at = [-1 if (i := index.get(p)) is None else i for p in self.paths]
            self._whole = -1 not in self._at
            at = self._at
            self._take = tuple_getter(at)  # a unit's list at every path, in one C call
            self._leaf_of = {i: j for j, i in enumerate(at)}  # criterion row -> path
            self._rows_text = None
            self._table = table

    def at(self, cells: Any) -> tuple[list[int], bool]:
        """Each path's criterion row in the table of ``cells`` (a :class:`UnitCells`), -1
        where the table has no such row; and whether every path is a row of it."""
        self._index(cells.table)
        return self._at, self._whole

    def take(self, seq: list) -> tuple:
        """``seq[i]`` at each path's criterion row (after :meth:`at` said every path is a row
        of the table)."""
        return self._take(seq)

    def rows_text(self, cells: Any) -> list[str]:
        """Each path's sheet row as text ("" where the table has no such row): a reference is
        its column's "Sheet!F" and that."""
        self._index(cells.table)
        if self._rows_text is None:
            rows = cells.table.rows
            self._rows_text = [str(rows[i]) if i >= 0 else "" for i in self._at]
        return self._rows_text

    def _rows(self, cells: Any) -> list[int]:
        """Each path's criterion row, -1 where the unit has no cell."""
        self._index(cells.table)
        cols = cells.cols
        return [i if i >= 0 and cols[i] else -1 for i in self._at]

    def gather(self, cells: Any) -> tuple[Any, Any, list[int] | None, list[int] | None, Any]:
        """What the engine reads of a unit: values, has-a-cell flags (sequences: lists or
        tuples; a flag may be the column, 0 for no cell), the paths whose cell has a percent
        format / an uncached formula (their indexes in order, or None), and a function giving
        the reference of the j-th path's cell."""
        if _columnar(cells):
            self._index(cells.table)
            at = self._at
            data, cols = cells.data, cells.cols
            if self._whole:  # every path a row of the table: one C call each
                values, present = self._take(data), self._take(cols)
            else:
                values = [data[i] if i >= 0 else None for i in at]
                present = [i >= 0 and cols[i] != 0 for i in at]
            leaf_of = self._leaf_of
            percent = sorted(leaf_of[i] for i in cells.percent if i in leaf_of) or None
            uncached = sorted(leaf_of[i] for i in cells.uncached if i in leaf_of) or None
            return values, present, percent, uncached, lambda j: cells.ref(at[j])
        got = list(map(cells.get, self.paths))
        values = [None if cell is None else cell.value for cell in got]
        present = [cell is not None for cell in got]
        percent = [j for j, cell in enumerate(got) if cell is not None and cell.percent] or None
        uncached = [j for j, cell in enumerate(got)
                    if cell is not None and cell.uncached_formula] or None
        return values, present, percent, uncached, lambda j: got[j].ref

    def columns(self, cells: Any) -> UnitColumns:
        """The cells of the paths (see the module's doc)."""
        if _columnar(cells):
            return self._from_lists(cells)
        got = list(map(cells.get, self.paths))
        return UnitColumns(
            [c is not None for c in got],
            [None if c is None else c.value for c in got],
            [c is not None and bool(c.percent) for c in got],
            [c is not None and bool(c.uncached_formula) for c in got],
            ["" if c is None else c.source for c in got],
            [None if c is None else c.self_value for c in got],
            [c is not None and bool(c.self_percent) for c in got])

    def _from_lists(self, cells: Any) -> UnitColumns:
        rows = self._rows(cells)
        data, cols, roles = cells.data, cells.cols, cells.roles
        pct, unc = cells.percent, cells.uncached
        selfs, self_col, self_pct = cells.self_values, cells.self_col, cells.self_percent
        present = [i >= 0 for i in rows]
        beside = [i >= 0 and selfs is not None and cols[i] != self_col for i in rows]
        return UnitColumns(
            present,
            [data[i] if i >= 0 else None for i in rows],
            [i >= 0 and i in pct for i in rows],
            [i >= 0 and i in unc for i in rows],
            [roles.get(cols[i], "") if i >= 0 else "" for i in rows],
            [selfs[i] if b else None for i, b in zip(rows, beside)],
            [b and i in self_pct for i, b in zip(rows, beside)])

    def refs(self, cells: Any, present: list[bool]) -> list[str | None]:
        """Each present cell's reference ("Chấm điểm!F12"; None where the unit has no
        cell)."""
        if _columnar(cells):
            ref, cols = cells.table.ref, cells.cols
            return [ref(i, cols[i]) if i >= 0 else None for i in self._rows(cells)]
        return [cells[p].ref if have else None for p, have in zip(self.paths, present)]
