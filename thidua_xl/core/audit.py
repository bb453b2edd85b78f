"""Where every number came from: the audit trail and the self-score analysis of a result.

Pure (no I/O). Both read what the engine left on the result: ``BlocResult.parsed`` (the
parsed workbook: criteria, the unit's chosen cell and its Tự chấm cell) and each unit's
``leaf_scores``.

- :func:`audit_rows` — one :class:`AuditRow` per unit (rank order) and leaf criterion (sheet
  order), Điểm thưởng and Điểm trừ leaves included (penalties as negative contributions):
  the value entered, the column it came from, its cell, the score, the weight and the
  contribution, so that each unit's contributions add up to its total (a bonus or penalty
  cap the engine applied is one more row, "Áp mức tối đa").
- :func:`analyse` — per unit: the self-score total (:mod:`thidua_xl.core.self_score`: the
  total the engine gives on the units' Tự chấm cells), the difference with the final total
  and the criteria where it is largest; the gap to the unit ranked just above and the
  criteria where the unit lost most against it; the tie-break key that decided its place.

The self-score of a leaf whose Tự chấm cell is blank (or not valid) is taken as its final
value: no difference is claimed where the unit claimed nothing; such leaves are counted in
the analysis' note.

Both run once per ``score`` on every leaf of every unit (160,000 at 200 units × 800
criteria): a shown score and a contribution are made once per distinct score (and type and
weight: :class:`_Memo`), the audit's rows only when they are iterated (:class:`AuditTable`:
no column of 160,000 values), a unit's cells read from the parser's lists a unit at a time
(:class:`~thidua_xl.core.unit_columns.CellReader`), a difference only where two scores
differ (the self-scores say which leaves a claim set).
"""
from __future__ import annotations

from itertools import chain, compress, starmap
from operator import getitem, ne, sub
from collections.abc import Iterator, Sequence

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

from .cells import UnitCells
from .record import field, fields, record
from .models import Bloc, BlocResult, Criterion, CriterionType, UnitResult
from .ranking import TieKey, resolve_tiebreak
from .scoring import vn_number
from .self_score import SELF_COLUMN, _self_totals
from .text import column_letters
from .unit_columns import CellReader
from .values import round_half_up

#: "Cột" of a unit group with a single score column (no sub-labels)
SINGLE_COLUMN = "Một cột điểm"
CAP_TEXT = "Áp mức tối đa"
EPS = 0.005  # below a displayed cent: equal


@record(slots=True)
class AuditRow:
    """One line of "Chi tiết điểm" (``score`` writes plain tuples, :meth:`AuditTable.tuples`;
    the rows are made only when asked for)."""

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


@record(slots=True)
class Difference:
    """One criterion's share of a gap: its path, text and the points (signed)."""

    path: str
    text: str
    points: float  # signed


@record(slots=True)
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
def _tree(bloc: Bloc) -> Any:
    from .engine import Tree

    return Tree.build(bloc)


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


class _Memo(dict):
    """A leaf's score → its contribution, made once per distinct score (units share most
    scores; so do the leaves of one type and weight: one memo serves them all)."""

    __slots__ = ("ctype", "weight")

    def __init__(self, ctype: CriterionType, weight: float) -> None:
        super().__init__()
        self.ctype, self.weight = ctype, weight

    def __missing__(self, score: float) -> float:
        got = self[score] = _signed(self.ctype, self.weight, score)
        return got


class _Shown(dict):
    """A score → the score shown (:func:`_clean`), once per distinct score."""

    __slots__ = ()

    def __missing__(self, score: float) -> float:
        got = self[score] = _clean(score)
        return got


class _Leaf:
    """One leaf criterion as the audit shows it."""

    __slots__ = ("c", "path", "text", "ctype", "label", "weight", "memo")

    def __init__(self, c: Criterion, ctype: CriterionType, memos: dict) -> None:
        self.c, self.path, self.text, self.ctype = c, c.path, c.text, ctype
        self.label = ctype.value
        self.weight = 1.0 if not ctype.is_scored else (c.weight or 1.0)
        key = (ctype, type(self.weight), self.weight)
        memo = memos.get(key)
        if memo is None:
            memo = memos[key] = _Memo(ctype, self.weight)
        self.memo = memo

    def contribution(self, score: float) -> float:
        return self.memo[score]


