"""evaluate(): totals, findings, weights, hierarchy checks, errors suppressing results."""
from __future__ import annotations

import pytest

from thidua_xl.core.engine import evaluate
from thidua_xl.core.findings import Report, Severity
from thidua_xl.core.models import Classification, RawCell, Rules
from thidua_xl.core.verification import CODE as VERIFY_CODE
from tests.core.factory import (BONUS, COUNT, LEAD, PENALTY, QUAL, QUANT, crit, make_bloc,
                                totals_bloc)


def codes(result):
    """Finding codes, without the "Cần xác minh" warnings of proposals (a bloc built
    without "Kỷ luật" data gets one; tests/core/test_verification.py covers them)."""
    return [f.code for f in result.findings if f.code != VERIFY_CODE]


def by_name(result):
    return {u.name: u for u in result.units}


def full_bloc(scores, **kw):
    specs = [
        crit("I", text="Công tác chuyên môn"),
        crit("I.1", 10), crit("I.2", 10, weight=2), crit("I.3", 5, type=QUAL),
        crit("II", text="Công tác khác"),
        crit("II.1", 10, type=QUANT, target=100), crit("II.2", 10, type=LEAD, target=100),
        crit("II.3", 6, type=COUNT, per_time=2),
        crit("III", text="Điểm thưởng", type=BONUS), crit("III.1", 5),
        crit("IV", text="Điểm trừ", type=PENALTY), crit("IV.1", 5),
    ]
    return make_bloc(specs, scores, **kw)


GOOD = {
    "Sở A": {"I.1": 9, "I.2": "8,5", "I.3": "Đạt", "II.1": 90, "II.2": 150, "II.3": 2,
             "III.1": 1, "IV.1": "-2"},
    "Sở B": {"I.1": 10, "I.2": 10, "I.3": "Không đạt", "II.1": "120%", "II.2": 200,
             "II.3": 5},
    "Sở C": {"I.1": 7, "I.2": 6, "I.3": "x", "II.1": 50, "II.2": 80, "II.3": 0, "IV.1": 1},
}


def test_totals_all_types():
    r = evaluate(full_bloc(GOOD))
    assert r.status == "ok", codes(r)
    assert r.max_total == 10 + 20 + 5 + 10 + 10 + 6
    u = by_name(r)
    # A: I = 9 + 2·8.5 + 5 = 31; II = 9 + 7.5 (150 between 100 and best 200) + 4 = 20.5
    assert u["Sở A"].sections == {"I": 31.0, "II": 20.5}
    assert u["Sở A"].bonus == 1.0 and u["Sở A"].penalty == 2.0
    assert u["Sở A"].total == 31 + 20.5 + 1 - 2
    # B: I = 10 + 20 + 0 = 30; II = 10 + 10 (best) + 6 (capped) = 26
    assert u["Sở B"].total == 56.0
    assert u["Sở B"].has_zero_leaf
    # C: I = 7 + 12 + 5 = 24; II = 5 + 0.5·10·0.8 = 4 + 0 = 9; penalty 1
    assert u["Sở C"].total == 24 + 9 - 1
    assert r.sections == [("I", "Công tác chuyên môn"), ("II", "Công tác khác")]
    assert u["Sở A"].percent == round(50.5 / 61 * 100, 2)
    assert [x.name for x in r.units] == ["Sở B", "Sở A", "Sở C"]


def test_total_rounding_half_up():
    bloc = make_bloc([crit("I"), crit("I.1", 10, weight=1.5)], {"A": {"I.1": 1.77}})
    r = evaluate(bloc)
    assert r.units[0].total == 2.66  # 2.655: Python's round() gives 2.65
    assert r.units[0].sections == {"I": 2.66}
    bloc = make_bloc([crit("I"), crit("I.1", 10), crit("I.2", 10)],
                     {"A": {"I.1": 1.3, "I.2": 1.375}})
    assert evaluate(bloc).units[0].total == 2.68


