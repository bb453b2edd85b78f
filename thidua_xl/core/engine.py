"""The engine: ``evaluate(bloc, report) -> BlocResult``.

The scoring stage lives here: criterion checks (max, target, per-time, parent max, declared
max), the validation of every unit's cell, leaf scores (:mod:`.scoring`), section subtotals
and totals, the comparison with the workbook's own totals row. Then — only when the report
holds no error — :func:`thidua_xl.core.decisions.decide` ranks, classifies, proposes awards
and names the next head/deputy.

Pure: no I/O. Findings go to the given :class:`Report` (the parser's findings are already
there); ``BlocResult.findings`` is the whole report.
"""
from __future__ import annotations

import math
import re

from .record import field, record
from .caps import capped_totals, has_caps
from .unit_columns import CellReader
from .decisions import decide
from .findings import Report
from .grouping import group_findings
from .models import Bloc, BlocResult, Criterion, CriterionType, RawCell, Unit, UnitResult
from .scoring import (EPS, CellCheck, best_result, check_value, leaf_target, score_of,
                      section_type_from_text, shown_value, vn_number)
from .values import MAX_MAGNITUDE, parse_number, parse_yes_no, round_half_up
from .verification import NO_CRITERIA_NOTE, report_verifications
from .vocab import SUB_PRIORITY

_ROW = re.compile(r"(\d+)$")


# --------------------------------------------------------------------------------------
# the criteria tree
# --------------------------------------------------------------------------------------
@record
class Tree:
    """Criteria with their effective types, children and sections."""

    criteria: list[Criterion]
    by_path: dict[str, Criterion] = field(default_factory=dict)
    children: dict[str, list[Criterion]] = field(default_factory=dict)
    types: dict[str, CriterionType] = field(default_factory=dict)  # effective type
    #: scored sections (path, text) in order
    sections: list[tuple[str, str]] = field(default_factory=list)
    #: sections with a row that could not be placed (their sums are not checked)
    incomplete: set[str] = field(default_factory=set)
    #: the leaves with their effective types, once (every unit reads them)
    typed_leaves: list[tuple[Criterion, CriterionType]] = field(default_factory=list)
    #: per leaf (criterion, type, path, section, weight or 1, a 0 there counts as a zero)
    leaf_facts: list[tuple] = field(default_factory=list)

    @classmethod
    def build(cls, bloc: Bloc) -> "Tree":
        t = cls(criteria=list(bloc.criteria), incomplete=set(bloc.incomplete_sections))
        for c in t.criteria:
            t.by_path.setdefault(c.path, c)
        for c in t.criteria:
            if c.parent is not None and c.parent in t.by_path:
                t.children.setdefault(c.parent, []).append(c)
        for c in t.criteria:  # sheet order: parents come before their children
            t.types[c.path] = t._effective(c)
        t.typed_leaves = [(c, t.types[c.path]) for c in t.criteria if c.is_leaf]
        t.leaf_facts = [(c, ctype, c.path, c.section, c.weight or 1.0,
                         c.max is None or c.max > 0) for c, ctype in t.typed_leaves]
        seen: list[str] = []
        for c in t.criteria:
            if c.section not in seen:
                seen.append(c.section)
        for sec in seen:
            if any(c.is_leaf and c.section == sec and t.types[c.path].is_scored
                   for c in t.criteria):
                s = t.by_path.get(sec)
                text = s.text if s is not None and s.text else (sec or bloc.score_sheet)
                t.sections.append((sec, text))
        return t

    def _effective(self, c: Criterion) -> CriterionType:
        own = c.type
        if own is CriterionType.SCORE and c.level == 1:
            own = section_type_from_text(c.text) or own
        if own in (CriterionType.BONUS, CriterionType.PENALTY):
            return own
        if own is CriterionType.SCORE and c.parent is not None:
            parent_type = self.types.get(c.parent)
            if parent_type in (CriterionType.BONUS, CriterionType.PENALTY):
                return parent_type
        return own

    def leaves(self) -> list[Criterion]:
        return [c for c, _ in self.typed_leaves]

    def has_bad_descendant(self, c: Criterion) -> bool:
        """A row below ``c`` has an error in its own cells (its max or weight is unknown)."""
        return any(ch.definition_error or self.has_bad_descendant(ch)
                   for ch in self.children.get(c.path, []))

    def scored_leaves(self) -> list[Criterion]:
        return [c for c, ctype in self.typed_leaves if ctype.is_scored]

    def computed_max(self, c: Criterion) -> float | None:
        """A parent's max from its children (weighted leaves; None if a max is missing)."""
        total = 0.0
        any_scored = False
        for ch in self.children.get(c.path, []):
            if not self.types[ch.path].is_scored:
                continue
            if ch.is_leaf or not self.children.get(ch.path):
                if ch.max is None:
                    return None
                total += (ch.weight or 1.0) * ch.max
            else:
                sub = self.computed_max(ch)
                if sub is None:
                    return None
                total += sub
            any_scored = True
        return total if any_scored else None


