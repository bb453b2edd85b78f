"""A live xlwings Book → :class:`~thidua_xl.io.grid.Grid` (the same Grid the file readers give).

Works with every xlwings engine:

- desktop Excel (COM on Windows, AppleScript on macOS): values of ``sheet.used_range``,
  percent number formats (read per range, then per column, then per cell only where a
  column mixes formats), merged areas of text cells;
- the remote engine (xlwings Server / Lite, ``xw.Book(json=...)``): values only — that
  engine cannot read number formats or merges synchronously, so a percent-formatted
  number arrives as its plain value (0.95); :func:`read_book_async` (xlwings Lite) fetches
  the formats with ``await range.get_number_format()``.

Live values are what Excel shows: a formula always has its computed value, so
``SheetGrid.uncached`` stays empty.
"""
from __future__ import annotations

import datetime as dt

from ..core.text import MAX_CELL_TEXT, boundary_text
from ..io.grid import Grid, Merge, SheetGrid

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterable

SOURCE = "<live workbook>"


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v == "")


def _rows_2d(value: Any) -> list[list[Any]]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(r) for r in value]


def _clean(v: Any) -> Any:
    """Values as openpyxl gives them from a file: Excel hands every number over as a float
    (COM) — a whole number becomes an int (a code typed as 1 must read "1", not "1.0");
    dates as datetime; text as typed."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, str) and (len(v) > MAX_CELL_TEXT or not v.isprintable()):
        return boundary_text(v)[0]  # the file readers' rule: no control characters
    return v


def _is_percent_format(fmt: Any) -> bool:
    if not isinstance(fmt, str) or "%" not in fmt:
        return False
    # a "%" inside a quoted literal or escaped is not a percent format
    out, quoted, prev = [], False, ""
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        elif not quoted and prev != "\\":
            out.append(ch)
        prev = ch
    return "%" in "".join(out)


def _used(sheet) -> tuple[int, int, list[list[Any]]]:
    """(first row, first col, 2D values) of the sheet's used range."""
    rng = sheet.used_range
    try:
        # err_to_str: "#DIV/0!" as text (as the file readers give it), not a COM error code
        values = rng.options(ndim=2, err_to_str=True).value
    except Exception:  # noqa: BLE001 - older engines lack the option
        try:
            values = rng.options(ndim=2).value
        except Exception:  # noqa: BLE001
            values = rng.value
    return rng.row, rng.column, _rows_2d(values)


