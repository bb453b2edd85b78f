"""Award allocation: quotas, eligibility, ties at the quota's edge, women priority,
"Cần xác minh" notes."""
from __future__ import annotations

from thidua_xl.core.awards import TIE_GROUP_NOTE, VERIFY_PREFIX, WOMEN_NOTE
from thidua_xl.core.engine import evaluate
from thidua_xl.core.models import (FORM_GOV_FLAG, FORM_MERIT, FORM_PROV_FLAG, Classification as C,
                                   Discipline as D, Rules)
from tests.core.factory import forms, totals_bloc, unit

ALL = dict(has_discipline=True, has_last_year=True)


def awarded(r):
    return [(p.form, p.unit) for p in r.proposals]


def nine_units(**attrs):
    totals = {f"Sở {c}": t for c, t in zip("ABCDEFGHI", [99, 98.5, 98, 97, 96, 95.5, 90, 80, 70])}
    units = [unit(n, **{"last_year": C.HTXS, **attrs.get(n, {})}) for n in totals]
    return totals, units


def test_default_forms_in_rank_order_with_basis():
    totals, units = nine_units()
    r = evaluate(totals_bloc(totals, units=units, **ALL))
    assert awarded(r) == [(FORM_GOV_FLAG, "Sở A"), (FORM_PROV_FLAG, "Sở B"),
                          (FORM_MERIT, "Sở C"), (FORM_MERIT, "Sở D")]
    p = r.proposals[1]
    assert p.basis == "Xếp hạng 2/9, tổng điểm 98,50/100 (98,50%), Hoàn thành xuất sắc nhiệm vụ"
    assert (p.rank, p.total, p.classification) == (2, 98.5, C.HTXS)
    assert p.notes == []
    assert {u.name: u.award for u in r.units}["Sở B"] == FORM_PROV_FLAG
    assert [u.name for u in r.units] == list(totals)  # rank order


def test_ineligible_units_are_skipped():
    totals, units = nine_units(**{"Sở A": {"discipline": D.REPRIMAND},
                                  "Sở C": {"last_year": C.HTT}})
    r = evaluate(totals_bloc(totals, units=units, **ALL))
    # A is capped to HTT (not eligible); C lacks last year's HTXS for the Bằng khen
    assert awarded(r) == [(FORM_GOV_FLAG, "Sở B"), (FORM_PROV_FLAG, "Sở C"),
                          (FORM_MERIT, "Sở D"), (FORM_MERIT, "Sở E")]


def test_discipline_blocks_even_without_cap_effect():
    # classification not HTXS → not eligible; F (95.5) is the last HTXS
    totals, units = nine_units()
    rules = Rules(forms=forms(("Cờ", 10)))
    r = evaluate(totals_bloc(totals, units=units, rules=rules, **ALL))
    assert [u for _, u in awarded(r)] == ["Sở A", "Sở B", "Sở C", "Sở D", "Sở E", "Sở F"]


def test_min_class_and_flags_from_rules():
    totals, units = nine_units(**{"Sở A": {"discipline": D.REPRIMAND}})
    rules = Rules(forms=forms(("Giấy khen", 3, None, C.HTT, False, False)))
    r = evaluate(totals_bloc(totals, units=units, rules=rules, **ALL))
    assert [u for _, u in awarded(r)] == ["Sở A", "Sở B", "Sở C"]


def test_percent_quota_rounded_down_and_zero_disables():
    totals, units = nine_units()
    rules = Rules(forms=forms(("Tắt", 0), ("Bằng khen", None, 40.0, C.HT)))  # 9·40% = 3.6 → 3
    r = evaluate(totals_bloc(totals, units=units, rules=rules, **ALL))
    assert awarded(r) == [("Bằng khen", "Sở A"), ("Bằng khen", "Sở B"), ("Bằng khen", "Sở C")]
    rules = Rules(forms=forms(("Bằng khen", 5, 20.0)))  # min(5, 1) = 1
    r = evaluate(totals_bloc(totals, units=units, rules=rules, **ALL))
    assert awarded(r) == [("Bằng khen", "Sở A")]


def test_tie_at_quota_edge_goes_to_vote_and_stops_the_form():
    totals = {"A": 99, "B": 98, "C": 98, "D": 97}
    units = [unit(n, last_year=C.HTXS) for n in totals]
    rules = Rules(forms=forms(("Cờ", 2), ("Bằng khen", 1)), tiebreak=[])
    r = evaluate(totals_bloc(totals, units=units, rules=rules, **ALL))
    assert awarded(r) == [("Cờ", "A")]
    assert [(t.form, t.units, t.seats, t.note) for t in r.tie_groups] == [
        ("Cờ", ["B", "C"], 1, TIE_GROUP_NOTE), ("Bằng khen", ["B", "C"], 1, TIE_GROUP_NOTE)]
    u = {x.name: x for x in r.units}
    assert TIE_GROUP_NOTE in u["B"].notes and TIE_GROUP_NOTE in u["C"].notes
    assert u["D"].award is None  # seats are not passed to lower-ranked units


