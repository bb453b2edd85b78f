"""The decisions on scored units: rank, classify, propose awards, name the next head.

The engine (:mod:`thidua_xl.core.engine`) turns a bloc's cells into unit totals; this
module decides on those totals, and nothing else: the rules themselves live in
:mod:`.ranking` (ties), :mod:`.classify` (thresholds, discipline caps, the zero-leaf rule),
:mod:`.awards` (quotas, eligibility) and :mod:`.succession` (next head/deputy).
:func:`decide` is what the engine calls; :func:`decide_totals` is the same decision on bare
totals, for the worksheet functions (TD_KHENTHUONG) — no fake bloc.
"""
from __future__ import annotations

from .record import field, record
from .awards import allocate_awards
from .classify import classify_with_note
from .findings import Report
from .models import (Classification, Discipline, Proposal, Rules, Succession, TieGroup, Unit,
                     UnitResult)
from .ranking import rank_units, resolve_tiebreak
from .succession import next_head
from .values import round_half_up
from .vocab import REASON_OFFICIAL, SHEET_RULES

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Sequence


@record
class Decisions:
    """What :func:`decide` settles: the units in rank order (rank, classification, notes
    and award set), the proposals, the tie groups and the next head/deputy."""

    units: list[UnitResult]
    proposals: list[Proposal] = field(default_factory=list)
    tie_groups: list[TieGroup] = field(default_factory=list)
    next_head: str | None = None
    next_deputy: str | None = None
    succession_note: str = ""


def decide(results: Sequence[UnitResult], units: Sequence[Unit], rules: Rules, *,
           sections: Sequence[tuple[str, str]], max_total: float | None,
           has_last_year: bool = False, has_discipline: bool = False,
           head: str | None = None, head_ref: str | None = None,
           deputy: str | None = None, deputy_ref: str | None = None,
           report: Report | None = None) -> Decisions:
    """Rank ``results`` with the rules' tie-break list, classify each unit, allocate the
    award forms and name the next head. ``units`` are the bloc's units (discipline, last
    year, women, rotation), matched to the results by key; ``sections`` the scored
    sections (path, title) in order. Warnings (an unknown tie-break word, a succession
    problem) go to ``report``."""
    report = report if report is not None else Report()
    keys, unknown = resolve_tiebreak(rules.tiebreak, sections)
    for label in unknown:
        report.emit("tiebreak-unknown", label=label, sheet=SHEET_RULES[0])
    ordered = rank_units(list(results), keys)
    units_by_key = {u.key: u for u in units}
    for r in ordered:
        u = units_by_key[r.key]
        exact = r.total / max_total * 100.0 if r.total is not None and max_total else None
        cls, notes = classify_with_note(exact, r.has_zero_leaf, u.discipline,
                                        rules, discipline_text=u.discipline_text,
                                        zero_leaves=r.zero_leaves)
        r.classification = cls
        for note in notes:
            r.add_reason(note)
        _official_rating(r, u, report)
    proposals, ties = allocate_awards(
        ordered, rules.forms, units=units_by_key,
        has_last_year=has_last_year, has_discipline=has_discipline,
        max_total=max_total, n_units=len(units))
    if any(u.last_year is Classification.HTXS for u in units):  # else nothing to add
        from .last_year import two_years_basis  # (#17) not imported by every check

        two_years_basis(proposals, ordered, units_by_key)
    succ = next_head(rules.succession, ordered, list(units), head,
                     report=report, head_ref=head_ref, current_deputy=deputy,
                     deputy_ref=deputy_ref)
    return Decisions(units=ordered, proposals=proposals, tie_groups=ties,
                     next_head=succ.head, next_deputy=succ.deputy,
                     succession_note=succ.note)


def _official_rating(r: UnitResult, u: Unit, report: Report) -> None:
    """The official rating ("Xếp loại năm nay"): eligibility uses it; a difference with the
    class by score is a warning naming both cells."""
    if u.official is None or r.classification is None:
        return
    r.add_reason(REASON_OFFICIAL.format(official=u.official.value))
    if u.official is r.classification:
        return
    where = f" (ô {u.column_ref})" if u.column_ref else ""
    report.emit("official-rating-differs", name=u.name,
                official_ref=u.official_ref or "sheet Đơn vị", official=u.official.value,
                by_score=r.classification.value, where=where, ref=u.official_ref)


#: the one section of a bloc known by its totals only
TOTALS_SECTION = ("I", "Tổng điểm")


def decide_totals(units: Sequence[tuple[str, float, Discipline, Classification | None,
                                        str]],
                  max_total: float, *, rules: Rules | None = None,
                  has_discipline: bool = False, has_last_year: bool = False) -> Decisions:
    """The decisions for units known only by their totals (the worksheet functions).

    ``units``: (name, total, discipline, last year's classification, discipline text).
    A total above ``max_total`` counts its excess as Điểm thưởng (so it stays exact and a
    tie is broken as in a workbook: fewer Điểm trừ, then the scored points); a total of 0
    is a scored 0, as a workbook's single 0-point criterion is.
    """
    from .text import unit_key

    max_total = round_half_up(max_total, 2)
    bloc_units: list[Unit] = []
    results: list[UnitResult] = []
    for name, total, disc, last, disc_text in units:
        key = unit_key(name)
        bloc_units.append(Unit(name=name, key=key, discipline=disc, discipline_text=disc_text,
                               last_year=last))
        scored = round_half_up(min(total, max_total), 2)
        bonus = round_half_up(max(0.0, total - max_total), 2)
        r = UnitResult(name=name, key=key, sections={TOTALS_SECTION[0]: scored}, bonus=bonus,
                       has_zero_leaf=abs(scored) <= 1e-9 and max_total > 0)
        r.total = round_half_up(scored + bonus, 2)
        if max_total > 0:
            r.percent = round_half_up(r.total / max_total * 100.0, 2)
        results.append(r)
    return decide(results, bloc_units, rules or Rules(), sections=[TOTALS_SECTION],
                  max_total=max_total, has_discipline=has_discipline,
                  has_last_year=has_last_year)


__all__ = ["Decisions", "decide", "decide_totals", "TOTALS_SECTION", "Succession"]
