"""The decisions on bare totals (what TD_KHENTHUONG calls) equal the engine's on a bloc."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.factory import totals_bloc
from thidua_xl.core.decisions import decide_totals
from thidua_xl.core.engine import evaluate
from thidua_xl.core.models import Classification, Discipline, Unit
from thidua_xl.core.text import unit_key

DISC = [Discipline.NONE, Discipline.NONE, Discipline.REPRIMAND, Discipline.WARNING]
LAST = [Classification.HTXS, Classification.HTXS, Classification.HTT, None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0, 60, 74.99, 80, 85, 90, 94.99, 95, 97.5, 99, 100]),
                min_size=2, max_size=12),
       st.lists(st.integers(0, 3), min_size=12, max_size=12),
       st.lists(st.integers(0, 3), min_size=12, max_size=12))
def test_decide_totals_equals_the_engine(totals, discs, lasts):
    names = [f"Sở {i:02d}" for i in range(len(totals))]
    units = [Unit(name=n, key=unit_key(n), discipline=DISC[discs[i]],
                  last_year=LAST[lasts[i]]) for i, n in enumerate(names)]
    bloc = totals_bloc(dict(zip(names, totals)), units=units, has_discipline=True,
                       has_last_year=True)
    engine = evaluate(bloc)
    assert engine.status == "ok"
    direct = decide_totals([(u.name, t, u.discipline, u.last_year, "") for u, t in
                            zip(units, totals)], 100.0, has_discipline=True,
                           has_last_year=True)
    assert [(u.name, u.rank, u.classification, u.award) for u in engine.units] == \
        [(u.name, u.rank, u.classification, u.award) for u in direct.units]
    assert [(p.unit, p.form) for p in engine.proposals] == \
        [(p.unit, p.form) for p in direct.proposals]