def test_tie_fitting_the_seats_is_proposed():
    totals = {"A": 99, "B": 98, "C": 98, "D": 97}
    rules = Rules(forms=forms(("Cờ", 3)), tiebreak=[])
    r = evaluate(totals_bloc(totals, units=[unit(n) for n in totals], rules=rules, **ALL))
    assert [u for _, u in awarded(r)] == ["A", "B", "C"] and r.tie_groups == []


def test_women_priority_separates_tie():
    totals = {"A": 99, "B": 98, "C": 98, "D": 98}
    units = [unit("A"), unit("B"), unit("C", women=True), unit("D")]
    rules = Rules(forms=forms(("Cờ", 2)), tiebreak=[])
    r = evaluate(totals_bloc(totals, units=units, rules=rules, **ALL))
    assert awarded(r) == [("Cờ", "A"), ("Cờ", "C")]
    assert WOMEN_NOTE in r.proposals[1].notes
    assert r.tie_groups == []


def test_women_priority_leftover_seats_stay_undecided():
    totals = {"A": 98, "B": 98, "C": 98, "D": 98}
    units = [unit("A"), unit("B", women=True), unit("C"), unit("D")]
    rules = Rules(forms=forms(("Cờ", 2)), tiebreak=[])
    r = evaluate(totals_bloc(totals, units=units, rules=rules, **ALL))
    assert awarded(r) == [("Cờ", "B")]
    assert [(t.units, t.seats) for t in r.tie_groups] == [(["A", "C", "D"], 1)]


def test_too_many_women_no_separation():
    totals = {"A": 98, "B": 98, "C": 98}
    units = [unit("A", women=True), unit("B", women=True), unit("C")]
    rules = Rules(forms=forms(("Cờ", 1)), tiebreak=[])
    r = evaluate(totals_bloc(totals, units=units, rules=rules, **ALL))
    assert awarded(r) == []
    assert [(t.units, t.seats) for t in r.tie_groups] == [(["A", "B", "C"], 1)]


def test_without_women_data_tie_goes_to_vote():
    totals = {"A": 98, "B": 98}
    rules = Rules(forms=forms(("Cờ", 1)), tiebreak=[])
    r = evaluate(totals_bloc(totals, rules=rules))
    assert awarded(r) == [] and r.tie_groups[0].units == ["A", "B"]


def test_verify_notes_when_data_is_lacking():
    totals, units = nine_units()
    r = evaluate(totals_bloc(totals, units=[unit(u.name) for u in units]))  # no columns at all
    assert awarded(r) == [(FORM_GOV_FLAG, "Sở A"), (FORM_PROV_FLAG, "Sở B"),
                          (FORM_MERIT, "Sở C"), (FORM_MERIT, "Sở D")]
    for p in r.proposals:
        assert p.notes and all(n.startswith(VERIFY_PREFIX) for n in p.notes)
    merit = r.proposals[2]
    assert any("năm trước" in n for n in merit.notes)
    assert any("kỷ luật" in n for n in merit.notes)
    assert any(n.startswith(VERIFY_PREFIX) for n in {u.name: u for u in r.units}["Sở C"].notes)


def test_verify_only_the_missing_column():
    totals, units = nine_units()
    r = evaluate(totals_bloc(totals, units=units, has_discipline=True, has_last_year=False))
    assert all(not any("kỷ luật" in n for n in p.notes) for p in r.proposals)
    assert any("năm trước" in n for n in r.proposals[2].notes)
    assert r.proposals[0].notes == []


def test_each_unit_at_most_one_form_highest_first():
    totals = {"A": 99, "B": 98}
    rules = Rules(forms=forms(("X", 2), ("Y", 2)))
    r = evaluate(totals_bloc(totals, rules=rules, **ALL))
    assert awarded(r) == [("X", "A"), ("X", "B")]


def test_quota_percent_of_units():
    from thidua_xl.core.models import AwardForm
    assert AwardForm(name="x", max_percent=20).quota(9) == 1
    assert AwardForm(name="x", max_percent=20).quota(10) == 2
    assert AwardForm(name="x", max_percent=20).quota(4) == 0


def test_blank_last_year_cell_is_verified_not_excluded():
    totals, units = nine_units(**{"Sở C": {"last_year": None}})
    r = evaluate(totals_bloc(totals, units=units, **ALL))
    merit = [p for p in r.proposals if p.form == FORM_MERIT]
    assert [p.unit for p in merit] == ["Sở C", "Sở D"]
    assert merit[0].notes and merit[0].notes[0].startswith(VERIFY_PREFIX)
    assert merit[1].notes == []
