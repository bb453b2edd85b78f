"""The "grid": what every reader produces and the one parser consumes.

A grid is a plain, reader-independent picture of a workbook: per sheet, the cell values
(cached results for formulas), which cells have a percent number format, which hold a
formula without a cached result, the merged ranges and the hidden rows/columns. Rows and
columns are 1-based like Excel; :func:`a1` converts to "F12" once, at this boundary.
"""
from __future__ import annotations

from ..core.record import field, record
from ..core.text import column_letters as _letters

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterator

#: the first 1024 columns' letters (every position of a score sheet is turned into "F12")
_LETTERS = [_letters(c) for c in range(1025)]


def without_trailing_blanks(row: list) -> list:
    """``row`` with its trailing None cells removed (in place, and returned): the rows a
    reader hands to :meth:`SheetGrid.from_rows` end at their last value."""
    n = len(row)
    while n and row[n - 1] is None:
        n -= 1
    del row[n:]
    return row


def col_letter(col: int) -> str:
    """1 → "A", 27 → "AA"."""
    return _LETTERS[col] if 0 <= col <= 1024 else _letters(col)


def col_index(letters: str) -> int:
    """"A" → 1, "AA" → 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def parse_a1(ref: str) -> tuple[int, int]:
    """"F12" → (12, 6). Accepts "$F$12"."""
    ref = ref.replace("$", "").upper()
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), col_index(ref[:i])


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """"B2:D4" → (min_row, min_col, max_row, max_col); a single cell is a 1×1 range."""
    if ":" in ref:
        a, b = ref.split(":", 1)
    else:
        a = b = ref
    r1, c1 = parse_a1(a)
    r2, c2 = parse_a1(b)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


@record(frozen=True)
class Merge:
    """A merged range, 1-based and inclusive."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def contains(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col

    @property
    def ref(self) -> str:
        return f"{a1(self.min_row, self.min_col)}:{a1(self.max_row, self.max_col)}"


