"""The fast path: a :class:`~thidua_xl.io.grid.Grid` from python-calamine.

calamine gives values and merged ranges; :mod:`thidua_xl.io.ooxml_meta` adds what it does
not give (percent formats, formulas without a cached value, error cells, hidden rows and
columns). Values: int/float (a whole float becomes an int), str (NFC; empty and blank
strings are not stored), bool, datetime (a date becomes a datetime at midnight), time, timedelta; an Excel
error cell is its text ("#DIV/0!").
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import unicodedata
from pathlib import Path

from ..core.text import MAX_CELL_TEXT, boundary_text
from ..errors import UnreadableWorkbook
from .grid import Grid, Merge, SheetGrid, without_trailing_blanks
from .sheet_meta import DENSE_AREA_LIMIT
from .sniff import error_for

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Callable

    from .sniff import KeptParts

#: Above this many characters of shared strings copied into cells (an upper bound: shared
#: cells × longest shared string), calamine is not used: it copies the string per cell.
SHARED_TEXT_LIMIT = 100_000_000


class SheetTooLarge(UnreadableWorkbook):
    """A sheet whose cells span a box too large for a dense read."""

    code = "sheet-too-large"


def normalize_value(v: Any) -> Any:
    """One cell value in the grid's vocabulary; None for "no value"."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        if not v.isprintable() or len(v) > MAX_CELL_TEXT:
            v = boundary_text(v)[0]  # the one place text enters: no control characters
        if not v or v.isspace():  # blank text is no value (calamine drops it anyway)
            return None
        return v if v.isascii() else unicodedata.normalize("NFC", v)
    if isinstance(v, _dt.datetime):
        return v
    if isinstance(v, _dt.date):
        return _dt.datetime(v.year, v.month, v.day)
    return v


def normalize_merges(merges: list[Merge]) -> list[Merge]:
    """Sorted, without duplicates and without 1×1 "merges"."""
    keep = {m for m in merges if (m.min_row, m.min_col) != (m.max_row, m.max_col)}
    return sorted(keep, key=lambda m: (m.min_row, m.min_col, m.max_row, m.max_col))


def drop_merged_interiors(sg: SheetGrid) -> None:
    """Forget what lies under a merged range except its top-left cell: Excel shows only that
    cell (openpyxl drops the others too), so both readers give the same grid."""
    if not sg.merges:
        return
    dense = sg.dense
    stores = (sg.uncached, sg.percent) if dense is not None else (
        sg.values, sg.uncached, sg.percent)
    for m in sg.merges:
        if dense is not None:
            _blank_dense(dense, sg.origin, m)
        area = (m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1)
        for store in stores:
            if not store:
                continue
            if area <= 4 * len(store) + 64:
                keys = [(r, c) for r in range(m.min_row, m.max_row + 1)
                        for c in range(m.min_col, m.max_col + 1) if (r, c) in store]
            else:
                keys = [k for k in store if m.contains(*k)]
            for k in keys:
                if k != (m.min_row, m.min_col):
                    if isinstance(store, dict):
                        del store[k]
                    else:
                        store.discard(k)


def _blank_dense(rows: list[list[Any]], origin: tuple[int, int], m: Merge) -> None:
    """Blank the cells of ``m`` but its top-left one in rows kept as rows."""
    r0, c0 = origin
    top = m.min_row - r0
    for i in range(max(0, top), min(len(rows), m.max_row - r0 + 1)):
        row = rows[i]
        j1 = max(0, m.min_col - c0 + (1 if i == top else 0))
        j2 = min(len(row), m.max_col - c0 + 1)
        if j1 < j2:
            row[j1:j2] = [None] * (j2 - j1)


