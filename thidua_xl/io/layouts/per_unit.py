"""One sheet per unit ("Phiếu chấm điểm" sheets in one workbook), bloc-workbook.md v2.

Two or more sheets in the self-score form: the table Mã | Nội dung tiêu chí | Điểm tối đa |
Tự chấm (| Khối chấm | Thống nhất | Giải trình), the unit named on a row "Đơn vị", in the
title ("… của <unit>") or by the sheet's name. They are read as if they were the unit column
groups of one "Chấm điểm" sheet: the first sheet's table is the reference, and a criterion
missing from or added in another sheet, or with another maximum, is an error naming both
cells. Every finding names the unit's own sheet and cell (:mod:`.base`).
"""
from __future__ import annotations

from ...core.record import field, record
from ...core.findings import Report
from ...core.hierarchy import HierarchyBuilder, has_roman, normalize_code
from ...core.text import clean
from ...core.values import is_blank, parse_number
from ..grid import Grid, SheetGrid
from .base import Synthetic, header_row
from .matrix import Header, table_header

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

#: the left block's roles a synthetic matrix carries over, in order
_ROLES = ("code", "text", "max", "type", "weight", "target", "per_time")


@record
class UnitSheet:
    """One unit's sheet: its table, the rows by criterion path, the unit's name."""

    sg: SheetGrid
    head: Header
    name: str
    name_ref: str  # the cell that names the unit (or the sheet's A1 when its name does)
    subs: list[str]  # the score sub-labels it has, in matrix order
    first_row: int
    rows: list[tuple[int, str | None]] = field(default_factory=list)  # (row, path or None)
    by_path: dict[str, int] = field(default_factory=dict)
    totals_row: int | None = None

    def cell(self, r: int, role: str) -> Any:
        c = self.head.cols.get(role)
        return self.sg.get(r, c) if c else None

    def ref(self, r: int, role: str) -> str:
        return self.sg.ref(r, self.head.cols[role])


def _is_form(h: Header | None) -> bool:
    from ...core.vocab import SUB_AGREED, SUB_BLOC, SUB_SELF

    return h is not None and not h.units and any(
        k in h.subs for k in (SUB_SELF, SUB_BLOC, SUB_AGREED))


def _unit_sheet(sg: SheetGrid, h: Header) -> UnitSheet:
    from ...core.vocab import SUB_AGREED, SUB_BLOC, SUB_SELF, is_total_label
    from ...merge import _unit_name

    name, ref = _unit_name(sg, h.row)
    if not name:
        name, ref = clean(sg.name), sg.ref(1, 1)
    subs = [s for s in (SUB_SELF, SUB_BLOC, SUB_AGREED) if s in h.subs]
    first = (h.sub_row or h.unit_row) + 1
    for c in h.cols.values():  # left-block labels merged down push the data further
        span = h.sheet.span(h.row, c)
        if span:
            first = max(first, span[2] + 1)
    us = UnitSheet(sg, h, name, ref, subs, first)
    rows = sorted(r for r in h.sheet.rows if r >= first)  # rows with values only
    codes = [normalize_code(us.cell(r, "code")) for r in rows]
    builder = HierarchyBuilder(sg.name, letters=not has_roman(codes))
    for r, code in zip(rows, codes):
        if not code:
            text = clean(us.cell(r, "text"))
            if text and is_total_label(text) and us.totals_row is None:
                us.totals_row = r
            us.rows.append((r, None))
            continue
        if is_total_label(code) and not clean(us.cell(r, "text")):
            us.totals_row = us.totals_row or r
            us.rows.append((r, None))
            continue
        node, problem = builder.add(code)
        path = node.path if node is not None else None
        if path is not None and path not in us.by_path:
            us.by_path[path] = r
        us.rows.append((r, path))
    return us


def _forms(grid: Grid) -> list[UnitSheet]:
    from . import score_candidates

    out = []
    for sg in score_candidates(grid):
        h = table_header(sg)
        if _is_form(h):
            out.append(_unit_sheet(sg, h))
    return out


