"""The parser's reading of the v2 columns and keys (shared/spec/bloc-workbook.md, **v2**):

- "Đơn vị": Tỷ lệ nữ (%), Xếp loại năm nay, Đang xem xét kỷ luật/thanh tra, Danh hiệu năm
  trước (:func:`unit_v2_columns`);
- "Chấm điểm": a unit's own "Chỉ tiêu" sub-column on Định lượng rows (:func:`own_target`);
- "Quy định": "Tiêu chí 0 điểm hạ xếp loại" (:func:`zero_forbids`).

Called by :mod:`thidua_xl.io.parser` (which owns the sheets' layout); every problem is a
finding naming its cell.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.classify import parse_classification as _core_classification
from ..core.findings import Report
from ..core.models import Bloc, Classification, Criterion, RawCell, Unit
from ..core.scoring import shown_value
from ..core.text import clean, fold
from ..core.values import is_blank, parse_number, parse_yes_no
from ..core.vocab import SUB_TARGET, WOMEN_RATIO, ZERO_RULE_NONE_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from .parser import _Group, _Sheet


def parse_classification(raw: Any) -> Classification | None | str:
    """Full phrase or abbreviation → Classification; blank → None; anything else "bad"."""
    if is_blank(raw):
        return None
    return _core_classification(str(raw).replace(".", "")) or "bad"


def unit_v2_columns(sh: "_Sheet", r: int, cols: dict[str, int], unit: Unit,
                     report: Report) -> None:
    """Tỷ lệ nữ, Xếp loại năm nay, Đang xem xét kỷ luật/thanh tra, Danh hiệu năm trước."""
    name = unit.name
    if "women_ratio" in cols:
        c = cols["women_ratio"]
        v = sh.get(r, c)
        p = parse_number(v, percent_format=(r, c) in sh.sg.percent)
        if p.problem or (p.value is not None and not 0 <= p.value <= 100):
            report.error("bad-women-ratio",
                         f"Tỷ lệ nữ của \"{name}\" là \"{shown_value(v)}\": cần một số từ 0 "
                         "đến 100.", "Ghi tỷ lệ nữ trong tổng số cán bộ của đơn vị, ví dụ 72 "
                         "hoặc 72%.", ref=sh.ref(r, c))
        elif p.value is not None:
            ratio = p.value
            women = ratio >= WOMEN_RATIO - 1e-9
            if unit.women is not None and unit.women != women:
                report.warning(
                    "women-columns-disagree",
                    f"\"{name}\": cột Tập thể nữ ghi \"{'Có' if unit.women else 'Không'}\" "
                    f"nhưng tỷ lệ nữ là {shown_value(ratio)}% (tập thể nữ là từ 70% trở lên); "
                    "chương trình dùng tỷ lệ nữ.",
                    "Sửa một trong hai cột cho khớp (hoặc xóa cột Tập thể nữ).",
                    ref=sh.ref(r, c))
            unit.women_ratio = ratio
            unit.women = women
    if "official" in cols:
        c = cols["official"]
        v = sh.get(r, c)
        cls = parse_classification(v)
        if cls == "bad":
            report.error(
                "bad-classification",
                f"Xếp loại năm nay của \"{name}\" là \"{v}\": không phải một xếp loại.",
                "Ghi một trong: HTXS, HTT, HT, KHT hoặc cụm từ đầy đủ, hoặc để trống nếu chưa "
                "có xếp loại của cấp có thẩm quyền.", ref=sh.ref(r, c))
        elif cls is not None:
            unit.official = cls
            unit.official_ref = sh.ref(r, c)
    if "review" in cols:
        c = cols["review"]
        v = sh.get(r, c)
        yn, problem = parse_yes_no(v)
        if problem:
            report.error("bad-yes-no",
                         f"Cột \"Đang xem xét kỷ luật, thanh tra\" của \"{name}\" là \"{v}\": "
                         "cần Có hoặc Không.", "Ghi \"Có\" hoặc \"Không\".", ref=sh.ref(r, c))
        unit.under_review = yn
    if "last_title" in cols:
        unit.last_title = clean(sh.get(r, cols["last_title"]))


def own_target(sh: "_Sheet", r: int, g: "_Group", crit: Criterion, bloc: Bloc,
                report: Report) -> None:
    """A unit's own target on a Định lượng row (its "Chỉ tiêu" sub-column)."""
    c = g.columns[SUB_TARGET]
    raw = sh.get(r, c)
    ref = sh.ref(r, c)
    own = bloc.unit_targets.setdefault(g.key, {})
    if sh.is_uncached(r, c):
        own[crit.path] = RawCell(value=None, ref=ref, source=SUB_TARGET)  # reported here
        report.error("uncached-formula",
                     f"Ô chỉ tiêu của đơn vị {g.name}, tiêu chí {crit.code} là công thức chưa có "
                     "kết quả tính.", "Mở tệp trong Excel, nhấn Lưu (Ctrl+S) để Excel tính "
                     "công thức, rồi chạy lại.", ref=ref)
        return
    p = parse_number(raw, percent_format=(r, c) in sh.sg.percent)
    if p.value is None and not p.problem:
        return  # blank: the row's shared target
    if not p.problem and p.value > 0:
        own[crit.path] = RawCell(value=float(p.value), ref=ref, source=SUB_TARGET)
        return
    what = f"Chỉ tiêu của đơn vị {g.name}, tiêu chí {crit.code} là "
    if p.problem:
        code, message = "bad-number", what + f"\"{p.text}\": không phải là số."
    else:
        code, message = "target-missing", what + f"{shown_value(p.value)}: phải lớn hơn 0."
    report.error(code, message, "Ghi chỉ tiêu giao cho đơn vị là một số lớn hơn 0 (hoặc để "
                 "trống để dùng chỉ tiêu chung của dòng).", ref=ref)
    own[crit.path] = RawCell(value=None, ref=ref, source=SUB_TARGET)  # reported here


def zero_forbids(raw: Any, ref: str, report: Report) -> frozenset | None:
    """"HTXS; HTT" → the classes a zero leaf forbids; "Không" → none; else an error."""
    if fold(raw) in {fold(w) for w in ZERO_RULE_NONE_WORDS}:
        return frozenset()
    out: set[Classification] = set()
    for item in str(raw).replace("\n", ";").replace(",", ";").split(";"):
        if not clean(item):
            continue
        c = parse_classification(item)
        if not isinstance(c, Classification):
            report.error("bad-rule", f"Tiêu chí 0 điểm hạ xếp loại có mục \"{clean(item)}\" "
                         "không phải một xếp loại.",
                         "Ghi các xếp loại mà đơn vị có tiêu chí 0 điểm không được xếp, cách "
                         "nhau bằng dấu chấm phẩy (ví dụ: HTXS; HTT), hoặc \"Không\".", ref=ref)
            return None
        out.add(c)
    return frozenset(out)
