"""The matrix layout: the sheet "Chấm điểm", or the scoring table under any name.

A sheet is a matrix when, within its first rows, a header has the left block's labels
(Mã, Nội dung tiêu chí, Điểm tối đa) and, right of them, at least one unit's name (not a
sub-label such as "Tự chấm": a sheet of sub-labels only is one unit's form, see
:mod:`.per_unit`).
"""
from __future__ import annotations

from ...core.record import field, record
from ...core.findings import Report
from ...core.text import clean, fold
from ...core.values import is_blank
from ..grid import Grid, SheetGrid

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any


@record
class Header:
    """The scoring table's header found in one sheet."""

    sheet: Any  # io.sheet_index._Sheet
    row: int  # the row of the left block's labels
    cols: dict[str, int]  # left block role -> column
    left_end: int
    unit_row: int  # the row of the unit names (below a super-header)
    units: list[tuple[int, str]] = field(default_factory=list)  # (column, name)
    subs: dict[str, int] = field(default_factory=dict)  # sub-label role -> column
    sub_row: int | None = None  # the row of the sub-labels


def table_header(sg: SheetGrid) -> Header | None:
    """The scoring table's header of ``sg`` (the parser's own rules), or None."""
    from ...core import vocab as V
    from ..parse_scores import unit_names_row
    from ..sheet_index import _find_header, _Sheet

    sh = _Sheet(sg)
    found = _find_header(sh, V.SCORE_COLUMNS, V.REQUIRED_SCORE_COLUMNS)
    if found is None:
        return None
    hr, cols = found
    left_end = max(cols.values())
    ur = unit_names_row(sh, hr, left_end)
    h = Header(sh, hr, cols, left_end, ur)
    sub_folds = {role: V.folded(labels) for role, labels in V.SUB_LABELS.items()}
    sub_folds[V.SUB_SELF] |= V.folded(V.SELF_SCORE_COLUMNS["self"])  # "Đơn vị tự chấm"
    non_unit = V.folded(V.NON_UNIT_HEADERS) | V.folded(V.SCORE_GROUP_TITLES)
    for r in (ur, ur + 1):
        for c in sh.row_cols(r):
            if c <= left_end:
                continue
            f = fold(sh.get(r, c))
            role = next((k for k, fs in sub_folds.items() if f in fs), None)
            if role is not None:
                h.subs.setdefault(role, c)
                h.sub_row = h.sub_row or r
            elif r == ur and f and f not in non_unit and not is_blank(sh.get(r, c)):
                h.units.append((c, clean(sh.get(r, c))))
    return h


def _named_matrix(grid: Grid) -> SheetGrid | None:
    from ...core.vocab import SHEET_SCORES

    return grid.find_sheet(*SHEET_SCORES)


def candidate(grid: Grid):
    from . import Candidate, score_candidates

    named = _named_matrix(grid)
    if named is not None:
        return Candidate("matrix", [named.name], [f"sheet \"{named.name}\""], [], 100)
    best = Candidate("matrix")
    for sg in score_candidates(grid):
        h = table_header(sg)
        if h is None:
            continue
        if h.units:
            return Candidate("matrix", [sg.name],
                             [f"sheet \"{sg.name}\" có bảng chấm điểm và {len(h.units)} nhóm "
                              "cột đơn vị"], [], 90)
        if best.closeness < 40:
            best = Candidate("matrix", [], [f"sheet \"{sg.name}\" có các cột Mã, Nội dung tiêu "
                                            "chí, Điểm tối đa"],
                             [f"sheet \"{sg.name}\" không có cột điểm của các đơn vị bên phải "
                              "các cột tiêu chí"], 40)
    if not best.lacks:
        best.lacks.append("không sheet nào có hàng tiêu đề Mã | Nội dung tiêu chí | Điểm tối "
                          "đa")
    return best


def build(grid: Grid):
    """The matrix layout of ``grid``, or None."""
    from . import Layout, score_candidates

    named = _named_matrix(grid)
    if named is not None:
        return Layout("matrix", [named.name], grid, named)
    for sg in score_candidates(grid):
        h = table_header(sg)
        if h is None or not h.units:
            continue
        report = Report()
        report.emit("score-sheet-found", name=sg.name, row=h.row, units=len(h.units),
                    sheet=sg.name)
        return Layout("matrix", [sg.name], grid, sg, report)
    return None
