"""Award proposals: forms in order, quotas, eligibility, ties at a quota's edge.

Spec: shared/spec/domain.md "Award proposals". The bloc proposes; the council decides.

For each form (highest first) the units are walked by rank; a unit already proposed (each
unit gets at most one form, its highest) or not eligible is skipped; units are proposed
until the quota (:meth:`AwardForm.quota`; 0 disables the form) is filled. When the last
seats fall inside a group of units tied on rank (after the tie-breaks) that is larger than
the seats left:

- women priority (Nghị định 152/2025/NĐ-CP, Điều 4 khoản 6: "tập thể có tỷ lệ nữ từ 70%
  trở lên", :func:`is_women_unit`): if the group holds at least one such unit and no more
  of them than the seats left, they take seats; seats still left among the other units of
  the group stay undecided;
- an undecided group takes no seat: it is recorded as a :class:`TieGroup` (the meeting
  votes), each of its units gets the note "Đồng hạng – Hội nghị bình xét, bỏ phiếu (<form>)"
  (in place of the ranking's plain "Đồng hạng"), and the form stops there (its seats are
  not passed on to lower-ranked units).

Not eligible for any form: a unit under discipline/inspection review (Nghị định 152/2025
Điều 4 khoản 4). The class checked is the official rating when recorded. Last year's HTXS
is not required by default (Bắc Ninh QĐ 86/2025 Điều 3.3: one basis among several); a
bloc's "Quy định" may require it. Every unit ranked above a proposed one without a
proposal gets a reason.

A condition that cannot be checked because the workbook lacks the data (no "Xếp loại năm
trước" column, no "Kỷ luật" column, or the unit's cell is blank) does not exclude the unit:
it is proposed with a note "Cần xác minh: …".
"""
from __future__ import annotations

from .record import field, record
from .models import (TIE_NOTE, AwardForm, Classification, Discipline, Proposal, TieGroup, Unit,
                     UnitResult)
from .ranking import TIE_NOTE as RANK_TIE_NOTE
from .scoring import vn_number
from .vocab import (BASIS_OFFICIAL, BASIS_TITLE, REASON_NOT_PROPOSED, REASON_PROPOSED,
                    REASON_QUOTA, REVIEW_REASON, WHY_CLASS, WHY_CLASS_NONE, WHY_CLASS_OFFICIAL,
                    WHY_CLASS_SCORE, WHY_DISCIPLINE, WHY_LAST_YEAR, WOMEN_RATIO)
from .verification import VERIFY_PREFIX as VERIFICATION

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Mapping, Sequence

TIE_GROUP_NOTE = TIE_NOTE
VERIFY_PREFIX = VERIFICATION + ": "
WOMEN_NOTE = ("Ưu tiên tập thể nữ khi đồng hạng "
              "(Nghị định 152/2025/NĐ-CP, Điều 4 khoản 6)")
VERIFY_LAST_YEAR = (VERIFY_PREFIX + "năm trước đơn vị được xếp loại "
                    f"{Classification.HTXS.value} (sổ không có dữ liệu Xếp loại năm trước)")
VERIFY_DISCIPLINE = (VERIFY_PREFIX + "trong năm đơn vị không bị kỷ luật "
                     "(sổ không có cột Kỷ luật)")


_QUOTA, _TIED = "\x00quota", "\x00tie"  # markers of why a form was missed


@record
class Eligibility:
    """Whether a unit may receive an award form, the checks left to people and why not."""

    ok: bool
    verify: list[str] = field(default_factory=list)  # "Cần xác minh: ..." notes
    why_not: str = ""  # when not ok: "bị kỷ luật Khiển trách" ...


def is_women_unit(unit: Unit | None) -> bool:
    """At least 70 % of the staff are women ("Tập thể nữ" Có or "Tỷ lệ nữ" ≥ 70)."""
    if unit is None:
        return False
    if unit.women_ratio is not None:
        return unit.women_ratio >= WOMEN_RATIO - 1e-9
    return unit.women is True


def eligibility(
    result: UnitResult,
    form: AwardForm,
    unit: Unit | None,
    *,
    has_last_year: bool,
    has_discipline: bool,
) -> Eligibility:
    """Whether a unit may be proposed for ``form``, with what must still be verified.

    The class checked is the official rating when the workbook records one
    (:attr:`UnitResult.eligibility_class`), else the class by score."""
    verify: list[str] = []
    if unit is not None and unit.under_review:
        return Eligibility(False, why_not=REVIEW_REASON)
    cls = result.eligibility_class
    if form.min_class is not None:
        if cls is None or cls.level < form.min_class.level:
            what = WHY_CLASS_OFFICIAL if result.official is not None else WHY_CLASS_SCORE
            shown = cls.value if cls is not None else WHY_CLASS_NONE
            return Eligibility(False, why_not=WHY_CLASS.format(
                what=what, shown=shown, minimum=form.min_class.value))
    if form.no_discipline:
        if has_discipline and unit is not None:
            if unit.discipline is not Discipline.NONE:
                what = unit.discipline_text or unit.discipline.value
                return Eligibility(False, why_not=WHY_DISCIPLINE.format(what=what))
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
            return Eligibility(False, why_not=WHY_LAST_YEAR.format(
                last=last.value, required=Classification.HTXS.value))
    return Eligibility(True, verify)


