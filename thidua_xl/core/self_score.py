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
import sys
from functools import partial, reduce
from operator import add, mul

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

from .record import replace
from .findings import Report
from .models import BlocResult, CriterionType, RawCell, UnitResult
from .scoring import CellCheck, best_result, check_value, leaf_target, score_of
from .cells import UnitCells, tuple_getter
from .unit_columns import CellReader, UnitColumns
from .values import round_half_up
from .vocab import SUB_SELF

SELF_COLUMN = SUB_SELF
_LEADING = CriterionType.LEADING


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
_NUMBER = (int, float)
#: what a unit's twin holds on a leaf besides a claim's score or value (see :func:`_claims`):
#: the final cell as it stands, or because the claim is blank or not valid
FINAL, MISSING = object(), object()


class _Leaf:
    """One leaf criterion and memos of its distinct values: their checks, and what the twin
    makes of a claim (the same value, format and formula flag give the same check: the
    criterion is fixed; and the same score where the target is the criterion's own)."""

    __slots__ = ("c", "path", "ctype", "scored", "weight", "lead", "fixed", "checks",
                 "claims")

    def __init__(self, c, ctype: CriterionType, fixed: bool = True) -> None:
        self.c, self.path, self.ctype = c, c.path, ctype
        self.scored = ctype.is_scored
        self.weight = c.weight or 1.0
        self.lead = ctype is _LEADING
        self.fixed = fixed or self.lead  # (a dẫn đầu claim is scored later, not here)
        self.checks: dict[tuple, CellCheck] = {}
        self.claims: dict[tuple, Any] = {}

    def check(self, value: Any, percent: bool, uncached: bool) -> CellCheck:
        """:func:`check_value` of a cell."""
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

    def claim(self, value: Any, percent: bool, uncached: bool,
              targets: dict[str, RawCell] | None) -> Any:
        """What the twin holds for a Tự chấm cell: ``MISSING`` when it is blank or not valid
        (the final cell stands), else — a Định lượng dẫn đầu leaf — the value parsed (scored
        once the bloc's best is known), — any other — its score (a blank bonus / penalty
        claim: 0)."""
        key = None
        if self.fixed:
            try:
                key = (type(value), value, percent, uncached)
                got = self.claims.get(key, self)  # (self: not seen yet)
            except TypeError:  # pragma: no cover - readers give hashable values
                key, got = None, self
            if got is not self:
                return got
        chk = self.check(value, percent, uncached)
        if chk.problem is not None or (chk.value is None and self.scored):
            got = MISSING
        elif self.lead:  # (scored: a value there)
            got = chk.value
        else:
            got = 0.0 if chk.value is None else score_of(
                self.c, self.ctype, chk.value, leaf_target(self.c, targets), None, False)
        if key is not None:
            self.claims[key] = got
        return got

    def blank(self) -> Any:
        """What the twin holds where the unit claims nothing beside its final cell: the
        final cell (``MISSING``) on a scored leaf, nothing (0) on a bonus / penalty."""
        return MISSING if self.scored else 0.0

    def parsed(self, present: bool, value: Any, percent: bool, uncached: bool) -> Any:
        """The value the engine reads from a cell the final scoring accepted (a blank
        is 0)."""
        if not present:
            return 0.0
        v = self.check(value, percent, uncached).value
        return 0.0 if v is None else v


def _claims(leaves: list[_Leaf], fields, column: str | None,
            targets: dict[str, RawCell] | None) -> dict[str, Any]:
    """Leaf path → what the twin holds there (:func:`self_result`'s rule) where it is not
    the final cell as it stands (:meth:`_Leaf.claim`; a blank claim :meth:`_Leaf.blank`).
    ``fields``: (leaf index, and the unit's cell there as :class:`UnitColumns` has it) for
    the leaves that may differ from the final cell, in sheet order."""
    out: dict[str, Any] = {}
    number = _NUMBER
    for j, have, v, p, u, src, mine, mp in fields:
        if not have:
            continue
        leaf = leaves[j]
        if src == SELF_COLUMN:  # the final value is the unit's own
            if type(v) in number:
                continue  # a number the final scoring accepted
            out[leaf.path] = leaf.claim(v, p, u, targets)
        elif mine is None or column is None:
            out[leaf.path] = leaf.blank()
        elif type(mine) in number and type(mine) is type(v) and mine == v and mp == p:
            continue  # the final value itself
        else:
            out[leaf.path] = leaf.claim(mine, mp, False, targets)
    return out


