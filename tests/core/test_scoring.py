"""Leaf scores of the seven criterion types, cell validation, column totals, rounding."""
from __future__ import annotations

import pytest

from thidua_xl.core.models import CriterionType as T
from thidua_xl.core.scoring import (check_value, column_total, criterion_type, leading_score,
                                    leaf_score, quantitative_score, section_type_from_text,
                                    vn_number)
from thidua_xl.core.values import round_half_up


# --- criterion_type ------------------------------------------------------------------
@pytest.mark.parametrize("label,expected", [
    (None, T.SCORE), ("", T.SCORE), ("  ", T.SCORE), ("Chấm điểm", T.SCORE), ("ĐIỂM", T.SCORE),
    ("Định tính", T.QUALITATIVE), ("Đạt/Không đạt", T.QUALITATIVE),
    ("dat / khong dat", T.QUALITATIVE),
    ("Định lượng", T.QUANTITATIVE), ("tỷ lệ", T.QUANTITATIVE),
    ("Định lượng dẫn đầu", T.LEADING), ("Dẫn đầu", T.LEADING), ("DAN_DAU", T.LEADING),
    ("Chấm thẳng", T.COUNT), ("Số lần", T.COUNT),
    ("Điểm thưởng", T.BONUS), ("Cộng điểm", T.BONUS), ("Thưởng", T.BONUS),
    ("Điểm trừ", T.PENALTY), ("Trừ điểm", T.PENALTY), ("trừ", T.PENALTY),
    ("Đi\u0323nh ti\u0301nh", T.QUALITATIVE),  # NFD
    (T.LEADING, T.LEADING),
])
def test_criterion_type_variants(label, expected):
    assert criterion_type(label) is expected


@pytest.mark.parametrize("label", ["Khác", "Điểm cộng thêm nữa", "abc"])
def test_criterion_type_unknown_is_none(label):
    assert criterion_type(label) is None


def test_section_type_from_title():
    assert section_type_from_text("ĐIỂM THƯỞNG") is T.BONUS
    assert section_type_from_text("Điểm trừ (tối đa 10 điểm)") is T.PENALTY
    assert section_type_from_text("Công tác chung") is None


# --- leaf scores -----------------------------------------------------------------------
def test_score_is_points():
    assert leaf_score(T.SCORE, 8.5, max=10) == 8.5


@pytest.mark.parametrize("value,expected", [(True, 5.0), (False, 0.0), (1.0, 5.0), (0.0, 0.0)])
def test_qualitative(value, expected):
    assert leaf_score(T.QUALITATIVE, value, max=5) == expected


@pytest.mark.parametrize("actual,expected", [(50, 5.0), (100, 10.0), (150, 10.0), (0, 0.0),
                                             (95, 9.5)])
def test_quantitative(actual, expected):
    assert quantitative_score(actual, 100, 10) == pytest.approx(expected)
    assert leaf_score(T.QUANTITATIVE, actual, max=10, target=100) == pytest.approx(expected)


def test_quantitative_needs_target():
    with pytest.raises(ValueError):
        quantitative_score(5, 0, 10)
    with pytest.raises(ValueError):
        leaf_score(T.QUANTITATIVE, 5, max=10, target=None)


def test_leading_at_or_below_target_is_half_proportional():
    assert leading_score(100, 100, 10, best=150) == 5.0
    assert leading_score(50, 100, 10, best=150) == 2.5
    assert leading_score(0, 100, 10, best=None) == 0.0


def test_leading_best_above_target_gets_max():
    assert leading_score(150, 100, 10, best=150) == 10.0


def test_leading_several_above_target_linear():
    # target 100, best 200: 150 is half way between → 0.5·10 + 0.5·10·0.5 = 7.5
    assert leading_score(150, 100, 10, best=200) == pytest.approx(7.5)
    assert leading_score(110, 100, 10, best=200) == pytest.approx(5.5)
    assert leaf_score(T.LEADING, 150, max=10, target=100, best=200) == pytest.approx(7.5)


def test_leading_above_target_without_best_is_max():
    assert leading_score(120, 100, 10, best=None) == 10.0


def test_count_capped_at_max():
    assert leaf_score(T.COUNT, 3, max=10, per_time=2) == 6.0
    assert leaf_score(T.COUNT, 8, max=10, per_time=2) == 10.0
    with pytest.raises(ValueError):
        leaf_score(T.COUNT, 3, max=10, per_time=None)


def test_bonus_and_penalty_points():
    assert leaf_score(T.BONUS, 2, max=5) == 2.0
    assert leaf_score(T.PENALTY, -2, max=5) == 2.0
    assert leaf_score("Trừ điểm", 2, max=5) == 2.0


# --- cell validation ---------------------------------------------------------------------
@pytest.mark.parametrize("raw,expected", [
    (8.5, 8.5), ("8,5", 8.5), ("8.5", 8.5), (" 8,5 ", 8.5), (7, 7.0), ("10", 10.0),
])
def test_check_text_numbers(raw, expected):
    c = check_value(T.SCORE, raw, max=10)
    assert c.ok and c.value == expected


