"""The parser's reading of the v2 columns and keys (shared/spec/bloc-workbook.md, **v2**):

- "Đơn vị": Tỷ lệ nữ (%), Xếp loại năm nay, Đang xem xét kỷ luật/thanh tra, Danh hiệu năm
  trước (:func:`unit_v2_columns`);
- "Chấm điểm": a unit's own "Chỉ tiêu" sub-column on Định lượng rows (:func:`own_target`).

Called by :mod:`thidua_xl.io.parser` and :mod:`thidua_xl.io.parse_scores` (which own the
sheets' layout); every problem is a finding naming its cell. ("Tiêu chí 0 điểm hạ xếp loại"
is read with the rest of "Quy định", in :mod:`thidua_xl.io.parse_rules`.)
"""
from __future__ import annotations

from ..core.findings import Report
from ..core.models import Bloc, Criterion, RawCell, Unit
from ..core.scoring import shown_value
from ..core.text import clean
from ..core.values import parse_number, parse_yes_no
from ..core.vocab import SUB_TARGET, WOMEN_RATIO
from .parse_rules import parse_classification

from .sheet_index import _Sheet


TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Protocol

    class _Group(Protocol):  # pragma: no cover - a typing aid (parse_scores._Group)
        name: str
        key: str
        columns: dict[str, int]


def unit_v2_columns(sh: _Sheet, r: int, cols: dict[str, int], unit: Unit,
                     report: Report) -> None:
    """Tỷ lệ nữ, Xếp loại năm nay, Đang xem xét kỷ luật/thanh tra, Danh hiệu năm trước."""
    name = unit.name
    if "women_ratio" in cols:
        c = cols["women_ratio"]
        v = sh.get(r, c)
        p = parse_number(v, percent_format=(r, c) in sh.sg.percent)
        if p.problem or (p.value is not None and not 0 <= p.value <= 100):
            report.emit("bad-women-ratio", name=name, v=shown_value(v), ref=sh.ref(r, c))
        elif p.value is not None:
            ratio = p.value
            women = ratio >= WOMEN_RATIO - 1e-9
            if unit.women is not None and unit.women != women:
                report.emit("women-columns-disagree", name=name,
                            women="Có" if unit.women else "Không", ratio=shown_value(ratio),
                            ref=sh.ref(r, c))
            unit.women_ratio = ratio
            unit.women = women
    if "official" in cols:
        c = cols["official"]
        v = sh.get(r, c)
        cls = parse_classification(v)
        if cls == "bad":
            report.emit("bad-classification", variant="official", name=name, v=v,
                        ref=sh.ref(r, c))
        elif cls is not None:
            unit.official = cls
            unit.official_ref = sh.ref(r, c)
    if "review" in cols:
        c = cols["review"]
        v = sh.get(r, c)
        yn, problem = parse_yes_no(v)
        if problem:
            report.emit("bad-yes-no", variant="review", name=name, v=v, ref=sh.ref(r, c))
        unit.under_review = yn
    if "last_title" in cols:
        unit.last_title = clean(sh.get(r, cols["last_title"]))


def own_target(sh: _Sheet, r: int, g: _Group, crit: Criterion, bloc: Bloc,
                report: Report) -> None:
    """A unit's own target on a Định lượng row (its "Chỉ tiêu" sub-column)."""
    c = g.columns[SUB_TARGET]
    raw = sh.get(r, c)
    ref = sh.ref(r, c)
    own = bloc.unit_targets.setdefault(g.key, {})
    if sh.is_uncached(r, c):
        own[crit.path] = RawCell(value=None, ref=ref, source=SUB_TARGET)  # reported here
        report.emit("uncached-formula", variant="own-target", name=g.name, code_=crit.code,
                    ref=ref)
        return
    p = parse_number(raw, percent_format=(r, c) in sh.sg.percent)
    if p.value is None and not p.problem:
        return  # blank: the row's shared target
    if not p.problem and p.value > 0:
        own[crit.path] = RawCell(value=float(p.value), ref=ref, source=SUB_TARGET)
        return
    if p.problem:
        report.emit("bad-number", variant="own-target", name=g.name, code_=crit.code,
                    text=p.text, ref=ref)
    else:
        report.emit("target-missing", variant="own", name=g.name, code_=crit.code,
                    shown=shown_value(p.value), ref=ref)
    own[crit.path] = RawCell(value=None, ref=ref, source=SUB_TARGET)  # reported here