def _leaves(bloc: Bloc, types: dict[str, CriterionType] | None = None) -> list[_Leaf]:
    """The leaf criteria in sheet order (a path typed twice is there twice); ``types``: their
    effective types (:class:`~thidua_xl.core.engine.Tree`'s; None: found here)."""
    if types is None:
        types = _tree(bloc).types
    memos: dict = {}
    return [_Leaf(c, types[c.path], memos) for c in bloc.criteria if c.is_leaf]


def _by_path(leaves: list[_Leaf]) -> list[_Leaf]:
    """One leaf per path, at its first place (a path typed twice: its last row's weight,
    as a dict of contributions by path has it)."""
    return list({lf.path: lf for lf in leaves}.values())


_BONUS, _PENALTY = CriterionType.BONUS, CriterionType.PENALTY


def _cap_rows(u: UnitResult, leaves: list[_Leaf]) -> list[tuple]:
    """Rows for what the engine capped: bonus/penalty totals below their leaves' sum."""
    out = []
    for ctype, kept in ((_BONUS, u.bonus), (_PENALTY, -u.penalty)):
        mine = [lf for lf in leaves if lf.ctype is ctype and lf.path in u.leaf_scores]
        if not mine:
            continue
        excess = kept - sum(lf.contribution(u.leaf_scores[lf.path]) for lf in mine)
        if abs(excess) > EPS:
            out.append((u.name, mine[-1].path.split(".")[0],
                        f"{CAP_TEXT} ({ctype.value.lower()})", ctype.value, None, "", None,
                        None, None, _clean(excess), False))
    return out


def _blank_ref(bloc: Bloc, unit, crit) -> str | None:
    """Where a blank cell is (the unit's preferred score column on the criterion's row)."""
    from .engine import _derived_ref

    return _derived_ref(bloc, unit, crit) if unit is not None else crit.ref


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AuditRow))


class AuditTable(Sequence):
    """The rows of "Chi tiết điểm": :meth:`tuples` gives them as plain tuples in
    :data:`FIELDS` order, :attr:`columns` maps each field of :class:`AuditRow` to its list of
    values; an :class:`AuditRow` is made only when one is asked for (iterating makes them one
    at a time). At 200 units × 800 criteria that is 160,000 rows: the table keeps, per
    unit, what its rows are made of (the leaves' lists, shared by the units, and the unit's
    own lists of cells and scores) and makes a unit's rows when they are iterated — no
    column of 160,000 values unless :attr:`columns` is asked for. It reads the result as
    it is then: iterate it before changing the result."""

    __slots__ = ("_parts", "_len", "_columns")

    def __init__(self, columns: dict[str, list] | None = None, *, parts: list | None = None
                 ) -> None:
        """A table of the given ``columns`` (each field's list of values), or of ``parts``:
        sized iterables of row tuples, in order."""
        self._columns = columns
        self._parts = parts if parts is not None else []
        self._len = (len(columns["unit"]) if columns is not None
                     else sum(map(len, self._parts)))

    @property
    def columns(self) -> dict[str, list]:
        """Each field's list of values (made on first use)."""
        if self._columns is None:
            columns: list[list] = [[] for _ in FIELDS]
            for part in self._parts:  # a unit's rows at a time, not all 160,000 at once
                for column, values in zip(columns, zip(*part)):
                    column.extend(values)
            self._columns = dict(zip(FIELDS, columns))
            self._parts = []
        return self._columns

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, i):  # type: ignore[override]
        columns = self.columns.values()
        if isinstance(i, slice):
            return list(starmap(AuditRow, zip(*(c[i] for c in columns))))
        return AuditRow(*(c[i] for c in columns))

    def __iter__(self) -> Iterator[AuditRow]:
        return starmap(AuditRow, self.tuples())

    def tuples(self) -> Iterator[tuple]:
        """The rows as plain tuples, in :data:`FIELDS` order."""
        if self._columns is not None:
            return zip(*self._columns.values())
        return chain.from_iterable(self._parts)

    def column_parts(self) -> Iterator[tuple[Sequence, ...]]:
        """The rows as columns (in :data:`FIELDS` order, each a list or tuple), a part at a
        time: a unit's leaf rows, its cap rows (or the whole table, once :attr:`columns`
        was asked for); no part empty."""
        if self._columns is not None:
            if self._len:
                yield tuple(self._columns.values())
            return
        for part in self._parts:
            if part.__class__ is _UnitRows:
                if len(part):
                    yield part.columns()
            elif part:
                yield tuple(map(list, zip(*part)))