@pytest.mark.parametrize("raw", [None, "", "-", "–", "—", "x", "X"])
def test_check_no_value(raw):
    c = check_value(T.SCORE, raw, max=10)
    assert c.ok and c.value is None


@pytest.mark.parametrize("raw,code", [
    ("tám", "not-a-number"), ("8đ", "not-a-number"), ("1.000", "ambiguous-number"),
    ("#DIV/0!", "excel-error"), ("#N/A", "excel-error"),
])
def test_check_problems(raw, code):
    assert check_value(T.SCORE, raw, max=10).problem == code


def test_check_uncached_formula():
    assert check_value(T.SCORE, None, max=10, uncached_formula=True).problem == "uncached-formula"


def test_check_range():
    assert check_value(T.SCORE, 10.5, max=10).problem == "score-above-max"
    assert check_value(T.SCORE, 10, max=10).ok
    assert check_value(T.SCORE, -1, max=10).problem == "score-negative"
    assert check_value(T.BONUS, 6, max=5).problem == "score-above-max"


def test_penalty_minus_means_points():
    c = check_value(T.PENALTY, "-2", max=5)
    assert c.ok and c.value == 2.0
    assert check_value(T.PENALTY, -6, max=5).problem == "score-above-max"


def test_percent_cells():
    # a number with a percent format is value × 100; "95%" as text is 95
    assert check_value(T.QUANTITATIVE, 0.95, percent=True).value == pytest.approx(95.0)
    assert check_value(T.QUANTITATIVE, "95%").value == 95.0
    assert check_value(T.QUANTITATIVE, "95,5%").value == 95.5


@pytest.mark.parametrize("raw,expected", [
    ("Đạt", True), ("đạt", True), ("x", True), ("X", True), (1, True), ("Có", True),
    ("Không đạt", False), ("Không", False), (0, False), (True, True),
])
def test_check_qualitative(raw, expected):
    c = check_value(T.QUALITATIVE, raw)
    assert c.ok and c.value is expected


def test_check_qualitative_bad():
    assert check_value(T.QUALITATIVE, "Tốt").problem == "not-yes-no"
    assert check_value(T.QUALITATIVE, 5).problem == "not-yes-no"
    assert check_value(T.QUALITATIVE, None).value is None


def test_check_count():
    assert check_value(T.COUNT, "3").value == 3.0
    assert check_value(T.COUNT, 2.5).problem == "count-not-integer"
    assert check_value(T.COUNT, -1).problem == "score-negative"


def test_x_outside_qualitative_is_no_value():
    assert check_value(T.QUANTITATIVE, "x").value is None
    assert check_value(T.COUNT, "x").value is None


# --- rounding and formatting ------------------------------------------------------------------
@pytest.mark.parametrize("x,expected", [(2.675, 2.68), (2.665, 2.67), (1.005, 1.01),
                                        (0.125, 0.13), (98.495, 98.5), (-2.675, -2.68)])
def test_round_half_up(x, expected):
    assert round_half_up(x, 2) == expected


def test_vn_number():
    assert vn_number(98.5, 2) == "98,50"
    assert vn_number(100) == "100"
    assert vn_number(8.5) == "8,5"
    assert vn_number(2.675, 2) == "2,68"
    assert vn_number(-0.0) == "0"


# --- column_total ------------------------------------------------------------------------------
def test_column_total_basic_with_bonus_penalty():
    total, problems = column_total(
        [None, 9, "8,5", "Đạt", 2, "-1"],
        [20, 10, 10, 5, 5, 5],
        None,
        ["", "", "", "Định tính", "Điểm thưởng", "Điểm trừ"])
    # header row (blank score, max 20) counts 0
    assert problems == []
    assert total == 9 + 8.5 + 5 + 2 - 1


def test_column_total_header_rows_skipped_and_blank_with_max_is_zero():
    assert column_total([None, 5, None], [None, 10, 10]) == (5.0, [])


def test_column_total_weights():
    assert column_total([5, 4], [10, 10], [2, None]) == (14.0, [])
    # weights do not apply to bonus
    assert column_total([5, 3], [10, 5], [2, 3], [None, "Thưởng"]) == (13.0, [])


def test_column_total_rounds_half_up():
    total, _ = column_total([1.3375], [10], [2])  # 2.675
    assert total == 2.68


def test_column_total_problems():
    total, problems = column_total([5, 12, "abc"], [10, 10, 10])
    assert total is None
    assert problems[0] == "Dòng 2: điểm 12 vượt điểm tối đa 10"
    assert problems[1].startswith("Dòng 3:")
    total, problems = column_total([5], [10], None, ["Loại lạ"])
    assert total is None and "không hợp lệ" in problems[0]


def test_column_total_qualitative_accepts_points():
    assert column_total([5, 0], [5, 5], None, ["Định tính", "Định tính"]) == (5.0, [])
    total, problems = column_total([3], [5], None, ["Định tính"])
    assert total is None and "Đạt/Không đạt" in problems[0]
