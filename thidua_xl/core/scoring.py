"""Per-cell validation, leaf scores of the seven criterion types, and unit totals.

Pure functions shared by the engine (:mod:`thidua_xl.core.engine`) and the worksheet
functions (UDFs). The UDFs call these helpers so that a formula in Excel gives the same
number as the command line for the same data:

- :func:`criterion_type` — the "Loại" label → :class:`CriterionType` (``None`` if unknown)
- :func:`check_value` — validate one raw cell for a criterion type (problem codes)
- :func:`leaf_score` — the score of a leaf from its parsed value
- :func:`quantitative_score`, :func:`leading_score` — Định lượng / Định lượng dẫn đầu
- :func:`column_total` — the total of a score column (``TD_TONGDIEM`` / ``TD_KIEMTRA``)
- :func:`vn_number` — a number with the Vietnamese decimal comma ("98,50")

Spec: shared/spec/bloc-workbook.md, "Criterion types", "Unit totals", "Cell values".
"""
from __future__ import annotations

import math
import re

from .record import record
from .models import CRITERION_TYPE_VARIANTS, CriterionType
from .text import fold
from .vocab import CRITERION_TYPE_EXTRA
from .values import (is_blank, is_finite_number, parse_number, parse_yes_no, round_half_up,
                     vn_number)

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Sequence

    from .models import Criterion, RawCell

#: tolerance for comparing a score with its maximum (binary noise, not user precision)
EPS = 1e-9

#: problem codes produced by :func:`check_value` (all stable, kebab-case)
CELL_PROBLEMS = (
    "not-a-number",
    "ambiguous-number",
    "number-too-large",
    "excel-error",
    "uncached-formula",
    "score-above-max",
    "score-negative",
    "not-yes-no",
    "count-not-integer",
)

_TYPE_BY_FOLD: dict[str, CriterionType] = {
    fold(label): ctype
    for ctype, labels in CRITERION_TYPE_VARIANTS.items()
    for label in (*labels, ctype.value)
}
# a few spellings seen in real workbooks (still compared folded)
for _label, _canonical in CRITERION_TYPE_EXTRA.items():
    _TYPE_BY_FOLD.setdefault(fold(_label), CriterionType(_canonical))


# --------------------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------------------
def shown_value(raw: Any, percent: bool = False) -> str:
    """A raw cell value as the user sees it, for messages (``percent``: the cell has a
    percent format, so 1 shows as "100%")."""
    if raw is None:
        return "(trống)"
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        f = float(raw)
        if math.isnan(f) or math.isinf(f):
            return str(raw)
        return vn_number(f * 100) + "%" if percent else vn_number(f)
    return str(raw).strip()


# --------------------------------------------------------------------------------------
# criterion types
# --------------------------------------------------------------------------------------
def criterion_type(label: object) -> CriterionType | None:
    """The criterion type named by a "Loại" cell.

    Compared with :func:`thidua_xl.core.text.fold` against every variant of
    shared/spec/bloc-workbook.md ("Chấm điểm"/"Điểm", "Định tính"/"Đạt/Không đạt",
    "Định lượng"/"Tỷ lệ", "Định lượng dẫn đầu"/"Dẫn đầu", "Chấm thẳng"/"Số lần",
    "Điểm thưởng"/"Cộng điểm"/"Thưởng", "Điểm trừ"/"Trừ điểm"/"Trừ").
    A blank label is :attr:`CriterionType.SCORE`; an unknown label gives ``None``.
    A :class:`CriterionType` is returned as is.
    """
    if isinstance(label, CriterionType):
        return label
    if is_blank(label):
        return CriterionType.SCORE
    key = fold(label)
    if key in _TYPE_BY_FOLD:
        return _TYPE_BY_FOLD[key]
    # "Đạt/Không đạt" folds with its slash kept; tolerate spaces around it
    key2 = key.replace(" / ", "/").replace("/ ", "/").replace(" /", "/")
    return _TYPE_BY_FOLD.get(key2)


_SECTION_TYPE_TITLE = re.compile(
    r"^(?:[ivxlc]+[.)]? )?(?:(diem thuong|diem cong|cong diem|thuong)|(diem tru|tru diem))\b")


def section_type_from_text(text: object) -> CriterionType | None:
    """BONUS / PENALTY when a section's title says so ("Điểm thưởng", "ĐIỂM TRỪ ...").

    Used for a section whose "Loại" cell is blank: a section titled "Điểm thưởng" is a
    bonus section in every workbook we have seen.
    """
    m = _SECTION_TYPE_TITLE.match(fold(text))
    if not m:
        return None
    return CriterionType.BONUS if m.group(1) else CriterionType.PENALTY


