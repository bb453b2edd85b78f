"""The province's view of a batch: ``OUTDIR/tong-hop.xlsx`` and the cross-bloc checks.

- :func:`cross_checks` is pure (no I/O): findings that only show when the blocs are seen
  together (Government flag proposals above 20% of provincial flag proposals, a unit in
  two blocs, two workbooks of the same bloc and year, mixed years).
- :func:`build_summary` makes the workbook (openpyxl), :func:`write_summary` saves it
  atomically. Sheets: "Tổng hợp khối", "Đề nghị", "Thống kê", "Kiểm tra chéo".
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .core.findings import Finding, Report, Severity
from .core.models import FORM_GOV_FLAG, FORM_MERIT, FORM_PROV_FLAG
from .core.text import clean, fold, unit_key

if TYPE_CHECKING:  # pragma: no cover
    from .core.models import BlocResult

SUMMARY_NAME = "tong-hop.xlsx"
SHEET_BLOCS = "Tổng hợp khối"
SHEET_PROPOSALS = "Đề nghị"
SHEET_STATS = "Thống kê"
SHEET_CROSS = "Kiểm tra chéo"
#: older texts name the Government's flag "của Thủ tướng Chính phủ"
_GOV_ALIASES = {fold(FORM_GOV_FLAG), fold("Cờ thi đua của Thủ tướng Chính phủ")}
_PROV_ALIASES = {fold(FORM_PROV_FLAG), fold("Cờ thi đua của Ủy ban nhân dân tỉnh"),
                 fold("Cờ thi đua của UBND tỉnh")}
GOV_FLAG_RATIO = 0.20

STATUS_LABELS = {"ok": "Hợp lệ", "errors": "Có lỗi", "unreadable": "Không đọc được"}


def _is_gov(form: str) -> bool:
    return fold(form) in _GOV_ALIASES


def _is_prov(form: str) -> bool:
    return fold(form) in _PROV_ALIASES


def _name(r: "BlocResult") -> str:
    return Path(r.file).name if r.file else (r.bloc or "?")


def _usable(results: Iterable["BlocResult"]) -> list["BlocResult"]:
    return [r for r in results if r.status != "unreadable"]


# --------------------------------------------------------------------------------------
# cross-bloc checks (pure)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
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

    # -- Government flag proposals above 20% of provincial flag proposals -------------
    # a province-wide rule: counted per (province, year), never across provinces or years
    groups: dict[tuple[str, int | None], list[_Rec]] = defaultdict(list)
    for r in usable:
        groups[(fold(r.province), r.year)].append(r)
    for (_, year), recs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        gov = [(r, unit) for r in recs for unit, form in r.props if _is_gov(form)]
        prov = [(r, unit) for r in recs for unit, form in r.props if _is_prov(form)]
        limit = int(len(prov) * GOV_FLAG_RATIO + 1e-9)
        if len(gov) <= limit:
            continue
        where = next((r.province for r in recs if r.province), "") or "toàn tỉnh"
        when = f" năm {year}" if year else ""
        who = "; ".join(f"{unit} ({r.bloc or r.name})" for r, unit in gov)
        out.emit("gov-flag-over-20-percent",
                 where=where.capitalize() if where == "toàn tỉnh" else where, when=when,
                 n_gov=len(gov), n_prov=len(prov), gov_flag=FORM_GOV_FLAG,
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


def build_summary(results: list["BlocResult"], cross: list[Finding] | None = None,
                  outputs: dict[str, str] | None = None):
    """The summary workbook (openpyxl, write-only: memory does not grow with the cells;
    not saved yet). ``outputs`` maps result.file → the written result workbook."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    if cross is None:
        cross = cross_checks(results)
    outputs = outputs or {}
    from .io.openpyxl_style import fonts, thin_border

    border = thin_border()
    f = fonts(FONT, head_color="FFFFFF")
    f_body, f_bold, f_head, f_title, f_note = (f[k] for k in ("body", "bold", "head", "title",
                                                              "note"))
    fill_head = PatternFill("solid", fgColor="1F4E78")
    fills = {"ok": None, "errors": PatternFill("solid", fgColor="FCE4D6"),
             "unreadable": PatternFill("solid", fgColor="F8CBAD")}
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    plain = Alignment(vertical="center")

    def cell(ws, value, font=f_body, fill=None, align=wrap, fmt=None, bdr=True):
        if isinstance(value, (list, tuple)):
            value = "; ".join(str(x) for x in value)
        from .io.openpyxl_style import style_cell

        return style_cell(WriteOnlyCell(ws), value, font=font, fill=fill, align=align,
                          border=border if bdr else None, fmt=fmt)

    def table(ws, title: str, headers: list[tuple[str, float]], rows: list[list[Any]],
              row_fills: list[Any] | None = None, numeric: set[int] = frozenset()) -> None:
        for j, (_h, w) in enumerate(headers, 1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.freeze_panes = "A4"
        if rows:
            ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{3 + len(rows)}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "3:3"
        ws.append([cell(ws, title, f_title, align=plain, bdr=False)])
        ws.append([])
        ws.append([cell(ws, h, f_head, fill_head, center) for h, _ in headers])
        for i, row in enumerate(rows):
            fill = row_fills[i] if row_fills else None
            ws.append([cell(ws, v, fill=fill, align=center if j in numeric or j == 1 else wrap,
                            fmt="0.00" if isinstance(v, float) else None)
                       for j, v in enumerate(row, 1)])

    wb = Workbook(write_only=True)
    # ---------------------------------------------------------------- Tổng hợp khối
    ws = wb.create_sheet(SHEET_BLOCS)
    rows, rfills = [], []
    for i, r in enumerate(results, 1):
        e, w = r.error_count, r.warning_count
        rows.append([i, _name(r), r.bloc, r.year, len(r.units) or None, r.head, r.next_head,
                     r.next_deputy, e, w, STATUS_LABELS.get(r.status, r.status),
                     outputs.get(r.file)])
        rfills.append(fills.get(r.status))
    table(ws, "TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA CÁC KHỐI",
          [("STT", 6), ("Tệp", 30), ("Khối thi đua", 40), ("Năm", 8), ("Số đơn vị", 10),
           ("Khối trưởng", 28), ("Đề xuất Khối trưởng", 28), ("Đề xuất Khối phó", 28),
           ("Số lỗi", 8), ("Số cảnh báo", 10), ("Trạng thái", 16), ("Tệp kết quả", 36)],
          rows, rfills, numeric={4, 5, 9, 10})

    # ---------------------------------------------------------------- Đề nghị
    ws = wb.create_sheet(SHEET_PROPOSALS)
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
    table(ws, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG CỦA CÁC KHỐI",
          [("STT", 6), ("Khối thi đua", 36), ("Đơn vị", 36), ("Hình thức đề nghị", 32),
           ("Tổng điểm", 10), ("Xếp hạng", 9), ("Xếp loại", 28), ("Ghi chú", 50)],
          rows, numeric={5, 6})

    # ---------------------------------------------------------------- Thống kê
    ws = wb.create_sheet(SHEET_STATS)
    rows = []
    for form in form_order(results):
        props = [(r.file, p.form) for r in results for p in r.proposals
                 if fold(p.form) == fold(form)]
        blocs = {f for f, _ in props}
        ties = sum(1 for r in results for g in r.tie_groups if fold(g.form) == fold(form))
        rows.append([len(rows) + 1, form, len(props), len(blocs), ties])
    table(ws, "THỐNG KÊ ĐỀ NGHỊ KHEN THƯỞNG TOÀN TỈNH",
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
        ("Hoàn thành xuất sắc nhiệm vụ", classes.get("Hoàn thành xuất sắc nhiệm vụ", 0)),
        ("Hoàn thành tốt nhiệm vụ", classes.get("Hoàn thành tốt nhiệm vụ", 0)),
        ("Hoàn thành nhiệm vụ", classes.get("Hoàn thành nhiệm vụ", 0)),
        ("Không hoàn thành nhiệm vụ", classes.get("Không hoàn thành nhiệm vụ", 0)),
    ]
    ws.append([])
    ws.append([None, cell(ws, "Tổng quát", f_bold, bdr=False)])
    for label, v in facts:
        ws.append([None, cell(ws, label), cell(ws, v, align=center)])

    # ---------------------------------------------------------------- Kiểm tra chéo
    ws = wb.create_sheet(SHEET_CROSS)
    rows, rfills = [], []
    for i, f in enumerate(cross, 1):
        rows.append([i, f.severity.label, f.code, f.message, f.fix])
        rfills.append(fills["errors"] if f.severity is Severity.ERROR else None)
    table(ws, "KIỂM TRA CHÉO GIỮA CÁC KHỐI",
          [("STT", 6), ("Mức độ", 10), ("Mã lỗi", 26), ("Nội dung", 80),
           ("Cách sửa", 60)], rows, rfills)
    if not cross:
        ws.append([cell(ws, "Không phát hiện vấn đề nào giữa các khối.", f_note, bdr=False)])
    return wb


def write_summary(results: list["BlocResult"], path: str | Path,
                  cross: list[Finding] | None = None,
                  outputs: dict[str, str] | None = None) -> Path:
    """Write the summary workbook atomically and return its path."""
    from .io.atomic import atomic_write, output_error

    path = Path(path)
    wb = build_summary(results, cross, outputs)
    with atomic_write(path) as tmp:
        try:
            wb.save(tmp)
        except OSError as exc:
            raise output_error(path, exc) from exc
    return path
