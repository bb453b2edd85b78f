"""parse_rules.plainly_valid: the rules without pydantic-core must be exactly the schema's
(validate_rules) whenever it answers, and it must leave to the schema every input it
would refuse."""
import itertools
import math
import random

import pytest

from thidua_xl.core.models import Classification, Succession
from thidua_xl.core.rules_schema import validate_rules
from thidua_xl.io.parse_rules import plainly_valid

_NUMBERS = [0, 0.0, -0.0, 1, 3.0, 2.5, 50, 75.0, 85.0, 95.0, 100, 100.0, 100.5, -1, -0.5,
            1e17, 2.0**60, math.inf, -math.inf, math.nan, True, False, None, "95", "x"]
_FORM_VALUES = {
    "max_count": _NUMBERS,
    "max_percent": _NUMBERS,
    "min_class": list(Classification) + [None, "HTXS", 1],
    "no_discipline": [True, False, None, 1, 0, "Có"],
    "last_year_htxs": [True, False, None, 1, "Không"],
    "ref": ["Quy định!B12", None, 3],
    "extra": ["?"],
}
_RULE_VALUES = {
    "htxs_percent": _NUMBERS,
    "htt_percent": _NUMBERS,
    "ht_percent": _NUMBERS,
    "tiebreak": [["Điểm trừ", "I"], [], [""], ["I", 2], ("I",), "I", None],
    "succession": list(Succession) + ["Xếp hạng", None],
    "zero_forbids": [frozenset(), frozenset({Classification.HTXS}), {Classification.HTXS},
                     None, "HTXS"],
    "other": [1],
}


def _same(values, forms):
    fast = plainly_valid(dict(values), [dict(f) for f in forms])
    slow, problems = validate_rules(dict(values), [dict(f) for f in forms])
    if fast is None:
        return  # the schema decides (a refusal, or a value spelt otherwise)
    assert problems == [], (values, forms, problems)
    assert fast == slow, (values, forms)
    for a, b in zip(fast.forms, slow.forms):
        for k in ("max_count", "max_percent"):
            assert type(getattr(a, k)) is type(getattr(b, k)), (k, a, b)
    for k in ("htxs_percent", "htt_percent", "ht_percent"):
        assert type(getattr(fast, k)) is type(getattr(slow, k)), k


def test_usual_sheet_needs_no_schema():
    """What an example's "Quy định" sheet holds (thresholds as typed, two forms) is
    answered here: the common case does not import pydantic-core."""
    values = {"htxs_percent": 95.0, "htt_percent": 85.0, "ht_percent": 75.0,
              "tiebreak": ["Điểm trừ", "I", "II"], "succession": Succession.RANK}
    forms = [{"name": "Cờ thi đua của Chính phủ", "ref": "Quy định!A12", "max_count": 1.0,
              "min_class": Classification.HTXS, "no_discipline": True},
             {"name": "Bằng khen", "ref": "Quy định!A13", "max_percent": 20.0,
              "last_year_htxs": False}]
    fast = plainly_valid(values, forms)
    assert fast is not None
    assert fast.forms[0].max_count == 1 and type(fast.forms[0].max_count) is int
    assert fast == validate_rules(values, forms)[0]


@pytest.mark.parametrize("key", sorted(_RULE_VALUES))
def test_each_rule_value(key):
    for v in _RULE_VALUES[key]:
        _same({key: v}, [])


def test_thresholds_order():
    for a, b, c in itertools.product([70, 80.0, 90, 95.0, 100], repeat=3):
        _same({"htxs_percent": a, "htt_percent": b, "ht_percent": c}, [])


@pytest.mark.parametrize("key", sorted(_FORM_VALUES))
def test_each_form_value(key):
    for v in _FORM_VALUES[key]:
        _same({}, [{"name": "Bằng khen", key: v, "max_percent": 10.0}])
        _same({}, [{"name": "Bằng khen", key: v}])


def test_names_and_duplicates():
    for name in ["Bằng khen", " Bằng khen", "Bằng khen ", "", "  ", None, 5]:
        _same({}, [{"name": name, "max_count": 2.0}])
    _same({}, [{"max_count": 2.0}])
    dup = [{"name": "Bằng khen", "max_count": 1.0}, {"name": "bằng  KHEN", "max_count": 2.0}]
    assert plainly_valid({}, dup) is None
    assert validate_rules({}, dup)[1]


def test_examples_need_no_pydantic():
    """Checking a bundled example does not import pydantic-core (a fresh process)."""
    import subprocess
    import sys
    from pathlib import Path

    books = sorted((Path(__file__).parents[2] / "workbooks" / "examples").glob("*.xlsx"))
    assert books
    code = ("import sys; from thidua_xl.api import check_file\n"
            "for b in sys.argv[1:]: check_file(b)\n"
            "print('pydantic_core' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, *map(str, books)], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"


def test_random_inputs_agree():
    rnd = random.Random(18)
    answered = 0
    for _ in range(3000):
        values = {k: rnd.choice(vs) for k, vs in _RULE_VALUES.items() if rnd.random() < 0.3}
        forms = []
        for _ in range(rnd.randrange(4)):
            fd = {"name": rnd.choice(["Cờ", "Bằng khen", "Giấy khen", "Cờ "])}
            fd.update({k: rnd.choice(vs) for k, vs in _FORM_VALUES.items()
                       if rnd.random() < 0.3})
            forms.append(fd)
        _same(values, forms)
        answered += plainly_valid(values, forms) is not None
    assert answered > 100  # the comparison did run on answered inputs
