"""What a scan of one sheet's XML reports (:mod:`thidua_xl.io.ooxml_meta`,
:mod:`thidua_xl.io.ooxml_sparse`)."""
from __future__ import annotations

from ..core.record import field, record
from .grid import Merge

#: Above this many cells in a sheet's value bounding box, a sparse sheet is not read densely
#: (calamine materialises the whole box): the calamine reader's :class:`SheetTooLarge`, and
#: the bound below which the sparse scan takes a ``<dimension>`` box as read densely.
DENSE_AREA_LIMIT = 4_000_000


@record
class SheetMeta:
    """What the sheet XML says that calamine does not: percent formats, uncached
    formulas, errors, hidden rows and columns, merges."""

    name: str
    percent: set[tuple[int, int]] = field(default_factory=set)
    uncached: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    merges: list[Merge] = field(default_factory=list)
    #: bounding box (min_row, min_col, max_row, max_col) of cells with a value or formula;
    #: None when the sheet has none. Lets a reader refuse a dense read of a huge box.
    bbox: tuple[int, int, int, int] | None = None
    #: number of cells with a value or formula
    cells: int = 0
    #: cells of type "s" (shared string) with a value
    shared_cells: int = 0
    #: length of the longest shared string of the workbook (same for every sheet)
    shared_max_len: int = 0
    #: False when ``bbox`` (the checked <dimension>), ``cells`` and ``shared_cells`` are
    #: upper bounds (:mod:`thidua_xl.io.ooxml_sparse`), not counts
    exact: bool = True

    @property
    def shared_text_bound(self) -> int:
        """An upper bound of the characters a reader copying each cell's string (calamine)
        materialises: many cells pointing at one huge shared string is a memory bomb."""
        return self.shared_cells * self.shared_max_len

    @property
    def area(self) -> int:
        if self.bbox is None:
            return 0
        r1, c1, r2, c2 = self.bbox
        return (r2 - r1 + 1) * (c2 - c1 + 1)
