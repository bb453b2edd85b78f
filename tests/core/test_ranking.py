"""Shared ranks and the tie-break list."""
from __future__ import annotations

from thidua_xl.core.engine import evaluate
from thidua_xl.core.models import Rules, UnitResult
from thidua_xl.core.ranking import TIE_NOTE, rank_units, resolve_tiebreak, shared_ranks
from tests.core.factory import PENALTY, BONUS, crit, make_bloc


def test_shared_ranks_competition():
    assert shared_ranks([90, 95, 95, 80]) == [3, 1, 1, 4]
    assert shared_ranks([10, 9, 9, 8]) == [1, 2, 2, 4]
    assert shared_ranks([1, None, 3]) == [2, None, 1]
    assert shared_ranks([1, 2, 2], descending=False) == [1, 2, 2]
    assert shared_ranks([]) == []


def test_shared_ranks_round_before_compare():
    assert shared_ranks([98.504, 98.5, 98.506]) == [2, 2, 1]


SECTIONS = [("I", "Chuyên môn"), ("II", "Phong trào")]


def test_resolve_default_and_codes():
    keys, unknown = resolve_tiebreak(None, SECTIONS)
    assert [(k.kind, k.section) for k in keys] == [("penalty", ""), ("section", "I"),
                                                   ("section", "II")]
    keys, unknown = resolve_tiebreak(["II", "Điểm thưởng", "mục i", "diem tru", "Phong trào",
                                      "??"], SECTIONS)
    assert [(k.kind, k.section) for k in keys] == [("section", "II"), ("bonus", ""),
                                                   ("section", "I"), ("penalty", "")]
    assert unknown == ["??"]


def U(name, total, penalty=0.0, bonus=0.0, **sections):
    return UnitResult(name=name, key=name.lower(), total=total, penalty=penalty, bonus=bonus,
                      sections=sections)


def test_rank_units_with_default_tiebreaks():
    keys, _ = resolve_tiebreak(None, SECTIONS)
    units = [U("A", 90, penalty=1, I=50, II=41), U("B", 90, penalty=0, I=40, II=50),
             U("C", 90, penalty=0, I=45, II=45), U("D", 95, I=50, II=45),
             U("E", 90, penalty=0, I=45, II=45)]
    ordered = rank_units(units, keys)
    assert [(u.name, u.rank, u.tie) for u in ordered] == [
        ("D", 1, False), ("C", 2, True), ("E", 2, True), ("B", 4, False), ("A", 5, False)]
    assert TIE_NOTE in ordered[1].notes and TIE_NOTE not in ordered[0].notes


def test_rank_units_custom_order_and_none_total():
    keys, _ = resolve_tiebreak(["II"], SECTIONS)
    units = [U("A", 90, I=50, II=40), U("B", 90, I=40, II=50), U("C", None)]
    ordered = rank_units(units, keys)
    assert [(u.name, u.rank) for u in ordered] == [("B", 1), ("A", 2), ("C", None)]


def test_engine_tiebreak_by_penalty_then_sections():
    specs = [crit("I"), crit("I.1", 50), crit("II"), crit("II.1", 50),
             crit("III", type=BONUS, text="Điểm thưởng"), crit("III.1", 5),
             crit("IV", type=PENALTY, text="Điểm trừ"), crit("IV.1", 5)]
    scores = {
        "A": {"I.1": 45, "II.1": 46, "IV.1": 1},        # 90, penalty 1
        "B": {"I.1": 40, "II.1": 50},                   # 90
        "C": {"I.1": 45, "II.1": 45},                   # 90, I higher than B
        "D": {"I.1": 40, "II.1": 48, "III.1": 2},       # 90, bonus
    }
    r = evaluate(make_bloc(specs, scores))
    assert [(u.name, u.rank) for u in r.units] == [("C", 1), ("B", 2), ("D", 3), ("A", 4)]
    r = evaluate(make_bloc(specs, scores, rules=Rules(tiebreak=["Điểm thưởng", "II"])))
    assert [(u.name, u.rank) for u in r.units] == [("D", 1), ("B", 2), ("A", 3), ("C", 4)]
    r = evaluate(make_bloc(specs, scores, rules=Rules(tiebreak=[])))
    assert [u.rank for u in r.units] == [1, 1, 1, 1]
    assert all(u.tie and "Đồng hạng" in u.notes for u in r.units)
