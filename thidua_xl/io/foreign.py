""".xls, .xlsb and .ods workbooks ("foreign" formats): read like .xlsx, written as .xlsx.

Reading: python-calamine reads all three formats; they go through the same
:func:`~thidua_xl.io.read_calamine.read_calamine` as an .xlsx, without the OOXML scan
(which only exists for .xlsx packages), so the parser sees the same grid.

Writing: the output is always an .xlsx holding the user's own sheets plus the output
sheets. :func:`xlsx_base` makes the .xlsx the output sheets are grafted into:

- with LibreOffice installed, a headless conversion of a *copy* of the input in a temporary
  folder (its own user profile, so parallel runs never clash, and a time limit) — the user's
  sheets keep their formatting;
- otherwise (or when the conversion fails) a workbook of the user's sheets as values, and
  the caller adds the warning :data:`VALUES_ONLY_CODE` so the user knows.

The input file is only ever opened for reading.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..core.record import record
from ..logs import get_logger
from .grid import Grid

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    import tempfile
    from typing import Callable

log = get_logger(__name__)  # logging imported only when something is logged

#: sniffed kinds read through calamine only, and their usual extensions
FOREIGN_KINDS = frozenset({"xls", "xlsb", "ods"})
FOREIGN_EXTS = frozenset({".xls", ".xlsb", ".ods"})
#: the codes :func:`~thidua_xl.io.sniff.ensure_readable` gives them (refused by the .xlsx
#: readers, taken by :func:`read_foreign`)
FOREIGN_CODES = {"xls-not-supported": "xls", "xlsb-not-supported": "xlsb",
                 "ods-not-supported": "ods"}
#: the time limit of one LibreOffice conversion (seconds)
CONVERT_TIMEOUT = 120.0
#: finding code of the warning "the output holds your sheets as values"
VALUES_ONLY_CODE = "foreign-values-only"

_FORMAT_NAMES = {".xls": "Excel 97-2003 (.xls)", ".xlsb": "Excel nhị phân (.xlsb)",
                 ".ods": "OpenDocument (.ods)"}


def foreign_kind(path: str | os.PathLike) -> str | None:
    """"xls", "xlsb" or "ods" for such a workbook, else None: by its extension, else by its
    bytes (an .xls renamed .xlsx is an OLE2 file; other extensions are sniffed)."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext in FOREIGN_EXTS:
        return ext[1:]
    try:
        with open(p, "rb") as f:
            if f.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
                return "xls"
    except OSError:
        return None
    if ext in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        return None
    from .sniff import sniff

    kind = sniff(p)
    return kind if kind in FOREIGN_KINDS else None


def is_foreign(path: str | os.PathLike) -> bool:
    """True for an .xls/.xlsb/.ods workbook (see :func:`foreign_kind`)."""
    return foreign_kind(path) is not None


def format_name(path: str | os.PathLike) -> str:
    return _FORMAT_NAMES.get(Path(path).suffix.lower(), Path(path).suffix or "?")


def read_foreign(path: str | os.PathLike, only: Callable[[str], bool] | None = None, *,
                 kind: str | None = None) -> Grid:
    """An .xls/.xlsb/.ods workbook as a grid (values and merged ranges as calamine gives
    them; percent formats and uncached formulas are not known for these formats).

    ``kind`` ("xls", "xlsb", "ods": what the bytes are) matters when the extension lies
    (an .xls saved as "x.xlsx"): calamine picks its reader by extension, so it reads a
    link to the file under the right extension."""
    from ..errors import UnreadableWorkbook
    from .read_calamine import read_calamine
    from .sniff import error_for

    seen: list[str] = []

    def wanted(name: str) -> bool:
        seen.append(name)
        return only is None or only(name)

    ext = f".{kind}" if kind else Path(path).suffix.lower()
    if Path(path).suffix.lower() == ext:
        grid = read_calamine(path, only=wanted, meta=False)
    else:
        with scratch_dir() as tmp:
            alias = Path(tmp) / f"workbook{ext}"
            try:
                alias.symlink_to(Path(path).resolve())
            except OSError:
                import shutil

                shutil.copyfile(path, alias)
            try:
                grid = read_calamine(alias, only=wanted, meta=False)
            except UnreadableWorkbook as exc:  # name the user's file, not the alias
                raise error_for(exc.code, path) from None
    if not seen:  # an OLE2/zip shell without a single worksheet: not a readable workbook
        raise error_for("read-failed", path, tech="no worksheet")
    if ext == ".ods":
        _ods_meta(grid, path)
    else:  # .xls/.xlsb: calamine gives no number formats (see percent_warnings)
        grid.percent_formats_known = False  # type: ignore[attr-defined]
    return grid