def test_bonus_section_by_title_without_type():
    bloc = make_bloc([crit("I"), crit("I.1", 10), crit("II", text="ĐIỂM THƯỞNG"), crit("II.1", 3)],
                     {"A": {"I.1": 8, "II.1": 2}})
    r = evaluate(bloc)
    assert r.max_total == 10 and r.units[0].total == 10 and r.units[0].bonus == 2
    assert r.sections == [("I", "Tiêu chí I")]


def test_blank_bonus_and_penalty_are_zero():
    r = evaluate(full_bloc({"A": {k: v for k, v in GOOD["Sở A"].items()
                                  if k not in ("III.1", "IV.1")}}))
    assert r.status == "ok"
    assert r.units[0].bonus == 0 and r.units[0].penalty == 0


@pytest.mark.parametrize("cell,code", [
    ("abc", "not-a-number"), ("1.000", "ambiguous-number"), ("#REF!", "excel-error"),
    (12, "score-above-max"), (-1, "score-negative"),
    (RawCell(value=None, uncached_formula=True), "uncached-formula"),
])
def test_cell_errors_have_ref_and_block_ranks(cell, code):
    scores = {n: dict(v) for n, v in GOOD.items()}
    scores["Sở A"]["I.1"] = cell
    r = evaluate(full_bloc(scores))
    errs = [f for f in r.findings if f.code == code]
    assert len(errs) == 1
    f = errs[0]
    assert f.severity is Severity.ERROR
    assert f.sheet == "Chấm điểm" and f.cell == "F6"
    assert "Sở A" in f.message and "I.1" in f.message
    assert f.fix
    assert r.status == "errors"
    assert all(u.rank is None and u.classification is None and u.award is None
               for u in r.units)
    assert r.proposals == [] and r.next_head is None
    totals = by_name(r)
    assert totals["Sở A"].total is None
    assert totals["Sở B"].total == 56.0  # the other units keep their totals


def test_uncached_formula_says_open_in_excel():
    scores = {n: dict(v) for n, v in GOOD.items()}
    scores["Sở A"]["I.1"] = RawCell(value=None, uncached_formula=True)
    f = [f for f in evaluate(full_bloc(scores)).findings if f.code == "uncached-formula"][0]
    assert "Excel" in f.fix and "lưu" in f.fix


def test_other_cell_errors():
    scores = {n: dict(v) for n, v in GOOD.items()}
    scores["Sở A"]["I.3"] = "Tốt"
    scores["Sở B"]["II.3"] = "2,5"
    scores["Sở C"]["III.1"] = 9
    scores["Sở C"]["IV.1"] = "-7"
    r = evaluate(full_bloc(scores))
    assert sorted(codes(r)) == sorted(["not-yes-no", "count-not-integer", "score-above-max",
                                       "score-above-max"])


def test_missing_score_on_scored_leaf():
    scores = {n: dict(v) for n, v in GOOD.items()}
    del scores["Sở B"]["I.1"]
    r = evaluate(full_bloc(scores))
    [f] = [f for f in r.findings if f.code == "missing-score"]
    assert "Sở B" in f.message and f.cell == "G6"  # derived from the unit's column
    assert by_name(r)["Sở B"].total is None


def test_unit_without_any_score_is_one_error():
    scores = {n: dict(v) for n, v in GOOD.items()}
    scores["Sở D"] = {}
    r = evaluate(full_bloc(scores))
    assert codes(r) == ["missing-score"]


def test_target_missing_one_error_on_criterion_row():
    bloc = make_bloc([crit("I"), crit("I.1", 10, type=QUANT, target=0),
                      crit("I.2", 10, type=LEAD)],
                     {"A": {"I.1": 5, "I.2": 5}, "B": {"I.1": 6, "I.2": 7}})
    r = evaluate(bloc)
    errs = [f for f in r.findings if f.code == "target-missing"]
    assert [f.cell for f in errs] == ["F6", "F7"]
    assert all(u.total is None for u in r.units)


def test_per_time_and_max_missing():
    bloc = make_bloc([crit("I"), crit("I.1", 10, type=COUNT), crit("I.2", None)],
                     {"A": {"I.1": 1, "I.2": 5}})
    r = evaluate(bloc)
    assert sorted(codes(r)) == ["max-missing", "per-time-missing"]
    assert r.max_total is None


