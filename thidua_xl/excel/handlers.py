"""The ribbon buttons: one function per button of addin/customUI.xml.

Each is called by the add-in's VBA (``RunPython "import thidua_xl.excel.handlers as h;
h.kiem_tra()"``) and works on the calling (active) workbook, ``xw.Book.caller()``; tests
and xlwings Lite pass ``book=``. The flow is always: live values (``read_xlwings``) →
``api.analyze`` (the CLI's parser and engine) → ``io.outputs.build_plan`` (the CLI's
sheets) → ``render_xlwings`` into the book; the "Kiểm tra" sheet is selected when there
are findings.

No Python traceback ever reaches the user: every handler catches everything, logs the
details (``thidua_xl.log`` in the temp folder) and shows a Vietnamese message box (or,
on engines without one, nothing — the status of the run is in the sheets).
"""
from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

log = logging.getLogger("thidua_xl")

TITLE = "Thi đua"
HELP_SHEET = "Hướng dẫn"
LOG_FILE = Path(tempfile.gettempdir()) / "thidua_xl.log"

__all__ = ["kiem_tra", "tinh_diem", "de_nghi_khen_thuong", "gop_phieu_tu_cham",
           "tao_so_mau", "xuat_pdf", "huong_dan"]


# --------------------------------------------------------------------------------------
# plumbing: book, status bar, message box, error guard
# --------------------------------------------------------------------------------------
def _setup_log() -> None:
    if any(getattr(h, "_thidua", False) for h in log.handlers):
        return
    try:
        h = logging.FileHandler(LOG_FILE, encoding="utf-8")
    except OSError:
        return
    h._thidua = True  # type: ignore[attr-defined]
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(h)
    if log.level == logging.NOTSET or log.level > logging.INFO:
        log.setLevel(logging.INFO)


def _caller():
    import xlwings as xw

    return xw.Book.caller()


def _engine(book) -> str:
    try:
        return str(book.app.engine.name)
    except Exception:  # noqa: BLE001
        return ""


def status(book, text: str | None) -> None:
    """Show ``text`` in Excel's status bar (None restores Excel's own); guarded."""
    try:
        book.app.status_bar = text if text else False
    except Exception:  # noqa: BLE001 - the remote engine has no status bar
        pass


def alert(book, message: str, *, error: bool = False) -> None:
    """A Vietnamese message box; guarded (never raises)."""
    try:
        book.app.alert(message, title=TITLE, buttons="ok", mode="critical" if error else "info")
    except Exception:  # noqa: BLE001
        log.info("message box not shown: %s", message)


def _run(name: str, action: Callable[[Any], Any], book=None) -> Any:
    """Run one button: resolve the book, guard everything, always clear the status bar."""
    _setup_log()
    try:
        if book is None:
            book = _caller()
    except Exception:  # noqa: BLE001
        log.exception("%s: no calling workbook", name)
        return None
    try:
        return action(book)
    except Exception as e:  # noqa: BLE001 - never a traceback for the user
        from ..errors import ThiduaError

        if isinstance(e, ThiduaError):
            log.warning("%s: %s", name, e.message)
            msg = e.message + (f"\n{e.fix}" if getattr(e, "fix", "") else "")
        else:
            log.exception("%s failed", name)
            msg = ("Đã xảy ra lỗi không mong muốn, thao tác chưa hoàn thành.\n"
                   f"Chi tiết kỹ thuật được ghi trong tệp {LOG_FILE}.")
        alert(book, msg, error=True)
        return None
    finally:
        status(book, None)


# --------------------------------------------------------------------------------------
# the shared flow: live values → result → plan → sheets
# --------------------------------------------------------------------------------------
def _input_sheet(name: str) -> bool:
    try:
        from ..api import _wanted_sheet

        return _wanted_sheet(name)
    except ImportError:  # pragma: no cover
        return True


def book_file(book) -> str:
    from .read_xlwings import book_source

    return book_source(book, "<sổ đang mở>")


def input_sheet_names(book) -> list[str]:
    """The sheets to read: the four input sheets, or every sheet but the outputs when none
    is "Chấm điểm" (the scores are in another layout: the same rule as the files')."""
    names = [s.name for s in book.sheets]
    try:
        from ..api import input_sheets
    except ImportError:  # pragma: no cover
        return [n for n in names if _input_sheet(n)]
    return input_sheets(names)


