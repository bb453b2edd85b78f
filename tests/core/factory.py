"""Build :class:`Bloc` objects directly (no workbook) for the engine's tests.

Criteria are given by full path ("I", "I.1", "I.1.a" …): level, parent, section and
leaves are derived. Scores are plain values (wrapped in :class:`RawCell` with a ref) or
ready-made RawCells::

    bloc = make_bloc(
        [crit("I", text="Công tác chung"), crit("I.1", 10), crit("I.2", 5, type=QUAL),
         crit("III", type=BONUS, text="Điểm thưởng"), crit("III.1", 3)],
        {"Sở A": {"I.1": 9, "I.2": "Đạt", "III.1": 1}, "Sở B": {...}})
"""
from __future__ import annotations

import dataclasses
from typing import Any

from thidua_xl.core.models import (AwardForm, Bloc, BlocInfo, Classification, Criterion,
                                   CriterionType, Discipline, RawCell, Rules, Unit)
from thidua_xl.core.text import unit_key

SCORE = CriterionType.SCORE
QUAL = CriterionType.QUALITATIVE
QUANT = CriterionType.QUANTITATIVE
LEAD = CriterionType.LEADING
COUNT = CriterionType.COUNT
BONUS = CriterionType.BONUS
PENALTY = CriterionType.PENALTY

SHEET = "Chấm điểm"


def get_column_letter(n: int) -> str:
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


FIRST_ROW = 5
FIRST_UNIT_COL = 6  # F


def crit(path: str, max: float | None = None, *, type: CriterionType = SCORE, text: str = "",
         weight: float = 1.0, target: float | None = None,
         per_time: float | None = None) -> dict:
    return dict(path=path, max=max, type=type, text=text, weight=weight, target=target,
                per_time=per_time)


def _criteria(specs: list[dict]) -> list[Criterion]:
    paths = [s["path"] for s in specs]
    out = []
    for i, s in enumerate(specs):
        path = s["path"]
        parts = path.split(".")
        parent = ".".join(parts[:-1]) or None
        row = FIRST_ROW + i
        is_leaf = not any(p.startswith(path + ".") for p in paths)
        out.append(Criterion(
            path=path, code=parts[-1], text=s["text"] or f"Tiêu chí {path}",
            level=len(parts), parent=parent, section=parts[0], type=s["type"],
            max=s["max"], weight=s["weight"], target=s["target"], per_time=s["per_time"],
            is_leaf=is_leaf, ref=f"{SHEET}!A{row}", max_ref=f"{SHEET}!C{row}",
            target_ref=f"{SHEET}!F{row}" if s["type"] in (QUANT, LEAD) else None,
            per_time_ref=f"{SHEET}!G{row}" if s["type"] is COUNT else None))
    return out


def unit(name: str, *, last_year: Classification | None = None,
         discipline: Discipline = Discipline.NONE, women: bool | None = None,
         rotation: int | None = None) -> Unit:
    return Unit(name=name, key=unit_key(name), last_year=last_year, discipline=discipline,
                women=women, rotation=rotation)


def make_bloc(specs: list[dict], scores: dict[str, dict[str, Any]], *,
              units: list[Unit] | None = None, rules: Rules | None = None,
              head: str | None = None, declared_max: float | None = None,
              stated: dict[str, Any] | None = None, name: str = "Khối thử",
              **flags: Any) -> Bloc:
    criteria = _criteria(specs)
    row_of = {c.path: FIRST_ROW + i for i, c in enumerate(criteria)}
    if units is None:
        units = [unit(n) for n in scores]
    col_of = {u.key: get_column_letter(FIRST_UNIT_COL + i) for i, u in enumerate(units)}
    cells: dict[str, dict[str, RawCell]] = {}
    for uname, per in scores.items():
        k = unit_key(uname)
        cells[k] = {}
        for path, v in per.items():
            ref = f"{SHEET}!{col_of.get(k, 'Z')}{row_of.get(path, 99)}"
            if isinstance(v, RawCell):
                cells[k][path] = v if v.ref else dataclasses.replace(v, ref=ref)
            else:
                cells[k][path] = RawCell(value=v, ref=ref)
    total_row = FIRST_ROW + len(criteria)
    stated_cells = {unit_key(n): RawCell(value=v, ref=f"{SHEET}!{col_of[unit_key(n)]}{total_row}")
                    for n, v in (stated or {}).items()}
    units = [dataclasses.replace(u, column_ref=f"{SHEET}!{col_of[u.key]}3",
                                 score_columns={"": col_of[u.key]}) for u in units]
    return Bloc(file="thu.xlsx",
                info=BlocInfo(name=name, year=2024, province="Thanh Hóa", head=head,
                              declared_max=declared_max,
                              declared_max_ref="Thông tin!B6" if declared_max else None,
                              head_ref="Thông tin!B5"),
                units=units, criteria=criteria, scores=cells, stated_totals=stated_cells,
                rules=rules or Rules(), **flags)


def totals_bloc(totals: dict[str, float], *, penalty: dict[str, float] | None = None,
                units: list[Unit] | None = None, rules: Rules | None = None,
                **kw: Any) -> Bloc:
    """A bloc of one scored section with max 100 whose leaf score is each unit's total
    (before penalty); optional penalties in section "III"."""
    specs = [crit("I", text="Nhiệm vụ"), crit("I.1", 100),
             crit("III", type=PENALTY, text="Điểm trừ"), crit("III.1", 10)]
    scores = {n: {"I.1": t, "III.1": (penalty or {}).get(n, 0)} for n, t in totals.items()}
    return make_bloc(specs, scores, units=units, rules=rules, **kw)


def forms(*rows: tuple) -> list[AwardForm]:
    """forms(("Cờ", 1), ("Bằng khen", None, 20.0, Classification.HTT, True, True))"""
    out = []
    for r in rows:
        r = tuple(r) + (None,) * (6 - len(r))
        name, count, pct, min_class, no_disc, last = r
        out.append(AwardForm(
            name=name, max_count=count, max_percent=pct,
            min_class=min_class if min_class is not None else Classification.HTXS,
            no_discipline=True if no_disc is None else no_disc,
            last_year_htxs=bool(last)))
    return out