#: what a unit's column holds on a row, for :func:`_maybe`
_NO_CELL, _OWN, _BESIDE, _NONE = 0, 1, 2, 3  # no cell; the Tự chấm one; one beside it; none


def _maybe(reader: CellReader, cells: UnitCells, column: str | None,
           kinds: dict[tuple, list[int]]) -> Any:
    """The leaves (indices, ascending) where a unit's twin may differ from its final cell:
    all but those without a cell and those whose Tự chấm value is the very number the final
    scoring read (the unit's own, or a number of the same type equal to it with the same
    format) — :func:`_claims` skips those too. One comprehension over the unit's lists (the
    unit whose every value is its own: its rows of values not numbers, the same rows for
    every unit whose values have the same types — ``kinds`` keeps them by the types)."""
    at, whole = reader.at(cells)
    n = len(at)
    if not whole:
        return range(n)  # (a leaf not on the table: :func:`_claims` reads them one by one)
    data, cols, roles = cells.data, cells.cols, cells.roles
    selfs, self_col = cells.self_values, cells.self_col
    cs = reader.take(cols)

    def mode(c: int) -> int:
        return (_NO_CELL if not c else _OWN if roles.get(c, "") == SELF_COLUMN
                else _BESIDE if selfs is not None and c != self_col and column is not None
                else _NONE)

    vals = reader.take(data)
    if n and cs.count(cs[0]) == n:  # the usual: one column picked on every row
        only = mode(cs[0])
        if only == _NO_CELL:
            return ()
        if only == _NONE:
            return range(n)
        if only == _OWN:
            types = tuple(map(type, vals))
            js = kinds.get(types)
            if js is None:
                js = kinds[types] = [j for j, t in enumerate(types)
                                     if t is not int and t is not float]
        else:  # (the test is :func:`_claims`'s, written cheapest first)
            js = [j for j, m, v in zip(range(n), reader.take(selfs), vals)
                  if (t := type(m)) is not type(v) or m != v
                  or (t is not int and t is not float)]
    else:
        modes = {c: mode(c) for c in set(cs)}
        mine = reader.take(selfs) if selfs is not None else (None,) * n
        number = _NUMBER
        js = [j for j, c, m, v in zip(range(n), cs, mine, vals)
              if (k := modes[c]) == _NONE or (k != _NO_CELL and not (
                  type(v) in number and (k == _OWN or (m == v and type(m) is type(v)))))]
    flagged = cells.percent | cells.uncached | cells.self_percent
    if flagged:  # a format or formula flag on the row: read as :func:`_claims` reads any cell
        js = sorted({*js, *(j for j, i in enumerate(at) if i in flagged)})
    return js


def _claims_at(leaves: list[_Leaf], reader: CellReader, cells: UnitCells, js,
               column: str | None, targets: dict[str, RawCell] | None) -> dict[str, Any]:
    """:func:`_claims` of the leaves ``js`` (ascending) read from the unit's lists (the
    fields :meth:`CellReader.columns` gives, one leaf at a time)."""
    at, _ = reader.at(cells)
    data, cols, roles = cells.data, cells.cols, cells.roles
    pct, unc = cells.percent, cells.uncached
    selfs, self_col, self_pct = cells.self_values, cells.self_col, cells.self_percent
    own = {c for c, role in roles.items() if role == SELF_COLUMN}
    number = _NUMBER
    out: dict[str, Any] = {}
    for j in js:
        i = at[j]
        if i < 0 or not (col := cols[i]):
            continue
        v = data[i]
        leaf = leaves[j]
        if col in own:
            if type(v) in number:
                continue
            out[leaf.path] = leaf.claim(v, i in pct, i in unc, targets)
        elif selfs is None or col == self_col or column is None or (mine := selfs[i]) is None:
            out[leaf.path] = leaf.blank()
        else:
            mp = i in self_pct
            t = type(mine)
            if t in number and t is type(v) and mine == v and mp == (i in pct):
                continue
            out[leaf.path] = leaf.claim(mine, mp, False, targets)
    return out


