"""THE parser: a :class:`~thidua_xl.io.grid.Grid` → a :class:`~thidua_xl.core.models.Bloc`.

Every reader (calamine, openpyxl, a live xlwings book, a JSON book) produces a grid, and
this module alone turns a grid into the model, so the command line, the ribbon and the
worksheet functions see the same workbook the same way. It follows
shared/spec/bloc-workbook.md; every problem is a finding in the returned report, named by
sheet and cell, and nothing stops at the first problem.
"""
from __future__ import annotations

from pathlib import Path

from ..core.findings import Report
from ..core.models import Bloc, BlocInfo, Discipline, Succession, Unit
from ..core.scoring import shown_value
from ..core.suggest import nearest
from ..core.text import MAX_CELL_TEXT, clean, fold, unit_key
from ..core.vocab import (
    HEADER_SCAN_ROWS,
    INFO_LABELS,
    INFO_TEXT_KEYS,
    SHEET_INFO,
    SHEET_RULES,
    SHEET_SCORES,
    SHEET_UNITS,
    TOTAL_LABELS,
    UNIT_COLUMNS,
    discipline_name,
)
from ..core.values import is_blank, parse_number, parse_yes_no
from .grid import Grid, SheetGrid
from .sheet_index import _Sheet, _find_header, _folded, _key_values
from .parse_rules import _parse_rules, parse_classification
from .parse_scores import _parse_scores
from .parse_v2 import unit_v2_columns

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any


def parse_discipline(raw: Any) -> Discipline | None:
    """Blank/"Không" → NONE; Khiển trách; Cảnh cáo; known heavier forms; unknown → None
    (an unknown word must not silently cap a unit's classification). The words are
    :mod:`thidua_xl.core.vocab`'s, as for the worksheet functions."""
    name = discipline_name(raw)
    return None if name is None else Discipline[name]


def _note_truncated(grid: Grid, report: Report, most: int = 10) -> None:
    """A warning per text cell the reader cut at Excel's limit (the first ``most``)."""
    cells = [(sg, rc) for sg in grid.sheets for rc in sorted(sg.truncated)]
    limit = f"{MAX_CELL_TEXT:,}".replace(",", ".")
    for sg, (r, c) in cells[:most]:
        report.emit("text-truncated", ref=sg.ref(r, c), limit=limit)


def parse_grid(grid: Grid, *, file: str = "", score_sheet: SheetGrid | None = None,
               report: Report | None = None, units_sheet: SheetGrid | None = None,
               ) -> tuple[Bloc | None, Report]:
    """Parse a grid into a Bloc. Returns ``(None, report)`` when there is nothing to score
    (no "Chấm điểm" sheet or no recognisable table); the report says why.

    ``score_sheet``: the sheet to read as "Chấm điểm" (found by :mod:`thidua_xl.io.layouts`
    under another name, or built by a layout adapter); ``units_sheet``: likewise for "Đơn vị";
    ``report``: findings so far."""
    report = report if report is not None else Report()
    file = file or grid.source
    _note_truncated(grid, report)
    score_sg = score_sheet or grid.find_sheet(*SHEET_SCORES)
    if score_sg is None:
        from .diagnose import missing_score_sheet

        message, fix = missing_score_sheet(grid, grid.sheet_names())
        report.emit("missing-score-sheet", message=message, fix=fix)
        return None, report

    bloc = Bloc(file=file, score_sheet=score_sg.name)
    info_sg = grid.find_sheet(*SHEET_INFO)
    units_sg = units_sheet or grid.find_sheet(*SHEET_UNITS)
    rules_sg = grid.find_sheet(*SHEET_RULES)

    # -- Thông tin ----------------------------------------------------------------------
    info = _parse_info(info_sg, file, report)
    bloc.info = info

    # -- Đơn vị -------------------------------------------------------------------------
    listed: list[Unit] | None = None
    if units_sg is not None:
        listed = _parse_units(units_sg, bloc, report)

    # -- Chấm điểm ----------------------------------------------------------------------
    ok = _parse_scores(score_sg, bloc, listed, report)
    if not ok:
        return None, report

    # -- head/deputy are units -----------------------------------------------------------
    keys = {u.key for u in bloc.units}
    for role, name, ref in (("Khối trưởng", info.head, info.head_ref),
                            ("Khối phó", info.deputy, info.deputy_ref)):
        if name and unit_key(name) not in keys:
            near = nearest(name, [u.name for u in bloc.units])
            report.emit("head-not-a-unit", variant="near" if near else "", role=role, name=name,
                        near=near, ref=ref)
        elif name:
            canonical = next(u.name for u in bloc.units if u.key == unit_key(name))
            if role == "Khối trưởng":
                bloc.info.head = canonical
            else:
                bloc.info.deputy = canonical

    # -- Quy định -----------------------------------------------------------------------
    if rules_sg is not None:
        bloc.rules = _parse_rules(rules_sg, bloc, report)
    if bloc.rules.succession is Succession.ROTATION and not bloc.has_rotation:
        report.emit("rotation-missing", sheet=rules_sg.name if rules_sg else None)
    return bloc, report


