"""Classification (xếp loại) with the thresholds of the rules and the discipline caps.

Spec: shared/spec/domain.md "Classification" — by default Cần Thơ QĐ 2579/QĐ-UBND
(21/11/2025) Điều 6, cited as :data:`DEFAULT_SOURCE` (a provincial regulation used as a
default, never national law). percent = total / maximum total × 100 (of the rounded total):

- Hoàn thành xuất sắc nhiệm vụ: percent ≥ rules.htxs_percent and no scored leaf at 0
- Hoàn thành tốt nhiệm vụ: percent ≥ rules.htt_percent and no scored leaf at 0
- Hoàn thành nhiệm vụ: percent ≥ rules.ht_percent
- Không hoàn thành nhiệm vụ: otherwise

(the classes a zero leaf forbids are ``rules.zero_forbids``, "Tiêu chí 0 điểm hạ xếp loại").
Discipline of the unit's leader caps it: Khiển trách → at most HTT; Cảnh cáo → at most HT;
Cách chức, Giáng chức, Bãi nhiệm, Buộc thôi việc (or heavier) → KHT.
"""
from __future__ import annotations

from .models import Classification, Discipline, Rules
from .text import fold
from .values import round_half_up
from .vocab import (CLASSIFICATION_DEFAULT_SOURCE, CLASSIFICATION_SHEET_SOURCE,
                    REASON_DISCIPLINE_CAP, REASON_ZERO_LEAF, REASON_ZERO_LEAF_UNNAMED,
                    discipline_name)

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Sequence

_NOISE = 1e-9  # binary noise of total / max × 100 (95 % must stay 95 %)

#: how an explanation cites the default rule (never as national law)
DEFAULT_SOURCE = CLASSIFICATION_DEFAULT_SOURCE
SHEET_SOURCE = CLASSIFICATION_SHEET_SOURCE

_DEFAULT = Rules()


def classification_source(rules: Rules | None) -> str:
    """The default's citation, or the bloc's sheet when it changed the classification."""
    if rules is None:
        return DEFAULT_SOURCE
    same = ((rules.htxs_percent, rules.htt_percent, rules.ht_percent, rules.zero_forbids)
            == (_DEFAULT.htxs_percent, _DEFAULT.htt_percent, _DEFAULT.ht_percent,
                _DEFAULT.zero_forbids))
    return DEFAULT_SOURCE if same else SHEET_SOURCE


def _by_percent(percent: float, rules: Rules, forbidden: frozenset | set = frozenset()
                ) -> Classification:
    p = float(percent) + _NOISE
    for cls, threshold in ((Classification.HTXS, rules.htxs_percent),
                           (Classification.HTT, rules.htt_percent),
                           (Classification.HT, rules.ht_percent)):
        if p >= threshold and cls not in forbidden:
            return cls
    return Classification.KHT


def base_classification(percent: float, has_zero_leaf: bool, rules: Rules) -> Classification:
    """The classification by thresholds and the zero rule (no discipline cap).

    ``percent`` is total / maximum × 100 of the rounded total, compared as it is (not
    rounded again): 189,99 of 200 is 94,995 %, below 95 (only float noise is tolerated).
    """
    return _by_percent(percent, rules, rules.zero_forbids if has_zero_leaf else frozenset())


def classify(percent: float, has_zero_leaf: bool, discipline: Discipline,
             rules: Rules | None = None) -> Classification:
    """The unit's classification: thresholds of ``rules`` then the discipline cap."""
    return classify_with_note(percent, has_zero_leaf, discipline, rules)[0]


def classify_with_note(
    percent: float | None,
    has_zero_leaf: bool,
    discipline: Discipline = Discipline.NONE,
    rules: Rules | None = None,
    *,
    discipline_text: str = "",
    zero_leaves: Sequence[str] = (),
) -> tuple[Classification | None, list[str]]:
    """``(classification, notes)``; notes say when a zero leaf or a discipline lowered it
    (naming the leaves of ``zero_leaves`` and citing the rule's source).

    ``percent=None`` (no total or no maximum) gives ``(None, [])``.
    """
    if percent is None:
        return None, []
    rules = rules or _DEFAULT
    source = classification_source(rules)
    notes: list[str] = []
    by_score = _by_percent(percent, rules)
    base = base_classification(percent, has_zero_leaf, rules)
    if base is not by_score:
        which = ", ".join(zero_leaves) if zero_leaves else REASON_ZERO_LEAF_UNNAMED
        lost = [c.value for c in Classification
                if c in rules.zero_forbids and by_score.level >= c.level > base.level]
        notes.append(REASON_ZERO_LEAF.format(leaves=which, lost=", ".join(lost),
                                             source=source))
    result = base
    cap = discipline.cap
    if cap is not None and base.level > cap.level:
        result = cap
        what = discipline_text.strip() or discipline.value
        notes.append(REASON_DISCIPLINE_CAP.format(before=base.value, after=cap.value,
                                                  what=what, source=DEFAULT_SOURCE))
    return result, notes


def parse_discipline(text: object) -> Discipline | None:
    """A "Kỷ luật" cell → :class:`Discipline` with the workbook's words
    (:func:`thidua_xl.core.vocab.discipline_name`): blank/"Không" none, "Khiển trách",
    "Cảnh cáo", Cách chức, Giáng chức, Bãi nhiệm, Buộc thôi việc ... heavier; an unknown
    word → ``None`` (an error on its cell: it must not silently cap a classification)."""
    if isinstance(text, Discipline):
        return text
    name = discipline_name(text)
    return None if name is None else Discipline[name]


def classification_from_percent(
    total: float | None,
    max_total: float | None,
    discipline: object = None,
    rules: Rules | None = None,
    *,
    has_zero_leaf: bool = False,
) -> Classification | None:
    """For the worksheet function TD_XEPLOAI: the classification of ``total`` out of
    ``max_total`` with an optional discipline (text or :class:`Discipline`) and whether a
    scored leaf is at 0. ``None`` when total or maximum is missing or the maximum is not
    > 0. Raises ``ValueError`` on a discipline word it does not know."""
    if total is None or max_total is None or max_total <= 0:
        return None
    percent = round_half_up(total, 2) / max_total * 100.0
    disc = parse_discipline(discipline)
    if disc is None:
        raise ValueError(f"unknown discipline {discipline!r}")
    return classify(percent, has_zero_leaf, disc, rules)


def classify_text(
    total: float | None,
    max_total: float | None,
    discipline: object = None,
    rules: Rules | None = None,
) -> str:
    """The classification phrase (or "" when it cannot be computed)."""
    c = classification_from_percent(total, max_total, discipline, rules)
    return c.value if c else ""


def parse_classification(text: object) -> Classification | None:
    """"HTXS", "Hoàn thành xuất sắc nhiệm vụ", "hoan thanh tot" ... → Classification."""
    if isinstance(text, Classification):
        return text
    f = fold(text)
    if not f:
        return None
    for c in Classification:
        if f == fold(c.name) or f == fold(c.value):
            return c
    if f.startswith("khong hoan thanh"):
        return Classification.KHT
    if f.startswith("hoan thanh xuat sac"):
        return Classification.HTXS
    if f.startswith("hoan thanh tot"):
        return Classification.HTT
    if f.startswith("hoan thanh"):
        return Classification.HT
    return None


__all__ = [
    "DEFAULT_SOURCE", "classification_source", "base_classification", "classify",
    "classify_with_note", "parse_discipline",
    "classification_from_percent", "classify_text", "parse_classification"
]
