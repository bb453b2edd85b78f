"""Ranking: competition ranks (1, 2, 2, 4) and the tie-break list of the "Quy định" sheet.

Spec: shared/spec/domain.md "Ranking". Units are ranked by total, highest first; equal
totals are separated by the tie-break keys in order (default: fewer Điểm trừ, then each
scored section's subtotal in section order, higher first); units still equal share a rank
and are marked "Đồng hạng".
"""
from __future__ import annotations

from .record import record
from .models import UnitResult
from .text import fold
from .values import round_half_up

from .vocab import (REASON_ABOVE, REASON_BELOW, TIE_NOTE, TIEBREAK_BONUS_WORDS, TIEBREAK_PENALTY,
                    TIEBREAK_PENALTY_WORDS, TIEBREAK_SECTION_PREFIXES, TIEBREAK_WHY)

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Sequence

_PENALTY_LABELS = {fold(s) for s in TIEBREAK_PENALTY_WORDS}
_BONUS_LABELS = {fold(s) for s in TIEBREAK_BONUS_WORDS}
_SECTION_PREFIXES = tuple(fold(s) + " " for s in TIEBREAK_SECTION_PREFIXES)


@record(frozen=True)
class TieKey:
    """One tie-break key: ``kind`` "penalty" (fewer is better), "bonus" or "section"."""

    kind: str
    section: str = ""  # section path for kind "section"
    label: str = ""  # as written

    def value(self, unit: UnitResult) -> float:
        """The unit's value for this key, oriented so that higher is better."""
        if self.kind == "penalty":
            return -round_half_up(unit.penalty or 0.0, 2)
        if self.kind == "bonus":
            return round_half_up(unit.bonus or 0.0, 2)
        return round_half_up(unit.sections.get(self.section, 0.0), 2)


def _rounded(v: float | None) -> float | None:
    return None if v is None else round_half_up(float(v), 2)


def competition_ranks(keys: Sequence[Any], *, descending: bool = True) -> list[int | None]:
    """Competition ranks of comparable keys (tuples allowed); ``None`` keys stay ``None``.

    Rank = 1 + the number of keys strictly better. Equal keys share a rank (1, 2, 2, 4).
    """
    from bisect import bisect_left, bisect_right

    present = sorted(k for k in keys if k is not None)
    n = len(present)
    ranks: list[int | None] = []
    for k in keys:
        if k is None:
            ranks.append(None)
            continue
        # keys strictly better than k, counted in the sorted list: O(n log n) in all
        better = n - bisect_right(present, k) if descending else bisect_left(present, k)
        ranks.append(better + 1)
    return ranks


def shared_ranks(values: list[float | None], descending: bool = True) -> list[int | None]:
    """Ranks of ``values`` with ties shared (1, 2, 2, 4) — the worksheet function TD_XEPHANG.

    Values are rounded half-up to 2 decimals before comparing (as totals are). ``None``
    (a blank or non-numeric cell) has no rank. ``descending=True``: the highest is 1.
    """
    return competition_ranks([_rounded(v) for v in values], descending=descending)


def resolve_tiebreak(
    tiebreak: Sequence[str] | None,
    sections: Sequence[tuple[str, str]],
) -> tuple[list[TieKey], list[str]]:
    """The tie-break keys for a bloc: ``(keys, labels not understood)``.

    ``tiebreak=None`` is the default: Điểm trừ (fewer better), then every scored section in
    order. A label is "Điểm trừ" (variants), "Điểm thưởng" (variants) or a section named by
    its path ("I", "II"), its code or its title, compared with :func:`fold`
    ("Mục II" and "Phần II" are accepted too).
    """
    if tiebreak is None:
        keys = [TieKey("penalty", label=TIEBREAK_PENALTY)]
        keys += [TieKey("section", section=path, label=path) for path, _ in sections]
        return keys, []
    keys: list[TieKey] = []
    unknown: list[str] = []
    for label in tiebreak:
        f = fold(label)
        if not f:
            continue
        key: TieKey | None = None
        if f in _PENALTY_LABELS:
            key = TieKey("penalty", label=str(label))
        elif f in _BONUS_LABELS:
            key = TieKey("bonus", label=str(label))
        else:
            candidates = [f]
            for prefix in _SECTION_PREFIXES:
                if f.startswith(prefix):
                    candidates.append(f[len(prefix):].strip())
            for path, text in sections:
                code = path.rsplit(".", 1)[-1]
                names = {fold(path), fold(code)}
                if text:
                    names.add(fold(text))
                if any(c in names for c in candidates):
                    key = TieKey("section", section=path, label=str(label))
                    break
        if key is None:
            unknown.append(str(label))
        elif all((k.kind, k.section) != (key.kind, key.section) for k in keys):
            keys.append(key)
    return keys, unknown


def rank_key(unit: UnitResult, keys: Sequence[TieKey]) -> tuple[float, ...] | None:
    """The comparison key of a unit (higher is better); ``None`` without a total."""
    if unit.total is None:
        return None
    return (round_half_up(unit.total, 2), *(k.value(unit) for k in keys))


def rank_units(units: Sequence[UnitResult], keys: Sequence[TieKey]) -> list[UnitResult]:
    """Set ``rank``, ``tie`` and the "Đồng hạng" note of each unit; return them in rank order.

    Units without a total get no rank and come last. Equal ranks keep the input order.
    """
    rkeys = [rank_key(u, keys) for u in units]
    ranks = competition_ranks(rkeys, descending=True)
    counts: dict[int, int] = {}
    for r in ranks:
        if r is not None:
            counts[r] = counts.get(r, 0) + 1
    for u, r in zip(units, ranks):
        u.rank = r
        u.tie = r is not None and counts[r] > 1
        if u.tie and TIE_NOTE not in u.notes:
            u.notes.append(TIE_NOTE)
    order = sorted(range(len(units)),
                   key=lambda i: (ranks[i] is None, ranks[i] or 0, i))
    ordered = [units[i] for i in order]
    tiebreak_reasons(ordered, keys)
    return ordered


def _shown(v: float) -> str:
    from .scoring import vn_number

    return vn_number(abs(v))


def _key_phrase(key: TieKey, better: bool) -> str:
    """Why a unit is above/below another on ``key`` ("ít điểm trừ hơn")."""
    return TIEBREAK_WHY[key.kind][0 if better else 1].format(section=key.section)


def tiebreak_reasons(ordered: Sequence[UnitResult], keys: Sequence[TieKey]) -> None:
    """For units with equal totals that the tie-break list separated: the key that decided,
    as a reason on both ("xếp trên Sở X nhờ ít điểm trừ hơn (0 so với 1)").

    Each unit is compared with the units of the next rank down inside its total."""
    by_total: dict[float, list[UnitResult]] = {}
    for u in ordered:
        if u.total is not None and u.rank is not None:
            by_total.setdefault(round_half_up(u.total, 2), []).append(u)
    for group in by_total.values():
        ranks = sorted({u.rank for u in group})  # type: ignore[misc]
        for hi, lo in zip(ranks, ranks[1:]):
            for up in (u for u in group if u.rank == hi):
                for down in (u for u in group if u.rank == lo):
                    for key in keys:
                        a, b = key.value(up), key.value(down)
                        if a != b:
                            up.add_reason(REASON_ABOVE.format(
                                other=down.name, why=_key_phrase(key, True),
                                mine=_shown(a), theirs=_shown(b)))
                            down.add_reason(REASON_BELOW.format(
                                other=up.name, why=_key_phrase(key, False),
                                mine=_shown(b), theirs=_shown(a)))
                            break
