"""Turning raw cell values (as any reader gives them) into numbers and yes/no answers.

Shared by the workbook parser and the worksheet functions, so both accept exactly the
same inputs ("8,5", "95%", "-", numbers with a percent format ...).
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from .record import record

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

#: text that means "no value" in a numeric cell
NO_VALUE_TEXT = {"", "-", "–", "—", "x", "X"}
_NUM = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+$")
#: numbers at or above this magnitude are refused ("number-too-large") before any
#: arithmetic: Excel keeps 15 significant digits, so no score, maximum or threshold is that
#: large, and sums of many such numbers stay finite and exact to 2 decimals (Excel itself
#: accepts up to 9.99999999999999E+307, whose sums overflow to infinity)
MAX_MAGNITUDE = 1e15
EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
                "#GETTING_DATA", "#SPILL!", "#CALC!"}


@record(frozen=True)
class Parsed:
    """Outcome of parsing one cell: ``value`` (None = no value) or a ``problem`` code."""

    value: float | None = None
    #: "not-a-number", "ambiguous-number", "excel-error", "number-too-large"
    problem: str | None = None
    text: str = ""


def is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if isinstance(raw, str) and raw.strip().replace("\u00a0", "") == "":
        return True
    return False


def parse_number(raw: Any, *, percent_format: bool = False, x_is_blank: bool = True) -> Parsed:
    """Parse a numeric cell.

    - numbers are numbers; a number cell with a percent format is value × 100;
    - text "8,5" / "8.5" / " 8.5 " → 8.5; "95%" → 95; "1.000"/"1,000" is ambiguous;
    - blank, "-", "–", "—" (and "x" when ``x_is_blank``) → no value;
    - an Excel error value or other text → a problem.
    """
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, bool):
        return Parsed(1.0 if raw else 0.0)
    if isinstance(raw, (int, float)):
        try:
            v = float(raw)
        except OverflowError:  # an int beyond any float
            return Parsed(None, "number-too-large", _shown(raw))
        if math.isnan(v):
            return Parsed(None, "not-a-number", str(raw))
        v = v * 100.0 if percent_format else v
        if not abs(v) < MAX_MAGNITUDE:
            return Parsed(None, "number-too-large", _shown(raw))
        return Parsed(v)
    if isinstance(raw, (datetime, date, time, timedelta)):
        return Parsed(None, "not-a-number", str(raw))
    text = str(raw).replace("\u00a0", " ").strip()
    if text in NO_VALUE_TEXT and (x_is_blank or text.lower() != "x"):
        return Parsed(None, text=text)
    if text.upper() in EXCEL_ERRORS or (text.startswith("#") and text.endswith(("!", "?", "A"))):
        return Parsed(None, "excel-error", text)
    percent = text.endswith("%")
    body = text[:-1].strip() if percent else text
    body = body.replace(" ", "")
    if _THOUSANDS.match(body) and not re.match(r"^[+-]?0[.,]", body):
        # "1.000" or "1,000": thousands separator or a decimal? never used in scores
        return Parsed(None, "ambiguous-number", text)
    if not _NUM.match(body):
        return Parsed(None, "not-a-number", text)
    v = float(body.replace(",", "."))
    if not abs(v) < MAX_MAGNITUDE:
        return Parsed(None, "number-too-large", _shown(text))
    return Parsed(v, text=text)


def is_finite_number(v: Any) -> bool:
    """A plain int/float that may be used as is (finite, below :data:`MAX_MAGNITUDE`)."""
    return (type(v) is float or type(v) is int) and -MAX_MAGNITUDE < v < MAX_MAGNITUDE


def _shown(raw: Any) -> str:
    """A number too large to show whole: "9e+307", or a 400-digit text cut to 20 digits."""
    if isinstance(raw, float):
        return f"{raw:g}"
    s = str(raw)
    return s if len(s) <= 24 else s[:20] + "…"


_YES = {"dat", "x", "1", "co", "yes", "true", "v", "✓", "✔", "1.0"}
_NO = {"khong dat", "0", "khong", "no", "false", "chua dat", "0.0"}


def parse_yes_no(raw: Any) -> tuple[bool | None, str | None]:
    """Định tính cell: Đạt/x/1/Có → True; Không đạt/0/Không → False; blank → None.

    Returns ``(value, problem)``; problem "not-yes-no" for other text.
    """
    from .text import fold

    if is_blank(raw):
        return None, None
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, (int, float)):
        if float(raw) == 1.0:
            return True, None
        if float(raw) == 0.0:
            return False, None
        return None, "not-yes-no"
    f = fold(raw)
    if f in {"-", "–", "—"}:
        return None, None
    if f in _YES:
        return True, None
    if f in _NO:
        return False, None
    return None, "not-yes-no"


_SCALES = tuple(10.0 ** n for n in range(7))


def round_half_up(x: float, ndigits: int = 2) -> float:
    """Round half-up (away from zero for .5), robust to binary noise: 2.675 → 2.68."""
    if x is None:
        return None  # type: ignore[return-value]
    x = float(x)
    if not abs(x) < MAX_MAGNITUDE:  # inf, nan, or beyond 2-decimal precision: as it is
        return x
    if 0 <= ndigits <= 6:
        # fast path, exact when the digit after the last kept one is clearly not a 5
        # followed by nothing: k / 10**n is then the float nearest to the decimal result,
        # as float(Decimal.quantize(...)) below gives (a test compares the two)
        scale = _SCALES[ndigits]
        y = abs(x) * scale
        whole = math.floor(y)
        frac = y - whole
        # (margin: the noise removed below, and the float's own precision)
        if y < 2.0**52 and abs(frac - 0.5) > 1e-6 + 1e-9 * scale + y * 1e-15:
            return math.copysign((whole + (frac > 0.5)) / scale, x)
    # round away binary noise first (2.6749999999999998 is 2.675 typed by a person)
    from decimal import ROUND_HALF_UP, Decimal  # here: the fast path needs no decimal

    d = Decimal(repr(round(float(x), 9)))
    q = Decimal(1).scaleb(-ndigits)
    return float(d.quantize(q, rounding=ROUND_HALF_UP))


def vn_number(x: float | None, decimals: int | None = None) -> str:
    """A number as Vietnamese users write it: decimal comma, no thousands separator.

    ``decimals=None`` trims: 12 → "12", 8.5 → "8,5", 2.675 → "2,675" (up to 4 decimals);
    ``decimals=2`` → "98,50" (half-up).
    """
    if x is None:
        return ""
    if isinstance(x, bool):
        x = float(x)
    if decimals is None:
        v = round_half_up(float(x), 4) + 0.0  # + 0.0: no "-0"
        if v == int(v):
            return str(int(v))
        s = f"{v:.4f}".rstrip("0").rstrip(".")
    else:
        v = round_half_up(float(x), decimals) + 0.0
        s = f"{v:.{decimals}f}"
    return s.replace(".", ",")
