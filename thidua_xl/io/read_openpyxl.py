"""The same :class:`~thidua_xl.io.grid.Grid` as the calamine path, read with openpyxl.

Two loads: ``data_only=True`` for values (cached results of formulas), then — only when the
first load met cells without a value — ``data_only=False`` to tell formulas without a cached
result from blank styled cells. Number formats, merges and hidden rows/columns come from the
first load. The file is opened read-only (a file object, so any file name is accepted) and
never written.
"""
from __future__ import annotations

import os
import re
import warnings

from ..core.text import MAX_CELL_TEXT
from ..errors import UnreadableWorkbook
from .grid import Grid, Merge, SheetGrid
from .ooxml_meta import is_percent_format
from .read_calamine import normalize_merges, normalize_value
from .sniff import error_for

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Callable

MAX_COL = 16_384
_ESC = re.compile(r"_x00([01][0-9A-Fa-f])_")


def unescape_ooxml(s: str) -> str:
    """Decode the OOXML escapes of control characters ("_x000D_" is a carriage return), as
    Excel and calamine do; openpyxl leaves them. Other ``_xHHHH_`` are left alone: openpyxl
    has already removed the ``_x005F_`` that protected a literal one, so decoding them would
    be wrong."""
    return _ESC.sub(lambda m: chr(int(m.group(1), 16)), s)


def _load(path: str | os.PathLike, data_only: bool):
    import openpyxl

    with open(path, "rb") as f, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(f, data_only=data_only, read_only=False,
                                      keep_vba=False, keep_links=False, rich_text=False)


def _cells(ws) -> dict[tuple[int, int], Any]:
    cells = getattr(ws, "_cells", None)
    if isinstance(cells, dict):
        return cells
    return {(c.row, c.column): c for row in ws.iter_rows() for c in row}


def read_openpyxl(path: str | os.PathLike, *, only: Callable[[str], bool] | None = None
                  ) -> Grid:
    """Read the worksheets of ``path`` (those ``only(name)`` accepts), in workbook order.

    Raises :class:`UnreadableWorkbook` for every failure of openpyxl.
    """
    try:
        return _read(path, only)
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # noqa: BLE001 - every library failure becomes a message
        raise convert_error(exc, path) from None


def _read(path: str | os.PathLike, only: Callable[[str], bool] | None) -> Grid:
    from openpyxl.cell.cell import MergedCell

    wb = _load(path, data_only=True)
    grid = Grid(source=str(path), reader="openpyxl")
    blanks: dict[str, list[tuple[int, int]]] = {}
    try:
        for ws in wb.worksheets:  # chartsheets are not in .worksheets; hidden sheets are
            if only is not None and not only(ws.title):
                continue
            sg = SheetGrid(name=ws.title)
            pending: list[tuple[int, int]] = []
            pct_cells: list[tuple[int, int]] = []
            # openpyxl shares one str object between the cells of a shared string: clean it
            # once (a huge string repeated in thousands of cells must not be rescanned)
            text_memo: dict[int, tuple[str, Any]] = {}
            for key, cell in _cells(ws).items():
                if isinstance(cell, MergedCell):
                    continue
                raw = cell.value
                if isinstance(raw, str):
                    hit = text_memo.get(id(raw))
                    if hit is None or hit[0] is not raw:
                        hit = (raw, normalize_value(unescape_ooxml(raw) if "_x" in raw else raw))
                        text_memo[id(raw)] = hit
                    v = hit[1]
                    if len(raw) > MAX_CELL_TEXT and v is not None:
                        sg.truncated.add(key)
                else:
                    v = normalize_value(raw)
                if v is None:
                    # no value: a formula without cached result, or a blank styled cell; a
                    # "str" cell with an empty <v/> is a formula whose cached result is ""
                    if cell.value is None and cell.data_type not in ("s", "str", "inlineStr"):
                        pending.append(key)
                        if is_percent_format(cell.number_format):
                            pct_cells.append(key)
                    continue
                sg.values[key] = v
                if is_percent_format(cell.number_format):
                    sg.percent.add(key)
            blanks[ws.title] = pending
            sg.percent.update(pct_cells)  # filtered to uncached cells below
            sg.merges = normalize_merges([
                Merge(r.min_row, r.min_col, r.max_row, r.max_col)
                for r in ws.merged_cells.ranges])
            sg.hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
            for d in ws.column_dimensions.values():
                if d.hidden and d.min:
                    sg.hidden_cols.update(range(max(1, d.min),
                                                min(MAX_COL, d.max or d.min) + 1))
            grid.sheets.append(sg)
    finally:
        wb.close()

    if any(blanks.values()):
        wbf = _load(path, data_only=False)
        try:
            for sg in grid.sheets:
                pending = blanks.get(sg.name)
                if not pending:
                    continue
                cells = _cells(wbf[sg.name])
                for key in pending:
                    c = cells.get(key)
                    if c is not None and c.data_type == "f":
                        sg.uncached.add(key)
        finally:
            wbf.close()
    for sg in grid.sheets:
        sg.percent = {c for c in sg.percent if c in sg.values or c in sg.uncached}
    return grid


def convert_error(exc: BaseException, path: str | os.PathLike) -> UnreadableWorkbook:
    """An openpyxl / zipfile / XML exception as an :class:`UnreadableWorkbook`; openpyxl
    wraps the real cause ("Unable to read workbook ..."), so the chain is looked at too."""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 8 and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    for e in reversed(chain):  # the root cause first
        err = _convert_one(e, path)
        if err.code != "read-failed":
            return err
    return _convert_one(exc, path)


def _convert_one(exc: BaseException, path: str | os.PathLike) -> UnreadableWorkbook:
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    detail = detail if len(detail) <= 160 else detail[:157] + "..."
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover
        DefusedXmlException = ()  # type: ignore[assignment]  # noqa: N806
    if isinstance(exc, DefusedXmlException):
        return error_for("unsafe-xml", path)
    if isinstance(exc, FileNotFoundError):
        return error_for("file-not-found", path)
    if isinstance(exc, PermissionError):
        return error_for("file-access-denied", path, tech=detail)
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return error_for("corrupt-zip", path, tech=detail)
    if isinstance(exc, ParseError) or type(exc).__name__ in ("XMLSyntaxError", "ExpatError"):
        return error_for("malformed-xml", path, tech=detail)
    if isinstance(exc, KeyError) and "There is no item named" in str(exc):
        return error_for("missing-parts", path, tech=detail.strip("\"'"))
    if isinstance(exc, MemoryError):
        return error_for("workbook-too-large", path)
    return error_for("read-failed", path, tech=detail)