def effective_types(bloc: Bloc) -> dict[str, CriterionType]:
    """Criterion path → the type the engine scores it as.

    A row typed Chấm điểm (or blank) under a Điểm thưởng / Điểm trừ section takes the
    section's type; a section whose "Loại" is blank but whose title is "Điểm thưởng" /
    "Điểm trừ" is that type. Writers that show bonus/penalty columns should use this.
    """
    return dict(Tree.build(bloc).types)


def _label(c: Criterion) -> str:
    text = c.text.strip()
    if len(text) > 60:
        text = text[:57].rstrip() + "…"
    return f"{c.path} ({text})" if text else c.path


# --------------------------------------------------------------------------------------
# criterion checks
# --------------------------------------------------------------------------------------
def _check_criteria(tree: Tree, report: Report,
                    own_targets: dict[str, int] | None = None, n_units: int = 0) -> set[str]:
    """Criterion-level errors; returns the paths of leaves that cannot be scored.

    ``own_targets``: criterion path → how many units have their own target there (a row
    whose every unit has one needs no shared Chỉ tiêu)."""
    unscorable: set[str] = {c.path for c in tree.leaves() if c.definition_error}
    own_targets = own_targets or {}
    for c, ctype in tree.typed_leaves:
        if not ctype.is_scored or c.definition_error:
            continue
        if c.max is None:
            report.emit("max-missing", crit=_label(c), ref=c.max_ref or c.ref)
            if ctype is not CriterionType.SCORE:
                unscorable.add(c.path)
        if ctype in (CriterionType.QUANTITATIVE, CriterionType.LEADING):
            all_own = n_units > 0 and own_targets.get(c.path, 0) >= n_units
            if (c.target is None and not all_own) or (c.target is not None and c.target <= 0):
                shown = "trống" if c.target is None else vn_number(c.target)
                report.emit("target-missing", kind=ctype.value.lower(),
                            crit=_label(c), shown=shown, ref=c.target_ref or c.ref)
                unscorable.add(c.path)
        if ctype is CriterionType.COUNT and (c.per_time is None or c.per_time < 0):
            report.emit("per-time-missing", crit=_label(c), ref=c.per_time_ref or c.ref)
            unscorable.add(c.path)
    for c in tree.criteria:
        if c.is_leaf or not tree.children.get(c.path) or c.max is None:
            continue
        if not tree.types[c.path].is_scored:
            continue  # a bonus/penalty group's max is a ceiling, not a sum
        if c.definition_error or c.section in tree.incomplete or tree.has_bad_descendant(c):
            continue  # the root finding is reported already
        computed = tree.computed_max(c)
        if computed is None:
            continue
        if round_half_up(c.max, 2) != round_half_up(computed, 2):
            report.emit("parent-max-mismatch", crit=_label(c),
                        max=vn_number(c.max), computed=vn_number(computed),
                        path=c.path, ref=c.max_ref or c.ref)
    return unscorable


# --------------------------------------------------------------------------------------
# cells
# --------------------------------------------------------------------------------------
def _derived_ref(bloc: Bloc, unit: Unit, c: Criterion) -> str | None:
    """Where a blank cell is: the unit's preferred score column on the criterion's row."""
    if not c.ref:
        return unit.column_ref
    m = _ROW.search(c.ref)
    if not m:
        return unit.column_ref
    for label in SUB_PRIORITY:
        col = unit.score_columns.get(label)
        if col:
            sheet = c.ref.rsplit("!", 1)[0] if "!" in c.ref else bloc.score_sheet
            return f"{sheet}!{col}{m.group(1)}"
    return unit.column_ref


