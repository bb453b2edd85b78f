"""The units' cells of the scoring table, kept column-oriented.

The parser picks, per unit and criterion row, the cell whose value counts (the first
non-blank sub-column by priority); the engine validates and scores those values. Neither
needs one object per cell: :class:`UnitCells` keeps a unit's picked values as one list in
criterion-row order (with the picked column, the few percent-formatted or uncached
positions as sets) and is the ``path -> RawCell`` mapping of ``Bloc.scores`` everyone else
reads. A :class:`~thidua_xl.core.models.RawCell` — and its "Sheet!F12" reference — is made
only when someone asks for that cell (a finding, the "Chi tiết điểm" rows), once: the same
object comes back on the next access, as from a dict.
"""
from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter

from .models import RawCell
from .text import column_letters

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterator


def tuple_getter(keys):
    """A function giving ``(seq[k] for k in keys)`` as a tuple, in one C call (a 1-tuple
    and an empty one too, which ``itemgetter`` gives as a bare item or refuses)."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        (k,) = keys
        return lambda seq: (seq[k],)
    return lambda seq: ()


class ScoreTable:
    """What a bloc's units share: the sheet, each criterion row's sheet row, and the
    leaf paths (path -> position in those rows; each path once)."""

    __slots__ = ("sheet", "rows", "index", "rewrite", "_heads")

    def __init__(self, sheet: str, rows: list[int], index: dict[str, int]) -> None:
        self.sheet = sheet
        self.rows = rows
        self.index = index
        #: a layout adapter's synthetic sheet → the user's cells (None: the refs are the
        #: user's own): :meth:`rewrite_refs`
        self.rewrite: Any = None
        self._heads: dict[int, str] = {}

    def ref(self, i: int, col: int) -> str:
        """"Chấm điểm!F12" of criterion row ``i``'s cell in column ``col``."""
        head = self._heads.get(col)
        if head is None:
            head = self._heads[col] = f"{self.sheet}!{column_letters(col)}"
        ref = f"{head}{self.rows[i]}"
        return ref if self.rewrite is None else self.rewrite(ref)

    def rewrite_refs(self, fn: Any) -> None:
        """Every reference from now on is ``fn(ref)`` (after an earlier rewrite)."""
        old = self.rewrite
        self.rewrite = fn if old is None else (lambda ref: fn(old(ref)))


class UnitCells(Mapping):
    """One unit's picked cells: criterion path -> :class:`RawCell`, made on first access.

    ``data[i]`` is the value of criterion row ``i`` (None: blank or an uncached formula),
    ``cols[i]`` the column it came from (0: no cell — blank in every sub-column),
    ``roles`` column -> sub-label, ``percent``/``uncached`` the positions whose cell has a
    percent format / a formula without a cached result; ``self_values[i]`` the unit's
    Tự chấm value on that row when the value came from another column (else None),
    ``self_percent`` the positions where that cell has a percent format.
    """

    __slots__ = ("table", "data", "cols", "roles", "percent", "uncached", "self_col",
                 "self_values", "self_percent", "_made", "_keys")

    def __init__(self, table: ScoreTable, values: list[Any], cols: list[int],
                 roles: dict[int, str], percent: set[int], uncached: set[int],
                 self_col: int | None = None, self_values: list[Any] | None = None,
                 self_percent: set[int] | None = None) -> None:
        self.table = table
        self.data = values
        self.cols = cols
        self.roles = roles
        self.percent = percent
        self.uncached = uncached
        self.self_col = self_col
        self.self_values = self_values
        self.self_percent = self_percent or set()
        self._made: dict[str, RawCell] = {}
        self._keys: list[str] | None = None

    def position(self, path: str) -> int | None:
        """The criterion row of ``path`` when the unit has a cell there, else None."""
        i = self.table.index.get(path)
        return i if i is not None and self.cols[i] else None

    def ref(self, i: int) -> str:
        return self.table.ref(i, self.cols[i])

    def rewrite_made(self, fn: Any) -> None:
        """``fn`` on the reference of each cell made so far (those made later take their
        table's :meth:`ScoreTable.rewrite_refs`)."""
        for cell in self._made.values():
            cell.ref = fn(cell.ref)

    def __getitem__(self, path: str) -> RawCell:
        cell = self._made.get(path)
        if cell is not None:
            return cell
        i = self.position(path)
        if i is None:
            raise KeyError(path)
        col = self.cols[i]
        cell = RawCell(value=self.data[i], percent=i in self.percent,
                       uncached_formula=i in self.uncached, ref=self.table.ref(i, col),
                       source=self.roles.get(col, ""))
        if self.self_values is not None and col != self.self_col:
            cell.self_value = self.self_values[i]
            cell.self_percent = i in self.self_percent
        self._made[path] = cell
        return cell

    def get(self, path: str, default: Any = None) -> Any:
        try:
            return self[path]
        except KeyError:
            return default

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.position(path) is not None

    def _key_list(self) -> list[str]:
        if self._keys is None:
            cols = self.cols
            order = sorted(self.table.index.items(), key=lambda kv: kv[1])
            self._keys = [p for p, i in order if cols[i]]
        return self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._key_list())

    def __len__(self) -> int:
        return len(self._key_list())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"UnitCells({len(self)} cells)"
