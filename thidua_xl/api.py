"""The library calls every adapter uses (CLI, batch, ribbon, Lite).

- :func:`read_grid` — file → grid (raises :class:`~thidua_xl.errors.UnreadableWorkbook`)
- :func:`analyze_grid` — grid → :class:`~thidua_xl.core.models.BlocResult` (never raises
  for content problems: they are findings)
- :func:`check_file` — file → result; an unreadable file gives a result with
  ``status == "unreadable"`` and one finding
- :func:`score_file` — check, then write ``<stem>_ketqua.xlsx`` (input plus output sheets)
"""
from __future__ import annotations

import os
from pathlib import Path

from .core.record import field, record
from .errors import ThiduaError, UnreadableWorkbook

TYPE_CHECKING = False  # typing itself is not imported at run time

if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable

    from .core.models import Bloc, BlocResult
    from .io.grid import Grid

def _wanted_sheet(name: str) -> bool:
    """The sheets the parser reads; the readers skip every other sheet."""
    from .core.text import fold
    from .core.vocab import INPUT_SHEETS

    return fold(name) in INPUT_SHEETS


def input_sheets(names: list[str]) -> list[str]:
    """The sheets to read of a workbook with these sheets: the four input sheets when one
    is "Chấm điểm"; else every sheet but our outputs (the scores are under another name or
    in another layout: :mod:`thidua_xl.io.layouts` finds them)."""
    from .core.text import fold

    if any(fold(n) == "cham diem" for n in names):
        return [n for n in names if _wanted_sheet(n)]
    from .io.plan import OUTPUT_SHEETS

    outputs = {fold(n) for n in OUTPUT_SHEETS}
    return [n for n in names if fold(n) not in outputs]


def read_grid(path: str | os.PathLike, *, reader: str = "auto",
              meanwhile: "Callable[[], object] | None" = None) -> "Grid":
    """Read the input sheets of a workbook into a grid (the four input sheets; every sheet
    but the outputs when none is "Chấm điểm", see :func:`input_sheets`). ``meanwhile``:
    as :func:`thidua_xl.io.readers.read_grid`'s."""
    from .io.readers import read_grid as _read

    names: list[str] = []

    def wanted(name: str) -> bool:
        names.append(name)
        return _wanted_sheet(name)

    grid = _read(Path(path), reader=reader, only=wanted, meanwhile=meanwhile)
    if grid.find_sheet("Chấm điểm") is None and names:
        keep = set(input_sheets(names))
        grid = _read(Path(path), reader=reader, only=lambda n: n in keep)
    return grid


def analyze(grid: "Grid", file: str = "", *, last_year: str | os.PathLike | None = None
            ) -> tuple["Bloc | None", "BlocResult"]:
    """Parse and evaluate a grid; returns the parsed model too (for the writers).
    ``last_year``: last year's workbook (``score --nam-truoc``) for the units' classes."""
    from .core.engine import evaluate
    from .core.models import BlocResult
    from .io.layouts import detect
    from .io.parser import parse_grid

    layout = detect(grid)  # one step before parsing: which layout, which sheet(s)
    if layout is None:
        bloc, report = parse_grid(grid, file=file or grid.source)
    else:
        bloc, report = parse_grid(layout.grid, file=file or grid.source,
                                  score_sheet=layout.score_sheet, report=layout.report,
                                  units_sheet=layout.units_sheet)
    if bloc is None:
        from .core.grouping import group_findings

        result = BlocResult(file=file or grid.source, findings=group_findings(report.findings),
                            status="errors")
        result.bloc = Path(file).stem if file else ""
    else:
        if layout is not None:
            layout.prepare(bloc)
        if last_year is not None:  # score --nam-truoc: last year's classes, before deciding
            from .last_year import join_last_year

            join_last_year(bloc, last_year, report, check_path)
        result = evaluate(bloc, report)
        result.file = file or grid.source
    if layout is not None:
        layout.restore(bloc, result)
    if getattr(grid, "percent_formats_known", True) is False and grid.reader != "xlwings":
        # an .xls/.xlsb (io.foreign): calamine gives no number formats
        from .excel.read_xlwings import percent_format_warnings
        from .io.foreign import format_name

        result.findings.extend(percent_format_warnings(
            grid, bloc, file_format=format_name(file or grid.source)))
    return bloc, result


def analyze_grid(grid: "Grid", file: str = "") -> "BlocResult":
    """Grid → result (findings, totals, ranks, classifications, proposals, next head)."""
    return analyze(grid, file)[1]


def unreadable_result(path: str, err: ThiduaError) -> "BlocResult":
    from .core.findings import Finding, Severity
    from .core.models import BlocResult

    finding = Finding(severity=Severity.ERROR, code=err.code, message=err.message,
                      fix=getattr(err, "fix", ""), sheet=None, cell=None)
    from .core.text import display_path

    return BlocResult(file=display_path(path), bloc=display_path(Path(path).stem),
                      findings=[finding],
                      status="unreadable")


#: the modules ``check`` imports once the grid is read, and those ``score`` adds: their
#: bodies run on a second thread while calamine reads a large sheet (``meanwhile``)
AFTER_READ = ("thidua_xl.io.layouts", "thidua_xl.io.layouts.matrix", "thidua_xl.io.parser",
              "thidua_xl.core.engine", "thidua_xl.core.last_year")
