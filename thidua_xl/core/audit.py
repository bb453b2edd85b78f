"""Where every number came from: the audit trail and the self-score analysis of a result.

Pure (no I/O). Both read what the engine left on the result: ``BlocResult.parsed`` (the
parsed workbook: criteria, the unit's chosen cell and its Tự chấm cell) and each unit's
``leaf_scores``.

- :func:`audit_rows` — one :class:`AuditRow` per unit (rank order) and leaf criterion (sheet
  order), Điểm thưởng and Điểm trừ leaves included (penalties as negative contributions):
  the value entered, the column it came from, its cell, the score, the weight and the
  contribution, so that each unit's contributions add up to its total (a bonus or penalty
  cap the engine applied is one more row, "Áp mức tối đa").
- :func:`analyse` — per unit: the self-score total (the engine's scoring stage run again on
  the units' Tự chấm cells: totals only, no ranking or awards), the difference with the final total and the criteria where it is largest;
  the gap to the unit ranked just above and the criteria where the unit lost most against
  it; the tie-break key that decided its place.

The self-score of a leaf whose Tự chấm cell is blank (or not valid) is taken as its final
value: no difference is claimed where the unit claimed nothing; such leaves are counted in
the analysis' note.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Sequence

from .findings import Report
from .models import Bloc, BlocResult, CriterionType, RawCell, UnitResult
from .ranking import TieKey, resolve_tiebreak
from .scoring import check_value, vn_number
from .values import round_half_up
from .vocab import SUB_SELF

#: "Cột" of a unit group with a single score column (no sub-labels)
SINGLE_COLUMN = "Một cột điểm"
SELF_COLUMN = SUB_SELF
CAP_TEXT = "Áp mức tối đa"
EPS = 0.005  # below a displayed cent: equal


@dataclass(slots=True)
class AuditRow:
    """One line of "Chi tiết điểm"."""

    unit: str
    path: str  # full path, e.g. "II.1.2"
    text: str
    type: str  # the effective Loại (CriterionType value)
    value: Any  # as entered (None: blank)
    column: str  # "Thống nhất" | "Khối chấm" | "Tự chấm" | SINGLE_COLUMN | "" (blank)
    cell: str | None  # "Chấm điểm!F12": the cell the value came from (or would be in)
    score: float | None  # the leaf's score before weight (penalty positive)
    weight: float | None
    contribution: float  # weight × score; + bonus; − penalty
    percent: bool = False  # the cell has a percent format (the value is shown as %)


@dataclass(slots=True)
class Difference:
    path: str
    text: str
    points: float  # signed


@dataclass(slots=True)
class UnitAnalysis:
    """One line of "Phân tích"."""

    name: str
    rank: int | None
    total: float | None
    self_total: float | None  # None: the unit has no Tự chấm column
    difference: float | None  # self_total − total
    differences: list[Difference] = field(default_factory=list)  # largest |Δ| first, ≤ 3
    above: str | None = None  # the unit ranked just above
    gap: float | None = None  # points behind it
    losses: list[Difference] = field(default_factory=list)  # where it lost most, ≤ 3
    tiebreak: str = ""  # the key that decided its place among equal totals
    unscored_self: int = 0  # leaves without a valid Tự chấm value (final value used)


# --------------------------------------------------------------------------------------
# contributions
# --------------------------------------------------------------------------------------
def _types(bloc: Bloc) -> dict[str, CriterionType]:
    from .engine import effective_types

    return effective_types(bloc)


def _clean(x: float) -> float:
    """Without binary noise (5.9399999999999995 → 5.94): written and read back the same by
    every renderer, and still exact enough that a unit's rows add up to its total."""
    return round(x, 10) + 0.0


def _signed(ctype: CriterionType, weight: float | None, score: float) -> float:
    if ctype is CriterionType.PENALTY:
        return _clean(-score)
    if ctype is CriterionType.BONUS:
        return _clean(score)
    return _clean((weight or 1.0) * score)


def contributions(bloc: Bloc, types: dict[str, CriterionType],
                  unit: UnitResult) -> dict[str, float]:
    """Leaf path → the unit's signed contribution to its total."""
    out: dict[str, float] = {}
    for c in bloc.criteria:
        if c.is_leaf and c.path in unit.leaf_scores:
            out[c.path] = _signed(types[c.path], c.weight, unit.leaf_scores[c.path])
    return out


def _cap_rows(u: UnitResult, rows: list[AuditRow]) -> list[AuditRow]:
    """Rows for what the engine capped: bonus/penalty totals below their leaves' sum."""
    out = []
    for ctype, kept in ((CriterionType.BONUS, u.bonus), (CriterionType.PENALTY, -u.penalty)):
        leaves = [r for r in rows if r.type == ctype.value]
        if not leaves:
            continue
        excess = kept - sum(r.contribution for r in leaves)
        if abs(excess) > EPS:
            out.append(AuditRow(unit=u.name, path=leaves[-1].path.split(".")[0],
                                text=f"{CAP_TEXT} ({ctype.value.lower()})",
                                type=ctype.value, value=None, column="", cell=None,
                                score=None, weight=None, contribution=_clean(excess)))
    return out


