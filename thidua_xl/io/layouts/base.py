"""What every layout adapter shares: a synthetic "Chấm điểm" sheet in the matrix layout,
built cell by cell from the user's sheets, and the map that takes each of its cells back to
the user's own sheet and cell.

The parser and the engine read the synthetic sheet exactly as they read a matrix; then
:meth:`Synthetic.restore` rewrites every position they produced (findings, criteria, raw
cells, units) to the cell the user typed, so "findings name each unit's own sheet and cell".
"""
from __future__ import annotations

import re

from ...core.record import field, record, replace
from ...core.cells import UnitCells
from ...core.findings import Finding
from ..grid import SheetGrid, a1, parse_a1

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

if TYPE_CHECKING:  # pragma: no cover
    from ...core.models import Bloc, BlocResult

#: the synthetic sheet's name: never a real sheet's (the parser needs a name; no user sees it)
SYNTHETIC = "\u2060bảng ghép\u2060"

#: the left block of a synthetic matrix, in order: role -> header label
LEFT_LABELS = {"code": "Mã", "text": "Nội dung tiêu chí", "max": "Điểm tối đa", "type": "Loại",
               "weight": "Hệ số", "target": "Chỉ tiêu", "per_time": "Điểm mỗi lần"}

#: a synthetic "Đơn vị" sheet (the summary layout's unit attributes)
SYNTHETIC_UNITS = "\u2060đơn vị ghép\u2060"


@record
class Synthetic:
    """A synthetic sheet (the matrix, or a units list) and where its cells come from."""

    display: str  # how the user's sheets are named in messages ("Sở A", "Sở B")
    name: str = SYNTHETIC
    sheet: SheetGrid = field(init=False)
    #: synthetic (row, col) -> "Sheet!A1" of the user's cell
    origin: dict[tuple[int, int], str] = field(default_factory=dict)
    #: synthetic row -> the user's sheet for cells of that row not mapped one by one
    row_sheet: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sheet = SheetGrid(name=self.name)
        self._in_text = re.compile(re.escape(self.name) + r"!(\$?[A-Z]{1,3}\$?[0-9]+)")

    def put(self, r: int, c: int, value: Any, ref: str | None = None, *,
            src: SheetGrid | None = None, at: tuple[int, int] | None = None) -> None:
        """Place ``value`` at synthetic (r, c). ``src``/``at``: the user's cell it is (its
        percent format and uncached formula travel with it); ``ref`` names it otherwise."""
        if src is not None and at is not None:
            ref = src.ref(*at)
            if at in src.percent:
                self.sheet.percent.add((r, c))
            if at in src.uncached:
                self.sheet.uncached.add((r, c))
        if value is not None:
            self.sheet.values[(r, c)] = value
        if ref:
            self.origin[(r, c)] = ref

    def where(self, r: int, c: int, ref: str) -> None:
        """Name the user's cell of an empty synthetic position (a blank score cell)."""
        self.origin.setdefault((r, c), ref)

    # -- back to the user's cells ------------------------------------------------------
    def ref(self, ref: str | None) -> str | None:
        if not ref or not ref.startswith(self.name + "!"):
            return ref
        cell = ref.split("!", 1)[1].replace("$", "")
        rc = parse_a1(cell)
        got = self.origin.get(rc)
        if got:
            return got
        sheet = self.row_sheet.get(rc[0])
        return f"{sheet}!{cell}" if sheet else self.display.split(", ")[0]

    def text(self, s: str) -> str:
        if self.name not in s:
            return s
        s = self._in_text.sub(lambda m: self.ref(f"{self.name}!{m.group(1)}") or "", s)
        return s.replace(self.name, self.display)

    def finding(self, f: Finding) -> Finding:
        if f.sheet != self.name and self.name not in f.message + f.fix:
            return f
        sheet, cell = f.sheet, f.cell
        if sheet == self.name:
            ref = self.ref(f"{self.name}!{cell}") if cell else None
            if ref and "!" in ref:
                sheet, cell = ref.rsplit("!", 1)
            else:
                sheet, cell = (ref or self.display.split(", ")[0]), None
        return replace(f, sheet=sheet, cell=cell, message=self.text(f.message),
                       fix=self.text(f.fix))

    def restore(self, bloc: "Bloc | None", result: "BlocResult") -> None:
        """Rewrite every synthetic position of ``bloc`` and ``result`` to the user's cell."""
        result.findings = [self.finding(f) for f in result.findings]
        if bloc is None:
            return
        for c in bloc.criteria:
            c.ref, c.max_ref = self.ref(c.ref), self.ref(c.max_ref)
            c.target_ref, c.per_time_ref = self.ref(c.target_ref), self.ref(c.per_time_ref)
            if c.text == self.name:
                c.text = self.display
        tables = {}  # the units' shared tables: rewritten once each
        for cells in [*bloc.scores.values(), bloc.stated_totals]:  # path/unit -> RawCell
            if isinstance(cells, UnitCells):  # (its cells are made when asked for)
                tables[id(cells.table)] = cells.table
                cells.rewrite_made(self.ref)
            else:
                for cell in cells.values():
                    cell.ref = self.ref(cell.ref)
        for table in tables.values():
            table.rewrite_refs(self.ref)
        for u in bloc.units:
            u.ref, u.column_ref = self.ref(u.ref), self.ref(u.column_ref)
        if bloc.score_sheet == self.name:
            bloc.score_sheet = self.display.split(", ")[0]
        result.sections = [(p, self.display if t == self.name else t)
                           for p, t in result.sections]


def header_row(syn: Synthetic, roles: list[str], groups: list[tuple[str, str | None,
               list[str]]]) -> tuple[dict[str, int], list[dict[str, int]]]:
    """Write the two header rows of a synthetic matrix: the left block's labels (row 1,
    ``roles`` in order) and one group per unit — (name, the user's cell naming it, its
    sub-labels): the name in row 1, the sub-labels in row 2 ("" = a single column).
    Returns the left block's columns and, per group, sub-label -> column."""
    cols: dict[str, int] = {}
    c = 1
    for role in roles:
        syn.put(1, c, LEFT_LABELS[role])
        cols[role] = c
        c += 1
    out: list[dict[str, int]] = []
    for name, ref, subs in groups:
        syn.put(1, c, name, ref)
        g: dict[str, int] = {}
        for sub in subs:
            if sub:
                syn.put(2, c, sub)
            g[sub] = c
            c += 1
        out.append(g)
    return cols, out


def a1_of(ref: str) -> tuple[str, int, int]:
    sheet, cell = ref.rsplit("!", 1)
    r, c = parse_a1(cell)
    return sheet, r, c


__all__ = ["SYNTHETIC", "SYNTHETIC_UNITS", "Synthetic", "a1", "a1_of", "header_row", "LEFT_LABELS"]
