"""The province's view of a batch: ``OUTDIR/tong-hop.xlsx`` and the cross-bloc checks.

- :func:`cross_checks` is pure (no I/O): findings that only show when the blocs are seen
  together (Government flag proposals above 20% of the leading units — every Cờ tỉnh or Cờ CP
  proposal —, a unit in
  two blocs, two workbooks of the same bloc and year, mixed years).
- :func:`build_summary` describes the workbook as a :class:`~thidua_xl.io.plan.WritePlan`
  (frozen header rows, autofilters, print titles), :func:`write_summary` renders it
  atomically like every file the product writes (``io.writer.write_plan_only``). Sheets: "Tổng hợp khối", "Đề nghị", "Thống kê", "Kiểm tra chéo".
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from .core.record import record
from .core.findings import Finding, Report, Severity
from .core.models import FORM_GOV_FLAG, FORM_MERIT, FORM_PROV_FLAG, current_form_name
from .core.text import clean, fold, unit_key
from .io.grid import col_letter
from .io.plan import Align, PrintSetup, SheetPlan, Style, WritePlan, fonts, styled

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from .core.models import BlocResult

SUMMARY_NAME = "tong-hop.xlsx"
SHEET_BLOCS = "Tổng hợp khối"
SHEET_PROPOSALS = "Đề nghị"
SHEET_STATS = "Thống kê"
SHEET_CROSS = "Kiểm tra chéo"
GOV_FLAG_RATIO = 0.20

STATUS_LABELS = {"ok": "Hợp lệ", "errors": "Có lỗi", "unreadable": "Không đọc được"}


def _is_gov(form: str) -> bool:
    return current_form_name(form) == FORM_GOV_FLAG


def _is_prov(form: str) -> bool:
    return current_form_name(form) == FORM_PROV_FLAG


def _name(r: "BlocResult") -> str:
    return Path(r.file).name if r.file else (r.bloc or "?")


def _usable(results: Iterable["BlocResult"]) -> list["BlocResult"]:
    return [r for r in results if r.status != "unreadable"]


# --------------------------------------------------------------------------------------
# cross-bloc checks (pure)
# --------------------------------------------------------------------------------------
@record(frozen=True)
class _Rec:
    """What the cross-bloc checks need of one result."""

    name: str
    bloc: str
    year: int | None
    units: tuple[str, ...]
    props: tuple[tuple[str, str], ...]  # (unit, form)
    province: str = ""


def cross_checks(results: list["BlocResult"]) -> list[Finding]:
    """Findings across blocs. Pure: reads only the results, touches no file.

    Codes: ``gov-flag-over-20-percent`` (warning: the council decides among the
    proposals), ``unit-in-two-blocs`` (error),
    ``duplicate-bloc`` (error), ``mixed-years`` (warning). Unreadable results are ignored.
    """
    out = Report()
    # one light record per readable result (the results may be a lazy sequence)
    usable = [_Rec(_name(r), r.bloc, r.year, tuple(u.name for u in r.units),
                   tuple((p.unit, p.form) for p in r.proposals), r.province or "")
              for r in results if r.status != "unreadable"]

    # -- two workbooks for the same bloc and year ------------------------------------
    by_bloc: dict[tuple[str, int | None], list[_Rec]] = defaultdict(list)
    for r in usable:
        if clean(r.bloc):
            by_bloc[(fold(r.bloc), r.year)].append(r)
    for (_, year), group in by_bloc.items():
        if len(group) > 1:
            files = ", ".join(f"'{r.name}'" for r in group)
            when = f" năm {year}" if year else ""
            out.emit("duplicate-bloc", n=len(group), bloc=group[0].bloc, when=when, files=files)

    # -- a unit in two blocs (same year) ----------------------------------------------
    # one representative per (bloc, year) so a duplicated bloc is not reported twice
    reps = [g[0] for g in by_bloc.values()] + [r for r in usable if not clean(r.bloc)]
    seen: dict[tuple[str, int | None], list[tuple[_Rec, str]]] = defaultdict(list)
    for r in reps:
        names: dict[str, str] = {}
        for u in r.units:
            names.setdefault(unit_key(u), u)
        for key, shown in names.items():
            seen[(key, r.year)].append((r, shown))
    for (key, year), hits in seen.items():
        if len(hits) > 1:
            where = "; ".join(f"'{r.bloc or r.name}' ({r.name})" for r, _ in hits)
            when = f" năm {year}" if year else ""
            out.emit("unit-in-two-blocs", unit=hits[0][1], name=hits[0][1], n=len(hits), when=when,
                     where=where)

    # -- mixed years ------------------------------------------------------------------
    years = Counter(r.year for r in usable if r.year is not None)
    if len(years) > 1:
        detail = ", ".join(f"{y}: {n} sổ" for y, n in sorted(years.items()))
        out.emit("mixed-years", detail=detail)

    # -- several provinces in one batch -------------------------------------------------
    provinces = Counter(fold(r.province) for r in usable if r.province)
    if len(provinces) > 1:
        shown = sorted({r.province for r in usable if r.province})
        out.emit("mixed-provinces", provinces=", ".join(shown))

    # -- Government flag proposals above 20% of the leading units ----------------------
    # leading units: every proposal for Cờ thi đua của UBND tỉnh or của Chính phủ
    # a province-wide rule: counted per (province, year), never across provinces or years
    groups: dict[tuple[str, int | None], list[_Rec]] = defaultdict(list)
    for r in usable:
        groups[(fold(r.province), r.year)].append(r)
    for (_, year), recs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        gov = [(r, unit) for r in recs for unit, form in r.props if _is_gov(form)]
        prov = [(r, unit) for r in recs for unit, form in r.props if _is_prov(form)]
        leading = len(prov) + len(gov)
        limit = int(leading * GOV_FLAG_RATIO + 1e-9)
        if len(gov) <= limit:
            continue
        where = next((r.province for r in recs if r.province), "") or "toàn tỉnh"
        when = f" năm {year}" if year else ""
        who = "; ".join(f"{unit} ({r.bloc or r.name})" for r, unit in gov)
        out.emit("gov-flag-over-20-percent",
                 where=where.capitalize() if where == "toàn tỉnh" else where, when=when,
                 n_gov=len(gov), n_prov=len(prov), leading=leading, gov_flag=FORM_GOV_FLAG,
                 prov_flag=FORM_PROV_FLAG, limit=limit, who=who)
    return out.findings


# --------------------------------------------------------------------------------------
# the workbook
# --------------------------------------------------------------------------------------
FONT = "Times New Roman"


def form_order(results: list["BlocResult"]) -> list[str]:
    forms = [FORM_GOV_FLAG, FORM_PROV_FLAG, FORM_MERIT]
    for r in results:
        for p in r.proposals:
            if p.form not in forms and not any(fold(p.form) == fold(f) for f in forms):
                forms.append(p.form)
    return forms


HEAD_FILL = "1F4E78"
ROW_FILLS = {"ok": None, "errors": "FCE4D6", "unreadable": "F8CBAD"}
GREY = "808080"  # the cells' thin border
F = fonts(FONT, head_color="FFFFFF")
WRAP: Align = (None, "top", True)
CENTER: Align = ("center", "top", True)
PLAIN: Align = (None, "center", False)


def _style(font: Style = F["body"], fill: str | None = None, align: Align = WRAP,
           fmt: str | None = None, bdr: bool = True) -> Style:
    return styled(font, fill=fill, align=align, border=GREY if bdr else None, fmt=fmt)


def _value(value: Any) -> Any:
    return "; ".join(str(x) for x in value) if isinstance(value, (list, tuple)) else value


def _table(name: str, title: str, headers: list[tuple[str, float]], rows: list[list[Any]],
           row_fills: list[str | None] | None = None,
           numeric: set[int] = frozenset()) -> SheetPlan:
    """A titled table: title in row 1, headers in row 3 (frozen, filtered, repeated on
    every printed page), one row per item from row 4."""
    sp = SheetPlan(name=name, freeze="A4",
                   col_widths={j: w for j, (_h, w) in enumerate(headers, 1)},
                   autofilter=f"A3:{col_letter(len(headers))}{3 + len(rows)}" if rows else None,
                   print_setup=PrintSetup(orientation="landscape", margin_top_mm=25.4,
                                          margin_bottom_mm=25.4, margin_left_mm=19.05,
                                          margin_right_mm=19.05, title_rows="3:3"))
    sp.put(1, 1, title, _style(F["title"], align=PLAIN, bdr=False))
    for j, (h, _w) in enumerate(headers, 1):
        sp.put(3, j, h, _style(F["head"], HEAD_FILL, CENTER))
    for i, row in enumerate(rows):
        fill = row_fills[i] if row_fills else None
        for j, v in enumerate(row, 1):
            sp.put(4 + i, j, _value(v), _style(
                fill=fill, align=CENTER if j in numeric or j == 1 else WRAP,
                fmt="0.00" if isinstance(v, float) else None))
    return sp


def build_summary(results: list["BlocResult"], cross: list[Finding] | None = None,
                  outputs: dict[str, str] | None = None) -> WritePlan:
    """The summary workbook as a write plan (not written yet). ``outputs`` maps
    result.file → the written result workbook."""
    if cross is None:
        cross = cross_checks(results)
    outputs = outputs or {}
    sheets = []
    # ---------------------------------------------------------------- Tổng hợp khối
    rows, rfills = [], []
    for i, r in enumerate(results, 1):
        e, w = r.error_count, r.warning_count
        rows.append([i, _name(r), r.bloc, r.year, len(r.units) or None, r.head, r.next_head,
                     r.next_deputy, e, w, STATUS_LABELS.get(r.status, r.status),
                     outputs.get(r.file)])
        rfills.append(ROW_FILLS.get(r.status))
    sheets.append(_table(
        SHEET_BLOCS, "TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA CÁC KHỐI",
        [("STT", 6), ("Tệp", 30), ("Khối thi đua", 40), ("Năm", 8), ("Số đơn vị", 10),
         ("Khối trưởng", 28), ("Đề xuất Khối trưởng", 28), ("Đề xuất Khối phó", 28),
         ("Số lỗi", 8), ("Số cảnh báo", 10), ("Trạng thái", 16), ("Tệp kết quả", 36)],
        rows, rfills, numeric={4, 5, 9, 10}))

    # ---------------------------------------------------------------- Đề nghị
    rows = []
    order = {f: k for k, f in enumerate(form_order(results))}
    n = 0
    for r in results:
        props = sorted(r.proposals, key=lambda p: order.get(p.form, 99))
        for p in props:
            n += 1
            notes = list(p.notes)
            if p.basis:
                notes.insert(0, p.basis)
            rows.append([n, r.bloc or _name(r), p.unit, p.form, p.total, p.rank,
                         p.classification.value if p.classification else None, notes])
        for g in r.tie_groups:
            n += 1
            rows.append([n, r.bloc or _name(r), "; ".join(g.units), g.form, None, None, None,
                         [f"{g.note} ({g.seats} suất)"]])
    sheets.append(_table(
        SHEET_PROPOSALS, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG CỦA CÁC KHỐI",
        [("STT", 6), ("Khối thi đua", 36), ("Đơn vị", 36), ("Hình thức đề nghị", 32),
         ("Tổng điểm", 10), ("Xếp hạng", 9), ("Xếp loại", 28), ("Ghi chú", 50)],
        rows, numeric={5, 6}))

    # ---------------------------------------------------------------- Thống kê
    rows = []
    for form in form_order(results):
        props = [(r.file, p.form) for r in results for p in r.proposals
                 if fold(p.form) == fold(form)]
        blocs = {f for f, _ in props}
        ties = sum(1 for r in results for g in r.tie_groups if fold(g.form) == fold(form))
        rows.append([len(rows) + 1, form, len(props), len(blocs), ties])
    sp = _table(SHEET_STATS, "THỐNG KÊ ĐỀ NGHỊ KHEN THƯỞNG TOÀN TỈNH",
                [("STT", 6), ("Hình thức khen thưởng", 40), ("Số đề nghị", 12),
                 ("Số khối có đề nghị", 14), ("Nhóm đồng hạng chờ bỏ phiếu", 16)],
                rows, numeric={3, 4, 5})
    classes: Counter = Counter()
    n_units = 0
    for r in results:
        if r.status != "unreadable":
            n_units += len(r.units)
            classes.update(u.classification.value for u in r.units
                           if u.classification is not None)
    facts = [
        ("Số sổ đã nhận", len(results)),
        ("Số sổ hợp lệ", sum(1 for r in results if r.status == "ok")),
        ("Số sổ có lỗi", sum(1 for r in results if r.status == "errors")),
        ("Số tệp không đọc được", sum(1 for r in results if r.status == "unreadable")),
        ("Số đơn vị được chấm", n_units),
    ] + [(c, classes.get(c, 0)) for c in ("Hoàn thành xuất sắc nhiệm vụ",
                                          "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
                                          "Không hoàn thành nhiệm vụ")]
    row = 3 + len(rows) + 2  # a blank row below the table
    sp.put(row, 2, "Tổng quát", _style(F["bold"], bdr=False))
    for k, (label, v) in enumerate(facts, row + 1):
        sp.put(k, 2, label, _style())
        sp.put(k, 3, v, _style(align=CENTER))
    sheets.append(sp)

    # ---------------------------------------------------------------- Kiểm tra chéo
    rows, rfills = [], []
    for i, f in enumerate(cross, 1):
        rows.append([i, f.severity.label, f.code, f.message, f.fix])
        rfills.append(ROW_FILLS["errors"] if f.severity is Severity.ERROR else None)
    sp = _table(SHEET_CROSS, "KIỂM TRA CHÉO GIỮA CÁC KHỐI",
                [("STT", 6), ("Mức độ", 10), ("Mã lỗi", 26), ("Nội dung", 80),
                 ("Cách sửa", 60)], rows, rfills)
    if not cross:
        sp.put(4, 1, "Không phát hiện vấn đề nào giữa các khối.", _style(F["note"], bdr=False))
    sheets.append(sp)
    return WritePlan(sheets=sheets, replace=(), select=SHEET_BLOCS)


def write_summary(results: list["BlocResult"], path: str | Path,
                  cross: list[Finding] | None = None,
                  outputs: dict[str, str] | None = None) -> Path:
    """Write the summary workbook atomically and return its path."""
    from .io.writer import write_plan_only

    return write_plan_only(build_summary(results, cross, outputs), path)