def _blank_ref(bloc: Bloc, unit, crit) -> str | None:
    """Where a blank cell is (the unit's preferred score column on the criterion's row)."""
    from .engine import _derived_ref

    return _derived_ref(bloc, unit, crit) if unit is not None else crit.ref


def audit_rows(result: BlocResult) -> list[AuditRow]:
    """The rows of "Chi tiết điểm" (empty when the result has no parsed workbook or no
    totals)."""
    bloc = result.parsed
    if bloc is None:
        return []
    types = _types(bloc)
    leaves = [c for c in bloc.criteria if c.is_leaf]
    units = {u.key: u for u in bloc.units}
    rows: list[AuditRow] = []
    for u in result.units:
        if u.total is None:
            continue
        cells = bloc.scores.get(u.key, {})
        mine: list[AuditRow] = []
        for c in leaves:
            score = u.leaf_scores.get(c.path)
            if score is None:
                continue
            ctype = types[c.path]
            cell: RawCell | None = cells.get(c.path)
            weight = 1.0 if not ctype.is_scored else (c.weight or 1.0)
            mine.append(AuditRow(
                unit=u.name, path=c.path, text=c.text, type=ctype.value,
                value=None if cell is None else cell.value,
                column="" if cell is None else (cell.source or SINGLE_COLUMN),
                cell=cell.ref if cell is not None else _blank_ref(bloc, units.get(u.key), c),
                score=_clean(score), weight=weight,
                contribution=_signed(ctype, weight, score),
                percent=bool(cell is not None and cell.percent)))
        rows += mine + _cap_rows(u, mine)
    return rows


# --------------------------------------------------------------------------------------
# the self-score
# --------------------------------------------------------------------------------------
def _self_cell(cell: RawCell, column: str | None) -> RawCell | None:
    """The unit's Tự chấm cell on the row of ``cell`` (its group's column ``column``)."""
    if cell.source == SELF_COLUMN:
        return cell
    if cell.self_value is None or column is None:
        return None
    sheet, _, at = (cell.ref or "").rpartition("!")
    row = at.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ$")
    return RawCell(value=cell.self_value, percent=cell.self_percent,
                   ref=f"{sheet}!{column}{row}" if sheet else None, source=SELF_COLUMN)


def self_result(result: BlocResult) -> tuple[list[UnitResult] | None, dict[str, int]]:
    """The unit totals the engine gives when each unit's Tự chấm cells are its scores
    (:func:`~thidua_xl.core.engine.unit_totals`: the decisions never change a total).

    Returns ``(units, unscored)`` — ``unscored``: unit key → leaves whose Tự chấm
    value is blank or not valid (their final cell is used instead). ``None`` when no unit
    has a Tự chấm column.
    """
    bloc = result.parsed
    if bloc is None or not any(SELF_COLUMN in u.score_columns for u in bloc.units):
        return None, {}
    types = _types(bloc)
    crit = {c.path: c for c in bloc.criteria if c.is_leaf}
    scores: dict[str, dict[str, RawCell]] = {}
    unscored: dict[str, int] = {}
    for u in bloc.units:
        final = bloc.scores.get(u.key, {})
        column = u.score_columns.get(SELF_COLUMN)
        own: dict[str, RawCell] = {}
        missing = 0
        for path, c in crit.items():
            cell = final.get(path)
            mine = _self_cell(cell, column) if cell is not None else None
            scored = types[path].is_scored
            if mine is not None:
                chk = check_value(types[path], mine.value, max=c.max, percent=mine.percent,
                                  uncached_formula=mine.uncached_formula)
                if chk.problem is None and (chk.value is not None or not scored):
                    own[path] = mine
                    continue
            elif not scored:
                continue  # a blank Điểm thưởng / Điểm trừ self-score claims nothing: 0
            if cell is not None:  # blank or not valid: the final value stands
                missing += 1
                own[path] = cell
        scores[u.key] = own
        unscored[u.key] = missing if SELF_COLUMN in u.score_columns else 0
    twin = replace(bloc, scores=scores, stated_totals={})
    from .engine import unit_totals

    return unit_totals(twin, Report()), unscored


# --------------------------------------------------------------------------------------
# the analysis
# --------------------------------------------------------------------------------------
def _top(deltas: dict[str, float], texts: dict[str, str], *, positive_only: bool,
         n: int = 3) -> list[Difference]:
    items = [(p, d) for p, d in deltas.items()
             if (d > EPS if positive_only else abs(d) > EPS)]
    items.sort(key=lambda x: -abs(x[1]))  # stable: equal differences stay in sheet order
    return [Difference(p, texts.get(p, ""), round_half_up(d, 2)) for p, d in items[:n]]