def analyze_book(book, grid=None):
    """(bloc, result) of the live workbook, exactly as the CLI would compute them.

    ``grid``: the book already read (xlwings Lite reads it asynchronously, with formats).
    """
    from .. import api
    from .read_xlwings import read_book

    if grid is None:
        status(book, "Thi đua: đang đọc sổ…")
        grid = read_book(book, sheets=input_sheet_names(book), source=book_file(book))
    status(book, "Thi đua: đang kiểm tra và tính điểm…")
    analyze = getattr(api, "analyze", None)
    if analyze is not None:
        bloc, result = analyze(grid, grid.source)
    else:
        bloc, result = None, api.analyze_grid(grid, grid.source)
    # xlwings Server/Lite cannot read number formats: flag results that look like raw
    # percent-formatted cells (desktop Excel reads the formats, so this never fires there)
    from .read_xlwings import percent_format_warnings

    unknown = percent_format_warnings(grid, bloc)
    if unknown:  # one warning a criterion says it: not one more a cell of the same rows
        rows = {(f.sheet, (f.cell or "").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ$")) for f in unknown}
        result.findings = [f for f in result.findings
                           if not (f.code == "result-looks-like-fraction" and (
                               f.sheet, (f.cell or "").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ$"))
                               in rows)]
    result.findings.extend(unknown)
    return bloc, result


def _summary(result) -> str:
    errors = sum(1 for f in result.findings if f.severity.value == "error")
    warnings = len(result.findings) - errors
    parts = []
    if errors:
        parts.append(f"{errors} lỗi")
    if warnings:
        parts.append(f"{warnings} cảnh báo")
    return ", ".join(parts)


def _render(book, plan) -> list[str]:
    from .render_xlwings import render_plan

    status(book, "Thi đua: đang ghi kết quả…")
    return render_plan(plan, book)


def _findings_only(plan):
    """The plan reduced to the "Kiểm tra" sheet (what "Kiểm tra sổ" writes)."""
    from ..io.plan import OUTPUT_FINDINGS, WritePlan

    sheet = plan.sheet(OUTPUT_FINDINGS)
    return WritePlan(sheets=[sheet] if sheet else [], replace=(OUTPUT_FINDINGS,),
                     select=OUTPUT_FINDINGS)


def _score(book, select_ok: str | None, grid=None):
    from ..io.outputs import build_plan
    from ..io.plan import OUTPUT_FINDINGS

    bloc, result = analyze_book(book, grid)
    plan = build_plan(result, bloc=bloc)
    if result.findings:
        plan.select = OUTPUT_FINDINGS
    elif select_ok and plan.sheet(select_ok) is not None:
        plan.select = select_ok
    _render(book, plan)
    if result.has_errors:
        alert(book, f"Sổ còn {_summary(result)}: chưa tính được xếp hạng và khen thưởng.\n"
                    "Xem sheet \"Kiểm tra\" (bấm vào ô để tới chỗ cần sửa), sửa rồi bấm lại.",
              error=True)
    return result


# --------------------------------------------------------------------------------------
# the buttons
# --------------------------------------------------------------------------------------
def kiem_tra(book=None, grid=None):
    """Kiểm tra sổ: every finding into the "Kiểm tra" sheet."""

    def action(book):
        from ..io.outputs import build_plan

        bloc, result = analyze_book(book, grid)
        plan = _findings_only(build_plan(result, bloc=bloc))
        _render(book, plan)
        if result.findings:
            alert(book, f"Sổ có {_summary(result)}. Xem sheet \"Kiểm tra\": bấm vào địa chỉ ô "
                        "để tới chỗ cần sửa.", error=result.has_errors)
        else:
            alert(book, "Sổ hợp lệ: không có lỗi hay cảnh báo nào.")
        return result

    return _run("kiem_tra", action, book)


def tinh_diem(book=None, grid=None):
    """Tính điểm & xếp hạng: all the output sheets, "Kết quả" selected."""
    from ..io.plan import OUTPUT_RESULTS

    return _run("tinh_diem", lambda b: _score(b, OUTPUT_RESULTS, grid), book)


def de_nghi_khen_thuong(book=None, grid=None):
    """Đề nghị khen thưởng: all the output sheets, the recommendation selected."""
    from ..io.plan import OUTPUT_PROPOSALS

    return _run("de_nghi_khen_thuong", lambda b: _score(b, OUTPUT_PROPOSALS, grid), book)


def _ask_files(book) -> list[str] | None:
    """Excel's own multi-select file dialog; [] when cancelled, None when unavailable."""
    try:
        got = book.app.api.GetOpenFilename(
            "Sổ Excel (*.xlsx;*.xlsm),*.xlsx;*.xlsm", 1, "Chọn các phiếu tự chấm", None, True)
    except Exception:  # noqa: BLE001 - no dialog on this engine
        return None
    if got in (False, None, "False"):
        return []
    if isinstance(got, (list, tuple)):
        return [str(x) for x in got]
    return [str(got)]


NEEDS_DESKTOP = ("Chức năng \"{what}\" cần Excel trên máy tính (để đọc, ghi tệp). Hãy dùng "
                 "nút này trên Excel máy tính, hoặc lệnh \"{cli}\".")


def gop_phieu_tu_cham(book=None, files: Iterable[str] | None = None):
    """Gộp phiếu tự chấm: fill the units' "Tự chấm" columns from their self-score files."""

    def action(book):
        try:
            from .. import merge
        except ImportError:
            alert(book, "Chức năng gộp phiếu tự chấm chưa có trong bản cài đặt này.")
            return None
        from ..core.findings import Report, split_ref
        from ..core.models import BlocResult
        from ..errors import ThiduaError
        from ..io.outputs import build_plan
        from .read_xlwings import read_book
        from .render_xlwings import as_text

        paths = list(files) if files is not None else _ask_files(book)
        if paths is None:
            alert(book, NEEDS_DESKTOP.format(what="Gộp phiếu tự chấm",
                                             cli="thidua-xl merge SỔ_KHỐI PHIẾU..."))
            return None
        if not paths:  # the user cancelled the dialog
            return None
        report = Report()
        scores = []
        for p in paths:
            status(book, f"Thi đua: đang đọc {Path(p).name}…")
            try:
                scores.append(merge.read_self_score(p))
            except ThiduaError as e:
                report.error("unreadable-self-score",
                             merge.unreadable_message(e.message, "phiếu tự chấm"),
                             getattr(e, "fix", ""))
        grid = read_book(book, sheets=input_sheet_names(book), source=book_file(book))
        result = merge.merge_into_grid(grid, scores, file=grid.source)
        report.extend(result.report)
        status(book, "Thi đua: đang điền điểm tự chấm…")
        for ref, value in result.writes:
            sheet, cell = split_ref(ref)
            book.sheets[sheet].range(cell).value = as_text(value)
        findings = list(report.findings)
        if findings:
            res = BlocResult(file=grid.source, findings=findings,
                             status="errors" if report.has_errors else "ok")
            plan = _findings_only(build_plan(res))
            _render(book, plan)
        n = len(result.writes)
        msg = f"Đã điền {n} ô \"Tự chấm\" từ {len(scores)} phiếu."
        if findings:
            msg += f"\nCó {len(findings)} điểm không khớp: xem sheet \"Kiểm tra\"."
        alert(book, msg, error=report.has_errors)
        return result

    return _run("gop_phieu_tu_cham", action, book)


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    for i in range(2, 1000):
        cand = path.with_name(f"{path.stem} ({i}){path.suffix}")
        if not cand.exists():
            return cand
    return path


def _folder_of(book) -> Path:
    full = book_file(book)
    p = Path(full)
    if p.is_absolute() and p.parent.is_dir():
        return p.parent
    docs = Path.home() / "Documents"
    return docs if docs.is_dir() else Path.home()


def tao_so_mau(book=None, out: str | Path | None = None):
    """Tạo sổ mẫu: write the blank standard workbook and open it."""

    def action(book):
        try:
            from .. import template
        except ImportError:
            alert(book, "Chức năng tạo sổ mẫu chưa có trong bản cài đặt này.")
            return None
        if out is None and _engine(book) != "excel":  # a server or browser: no user disk
            alert(book, NEEDS_DESKTOP.format(what="Tạo sổ mẫu",
                                             cli="thidua-xl template -o so_mau.xlsx"))
            return None
        target = Path(out) if out else _unique(_folder_of(book) / "So_cham_diem_mau.xlsx")
        status(book, "Thi đua: đang tạo sổ mẫu…")
        path = template.write_template(target)
        opened = False
        if _engine(book) == "excel":
            try:
                book.app.books.open(str(path))
                opened = True
            except Exception:  # noqa: BLE001
                log.info("could not open %s", path)
        if not opened:
            alert(book, f"Đã tạo sổ mẫu: {path}")
        return path

    return _run("tao_so_mau", action, book)


def _pdf_targets(book, names: list[str]) -> list[Path]:
    from ..io.pdf import document_paths

    stem = Path(book_file(book)).stem or "so_thi_dua"
    return [_unique(p) for p in document_paths(_folder_of(book) / f"{stem}.xlsx", names)]


def xuat_pdf(book=None, out: str | Path | None = None):
    """Xuất PDF: the Tờ trình, its annex and the minutes, one PDF each beside the workbook
    (``out``: a folder for them)."""

    def action(book):
        from ..io.plan import OUTPUT_DOCUMENTS

        names = {s.name for s in book.sheets}
        if not all(n in names for n in OUTPUT_DOCUMENTS):
            result = _score(book, OUTPUT_DOCUMENTS[0])
            if result is None or result.has_errors:
                return None
            names = {s.name for s in book.sheets}
        sheets = [n for n in OUTPUT_DOCUMENTS if n in names]
        targets = _pdf_targets(book, sheets)
        if out:
            targets = [Path(out) / t.name for t in targets]
        status(book, "Thi đua: đang xuất PDF…")
        if _engine(book) == "excel":  # Excel's own ExportAsFixedFormat
            for name, target in zip(sheets, targets):
                book.to_pdf(str(target), include=[name])
        else:
            targets = _pdf_from_saved_copy(book, targets)
        alert(book, "Đã xuất PDF:\n" + "\n".join(str(t) for t in targets))
        return targets

    return _run("xuat_pdf", action, book)


def _pdf_from_saved_copy(book, targets: list[Path]) -> list[Path]:
    """Without desktop Excel: score the saved file into a temporary copy, then LibreOffice
    (the same documents as ``score --pdf``)."""
    from .. import api
    from ..errors import UsageError

    src = Path(book_file(book))
    if not src.is_file():
        raise UsageError("Hãy lưu sổ vào máy trước khi xuất PDF.", code="not-saved")
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        copy = Path(tmp) / api.default_output(src).name
        outcome = api.score_file(src, copy, pdf=True)
        if outcome.result.has_errors:
            raise UsageError("Sổ đã lưu còn lỗi: hãy sửa, lưu rồi xuất PDF lại.",
                             code="has-errors")
        if outcome.pdf_error:
            from ..errors import OutputError

            raise OutputError(outcome.pdf_error)
        from ..io.pdf import copy_pdf

        for made, target in zip(outcome.pdfs, targets):
            copy_pdf(made, target, like=src)
        return targets[:len(outcome.pdfs)]


# --------------------------------------------------------------------------------------
# Hướng dẫn
# --------------------------------------------------------------------------------------
_SHORT_GUIDE = """# Hướng dẫn sử dụng add-in Thi đua
Tab "Thi đua" trên ribbon có bảy nút, làm việc trên sổ đang mở:
- Kiểm tra sổ: liệt kê lỗi và cảnh báo vào sheet "Kiểm tra".
- Tính điểm & xếp hạng: ghi sheet "Kết quả" (tổng điểm, xếp hạng, xếp loại).
- Đề nghị khen thưởng: ghi sheet "Tờ trình", "Đề nghị khen thưởng" và "Biên bản họp bình xét".
- Gộp phiếu tự chấm: điền cột "Tự chấm" từ phiếu của các đơn vị.
- Tạo sổ mẫu: tạo sổ chấm điểm trống theo mẫu chuẩn.
- Xuất PDF: lưu tờ trình, danh sách đề nghị và biên bản thành ba file PDF cạnh sổ.
- Hướng dẫn: sheet này.
Hàm trong ô: TD_TONGDIEM, TD_DINHLUONG, TD_XEPHANG, TD_XEPLOAI, TD_KIEMTRA, TD_KHENTHUONG.
"""


def guide_text() -> str:
    """docs/huong-dan.md (source checkout or packaged copy), else a short built-in guide."""
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "data" / "huong-dan.md", here.parent / "docs" / "huong-dan.md"):
        try:
            if cand.is_file():
                return cand.read_text(encoding="utf-8")
        except OSError:
            continue
    return _SHORT_GUIDE


def guide_plan(text: str | None = None):
    """The "Hướng dẫn" sheet: one line of the guide per row, headings in bold."""
    from ..io.plan import SheetPlan, Style, WritePlan

    sp = SheetPlan(name=HELP_SHEET, col_widths={1: 110.0}, show_gridlines=False)
    title = Style(font_name="Times New Roman", font_size=16, bold=True, color="1F4E79")
    head = Style(font_name="Times New Roman", font_size=13, bold=True, color="1F4E79")
    body = Style(font_name="Times New Roman", font_size=12, wrap=True)
    code = Style(font_name="Consolas", font_size=11, fill="F2F2F2")
    row = 1
    in_code = False
    for line in (text or guide_text()).splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        if not line.strip():
            row += 1 if not in_code else 0
            continue
        if in_code:
            sp.put(row, 1, line, code)
        elif line.startswith("# "):
            sp.put(row, 1, line[2:].strip(), title)
        elif line.startswith("#"):
            sp.put(row, 1, line.lstrip("#").strip(), head)
        else:
            text_line = line.replace("**", "").replace("`", "")
            if text_line.lstrip().startswith(("- ", "* ")):
                text_line = "• " + text_line.lstrip()[2:]
            sp.put(row, 1, text_line, body)
        row += 1
    return WritePlan(sheets=[sp], replace=(HELP_SHEET,), select=HELP_SHEET)


def huong_dan(book=None):
    """Hướng dẫn: write the user guide into a "Hướng dẫn" sheet and show it."""

    def action(book):
        _render(book, guide_plan())
        return HELP_SHEET

    return _run("huong_dan", action, book)


if __name__ == "__main__":  # pragma: no cover - manual use: python -m ... kiem_tra
    globals()[sys.argv[1] if len(sys.argv) > 1 else "kiem_tra"]()