def basis_text(result: UnitResult, n_ranked: int, max_total: float | None,
               last_title: str = "") -> str:
    """"Xếp hạng 1/9, tổng điểm 98,50/100 (98,50%), Hoàn thành xuất sắc nhiệm vụ" (and
    "danh hiệu năm trước: …" when the workbook records one: a basis, never required)."""
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
    if result.official is not None:
        parts.append(BASIS_OFFICIAL.format(official=result.official.value))
    elif result.classification is not None:
        parts.append(result.classification.value)
    if last_title:
        parts.append(BASIS_TITLE.format(title=last_title))
    return ", ".join(parts)


def _title(unit: Unit | None) -> str:
    return unit.last_title if unit is not None else ""


def _add_note(result: UnitResult, note: str) -> None:
    result.add_note(note)


def tie_note(forms: Sequence[str]) -> str:
    """"Đồng hạng – Hội nghị bình xét, bỏ phiếu (Cờ thi đua của UBND tỉnh)"."""
    return f"{TIE_GROUP_NOTE} ({'; '.join(forms)})" if forms else TIE_GROUP_NOTE


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
    women, under review); a unit missing there is treated as "data lacking". ``n_units``:
    the bloc's size for percentage quotas (default: ``len(results)``).

    Sets ``award`` and adds notes and reasons on the results; returns
    ``(proposals, tie_groups)`` — proposals by form, then by rank. Every unit ranked above
    a proposed unit without a proposal gets a reason per form (not eligible because …, or
    "hết chỉ tiêu …").
    """
    units = units or {}
    n = len(results) if n_units is None else n_units
    ranked = sorted((r for r in results if r.rank is not None),
                    key=lambda r: r.rank)  # stable: equal ranks keep the given order
    n_ranked = len(ranked)
    proposed: set[str] = set()
    proposals: list[Proposal] = []
    tie_groups: list[TieGroup] = []
    #: unit key -> form -> why it did not get that form (or _QUOTA, _TIED)
    missed: dict[str, dict[str, str]] = {}
    tied_forms: dict[str, list[str]] = {}

    def propose(r: UnitResult, form: AwardForm, notes: list[str]) -> None:
        proposed.add(r.key)
        r.award = form.name
        for note in notes:
            _add_note(r, note)
        p = Proposal(unit=r.name, form=form.name, rank=r.rank, total=r.total,
                     classification=r.eligibility_class,
                     basis=basis_text(r, n_ranked, max_total, _title(units.get(r.key))),
                     notes=list(notes))
        proposals.append(p)
        if p.basis:
            r.reasons.append(REASON_PROPOSED.format(form=form.name, basis=p.basis))

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
                missed.setdefault(r.key, {})[form.name] = e.why_not
                continue
            if groups and groups[-1][0][0].rank == r.rank:
                groups[-1].append((r, e.verify))
            else:
                groups.append([(r, e.verify)])
        stopped = False
        for group in groups:
            if seats <= 0 or stopped:
                for r, _ in group:
                    missed.setdefault(r.key, {})[form.name] = _QUOTA
                continue
            if len(group) <= seats:
                for r, verify in group:
                    propose(r, form, verify)
                seats -= len(group)
                continue
            # the last seats fall inside a tie group larger than them
            women = [(r, v) for r, v in group if is_women_unit(units.get(r.key))]
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
                    tied_forms.setdefault(r.key, []).append(form.name)
                    missed.setdefault(r.key, {})[form.name] = _TIED
            else:
                for r, _ in undecided:
                    missed.setdefault(r.key, {})[form.name] = _QUOTA
            stopped = True  # the form stops at the tie: its seats are not passed on

    for r in ranked:
        forms_tied = tied_forms.get(r.key)
        if forms_tied:
            r.notes = [x for x in r.notes if x != RANK_TIE_NOTE]
            r.add_reason(tie_note(forms_tied))
    _explain_missing(ranked, proposals, missed, [f.name for f in forms])
    return proposals, tie_groups


def _explain_missing(ranked: Sequence[UnitResult], proposals: Sequence[Proposal],
                     missed: Mapping[str, Mapping[str, str]], form_order: list[str]) -> None:
    """Why each unit without a proposal got none: a note too ("Kết quả") for every unit
    ranked above a proposed unit (domain.md), in the JSON ``reasons`` only for the others."""
    lowest = max((p.rank for p in proposals if p.rank is not None), default=None)
    for r in ranked:
        if r.award is not None or r.rank is None:
            continue
        shown = lowest is not None and r.rank < lowest
        why = missed.get(r.key, {})
        texts: list[str] = []
        quota = [f for f in form_order if why.get(f) == _QUOTA]
        if quota:
            texts.append(REASON_QUOTA.format(forms=", ".join(quota)))
        by_reason: dict[str, list[str]] = {}
        for f in form_order:
            text = why.get(f)
            if text and text not in (_QUOTA, _TIED):
                by_reason.setdefault(text, []).append(f)
        texts += [REASON_NOT_PROPOSED.format(forms=", ".join(names), why=text)
                  for text, names in by_reason.items()]
        for text in texts:
            if shown:
                r.add_reason(text)
            elif text not in r.reasons:
                r.reasons.append(text)
