"""``read_grid``: any file → :class:`~thidua_xl.io.grid.Grid` or a Vietnamese
:class:`~thidua_xl.errors.UnreadableWorkbook` (never a traceback).

1. :func:`~thidua_xl.io.sniff.ensure_readable` looks at the bytes (encrypted, CSV, broken
   zip ... are refused with their own code); .xls, .xlsb and .ods go to
   :func:`~thidua_xl.io.foreign.read_foreign` (calamine, whatever ``reader`` says);
2. ``reader="auto"`` (default) reads with python-calamine plus the streaming OOXML scan;
   when calamine cannot read a package that openpyxl may (macro sheets, UTF-16 XML,
   odd relationships, a huge sparse sheet ...) openpyxl is tried before giving up;
   ``reader="calamine"`` / ``"openpyxl"`` force one library.
   python-calamine is optional (it has no Pyodide wheel, so xlwings Lite has none): where
   it is not installed, ``"auto"`` reads with openpyxl — the same grid, more slowly.

The input file is only ever opened for reading.
"""
from __future__ import annotations

import importlib.util
import os

from ..core.text import display_path
from ..errors import UnreadableWorkbook, UsageError
from .grid import Grid
from .foreign import FOREIGN_CODES, read_foreign
from .sniff import KeptParts, ensure_readable, error_for

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Callable

READERS = ("auto", "calamine", "openpyxl")

#: Codes after which the auto reader still tries openpyxl: calamine's own limits, not the
#: file's (a broken zip, a password, hostile XML are final).
_FALLBACK = frozenset({"read-failed", "malformed-xml", "sheet-too-large", "missing-parts",
                       "workbook-too-large"})


def read_grid(path: str | os.PathLike, *, reader: str = "auto",
              only: Callable[[str], bool] | None = None,
              meanwhile: Callable[[], object] | None = None) -> Grid:
    """Read the workbook at ``path``.

    ``only`` is a predicate on sheet names (as in the workbook): only the worksheets it
    accepts are read (e.g. ``lambda n: fold(n) in {"thong tin", "don vi", "cham diem",
    "quy dinh"}``). Sheets keep workbook order; hidden sheets are read. Raises
    :class:`UnreadableWorkbook` (``.code``, ``.message``, ``.fix``) or :class:`UsageError`
    for an unknown ``reader``.

    ``meanwhile``: the caller's work that needs no grid (importing what it runs next),
    called on a second thread while calamine reads a large sheet; it may not be called.
    """
    if reader not in READERS:
        raise UsageError(f"Trình đọc không hợp lệ: \"{reader}\" (chọn một trong: "
                         f"{', '.join(READERS)}).", code="bad-reader")
    if reader == "calamine" and not calamine_available():
        raise UsageError("Máy này chưa cài python-calamine nên không dùng được trình đọc "
                         "\"calamine\".", fix="Bỏ tuỳ chọn trình đọc (tự chọn openpyxl) hoặc "
                         "cài: pip install python-calamine", code="reader-not-installed")
    # the calamine reader takes the sheets the budget check inflated (read once, not twice)
    kept = KeptParts() if reader in ("auto", "calamine") and calamine_available() else None
    try:
        kind = ensure_readable(path, keep=kept)
    except UnreadableWorkbook as exc:
        # .xls/.xlsb/.ods: calamine reads them (io.foreign); without it (xlwings Lite) they
        # stay unreadable with the sniffer's own message
        if exc.code in FOREIGN_CODES and calamine_available():
            kind = FOREIGN_CODES[exc.code]
            return _guard(lambda p, o: read_foreign(p, o, kind=kind), path, only)
        raise
    if reader == "auto" and not calamine_available():
        reader = "openpyxl"
    if reader == "openpyxl":
        if kind == "xlsx-strict":  # openpyxl would silently return a workbook without sheets
            raise error_for("strict-ooxml-not-supported", path)
        return _guard(_openpyxl, path, only)
    try:
        return _guard(lambda p, o: _calamine(p, o, kept, meanwhile), path, only)
    except UnreadableWorkbook as exc:
        if reader == "calamine" or exc.code not in _FALLBACK:
            if kind == "xlsx-strict" and exc.code in _FALLBACK:
                raise error_for("strict-ooxml-not-supported", path) from None
            raise
        first = exc
    if kind == "xlsx-strict":
        raise error_for("strict-ooxml-not-supported", path) from None
    try:
        return _guard(_openpyxl, path, only)
    except UnreadableWorkbook as exc:
        if kind == "xlsx-strict":
            raise error_for("strict-ooxml-not-supported", path) from None
        # The calamine message is usually the more precise one, unless it only said "too big".
        raise (exc if first.code == "sheet-too-large" else first) from None


def calamine_available() -> bool:
    """Whether python-calamine can be imported (never imports it)."""
    try:
        return importlib.util.find_spec("python_calamine") is not None
    except (ImportError, ValueError):  # a broken or half-removed install
        return False


def _calamine(path, only, kept: KeptParts | None = None, meanwhile=None) -> Grid:
    from .read_calamine import read_calamine

    return read_calamine(path, only=only, kept=kept, meanwhile=meanwhile)


def _openpyxl(path, only) -> Grid:
    from .read_openpyxl import read_openpyxl

    return read_openpyxl(path, only=only)


def _guard(fn, path, only) -> Grid:
    """Run a reader; whatever escapes it becomes an :class:`UnreadableWorkbook`."""
    try:
        grid = fn(path, only)
    except UnreadableWorkbook:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise error_for("workbook-too-large", path) from None
    except RecursionError:
        raise error_for("malformed-xml", path, "cấu trúc lồng nhau quá sâu") from None
    except BaseException as exc:  # noqa: BLE001 - never a traceback to the user
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise error_for("read-failed", path, tech=detail) from None
    grid.source = display_path(path)  # shown and written, never opened again
    return grid