def _cell_finding(report: Report, code: str, unit: Unit, c: Criterion, ctype: CriterionType,
                  shown: str, ref: str | None, value: float | None = None,
                  percent: bool = False) -> None:
    """The finding of a cell :func:`check_value` refused (worded by the catalogue), with
    the fix that fits its cause."""
    what = "kết quả thực hiện" if ctype in (CriterionType.QUANTITATIVE,
                                             CriterionType.LEADING) else "điểm"
    if ctype is CriterionType.COUNT:
        what = "số lần"
    variant = ""
    if code == "not-a-number" and ctype is CriterionType.SCORE:
        yes, problem = parse_yes_no(shown)
        if problem is None and yes is not None:
            # "Đạt" in a criterion without Loại: the criterion is qualitative
            code = "yes-no-in-score"
            variant = "" if c.type_ref else "no-column"
    elif code == "score-above-max":
        if percent:
            variant = "percent"
        elif value is not None and c.max and abs(value - c.max * 100) <= EPS:
            variant = "hundredfold"
    report.emit(code, variant=variant, who=f"đơn vị {unit.name}, tiêu chí {_label(c)}",
                shown=shown, max=vn_number(c.max), what=what, path=c.path,
                type_cell=_cell(c.type_ref), value=vn_number(value), ref=ref, unit=unit.name,
                criterion=c.path)


def _cell(ref: str | None) -> str:
    """``"Chấm điểm!D8"`` → ``"D8"``."""
    return (ref or "").rsplit("!", 1)[-1]


def _plausibility(report: Report, unit: Unit, c: Criterion, ctype: CriterionType,
                  value: float, percent: bool | None, ref: str | None) -> None:
    """Warnings for a number that is probably in the wrong unit (it is still scored).
    ``percent``: whether the cell has a percent format (None: no cell)."""
    if ctype not in (CriterionType.QUANTITATIVE, CriterionType.LEADING) or percent is None:
        return
    if percent or c.target is None or c.target <= 1 or not 0 < value <= 1:
        return
    report.emit("result-looks-like-fraction", shown=vn_number(value), who=f"đơn vị {unit.name}, "
                f"tiêu chí {_label(c)}", target=vn_number(c.target),
                percent=vn_number(value * 100), ref=ref, unit=unit.name, criterion=c.path)


@record
class _UnitValues:
    """A unit's parsed leaf values, and whether all of them were valid."""

    values: dict[str, float | bool] = field(default_factory=dict)  # parsed, per leaf
    ok: bool = True


_BLANK = CellCheck(None, None, None)
#: a plain number is taken as is below this (values.is_finite_number's bound, exclusive)
_BELOW_MAX = math.nextafter(MAX_MAGNITUDE, 0.0)
#: types whose plain number in [0, max] is its value as is (Điểm trừ: the absolute value
#: of a negative one, which check_value takes)
_AS_IS = frozenset({CriterionType.SCORE, CriterionType.BONUS, CriterionType.PENALTY,
                    CriterionType.QUANTITATIVE, CriterionType.LEADING})
_MAXED = frozenset({CriterionType.SCORE, CriterionType.BONUS, CriterionType.PENALTY})


_KEYED = frozenset({str, int, float, bool})
#: float(i) of the usual whole scores 0..1024, made once
_FLOATS = tuple(float(i) for i in range(1025))


class _Slow:
    """Marks a cell that check_value must look at."""


