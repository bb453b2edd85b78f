"""Classification (xếp loại) with the thresholds of the rules and the discipline caps.

Spec: shared/spec/domain.md "Classification". percent = total / maximum total × 100
(rounded half-up to 2 decimals before the comparison):

- Hoàn thành xuất sắc nhiệm vụ: percent ≥ rules.htxs_percent and no scored leaf at 0
- Hoàn thành tốt nhiệm vụ: percent ≥ rules.htt_percent
- Hoàn thành nhiệm vụ: percent ≥ rules.ht_percent
- Không hoàn thành nhiệm vụ: otherwise

Discipline caps it: Khiển trách → at most HTT; Cảnh cáo or heavier → at most HT.
"""
from __future__ import annotations

from .models import Classification, Discipline, Rules
from .text import fold
from .values import is_blank, round_half_up


_NOISE = 1e-9  # binary noise of total / max × 100 (95 % must stay 95 %)


def base_classification(percent: float, has_zero_leaf: bool, rules: Rules) -> Classification:
    """The classification by thresholds alone (no discipline cap).

    ``percent`` is total / maximum × 100 of the rounded total, compared as it is (not
    rounded again): 189,99 of 200 is 94,995 %, below 95 (only float noise is tolerated).
    """
    p = float(percent) + _NOISE
    if p >= rules.htxs_percent and not has_zero_leaf:
        return Classification.HTXS
    if p >= rules.htt_percent:
        return Classification.HTT
    if p >= rules.ht_percent:
        return Classification.HT
    return Classification.KHT


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
) -> tuple[Classification | None, list[str]]:
    """``(classification, notes)``; notes say when a cap or a 0-point leaf lowered it.

    ``percent=None`` (no total or no maximum) gives ``(None, [])``.
    """
    if percent is None:
        return None, []
    rules = rules or Rules()
    notes: list[str] = []
    base = base_classification(percent, has_zero_leaf, rules)
    if has_zero_leaf and float(percent) + _NOISE >= rules.htxs_percent:
        notes.append("Có tiêu chí 0 điểm: không xếp loại "
                     f"{Classification.HTXS.value}")
    result = base
    cap = discipline.cap
    if cap is not None and base.level > cap.level:
        result = cap
        what = discipline_text.strip() or discipline.value
        notes.append(f"Xếp loại hạ từ {base.value} xuống {cap.value} do kỷ luật {what}")
    return result, notes


def parse_discipline(text: object) -> Discipline:
    """A "Kỷ luật" cell → :class:`Discipline`: blank/"Không" none, "Khiển trách",
    "Cảnh cáo", anything else (Cách chức, Giáng chức, Bãi nhiệm, ...) heavier."""
    if is_blank(text):
        return Discipline.NONE
    f = fold(text)
    if f in {"khong", "khong co", "0", "-", "none", "no"}:
        return Discipline.NONE
    if "khien trach" in f:
        return Discipline.REPRIMAND
    if "canh cao" in f:
        return Discipline.WARNING
    return Discipline.HEAVIER


def classification_from_percent(
    total: float | None,
    max_total: float | None,
    discipline: object = None,
    rules: Rules | None = None,
    *,
    has_zero_leaf: bool = False,
) -> Classification | None:
    """For the worksheet function TD_XEPLOAI: the classification of ``total`` out of
    ``max_total`` with an optional discipline (text or :class:`Discipline`).
    ``None`` when total or maximum is missing or the maximum is not > 0."""
    if total is None or max_total is None or max_total <= 0:
        return None
    percent = round_half_up(total, 2) / max_total * 100.0
    disc = discipline if isinstance(discipline, Discipline) else parse_discipline(discipline)
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
    "base_classification", "classify", "classify_with_note", "parse_discipline",
    "classification_from_percent", "classify_text", "parse_classification"
]
