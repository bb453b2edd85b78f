"""The "grid": what every reader produces and the one parser consumes.

A grid is a plain, reader-independent picture of a workbook: per sheet, the cell values
(cached results for formulas), which cells have a percent number format, which hold a
formula without a cached result, the merged ranges and the hidden rows/columns. Rows and
columns are 1-based like Excel; :func:`a1` converts to "F12" once, at this boundary.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator


def _letters(col: int) -> str:
    s = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


#: the first 1024 columns' letters (every position of a score sheet is turned into "F12")
_LETTERS = [_letters(c) for c in range(1025)]


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


@dataclass(frozen=True)
class Merge:
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def contains(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col

    @property
    def ref(self) -> str:
        return f"{a1(self.min_row, self.min_col)}:{a1(self.max_row, self.max_col)}"


@dataclass
class SheetGrid:
    """One sheet. ``values[(row, col)]`` holds non-empty cells only."""

    name: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    percent: set[tuple[int, int]] = field(default_factory=set)
    uncached: set[tuple[int, int]] = field(default_factory=set)
    merges: list[Merge] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    #: text cells cut at Excel's 32,767 characters by the reader (the parser notes them)
    truncated: set[tuple[int, int]] = field(default_factory=set)

    @property
    def max_row(self) -> int:
        rows = [r for r, _ in self.values] + [r for r, _ in self.uncached]
        return max(rows, default=0)

    @property
    def max_col(self) -> int:
        cols = [c for _, c in self.values] + [c for _, c in self.uncached]
        return max(cols, default=0)

    def get(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

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


@dataclass
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