def test_parent_max_mismatch_weighted():
    ok = make_bloc([crit("I", 30), crit("I.1", 10), crit("I.2", 10, weight=2)],
                   {"A": {"I.1": 1, "I.2": 1}})
    assert evaluate(ok).status == "ok"
    bad = make_bloc([crit("I", 20), crit("I.1", 10), crit("I.2", 10, weight=2),
                     crit("II", 12), crit("II.1", 8), crit("II.1.a", 4), crit("II.1.b", 4),
                     crit("II.2", 4)],
                    {"A": {"I.1": 1, "I.2": 1, "II.1.a": 1, "II.1.b": 1, "II.2": 1}})
    r = evaluate(bad)
    assert codes(r) == ["parent-max-mismatch"]
    assert r.findings[0].cell == "C5"
    assert r.max_total == 42


def test_declared_max_mismatch():
    bloc = make_bloc([crit("I"), crit("I.1", 10)], {"A": {"I.1": 5}}, declared_max=100)
    r = evaluate(bloc)
    assert codes(r) == ["declared-max-mismatch"]
    assert r.findings[0].ref == "Thông tin!B6"
    assert evaluate(make_bloc([crit("I"), crit("I.1", 10)], {"A": {"I.1": 5}},
                              declared_max=10)).status == "ok"


def test_stated_total_mismatch_is_warning():
    bloc = totals_bloc({"A": 90, "B": 80}, stated={"A": "90,004", "B": 81})
    r = evaluate(bloc)
    assert codes(r) == ["stated-total-mismatch"]
    f = r.findings[0]
    assert f.severity is Severity.WARNING and "B" in f.message
    assert r.status == "ok" and r.units[0].rank == 1


def test_parser_errors_suppress_results():
    report = Report()
    report.error("unit-not-found", "…", ref="Đơn vị!B3")
    r = evaluate(totals_bloc({"A": 99, "B": 80}), report)
    assert r.status == "errors"
    assert codes(r) == ["unit-not-found"]
    assert [u.rank for u in r.units] == [None, None]
    assert [u.total for u in r.units] == [99, 80]
    assert r.proposals == [] and r.next_head is None and r.next_deputy is None


def test_warnings_do_not_suppress_results():
    report = Report()
    report.warning("year-unknown", "…")
    r = evaluate(totals_bloc({"A": 99, "B": 80}), report)
    assert r.status == "ok" and r.units[0].rank == 1
    assert codes(r) == ["year-unknown"]


def test_result_fields():
    r = evaluate(totals_bloc({"A": 99, "B": 80}, head="B"))
    assert (r.file, r.bloc, r.year, r.province, r.head) == ("thu.xlsx", "Khối thử", 2024,
                                                          "Thanh Hóa", "B")
    assert r.next_head == "A"
    assert r.units[0].classification is Classification.HTXS
    j = r.to_json()
    assert j["units"][0]["name"] == "A"


def test_discipline_cap_applied_and_noted():
    from tests.core.factory import unit
    from thidua_xl.core.models import Discipline

    units = [unit("A", discipline=Discipline.REPRIMAND), unit("B", discipline=Discipline.WARNING)]
    r = evaluate(totals_bloc({"A": 99, "B": 98}, units=units, has_discipline=True))
    u = by_name(r)
    assert u["A"].classification is Classification.HTT
    assert u["B"].classification is Classification.HT
    assert any("kỷ luật" in n for n in u["A"].notes)
    assert r.proposals == []


def test_tiebreak_unknown_label_is_warning():
    r = evaluate(totals_bloc({"A": 99, "B": 98}, rules=Rules(tiebreak=["Điểm trừ", "Mục XX"])))
    assert codes(r) == ["tiebreak-unknown"]
    assert r.status == "ok"


def test_effective_types_inherit_from_section():
    from thidua_xl.core.engine import effective_types
    from thidua_xl.core.models import CriterionType as T

    bloc = make_bloc([crit("I"), crit("I.1", 10), crit("I.2", 2, type=PENALTY),
                      crit("II", text="Điểm trừ"), crit("II.1", 3), crit("II.1.a", 3),
                      crit("III", type=BONUS), crit("III.1", 2, type=QUAL)],
                     {"A": {"I.1": 5}})
    types = effective_types(bloc)
    assert types["I.1"] is T.SCORE and types["I.2"] is T.PENALTY
    assert types["II"] is T.PENALTY and types["II.1.a"] is T.PENALTY
    assert types["III.1"] is T.QUALITATIVE  # an explicit type is kept


