"""Worksheet functions (UDFs) of the add-in: TD_TONGDIEM, TD_DINHLUONG, TD_XEPHANG,
TD_XEPLOAI, TD_KIEMTRA, TD_KHENTHUONG, TD_KETQUA.

They are plain Python functions (``thidua_xl.udfs`` re-exports them) decorated for
xlwings: ranges arrive as lists (``ndim=1`` flattens a column or a row), blank cells as
None. Every number comes from the core (``core.values``, ``core.scoring``,
``core.ranking``, ``core.classify``, ``core.decisions``), so a UDF gives the same number as
the command line for the same data.

Bad input: a UDF never raises into Excel (through xlwings' VBA a Python exception would
show a traceback in the cell). It returns a text beginning with ``#GIÁ TRỊ!`` followed by
the Vietnamese problem, e.g. ``#GIÁ TRỊ! Điểm 12 (dòng 3) vượt điểm tối đa 10.`` —
visible in the cell, testable with ``=LEFT(A1;1)="#"``; TD_KIEMTRA gives the same message
without the prefix. Text numbers ("8,5"), "95%" and blanks are accepted as in workbooks.
"""
from __future__ import annotations

import xlwings as xw

from ..core.values import is_blank, is_finite_number, parse_number, round_half_up
from ..logs import get_logger

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterable

log = get_logger("thidua_xl")  # a failing UDF's traceback: logging only then

ERROR_PREFIX = "#GIÁ TRỊ! "

UDF_NAMES = ("TD_TONGDIEM", "TD_DINHLUONG", "TD_XEPHANG", "TD_XEPLOAI", "TD_KIEMTRA",
             "TD_KHENTHUONG", "TD_KETQUA")

__all__ = list(UDF_NAMES) + ["ERROR_PREFIX", "UDF_NAMES"]


class UdfInputError(ValueError):
    """Bad input to a UDF; its message is Vietnamese and shown in the cell."""


def _error(message: str) -> str:
    return ERROR_PREFIX + message


# --------------------------------------------------------------------------------------
# argument helpers
# --------------------------------------------------------------------------------------
def _flat(x: Any) -> list:
    """A range (scalar, 1D or 2D list/tuple, numpy array) as one flat list."""
    if x is None:
        return []
    if hasattr(x, "tolist"):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        if x and all(type(row) is list for row in x):  # the usual 2D range: rows of scalars
            flat = [v for row in x for v in row]
            if not any(isinstance(v, (list, tuple)) or hasattr(v, "tolist") for v in flat
                       if type(v) not in (int, float, str) and v is not None):
                return flat
        out: list = []
        for item in x:
            if isinstance(item, (list, tuple)) or hasattr(item, "tolist"):
                out.extend(_flat(item))
            else:
                out.append(item)
        return out
    return [x]


def _problem(p, what: str, where: str = "") -> UdfInputError:
    if p.problem == "number-too-large":
        return UdfInputError(f"{what}{where} quá lớn: \"{p.text}\" (phải nhỏ hơn 10^15).")
    return UdfInputError(f"{what}{where} không phải là số: \"{p.text}\".")


def _num(raw: Any, what: str, *, required: bool = True) -> float | None:
    p = parse_number(raw)
    if p.problem:
        raise _problem(p, what)
    if p.value is None and required:
        raise UdfInputError(f"Thiếu {what}.")
    return p.value


def _nums(raw: Any, what: str) -> list[float | None]:
    """A range of numbers; blanks stay None."""
    out: list[float | None] = []
    for i, v in enumerate(_flat(raw), 1):
        if is_finite_number(v):  # a number in range: nothing to parse
            out.append(float(v))
            continue
        p = parse_number(v)
        if p.problem:
            raise _problem(p, what, f" ở dòng {i}")
        out.append(p.value)
    return out


def _same_length(values: list, other: list, what: str) -> list:
    if not other:
        return other
    if len(other) != len(values):
        raise UdfInputError(f"Vùng {what} phải có cùng số ô với vùng điểm "
                            f"({len(other)} ô so với {len(values)} ô).")
    return other