def _ods_meta(grid: Grid, path: str | os.PathLike) -> None:
    """Merged ranges and percent cells of an .ods (calamine gives neither)."""
    from .ods_meta import scan_ods
    from .read_calamine import drop_merged_interiors, normalize_merges

    meta = scan_ods(path)
    for sg in grid.sheets:
        m = meta.get(sg.name)
        if m is None:
            continue
        if m.merges and not sg.merges:
            sg.merges = normalize_merges(m.merges)
            drop_merged_interiors(sg)
        get = sg.get  # (not sg.values: that turns a sheet kept as rows into a dict)
        sg.percent = {c for c in m.percent if get(*c) is not None}


@record
class Base:
    """The .xlsx the output sheets are grafted into."""

    path: Path
    converted: bool  # True: LibreOffice carried the user's sheets (formatting kept)
    reason: str = ""  # why not, when not converted


def xlsx_base(src: str | os.PathLike, folder: str | os.PathLike, *,
              timeout: float = CONVERT_TIMEOUT) -> Base:
    """An .xlsx copy of the foreign workbook ``src`` inside ``folder`` (a temporary folder
    of the caller): by LibreOffice when it is installed, else the sheets' values."""
    src, folder = Path(src), Path(folder)
    reason = ""
    try:
        return Base(convert_with_libreoffice(src, folder, timeout=timeout), True)
    except _NoConversion as exc:
        reason = str(exc)
        log.info("No LibreOffice conversion of %s: %s", src.name, reason)
    out = folder / "values.xlsx"
    write_values_copy(src, out)
    return Base(out, False, reason)


class _NoConversion(Exception):
    pass


def convert_with_libreoffice(src: Path, folder: Path, *,
                             timeout: float = CONVERT_TIMEOUT) -> Path:
    """``soffice --headless --convert-to xlsx`` of a copy of ``src``; the converted file's
    path. Raises :class:`_NoConversion` (LibreOffice missing, failed or too slow)."""
    from ..errors import OutputError
    from .pdf import _run, find_soffice

    soffice = find_soffice()
    if soffice is None:
        raise _NoConversion("LibreOffice is not installed")
    profile, indir, outdir = folder / "lo-profile", folder / "lo-in", folder / "lo-out"
    for d in (profile, indir, outdir):
        d.mkdir(parents=True, exist_ok=True)
    work = indir / f"workbook{src.suffix.lower()}"
    import shutil

    shutil.copyfile(src, work)
    cmd = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}",
           "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
           "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
           "--outdir", str(outdir), str(work)]
    try:
        proc = _run(cmd, timeout)
    except (OSError, OutputError) as exc:
        raise _NoConversion(f"LibreOffice did not run: {exc}") from None
    produced = outdir / "workbook.xlsx"
    if proc.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
        detail = (proc.stderr or b"").decode("utf-8", "replace").strip()[-200:]
        raise _NoConversion(f"LibreOffice failed ({proc.returncode}): {detail}")
    return produced


def write_values_copy(src: Path, out: Path) -> Path:
    """Every sheet of ``src`` as values (merged ranges kept) in a new .xlsx at ``out``."""
    from openpyxl import Workbook

    grid = read_foreign(src, kind=foreign_kind(src))
    wb = Workbook()
    wb.remove(wb.active)
    for sg in grid.sheets:
        ws = wb.create_sheet(_safe_title(sg.name))
        for (r, c), v in sorted(sg.values.items()):
            if isinstance(v, str) and v[:1] in "=+-@" and len(v) > 1:
                ws.cell(row=r, column=c).value = v
                ws.cell(row=r, column=c).data_type = "s"  # text, never a formula
            else:
                ws.cell(row=r, column=c, value=v)
        for m in sg.merges:
            ws.merge_cells(start_row=m.min_row, start_column=m.min_col,
                           end_row=m.max_row, end_column=m.max_col)
    if not wb.sheetnames:
        wb.create_sheet("Sheet1")
    wb.save(out)
    return out


def _safe_title(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31] or "Sheet"


def values_only_finding(src: str | os.PathLike, reason: str):
    """The warning :data:`VALUES_ONLY_CODE`: the user's sheets are carried as values."""
    from ..core.findings import Report

    why = ("không tìm thấy LibreOffice" if "not installed" in reason
           else "LibreOffice không chuyển đổi được tệp")
    return Report().emit(VALUES_ONLY_CODE, file=Path(src).name, format=format_name(src),
                         why=why)


def scratch_dir() -> tempfile.TemporaryDirectory:
    import tempfile

    return tempfile.TemporaryDirectory(prefix="thidua-foreign-")
