"""Classification thresholds and discipline caps."""
from __future__ import annotations

import pytest

from thidua_xl.core.classify import (classification_from_percent, classify, classify_text,
                                     classify_with_note, parse_classification,
                                     parse_discipline)
from thidua_xl.core.models import Classification as C, Discipline as D, Rules


@pytest.mark.parametrize("percent,expected", [
    (100, C.HTXS), (95, C.HTXS), (94.99, C.HTT), (85, C.HTT), (84.99, C.HT), (75, C.HT),
    (74.99, C.KHT), (0, C.KHT),
])
def test_default_thresholds(percent, expected):
    assert classify(percent, False, D.NONE, Rules()) is expected


def test_a_zero_leaf_bars_htxs_and_htt():
    # v2 (QĐ 2579/QĐ-UBND Cần Thơ, Điều 6): the zero rule applies to HTT too
    assert classify(99, True, D.NONE, Rules()) is C.HT
    assert classify(90, True, D.NONE, Rules()) is C.HT
    assert classify(80, True, D.NONE, Rules()) is C.HT  # nothing lowered: no note
    assert classify_with_note(80, True, D.NONE, Rules()) == (C.HT, [])
    assert classify(70, True, D.NONE, Rules()) is C.KHT
    cls, notes = classify_with_note(99, True, D.NONE, Rules(), zero_leaves=["II.5 (Báo cáo)"])
    assert cls is C.HT and notes == [
        "Tiêu chí 0 điểm: II.5 (Báo cáo) – không xếp loại Hoàn thành xuất sắc nhiệm vụ, "
        "Hoàn thành tốt nhiệm vụ (mặc định, theo QĐ 2579/QĐ-UBND tỉnh Cần Thơ)"]
    _, notes = classify_with_note(90, True, D.NONE, Rules(), zero_leaves=["I.1"])
    assert notes == ["Tiêu chí 0 điểm: I.1 – không xếp loại Hoàn thành tốt nhiệm vụ "
                     "(mặc định, theo QĐ 2579/QĐ-UBND tỉnh Cần Thơ)"]


def test_zero_rule_from_the_rules_sheet():
    only_htxs = Rules(zero_forbids=frozenset({C.HTXS}))
    cls, notes = classify_with_note(99, True, D.NONE, only_htxs)
    assert cls is C.HTT and notes[0].endswith("(theo sheet Quy định của khối)")
    assert classify(99, True, D.NONE, Rules(zero_forbids=frozenset())) is C.HTXS


def test_thresholds_from_rules():
    rules = Rules(htxs_percent=90, htt_percent=80, ht_percent=50)
    assert classify(90, False, D.NONE, rules) is C.HTXS
    assert classify(80, False, D.NONE, rules) is C.HTT
    assert classify(50, False, D.NONE, rules) is C.HT
    assert classify(49.99, False, D.NONE, rules) is C.KHT


@pytest.mark.parametrize("discipline,percent,expected", [
    (D.REPRIMAND, 99, C.HTT), (D.REPRIMAND, 90, C.HTT), (D.REPRIMAND, 80, C.HT),
    (D.WARNING, 99, C.HT), (D.WARNING, 90, C.HT), (D.WARNING, 60, C.KHT),
    (D.HEAVIER, 99, C.KHT), (D.HEAVIER, 80, C.KHT), (D.NONE, 99, C.HTXS),
])
def test_discipline_caps(discipline, percent, expected):
    assert classify(percent, False, discipline, Rules()) is expected


def test_cap_note_only_when_lowered():
    cls, notes = classify_with_note(99, False, D.REPRIMAND, Rules(), discipline_text="Khiển trách")
    assert cls is C.HTT and notes == [
        "Xếp loại hạ từ Hoàn thành xuất sắc nhiệm vụ xuống Hoàn thành tốt nhiệm vụ "
        "do kỷ luật Khiển trách (mặc định, theo QĐ 2579/QĐ-UBND tỉnh Cần Thơ)"]
    _, notes = classify_with_note(90, False, D.HEAVIER, Rules(), discipline_text="Cách chức")
    assert notes == ["Xếp loại hạ từ Hoàn thành tốt nhiệm vụ xuống Không hoàn thành nhiệm vụ "
                     "do kỷ luật Cách chức (mặc định, theo QĐ 2579/QĐ-UBND tỉnh Cần Thơ)"]
    assert classify_with_note(80, False, D.REPRIMAND, Rules()) == (C.HT, [])
    assert classify_with_note(None, False) == (None, [])


@pytest.mark.parametrize("text,expected", [
    (None, D.NONE), ("", D.NONE), ("Không", D.NONE), ("khiển trách", D.REPRIMAND),
    ("Cảnh cáo", D.WARNING), ("Cách chức", D.HEAVIER), ("Giáng chức", D.HEAVIER),
    ("Bãi nhiệm", D.HEAVIER), ("Buộc thôi việc", D.HEAVIER), ("Phê bình", None),
    ("nhắc nhở", None),
])
def test_parse_discipline(text, expected):
    assert parse_discipline(text) is expected


def test_unknown_discipline_is_refused_by_the_udf_path():
    with pytest.raises(ValueError):
        classification_from_percent(99, 100, "Phê bình")
    assert classification_from_percent(99, 100, "Cách chức") is C.KHT
    assert classification_from_percent(99, 100, has_zero_leaf=True) is C.HT


def test_helpers_for_worksheet_functions():
    assert classification_from_percent(95, 100) is C.HTXS
    assert classification_from_percent(95, 100, "Cảnh cáo") is C.HT
    assert classification_from_percent(None, 100) is None
    assert classify_text(86, 100) == "Hoàn thành tốt nhiệm vụ"
    assert classify_text(86, 0) == ""
    assert parse_classification("HTXS") is C.HTXS
    assert parse_classification("hoàn thành tốt nhiệm vụ") is C.HTT
    assert parse_classification("Không hoàn thành") is C.KHT
    assert parse_classification("") is None


def test_threshold_compares_the_exact_percent_of_the_rounded_total():
    """189,99 of 200 is 94,995 %: shown as 95,00 % but below the 95 % threshold."""
    from thidua_xl.core.classify import classification_from_percent
    from thidua_xl.core.models import Classification

    assert classification_from_percent(189.99, 200) is Classification.HTT
    assert classification_from_percent(190.0, 200) is Classification.HTXS
    # float noise of an exact 95 % never drops a unit
    assert classification_from_percent(95.0, 100) is Classification.HTXS
    assert classification_from_percent(0.95 * 3, 3) is Classification.HTXS