def _read_cells(bloc: Bloc, tree: Tree, report: Report) -> dict[str, _UnitValues]:
    out: dict[str, _UnitValues] = {}
    leaves = [(c, ctype) for c, ctype in tree.typed_leaves if not c.definition_error]
    n_scored = sum(1 for _, ctype in leaves if ctype.is_scored)
    paths = [c.path for c, _ in leaves]
    unique = len(set(paths)) == len(paths)  # (a code typed twice has its own path)
    # per leaf: a plain number in [0, limit] is its value (-1: check_value decides)
    limits = [(min(c.max + EPS, _BELOW_MAX) if c.max is not None and ctype in _MAXED
               else _BELOW_MAX) if ctype in _AS_IS else -1.0 for c, ctype in leaves]
    # the leaves worth a look even when their number is plain (the plausibility warning)
    ratios = {j for j, (_, ctype) in enumerate(leaves)
              if ctype is CriterionType.QUANTITATIVE or ctype is CriterionType.LEADING}
    reader = CellReader(paths)
    slow = _Slow
    qualitative = CriterionType.QUALITATIVE
    floats, top = _FLOATS, len(_FLOATS) - 1
    yes_no: dict[tuple[type, object], CellCheck] = {}  # check_value is pure for Định tính
    for unit in bloc.units:
        uv = _UnitValues()
        out[unit.key] = uv
        cells = bloc.scores.get(unit.key, {})
        values, present, percent, uncached, ref_of = reader.gather(cells)
        # per leaf: the value of a plain number, else what check_value says
        # (a whole score comes from the reader as an int: its float is taken from
        # _FLOATS, one object for all the cells holding it, not one made per cell)
        checks: list = [(v if v.__class__ is float else floats[v] if v <= top else float(v))
                        if (v.__class__ is float or v.__class__ is int)
                        and 0 <= v <= lim else slow for v, lim in zip(values, limits)]
        marked = set(percent or ()) | set(uncached or ())
        for j in marked:
            checks[j] = slow
        look = [j for j, x in enumerate(checks) if x is slow or j in ratios]
        for j in look:
            if checks[j] is slow:
                c, ctype = leaves[j]
                v = values[j]
                if not present[j]:
                    checks[j] = _BLANK
                elif ctype is qualitative and j not in marked and v.__class__ in _KEYED:
                    key = (v.__class__, v)  # Đạt/Không đạt: one reading per distinct word
                    check = yes_no.get(key)
                    if check is None:
                        check = yes_no[key] = check_value(ctype, v, max=c.max)
                    checks[j] = check
                else:
                    checks[j] = check_value(
                        ctype, v, max=c.max, percent=j in marked and j in (percent or ()),
                        uncached_formula=j in marked and j in (uncached or ()))
        pct = set(percent or ())

        def ref(j: int, c: Criterion) -> str | None:
            if present[j]:
                return ref_of(j) or _derived_ref(bloc, unit, c)
            return _derived_ref(bloc, unit, c)

        # a unit with no score at all: one error, not one per criterion
        no_score_at_all = n_scored >= 2 and all(
            check is _BLANK or (check.__class__ is CellCheck and check.value is None
                                and check.problem is None)
            for check, (_, ctype) in zip(checks, leaves) if ctype.is_scored)
        if unit.column_ref is None and not cells:
            # no column group at all: "unit-without-scores" (the parser) says it once
            uv.ok = False
            continue
        if no_score_at_all:
            uv.ok = False
            report.emit("missing-score", name=unit.name, score_sheet=bloc.score_sheet,
                        ref=unit.column_ref or unit.ref)
        got = uv.values
        if unique:
            got.update(zip(paths, checks))  # the plain numbers; the others are set below
        else:
            got.update((p, x) for p, x in zip(paths, checks) if x.__class__ is float)
        for j in look:
            check = checks[j]
            c, ctype = leaves[j]
            if check.__class__ is not float:
                if unique:
                    del got[c.path]
            else:
                _plausibility(report, unit, c, ctype, check, j in pct, ref(j, c))
                continue
            if check.problem:
                uv.ok = False
                p = bool(present[j] and j in pct)
                shown = (shown_value(values[j], True) if p and not check.shown
                         else check.text)
                value = check.value if isinstance(check.value, float) else None
                _cell_finding(report, check.problem, unit, c, ctype, shown, ref(j, c), value, p)
                continue
            if check.value is None:
                if not ctype.is_scored or (c.max is not None and c.max == 0):
                    got[c.path] = 0.0  # blank bonus/penalty (or a 0-point row) = 0
                else:
                    uv.ok = False
                    if not no_score_at_all:
                        report.emit("missing-score", variant="cell", name=unit.name,
                                    crit=_label(c), ref=ref(j, c), unit=unit.name,
                                    criterion=c.path)
                continue
            got[c.path] = check.value
            if ctype in (CriterionType.QUANTITATIVE, CriterionType.LEADING):
                _plausibility(report, unit, c, ctype, float(check.value),
                              (j in pct) if present[j] else None, ref(j, c))
    return out


