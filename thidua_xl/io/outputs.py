"""Result → write plan: the output sheets as data (see shared/spec/bloc-workbook.md).

:func:`build_plan` turns a :class:`~thidua_xl.core.models.BlocResult` into a
:class:`~thidua_xl.io.plan.WritePlan` that both renderers (openpyxl for files, xlwings for
the live book) draw the same way. Each sheet is made by one builder of
:data:`SHEET_BUILDERS` (``OutputContext -> SheetPlan | None``), in the order the sheets are
written:

- "Kết quả": the scoring table in rank order (real numbers), a bar chart of totals;
- the documents the bloc sends (:mod:`thidua_xl.io.documents`): "Tờ trình", its annex
  "Đề nghị khen thưởng", and "Biên bản họp bình xét";
- "Kiểm tra": every finding, with an internal link to its cell.

When the result has errors only "Kiểm tra" is planned (the stale output sheets of an
earlier run are still replaced). All user text is passed as plain ``str``: the renderers
write it as text, never as a formula.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from functools import partial

from ..core.findings import Finding, Severity
from ..core.models import Bloc, BlocResult, Classification, UnitResult
from ..core.text import MAX_CELL_TEXT, cap_text
from .context import OutputContext, num
from .documents import minutes_sheet, proposals_sheet, submission_sheet
from .grid import a1, col_letter
from .layout import HEADER_FILL, SheetBuilder, st
from .plan import (
    OUTPUT_FINDINGS,
    OUTPUT_RESULTS,
    OUTPUT_SHEETS,
    ChartSpec,
    ConditionalFill,
    PrintSetup,
    SheetPlan,
    WritePlan,
)

#: fill and font colour of each classification (Kết quả, conditional formatting)
CLASS_COLORS: dict[Classification, tuple[str, str]] = {
    Classification.HTXS: ("C6EFCE", "006100"),
    Classification.HTT: ("DDEBF7", "1F4E78"),
    Classification.HT: ("FFEB9C", "9C5700"),
    Classification.KHT: ("FFC7CE", "9C0006"),
}

ERROR_FILL, ERROR_COLOR = "FFC7CE", "9C0006"
WARNING_FILL, WARNING_COLOR = "FFEB9C", "9C5700"
LINK_COLOR = "0563C1"

SheetBuilderFn = Callable[[OutputContext], "SheetPlan | list[SheetPlan] | None"]


def _unit_notes(u: UnitResult) -> str:
    notes = [n for n in u.notes if n]
    if u.tie and not any("đồng hạng" in n.lower() for n in notes):
        notes.insert(0, "Đồng hạng")
    return "; ".join(notes)


# -------------------------------------------------------------------------------- Kết quả
def results_sheet(ctx: OutputContext) -> SheetPlan:
    r = ctx.result
    sections = list(r.sections)
    headers: list[tuple[str, float]] = [("STT", 5), ("Tên đơn vị", 32)]
    for path, text in sections:
        label = f"{path}. {text}".strip() if text else path
        headers.append((label, 14))
    headers += [("Điểm thưởng", 9), ("Điểm trừ", 9), ("Tổng điểm", 10), ("% tối đa", 9),
                ("Xếp hạng", 8), ("Xếp loại theo điểm", 27), ("Hình thức đề nghị", 27),
                ("Ghi chú", 40)]
    ncol = len(headers)
    s = SheetBuilder(SheetPlan(OUTPUT_RESULTS, tab_color="2E75B6"),
               {i + 1: w for i, (_, w) in enumerate(headers)})
    s.line(f"KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM {ctx.year_text}".upper(),
           st(14, bold=True, h="center"))
    sub = ctx.words.display
    if ctx.province:
        sub += f" – {ctx.province}"
    s.line(sub, st(12, italic=True, h="center"))
    extra = [f"Số đơn vị: {len(r.units)}"]
    if r.max_total is not None:
        extra.append(f"Tổng điểm tối đa: {num(r.max_total)}")
    if ctx.today is not None:
        extra.append(f"Ngày lập: {ctx.today:%d/%m/%Y}")
    s.line("; ".join(extra), st(11, italic=True, h="center"))
    hdr_row = s.row
    hstyle = st(11, bold=True, h="center", border=True, fill=HEADER_FILL)
    for c, (label, _) in enumerate(headers, start=1):
        s.put(hdr_row, c, label, hstyle)
    s.row += 1
    first = s.row
    text_c = st(11, border=True, v="center")
    center_c = st(11, border=True, h="center")
    num_c = st(11, border=True, h="right", fmt="0.00", wrap=False)
    int_c = st(11, border=True, h="center", fmt="0", wrap=False)
    nsec = len(sections)
    total_col = 2 + nsec + 3  # STT, name, sections, bonus, penalty, TOTAL
    class_col = total_col + 3  # total, %, rank, CLASS
    col_styles = ([int_c, text_c] + [num_c] * (nsec + 4)
                  + [int_c, center_c, text_c, text_c])
    for i, u in enumerate(r.units, start=1):
        row = s.row
        vals: list = [i, u.name]
        vals += [u.sections.get(path) for path, _ in sections]
        vals += [u.bonus, u.penalty, u.total, u.percent, u.rank,
                 u.classification.value if u.classification else None,
                 u.award or "", _unit_notes(u)]
        for c, (v, style) in enumerate(zip(vals, col_styles), start=1):
            s.put(row, c, v, style)
        s.row += 1
    last = s.row - 1
    plan = s.plan
    if r.units:
        rng = f"{col_letter(class_col)}{first}:{col_letter(class_col)}{last}"
        for cls, (fill, color) in CLASS_COLORS.items():
            plan.conditional.append(ConditionalFill(rng, cls.value, fill, color))
    plan.freeze = a1(first, 3)
    s.row += 1
    end_row = last
    if r.units:
        height = max(6.0, 1.6 + 0.75 * len(r.units))
        anchor_row = s.row
        plan.charts.append(ChartSpec(
            kind="bar", title=f"Tổng điểm thi đua năm {ctx.year_text}",
            categories=f"B{first}:B{last}",
            values=f"{col_letter(total_col)}{first}:{col_letter(total_col)}{last}",
            series_title="Tổng điểm", anchor=f"B{anchor_row}", width_cm=18.0,
            height_cm=height))
        end_row = anchor_row + math.ceil(height / 0.53) + 1
    plan.print_setup = PrintSetup(orientation="landscape", margin_left_mm=20,
                                  margin_right_mm=15, fit_width=True,
                                  print_area=f"A1:{col_letter(ncol)}{end_row}",
                                  title_rows=f"{hdr_row}:{hdr_row}",
                                  center_horizontally=True)
    return s.finish()


# ------------------------------------------------------------------------------ Kiểm tra
def _summary(findings: list[Finding]) -> str:
    n_err = sum(1 for f in findings if f.severity is Severity.ERROR)
    n_warn = len(findings) - n_err
    err = f"Có {n_err} lỗi" if n_err else "Không có lỗi"
    warn = f"{n_warn} cảnh báo" if n_warn else "không có cảnh báo"
    return f"{err}, {warn}."


def _link_target(f: Finding) -> str | None:
    if not f.sheet:
        return None
    cell = (f.cell or "A1").split(":")[0].replace("$", "")
    return f"{f.sheet}!{cell}"


def findings_sheet(ctx: OutputContext) -> SheetPlan:
    findings = sorted(ctx.result.findings, key=lambda f: f.severity is not Severity.ERROR)
    n_err = sum(1 for f in findings if f.severity is Severity.ERROR)
    tab = "C00000" if n_err else ("FFC000" if findings else "00B050")
    widths = {1: 11, 2: 16, 3: 9, 4: 24, 5: 60, 6: 50}
    s = SheetBuilder(SheetPlan(OUTPUT_FINDINGS, tab_color=tab), widths)
    color = ERROR_COLOR if n_err else ("9C5700" if findings else "006100")
    s.line(_summary(findings), st(14, bold=True, color=color, wrap=False))
    where = ctx.words.display
    if ctx.result.file:
        where += f" – tệp {ctx.result.file}"
    s.line(f"Kết quả kiểm tra sổ chấm điểm: {where}", st(11, italic=True, wrap=False))
    if n_err:
        s.line("Sổ có lỗi nên chưa tính điểm, xếp hạng và đề nghị khen thưởng. Bấm vào ô ở "
               "cột «Ô» để đến chỗ cần sửa, sửa xong thì chạy lại.", st(11, italic=True))
    else:
        s.line("Cảnh báo không chặn việc tính điểm nhưng nên xem lại.", st(11, italic=True))
    hdr_row = s.row
    hstyle = st(11, bold=True, h="center", border=True, fill=HEADER_FILL)
    for c, label in enumerate(["Mức độ", "Sheet", "Ô", "Mã lỗi", "Nội dung", "Cách sửa"],
                              start=1):
        s.put(hdr_row, c, label, hstyle)
    s.row += 1
    text_c = st(11, border=True, v="top")
    link_c = st(11, border=True, v="top", h="center", underline=True, color=LINK_COLOR)
    # a grouped finding (many cells, one cause) is its row, then a row for each cell
    rows = []
    for g in findings:
        rows.append((g, g.fix))
        rows.extend((m, "(như trên)") for m in g.members)
    for f, fix in rows:
        row = s.row
        is_err = f.severity is Severity.ERROR
        sev = st(11, bold=True, border=True, v="top", h="center",
                 fill=ERROR_FILL if is_err else WARNING_FILL,
                 color=ERROR_COLOR if is_err else WARNING_COLOR)
        s.put(row, 1, f.severity.label, sev)
        s.put(row, 2, f.sheet or "", text_c)
        target = _link_target(f)
        s.put(row, 3, f.cell or ("(sheet)" if f.sheet else ""),
              link_c if target else text_c, link=target)
        s.put(row, 4, f.code, text_c)
        s.put(row, 5, f.message, text_c)
        s.put(row, 6, fix, text_c)
        s.row += 1
    if not findings:
        s.put(s.row, 1, "Không có lỗi hay cảnh báo nào.",
              st(11, italic=True, border=True, h="center"), 6)
        s.row += 1
    s.plan.freeze = a1(hdr_row + 1, 1)
    s.plan.print_setup = PrintSetup(orientation="landscape", margin_left_mm=20,
                                    fit_width=True,
                                    print_area=f"A1:F{max(s.row - 1, hdr_row)}",
                                    title_rows=f"{hdr_row}:{hdr_row}")
    return s.finish()


#: the builders of an ok result's sheets, in writing order (a builder may return None)
def audit_sheets(ctx: OutputContext) -> list[SheetPlan]:
    """ "Chi tiết điểm" and "Phân tích" (io.analysis_sheets; none with errors)."""
    from .analysis_sheets import analysis_sheets

    return analysis_sheets(ctx.result)


SHEET_BUILDERS: list[SheetBuilderFn] = [results_sheet, submission_sheet, proposals_sheet,
                                         findings_sheet, minutes_sheet, audit_sheets]


def build_plan(result: BlocResult, *, bloc: Bloc | None = None,
               today: date | None = None) -> WritePlan:
    """The output sheets of ``result`` (only "Kiểm tra" when it has errors).

    ``bloc`` (optional) gives the award forms' order, the units' list order and what
    "Thông tin" says of the signer and the addressee; ``today`` fills the date line of
    the documents (blank for the meeting otherwise).
    """
    ctx = OutputContext.make(result, bloc, today)
    if result.has_errors:
        return _capped(WritePlan(sheets=[findings_sheet(ctx)], replace=OUTPUT_SHEETS,
                                 select=OUTPUT_FINDINGS))
    sheets: list[SheetPlan] = []
    for build in SHEET_BUILDERS:  # a builder gives one sheet, none, or several
        made = build(ctx)
        sheets.extend(made if isinstance(made, list) else [] if made is None else [made])
    select = OUTPUT_FINDINGS if result.findings else OUTPUT_RESULTS
    return _capped(WritePlan(sheets=sheets, replace=OUTPUT_SHEETS, select=select))


#: ends a generated text cut at Excel's cell limit (a 3,000-unit tie note ...)
CUT_NOTE = " (đã cắt bớt: một ô Excel chứa tối đa 32.767 ký tự)"


def _capped(plan: WritePlan) -> WritePlan:
    """Every text cell of ``plan`` within Excel's 32,767 characters (cut with a note)."""
    for sheet in plan.sheets:
        for cell in sheet.cells:
            v = cell.value
            if type(v) is str and len(v) > MAX_CELL_TEXT:
                cell.value = cap_text(v, note=CUT_NOTE)
        for block in sheet.blocks:  # cut as they are written: no pass over 160,000 rows
            block.cut, block.cut_over = partial(cap_text, note=CUT_NOTE), MAX_CELL_TEXT
    return plan