def _types(raw: Any, n: int) -> list | None:
    if raw is None:
        return None
    from ..core import scoring

    labels = _same_length([None] * n, _flat(raw), "loại tiêu chí")
    out = []
    for i, lab in enumerate(labels, 1):
        text = "" if is_blank(lab) else str(lab)
        t = scoring.criterion_type(text)
        if t is None:
            raise UdfInputError(f"Loại tiêu chí ở dòng {i} không hợp lệ: \"{text}\".")
        out.append(t)
    return out


def _discipline(raw: Any):
    """Kỷ luật text → core Discipline (blank/"Không" → none), read with the workbook's words
    (:func:`thidua_xl.core.vocab.discipline_name`): an unknown word is bad input, as it is
    a ``bad-discipline`` error in a workbook."""
    from ..core.models import Discipline
    from ..core.vocab import discipline_name

    name = discipline_name(raw)
    if name is None:
        raise UdfInputError(f"Hình thức kỷ luật \"{raw}\" không nhận ra: để trống hoặc ghi "
                            "\"Không\", \"Khiển trách\", \"Cảnh cáo\", \"Cách chức\" ...")
    return Discipline[name]


def _column_total(diem, diem_toi_da, he_so, loai):
    from ..core import scoring

    values = _flat(diem)
    if not values:
        raise UdfInputError("Vùng điểm trống.")
    maxes = _same_length(values, _nums(diem_toi_da, "Điểm tối đa"), "điểm tối đa")
    if not maxes:
        raise UdfInputError("Thiếu vùng điểm tối đa.")
    weights = None
    if he_so is not None:
        weights = _same_length(values, _nums(he_so, "Hệ số"), "hệ số")
    types = _types(loai, len(values))
    return scoring.column_total(values, maxes, weights, types)


