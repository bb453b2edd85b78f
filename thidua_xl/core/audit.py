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
criteria): a leaf's shown score and contribution are made once per distinct score
(:class:`_Leaf`), and a difference only where two scores differ.
"""
from __future__ import annotations

from itertools import starmap
from operator import getitem
from collections.abc import Iterator, Sequence

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

from .record import field, fields, record
from .models import Bloc, BlocResult, Criterion, CriterionType, RawCell, UnitResult
from .ranking import TieKey, resolve_tiebreak
from .scoring import vn_number
from .self_score import SELF_COLUMN, self_totals
from .unit_columns import CellReader
from .values import round_half_up

#: "Cột" of a unit group with a single score column (no sub-labels)
SINGLE_COLUMN = "Một cột điểm"
CAP_TEXT = "Áp mức tối đa"
EPS = 0.005  # below a displayed cent: equal


@record(slots=True)
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


class _Memo(dict):
    """A leaf's score → (score shown, contribution), made once per distinct score (units
    share most scores)."""

    __slots__ = ("ctype", "weight")

    def __init__(self, ctype: CriterionType, weight: float) -> None:
        super().__init__()
        self.ctype, self.weight = ctype, weight

    def __missing__(self, score: float) -> tuple[float, float]:
        got = self[score] = (_clean(score), _signed(self.ctype, self.weight, score))
        return got


class _Leaf:
    """One leaf criterion as the audit shows it."""

    __slots__ = ("c", "path", "text", "ctype", "label", "weight", "memo")

    def __init__(self, c: Criterion, ctype: CriterionType) -> None:
        self.c, self.path, self.text, self.ctype = c, c.path, c.text, ctype
        self.label = ctype.value
        self.weight = 1.0 if not ctype.is_scored else (c.weight or 1.0)
        self.memo = _Memo(ctype, self.weight)

    def numbers(self, score: float) -> tuple[float, float]:
        return self.memo[score]


def _leaves(bloc: Bloc) -> list[_Leaf]:
    """The leaf criteria in sheet order (a path typed twice is there twice)."""
    types = _types(bloc)
    return [_Leaf(c, types[c.path]) for c in bloc.criteria if c.is_leaf]


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
        excess = kept - sum(lf.numbers(u.leaf_scores[lf.path])[1] for lf in mine)
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


class AuditTable(Sequence[AuditRow]):
    """The rows of "Chi tiết điểm" as columns: :attr:`columns` maps each field of
    :class:`AuditRow` to its list of values (:meth:`tuples` gives the rows as plain tuples
    in :data:`FIELDS` order); an :class:`AuditRow` is made only when one is asked for
    (iterating makes them one at a time). At 200 units × 800 criteria that is 160,000 rows:
    a column is filled by one comprehension per unit, and eleven lists are all the garbage
    collector has to watch."""

    __slots__ = ("columns",)

    def __init__(self, columns: dict[str, list]) -> None:
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns["unit"])

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return list(starmap(AuditRow, zip(*(c[i] for c in self.columns.values()))))
        return AuditRow(*(c[i] for c in self.columns.values()))

    def __iter__(self) -> Iterator[AuditRow]:
        return starmap(AuditRow, self.tuples())

    def tuples(self) -> Iterator[tuple]:
        """The rows as plain tuples, in :data:`FIELDS` order."""
        return zip(*self.columns.values())


def audit_rows(result: BlocResult) -> list[AuditRow]:
    """The rows of "Chi tiết điểm" (empty when the result has no parsed workbook or no
    totals)."""
    return list(audit_table(result))


def audit_table(result: BlocResult) -> AuditTable:
    """:func:`audit_rows` as an :class:`AuditTable`."""
    cols: dict[str, list] = {name: [] for name in FIELDS}
    bloc = result.parsed
    if bloc is None:
        return AuditTable(cols)
    leaves = _leaves(bloc)
    capped = [lf for lf in leaves if lf.ctype is _BONUS or lf.ctype is _PENALTY]
    units = {u.key: u for u in bloc.units}
    (unit_c, path_c, text_c, type_c, value_c, column_c, cell_c, score_c, weight_c,
     contribution_c, percent_c) = cols.values()
    every = ([lf.path for lf in leaves], [lf.text for lf in leaves],
             [lf.label for lf in leaves], [lf.weight for lf in leaves])
    every_reader = CellReader(every[0])
    for u in result.units:
        if u.total is None:
            continue
        cells = bloc.scores.get(u.key, {})
        scores = u.leaf_scores
        mine = leaves
        paths, texts, labels, weights = every
        got = list(map(scores.get, paths))
        if None in got:  # a leaf the engine did not score: no row
            mine = [lf for lf, s in zip(leaves, got) if s is not None]
            paths, texts, labels, weights = ([lf.path for lf in mine], [lf.text for lf in mine],
                                             [lf.label for lf in mine],
                                             [lf.weight for lf in mine])
            got = [s for s in got if s is not None]
        reader = every_reader if mine is leaves else CellReader(paths)
        at = reader.columns(cells)
        present = at.present
        numbers = list(map(getitem, [lf.memo for lf in mine], got))
        unit_c += [u.name] * len(paths)
        path_c += paths
        text_c += texts
        type_c += labels
        value_c += at.value
        column_c += [(s or SINGLE_COLUMN) if have else "" for s, have in zip(at.source, present)]
        unit = units.get(u.key)
        cell_c += [ref if have else _blank_ref(bloc, unit, lf.c) for ref, have, lf
                   in zip(reader.refs(cells, present), present, mine)]
        score_c += [n[0] for n in numbers]
        weight_c += weights
        contribution_c += [n[1] for n in numbers]
        percent_c += at.percent
        if capped:
            for row in _cap_rows(u, capped):
                for col, v in zip(cols.values(), row):
                    col.append(v)
    return AuditTable(cols)


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


def _deltas(leaves: dict[str, tuple[int, _Leaf]], plus: dict[str, float],
            minus: dict[str, float], *, both: bool) -> dict[str, float]:
    """Path → the contribution of a leaf score in ``plus`` − that in ``minus`` (0 where a
    unit has no score), in sheet order over the leaves ``minus`` scores — ``both``: over
    those ``plus`` scores, then those only ``minus`` scores. A leaf scored alike differs by
    0: it is left out (no top list shows it). ``leaves``: path → (place, leaf)."""
    if len(plus) == len(minus) and list(plus) == list(minus):  # the usual: same leaves
        changed = [p for p, x, y in zip(plus, plus.values(), minus.values()) if x != y]
    else:
        changed = [p for p in plus.keys() | minus.keys() if plus.get(p) != minus.get(p)]
    out: dict[str, float] = {}
    late: list[tuple[str, float]] = []
    for path in sorted((p for p in changed if p in leaves), key=lambda p: leaves[p][0]):
        leaf = leaves[path][1]
        x, y = plus.get(path), minus.get(path)
        if y is None:
            if both:
                out[path] = leaf.numbers(x)[1] - 0.0
        elif x is None:
            d = 0.0 - leaf.numbers(y)[1]
            if both:
                late.append((path, d))
            else:
                out[path] = d
        else:
            out[path] = leaf.numbers(x)[1] - leaf.numbers(y)[1]
    out.update(late)
    return out


def analyse(result: BlocResult) -> list[UnitAnalysis]:
    """The rows of "Phân tích", in rank order (empty without a parsed workbook)."""
    bloc = result.parsed
    if bloc is None:
        return []
    leaves = {lf.path: (i, lf) for i, lf in enumerate(_by_path(_leaves(bloc)))}
    texts = {c.path: c.text for c in bloc.criteria}
    selfs, unscored = self_totals(result)
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
