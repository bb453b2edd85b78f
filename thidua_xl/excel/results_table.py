"""TD_KETQUA's work, without xlwings: a scoring table's values → the results table.

The ranges' values become a :class:`~thidua_xl.io.grid.Grid` ("Chấm điểm", and "Quy định" /
"Đơn vị" when given) that goes through the same parser and engine as ``score``
(:func:`thidua_xl.api.analyze`), so the table holds the command line's numbers.

Each argument is an xlwings Range (desktop Excel: the add-in passes the range itself) or
its values (xlwings Lite, plain Python). From a Range the numbers with a percent format are
known (read as the live-book reader reads them: per range, per column, per cell only where
a column mixes formats), so "99,8%" typed in a percent cell counts 99.8 as in ``score``;
from values alone such a number is its plain value (0.998), as with xlwings' remote
engine — type such results as 99,8 or "99,8%". A merged header arrives as its value in the
first cell; the parser reads an unmerged group header the same way.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

HEADERS = ["Đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại", "Hình thức đề nghị"]
SCORE_SHEET, RULES_SHEET, UNITS_SHEET = "Chấm điểm", "Quy định", "Đơn vị"


class TableError(ValueError):
    """The table cannot be computed; the message is Vietnamese (shown in the cell)."""


def _is_range(x: Any) -> bool:
    return hasattr(x, "sheet") and hasattr(x, "row") and hasattr(x, "options")


def sheet_from_values(name: str, values: Any):
    """A range (or its values: rows of cells, blanks as None or "") as a SheetGrid whose
    A1 is the range's top-left cell."""
    from ..io.grid import SheetGrid, without_trailing_blanks
    from .read_xlwings import _clean, _percent_cells, _rows_2d

    percent: set[tuple[int, int]] = set()
    if _is_range(values):
        rng = values
        try:  # "#DIV/0!" as text, as the file readers give it
            values = _rows_2d(rng.options(ndim=2, err_to_str=True).value)
        except TypeError:  # pragma: no cover - an xlwings without err_to_str
            values = _rows_2d(rng.options(ndim=2).value)
        r0, c0 = rng.row, rng.column
        percent = {(r - r0 + 1, c - c0 + 1)
                   for r, c in _percent_cells(rng.sheet, r0, c0, values)}
    big = 2**53
    rows = []
    for row in _rows_2d(values):
        # the two kinds Excel hands over most without _clean's tests; "" is blank
        fixed = [(int(v) if v.is_integer() and -big < v < big else v) if v.__class__ is float
                 else (v or None) if v.__class__ is str
                 else None if v is None or (isinstance(v, str) and v == "") else _clean(v)
                 for v in row]
        rows.append(without_trailing_blanks(fixed))
    sg = SheetGrid.from_rows(name, rows)  # kept as rows: no object per cell
    sg.percent = percent
    return sg


def results_table(bang: Any, quy_dinh: Any = None, don_vi: Any = None) -> list[list[Any]]:
    """The header row then one row per unit in rank order: Đơn vị, Tổng điểm, Xếp hạng,
    Xếp loại, Hình thức đề nghị. Raises :class:`TableError` (the first error finding)
    when the table has errors."""
    from ..api import analyze
    from ..io.grid import Grid

    sheets = [sheet_from_values(SCORE_SHEET, bang)]
    if sheets[0].bounds() == (0, 0):
        raise TableError("Vùng bảng chấm điểm trống.")
    if don_vi is not None:
        sheets.append(sheet_from_values(UNITS_SHEET, don_vi))
    if quy_dinh is not None:
        sheets.append(sheet_from_values(RULES_SHEET, quy_dinh))
    _, result = analyze(Grid(sheets=sheets, source="<TD_KETQUA>", reader="values"))
    errors = [f for f in result.findings if f.severity.value == "error"]
    if errors:
        first = errors[0]
        where = f" (ô {first.cell} tính từ góc trên bên trái của vùng)" if first.cell else ""
        more = f" — và {len(errors) - 1} lỗi khác" if len(errors) > 1 else ""
        raise TableError(f"{first.message}{where}{more}")
    rows: list[list[Any]] = [list(HEADERS)]
    for u in result.units:
        rows.append([u.name, u.total, u.rank,
                     u.classification.value if u.classification else "", u.award or ""])
    return rows
