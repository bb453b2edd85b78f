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

from collections import namedtuple

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

from .record import replace
from .findings import Report
from .models import BlocResult, CriterionType, RawCell, UnitResult
from .scoring import CellCheck, check_value, leaf_score
from .unit_columns import CellReader, UnitColumns
from .values import round_half_up
from .vocab import SUB_SELF

SELF_COLUMN = SUB_SELF
_LEADING = CriterionType.LEADING
_SCORE = CriterionType.SCORE


SelfScore = namedtuple("SelfScore", ("total", "leaf_scores"))
SelfScore.__doc__ = ("One unit's self-score: the total (None: not computable) and its leaf "
                     "scores (path -> score).")


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

    def parsed(self, present: bool, value: Any, percent: bool, uncached: bool) -> Any:
        """The value the engine reads from a cell the final scoring accepted (a blank
        is 0)."""
        if not present:
            return 0.0
        v = self.check(value, percent, uncached).value
        return 0.0 if v is None else v


_NUMBER = (int, float)
#: what a unit's twin holds on a leaf besides a claimed value (see :func:`_claims`)
FINAL, ZERO, MISSING = object(), object(), object()


def _claims(leaves: list[_Leaf], cols: UnitColumns, column: str | None) -> dict[str, Any]:
    """Leaf path → what the twin holds there (:func:`self_result`'s rule) where it is not
    the final cell as it stands: ``ZERO`` nothing (a blank bonus/penalty claim),
    ``MISSING`` the final cell because the claim is blank or not valid, or the Tự chấm value
    parsed."""
    out: dict[str, Any] = {}
    number = _NUMBER
    for leaf, have, v, p, u, src, mine, mp in zip(leaves, *cols):
        if not have:
            continue
        if src == SELF_COLUMN:  # the final value is the unit's own
            if type(v) in number:
                continue  # a number the final scoring accepted
            raw, percent, uncached = v, p, u
        elif mine is None or column is None:
            out[leaf.path] = MISSING if leaf.scored else ZERO
            continue
        elif type(mine) in number and type(mine) is type(v) and mine == v and mp == p:
            continue  # the final value itself
        else:
            raw, percent, uncached = mine, mp, False
        chk = leaf.check(raw, percent, uncached)
        if chk.problem is None and (chk.value is not None or not leaf.scored):
            out[leaf.path] = ZERO if chk.value is None else chk.value
        else:
            out[leaf.path] = MISSING
    return out


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
    unit without a total — the engine's run decides those).

    Without errors every unit's every leaf was scored from a valid cell, so the twin's
    cells are all valid too: a leaf whose claim is the final value (or not valid, or blank)
    keeps its final score — but for Định lượng dẫn đầu, whose score hangs on the bloc's best
    twin result —, a claimed value is scored as the engine scores it, and the totals are
    added up in the engine's order."""
    from .caps import capped_totals, has_caps
    from .engine import Tree

    bloc = result.parsed
    assert bloc is not None
    finals = {u.key: u.leaf_scores for u in result.units}
    if result.has_errors or any(u.total is None for u in result.units):
        return None
    tree = Tree.build(bloc)
    leaves = [_Leaf(c, tree.types[c.path]) for c in tree.leaves()]
    if len({leaf.path for leaf in leaves}) != len(leaves) or any(
            u.key not in finals or len(finals[u.key]) != len(leaves) or u.column_ref is None
            for u in bloc.units):
        return None  # (a unit without a column group: the engine decides what it scores)
    lead = [lf for lf in leaves if lf.ctype is _LEADING]
    # the twin's value of every Định lượng dẫn đầu leaf, every unit: the bloc's best
    leading: dict[str, dict[str, Any]] = {lf.path: {} for lf in lead}
    claims: dict[str, dict[str, Any]] = {}  # unit key → leaf → claim (not FINAL)
    unscored: dict[str, int] = {}
    paths = [lf.path for lf in leaves]
    lead_paths = [lf.path for lf in lead]
    every, only_lead = CellReader(paths), CellReader(lead_paths)
    for u in bloc.units:
        cells = bloc.scores.get(u.key, {})
        column = u.score_columns.get(SELF_COLUMN)
        has = SELF_COLUMN in u.score_columns  # else its self-score is not shown
        if not has and not lead:
            unscored[u.key] = 0
            continue
        cols = (every if has else only_lead).columns(cells)
        mine = _claims(leaves if has else lead, cols, column)
        unscored[u.key] = sum(1 for v in mine.values() if v is MISSING) if has else 0
        if lead:
            at = {p: j for j, p in enumerate(paths if has else lead_paths)}
            for leaf in lead:
                got = mine.pop(leaf.path, FINAL)
                if got is FINAL or got is MISSING:
                    j = at[leaf.path]
                    got = leaf.parsed(cols.present[j], cols.value[j], cols.percent[j],
                                      cols.uncached[j])
                leading[leaf.path][u.key] = got
        if has:
            claims[u.key] = mine
    best = _best(leaves, leading, bloc.unit_targets)
    ratio = {p for t in bloc.unit_targets.values() for p in t}
    sums = _sections(tree, leaves)
    capped = capped_totals if has_caps(tree) else None
    by_path = {lf.path: lf for lf in leaves}
    out: dict[str, SelfScore] = {}
    for key, mine in claims.items():
        targets = bloc.unit_targets.get(key)
        scores = dict(finals[key])  # a leaf claimed as scored stands
        for path, got in mine.items():
            if got is ZERO:
                scores[path] = 0.0
            elif got is not MISSING:
                leaf = by_path[path]
                scores[path] = _score(leaf, got, _target(leaf, targets), None, False)
        for leaf in lead:
            scores[leaf.path] = _score(leaf, leading[leaf.path][key], _target(leaf, targets),
                                       best.get(leaf.path), leaf.path in ratio)
        out[key] = SelfScore(_total(tree, sums, scores, capped), scores)
    return out, unscored


