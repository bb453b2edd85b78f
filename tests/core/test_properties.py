"""Property tests (hypothesis): ranks follow totals and tie-breaks, quotas hold, one form
per unit, and results do not depend on the order of the units."""
from __future__ import annotations

import dataclasses
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua_xl.core.engine import evaluate
from thidua_xl.core.models import (AwardForm, Classification, Discipline, Rules, Succession)
from thidua_xl.core.ranking import rank_key, resolve_tiebreak
from tests.core.factory import PENALTY, QUAL, crit, make_bloc, unit

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def blocs(draw):
    n_sections = draw(st.integers(1, 3))
    specs = []
    leaves = []  # (path, max, type)
    for s in range(n_sections):
        sec = ["I", "II", "III"][s]
        specs.append(crit(sec, text=f"Mục {sec}"))
        for j in range(draw(st.integers(1, 2))):
            path = f"{sec}.{j + 1}"
            mx = draw(st.sampled_from([2, 4, 10]))
            typ = draw(st.sampled_from([None, None, QUAL]))
            weight = draw(st.sampled_from([1.0, 1.0, 2.0]))
            specs.append(crit(path, mx, type=typ or crit("x")["type"], weight=weight))
            leaves.append((path, mx, typ))
    specs += [crit("IV", text="Điểm trừ", type=PENALTY), crit("IV.1", 2)]
    leaves.append(("IV.1", 2, PENALTY))
    n_units = draw(st.integers(2, 7))
    names = [f"Đơn vị {chr(65 + i)}" for i in range(n_units)]
    scores = {}
    for name in names:
        per = {}
        for path, mx, typ in leaves:
            if typ is QUAL:
                per[path] = draw(st.sampled_from(["Đạt", "Không đạt"]))
            else:
                # few distinct values: many ties
                per[path] = draw(st.sampled_from([0, mx / 2, mx]))
        scores[name] = per
    rotation = draw(st.permutations(list(range(1, n_units + 1))))
    units = [unit(n,
                  women=draw(st.sampled_from([None, True, False])),
                  discipline=draw(st.sampled_from([Discipline.NONE] * 4 + [
                      Discipline.REPRIMAND, Discipline.WARNING])),
                  last_year=draw(st.sampled_from([None, Classification.HTXS,
                                                  Classification.HTXS, Classification.HTT])),
                  rotation=rotation[i])
             for i, n in enumerate(names)]
    forms = []
    for k in range(draw(st.integers(1, 3))):
        count = draw(st.one_of(st.none(), st.integers(0, 3)))
        pct = draw(st.sampled_from([None, None, 20.0, 50.0])) if count is None else None
        if count is None and pct is None:
            count = 1
        forms.append(AwardForm(
            name=f"Hình thức {k + 1}", max_count=count, max_percent=pct,
            min_class=draw(st.sampled_from([Classification.HTXS, Classification.HTT,
                                            Classification.HT, None])),
            no_discipline=draw(st.booleans()), last_year_htxs=draw(st.booleans())))
    tiebreak = draw(st.sampled_from([None, [], [], ["II", "Điểm trừ"], ["Điểm thưởng", "I"]]))
    rules = Rules(forms=forms, tiebreak=tiebreak, htxs_percent=80, htt_percent=60,
                  ht_percent=40,
                  succession=draw(st.sampled_from([Succession.RANK, Succession.ROTATION])))
    flags = dict(has_discipline=draw(st.booleans()), has_last_year=draw(st.booleans()),
                 has_rotation=True)
    head = draw(st.sampled_from([None, *names]))
    return make_bloc(specs, scores, units=units, rules=rules, head=head, **flags)


@SETTINGS
@given(blocs())
def test_ranks_consistent_with_totals_and_tiebreaks(bloc):
    r = evaluate(bloc)
    assert r.status == "ok", [f.code for f in r.findings]
    keys, _ = resolve_tiebreak(bloc.rules.tiebreak, r.sections)
    ranked = [(rank_key(u, keys), u) for u in r.units]
    for ku, u in ranked:
        better = sum(1 for kv, _ in ranked if kv > ku)
        assert u.rank == better + 1
        same = sum(1 for kv, _ in ranked if kv == ku)
        assert u.tie == (same > 1)
    for _, u in ranked:
        for _, v in ranked:
            if u.total > v.total:
                assert u.rank < v.rank
    assert [u.rank for u in r.units] == sorted(u.rank for u in r.units)


@SETTINGS
@given(blocs())
def test_quotas_and_one_form_per_unit(bloc):
    r = evaluate(bloc)
    n = len(bloc.units)
    proposed = [p.unit for p in r.proposals]
    assert len(proposed) == len(set(proposed))
    assert {u.name for u in r.units if u.award} == set(proposed)
    by_unit = {u.name: u for u in r.units}
    for form in bloc.rules.forms:
        seats = form.quota(n)
        got = [p for p in r.proposals if p.form == form.name]
        ties = [t for t in r.tie_groups if t.form == form.name]
        assert len(got) + sum(t.seats for t in ties) <= seats
        assert len(ties) <= 1
        for t in ties:
            assert len(t.units) > t.seats > 0
            assert len({by_unit[x].rank for x in t.units}) == 1
        for p in got:
            u = by_unit[p.unit]
            assert u.award == form.name and p.rank == u.rank
            if form.min_class is not None:
                assert u.classification.level >= form.min_class.level


@SETTINGS
@given(blocs())
def test_walk_by_rank_no_skipping(bloc):
    """A unit proposed for a form is never ranked below an eligible unit left without one
    (unless that unit is in the form's tie group)."""
    r = evaluate(bloc)
    units = {u.key: u for u in bloc.units}
    earlier: set[str] = set()
    for form in bloc.rules.forms:
        got = {p.unit for p in r.proposals if p.form == form.name}
        tied = {x for t in r.tie_groups if t.form == form.name for x in t.units}
        for u in r.units:
            if u.name in earlier or u.name in got or u.name in tied:
                continue
            info = units[u.key]
            eligible = (form.min_class is None or u.classification.level >= form.min_class.level)
            if form.no_discipline and bloc.has_discipline:
                eligible &= info.discipline is Discipline.NONE
            if form.last_year_htxs and bloc.has_last_year and info.last_year is not None:
                eligible &= info.last_year is Classification.HTXS
            if eligible:
                worse = [p for p in got if {x.name: x for x in r.units}[p].rank > u.rank]
                assert not worse, (form.name, u.name, worse)
        earlier |= got


def _summary(r):
    units = {u.key: (u.total, u.percent, u.rank, u.tie, u.classification, u.award,
                     frozenset(u.notes), tuple(sorted(u.sections.items())), u.bonus, u.penalty)
             for u in r.units}
    return dict(
        units=units,
        proposals={(p.form, p.unit, p.rank, p.total, p.basis, tuple(p.notes))
                   for p in r.proposals},
        ties={(t.form, frozenset(t.units), t.seats) for t in r.tie_groups},
        succession=(r.next_head, r.next_deputy),
        findings={(f.code, f.severity, f.sheet) for f in r.findings},
        max_total=r.max_total, sections=tuple(r.sections))


@SETTINGS
@given(blocs(), st.randoms(use_true_random=False))
def test_invariant_to_unit_order(bloc, rnd: random.Random):
    units = list(bloc.units)
    rnd.shuffle(units)
    keys = list(bloc.scores)
    rnd.shuffle(keys)
    shuffled = dataclasses.replace(bloc, units=units,
                                   scores={k: bloc.scores[k] for k in keys})
    assert _summary(evaluate(bloc)) == _summary(evaluate(shuffled))
