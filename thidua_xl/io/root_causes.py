"""The parser's root-cause rules (issue #12): report the mistake once, at its cell, and keep
reading so that nothing follows from it.

- :class:`CodeRows` — criterion codes row by row: a code typed twice is one error naming
  both cells (with the next code as the likely fix) and the row is still read; a row whose
  code cannot be placed marks its section, whose sums are then not compared;
- :func:`join_units` — the unit groups of "Chấm điểm" joined with the list of "Đơn vị": a
  header near the one listed unit left without scores is that unit (one error, its scores
  read), so no "no scores" follows from a typo; one stray header and one unit without
  scores are one finding naming both.
"""
from __future__ import annotations

from ..core.findings import Report
from ..core.hierarchy import HierarchyBuilder, Node, next_code
from ..core.suggest import nearest
from ..core.text import unit_key

TYPE_CHECKING = False  # typing itself is not imported at run time

if TYPE_CHECKING:  # pragma: no cover
    from ..core.models import Bloc, Unit


def cell_of(ref: str) -> str:
    """``"Chấm điểm!A5"`` → ``"A5"``."""
    return ref.rsplit("!", 1)[-1]


class CodeRows:
    """A :class:`HierarchyBuilder` that reports its problems the root-cause way."""

    def __init__(self, builder: HierarchyBuilder, bloc: "Bloc", report: Report) -> None:
        self.builder = builder
        self.bloc = bloc
        self.report = report
        self._last_child: dict[str | None, str] = {}  # parent path -> its last child's code
        self._first_ref: dict[str, str] = {}  # path -> its code cell

    def add(self, code_raw: object, code: str, ref: str) -> Node | None:
        """The node of the row whose code cell is ``ref`` (None: the row cannot be placed,
        reported)."""
        node, problem = self.builder.add(code_raw)
        if problem == "duplicate-code" and node is not None:
            self._duplicate(node, code, ref)
        elif problem:
            self.report.emit(problem, code_=code, parent=code.rsplit(".", 1)[0], ref=ref)
            b = self.builder
            self.bloc.incomplete_sections.add(b.section.path if b.section else b.implicit)
            return None
        self._last_child[node.parent] = node.code
        self._first_ref.setdefault(node.path, ref)
        return node

    def _duplicate(self, node: Node, code: str, ref: str) -> None:
        first = self.builder.first(node.path).path
        after = self._last_child.get(node.parent)
        proposal = next_code(after) if after else None
        if proposal and self._sibling_path(node, proposal) in self.builder.by_path:
            proposal = None
        self.report.emit("duplicate-code", variant="next" if proposal else "", code_=code,
                         first=cell_of(self._first_ref[first]), first_path=first,
                         at=cell_of(ref), proposal=proposal, ref=ref, criterion=first)

    def _sibling_path(self, node: Node, code: str) -> str:
        """The path a sibling of ``node`` coded ``code`` would have."""
        if node.level == 1:
            return code
        if node.kind in ("number", "dotted"):
            return code if node.section == self.builder.implicit else f"{node.section}.{code}"
        return f"{node.parent}.{code}"


def join_units(by_key: dict, units: list["Unit"], sheet: str, hr: int, report: Report) -> None:
    """Join the unit groups (``by_key``: key -> group, re-keyed in place) with the listed
    ``units``, naming each name that does not match once."""
    listed_keys = {u.key for u in units}
    orphans = {u.key: u for u in units if u.key not in by_key}
    strays = []  # groups whose name is in no list and near no listed name
    for g in list(by_key.values()):
        if g.key in listed_keys:
            continue
        near = nearest(g.name, [u.name for u in orphans.values()])
        if near is not None:
            u = orphans.pop(unit_key(near))
            del by_key[g.key]
            g.key = u.key
            by_key[u.key] = g
            report.emit("unit-not-in-list", variant="near", name=g.name, sheet_name=sheet,
                        near=u.name, near_ref=u.ref, at=cell_of(g.header_ref),
                        ref=g.header_ref, unit=u.name)
            continue
        strays.append(g)
    if len(strays) == 1 and len(orphans) == 1:
        # one header not in the list and one listed unit without scores: most likely one
        # unit under two names — one finding for both cells (its scores are not guessed)
        g, u = strays[0], next(iter(orphans.values()))
        orphans.clear()
        report.emit("unit-not-in-list", variant="pair", name=g.name, header_ref=g.header_ref,
                    other=u.name, other_ref=u.ref, ref=g.header_ref)
    else:
        for g in strays:
            report.emit("unit-not-in-list", name=g.name, header_ref=g.header_ref,
                        ref=g.header_ref)
    for u in orphans.values():
        report.emit("unit-without-scores", unit_name=u.name, u_ref=u.ref, name=sheet,
                    hr=hr, ref=u.ref, unit=u.name)