def _final_cell(reader: CellReader, cells: Any, cols: UnitColumns | None, j: int
                ) -> tuple[bool, Any, bool, bool]:
    """The unit's final cell on leaf ``j``: a cell there, its value, percent format,
    uncached formula."""
    if cols is not None:
        return cols.present[j], cols.value[j], cols.percent[j], cols.uncached[j]
    i = reader.at(cells)[0][j]
    if i < 0 or not cells.cols[i]:
        return False, None, False, False
    return True, cells.data[i], i in cells.percent, i in cells.uncached


def self_totals(result: BlocResult) -> tuple[dict[str, SelfScore] | None, dict[str, int]]:
    """Unit key → :class:`SelfScore`, and the ``unscored`` counts, equal to
    :func:`self_result`'s (``None`` when no unit has a Tự chấm column)."""
    return _self_totals(result, None)


def _self_totals(result: BlocResult, tree: Any
                 ) -> tuple[dict[str, SelfScore] | None, dict[str, int]]:
    """:func:`self_totals`, with the criteria tree of the result's workbook when the caller
    has built it already (None: built here)."""
    bloc = result.parsed
    if bloc is None or not _has_self(result):
        return None, {}
    fast = _in_hand(result, tree)
    if fast is not None:
        return fast
    units, unscored = self_result(result)
    return {u.key: SelfScore(u.total, u.leaf_scores) for u in units or ()}, unscored


def _in_hand(result: BlocResult, tree: Any = None
             ) -> tuple[dict[str, SelfScore], dict[str, int]] | None:
    """:func:`self_totals` from the final leaf scores (None: the result has errors or a
    unit without a total — the engine's run decides those).

    Without errors every unit's every leaf was scored from a valid cell, so the twin's
    cells are all valid too: a leaf whose claim is the final value (or not valid, or blank)
    keeps its final score — but for Định lượng dẫn đầu, whose score hangs on the bloc's best
    twin result —, a claimed value is scored as the engine scores it (once per distinct
    claim of a criterion), and the totals are added up in the engine's order. Only the
    leaves whose claim is not the final number are looked at one by one (:func:`_maybe`)."""
    from .caps import capped_totals, has_caps
    from .engine import Tree

    bloc = result.parsed
    assert bloc is not None
    finals = {u.key: u.leaf_scores for u in result.units}
    if result.has_errors or any(u.total is None for u in result.units):
        return None
    if tree is None:
        tree = Tree.build(bloc)
    ratio = {p for t in bloc.unit_targets.values() for p in t}
    leaves = [_Leaf(c, ctype, c.path not in ratio) for c, ctype in tree.typed_leaves]
    if len({leaf.path for leaf in leaves}) != len(leaves) or any(
            u.key not in finals or len(finals[u.key]) != len(leaves) or u.column_ref is None
            for u in bloc.units):
        return None  # (a unit without a column group: the engine decides what it scores)
    lead = [lf for lf in leaves if lf.lead]
    # the twin's value of every Định lượng dẫn đầu leaf, every unit: the bloc's best
    leading: dict[str, dict[str, Any]] = {lf.path: {} for lf in lead}
    claims: dict[str, dict[str, Any]] = {}  # unit key → leaf → claim (not FINAL)
    unscored: dict[str, int] = {}
    paths = [lf.path for lf in leaves]
    lead_paths = [lf.path for lf in lead]
    every, only_lead = CellReader(paths), CellReader(lead_paths)
    kinds: dict[tuple, list[int]] = {}  # (see :func:`_maybe`)
    for u in bloc.units:
        cells = bloc.scores.get(u.key, {})
        column = u.score_columns.get(SELF_COLUMN)
        has = SELF_COLUMN in u.score_columns  # else its self-score is not shown
        if not has and not lead:
            unscored[u.key] = 0
            continue
        reader, mine_leaves = (every, leaves) if has else (only_lead, lead)
        targets = bloc.unit_targets.get(u.key)
        cols = None
        if isinstance(cells, UnitCells):
            js = _maybe(reader, cells, column, kinds) if has else range(len(lead))
            mine = _claims_at(mine_leaves, reader, cells, js, column, targets)
        else:
            cols = reader.columns(cells)
            mine = _claims(mine_leaves, zip(range(len(mine_leaves)), *cols), column, targets)
        unscored[u.key] = sum(1 for v in mine.values() if v is MISSING) if has else 0
        if lead:
            at = {p: j for j, p in enumerate(paths if has else lead_paths)}
            for leaf in lead:
                got = mine.pop(leaf.path, FINAL)
                if got is FINAL or got is MISSING:
                    got = leaf.parsed(*_final_cell(reader, cells, cols, at[leaf.path]))
                leading[leaf.path][u.key] = got
        if has:
            claims[u.key] = mine
    best = _best(leaves, leading, bloc.unit_targets)
    sums = _sections(tree, leaves)
    capped = capped_totals if has_caps(tree) else None
    out: dict[str, SelfScore] = {}
    for key, mine in claims.items():
        scores = dict(finals[key])  # a leaf claimed as scored stands
        for path, got in mine.items():
            if got is not MISSING:
                scores[path] = got
        if lead:
            targets = bloc.unit_targets.get(key)
            for leaf in lead:
                scores[leaf.path] = score_of(leaf.c, leaf.ctype, leading[leaf.path][key],
                                             leaf_target(leaf.c, targets), best.get(leaf.path),
                                             leaf.path in ratio)
        out[key] = SelfScore(_total(tree, sums, scores, capped), scores)
    return out, unscored