# --------------------------------------------------------------------------------------
# one cell
# --------------------------------------------------------------------------------------
@record(frozen=True, slots=True)
class CellCheck:
    """Outcome of validating one cell.

    ``value``: the parsed value (float; bool for Định tính; ``None`` = no value).
    ``problem``: a code of :data:`CELL_PROBLEMS` or ``None``; ``text`` the value as shown
    (made only when asked: messages need it, the thousands of good cells do not).
    """

    value: float | bool | None = None
    problem: str | None = None
    raw: Any = None
    shown: str = ""  # the reading's own text when it has one ("1.000" ...)

    @property
    def text(self) -> str:
        return self.shown or shown_value(self.raw)

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_value(
    ctype: CriterionType,
    raw: Any,
    *,
    max: float | None = None,
    percent: bool = False,
    uncached_formula: bool = False,
) -> CellCheck:
    """Validate a unit's raw cell for a criterion of type ``ctype``.

    - an uncached formula → "uncached-formula";
    - Định tính: Đạt/x/1/Có → True, Không đạt/0/Không → False, other text "not-yes-no";
    - other types: :func:`~thidua_xl.core.values.parse_number` ("8,5", "95%", percent
      format ×100; "x" is no value) → "not-a-number", "ambiguous-number", "excel-error";
    - Điểm trừ: "-2" means 2 (absolute value);
    - Chấm điểm, Điểm thưởng, Điểm trừ: in [0, max] ("score-negative", "score-above-max");
    - Chấm thẳng: an integer ≥ 0 ("count-not-integer", "score-negative");
    - Định lượng, dẫn đầu: the actual result, ≥ 0 ("score-negative").

    A blank cell gives ``value=None`` without a problem: the caller decides whether that is
    an error (scored leaf) or 0 (bonus, penalty).
    """
    if uncached_formula:
        return CellCheck(None, "uncached-formula", raw)
    if ctype is CriterionType.QUALITATIVE:
        yes, problem = parse_yes_no(raw)
        if problem:
            return CellCheck(None, problem, raw)
        return CellCheck(yes, None, raw)
    if is_finite_number(raw) and (not percent or is_finite_number(raw * 100.0)):
        v = raw * 100.0 if percent else float(raw)  # parse_number's rule for numbers
    else:
        parsed = parse_number(raw, percent_format=percent, x_is_blank=True)
        if parsed.problem:
            return CellCheck(None, parsed.problem, raw, parsed.text)
        v = parsed.value
        if v is None:
            return CellCheck(None, None, raw)
    if ctype is CriterionType.PENALTY:
        v = abs(v)
    if v < 0:
        return CellCheck(v, "score-negative", raw)
    if ctype is CriterionType.COUNT:
        if abs(v - round(v)) > EPS:
            return CellCheck(v, "count-not-integer", raw)
        return CellCheck(float(round(v)), None, raw)
    if ctype in (CriterionType.SCORE, CriterionType.BONUS, CriterionType.PENALTY):
        if max is not None and v > max + EPS:
            return CellCheck(v, "score-above-max", raw)
    return CellCheck(v, None, raw)


# --------------------------------------------------------------------------------------
# leaf scores
# --------------------------------------------------------------------------------------
def quantitative_score(actual: float, target: float, max: float) -> float:
    """Định lượng: ``max × min(actual / target, 1)`` (never below 0).

    Raises ``ValueError`` when ``target`` is not > 0 (the caller reports "target-missing").
    """
    if target is None or target <= 0:
        raise ValueError("target must be > 0")
    ratio = min(float(actual) / float(target), 1.0)
    return float(max) * (ratio if ratio > 0 else 0.0)


def leading_score(actual: float, target: float, max: float, best: float | None) -> float:
    """Định lượng dẫn đầu.

    - ``actual ≤ target``: ``0.5·max·actual/target``;
    - ``actual`` above target and ``actual ≥ best`` (the bloc's best actual; or no best
      given): ``max``;
    - others above target: linear between 0.5·max (at target) and max (at best):
      ``0.5·max + 0.5·max·(actual − target)/(best − target)``.
    """
    if target is None or target <= 0:
        raise ValueError("target must be > 0")
    actual = float(actual)
    max = float(max)
    if actual <= target:
        return 0.5 * max * (actual / target if actual > 0 else 0.0)
    if best is None or best <= target or actual >= best:
        return max
    return 0.5 * max + 0.5 * max * (actual - target) / (best - target)