class _UnitRows:
    """One unit's leaf rows of "Chi tiết điểm", made when iterated (:class:`AuditTable`)."""

    __slots__ = ("name", "leaves", "every", "reader", "scores", "cells", "bloc", "unit",
                 "shown")

    def __init__(self, name: str, leaves: list[_Leaf], every: tuple[list, ...],
                 reader: CellReader, scores: dict[str, float], cells: Any, bloc: Bloc,
                 unit: Any, shown: _Shown) -> None:
        self.name, self.leaves, self.every, self.reader = name, leaves, every, reader
        self.scores, self.cells, self.bloc, self.unit, self.shown = (scores, cells, bloc,
                                                                     unit, shown)

    def __len__(self) -> int:
        return len(self.leaves)

    def __iter__(self) -> Iterator[tuple]:
        return zip(*self.columns())

    def columns(self) -> tuple[Sequence, ...]:
        """The unit's rows as columns in :data:`FIELDS` order, each a list or tuple of one
        value a leaf (those of the leaves' own lists shared by the units)."""
        leaves, cells, reader = self.leaves, self.cells, self.reader
        paths, texts, labels, weights, memos = self.every
        n = len(leaves)
        got = list(map(self.scores.__getitem__, paths))
        shown = list(map(self.shown.__getitem__, got))
        contributions = list(map(getitem, memos, got))
        unit = [self.name] * n
        if n and isinstance(cells, UnitCells):
            at, whole = reader.at(cells)
            cols = reader.take(cells.cols) if whole else ()
            col = cols[0] if cols else 0
            table = cells.table
            if col and cols.count(col) == n and table.rewrite is None:
                # the usual: a cell on every row, one column, in the user's own sheet
                pct = cells.percent
                head = f"{table.sheet}!{column_letters(col)}"  # as ScoreTable.ref makes it
                return (unit, paths, texts, labels, reader.take(cells.data),
                        [cells.roles.get(col, "") or SINGLE_COLUMN] * n,
                        list(map(head.__add__, reader.rows_text(cells))), shown, weights,
                        contributions, [i in pct for i in at] if pct else [False] * n)
        at = reader.columns(cells)
        present = at.present
        bloc, owner = self.bloc, self.unit
        column = [(s or SINGLE_COLUMN) if have else "" for s, have in zip(at.source, present)]
        cell = [ref if have else _blank_ref(bloc, owner, lf.c) for ref, have, lf
                in zip(reader.refs(cells, present), present, leaves)]
        return (unit, paths, texts, labels, at.value, column, cell, shown, weights,
                contributions, at.percent)


def audit_rows(result: BlocResult) -> list[AuditRow]:
    """The rows of "Chi tiết điểm" (empty when the result has no parsed workbook or no
    totals)."""
    return list(audit_table(result))


def _lists(leaves: list[_Leaf]) -> tuple[list, ...]:
    return ([lf.path for lf in leaves], [lf.text for lf in leaves], [lf.label for lf in leaves],
            [lf.weight for lf in leaves], [lf.memo for lf in leaves])


def audit_table(result: BlocResult) -> AuditTable:
    """:func:`audit_rows` as an :class:`AuditTable`: per unit in rank order (with a total),
    a row per leaf it has a score on, then its cap rows."""
    bloc = result.parsed
    if bloc is None:
        return AuditTable({name: [] for name in FIELDS})
    leaves = _leaves(bloc)
    capped = [lf for lf in leaves if lf.ctype is _BONUS or lf.ctype is _PENALTY]
    units = {u.key: u for u in bloc.units}
    every = _lists(leaves)
    wanted = set(every[0])
    every_reader = CellReader(every[0])
    shown = _Shown()
    parts: list = []
    for u in result.units:
        if u.total is None:
            continue
        scores = u.leaf_scores
        mine, lists, reader = leaves, every, every_reader
        if not scores.keys() >= wanted or None in scores.values():  # a leaf the engine did
            mine = [lf for lf in leaves if scores.get(lf.path) is not None]  # not score: no row
            lists = _lists(mine)
            reader = CellReader(lists[0])
        parts.append(_UnitRows(u.name, mine, lists, reader, scores,
                               bloc.scores.get(u.key, {}), bloc, units.get(u.key), shown))
        if capped:
            cap = _cap_rows(u, capped)
            if cap:
                parts.append(cap)
    return AuditTable(parts=parts)