def _guard(fn):
    """Run ``fn``; turn bad input (and any unexpected error) into the "#GIÁ TRỊ!" text."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UdfInputError as e:
            return _error(str(e))
        except Exception as e:  # noqa: BLE001 - never a traceback in a cell
            log.exception("UDF %s failed", fn.__name__)
            return _error(f"Không tính được ({type(e).__name__}).")

    return wrapper


# --------------------------------------------------------------------------------------
# the functions
# --------------------------------------------------------------------------------------
@xw.func
@xw.arg("diem", ndim=1)
@xw.arg("diem_toi_da", ndim=1)
@xw.arg("he_so", ndim=1)
@xw.arg("loai", ndim=1)
@_guard
def TD_TONGDIEM(diem, diem_toi_da, he_so=None, loai=None):
    """Tổng điểm của một cột điểm: tiêu chí chấm điểm nhân hệ số, cộng Điểm thưởng, trừ Điểm trừ."""
    total, messages = _column_total(diem, diem_toi_da, he_so, loai)
    if total is None:
        return _error(messages[0] if messages else "Cột điểm không hợp lệ.")
    return round_half_up(total, 2)


@xw.func
@xw.arg("tot_nhat", ndim=1)
@xw.arg("chi_tieu_khoi", ndim=1)
@_guard
def TD_DINHLUONG(thuc_hien, chi_tieu, diem_toi_da, cach_tinh="Tỷ lệ", tot_nhat=None,
                 chi_tieu_khoi=None):
    """Điểm của tiêu chí Định lượng; cach_tinh "Tỷ lệ" (mặc định) hoặc "Dẫn đầu".

    ``chi_tieu`` is the unit's own target (or the row's). For "Dẫn đầu", ``tot_nhat`` is the
    bloc's best result or the range of every unit's results; with ``chi_tieu_khoi`` (the
    range of every unit's own targets, aligned with ``tot_nhat``) the leader is the best
    ratio result / target, as the engine scores units with their own targets."""
    from ..core import scoring
    from ..core.models import CriterionType

    actual = _num(thuc_hien, "kết quả thực hiện")
    target = _num(chi_tieu, "chỉ tiêu")
    mx = _num(diem_toi_da, "điểm tối đa")
    if not target:
        raise UdfInputError("Chỉ tiêu phải khác 0.")
    kind = CriterionType.QUANTITATIVE
    if not is_blank(cach_tinh):
        kind = scoring.criterion_type(str(cach_tinh))
        if kind not in (CriterionType.QUANTITATIVE, CriterionType.LEADING):
            raise UdfInputError(f"Cách tính \"{cach_tinh}\" không hợp lệ: dùng \"Tỷ lệ\" "
                                "hoặc \"Dẫn đầu\".")
    if kind is not CriterionType.LEADING:
        return scoring.quantitative_score(actual, target, mx)
    bests = [v for v in _nums(tot_nhat, "kết quả của khối") if v is not None] \
        if tot_nhat is not None else []
    if chi_tieu_khoi is None:
        # no best given: the core scores an above-target result as the best (max)
        return scoring.leading_score(actual, target, mx, max(bests) if bests else None)
    results = _nums(tot_nhat, "kết quả của khối") if tot_nhat is not None else []
    targets = _same_length(results, _nums(chi_tieu_khoi, "chỉ tiêu của khối"),
                           "chỉ tiêu của khối")
    ratios = [a / t for a, t in zip(results, targets) if a is not None and t]
    best = max([*ratios, actual / target])
    return scoring.leading_score(actual / target, 1.0, mx, best)


@xw.func
@xw.arg("cac_tong_diem", ndim=1)
@_guard
def TD_XEPHANG(tong_diem, cac_tong_diem):
    """Thứ hạng của tong_diem trong cac_tong_diem (đồng hạng: 1, 2, 2, 4)."""
    from ..core import ranking

    x = round_half_up(_num(tong_diem, "tổng điểm"), 2)
    others = [round_half_up(v, 2) for v in _nums(cac_tong_diem, "Tổng điểm")
              if v is not None]
    ranks = ranking.shared_ranks(others + [x], descending=True)  # O(n log n)
    return ranks[-1]


@xw.func
@_guard
def TD_XEPLOAI(tong_diem, diem_toi_da, ky_luat=None, tieu_chi_0=None):
    """Xếp loại theo tỷ lệ tổng điểm / điểm tối đa (ngưỡng mặc định, mặc định theo QĐ
    2579/QĐ-UBND tỉnh Cần Thơ), kỷ luật (Khiển trách → HTT, Cảnh cáo → HT, Cách chức … →
    KHT) và tiêu chí 0 điểm (``tieu_chi_0``: Có/Không, TRUE/FALSE hoặc số tiêu chí 0 điểm,
    ví dụ =COUNTIF(...;0): không xếp HTXS, HTT)."""
    from ..core.classify import classification_from_percent

    total = _num(tong_diem, "tổng điểm")
    mx = _num(diem_toi_da, "điểm tối đa")
    if mx <= 0:
        raise UdfInputError("Điểm tối đa phải lớn hơn 0.")
    c = classification_from_percent(total, mx, _discipline(ky_luat),
                                    has_zero_leaf=_zero_flag(tieu_chi_0))
    return c.value if c else ""


def _zero_flag(raw: Any) -> bool:
    """Có/Không, TRUE/FALSE, or a count of zero leaves (> 0 = yes)."""
    from ..core.values import parse_yes_no

    if is_blank(raw):
        return False
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw > 0
    yes, problem = parse_yes_no(raw)
    if problem:
        raise UdfInputError(f"Tiêu chí 0 điểm \"{raw}\" không hợp lệ: ghi Có hoặc Không, "
                            "hoặc số tiêu chí 0 điểm.")
    return bool(yes)


@xw.func
@xw.arg("diem", ndim=1)
@xw.arg("diem_toi_da", ndim=1)
@xw.arg("loai", ndim=1)
def TD_KIEMTRA(diem, diem_toi_da, loai=None):
    """"" khi cột điểm hợp lệ, nếu không thì lỗi đầu tiên (tiếng Việt)."""
    try:
        total, messages = _column_total(diem, diem_toi_da, None, loai)
    except UdfInputError as e:
        return str(e)
    except Exception as e:  # noqa: BLE001
        return f"Không kiểm tra được ({type(e).__name__})."
    return messages[0] if messages else ""


@xw.func
@xw.arg("cac_don_vi", ndim=1)
@xw.arg("cac_tong_diem", ndim=1)
@xw.arg("ky_luat", ndim=1)
@xw.arg("nam_truoc", ndim=1)
@_guard
def TD_KHENTHUONG(cac_don_vi, cac_tong_diem, diem_toi_da=100, ky_luat=None,
                  nam_truoc=None):
    """Bảng 2 cột (đơn vị, hình thức đề nghị khen thưởng) theo quy định mặc định.

    The decisions are the core's own (:func:`thidua_xl.core.decisions.decide_totals`, what
    the engine calls after scoring), so ranks, classifications and awards are the CLI's.
    """
    names = [None if is_blank(n) else str(n).strip() for n in _flat(cac_don_vi)]
    totals = _same_length(names, _nums(cac_tong_diem, "Tổng điểm"), "tổng điểm")
    if not names or not totals:
        raise UdfInputError("Thiếu danh sách đơn vị hoặc tổng điểm.")
    mx = _num(diem_toi_da, "điểm tối đa", required=False) or 100.0
    disc = _same_length(names, _flat(ky_luat), "kỷ luật") if ky_luat is not None else []
    last = _same_length(names, _flat(nam_truoc), "xếp loại năm trước") \
        if nam_truoc is not None else []
    rows = [(i, n) for i, n in enumerate(names) if n]
    for i, n in rows:
        if totals[i] is None:
            raise UdfInputError(f"Thiếu tổng điểm của \"{n}\".")
        if totals[i] < 0:
            raise UdfInputError(f"Tổng điểm của \"{n}\" là số âm.")
    result = evaluate_totals(
        [(n, totals[i], disc[i] if disc else None, last[i] if last else None)
         for i, n in rows], mx,
        has_discipline=bool(disc), has_last_year=bool(last))
    award = {u.name: u.award or _tie_hint(u) for u in result.units}
    return [[n, award.get(n, "")] for _, n in rows]


def _tie_hint(unit) -> str:
    """A unit tied at a quota's edge: "Đồng hạng – Hội nghị bình xét, bỏ phiếu (<form>)"."""
    from ..core.vocab import TIE_GROUP_NOTE

    return next((n for n in unit.notes if n.startswith(TIE_GROUP_NOTE)), "")


