"""PDF export through LibreOffice headless.

:func:`export_pdf` converts a workbook (or some of its sheets) to PDF with
``soffice --headless --convert-to pdf``; :func:`export_documents` writes the documents the
bloc sends ("Tờ trình", "Đề nghị khen thưởng", "Biên bản họp bình xét"), one PDF each,
from the write plan, in one LibreOffice run. Each run uses its own temporary LibreOffice
user profile, so parallel runs (``thidua-xl batch -j N``) never clash, and works on a copy
in a temporary folder, so the input file is never touched (no lock file beside it).

The private profile sets LibreOffice's locale to Vietnamese (vi-VN), so every number cell
prints with a decimal comma whatever the machine's locale (the documents write their
numbers as text with a comma anyway; "Kết quả" keeps real numbers). A PDF is written
atomically (a temporary file beside the target, then a rename), with the permissions of
the workbook it comes from.

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
from .atomic import atomic_write, output_error

#: environment variable naming the soffice executable to use (optional)
SOFFICE_ENV = "THIDUA_XL_SOFFICE"

_NAMES = ("soffice", "libreoffice", "soffice.exe", "soffice.com")

#: LibreOffice's locale for the conversion: decimal commas, Vietnamese dates
LOCALE = "vi-VN"
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" \
oor:op="fuse"><value>{locale}</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" \
oor:op="fuse"><value>{locale}</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale" \
oor:op="fuse"><value>{locale}</value></prop></item>
</oor:items>
"""

#: file name part of each document's PDF (``<stem>_<slug>.pdf``)
DOCUMENT_SLUGS = {"Tờ trình": "to_trinh", "Đề nghị khen thưởng": "danh_sach_de_nghi",
                  "Biên bản họp bình xét": "bien_ban"}


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


def _profile(root: Path) -> Path:
    """A fresh LibreOffice user profile whose locale is :data:`LOCALE`."""
    profile = root / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        _REGISTRY.format(locale=LOCALE), encoding="utf-8")
    return profile


def _convert(soffice: str, works: list[Path], tmpdir: Path, timeout: float) -> list[Path]:
    """One LibreOffice run converting ``works``; the PDFs in the same order."""
    profile = _profile(tmpdir)
    outdir = tmpdir / "out"
    outdir.mkdir()
    cmd = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}",
           "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
           "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir),
           *[str(w) for w in works]]
    try:
        proc = _run(cmd, timeout)
    except OSError as exc:
        raise OutputError(f"Không chạy được LibreOffice ({soffice}): {exc}") from exc
    produced = [outdir / (w.stem + ".pdf") for w in works]
    if proc.returncode != 0 or not all(p.is_file() and p.stat().st_size for p in produced):
        detail = (proc.stderr or b"").decode("utf-8", "replace").strip()[-400:]
        raise OutputError(
            "LibreOffice không xuất được PDF" + (f": {detail}" if detail else "."),
            fix="Mở tệp trong Excel và chọn File > Export > PDF.")
    return produced


def _soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise _missing()
    return soffice


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
    soffice = _soffice()
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        tmpdir = Path(tmp)
        indir = tmpdir / "in"
        indir.mkdir()
        suffix = src.suffix.lower() if src.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
        work = indir / f"workbook{suffix}"
        if sheets:
            work = indir / "workbook.xlsx"
            _subset_copy(src, work, list(sheets))
        else:
            shutil.copyfile(src, work)
        (produced,) = _convert(soffice, [work], tmpdir, timeout)
        copy_pdf(produced, dst, like=src)
    return dst


def document_paths(workbook: str | os.PathLike, names: list[str]) -> list[Path]:
    """Where the documents' PDFs of ``workbook`` go: ``<stem>_to_trinh.pdf`` … beside it."""
    wb = Path(workbook)
    return [wb.with_name(f"{wb.stem}_{DOCUMENT_SLUGS.get(n, 'tai_lieu')}.pdf") for n in names]


def export_documents(plan, workbook: str | os.PathLike, *,
                     timeout: float = 180) -> list[Path]:
    """The documents of ``plan`` (a :class:`~thidua_xl.io.plan.WritePlan`), one PDF each,
    beside ``workbook`` (the output workbook they belong to) with its permissions.

    Each document is rendered from the plan on its own (the same cells as in the
    workbook, without the user's sheets) and all are converted in one LibreOffice run.
    Raises like :func:`export_pdf`; when one PDF cannot be made none is written.
    """
    from .plan import OUTPUT_DOCUMENTS, WritePlan
    from .render_openpyxl import render_to_file

    sheets = [sp for name in OUTPUT_DOCUMENTS if (sp := plan.sheet(name)) is not None]
    if not sheets:
        return []
    soffice = _soffice()
    targets = document_paths(workbook, [sp.name for sp in sheets])
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        tmpdir = Path(tmp)
        works = [render_to_file(WritePlan(sheets=[sp], replace=(), select=sp.name),
                                tmpdir / "in" / f"{t.stem}.xlsx")
                 for sp, t in zip(sheets, targets)]
        produced = _convert(soffice, works, tmpdir, timeout)
        for pdf, target in zip(produced, targets):
            copy_pdf(pdf, target, like=Path(workbook))
    return targets


def copy_pdf(src: Path, dst: Path, *, like: Path | None = None) -> None:
    """Copy ``src`` to ``dst`` atomically; ``dst`` gets the permission bits of ``like``."""
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Không ghi được tệp PDF vào thư mục {dst.parent}: {exc}") from exc
    try:
        with atomic_write(dst) as tmp:
            try:
                shutil.copyfile(src, tmp)
            except OSError as exc:
                raise output_error(dst, exc) from exc
    except OutputError as err:
        raise OutputError(
            err.message,
            fix="Đóng tệp PDF nếu đang mở (trình xem PDF khóa tệp) rồi chạy lại.") from err
    if like is not None:
        # after the rename: a PDF that existed before takes the workbook's bits too
        try:
            os.chmod(dst, like.stat().st_mode & 0o777)
        except OSError:
            pass