_UPPER = {"penalty": "ít điểm trừ hơn", "bonus": "điểm thưởng cao hơn"}
_LOWER = {"penalty": "nhiều điểm trừ hơn", "bonus": "điểm thưởng thấp hơn"}


def _key_value(k: TieKey, u: UnitResult) -> float:
    """The key's value as users see it (penalty points positive)."""
    return -k.value(u) if k.kind == "penalty" else k.value(u)


def deciding_key(a: UnitResult, b: UnitResult, keys: Sequence[TieKey]) -> TieKey | None:
    """The first tie-break key that separates two units of equal total (None: none does)."""
    for k in keys:
        if abs(k.value(a) - k.value(b)) > EPS / 10:
            return k
    return None


def tiebreak_text(u: UnitResult, other: UnitResult, k: TieKey, *, upper: bool) -> str:
    """ "xếp trên Sở X nhờ ít điểm trừ hơn (0 so với 1)" and its mirror."""
    if k.kind == "section":
        what = (f"điểm mục {k.section} cao hơn" if upper else f"điểm mục {k.section} thấp hơn")
    else:
        what = (_UPPER if upper else _LOWER)[k.kind]
    mine, theirs = vn_number(_key_value(k, u)), vn_number(_key_value(k, other))
    side = "xếp trên" if upper else "xếp dưới"
    link = "nhờ" if upper else "vì"
    return f"Cùng tổng điểm, {side} {other.name} {link} {what} ({mine} so với {theirs})"


def _tiebreaks(ordered: list[UnitResult], keys: Sequence[TieKey]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for hi, lo in zip(ordered, ordered[1:]):
        if hi.total is None or lo.total is None or hi.rank is None or lo.rank is None:
            continue
        if round_half_up(hi.total, 2) != round_half_up(lo.total, 2):
            continue
        if hi.rank == lo.rank:
            msg = "Đồng hạng: các tiêu chí phân định đồng hạng đều bằng nhau"
            for u in (hi, lo):
                if msg not in out.setdefault(u.key, []):
                    out[u.key].append(msg)
            continue
        k = deciding_key(hi, lo, keys)
        if k is None:  # pragma: no cover - ranks differ only through a key
            continue
        out.setdefault(hi.key, []).append(tiebreak_text(hi, lo, k, upper=True))
        out.setdefault(lo.key, []).append(tiebreak_text(lo, hi, k, upper=False))
    return out


def analyse(result: BlocResult) -> list[UnitAnalysis]:
    """The rows of "Phân tích", in rank order (empty without a parsed workbook)."""
    bloc = result.parsed
    if bloc is None:
        return []
    types = _types(bloc)
    texts = {c.path: c.text for c in bloc.criteria}
    mine = {u.key: contributions(bloc, types, u) for u in result.units}
    twin, unscored = self_result(result)
    selfs = {u.key: u for u in twin} if twin is not None else {}
    keys, _ = resolve_tiebreak(bloc.rules.tiebreak, result.sections)
    ties = _tiebreaks(result.units, keys)
    has_self = {u.key: SELF_COLUMN in u.score_columns for u in bloc.units}
    out: list[UnitAnalysis] = []
    above: UnitResult | None = None
    for u in result.units:
        a = UnitAnalysis(name=u.name, rank=u.rank, total=u.total, self_total=None,
                         difference=None, tiebreak="; ".join(ties.get(u.key, [])))
        s = selfs.get(u.key)
        if has_self.get(u.key) and s is not None and s.total is not None \
                and u.total is not None:
            a.self_total = s.total
            a.difference = round_half_up(s.total - u.total, 2)
            theirs = contributions(bloc, types, s)
            deltas = {p: theirs.get(p, 0.0) - v for p, v in mine[u.key].items()}
            a.differences = _top(deltas, texts, positive_only=False)
            a.unscored_self = unscored.get(u.key, 0)
        if above is not None and above.total is not None and u.total is not None:
            a.above = above.name
            a.gap = round_half_up(above.total - u.total, 2)
            ahead = mine[above.key]
            deltas = {p: ahead.get(p, 0.0) - mine[u.key].get(p, 0.0)  # sheet order
                      for p in dict.fromkeys([*ahead, *mine[u.key]])}
            a.losses = _top(deltas, texts, positive_only=True)
        out.append(a)
        above = u
    return out


def difference_text(items: Sequence[Difference], *, signed: bool = True) -> str:
    """ "II.1 Tuyên truyền (+2); I.3 (−1)" (criterion texts cut at 40 characters)."""
    parts = []
    for d in items:
        text = d.text.strip()
        if len(text) > 40:
            text = text[:39].rstrip() + "…"
        num = vn_number(abs(d.points))
        sign = ("+" if d.points > 0 else "−") if signed else ""
        parts.append(f"{d.path}{' ' + text if text else ''} ({sign}{num})")
    return "; ".join(parts)
