"""The self-score of every unit: its total when its own Tự chấm cells are its scores.

Pure (no I/O). What "Phân tích" compares with the final totals (:func:`thidua_xl.core.audit.
analyse`). The rule, per unit and leaf:

- the unit's Tự chấm value when it is valid for the criterion (a scored leaf needs a value;
  a blank or "x" Điểm thưởng / Điểm trừ is 0);
- a blank Tự chấm Điểm thưởng / Điểm trừ claims nothing: 0;
- otherwise (blank or not valid) the final value stands, and the leaf is counted in
  ``unscored`` (the analysis' note).

:func:`self_result` is that rule as the engine runs it: the scoring stage
(:func:`~thidua_xl.core.engine.unit_totals`) on a twin of the parsed workbook whose cells are
the Tự chấm ones — every cell validated again. :func:`self_totals` gives the same numbers for
a result without errors from what is already in hand: the final leaf scores stand wherever
the Tự chấm value is the final one, and only the other cells are checked (one check per
distinct value of a criterion) and scored. A result with errors (or any unit without a
total) goes through :func:`self_result`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from .findings import Report
from .models import BlocResult, CriterionType, RawCell, UnitResult
from .scoring import CellCheck, check_value, leaf_score
from .values import round_half_up
from .vocab import SUB_SELF

SELF_COLUMN = SUB_SELF
_LEADING = CriterionType.LEADING
_SCORE = CriterionType.SCORE


class SelfScore(NamedTuple):
    """One unit's self-score: the total (None: not computable) and its leaf scores."""

    total: float | None
    leaf_scores: dict[str, float]


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


def _has_self(result: BlocResult) -> bool:
    bloc = result.parsed
    return bloc is not None and any(SELF_COLUMN in u.score_columns for u in bloc.units)


def self_result(result: BlocResult) -> tuple[list[UnitResult] | None, dict[str, int]]:
    """The unit totals the engine gives when each unit's Tự chấm cells are its scores
    (:func:`~thidua_xl.core.engine.unit_totals`: the decisions never change a total).

    Returns ``(units, unscored)`` — ``unscored``: unit key → leaves whose Tự chấm
    value is blank or not valid (their final cell is used instead). ``None`` when no unit
    has a Tự chấm column.
    """
    bloc = result.parsed
    if bloc is None or not _has_self(result):
        return None, {}
    from .engine import effective_types, unit_totals

    types = effective_types(bloc)
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
    return unit_totals(twin, Report()), unscored


# --------------------------------------------------------------------------------------
# from what is in hand
# --------------------------------------------------------------------------------------
class _Leaf:
    """One leaf criterion and a memo of the checks of its distinct values."""

    __slots__ = ("c", "path", "ctype", "scored", "weight", "checks")

    def __init__(self, c, ctype: CriterionType) -> None:
        self.c, self.path, self.ctype = c, c.path, ctype
        self.scored = ctype.is_scored
        self.weight = c.weight or 1.0
        self.checks: dict[tuple, CellCheck] = {}

    def check(self, value: Any, percent: bool, uncached: bool) -> CellCheck:
        """:func:`check_value` of a cell (the same value, format and formula flag give the
        same check: the criterion is fixed)."""
        try:
            key = (type(value), value, percent, uncached)
            got = self.checks.get(key)
        except TypeError:  # pragma: no cover - readers give hashable values
            key, got = None, None
        if got is None:
            got = check_value(self.ctype, value, max=self.c.max, percent=percent,
                              uncached_formula=uncached)
            if key is not None:
                self.checks[key] = got
        return got

    def parsed(self, cell: RawCell | None) -> Any:
        """The value the engine reads from a cell the final scoring accepted (a blank
        is 0)."""
        if cell is None:
            return 0.0
        v = self.check(cell.value, cell.percent, cell.uncached_formula).value
        return 0.0 if v is None else v


_NUMBER = (int, float)
FINAL, ZERO, OWN, MISSING = range(4)


def _claims(leaf: _Leaf, cell: RawCell | None, column: str | None) -> tuple[int, Any]:
    """What the twin holds for one leaf of a unit (:func:`self_result`'s rule): ``(FINAL,
    None)`` the final cell, ``(ZERO, None)`` nothing (a blank bonus/penalty claim), ``(OWN,
    value)`` the Tự chấm value parsed, ``(MISSING, None)`` the final cell because the claim
    is blank or not valid."""
    if cell is None:
        return FINAL, None
    if cell.source == SELF_COLUMN:  # the final value is the unit's own
        raw, percent, uncached = cell.value, cell.percent, cell.uncached_formula
        if type(raw) in _NUMBER:
            return FINAL, None  # a number the final scoring accepted
    else:
        raw = cell.self_value
        if raw is None or column is None:
            return (MISSING, None) if leaf.scored else (ZERO, None)
        percent, uncached = cell.self_percent, False
        if (type(raw) in _NUMBER and type(raw) is type(cell.value) and raw == cell.value
                and percent == cell.percent):
            return FINAL, None  # the final value itself
    chk = leaf.check(raw, percent, uncached)
    if chk.problem is None and (chk.value is not None or not leaf.scored):
        return (OWN, chk.value) if chk.value is not None else (ZERO, None)
    return MISSING, None


def self_totals(result: BlocResult) -> tuple[dict[str, SelfScore] | None, dict[str, int]]:
    """Unit key → :class:`SelfScore`, and the ``unscored`` counts, equal to
    :func:`self_result`'s (``None`` when no unit has a Tự chấm column)."""
    bloc = result.parsed
    if bloc is None or not _has_self(result):
        return None, {}
    fast = _in_hand(result)
    if fast is not None:
        return fast
    units, unscored = self_result(result)
    return {u.key: SelfScore(u.total, u.leaf_scores) for u in units or ()}, unscored