def test_percent_format_cells_and_weight_not_on_bonus():
    bloc = make_bloc([crit("I"), crit("I.1", 10, type=QUANT, target=100, weight=2),
                      crit("II", text="Điểm thưởng", type=BONUS), crit("II.1", 3, weight=2)],
                     {"A": {"I.1": RawCell(value=0.95, percent=True), "II.1": 2}})
    r = evaluate(bloc)
    assert r.units[0].leaf_scores["I.1"] == pytest.approx(9.5)
    assert r.units[0].total == 19 + 2
    assert r.max_total == 20


def test_section_sums_when_a_section_comes_back_and_around_blanks():
    """A section's leaves need not be together: each sum adds its own leaves in sheet
    order (weights included), the sections keep the order they first appear in, and a
    unit without a value on a leaf has no sum for that section."""
    from tests.core.factory import SCORE

    specs = [crit("I", text="Công tác chung"), crit("I.1", 10), crit("I.2", 10, weight=2.0),
             crit("II", text="Công tác khác"), crit("II.1", 10), crit("II.2", 5, type=QUAL),
             crit("I.3", 10), crit("III", text="Phần ba"), crit("III.1", 10),
             crit("II.3", 10, type=SCORE)]
    values = {"I.1": 0.1, "I.2": 0.7, "II.1": 3.3, "II.2": "Đạt", "I.3": 0.2, "III.1": 0.0,
              "II.3": 6.05}
    r = evaluate(make_bloc(specs, {"Sở A": values, "Sở B": {**values, "III.1": None},
                                   "Sở C": {**values, "I.3": None}}))
    got = {u.name: u for u in r.units}
    a = got["Sở A"]
    ref = {"I": 0.1 + 2.0 * 0.7 + 0.2, "II": 3.3 + a.leaf_scores["II.2"] + 6.05, "III": 0.0}
    assert a.sections == {k: round(v, 2) for k, v in ref.items()}
    assert list(a.sections) == ["I", "II", "III"]
    assert list(a.leaf_scores) == ["I.1", "I.2", "II.1", "II.2", "I.3", "III.1", "II.3"]
    assert a.has_zero_leaf and len(a.zero_leaves) == 1 and a.zero_leaves[0].startswith("III.1")
    assert "III" not in got["Sở B"].sections and got["Sở B"].total is None
    assert "I" not in got["Sở C"].sections and got["Sở C"].sections["II"] == a.sections["II"]


@pytest.mark.parametrize("paths", [["I.1", "I.4", "I.3"], ["I.3"], ["I.1", "X.9", "I.2", "I.4"],
                                   ["I.2", "I.3"], []])
def test_gather_reads_unit_cells_as_their_raw_cells(paths):
    """The column-oriented cells give the engine's read (CellReader.gather) what the same
    cells as RawCells give: every leaf in the table (picked in one call), a single one, one
    outside the table, none."""
    from thidua_xl.core.cells import ScoreTable, UnitCells
    from thidua_xl.core.unit_columns import CellReader

    table = ScoreTable("Chấm điểm", [5, 6, 7, 8], {"I.1": 0, "I.2": 1, "I.4": 2, "I.3": 3})
    cells = UnitCells(table, [9, None, None, 2.5], [6, 0, 6, 7], {6: "Thống nhất"},
                      percent={3}, uncached={2})  # (I.2: no cell; I.4: an uncached formula)
    raw = {p: cells[p] for p in paths if p in cells}
    a = CellReader(paths).gather(cells)
    b = CellReader(paths).gather(raw)
    assert list(a[0]) == list(b[0]) and [bool(x) for x in a[1]] == list(b[1])
    assert a[2] == b[2] and a[3] == b[3]
    for j, p in enumerate(paths):
        if p in raw:
            assert a[4](j) == b[4](j) == raw[p].ref