# --------------------------------------------------------------------------------------
# scores and totals
# --------------------------------------------------------------------------------------
def _best_actuals(tree: Tree, values: dict[str, _UnitValues],
                  targets: dict[str, dict[str, RawCell]] | None = None) -> dict[str, float]:
    """The bloc's best result of each Định lượng dẫn đầu leaf: the best actual, or — when a
    unit has its own target there — the best ratio actual / (own or shared) target."""
    best: dict[str, float] = {}
    targets = targets or {}
    for c, ctype in tree.typed_leaves:
        if ctype is not CriterionType.LEADING:
            continue
        p = c.path
        found = best_result(c, {key: uv.values[p] for key, uv in values.items()
                                if p in uv.values}, targets)
        if found is not None:
            best[p] = found
    return best


def _unit_result(unit: Unit, tree: Tree, uv: _UnitValues, unscorable: set[str],
                 best: dict[str, float], max_total: float | None,
                 own: dict[str, RawCell] | None = None, caps: bool = False,
                 ratio_paths: frozenset[str] = frozenset()) -> UnitResult:
    r = UnitResult(name=unit.name, key=unit.key, official=unit.official,
                   last_year=unit.last_year)
    zero_leaves: list[str] = []
    raw_sections: dict[str, float] = {sec: 0.0 for sec, _ in tree.sections}
    section_ok: dict[str, bool] = {sec: True for sec, _ in tree.sections}
    bonus = penalty = 0.0
    bonus_ok = penalty_ok = True
    zero_leaf = False
    got = uv.values
    leaf_scores = r.leaf_scores
    score_type, bonus_type, penalty_type = (CriterionType.SCORE, CriterionType.BONUS,
                                            CriterionType.PENALTY)
    low, high = -EPS, EPS
    # the sum of the section being read, kept in a local while its leaves come one after
    # another (written back when another section starts, and at the end): the same
    # additions in the same order as through the dict, without two look-ups per leaf
    current, acc = None, 0.0
    for c, ctype, path, section, weight, counts in tree.leaf_facts:
        value = got.get(path)
        if value is None or (unscorable and path in unscorable):
            if ctype is bonus_type:
                bonus_ok = False
            elif ctype is penalty_type:
                penalty_ok = False
            else:
                section_ok[section] = False
            continue
        if ctype is score_type:  # score_of's rule, inline for the usual type
            score = float(value)
        else:
            try:
                score = score_of(c, ctype, value, leaf_target(c, own), best.get(path),
                                 path in ratio_paths)
            except ValueError:
                section_ok[section] = False
                continue
        leaf_scores[path] = score
        if ctype is bonus_type:
            bonus += score
        elif ctype is penalty_type:
            penalty += score
        else:
            if section != current:
                if current is not None:
                    raw_sections[current] = acc
                current = section
                acc = raw_sections.get(section)
                if acc is None:  # a section first seen here: its key takes this place
                    acc = raw_sections[section] = 0.0
            acc = acc + weight * score
            if counts and low <= score <= high:
                zero_leaf = True
                zero_leaves.append(_label(c))
    if current is not None:
        raw_sections[current] = acc
    r.sections = {sec: round_half_up(v, 2) for sec, v in raw_sections.items() if section_ok[sec]}
    r.bonus = round_half_up(bonus, 2) if bonus_ok else 0.0
    r.penalty = round_half_up(penalty, 2) if penalty_ok else 0.0
    r.has_zero_leaf = zero_leaf
    r.zero_leaves = zero_leaves
    if caps and bonus_ok and penalty_ok:
        capped = capped_totals(tree, r.leaf_scores)
        bonus, penalty = capped.bonus, capped.penalty
        r.bonus, r.penalty = round_half_up(bonus, 2), round_half_up(penalty, 2)
        for note in capped.notes:
            r.add_reason(note)
    all_ok = uv.ok and bonus_ok and penalty_ok and all(section_ok.values())
    if all_ok:
        r.total = round_half_up(sum(raw_sections.values()) + bonus - penalty, 2)
        if max_total is not None and max_total > 0:
            r.percent = round_half_up(r.total / max_total * 100.0, 2)
    return r