def _target(leaf: _Leaf, own: dict[str, RawCell] | None) -> float | None:
    cell = own.get(leaf.path) if own else None
    return float(cell.value) if cell is not None and cell.value is not None else leaf.c.target


def _best(leaves: list[_Leaf], leading: dict[str, dict[str, Any]],
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


def _sections(tree, leaves: list[_Leaf]) -> list[tuple[str, list[tuple[str, float]]]]:
    """Each section's scored leaves (path, weight) in sheet order, sections in the
    engine's order; the bonus and penalty leaves under ``_BONUS``/``_PENALTY``."""
    by: dict[str, list[tuple[str, float]]] = {sec: [] for sec, _ in tree.sections}
    for leaf in leaves:
        if leaf.ctype is CriterionType.BONUS:
            key = _BONUS
        elif leaf.ctype is CriterionType.PENALTY:
            key = _PENALTY
        else:
            key = leaf.c.section
        by.setdefault(key, []).append((leaf.path, leaf.weight))
    by.setdefault(_BONUS, [])
    by.setdefault(_PENALTY, [])
    return list(by.items())


_BONUS, _PENALTY = "\0bonus", "\0penalty"  # not a section's path


def _total(tree, sums: list[tuple[str, list[tuple[str, float]]]], scores: dict[str, float],
           capped) -> float:
    """The engine's total of one unit's leaf scores: each section's weighted scores added
    in sheet order, the sections in order, then the bonus and the penalty (capped by their
    groups' max when the sheet gives one)."""
    sections: list[float] = []
    bonus = penalty = 0.0
    for key, items in sums:
        if key is _BONUS:
            for path, _ in items:
                bonus += scores[path]
        elif key is _PENALTY:
            for path, _ in items:
                penalty += scores[path]
        else:
            acc = 0.0
            for path, weight in items:
                acc += weight * scores[path]
            sections.append(acc)
    if capped is not None:
        got = capped(tree, scores)
        bonus, penalty = got.bonus, got.penalty
    return round_half_up(sum(sections) + bonus - penalty, 2)