def read_calamine(path: str | os.PathLike, *, only: Callable[[str], bool] | None = None,
                  meta: bool = True, kept: KeptParts | None = None,
                  meanwhile: Callable[[], Any] | None = None) -> Grid:
    """Read the worksheets of ``path`` (those ``only(name)`` accepts), in workbook order.

    ``kept``: the sheets :func:`~thidua_xl.io.sniff.ensure_readable` inflated of this file
    (taken: they are not inflated again). Raises :class:`UnreadableWorkbook`
    (``SheetTooLarge`` for a huge sparse sheet).

    While calamine reads a large sheet (:data:`~thidua_xl.io.ooxml_meta.LATER_CELLS`),
    once the size guard has passed it — calamine gives up the GIL while it parses — a
    second thread completes the sheet's scan (percent cells, formulas, errors, hidden
    rows) and calls ``meanwhile`` (once: the caller's own work that needs no grid, as
    importing what it runs next; :func:`beside`). The grid is the one a single thread
    reads; a scan's refusal comes before calamine's, as when the scan ran first.
    """
    kept = kept.take(path) if kept is not None else {}

    import python_calamine as pc

    from . import ooxml_meta

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - every library failure becomes a message
        raise convert_error(exc, path) from None
    grid = Grid(source=str(path), reader="calamine")
    with wb:
        try:
            names = [m.name for m in wb.sheets_metadata
                     if m.typ == pc.SheetTypeEnum.WorkSheet and (only is None or only(m.name))]
        except Exception as exc:  # noqa: BLE001
            raise convert_error(exc, path) from None
        later: dict[str, Callable[[], Any]] = {}
        scans = ooxml_meta.scan(path, names=names, merges=False, sparse=True,
                                kept=kept, later=later) if meta and names else {}
        del kept  # the sheets not scanned: not held while calamine reads
        rough = [n for n, sm in scans.items()
                 if not sm.exact and sm.shared_text_bound > SHARED_TEXT_LIMIT]
        if rough:  # the bound says "maybe too much text": count exactly
            scans.update(ooxml_meta.scan(path, names=rough, merges=False))
            for name in rough:
                later.pop(name, None)  # (the exact scan has the details too)
        for name, sm in scans.items():
            if sm.shared_text_bound > SHARED_TEXT_LIMIT:
                fix = "Xoá các ô lặp lại một chuỗi văn bản rất dài, lưu lại rồi chạy lại."
                raise SheetTooLarge(
                    f"Không đọc được tệp \"{Path(path).name}\" bằng calamine: sheet \"{name}\" "
                    f"có {sm.shared_cells:,} ô văn bản và chuỗi dài tới "
                    f"{sm.shared_max_len:,} ký tự. {fix}", fix=fix)
            if sm.area > DENSE_AREA_LIMIT and sm.area > 4 * sm.cells:
                fix = ("Xoá các ô có dữ liệu nằm xa bảng (Ctrl+End cho biết ô cuối cùng), lưu "
                       "lại rồi chạy lại.")
                raise SheetTooLarge(
                    f"Không đọc được tệp \"{Path(path).name}\" bằng calamine: sheet \"{name}\" "
                    f"có dữ liệu trải trên một vùng quá lớn ({sm.area:,} ô). {fix}", fix=fix)
        for name in names:
            complete = later.pop(name, None)
            try:
                if complete is None:
                    sheet = wb.get_sheet_by_name(name)
                else:
                    tasks = (complete, meanwhile) if meanwhile is not None else (complete,)
                    meanwhile = None
                    sheet, done = beside(lambda: wb.get_sheet_by_name(name), tasks)
                    scans[name] = done[0]
                sg = _sheet(sheet, name)
            except UnreadableWorkbook:
                raise
            except Exception as exc:  # noqa: BLE001
                raise convert_error(exc, path) from None
            sm = scans.get(name)
            if sm is not None:
                for (r, c), text in sm.errors.items():
                    sg.set(r, c, text)
                sg.uncached = set(sm.uncached)
                sg.hidden_rows = set(sm.hidden_rows)
                sg.hidden_cols = set(sm.hidden_cols)
                if not sg.merges and sm.merges:
                    sg.merges = normalize_merges(sm.merges)
                drop_merged_interiors(sg)
                get = sg.get
                sg.percent = {c for c in sm.percent if get(*c) is not None or c in sg.uncached}
            else:
                drop_merged_interiors(sg)
            grid.sheets.append(sg)
    return grid