def candidate(grid: Grid):
    from . import Candidate

    forms = _forms(grid)
    names = [f.sg.name for f in forms]
    if len(forms) >= 2:
        return Candidate("per-unit-sheets", names,
                         [f"{len(forms)} sheet phiếu chấm điểm (mỗi đơn vị một sheet)"], [], 80)
    if forms:
        return Candidate("per-unit-sheets", [],
                         [f"sheet \"{names[0]}\" là phiếu chấm điểm của một đơn vị"],
                         ["cần từ hai sheet phiếu chấm điểm trở lên (mỗi đơn vị một sheet)"], 30)
    return Candidate("per-unit-sheets", [], [],
                     ["không sheet nào có bảng Mã | Nội dung tiêu chí | Điểm tối đa | Tự chấm"])


def build(grid: Grid):
    """The per-unit-sheets layout of ``grid`` (a synthetic matrix), or None."""
    from . import Layout

    forms = _forms(grid)
    if len(forms) < 2:
        return None
    report = Report()
    syn = Synthetic(display=", ".join(f.sg.name for f in forms))
    ref_sheet = forms[0]
    roles = [r for r in _ROLES if r in ref_sheet.head.cols]
    _, groups = header_row(syn, roles, [(f.name, f.name_ref, f.subs) for f in forms])
    _check_agreement(forms, report)
    row = 3
    for r, path in ref_sheet.rows:
        syn.row_sheet[row] = ref_sheet.sg.name
        for j, role in enumerate(roles, 1):
            syn.put(row, j, ref_sheet.cell(r, role), src=ref_sheet.sg,
                    at=(r, ref_sheet.head.cols[role]))
        is_totals = path is None and r == ref_sheet.totals_row
        for f, cols in zip(forms, groups):
            fr = f.by_path.get(path) if path is not None else (
                f.totals_row if is_totals else (r if f is ref_sheet else None))
            if fr is None:
                for c in cols.values():
                    syn.where(row, c, f.sg.ref(f.head.row, f.head.cols["code"]))
                continue
            for sub, c in cols.items():
                at = (fr, f.head.subs[sub])
                syn.put(row, c, f.sg.get(*at), src=f.sg, at=at)
        row += 1
    grid2 = Grid(sheets=[syn.sheet] + list(grid.sheets), source=grid.source,
                 reader=grid.reader)
    own = report.findings

    def finish(bloc, result) -> None:
        # a criterion missing from a sheet is one error: not also a blank score there
        where = {(f.sheet, f.cell) for f in own}
        result.findings = [f for f in result.findings
                           if f in own or (f.sheet, f.cell) not in where]

    return Layout("per-unit-sheets", [f.sg.name for f in forms], grid2, syn.sheet, report,
                  syn, finish)


def _check_agreement(forms: list[UnitSheet], report: Report) -> None:
    """Every sheet has the reference's criteria, no others, with the same maxima."""
    from ...core.values import vn_number

    ref = forms[0]
    for f in forms[1:]:
        for path, r in ref.by_path.items():
            fr = f.by_path.get(path)
            code = clean(ref.cell(r, "code"))
            if fr is None:
                report.emit("unit-sheet-criterion-missing", name=f.sg.name, unit_=f.name,
                            code_=code, text=clean(ref.cell(r, "text")),
                            first=ref.ref(r, "code"), reference=ref.sg.name,
                            ref=f.sg.ref(f.head.row, f.head.cols["code"]))
                continue
            a, b = _max(ref, r), _max(f, fr)
            if a is not None and b is not None and a != b:
                report.emit("unit-sheet-max-differs", code_=code, name=f.sg.name,
                            max=vn_number(b), reference=ref.sg.name, first_max=vn_number(a),
                            first=ref.ref(r, "max"), ref=f.ref(fr, "max"))
        for path, fr in f.by_path.items():
            if path not in ref.by_path:
                report.emit("unit-sheet-criterion-extra", code_=clean(f.cell(fr, "code")),
                            text=clean(f.cell(fr, "text")), name=f.sg.name,
                            reference=ref.sg.name, first=ref.ref(ref.head.row, "code"),
                            ref=f.ref(fr, "code"))


def _max(us: UnitSheet, r: int) -> float | None:
    raw = us.cell(r, "max")
    if is_blank(raw):
        return None
    return parse_number(raw).value