AFTER_SCORE = AFTER_READ + ("thidua_xl.io.foreign", "thidua_xl.io.outputs",
                            "thidua_xl.core.audit", "thidua_xl.core.self_score",
                            "thidua_xl.io.analysis_sheets", "thidua_xl.io.writer",
                            "thidua_xl.io.package", "thidua_xl.io.render_xml")


def _importing(names: tuple[str, ...]) -> "Callable[[], None]":
    def run() -> None:
        import importlib

        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - imported again where used, and raised there
                return

    return run


def check_path(path: str | os.PathLike, *, reader: str = "auto",
               last_year: str | os.PathLike | None = None,
               after: tuple[str, ...] = AFTER_READ
               ) -> tuple["Bloc | None", "BlocResult"]:
    """Read and analyse one file; unreadable files give a result, not an exception.
    ``after``: the modules imported while a large sheet is read (:data:`AFTER_READ`)."""
    from .core.text import display_path

    shown = display_path(path)  # a file name that is not UTF-8 still prints and saves
    try:
        grid = read_grid(path, reader=reader, meanwhile=_importing(after))
    except UnreadableWorkbook as err:
        return None, unreadable_result(shown, err)
    bloc, result = analyze(grid, shown, last_year=last_year)
    if bloc is None and any(f.code == "missing-score-sheet" for f in result.findings):
        # only the input sheets were read: read them all to say which sheets the workbook
        # has and which came closest to a score table (the failure path only)
        from .io.readers import read_grid as _read

        try:
            bloc, result = analyze(_read(Path(path), reader=reader), shown)
        except UnreadableWorkbook:
            pass
    return bloc, result


def check_file(path: str | os.PathLike, *, reader: str = "auto") -> "BlocResult":
    """Validate one workbook and compute everything; writes nothing."""
    return check_path(path, reader=reader)[1]


def default_output(path: str | os.PathLike) -> Path:
    """``<stem>_ketqua.xlsx`` beside the input (``.xlsm`` for an ``.xlsm``; always ``.xlsx``
    for .xls/.xlsb/.ods)."""
    from .core.vocab import OUTPUT_SUFFIX

    p = Path(path)
    ext = ".xlsm" if p.suffix.lower() == ".xlsm" else ".xlsx"
    return p.with_name(f"{p.stem}{OUTPUT_SUFFIX}{ext}")


@record
class ScoreOutcome:
    """What :func:`score_file` did: the result, the workbook written (None when
    unreadable), the PDFs and why they were not made."""

    result: "BlocResult"
    out: Path | None = None
    pdfs: list[Path] = field(default_factory=list)
    pdf_error: str | None = None


def score_file(path: str | os.PathLike, out: str | os.PathLike | None = None, *,
               pdf: bool = False, reader: str = "auto",
               last_year: str | os.PathLike | None = None) -> ScoreOutcome:
    """Check, compute and write the output workbook (input + output sheets).
    ``last_year``: last year's workbook or ``_ketqua`` output (``--nam-truoc``).

    On content errors the output holds the input plus only the "Kiểm tra" sheet.
    Unreadable input: nothing is written. Raises :class:`~thidua_xl.errors.OutputError`
    when the output cannot be written, or would be the input itself (never overwritten).
    """
    bloc, result = check_path(path, reader=reader, last_year=last_year, after=AFTER_SCORE)
    if result.status == "unreadable":
        return ScoreOutcome(result)
    from .io.foreign import is_foreign
    from .io.outputs import build_plan
    from .io.writer import write_output

    src = Path(path)
    target = Path(out) if out is not None else default_output(src)
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        target = target.with_suffix(".xlsm" if src.suffix.lower() == ".xlsm" else ".xlsx")
    if is_foreign(src):  # .xls/.xlsb/.ods: the output is an .xlsx of the user's sheets
        from .io.foreign import scratch_dir, values_only_finding, xlsx_base

        with scratch_dir() as tmp:
            base = xlsx_base(src, tmp)
            if not base.converted:
                result.findings.append(values_only_finding(src, base.reason))
            plan = build_plan(result, bloc=bloc)  # after the warning above: Kiểm tra has it
            write_output(base.path, plan, target)
    else:
        plan = build_plan(result, bloc=bloc)
        write_output(src, plan, target)
    outcome = ScoreOutcome(result, target)
    if pdf and not result.has_errors:
        from .io.atomic import ensure_not_input, ensure_regular_target
        from .io.pdf import document_paths, export_documents
        from .io.plan import OUTPUT_DOCUMENTS

        try:
            # the Tờ trình, its annex and the minutes: one PDF each beside the workbook; none
            # may replace an input ("score book.pdf -o book.xlsx --pdf") or a non-file
            names = [n for n in OUTPUT_DOCUMENTS if plan.sheet(n) is not None]
            for pdf_path in document_paths(target, names):
                ensure_not_input(pdf_path, [src])
                ensure_regular_target(pdf_path)
            outcome.pdfs.extend(export_documents(plan, target))
        except ThiduaError as err:
            outcome.pdf_error = err.message
    return outcome


def example_workbooks() -> list[Path]:
    """The bundled example workbooks (package data, or the repository's workbooks/)."""
    here = Path(__file__).resolve().parent
    for folder in (here / "data" / "examples", here.parent / "workbooks" / "examples"):
        if folder.is_dir():
            files = sorted(p for p in folder.iterdir()
                           if p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith("~"))
            if files:
                return files
    return []
