"""PDF export through LibreOffice headless.

:func:`export_pdf` converts a workbook (or some of its sheets) to PDF with
``soffice --headless --convert-to pdf``. Each run uses its own temporary LibreOffice user
profile, so parallel runs (``thidua-xl batch -j N``) never clash, and works on a copy in a
temporary folder, so the input file is never touched (no lock file beside it). The PDF is
written atomically: a temporary file beside the target, then a rename.

In Excel the same is File > Export > PDF (the ribbon's "Xuất PDF" button).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import OutputError, ThiduaError, UsageError

#: environment variable naming the soffice executable to use (optional)
SOFFICE_ENV = "THIDUA_XL_SOFFICE"

_NAMES = ("soffice", "libreoffice", "soffice.exe", "soffice.com")


def _standard_locations() -> list[Path]:
    """Where installers put soffice (relative to the system's program folders)."""
    out: list[Path] = []
    if sys.platform == "darwin":
        out.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    elif os.name == "nt":
        for var in ("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"):
            base = os.environ.get(var)
            if base:
                out.append(Path(base) / "LibreOffice" / "program" / "soffice.exe")
    return out


def find_soffice() -> str | None:
    """The LibreOffice executable (``$THIDUA_XL_SOFFICE``, PATH, standard places) or None."""
    env = os.environ.get(SOFFICE_ENV)
    if env:
        found = shutil.which(env) or (env if Path(env).is_file() else None)
        if found:
            return found
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    for p in _standard_locations():
        if p.is_file():
            return str(p)
    return None


def _missing() -> ThiduaError:
    return ThiduaError(
        "Không tìm thấy LibreOffice nên không xuất được PDF. Hãy cài LibreOffice "
        "(https://www.libreoffice.org, miễn phí) rồi chạy lại, hoặc mở tệp kết quả trong "
        "Excel và chọn File > Export > PDF (Tệp > Xuất > PDF).",
        code="libreoffice-missing",
        fix="Cài LibreOffice, hoặc xuất PDF từ Excel: File > Export > PDF.",
    )


def _subset_copy(src: Path, dst: Path, sheets: list[str]) -> None:
    """Save a copy of ``src`` holding only ``sheets`` (matched exactly, then ignoring case)."""
    from openpyxl import load_workbook

    from .render_openpyxl import set_default_font

    try:
        wb = load_workbook(src, rich_text=True)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a clear error
        raise OutputError(f"Không đọc được tệp {src.name} để xuất PDF: {exc}") from exc
    folded = {s.casefold() for s in sheets}
    keep = [ws for ws in wb._sheets if ws.title in sheets or ws.title.casefold() in folded]
    if not keep:
        raise UsageError(
            f"Tệp {src.name} không có sheet {', '.join(repr(s) for s in sheets)} để xuất PDF.",
            code="pdf-sheet-missing")
    for ws in list(wb._sheets):
        if ws not in keep:
            wb.remove(ws)
    order = {s.casefold(): i for i, s in enumerate(sheets)}
    wb._sheets.sort(key=lambda ws: order.get(ws.title.casefold(), len(order)))
    for ws in wb._sheets:
        ws.sheet_state = "visible"
        ws.sheet_view.tabSelected = False
    wb.active = 0
    wb._sheets[0].sheet_view.tabSelected = True
    # our sheets set every cell's font; the default font only gives the column unit
    set_default_font(wb)
    wb.save(dst)


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess:
    kwargs: dict = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True
    elif os.name == "nt":
        kwargs["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, **kwargs)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # end this conversion only: its own process group
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except OSError:
            pass
        proc.communicate()
        raise OutputError(
            f"LibreOffice không xuất xong PDF sau {int(timeout)} giây.",
            fix="Đóng các cửa sổ LibreOffice đang mở rồi thử lại, hoặc xuất PDF từ Excel.")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def export_pdf(xlsx_path: str | os.PathLike, pdf_path: str | os.PathLike, *,
               sheets: list[str] | None = None, timeout: float = 120) -> Path:
    """Convert ``xlsx_path`` (only ``sheets`` when given) to ``pdf_path``; returns it.

    Raises :class:`~thidua_xl.errors.ThiduaError` (``libreoffice-missing``) when
    LibreOffice is not installed, :class:`~thidua_xl.errors.OutputError` when the
    conversion fails or the PDF cannot be written.
    """
    src = Path(xlsx_path)
    dst = Path(pdf_path)
    if not src.is_file():
        raise UsageError(f"Không có tệp {src} để xuất PDF.", code="file-not-found")
    soffice = find_soffice()
    if soffice is None:
        raise _missing()
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        tmpdir = Path(tmp)
        profile = tmpdir / "profile"
        indir = tmpdir / "in"
        outdir = tmpdir / "out"
        for d in (profile, indir, outdir):
            d.mkdir()
        suffix = src.suffix.lower() if src.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
        work = indir / f"workbook{suffix}"
        if sheets:
            work = indir / "workbook.xlsx"
            _subset_copy(src, work, list(sheets))
        else:
            shutil.copyfile(src, work)
        cmd = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}",
               "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), str(work)]
        try:
            proc = _run(cmd, timeout)
        except OSError as exc:
            raise OutputError(f"Không chạy được LibreOffice ({soffice}): {exc}") from exc
        produced = outdir / (work.stem + ".pdf")
        if proc.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            detail = (proc.stderr or b"").decode("utf-8", "replace").strip()[-400:]
            raise OutputError(
                "LibreOffice không xuất được PDF" + (f": {detail}" if detail else "."),
                fix="Mở tệp trong Excel và chọn File > Export > PDF.")
        _atomic_copy(produced, dst)
    return dst


def _atomic_copy(src: Path, dst: Path) -> None:
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~" + dst.stem[:20], suffix=".pdf",
                                   dir=dst.parent)
    except OSError as exc:
        raise OutputError(f"Không ghi được tệp PDF vào thư mục {dst.parent}: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out)
        os.replace(tmp, dst)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(
            f"Không ghi được tệp PDF {dst}: {exc}",
            fix="Đóng tệp PDF nếu đang mở (trình xem PDF khóa tệp) rồi chạy lại.") from exc
