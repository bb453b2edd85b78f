"""Many cells, one cause: findings with the same code, sheet and fix become one finding.

Fifteen formulas without a computed result are one thing for the clerk to do (open the
file in Excel and save it), so they are one finding — "15 ô công thức chưa có kết quả
tính: F12, F13, …" — that keeps the fifteen as its ``members`` (each at its own cell, with
its own message): the JSON lists every cell (``cells``), the "Kiểm tra" sheet a row per
cell. Findings are grouped only when they share the fix text as well as the code, so two
cells that need different fixes (another criterion's "Loại") stay apart, and only codes
whose one fix mends every cell are grouped: two scores above a maximum are two mistakes.
"""
from __future__ import annotations

from .catalogue import CATALOGUE
from .findings import Finding

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Iterable

#: how many cells a grouped message names before "…" (all are in ``cells``)
SHOWN_CELLS = 8


def groupable(code: str) -> bool:
    """Codes whose one fix mends every cell (their catalogue entry has a group message)."""
    entry = CATALOGUE.get(code)
    return bool(entry and entry.group)


def _head(code: str, members: list[Finding]) -> str:
    cells = [m.cell for m in members if m.cell]
    listed = ", ".join(cells[:SHOWN_CELLS]) + (", …" if len(cells) > SHOWN_CELLS else "")
    return CATALOGUE[code].group.format(n=len(members), sheet=members[0].sheet or "",
                                        cells=listed)


def _position(f: Finding) -> tuple[int, int]:
    """Sheet order of a cell: row, then column ("H3" before "I3" before "H5")."""
    cell = (f.cell or "").split(":")[0].replace("$", "")
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters):]
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return (int(digits) if digits else 0, col)


def group_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings with each set of same-cause findings (same severity, code, sheet and
    fix; two or more, with cells) replaced, at the place of its first, by one grouped
    finding."""
    items = list(findings)
    buckets: dict[tuple, list[Finding]] = {}
    for f in items:
        if groupable(f.code) and f.cell and not f.members:
            buckets.setdefault((f.severity, f.code, f.sheet, f.fix), []).append(f)
    out: list[Finding] = []
    done: set[tuple] = set()
    for f in items:
        key = (f.severity, f.code, f.sheet, f.fix)
        members = buckets.get(key) if groupable(f.code) and f.cell else None
        if not members or len(members) < 2:
            out.append(f)
            continue
        if key in done:
            continue
        done.add(key)
        members = sorted(members, key=_position)
        units = {m.unit for m in members}
        crits = {m.criterion for m in members}
        out.append(Finding(severity=f.severity, code=f.code, message=_head(f.code, members),
                           fix=f.fix, sheet=f.sheet, cell=members[0].cell,
                           unit=units.pop() if len(units) == 1 else None,
                           criterion=crits.pop() if len(crits) == 1 else None,
                           members=tuple(members)))
    return out


def expand(findings: Iterable[Finding]) -> list[Finding]:
    """Every single finding, grouped ones replaced by their members (for counting cells,
    or for a reader that wants one line a cell)."""
    out: list[Finding] = []
    for f in findings:
        out.extend(f.members or (f,))
    return out
