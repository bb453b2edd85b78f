"""Last year's classifications (``score --nam-truoc LAST``) joined to this year's units, and
the "2 năm liên tục HTXS" basis of a proposal. Pure: the file is read by
:mod:`thidua_xl.io.last_year`.

Units are matched by the same name rule as everywhere (:func:`~thidua_xl.core.text.unit_key`).
The "Đơn vị" sheet's own "Xếp loại năm trước" wins; last year's file fills the blanks.
Warnings name both sides: a unit found in only one of the two, and a class that differs.
"""
from __future__ import annotations

from .record import record
from .findings import Report
from .models import Bloc, Classification, Proposal, Unit, UnitResult

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Iterable, Mapping, Sequence

TWO_YEARS_HTXS = f"2 năm liên tục {Classification.HTXS.value}"


@record(frozen=True)
class LastYearClass:
    """One unit's class as read from last year's workbook."""

    name: str  # as written there
    key: str
    classification: Classification
    where: str  # "khoi-2023_ketqua.xlsx, Kết quả!I6"


def apply_last_year(bloc: Bloc, found: Iterable[LastYearClass], report: Report, *,
                    source: str) -> int:
    """Fill each unit's ``last_year`` from ``found`` where the workbook gives none; returns
    how many units were filled. ``source`` names last year's file in the messages."""
    by_key: dict[str, LastYearClass] = {}
    for f in found:
        by_key.setdefault(f.key, f)
    if not by_key:
        return 0
    filled = 0
    for u in bloc.units:
        got = by_key.pop(u.key, None)
        if got is None:
            report.emit("last-year-unit-missing", ref=u.ref, unit=u.name, name=u.name,
                        source=source)
            continue
        if u.last_year is None:
            u.last_year = got.classification
            filled += 1
        elif u.last_year is not got.classification:
            report.emit("last-year-conflict", ref=u.ref, unit=u.name, name=u.name,
                        here=u.last_year.value, where=got.where,
                        there=got.classification.value)
    for got in by_key.values():
        report.emit("last-year-unit-extra", sheet=bloc.score_sheet, name=got.name,
                    where=got.where)
    if filled or any(u.last_year is not None for u in bloc.units):
        bloc.has_last_year = True
    return filled


def _class(r: UnitResult) -> Classification | None:
    """The class eligibility uses (the official rating when the engine records one)."""
    return getattr(r, "official", None) or r.classification


def two_years_basis(proposals: Sequence[Proposal], results: Sequence[UnitResult],
                    units: Mapping[str, Unit]) -> None:
    """Add "2 năm liên tục HTXS" to the basis of each proposal whose unit is HTXS this year
    and was last year (an alternative basis of a Bằng khen, Bắc Ninh QĐ 86/2025 Điều 3.3)."""
    by_name = {r.name: r for r in results}
    for p in proposals:
        r = by_name.get(p.unit)
        u = units.get(r.key) if r is not None else None
        if r is None or u is None or u.last_year is not Classification.HTXS:
            continue
        if _class(r) is Classification.HTXS and TWO_YEARS_HTXS not in p.basis:
            p.basis = f"{p.basis}; {TWO_YEARS_HTXS}" if p.basis else TWO_YEARS_HTXS
