"""One sheet of a grid as the parser reads it: a row index, merged cells, and the
look-ups of header rows and key/value rows by their labels (compared with ``fold``).
"""
from __future__ import annotations

from ..core.text import fold
from ..core.vocab import HEADER_SCAN_ROWS
from ..core.values import is_blank
from .grid import SheetGrid, col_letter

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any


#: label tuple → its folded labels; label table → folded label → its keys (in order).
#: The labels are the constants of :mod:`thidua_xl.core.vocab`: folding them again for
#: every row scanned (every unit row for TOTAL_LABELS) was a fixed cost of each file.
_FOLDED: dict[tuple[str, ...], frozenset[str]] = {}
_BY_FOLD: dict[int, tuple[dict, dict[str, tuple[str, ...]]]] = {}


def _folded(labels: tuple[str, ...]) -> frozenset[str]:
    out = _FOLDED.get(labels)
    if out is None:
        out = _FOLDED[labels] = frozenset(fold(x) for x in labels)
    return out


def _by_fold(labels: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Folded label → the keys of ``labels`` it belongs to, in the table's order (made
    once per table: the table itself is kept with it, so its id is never another's)."""
    hit = _BY_FOLD.get(id(labels))
    if hit is not None and hit[0] is labels:
        return hit[1]
    keys: dict[str, list[str]] = {}
    for k, v in labels.items():
        for f in _folded(v):
            keys.setdefault(f, []).append(k)
    out = {f: tuple(ks) for f, ks in keys.items()}
    _BY_FOLD[id(labels)] = (labels, out)
    return out


class _Sheet:
    """Row index and merge lookup over one SheetGrid (built once per sheet; the row index
    only when something asks for it: a sheet kept as rows answers most questions without
    one)."""

    def __init__(self, sg: SheetGrid, merge_rows: int | None = None) -> None:
        self.sg = sg
        self.name = sg.name
        self.get = sg.get  # (row, col) -> value
        self._index: dict[int, list[int]] | None = None  # (made by _indexed / rows)
        self._row_cols: dict[int, list[int]] = {}
        self._bounds: tuple[int, int] | None = None
        self._col_refs: dict[int, str] = {}  # column → "Chấm điểm!F" (ref() per cell read)
        self._merge_top: dict[tuple[int, int], tuple[int, int]] = {}
        self._merge_span: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for m in sg.merges:
            if merge_rows is not None and m.min_row > merge_rows:
                continue
            self._merge_span[(m.min_row, m.min_col)] = (m.min_row, m.min_col, m.max_row,
                                                       m.max_col)
            # index covered cells only for small merges (header cells); huge ones are data
            if (m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1) <= 400:
                for r in range(m.min_row, m.max_row + 1):
                    for c in range(m.min_col, m.max_col + 1):
                        self._merge_top[(r, c)] = (m.min_row, m.min_col)

    @property
    def rows(self) -> dict[int, list[int]]:
        """Row -> its columns with a value, in order (rows with values only)."""
        if self._index is None:
            self._index = self.sg.row_cols()
        return self._index

    def column(self, c: int, rows: list[int]) -> list[Any]:
        """The values of column ``c`` on ``rows`` (None: blank)."""
        return self.sg.column(c, rows)

    def get_merged(self, r: int, c: int) -> Any:
        """The value shown at (r, c): a merged cell shows its top-left value."""
        top = self._merge_top.get((r, c))
        if top is not None:
            return self.get(*top)
        return self.get(r, c)

    def top_left(self, r: int, c: int) -> tuple[int, int]:
        return self._merge_top.get((r, c), (r, c))

    def span(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        return self._merge_span.get((r, c))

    def ref(self, r: int, c: int) -> str:
        head = self._col_refs.get(c)
        if head is None:
            head = self._col_refs[c] = f"{self.name}!{col_letter(c)}"
        return f"{head}{r}"

    def _indexed(self) -> bool:
        """Whether the row index answers (the sheet's values are a dict, or were made one
        since: then it is built now)."""
        if self._index is None and self.sg.dense is None:
            self._index = self.sg.row_cols()
        return self._index is not None

    def _bound(self) -> tuple[int, int]:
        if self._bounds is None:
            if self._indexed():
                rows = self._index
                self._bounds = (max(rows, default=0),
                                max((cols[-1] for cols in rows.values()), default=0))
            else:
                self._bounds = self.sg.bounds()
        return self._bounds

    @property
    def max_row(self) -> int:
        return self._bound()[0]

    @property
    def max_col(self) -> int:
        return self._bound()[1]

    def row_cols(self, r: int) -> list[int]:
        if self._indexed():
            return self._index.get(r, [])
        cols = self._row_cols.get(r)
        if cols is None:
            dense = self.sg.dense
            r0, c0 = self.sg.origin
            i = r - r0
            row = dense[i] if 0 <= i < len(dense) else []
            cols = self._row_cols[r] = [c for c, v in enumerate(row, c0) if v is not None]
        return cols

    def has_row(self, r: int) -> bool:
        """Whether row ``r`` holds a value."""
        if self._indexed():
            return r in self._index
        return self.sg.has_values(r)

    def is_uncached(self, r: int, c: int) -> bool:
        return (r, c) in self.sg.uncached


def _match_columns(sh: _Sheet, row: int, labels: dict[str, tuple[str, ...]],
                   max_col: int | None = None) -> dict[str, int]:
    """Columns of ``row`` whose (merge-aware) text matches a label group; first match wins."""
    found: dict[str, int] = {}
    by_fold = _by_fold(labels)
    last = max_col or sh.max_col
    cols = set(sh.row_cols(row))
    # merged header cells spanning this row from above (vertical merges)
    for c in range(1, last + 1):
        if c not in cols and sh.top_left(row, c) != (row, c):
            cols.add(c)
    for c in sorted(cols):
        f = fold(sh.get_merged(row, c))
        if not f:
            continue
        for key in by_fold.get(f, ()):
            if key not in found:
                found[key] = c
                break
    return found


def _find_header(sh: _Sheet, labels: dict[str, tuple[str, ...]],
                 required: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    for r in range(1, HEADER_SCAN_ROWS + 1):
        if not sh.has_row(r):
            continue
        cols = _match_columns(sh, r, labels)
        if all(k in cols for k in required):
            return r, cols
    return None


def _key_values(sh: _Sheet, labels: dict[str, tuple[str, ...]]) -> dict[str, tuple[Any, str, str]]:
    """Key/value rows: label cell → first non-blank cell to its right.

    Returns key -> (value, value_ref, label_ref); value may be None (label present, blank).
    """
    by_fold = _by_fold(labels)
    out: dict[str, tuple[Any, str, str]] = {}
    for r in sorted(sh.rows):
        cols = sh.row_cols(r)
        for i, c in enumerate(cols):
            f = fold(sh.get(r, c)).rstrip(":").strip()
            keys = by_fold.get(f)
            key = keys[0] if keys else None
            if key is None or key in out:
                continue
            value, vref = None, sh.ref(r, c + 1)
            span = sh.span(r, c)
            start = (span[3] + 1) if span else c + 1
            for c2 in cols[i + 1:]:
                if c2 < start:
                    continue
                v = sh.get(r, c2)
                if not is_blank(v):
                    value, vref = v, sh.ref(r, c2)
                    break
            out[key] = (value, vref, sh.ref(r, c))
            break
    return out


def _find_header_anywhere(sh: _Sheet, labels, required) -> tuple[int, dict[str, int]] | None:
    for r in sorted(sh.rows):
        cols = _match_columns(sh, r, labels)
        if all(k in cols for k in required) and len(cols) >= 2:
            return r, cols
    return None
