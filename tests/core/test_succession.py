"""Next head and deputy by rank and by rotation."""
from __future__ import annotations

from thidua_xl.core.engine import evaluate
from thidua_xl.core.models import Rules, Succession
from thidua_xl.core.verification import CODE as VERIFY_CODE
from tests.core.factory import totals_bloc, unit

ROT = Rules(succession=Succession.ROTATION)


def test_rank_excludes_this_years_head():
    r = evaluate(totals_bloc({"A": 99, "B": 98, "C": 97}, head="C"))
    assert (r.next_head, r.next_deputy) == ("A", "B")
    r = evaluate(totals_bloc({"A": 99, "B": 98, "C": 97}, head="a"))  # head is rank 1
    assert (r.next_head, r.next_deputy) == ("B", "C")
    r = evaluate(totals_bloc({"A": 99, "B": 98, "C": 97}))  # head unknown
    assert (r.next_head, r.next_deputy) == ("A", "B")


def test_rank_tie_for_head_gives_vote_note():
    r = evaluate(totals_bloc({"A": 98, "B": 98, "C": 97}, rules=Rules(tiebreak=[])))
    assert (r.next_head, r.next_deputy) == (None, None)
    assert "bỏ phiếu" in r.succession_note and "A" in r.succession_note


def test_rank_tie_for_deputy():
    r = evaluate(totals_bloc({"H": 100, "A": 99, "B": 98, "C": 98}, head="H",
                             rules=Rules(tiebreak=[])))
    assert (r.next_head, r.next_deputy) == ("A", None)
    assert "Khối phó" in r.succession_note


def test_rank_tie_with_head_does_not_matter():
    # the current head tied with another unit at rank 1: the other becomes head
    r = evaluate(totals_bloc({"H": 99, "A": 99, "B": 98}, head="H", rules=Rules(tiebreak=[])))
    assert (r.next_head, r.next_deputy) == ("A", "B")


def rot_units(order):
    return [unit(n, rotation=i) for n, i in order.items()]


def test_rotation_next_and_wrapping():
    totals = {"A": 90, "B": 99, "C": 80, "D": 70}
    units = rot_units({"A": 1, "B": 2, "C": 3, "D": 4})
    r = evaluate(totals_bloc(totals, units=units, rules=ROT, head="B", has_rotation=True))
    assert (r.next_head, r.next_deputy) == ("C", "D")
    r = evaluate(totals_bloc(totals, units=units, rules=ROT, head="C", has_rotation=True))
    assert (r.next_head, r.next_deputy) == ("D", "A")
    r = evaluate(totals_bloc(totals, units=units, rules=ROT, head="D", has_rotation=True))
    assert (r.next_head, r.next_deputy) == ("A", "B")


def test_rotation_order_not_list_order():
    totals = {"A": 90, "B": 99, "C": 80}
    units = rot_units({"A": 3, "B": 1, "C": 2})
    r = evaluate(totals_bloc(totals, units=units, rules=ROT, head="A", has_rotation=True))
    assert (r.next_head, r.next_deputy) == ("B", "C")


def test_rotation_incomplete_is_warning_and_no_proposal():
    totals = {"A": 90, "B": 99, "C": 80}
    units = [unit("A", rotation=1), unit("B", rotation=2), unit("C")]
    r = evaluate(totals_bloc(totals, units=units, rules=ROT, head="A"))
    assert (r.next_head, r.next_deputy) == (None, None)
    assert [f.code for f in r.findings if f.code != VERIFY_CODE] == ["rotation-incomplete"]
    assert r.status == "ok" and "C" in r.succession_note
    # unknown head
    units = rot_units({"A": 1, "B": 2, "C": 3})
    r = evaluate(totals_bloc(totals, units=units, rules=ROT, head="Z"))
    assert r.next_head is None
    assert [f.code for f in r.findings if f.code != VERIFY_CODE] == ["rotation-incomplete"]
    r = evaluate(totals_bloc(totals, units=units, rules=ROT, head=None))
    assert r.next_head is None
    assert [f.code for f in r.findings if f.code != VERIFY_CODE] == ["rotation-incomplete"]


def test_no_succession_with_errors():
    units = rot_units({"A": 1, "B": 2})
    r = evaluate(totals_bloc({"A": 90, "B": 200}, units=units, rules=ROT, head="A"))
    assert r.status == "errors" and r.next_head is None
    assert "rotation-incomplete" not in [f.code for f in r.findings]


def test_rotation_without_any_numbers():
    r = evaluate(totals_bloc({"A": 90, "B": 80}, rules=ROT, head="A"))
    assert r.next_head is None and "không có thứ tự luân phiên" in r.succession_note


def test_rotation_two_units():
    units = rot_units({"A": 1, "B": 2})
    r = evaluate(totals_bloc({"A": 90, "B": 80}, units=units, rules=ROT, head="A"))
    assert (r.next_head, r.next_deputy) == ("B", "A")
