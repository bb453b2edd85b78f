"""Caps of Điểm thưởng / Điểm trừ groups (shared/spec/domain.md "Bonus and penalty caps").

A Điểm thưởng or Điểm trừ section (or any parent row inside one) whose max is given caps the
sum of its children: a bonus section "tối đa 3 điểm" with two 2-point items both earned
counts 3, and the unit's notes say "đã áp mức tối đa 3 điểm". A child above its own max is
still an error (the cell check), so only parents cap.

Pure: works on the engine's criteria tree (anything with ``criteria``, ``children`` and
``types`` as :class:`thidua_xl.core.engine.Tree` has them).
"""
from __future__ import annotations

from .record import field, record
from .models import Criterion, CriterionType
from .scoring import EPS, vn_number
from .vocab import REASON_CAP

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Mapping, Protocol, Sequence

    class _Tree(Protocol):  # pragma: no cover - a typing aid
        criteria: list[Criterion]
        children: dict[str, list[Criterion]]
        types: dict[str, CriterionType]

_BONUS_PENALTY = (CriterionType.BONUS, CriterionType.PENALTY)


@record
class Capped:
    """Bonus and penalty totals after the groups' caps, with a note per capped group."""

    bonus: float = 0.0
    penalty: float = 0.0
    #: "Điểm thưởng IV (…): 4 điểm, đã áp mức tối đa 3 điểm", one per capped group
    notes: list[str] = field(default_factory=list)


def cap_note(c: Criterion, kind: CriterionType, raw: float) -> str:
    text = c.text.strip()
    if len(text) > 50:
        text = text[:47].rstrip() + "…"
    label = f"{c.path} ({text})" if text else c.path
    return REASON_CAP.format(kind=kind.value, label=label, raw=vn_number(raw),
                             max=vn_number(c.max))


def capped_totals(tree: _Tree, leaf_scores: Mapping[str, float]) -> Capped:
    """Bonus and penalty of one unit from its leaf scores, each group capped at its max."""
    out = Capped()
    types = tree.types

    def value(c: Criterion, kind: CriterionType) -> float:
        kids = [ch for ch in tree.children.get(c.path, ()) if types[ch.path] is kind]
        if not kids:
            return float(leaf_scores.get(c.path, 0.0)) if c.is_leaf else 0.0
        raw = sum(value(ch, kind) for ch in kids)
        if c.max is not None and raw > c.max + EPS:
            out.notes.append(cap_note(c, kind, raw))
            return float(c.max)
        return raw

    for c in tree.criteria:
        kind = types[c.path]
        if kind not in _BONUS_PENALTY:
            continue
        parent_kind = types.get(c.parent) if c.parent is not None else None
        if parent_kind is kind:
            continue  # counted inside its group
        v = value(c, kind)
        if kind is CriterionType.BONUS:
            out.bonus += v
        else:
            out.penalty += v
    return out


def has_caps(tree: _Tree) -> bool:
    """Whether any bonus/penalty parent has a max (the usual sheet has none: fast path)."""
    return any(c.max is not None and tree.types[c.path] in _BONUS_PENALTY
               and tree.children.get(c.path) for c in tree.criteria)


__all__: Sequence[str] = ("Capped", "capped_totals", "has_caps", "cap_note")