@xw.func
@xw.arg("bang", "range")  # the Range itself: its percent formats count, as in score
@xw.arg("quy_dinh", "range")
@xw.arg("don_vi", "range")
@_guard
def TD_KETQUA(bang, quy_dinh=None, don_vi=None):
    """Bảng kết quả (Đơn vị, Tổng điểm, Xếp hạng, Xếp loại, Hình thức đề nghị) từ vùng bảng
    chấm điểm (gồm cả các dòng tiêu đề), tùy chọn vùng Quy định và Đơn vị — cùng cách đọc
    và cách tính với lệnh score."""
    from .results_table import TableError, results_table

    try:
        return results_table(bang, quy_dinh, don_vi)
    except TableError as e:
        raise UdfInputError(str(e)) from None


def evaluate_totals(units: Iterable[tuple], max_total: float, *, has_discipline: bool = False,
                    has_last_year: bool = False):
    """The core's decisions on units known by their totals
    (:func:`thidua_xl.core.decisions.decide_totals`): ranks, classifications, awards.

    ``units``: (name, total, discipline text or None, last year's classification or None).
    """
    from ..core.classify import parse_classification
    from ..core.decisions import decide_totals

    return decide_totals(
        [(name, total, _discipline(disc), parse_classification(last),
          "" if is_blank(disc) else str(disc)) for name, total, disc, last in units],
        max_total, has_discipline=has_discipline, has_last_year=has_last_year)
