"""round_half_up's fast path gives exactly what the Decimal rule gives, and no input
(infinite, huge, NaN) makes it raise (it used to raise decimal.InvalidOperation)."""
import math
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from thidua_xl.core.values import round_half_up


def _decimal_rule(x: float, n: int) -> float:
    d = Decimal(repr(round(float(x), 9)))
    return float(d.quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP))


def test_fast_path_equals_the_decimal_rule():
    rng = random.Random(16)
    cases = [rng.uniform(-1000, 1000) for _ in range(20000)]
    cases += [rng.uniform(-1e14, 1e14) for _ in range(5000)]
    cases += [k / 1000 for k in range(-20000, 20000)]
    cases += [k / 100 + 0.005 for k in range(-5000, 5000)]
    cases += [2.675, 1.005, 0.125, -2.675, -0.001, 0.0, -0.0, 123456789.125]
    for n in (0, 1, 2, 4):
        for x in cases:
            got, want = round_half_up(x, n), _decimal_rule(x, n)
            assert got == want and math.copysign(1, got) == math.copysign(1, want), (x, n)


@pytest.mark.parametrize("x", [9e307, -9e307, 1e15, 1e300, math.inf, -math.inf])
def test_huge_and_infinite_values_come_back_unchanged(x):
    assert round_half_up(x, 2) == x
    assert round_half_up(9e307 + 9e307, 2) == math.inf


def test_nan_comes_back_as_nan():
    assert math.isnan(round_half_up(math.nan, 2))