def beside(work: Callable[[], Any], tasks: tuple[Callable[[], Any], ...]
           ) -> tuple[Any, list[Any]]:
    """``tasks`` on a second thread, one after the other, while ``work()`` runs here:
    (work's result, the tasks' results). Once both have ended a task's exception is
    raised first, then work's; where no thread can start, the tasks run before work.

    For work that gives up the GIL — calamine parsing a sheet — and runs on the calling
    thread so that what it allocates comes from that thread's heap: glibc gives each
    thread a heap of its own, and calamine on a second thread was 0.1 s slower (median)
    and 27 MB larger at 200 × 800. The calling thread runs no Python until work returns
    and waits for the tasks before it goes on, so the tasks may import modules."""
    import threading  # (zipfile imported it already)

    done: list[Any] = []

    def run() -> None:
        try:
            done.append((True, [task() for task in tasks]))
        except BaseException as exc:  # noqa: BLE001 - raised on the caller's thread
            done.append((False, exc))

    thread = threading.Thread(target=run, name="thidua-xl-scan", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # no threads here (Pyodide, a process at its limit)
        thread = None
        run()
    failed: BaseException | None = None
    try:
        value = work()
    except BaseException as exc:  # noqa: BLE001 - raised below, after a task's
        failed = exc
    if thread is not None:
        thread.join()
    ok, results = done[0]
    if not ok:
        raise results
    if failed is not None:
        raise failed
    return value, results


#: a whole float below this magnitude becomes an int; a float (2**53 is exact as one)
#: because comparing a float with an int costs twice as much, once per cell
_WHOLE = float(2**53)
#: the ints of the usual whole scores, looked up instead of int(v) (a dict hit on a float
#: key is cheaper than the call; 0.0 and -0.0 both give 0, as int() does)
_SMALL = {float(i): i for i in range(-1024, 1025)}


def _sheet(sheet: Any, name: str) -> SheetGrid:
    """One sheet kept as calamine's rows, each value in the grid's vocabulary
    (:func:`normalize_value`; "" → None) and each row without its trailing blanks."""
    start = sheet.start
    if start is None:
        sg = SheetGrid(name=name)  # sheet names stay exactly as in the workbook
    else:
        r0, c0 = start[0] + 1, start[1] + 1
        rows, odd = _streamed_rows(sheet, start)
        sg = SheetGrid.from_rows(name, rows, r0, c0)
        for i in sorted(set(odd)):
            row = rows[i]
            for j, v in enumerate(row):
                if v.__class__ is _Odd:
                    row[j] = _slow(v.raw, sg, r0 + i, c0 + j)
            without_trailing_blanks(row)
    ranges = sheet.merged_cell_ranges
    if ranges:
        sg.merges = normalize_merges([
            Merge(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in ranges])
    return sg


def _streamed_rows(sheet: Any, start: tuple[int, int]) -> tuple[list[list[Any]], list[int]]:
    """The rows of ``to_python(skip_empty_area=True)``, each converted as it comes from
    ``iter_rows()`` — calamine's floats of a whole row then never all live at once (a few
    MB of a large sheet's peak) — and the rows holding values for the slow rules.

    ``iter_rows`` gives those rows, from the first column with a value, after the blank
    rows above the first one (python-calamine 0.9): checked here — the count, the widths,
    the blank lead — and where it gives anything else the rows are taken from
    ``to_python`` instead."""
    width, height = sheet.width, sheet.height
    widths: set[int] = set()
    rows, odd = _converted(sheet.iter_rows(), widths)
    lead = len(rows) - height
    if widths <= {width} and lead in (0, start[0]) and not any(rows[:lead]) and (
            not odd or min(odd) >= lead):
        if lead:
            del rows[:lead]
            odd = [i - lead for i in odd]
        return rows, odd
    return _converted(sheet.to_python(skip_empty_area=True), None)


def _converted(source: Any, widths: set[int] | None) -> tuple[list[list[Any]], list[int]]:
    """Each row of ``source`` in the grid's vocabulary, without its trailing blanks (its
    length added to ``widths``), and the rows holding a value left for the slow rules
    (as an :class:`_Odd`)."""
    rows: list[list[Any]] = []
    odd: list[int] = []
    nfc, flt, text, whole, longest, small = (
        unicodedata.is_normalized, float, str, _WHOLE, MAX_CELL_TEXT,
        _SMALL.get)  # locals: read once per cell
    # the texts that passed the quick rules: a sheet repeats a few ("Đạt" in most cells
    # of a Định tính row), one look-up each instead of five checks, and one object
    # for all the cells holding the same text (calamine makes one per cell)
    plain: dict[str, str] = {}
    known, keep = plain.get, plain.setdefault
    seen = widths.add if widths is not None else None
    for i, row in enumerate(source):
        if seen is not None:
            seen(len(row))
        # (small(v) is 0 for 0.0: falsy, so int() makes the same 0; a text here is not
        # empty, so known(v) and keep(v, v) are true when they give it)
        fixed = [(small(v) or (int(v) if v.is_integer() and -whole < v < whole else v))
                 if v.__class__ is flt else
                 None if v == "" else
                 (known(v) or (v.isprintable() and not v.isspace() and len(v) <= longest
                               and (v.isascii() or nfc("NFC", v)) and keep(v, v))
                  or _odd(odd, i, v)) if v.__class__ is text
                 else _odd(odd, i, v)
                 for v in row]
        rows.append(without_trailing_blanks(fixed))
    return rows, odd


class _Odd:
    """A raw value left for the slow rules (its row is revisited with the positions)."""

    __slots__ = ("raw",)

    def __init__(self, raw: Any) -> None:
        self.raw = raw


def _slow(v: Any, sg: SheetGrid, r: int, c: int) -> Any:
    """:func:`normalize_value` of a cell the quick rules left (text that is not plain
    ASCII, or cut at Excel's limit: noted in ``sg.truncated``)."""
    if v.__class__ is str:
        if not v.isprintable() or len(v) > MAX_CELL_TEXT:
            v, cut = boundary_text(v)
            if cut:
                sg.truncated.add((r, c))
        if not v or v.isspace():  # blank text is no value
            return None
        return v if v.isascii() else unicodedata.normalize("NFC", v)
    return normalize_value(v)


def _odd(odd: list[int], i: int, v: Any) -> Any:
    if v is None:
        return None
    odd.append(i)
    return _Odd(v)


def convert_error(exc: BaseException, path: str | os.PathLike) -> UnreadableWorkbook:
    """A python-calamine (or OS) exception as an :class:`UnreadableWorkbook`."""
    import python_calamine as pc

    if isinstance(exc, UnreadableWorkbook):
        return exc
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    detail = detail if len(detail) <= 160 else detail[:157] + "..."
    if isinstance(exc, pc.PasswordError):
        return error_for("encrypted-workbook", path)
    if isinstance(exc, FileNotFoundError):
        return error_for("file-not-found", path)
    if isinstance(exc, PermissionError):
        return error_for("file-access-denied", path, tech=detail)
    if isinstance(exc, pc.ZipError):
        return error_for("corrupt-zip", path, tech=detail)
    if isinstance(exc, pc.XmlError):
        if "entity" in detail.lower() or "doctype" in detail.lower():
            return error_for("unsafe-xml", path)
        return error_for("malformed-xml", path, tech=detail)
    if isinstance(exc, MemoryError):
        return error_for("workbook-too-large", path)
    return error_for("read-failed", path, tech=detail)
