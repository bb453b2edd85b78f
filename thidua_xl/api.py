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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ThiduaError, UnreadableWorkbook

if TYPE_CHECKING:  # pragma: no cover
    from .core.models import Bloc, BlocResult
    from .io.grid import Grid

def _wanted_sheet(name: str) -> bool:
    """The sheets the parser reads; the readers skip every other sheet."""
    from .core.text import fold
    from .core.vocab import INPUT_SHEETS

    return fold(name) in INPUT_SHEETS


def read_grid(path: str | os.PathLike, *, reader: str = "auto") -> "Grid":
    """Read the input sheets of a workbook into a grid (only the four input sheets)."""
    from .io.readers import read_grid as _read

    return _read(Path(path), reader=reader, only=_wanted_sheet)


def analyze(grid: "Grid", file: str = "") -> tuple["Bloc | None", "BlocResult"]:
    """Parse and evaluate a grid; returns the parsed model too (for the writers)."""
    from .core.engine import evaluate
    from .core.models import BlocResult
    from .io.parser import parse_grid

    bloc, report = parse_grid(grid, file=file or grid.source)
    if bloc is None:
        result = BlocResult(file=file or grid.source, findings=report.findings, status="errors")
        result.bloc = Path(file).stem if file else ""
        return None, result
    result = evaluate(bloc, report)
    result.file = file or grid.source
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


def check_path(path: str | os.PathLike, *, reader: str = "auto"
               ) -> tuple["Bloc | None", "BlocResult"]:
    """Read and analyse one file; unreadable files give a result, not an exception."""
    from .core.text import display_path

    shown = display_path(path)  # a file name that is not UTF-8 still prints and saves
    try:
        grid = read_grid(path, reader=reader)
    except UnreadableWorkbook as err:
        return None, unreadable_result(shown, err)
    return analyze(grid, shown)


def check_file(path: str | os.PathLike, *, reader: str = "auto") -> "BlocResult":
    """Validate one workbook and compute everything; writes nothing."""
    return check_path(path, reader=reader)[1]


def default_output(path: str | os.PathLike) -> Path:
    """``<stem>_ketqua.xlsx`` beside the input (``.xlsm`` for an ``.xlsm``)."""
    from .core.vocab import OUTPUT_SUFFIX

    p = Path(path)
    ext = ".xlsm" if p.suffix.lower() == ".xlsm" else ".xlsx"
    return p.with_name(f"{p.stem}{OUTPUT_SUFFIX}{ext}")


@dataclass
class ScoreOutcome:
    result: "BlocResult"
    out: Path | None = None
    pdfs: list[Path] = field(default_factory=list)
    pdf_error: str | None = None


def score_file(path: str | os.PathLike, out: str | os.PathLike | None = None, *,
               pdf: bool = False, reader: str = "auto") -> ScoreOutcome:
    """Check, compute and write the output workbook (input + output sheets).

    On content errors the output holds the input plus only the "Kiểm tra" sheet.
    Unreadable input: nothing is written. Raises :class:`~thidua_xl.errors.OutputError`
    when the output cannot be written, or would be the input itself (never overwritten).
    """
    bloc, result = check_path(path, reader=reader)
    if result.status == "unreadable":
        return ScoreOutcome(result)
    from .io.outputs import build_plan
    from .io.writer import write_output

    src = Path(path)
    target = Path(out) if out is not None else default_output(src)
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        target = target.with_suffix(".xlsm" if src.suffix.lower() == ".xlsm" else ".xlsx")
    plan = build_plan(result, bloc=bloc)
    write_output(src, plan, target)
    outcome = ScoreOutcome(result, target)
    if pdf and not result.has_errors:
        from .io.pdf import export_pdf
        from .io.plan import OUTPUT_MINUTES, OUTPUT_PROPOSALS

        from .io.atomic import ensure_not_input, ensure_regular_target

        try:
            pdf_path = target.with_suffix(".pdf")
            ensure_not_input(pdf_path, [src])  # "score book.pdf -o book.xlsx --pdf"
            ensure_regular_target(pdf_path)
            export_pdf(target, pdf_path, sheets=[OUTPUT_PROPOSALS, OUTPUT_MINUTES])
            outcome.pdfs.append(pdf_path)
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
