"""Award proposals: forms in order, quotas, eligibility, ties at a quota's edge.

Spec: shared/spec/domain.md "Award proposals". The bloc proposes; the council decides.

For each form (highest first) the units are walked by rank; a unit already proposed (each
unit gets at most one form, its highest) or not eligible is skipped; units are proposed
until the quota (:meth:`AwardForm.quota`; 0 disables the form) is filled. When the last
seats fall inside a group of units tied on rank (after the tie-breaks) that is larger than
the seats left:

- women priority (Nghị định 152/2025/NĐ-CP, Điều 4 khoản 6): if the group holds at least
  one unit with ``Unit.women`` and no more of them than the seats left, they take seats;
  seats still left among the other units of the group stay undecided;
- an undecided group takes no seat: it is recorded as a :class:`TieGroup` (the meeting
  votes), each of its units gets the note "Đồng hạng – Hội nghị bình xét, bỏ phiếu", and the
  form stops there (its seats are not passed on to lower-ranked units).

A condition that cannot be checked because the workbook lacks the data (no "Xếp loại năm
trước" column, no "Kỷ luật" column, or the unit's cell is blank) does not exclude the unit:
it is proposed with a note "Cần xác minh: …".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .models import (TIE_NOTE, AwardForm, Classification, Discipline, Proposal, TieGroup, Unit,
                     UnitResult)
from .scoring import vn_number
from .verification import VERIFY_PREFIX as VERIFICATION

TIE_GROUP_NOTE = TIE_NOTE
VERIFY_PREFIX = VERIFICATION + ": "
WOMEN_NOTE = ("Ưu tiên tập thể nữ khi đồng hạng "
              "(Nghị định 152/2025/NĐ-CP, Điều 4 khoản 6)")
VERIFY_LAST_YEAR = (VERIFY_PREFIX + "năm trước đơn vị được xếp loại "
                    f"{Classification.HTXS.value} (sổ không có dữ liệu Xếp loại năm trước)")
VERIFY_DISCIPLINE = (VERIFY_PREFIX + "trong năm đơn vị không bị kỷ luật "
                     "(sổ không có cột Kỷ luật)")


@dataclass
class Eligibility:
    ok: bool
    verify: list[str] = field(default_factory=list)  # "Cần xác minh: ..." notes


def eligibility(
    result: UnitResult,
    form: AwardForm,
    unit: Unit | None,
    *,
    has_last_year: bool,
    has_discipline: bool,
) -> Eligibility:
    """Whether a unit may be proposed for ``form``, with what must still be verified."""
    verify: list[str] = []
    if form.min_class is not None:
        if result.classification is None or result.classification.level < form.min_class.level:
            return Eligibility(False)
    if form.no_discipline:
        if has_discipline and unit is not None:
            if unit.discipline is not Discipline.NONE:
                return Eligibility(False)
        else:
            verify.append(VERIFY_DISCIPLINE)
    if form.last_year_htxs:
        last = unit.last_year if (unit is not None and has_last_year) else None
        if last is None:
            if has_last_year and unit is not None:
                verify.append(VERIFY_PREFIX + "năm trước đơn vị được xếp loại "
                              f"{Classification.HTXS.value} (ô Xếp loại năm trước để trống)")
            else:
                verify.append(VERIFY_LAST_YEAR)
        elif last is not Classification.HTXS:
            return Eligibility(False)
    return Eligibility(True, verify)


def basis_text(result: UnitResult, n_ranked: int, max_total: float | None) -> str:
    """"Xếp hạng 1/9, tổng điểm 98,50/100 (98,50%), Hoàn thành xuất sắc nhiệm vụ"."""
    parts: list[str] = []
    if result.rank is not None:
        parts.append(f"Xếp hạng {result.rank}/{n_ranked}" + (" (đồng hạng)" if result.tie else ""))
    if result.total is not None:
        s = f"tổng điểm {vn_number(result.total, 2)}"
        if max_total:
            s += f"/{vn_number(max_total)}"
        if result.percent is not None:
            s += f" ({vn_number(result.percent, 2)}%)"
        parts.append(s)
    if result.classification is not None:
        parts.append(result.classification.value)
    return ", ".join(parts)


def _add_note(result: UnitResult, note: str) -> None:
    if note not in result.notes:
        result.notes.append(note)


def allocate_awards(
    results: Sequence[UnitResult],
    forms: Sequence[AwardForm],
    *,
    units: Mapping[str, Unit] | None = None,
    has_last_year: bool = False,
    has_discipline: bool = False,
    max_total: float | None = None,
    n_units: int | None = None,
) -> tuple[list[Proposal], list[TieGroup]]:
    """Propose award forms to ranked units.

    ``results``: the units with rank and classification (any order; units without a rank
    are never proposed). ``units``: unit key → :class:`Unit` (last year, discipline,
    women); a unit missing there is treated as "data lacking". ``n_units``: the bloc's
    size for percentage quotas (default: ``len(results)``).

    Sets ``award`` and adds notes on the results; returns ``(proposals, tie_groups)`` —
    proposals by form, then by rank.
    """
    units = units or {}
    n = len(results) if n_units is None else n_units
    ranked = sorted((r for r in results if r.rank is not None),
                    key=lambda r: r.rank)  # stable: equal ranks keep the given order
    n_ranked = len(ranked)
    proposed: set[str] = set()
    proposals: list[Proposal] = []
    tie_groups: list[TieGroup] = []

    def propose(r: UnitResult, form: AwardForm, notes: list[str]) -> None:
        proposed.add(r.key)
        r.award = form.name
        for note in notes:
            _add_note(r, note)
        proposals.append(Proposal(
            unit=r.name, form=form.name, rank=r.rank, total=r.total,
            classification=r.classification,
            basis=basis_text(r, n_ranked, max_total), notes=list(notes)))

    for form in forms:
        seats = form.quota(n)
        if seats <= 0:
            continue
        # eligible candidates, grouped by rank (a group = units tied after tie-breaks)
        groups: list[list[tuple[UnitResult, list[str]]]] = []
        for r in ranked:
            if r.key in proposed:
                continue
            e = eligibility(r, form, units.get(r.key),
                            has_last_year=has_last_year, has_discipline=has_discipline)
            if not e.ok:
                continue
            if groups and groups[-1][0][0].rank == r.rank:
                groups[-1].append((r, e.verify))
            else:
                groups.append([(r, e.verify)])
        for group in groups:
            if seats <= 0:
                break
            if len(group) <= seats:
                for r, verify in group:
                    propose(r, form, verify)
                seats -= len(group)
                continue
            # the last seats fall inside a tie group larger than them
            women = [(r, v) for r, v in group
                     if (units.get(r.key) is not None and units[r.key].women is True)]
            undecided = group
            if 0 < len(women) <= seats:
                for r, verify in women:
                    propose(r, form, [WOMEN_NOTE, *verify])
                seats -= len(women)
                undecided = [(r, v) for r, v in group if r.key not in proposed]
            if seats > 0 and undecided:
                tie_groups.append(TieGroup(form=form.name, units=[r.name for r, _ in undecided],
                                           seats=seats))
                for r, _ in undecided:
                    _add_note(r, TIE_GROUP_NOTE)
            break  # the form stops at the tie: its seats are not passed on
    return proposals, tie_groups