# -- Thông tin --------------------------------------------------------------------------
def _parse_info(sg: SheetGrid | None, file: str, report: Report) -> BlocInfo:
    stem = Path(file).stem if file else ""
    info = BlocInfo(name=stem)
    if sg is None:
        report.warning(
            "no-info-sheet",
            "Sổ không có sheet \"Thông tin\": tên khối lấy theo tên tệp"
            + (f" (\"{stem}\")" if stem else "") + ", năm thi đua chưa rõ.",
            "Thêm sheet \"Thông tin\" với các dòng \"Tên khối thi đua\", \"Năm thi đua\", "
            "\"Tỉnh/Thành phố\", \"Khối trưởng\", \"Khối phó\".",
        )
        return info
    sh = _Sheet(sg)
    kv = _key_values(sh, INFO_LABELS)
    if "name" in kv and not is_blank(kv["name"][0]):
        info.name = clean(kv["name"][0])
    if "province" in kv and not is_blank(kv["province"][0]):
        info.province = clean(kv["province"][0])
    if "year" in kv and not is_blank(kv["year"][0]):
        raw, ref, _ = kv["year"]
        p = parse_number(raw)
        if p.value is None or not float(p.value).is_integer() or not 2000 <= p.value <= 2100:
            report.emit("bad-year", raw=shown_value(raw), ref=ref)
        else:
            info.year = int(p.value)
    else:
        report.emit("year-missing", sheet=sg.name)
    for key in ("head", "deputy"):
        if key in kv and not is_blank(kv[key][0]):
            setattr(info, key, clean(kv[key][0]))
            setattr(info, f"{key}_ref", kv[key][1])
    for key in INFO_TEXT_KEYS:
        if key in kv and not is_blank(kv[key][0]):
            setattr(info, key, clean(kv[key][0]))
    if "max" in kv and not is_blank(kv["max"][0]):
        raw, ref, _ = kv["max"]
        p = parse_number(raw)
        if p.value is None:
            report.emit("bad-number", raw=shown_value(raw), ref=ref)
        else:
            info.declared_max = p.value
            info.declared_max_ref = ref
    return info


# -- Đơn vị -----------------------------------------------------------------------------
def _parse_units(sg: SheetGrid, bloc: Bloc, report: Report) -> list[Unit] | None:
    sh = _Sheet(sg)
    found = _find_header(sh, UNIT_COLUMNS, ("name",))
    if found is None:
        report.emit("units-header-missing", name=sg.name, rows=HEADER_SCAN_ROWS,
                    sheet=sg.name)
        return None
    hr, cols = found
    bloc.has_last_year = "last_year" in cols
    bloc.has_discipline = "discipline" in cols
    bloc.has_rotation = "rotation" in cols
    bloc.has_official = "official" in cols
    bloc.has_review = "review" in cols
    units: list[Unit] = []
    seen: dict[str, str] = {}
    for r in range(hr + 1, sh.max_row + 1):
        raw = sh.get(r, cols["name"])
        name = clean(raw)
        if not name:
            continue
        if fold(name) in _folded(TOTAL_LABELS):
            continue
        ref = sh.ref(r, cols["name"])
        key = unit_key(name)
        if key in seen:
            report.emit("duplicate-unit", name=name, first_ref=seen[key], ref=ref)
            continue
        seen[key] = ref
        unit = Unit(name=name, key=key, ref=ref)
        if "last_year" in cols:
            v = sh.get(r, cols["last_year"])
            c = parse_classification(v)
            if c == "bad":
                report.emit("bad-classification", name=name, v=shown_value(v),
                            ref=sh.ref(r, cols['last_year']))
            else:
                unit.last_year = c
        if "discipline" in cols:
            v = sh.get(r, cols["discipline"])
            d = parse_discipline(v)
            if d is None:
                report.emit("bad-discipline", name=name, v=shown_value(v), ref=sh.ref(r, cols['discipline']))
            else:
                unit.discipline = d
                unit.discipline_text = clean(v)
        if "women" in cols:
            v = sh.get(r, cols["women"])
            yn, problem = parse_yes_no(v)
            if problem:
                report.emit("bad-yes-no", name=name, v=shown_value(v), ref=sh.ref(r, cols['women']))
            unit.women = yn
        unit_v2_columns(sh, r, cols, unit, report)
        if "rotation" in cols:
            v = sh.get(r, cols["rotation"])
            p = parse_number(v)
            if p.value is not None and float(p.value).is_integer() and p.value >= 0:
                unit.rotation = int(p.value)
            elif not is_blank(v):
                report.emit("bad-rotation", name=name, v=shown_value(v), ref=sh.ref(r, cols['rotation']))
        units.append(unit)
    if not units:
        report.emit("no-units", name=sg.name, sheet=sg.name)
    return units

