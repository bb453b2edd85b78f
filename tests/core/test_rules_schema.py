"""The "Quy định" rule set is validated by the pydantic schema: values that break a rule
are left out (the default stands), and every violation comes back with its location."""
from __future__ import annotations

from thidua_xl.core.models import FORM_MERIT, Classification, Succession, default_forms
from thidua_xl.core.rules_schema import validate_rules


def _codes(problems):
    return sorted((p.loc, p.code) for p in problems)


def test_valid_values_become_the_rules():
    rules, problems = validate_rules(
        {"htxs_percent": 90, "htt_percent": 80.0, "ht_percent": 70, "tiebreak": ["Điểm trừ", "I"],
         "succession": Succession.ROTATION},
        [{"name": "Cờ", "max_count": 1.0, "min_class": Classification.HTXS, "ref": "Quy định!A9"},
         {"name": "Bằng khen", "max_percent": 20, "last_year_htxs": True}])
    assert problems == []
    assert (rules.htxs_percent, rules.htt_percent, rules.ht_percent) == (90, 80, 70)
    assert rules.tiebreak == ["Điểm trừ", "I"] and rules.succession is Succession.ROTATION
    assert rules.from_sheet
    assert [(f.name, f.max_count, f.max_percent, f.last_year_htxs) for f in rules.forms] == [
        ("Cờ", 1, None, False), ("Bằng khen", None, 20, True)]
    assert isinstance(rules.forms[0].max_count, int) and rules.forms[0].ref == "Quy định!A9"


def test_out_of_range_threshold_falls_back_to_its_default():
    rules, problems = validate_rules({"htxs_percent": 120, "htt_percent": 80})
    assert _codes(problems) == [(("htxs_percent",), "bad-rule")]
    assert "không quá 100" in problems[0].reason
    assert (rules.htxs_percent, rules.htt_percent) == (95, 80)


def test_thresholds_that_do_not_fall_are_all_dropped():
    rules, problems = validate_rules({"htxs_percent": 80, "htt_percent": 90, "ht_percent": 70})
    assert _codes(problems) == [((), "bad-rule")]
    assert "giảm dần" in problems[0].reason and "80, 90, 70" in problems[0].reason
    assert (rules.htxs_percent, rules.htt_percent, rules.ht_percent) == (95, 85, 75)


def test_bad_form_rows_are_skipped_with_their_field():
    rules, problems = validate_rules({}, [
        {"name": "Cờ", "max_count": -1},
        {"name": "Bằng khen", "max_count": 2.5},
        {"name": "Giấy khen"},
        {"name": "Tập thể", "max_percent": 150},
        {"name": "Lao động", "max_count": 3},
        {"name": "lao  ĐỘNG", "max_count": 1},
    ])
    assert _codes(problems) == [
        (("forms", 0, "max_count"), "bad-rule"),
        (("forms", 1, "max_count"), "bad-rule"),
        (("forms", 2), "form-quota-missing"),
        (("forms", 3, "max_percent"), "bad-rule"),
        (("forms", 5, "name"), "form-duplicate"),
    ]
    reasons = {p.loc: p.reason for p in problems}
    assert reasons[("forms", 0, "max_count")] == "phải từ 0 trở lên"
    assert reasons[("forms", 1, "max_count")] == "phải là số nguyên"
    assert [f.name for f in rules.forms] == ["Lao động"]


def test_no_valid_form_keeps_the_default_forms():
    rules, problems = validate_rules({}, [{"name": "Cờ", "max_count": -1}])
    assert problems and [f.name for f in rules.forms] == [f.name for f in default_forms()]
    assert FORM_MERIT in [f.name for f in rules.forms]
