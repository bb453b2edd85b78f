"""Layout detection: ONE step before parsing that says how a workbook keeps its scores.

bloc-workbook.md (v2) accepts three layouts:

- ``"matrix"`` — one scoring table, criteria as rows and a column group per unit: the sheet
  "Chấm điểm", or, when no sheet has that name, the first sheet whose header has the left
  block's labels and at least one unit group (a warning names it);
- ``"per-unit-sheets"`` — two or more sheets in the self-score form, one per unit
  (:mod:`.per_unit`);
- ``"summary"`` — a "Bảng tổng hợp" of units as rows and section totals as columns
  (:mod:`.summary`).

The other two layouts are *adapters*: they build a synthetic matrix sheet from the user's
sheets (:mod:`.base`), the one parser and engine read it, and every position is then taken
back to the user's own sheet and cell. :func:`candidates` says, per layout, what a workbook
has and what it lacks (for the message of a workbook in none of them).
"""
from __future__ import annotations

from ...core.record import field, record
from ...core.findings import Report
from ...core.text import fold
from ..grid import Grid, SheetGrid

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Callable

if TYPE_CHECKING:  # pragma: no cover
    from ...core.models import Bloc, BlocResult
    from .base import Synthetic

LAYOUTS = ("matrix", "per-unit-sheets", "summary")

@record
class Candidate:
    """What one layout found in a workbook, and what it lacks to be read that way."""

    layout: str
    sheets: list[str] = field(default_factory=list)  # the sheets it would read
    found: list[str] = field(default_factory=list)  # Vietnamese: what is there
    lacks: list[str] = field(default_factory=list)  # Vietnamese: what is missing
    closeness: int = 0  # how much of the layout is there (to name the closest)

    @property
    def usable(self) -> bool:
        return bool(self.sheets) and not self.lacks


@record
class Layout:
    """The layout of a workbook and what the parser is to read."""

    layout: str
    score_sheets: list[str]  # the user's sheets the scores come from
    grid: Grid  # the grid to parse
    score_sheet: SheetGrid  # the sheet read as "Chấm điểm"
    report: Report = field(default_factory=Report)  # the detection's own findings
    synthetic: "Synthetic | None" = None
    #: adapter's last word after the engine (e.g. the summary's notes)
    finish: "Callable[[Bloc | None, BlocResult], None] | None" = None
    #: a synthetic "Đơn vị" sheet to read instead of the workbook's (summary layout)
    units: "Synthetic | None" = None
    #: what the engine cannot check in this layout: False = only section totals are known
    per_criterion: bool = True

    @property
    def units_sheet(self) -> SheetGrid | None:
        return self.units.sheet if self.units is not None else None

    def prepare(self, bloc: "Bloc") -> None:
        """Before the engine: what the layout tells the engine about the model."""
        bloc.per_criterion = self.per_criterion

    @property
    def score_sheet_json(self) -> str | list[str]:
        """``score_sheet`` of the JSON: one name, or the list of the units' sheets."""
        if self.layout == "per-unit-sheets":
            return list(self.score_sheets)
        return self.score_sheets[0]

    def restore(self, bloc: "Bloc | None", result: "BlocResult") -> None:
        """Positions back to the user's cells, the adapter's notes, the JSON's fields."""
        for syn in (self.synthetic, self.units):
            if syn is not None:
                syn.restore(bloc, result)
        if self.finish is not None:
            self.finish(bloc, result)
        result.layout = self.layout
        result.score_sheet = self.score_sheet_json


def score_candidates(grid: Grid) -> list[SheetGrid]:
    """The sheets that may hold scores, in workbook order."""
    from ...core.vocab import NOT_SCORE_SHEETS

    skip = {fold(x) for x in NOT_SCORE_SHEETS}
    return [s for s in grid.sheets if fold(s.name) not in skip]


def candidates(grid: Grid) -> list[Candidate]:
    """Per layout (in :data:`LAYOUTS` order), what the workbook has and lacks."""
    from . import matrix, per_unit, summary

    return [matrix.candidate(grid), per_unit.candidate(grid), summary.candidate(grid)]


def closest(grid: Grid) -> Candidate | None:
    """The layout that came closest (for a workbook that is in none), or None."""
    best = max(candidates(grid), key=lambda c: c.closeness)
    return best if best.closeness > 0 else None


def detect(grid: Grid) -> Layout | None:
    """The workbook's layout, ready to parse; None when it is in none of them (the parser
    then reports the missing scoring sheet)."""
    from . import matrix

    layout = matrix.build(grid)
    if layout is not None:  # most books: the other two adapters are not even imported
        return layout
    from . import per_unit, summary

    for build in (per_unit.build, summary.build):
        layout = build(grid)
        if layout is not None:
            return layout
    return None


__all__ = ["LAYOUTS", "Candidate", "Layout", "candidates", "closest", "detect",
           "score_candidates"]