def _percent_cells(sheet, r0: int, c0: int, rows: list[list[Any]]) -> set[tuple[int, int]]:
    """Numeric cells with a percent format (desktop engines; empty where unsupported)."""
    numeric = [(r0 + i, c0 + j) for i, row in enumerate(rows) for j, v in enumerate(row)
               if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numeric:
        return set()
    nrows = len(rows)
    ncols = max((len(r) for r in rows), default=0)
    try:
        whole = sheet.range((r0, c0), (r0 + nrows - 1, c0 + ncols - 1)).number_format
    except Exception:  # noqa: BLE001 - NotImplementedError on the remote engine
        return set()
    if isinstance(whole, str):
        return set(numeric) if _is_percent_format(whole) else set()
    out: set[tuple[int, int]] = set()
    by_col: dict[int, list[tuple[int, int]]] = {}
    for cell in numeric:
        by_col.setdefault(cell[1], []).append(cell)
    for col, cells in by_col.items():
        try:
            fmt = sheet.range((r0, col), (r0 + nrows - 1, col)).number_format
        except Exception:  # noqa: BLE001
            continue
        if isinstance(fmt, str):
            if _is_percent_format(fmt):
                out.update(cells)
            continue
        for r, c in cells:  # mixed formats in this column
            try:
                if _is_percent_format(sheet.range((r, c)).number_format):
                    out.add((r, c))
            except Exception:  # noqa: BLE001
                pass
    return out


def _merges(sheet, r0: int, c0: int, rows: list[list[Any]]) -> list[Merge]:
    """Merged areas anchored at text cells (headers, titles); desktop engines only."""
    nrows = len(rows)
    ncols = max((len(r) for r in rows), default=0)
    if not nrows or not ncols:
        return []
    try:
        any_merged = sheet.range((r0, c0), (r0 + nrows - 1, c0 + ncols - 1)).merge_cells
    except Exception:  # noqa: BLE001 - NotImplementedError on the remote engine
        return []
    if any_merged is False:
        return []
    found: dict[str, Merge] = {}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if not isinstance(v, str) or not v.strip():
                continue
            try:
                cell = sheet.range((r0 + i, c0 + j))
                if not cell.merge_cells:
                    continue
                area = cell.merge_area
                m = Merge(area.row, area.column, area.row + area.shape[0] - 1,
                          area.column + area.shape[1] - 1)
            except Exception:  # noqa: BLE001
                continue
            if (m.max_row, m.max_col) != (m.min_row, m.min_col):
                found[m.ref] = m
    return list(found.values())


def read_sheet(sheet, *, formats: bool = True) -> SheetGrid:
    sg = SheetGrid(name=sheet.name)
    try:
        r0, c0, rows = _used(sheet)
    except Exception:  # noqa: BLE001 - an empty sheet on some engines
        return sg
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if _blank(v):
                continue
            sg.values[(r0 + i, c0 + j)] = _clean(v)
            if isinstance(v, str) and len(v) > MAX_CELL_TEXT:
                sg.truncated.add((r0 + i, c0 + j))
    if formats and sg.values:
        sg.percent = _percent_cells(sheet, r0, c0, rows)
        sg.merges = _merges(sheet, r0, c0, rows)
    return sg


def formats_readable(book) -> bool:
    """Whether this engine gives number formats synchronously (desktop Excel: yes)."""
    try:
        sheet = book.sheets[0]
        sheet.range((1, 1)).number_format
        return True
    except Exception:  # noqa: BLE001 - NotImplementedError on the remote engine
        return False


def read_book(book, *, sheets: Iterable[str] | None = None, source: str | None = None,
              formats: bool = True) -> Grid:
    """Read every sheet of ``book`` (or only the named ones) into a Grid.

    The grid gets an attribute ``percent_formats_known``: False when the engine could
    not tell which numbers have a percent format (see :func:`percent_format_warnings`).
    """
    wanted = set(sheets) if sheets is not None else None
    grid = Grid(source=source or book_source(book), reader="xlwings")
    for sheet in book.sheets:
        if wanted is not None and sheet.name not in wanted:
            continue
        grid.sheets.append(read_sheet(sheet, formats=formats))
    grid.percent_formats_known = bool(formats) and formats_readable(book)  # type: ignore[attr-defined]
    return grid


def percent_format_warnings(grid: Grid, bloc, *, file_format: str | None = None) -> list:
    """Warnings for Định lượng results that look like percent-formatted cells read raw.

    Only for grids read without number formats: a criterion whose target is above 1.5
    while every unit's result lies in [0, 1.5] was most likely typed as 99,8% (stored
    0.998). ``file_format`` (e.g. "Excel 97-2003 (.xls)"): the grid is a file of that
    format (whose number formats are not read), not a book in Excel on the web. Returns
    :class:`~thidua_xl.core.findings.Finding` objects.
    """
    if getattr(grid, "percent_formats_known", True) or bloc is None:
        return []
    from ..core.findings import Finding, Severity, split_ref
    from ..core.models import CriterionType
    from ..core.values import parse_number, vn_number

    try:
        from ..core.engine import effective_types

        types = effective_types(bloc)
    except Exception:  # noqa: BLE001
        types = {c.path: c.type for c in bloc.criteria}
    out = []
    for c in bloc.criteria:
        if types.get(c.path, c.type) not in (CriterionType.QUANTITATIVE, CriterionType.LEADING):
            continue
        if c.target is None or c.target <= 1.5:
            continue
        vals = []
        for cells in bloc.scores.values():
            cell = cells.get(c.path)
            if cell is None or cell.percent:
                continue
            p = parse_number(cell.value)
            if p.value is not None and isinstance(cell.value, (int, float)):
                vals.append(p.value)
        if vals and all(0 <= v <= 1.5 for v in vals) and any(v > 0 for v in vals):
            sheet, cell = split_ref(c.ref)
            out.append(Finding(
                severity=Severity.WARNING, code="percent-format-unknown", sheet=sheet,
                cell=cell,
                message=(f"Tiêu chí {c.path} \"{c.text}\": chỉ tiêu là {vn_number(c.target)} "
                         f"nhưng kết quả các đơn vị chỉ từ 0 đến 1 (ví dụ {vn_number(vals[0])}). "
                         + (f"Với tệp {file_format} chương trình không đọc được định dạng %"
                            if file_format else "Trên Excel cho web không đọc được định dạng %")
                         + ", nên nếu ô được định dạng phần trăm thì điểm tính ra sẽ sai."),
                fix=("Gõ kết quả dưới dạng số phần trăm (99,8 thay vì 99,8%), hoặc "
                     + ("lưu tệp dạng .xlsx (File > Save As) rồi chạy lại." if file_format
                        else "chấm trên Excel máy tính / bằng lệnh thidua-xl score."))))
    return out


def book_source(book, default: str = SOURCE) -> str:
    """The book's full path (or name) as the live engine knows it; ``default`` when unknown."""
    for attr in ("fullname", "name"):
        try:
            v = getattr(book, attr)
            if v:
                return str(v)
        except Exception:  # noqa: BLE001
            continue
    return default


async def read_book_async(book, **kwargs) -> Grid:
    """xlwings Lite: like :func:`read_book`, plus percent formats fetched asynchronously."""
    grid = read_book(book, **kwargs)
    if getattr(grid, "percent_formats_known", False):
        return grid
    fetched = True
    for sg in grid.sheets:
        numeric = [k for k, v in sg.values.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not numeric:
            continue
        try:
            sheet = book.sheets[sg.name]
            rng = sheet.used_range
            fmts = await rng.get_number_format()
        except Exception:  # noqa: BLE001 - not available on this engine
            fetched = False
            continue
        r0, c0 = rng.row, rng.column
        if isinstance(fmts, str):
            if _is_percent_format(fmts):
                sg.percent = set(numeric)
            continue
        rows = _rows_2d(fmts)
        for r, c in numeric:
            i, j = r - r0, c - c0
            if 0 <= i < len(rows) and 0 <= j < len(rows[i]) and _is_percent_format(rows[i][j]):
                sg.percent.add((r, c))
    grid.percent_formats_known = fetched  # type: ignore[attr-defined]
    return grid