def _in_hand(result: BlocResult) -> tuple[dict[str, SelfScore], dict[str, int]] | None:
    """:func:`self_totals` from the final leaf scores (None: the result has errors or a
    unit without a total — the engine's run decides those)."""
    from .caps import capped_totals, has_caps
    from .engine import Tree

    bloc = result.parsed
    assert bloc is not None
    finals = {u.key: u for u in result.units}
    if result.has_errors or any(u.total is None for u in result.units):
        return None
    tree = Tree.build(bloc)
    leaves = [_Leaf(c, tree.types[c.path]) for c in tree.leaves()]
    if len({leaf.path for leaf in leaves}) != len(leaves) or any(
            u.key not in finals or len(finals[u.key].leaf_scores) != len(leaves)
            for u in bloc.units):
        return None
    # the twin's value of every Định lượng dẫn đầu leaf, every unit: the bloc's best
    leading: dict[str, dict[str, Any]] = {lf.path: {} for lf in leaves if lf.ctype is _LEADING}
    out: dict[str, SelfScore] = {}
    unscored: dict[str, int] = {}
    owns: dict[str, dict[str, Any]] = {}
    for u in bloc.units:
        cells = bloc.scores.get(u.key, {})
        column = u.score_columns.get(SELF_COLUMN)
        has = SELF_COLUMN in u.score_columns
        final = finals[u.key].leaf_scores
        scores: dict[str, float] = {}
        own: dict[str, Any] = {}
        missing = 0
        for leaf in leaves:
            path = leaf.path
            cell = cells.get(path)
            if not has and leaf.ctype is not _LEADING:
                continue
            how, value = _claims(leaf, cell, column)
            if how == MISSING:
                missing += 1
            if leaf.ctype is _LEADING:
                leading[path][u.key] = value if how == OWN else leaf.parsed(cell)
            elif how == OWN:
                own[path] = value
            else:
                scores[path] = 0.0 if how == ZERO else final[path]
        if has:
            out[u.key] = SelfScore(None, scores)
            owns[u.key] = own
            unscored[u.key] = missing
        else:
            unscored[u.key] = 0
    best = _best(tree, leaves, leading, bloc.unit_targets)
    ratio = {p for t in bloc.unit_targets.values() for p in t}
    caps = has_caps(tree)
    for key, s in out.items():
        targets = bloc.unit_targets.get(key)
        own, scores = owns[key], s.leaf_scores
        for leaf in leaves:
            path = leaf.path
            if leaf.ctype is _LEADING:
                value = leading[path][key]
            elif path in own:
                value = own[path]
            else:
                continue
            scores[path] = _score(leaf, value, _target(leaf, targets), best.get(path),
                                  path in ratio)
        ordered = {leaf.path: scores[leaf.path] for leaf in leaves}
        out[key] = SelfScore(_total(tree, leaves, ordered, caps and capped_totals), ordered)
    return out, unscored


def _target(leaf: _Leaf, own: dict[str, RawCell] | None) -> float | None:
    cell = own.get(leaf.path) if own else None
    return float(cell.value) if cell is not None and cell.value is not None else leaf.c.target


def _best(tree, leaves: list[_Leaf], leading: dict[str, dict[str, Any]],
          targets: dict[str, dict[str, RawCell]]) -> dict[str, float]:
    """The best twin result of each Định lượng dẫn đầu leaf (the engine's rule: the best
    actual, or the best ratio actual / target where some unit has its own target)."""
    best: dict[str, float] = {}
    for leaf in leaves:
        if leaf.ctype is not _LEADING:
            continue
        values = leading[leaf.path]
        if any(leaf.path in t for t in targets.values()):
            ratios = []
            for key, v in values.items():
                target = _target(leaf, targets.get(key))
                if target:
                    ratios.append(float(v) / target)
            if ratios:
                best[leaf.path] = max(ratios)
        elif values:
            best[leaf.path] = max(float(v) for v in values.values())
    return best


def _score(leaf: _Leaf, value: Any, target: float | None, best: float | None,
           ratio: bool) -> float:
    """The engine's leaf score of a parsed value."""
    if leaf.ctype is _SCORE:
        return float(value)
    if leaf.ctype is _LEADING and ratio and target:
        value, target = float(value) / target, 1.0  # best is a ratio there
    c = leaf.c
    return leaf_score(leaf.ctype, value, max=c.max, target=target, per_time=c.per_time,
                      best=best)


def _total(tree, leaves: list[_Leaf], scores: dict[str, float], capped) -> float:
    """The engine's total of one unit's leaf scores (sections in order, then the bonus and
    the penalty, capped by their groups' max when the sheet gives one)."""
    sections = {sec: 0.0 for sec, _ in tree.sections}
    bonus = penalty = 0.0
    for leaf in leaves:
        score = scores[leaf.path]
        if leaf.ctype is CriterionType.BONUS:
            bonus += score
        elif leaf.ctype is CriterionType.PENALTY:
            penalty += score
        else:
            sec = leaf.c.section
            sections[sec] = sections.get(sec, 0.0) + leaf.weight * score
    if capped:
        got = capped(tree, scores)
        bonus, penalty = got.bonus, got.penalty
    return round_half_up(sum(sections.values()) + bonus - penalty, 2)