def leaf_score(
    ctype: CriterionType,
    value: float | bool,
    *,
    max: float | None,
    target: float | None = None,
    per_time: float | None = None,
    best: float | None = None,
) -> float:
    """The score of a leaf (before its weight) from an already parsed value.

    ``value``: points (Chấm điểm, Điểm thưởng, Điểm trừ — the penalty as a positive
    number), True/False or 1/0 (Định tính), the actual result (Định lượng, dẫn đầu; ``best``
    is the bloc's best actual for dẫn đầu), a count (Chấm thẳng, × ``per_time``, capped at
    ``max``). Raises ``ValueError`` when the criterion lacks what the type needs.
    """
    ctype = criterion_type(ctype) or CriterionType.SCORE
    if ctype is CriterionType.QUALITATIVE:
        if max is None:
            raise ValueError("max is required")
        return float(max) if bool(value) else 0.0
    v = float(value)
    if ctype is CriterionType.PENALTY:
        return abs(v)
    if ctype in (CriterionType.SCORE, CriterionType.BONUS):
        return v
    if max is None:
        raise ValueError("max is required")
    if ctype is CriterionType.QUANTITATIVE:
        return quantitative_score(v, target, max)  # type: ignore[arg-type]
    if ctype is CriterionType.LEADING:
        return leading_score(v, target, max, best)  # type: ignore[arg-type]
    if ctype is CriterionType.COUNT:
        if per_time is None:
            raise ValueError("per_time is required")
        return min(v * float(per_time), float(max))
    raise ValueError(f"unknown type {ctype!r}")  # pragma: no cover


# --------------------------------------------------------------------------------------
# messages
# --------------------------------------------------------------------------------------
def problem_text(problem: str, shown: str, *, max: float | None = None) -> str:
    """A short Vietnamese description of a cell problem (used in UDF messages)."""
    if problem == "score-above-max":
        return f"điểm {shown} vượt điểm tối đa {vn_number(max)}"
    if problem == "score-negative":
        return f"giá trị {shown} là số âm"
    if problem == "not-a-number":
        return f"“{shown}” không phải là số"
    if problem == "ambiguous-number":
        return f"“{shown}” không rõ có dấu phân cách hàng nghìn hay dấu thập phân"
    if problem == "number-too-large":
        return f"số {shown} quá lớn (phải nhỏ hơn 10^15)"
    if problem == "excel-error":
        return f"ô có lỗi Excel {shown}"
    if problem == "uncached-formula":
        return "công thức chưa được tính (mở và lưu tệp bằng Excel)"
    if problem == "not-yes-no":
        return f"“{shown}” không phải Đạt/Không đạt"
    if problem == "count-not-integer":
        return f"số lần {shown} không phải số nguyên"
    if problem == "unknown-type":
        return f"loại tiêu chí “{shown}” không hợp lệ"
    if problem == "max-not-a-number":
        return f"điểm tối đa “{shown}” không phải là số"
    if problem == "weight-not-a-number":
        return f"hệ số “{shown}” không phải là số dương"
    return f"giá trị “{shown}” không hợp lệ"


# --------------------------------------------------------------------------------------
# a score column (worksheet functions)
# --------------------------------------------------------------------------------------
def _at(seq: Sequence[Any] | None, i: int) -> Any:
    if seq is None or i >= len(seq):
        return None
    return seq[i]