class SheetGrid:
    """One sheet: its cell values (non-empty cells only; ``get(row, col)``), the cells with
    a percent format, the formulas without a cached result, merged ranges, hidden rows and
    columns, and the text cells cut at Excel's 32,767 characters by the reader.

    The values are kept either as the reader's rows (:meth:`from_rows`: a list per row, a
    position per column, None for blank — what calamine gives, without an object per
    cell) or as a ``(row, col) -> value`` dict. :attr:`values` is always that dict (made
    from the rows on first use; from then on the dict is the sheet's values)."""

    __slots__ = ("name", "_values", "_rows", "_r0", "_c0", "percent", "uncached", "merges",
                 "hidden_rows", "hidden_cols", "truncated", "_picked")

    def __init__(self, name: str, values: dict[tuple[int, int], Any] | None = None,
                 percent: set[tuple[int, int]] | None = None,
                 uncached: set[tuple[int, int]] | None = None,
                 merges: list[Merge] | None = None, hidden_rows: set[int] | None = None,
                 hidden_cols: set[int] | None = None,
                 truncated: set[tuple[int, int]] | None = None) -> None:
        self.name = name
        self._values: dict[tuple[int, int], Any] | None = values if values is not None else {}
        self._rows: list[list[Any]] | None = None
        self._r0 = self._c0 = 1
        self._picked: tuple[list[int], list[tuple], int] | None = None  # column()'s columns
        self.percent = percent if percent is not None else set()
        self.uncached = uncached if uncached is not None else set()
        self.merges = merges if merges is not None else []
        self.hidden_rows = hidden_rows if hidden_rows is not None else set()
        self.hidden_cols = hidden_cols if hidden_cols is not None else set()
        self.truncated = truncated if truncated is not None else set()

    @classmethod
    def from_rows(cls, name: str, rows: list[list[Any]], row0: int = 1,
                  col0: int = 1) -> "SheetGrid":
        """A sheet whose ``rows[i][j]`` is the value at (row0 + i, col0 + j); None = blank."""
        sg = cls(name)
        sg._values, sg._rows, sg._r0, sg._c0 = None, rows, row0, col0
        return sg

    # -- values ---------------------------------------------------------------------
    @property
    def values(self) -> dict[tuple[int, int], Any]:
        if self._values is None:
            r0, c0 = self._r0, self._c0
            self._values = {(r, c): v for r, row in enumerate(self._rows, r0)
                            for c, v in enumerate(row, c0) if v is not None}
            self._rows = None
        return self._values

    @values.setter
    def values(self, values: dict[tuple[int, int], Any]) -> None:
        self._values, self._rows = values, None

    @property
    def dense(self) -> list[list[Any]] | None:
        """The rows (with :attr:`origin`) while the values are kept as rows, else None."""
        return self._rows

    @property
    def origin(self) -> tuple[int, int]:
        return self._r0, self._c0

    def get(self, row: int, col: int) -> Any:
        rows = self._rows
        if rows is None:
            return self._values.get((row, col))
        i, j = row - self._r0, col - self._c0
        if 0 <= i < len(rows) and j >= 0:
            r = rows[i]
            if j < len(r):
                return r[j]
        return None

    def set(self, row: int, col: int, value: Any) -> None:
        """Store a value (None: make the cell blank)."""
        self._picked = None
        rows = self._rows
        i, j = row - self._r0, col - self._c0
        if rows is None or i < 0 or j < 0:
            if value is None:
                self.values.pop((row, col), None)
            else:
                self.values[(row, col)] = value
            return
        if i >= len(rows):
            if value is None:
                return
            rows.extend([] for _ in range(i + 1 - len(rows)))
        r = rows[i]
        if j >= len(r):
            if value is None:
                return
            r.extend([None] * (j + 1 - len(r)))
        r[j] = value

    def column(self, col: int, rows: list[int]) -> list[Any]:
        """The values of column ``col`` on ``rows`` (None: blank)."""
        dense = self._rows
        if dense is None:
            get = self._values.get
            return [get((r, col)) for r in rows]
        j = col - self._c0
        if j < 0:
            return [None] * len(rows)
        picked = self._picked
        if picked is None or picked[0] is not rows:  # the same rows for every column
            r0, n = self._r0, len(dense)
            got = [dense[r - r0] if 0 <= r - r0 < n else [] for r in rows]
            width = max(map(len, got), default=0)
            got = [row if len(row) == width else row + [None] * (width - len(row))
                   for row in got]  # padded: every row as wide, then turned into columns
            picked = self._picked = (rows, list(zip(*got)) if got else [], width)
        if j >= picked[2]:
            return [None] * len(rows)
        return list(picked[1][j])

    def forget_columns(self) -> None:
        """Drop what :meth:`column` keeps for the next column (the table's rows turned
        into columns: as large as the table) once every column has been read."""
        self._picked = None

    def row_cols(self) -> dict[int, list[int]]:
        """Row -> the columns holding a value there, in order (rows with values only)."""
        dense = self._rows
        if dense is None:
            out: dict[int, list[int]] = {}
            for (r, c) in self._values:
                out.setdefault(r, []).append(c)
            for cols in out.values():
                cols.sort()
            return out
        c0 = self._c0
        return {r: [c for c, v in enumerate(row, c0) if v is not None]
                for r, row in enumerate(dense, self._r0) if row.count(None) != len(row)}

    def has_values(self, row: int) -> bool:
        """Whether ``row`` holds a value (for the dense rows: without listing them)."""
        dense = self._rows
        if dense is None:
            raise ValueError("has_values is for rows kept as rows")
        i = row - self._r0
        return 0 <= i < len(dense) and dense[i].count(None) != len(dense[i])

    def bounds(self) -> tuple[int, int]:
        """(last row, last column) holding a value; (0, 0) without values."""
        dense = self._rows
        if dense is None:
            return (max((r for r, _ in self._values), default=0),
                    max((c for _, c in self._values), default=0))
        last_row = last_col = 0
        for i, row in enumerate(dense):
            n = len(row)
            while n and row[n - 1] is None:
                n -= 1
            if n:
                last_row = i + self._r0
                last_col = max(last_col, n - 1 + self._c0)
        return last_row, last_col

    @property
    def max_row(self) -> int:
        return max(self.bounds()[0], max((r for r, _ in self.uncached), default=0))

    @property
    def max_col(self) -> int:
        return max(self.bounds()[1], max((c for _, c in self.uncached), default=0))

    def ref(self, row: int, col: int) -> str:
        """Excel reference of a cell of this sheet: "Chấm điểm!F12"."""
        return f"{self.name}!{a1(row, col)}"

    def merge_at(self, row: int, col: int) -> Merge | None:
        for m in self.merges:
            if m.contains(row, col):
                return m
        return None

    def rows(self) -> Iterator[int]:
        return iter(range(1, self.max_row + 1))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SheetGrid):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in (
            "name", "values", "percent", "uncached", "merges", "hidden_rows", "hidden_cols",
            "truncated"))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        kind = "rows" if self._rows is not None else "cells"
        return f"SheetGrid({self.name!r}, {kind})"


@record
class Grid:
    """A whole workbook: sheets in workbook order, plus where it came from."""

    sheets: list[SheetGrid] = field(default_factory=list)
    source: str = ""  # file path or "<live workbook>"
    reader: str = ""  # "calamine" | "openpyxl" | "xlwings" | "json"

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def find_sheet(self, *labels: str) -> SheetGrid | None:
        """The first sheet whose name matches one of ``labels`` after folding."""
        from ..core.text import fold

        wanted = {fold(x) for x in labels}
        for s in self.sheets:
            if fold(s.name) in wanted:
                return s
        return None