# --------------------------------------------------------------------------------------
# the analysis
# --------------------------------------------------------------------------------------
def _top(deltas: dict[str, float], texts: dict[str, str], *, positive_only: bool,
         n: int = 3) -> list[Difference]:
    """The ``n`` largest differences (by size; equal ones in sheet order) above a cent's
    half: positive ones only, or either sign. (Filtered and ranked in C: ``sorted(…,
    reverse=True)`` keeps equal keys in order, as the ascending sort by −|d| did.)"""
    values = list(deltas.values())
    sizes = list(map(abs, values))
    kept = compress(range(len(values)), map(EPS.__lt__, values if positive_only else sizes))
    top = sorted(kept, key=sizes.__getitem__, reverse=True)[:n]
    paths = list(deltas)
    return [Difference(paths[i], texts.get(paths[i], ""), round_half_up(values[i], 2))
            for i in top]


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


class _Places:
    """The leaves of the analysis, one per path (:func:`_by_path`): each path's place in
    sheet order and its contribution memo."""

    __slots__ = ("place", "memo")

    def __init__(self, leaves: list[_Leaf]) -> None:
        self.place = {lf.path: i for i, lf in enumerate(leaves)}
        self.memo = {lf.path: lf.memo for lf in leaves}


def _deltas(leaves: _Places, plus: dict[str, float], minus: dict[str, float], *,
            both: bool) -> dict[str, float]:
    """Path → the contribution of a leaf score in ``plus`` − that in ``minus`` (0 where a
    unit has no score), in sheet order over the leaves ``minus`` scores — ``both``: over
    those ``plus`` scores, then those only ``minus`` scores. A leaf scored alike differs by
    0: it is left out (no top list shows it)."""
    if len(plus) == len(minus) and list(plus) == list(minus):  # the usual: same leaves
        changed: Any = compress(plus, map(ne, plus.values(), minus.values()))  # (in C)
    else:
        changed = [p for p in plus.keys() | minus.keys() if plus.get(p) != minus.get(p)]
    return _changed(leaves, changed, plus, minus, both=both)


def _changed(leaves: _Places, changed: Any, plus: dict[str, float], minus: dict[str, float],
             *, both: bool) -> dict[str, float]:
    """:func:`_deltas` of the paths ``changed`` (those whose two scores differ)."""
    place, memo = leaves.place, leaves.memo
    paths = sorted(filter(place.__contains__, changed), key=place.__getitem__)
    xs, ys = list(map(plus.get, paths)), list(map(minus.get, paths))
    if None not in xs and None not in ys:  # the usual: both score every leaf that differs
        memos = list(map(memo.__getitem__, paths))
        return dict(zip(paths, map(sub, map(getitem, memos, xs), map(getitem, memos, ys))))
    out: dict[str, float] = {}
    late: list[tuple[str, float]] = []
    for path, x, y in zip(paths, xs, ys):
        m = memo[path]
        if y is None:
            if both:
                out[path] = m[x] - 0.0
        elif x is None:
            d = 0.0 - m[y]
            if both:
                late.append((path, d))
            else:
                out[path] = d
        else:
            out[path] = m[x] - m[y]
    out.update(late)
    return out


def analyse(result: BlocResult) -> list[UnitAnalysis]:
    """The rows of "Phân tích", in rank order (empty without a parsed workbook)."""
    bloc = result.parsed
    if bloc is None:
        return []
    tree = _tree(bloc)  # (once: the self-scores read it too)
    leaves = _Places(_by_path(_leaves(bloc, tree.types)))
    texts = {c.path: c.text for c in bloc.criteria}
    selfs, unscored = _self_totals(result, tree)
    selfs = selfs or {}
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
            deltas = _deltas(leaves, s.leaf_scores, u.leaf_scores, both=False)
            a.differences = _top(deltas, texts, positive_only=False)
            a.unscored_self = unscored.get(u.key, 0)
        if above is not None and above.total is not None and u.total is not None:
            a.above = above.name
            a.gap = round_half_up(above.total - u.total, 2)
            deltas = _deltas(leaves, above.leaf_scores, u.leaf_scores, both=True)
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