def _best(leaves: list[_Leaf], leading: dict[str, dict[str, Any]],
          targets: dict[str, dict[str, RawCell]]) -> dict[str, float]:
    """The best twin result of each Định lượng dẫn đầu leaf (the engine's rule: the best
    actual, or the best ratio actual / target where some unit has its own target)."""
    best: dict[str, float] = {}
    for leaf in leaves:
        if leaf.ctype is _LEADING:
            found = best_result(leaf.c, leading[leaf.path], targets)
            if found is not None:
                best[leaf.path] = found
    return best


def _add_up(values: Any) -> float:
    """``acc = 0.0; for v in values: acc += v`` — the engine's sums, term by term in the same
    order — in C: ``sum`` adds a float at a time before Python 3.12 (which compensates the
    rounding: a different number), ``reduce(add)`` everywhere (slower: a float a term)."""
    return _SUM(values, 0.0)


_SUM = sum if sys.version_info < (3, 12) else partial(reduce, add)


def _sections(tree, leaves: list[_Leaf]) -> list[tuple[str, Any, list[float]]]:
    """Each section's scored leaves in sheet order — (its key, a getter of their scores,
    their weights) —, sections in the engine's order; the bonus and penalty leaves under
    ``_BONUS``/``_PENALTY``."""
    by: dict[str, tuple[list[str], list[float]]] = {sec: ([], []) for sec, _ in tree.sections}
    for leaf in leaves:
        if leaf.ctype is CriterionType.BONUS:
            key = _BONUS
        elif leaf.ctype is CriterionType.PENALTY:
            key = _PENALTY
        else:
            key = leaf.c.section
        paths, weights = by.setdefault(key, ([], []))
        paths.append(leaf.path)
        weights.append(leaf.weight)
    by.setdefault(_BONUS, ([], []))
    by.setdefault(_PENALTY, ([], []))
    return [(key, tuple_getter(paths), weights) for key, (paths, weights) in by.items()]


_BONUS, _PENALTY = "\0bonus", "\0penalty"  # not a section's path


def _total(tree, sums: list[tuple[str, Any, list[float]]], scores: dict[str, float],
           capped) -> float:
    """The engine's total of one unit's leaf scores: each section's weighted scores added
    in sheet order, the sections in order, then the bonus and the penalty (capped by their
    groups' max when the sheet gives one)."""
    sections: list[float] = []
    bonus = penalty = 0.0
    for key, get, weights in sums:
        if key is _BONUS:
            bonus = _add_up(get(scores))
        elif key is _PENALTY:
            penalty = _add_up(get(scores))
        else:
            sections.append(_add_up(map(mul, weights, get(scores))))
    if capped is not None:
        got = capped(tree, scores)
        bonus, penalty = got.bonus, got.penalty
    return round_half_up(sum(sections) + bonus - penalty, 2)