def column_total(
    values: Sequence[Any],
    maxes: Sequence[Any],
    weights: Sequence[Any] | None = None,
    types: Sequence[Any] | None = None,
) -> tuple[float | None, list[str]]:
    """Total of one score column, as ``TD_TONGDIEM`` / ``TD_KIEMTRA`` compute it.

    Rows are aligned by position (``values[i]`` with ``maxes[i]``, ``weights[i]``,
    ``types[i]``; missing entries are blank). For each row:

    - score blank and max blank → a header row, skipped;
    - score blank and max given → 0;
    - Chấm điểm (and Định lượng, dẫn đầu, Chấm thẳng, whose column holds points already
      computed) → weight × points, points in [0, max];
    - Định tính → weight × (max if Đạt else 0); a number equal to 0 or max is accepted too;
    - Điểm thưởng → added, Điểm trừ → subtracted ("-2" means 2), both in [0, max], no weight.

    The same validation as the engine (:func:`check_value`). Returns
    ``(total rounded half-up to 2 decimals, [])`` or ``(None, problems)`` where each problem
    is Vietnamese, e.g. ``"Dòng 3: điểm 12 vượt điểm tối đa 10"`` (rows counted from 1).
    """
    n = max(len(values), len(maxes), len(weights or ()), len(types or ()))
    total = 0.0
    problems: list[str] = []
    for i in range(n):
        row = i + 1
        raw = _at(values, i)
        raw_type = _at(types, i)
        # fast path (the common cell): a plain number within [0, max] on a Chấm điểm row
        # with a numeric max and no weight; everything else takes the full validation below
        if raw_type is None and type(raw) in (int, float):
            mx_raw = _at(maxes, i)
            w_raw = _at(weights, i)
            if (type(mx_raw) in (int, float) and w_raw is None
                    and 0.0 <= raw <= mx_raw < 1e308):
                total += raw
                continue
        ctype = criterion_type(raw_type)
        if ctype is None:
            problems.append(f"Dòng {row}: {problem_text('unknown-type', shown_value(raw_type))}")
            continue
        pmax = parse_number(_at(maxes, i), x_is_blank=True)
        if pmax.problem:
            problems.append(f"Dòng {row}: {problem_text('max-not-a-number', pmax.text)}")
            continue
        mx = pmax.value
        if is_blank(raw) and mx is None:
            continue  # a header row
        weight = 1.0
        if ctype.is_scored:
            pw = parse_number(_at(weights, i), x_is_blank=True)
            if pw.problem or (pw.value is not None and pw.value <= 0):
                problems.append(
                    f"Dòng {row}: {problem_text('weight-not-a-number', pw.text or shown_value(_at(weights, i)))}")
                continue
            weight = pw.value if pw.value is not None else 1.0
        # the column holds points: every type but Định tính is validated as points
        check_type = ctype
        if ctype in (CriterionType.QUANTITATIVE, CriterionType.LEADING, CriterionType.COUNT):
            check_type = CriterionType.SCORE
        check = check_value(check_type, raw, max=mx)
        if check.problem == "not-yes-no" and mx is not None:
            # a Định tính row whose column already holds its points (0 or max)
            num = parse_number(raw)
            if num.value is not None and (abs(num.value) <= EPS or abs(num.value - mx) <= EPS):
                check = CellCheck(num.value == mx and mx > 0, None, check.text)
        if check.problem:
            problems.append(f"Dòng {row}: {problem_text(check.problem, check.text, max=mx)}")
            continue
        if check.value is None:
            continue  # blank on a row with a max: 0
        if ctype is CriterionType.QUALITATIVE:
            if mx is None:
                problems.append(f"Dòng {row}: tiêu chí định tính chưa có điểm tối đa")
                continue
            score = mx if check.value else 0.0
        else:
            score = float(check.value)
        if ctype is CriterionType.BONUS:
            total += score
        elif ctype is CriterionType.PENALTY:
            total -= score
        else:
            total += weight * score
    if problems:
        return None, problems
    return round_half_up(total, 2), []


def best_result(c: Criterion, actuals: dict[str, Any],
                targets: dict[str, dict[str, RawCell]]) -> float | None:
    """The best result at a Định lượng dẫn đầu leaf ``c`` of the units' ``actuals`` (unit
    key -> value, the units with a value there): the best actual, or — when a unit has its
    own target there — the best ratio actual / (own or shared) target; None without one.
    The one rule for the final scores and the self-scores' twin totals."""
    if any(c.path in t for t in targets.values()):
        ratios = [float(v) / target for key, v in actuals.items()
                  if (target := leaf_target(c, targets.get(key)))]
        return max(ratios) if ratios else None
    return max(map(float, actuals.values())) if actuals else None


def score_of(c: Criterion, ctype: CriterionType, value: Any, target: float | None,
             best: float | None, ratio: bool) -> float:
    """A leaf's score of its parsed value: :func:`leaf_score`, a Định lượng dẫn đầu leaf
    where a unit has its own target (``ratio``) scored on actual / target against the best
    ratio. The one rule for the final scores and the self-scores' twin totals."""
    if ctype is CriterionType.SCORE:
        return float(value)
    if ctype is CriterionType.LEADING and ratio and target:
        value, target = float(value) / target, 1.0  # best is a ratio there
    return leaf_score(ctype, value, max=c.max, target=target, per_time=c.per_time, best=best)


def leaf_target(c: Criterion, own: dict[str, RawCell] | None) -> float | None:
    """A leaf's Chỉ tiêu for a unit: its own target there (``own``: path -> cell), else the
    criterion's shared one."""
    cell = own.get(c.path) if own else None
    # a bad own target (value None) is already an error on its cell
    return float(cell.value) if cell is not None and cell.value is not None else c.target