def _max_total(tree: Tree) -> float | None:
    total = 0.0
    for c in tree.scored_leaves():
        if c.max is None:
            return None
        total += (c.weight or 1.0) * c.max
    return round_half_up(total, 2)


def _check_stated_totals(bloc: Bloc, results: list[UnitResult], report: Report) -> None:
    for r in results:
        cell = bloc.stated_totals.get(r.key)
        if cell is None or cell.uncached_formula or r.total is None:
            continue
        parsed = parse_number(cell.value, percent_format=False)
        if parsed.problem or parsed.value is None:
            continue
        stated = round_half_up(parsed.value, 2)
        if stated != r.total:
            report.emit("stated-total-mismatch", name=r.name, stated=vn_number(stated),
                        total=vn_number(r.total, 2), ref=cell.ref)


# --------------------------------------------------------------------------------------
# evaluate
# --------------------------------------------------------------------------------------
def unit_totals(bloc: Bloc, report: Report | None = None) -> list[UnitResult]:
    """The scoring stage alone: each unit's leaf scores and totals, in the bloc's order,
    without ranks, classifications or awards (what the self-score analysis needs; the
    totals are :func:`evaluate`'s: the decisions never change them)."""
    return _score(bloc, report if report is not None else Report())[2]


def _score(bloc: Bloc, report: Report) -> tuple[Tree, float | None, list[UnitResult]]:
    tree = Tree.build(bloc)
    own_counts: dict[str, int] = {}
    for targets in bloc.unit_targets.values():
        for path in targets:
            own_counts[path] = own_counts.get(path, 0) + 1
    unscorable = _check_criteria(tree, report, own_counts, len(bloc.units))
    max_total = _max_total(tree)
    info = bloc.info
    if (info.declared_max is not None and max_total is not None and not tree.incomplete
            and not any(c.definition_error for c in tree.criteria)):
        if round_half_up(info.declared_max, 2) != max_total:
            report.emit("declared-max-mismatch",
                        declared=vn_number(info.declared_max),
                        max_total=vn_number(max_total), ref=info.declared_max_ref)

    values = _read_cells(bloc, tree, report)
    best = _best_actuals(tree, values, bloc.unit_targets)
    ratio_paths = frozenset(own_counts)
    caps = has_caps(tree)
    results = [_unit_result(u, tree, values[u.key], unscorable, best, max_total,
                            bloc.unit_targets.get(u.key), caps, ratio_paths)
               for u in bloc.units]
    return tree, max_total, results


def evaluate(bloc: Bloc, report: Report | None = None) -> BlocResult:
    """Score, rank, classify and propose for one parsed bloc.

    ``report`` holds the parser's findings (possibly errors); the engine adds its own.
    With any error: totals only (for units whose cells are all valid), no rank,
    classification, award or next head, and ``status="errors"``.
    """
    report = report if report is not None else Report()
    tree, max_total, results = _score(bloc, report)
    info = bloc.info
    _check_stated_totals(bloc, results, report)

    result = BlocResult(
        file=bloc.file, bloc=info.name, year=info.year, province=info.province,
        head=info.head, deputy=info.deputy, max_total=max_total,
        sections=list(tree.sections), parsed=bloc)

    if not report.has_errors:
        if not bloc.per_criterion:  # a summary: the zero-leaf rule cannot be checked
            for r in results:
                r.has_zero_leaf = False
        d = decide(results, bloc.units, bloc.rules, sections=tree.sections,
                   max_total=max_total, has_last_year=bloc.has_last_year,
                   has_discipline=bloc.has_discipline, head=info.head,
                   head_ref=info.head_ref, deputy=info.deputy, deputy_ref=info.deputy_ref,
                   report=report)
        if not bloc.per_criterion:  # every HTXS/HTT stands unverified on that rule
            for item in (*d.units, *d.proposals):
                if item.classification is not None and item.classification.name in (
                        "HTXS", "HTT"):
                    item.notes.append(NO_CRITERIA_NOTE)
        report_verifications(d.proposals, bloc.units, report)
        for name in ("units", "proposals", "tie_groups", "next_head", "next_deputy",
                     "succession_note"):
            setattr(result, name, getattr(d, name))
    else:
        result.units = results

    result.status = "errors" if report.has_errors else "ok"
    result.findings = group_findings(report.findings)
    return result
