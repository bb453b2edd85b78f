"""Write plan → openpyxl sheets.

:func:`render_plan` draws a :class:`~thidua_xl.io.plan.WritePlan` into an openpyxl
workbook (the grafting step of ``thidua_xl.io.package`` and the tests use it);
:func:`render_to_file` writes a new workbook holding only the plan's sheets.

Guarantees:
- every name of ``plan.replace`` (and of the plan's sheets) is removed first, compared
  exactly and case-insensitively, so a second run never leaves "Kết quả1";
- text is text: a ``str`` starting with ``=``, ``+``, ``-`` or ``@`` is stored as a string
  with the quote prefix, never as a formula; characters XML cannot hold are dropped;
- links are internal only (a location inside the workbook, never an external target).
"""
from __future__ import annotations

from copy import copy

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from .grid import a1, parse_range
from .plan import (FORMULA_PREFIXES, MM_PER_INCH, PAPER_SIZES, ChartSpec, ConditionalFill,
                   PrintSetup, SheetPlan, Style, Validation, WritePlan, argb as _argb,
                   internal_location, quote_sheet)

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

_MM_PER_INCH = MM_PER_INCH
_PAPER = PAPER_SIZES


class _StyleCache:
    """openpyxl style objects per plan :class:`Style` (built once, shared by cells)."""

    def __init__(self) -> None:
        self._cache: dict[Style, tuple[Font, PatternFill | None, Alignment, Border | None]] = {}
        #: the finished style ids of a (Style, quote prefix) in this workbook: copying them is
        #: ~50× cheaper than assigning font/fill/alignment/border objects cell by cell
        self.arrays: dict[tuple[Style, bool], Any] = {}

    def get(self, style: Style) -> tuple[Font, PatternFill | None, Alignment, Border | None]:
        hit = self._cache.get(style)
        if hit is None:
            font = Font(name=style.font_name or "Calibri", sz=style.font_size or 11,
                        b=style.bold, i=style.italic,
                        u="single" if style.underline else None,
                        color=_argb(style.color) if style.color else None)
            fill = (PatternFill(fill_type="solid", start_color=_argb(style.fill),
                                end_color=_argb(style.fill)) if style.fill else None)
            align = Alignment(horizontal=style.h_align, vertical=style.v_align,
                              wrap_text=style.wrap or None, indent=style.indent or 0)
            side = Side(style="thin", color=_argb(style.border_color or "000000"))
            border = Border(left=side, right=side, top=side, bottom=side) if style.border else None
            hit = (font, fill, align, border)
            self._cache[style] = hit
        return hit


def safe_value(value: Any) -> Any:
    """A value openpyxl can store: text cleaned of characters XML cannot hold."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _write_cell(ws, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=col)
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # text, never a formula: openpyxl typed "=..." as "f"; store it as a string
        # with the quote prefix (Excel shows it as typed and keeps it text on edit)
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


# --------------------------------------------------------------------------------------
def remove_sheets(wb, names) -> None:
    """Remove every sheet of ``wb`` whose name is in ``names`` (exact or case-insensitive)."""
    wanted = {n for n in names}
    folded = {n.casefold() for n in names}
    for ws in list(wb._sheets):
        if ws.title in wanted or ws.title.casefold() in folded:
            wb.remove(ws)


def render_plan(plan: WritePlan, wb) -> None:
    """Draw ``plan`` into the openpyxl workbook ``wb`` (old output sheets replaced)."""
    names = list(plan.replace) + [s.name for s in plan.sheets]
    remove_sheets(wb, names)
    styles = _StyleCache()
    for sp in plan.sheets:
        ws = wb.create_sheet(title=sp.name)
        _render_sheet(ws, sp, styles)
    _select(wb, plan.select)


def _select(wb, name: str | None) -> None:
    sheets = wb._sheets
    if not sheets:
        return
    target = None
    if name:
        for ws in sheets:
            if ws.title == name or ws.title.casefold() == name.casefold():
                target = ws
                break
    if target is None:
        idx = min(max(wb._active_sheet_index, 0), len(sheets) - 1)
        target = sheets[idx]
        if getattr(target, "sheet_state", "visible") != "visible":
            target = next((s for s in sheets if getattr(s, "sheet_state", "visible")
                           == "visible"), target)
    wb.active = sheets.index(target)
    for ws in wb.worksheets:  # exactly one selected tab (no grouped sheets)
        ws.sheet_view.tabSelected = ws is target


def _render_sheet(ws, sp: SheetPlan, styles: _StyleCache) -> None:
    for spec in sp.all_cells():
        cell = _write_cell(ws, spec.row, spec.col, spec.value)
        if spec.style is not None:
            key = (spec.style, bool(cell.quotePrefix))
            done = styles.arrays.get(key)
            if done is not None:
                cell._style = copy(done)
            else:
                font, fill, align, border = styles.get(spec.style)
                cell.font = font
                cell.alignment = align
                if fill is not None:
                    cell.fill = fill
                if border is not None:
                    cell.border = border
                if spec.style.number_format:
                    cell.number_format = spec.style.number_format
                styles.arrays[key] = copy(cell._style)
        if spec.link:
            loc = internal_location(spec.link)
            if loc is not None:
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=loc,
                                           display=str(spec.value or ""))
    for rng in sp.merges:
        ws.merge_cells(rng)
    for col, width in sp.col_widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, height in sp.row_heights.items():
        ws.row_dimensions[row].height = height
    if sp.freeze:
        ws.freeze_panes = sp.freeze
    if sp.autofilter:
        ws.auto_filter.ref = sp.autofilter
    ws.sheet_view.showGridLines = bool(sp.show_gridlines)
    if sp.tab_color:
        ws.sheet_properties.tabColor = _argb(sp.tab_color)
    if sp.autofilter:
        ws.auto_filter.ref = sp.autofilter
    for cf in sp.conditional:
        _conditional(ws, cf)
    for v in sp.validations:
        ws.add_data_validation(_validation(v))
    for chart in sp.charts:
        _chart(ws, chart)
    for row in sorted(set(sp.page_breaks)):
        ws.row_breaks.append(Break(id=row))
    if sp.print_setup is not None:
        _print_setup(ws, sp.print_setup)


def _conditional(ws, cf: ConditionalFill) -> None:
    r1, c1, _, _ = parse_range(cf.range)
    text = cf.equals.replace('"', '""')
    fill = PatternFill(fill_type="solid", start_color=_argb(cf.fill), end_color=_argb(cf.fill),
                       bgColor=_argb(cf.fill))
    font = Font(color=_argb(cf.color)) if cf.color else None
    rule = FormulaRule(formula=[f'EXACT({a1(r1, c1)},"{text}")'], fill=fill, font=font,
                       stopIfTrue=False)
    ws.conditional_formatting.add(cf.range, rule)


def _line_chart(ws, spec: ChartSpec) -> None:
    """One line per row of ``spec.values`` (ranks by year: rank 1 at the top)."""
    from openpyxl.chart import LineChart

    chart = LineChart()
    if spec.title:
        chart.title = spec.title
    r1, c1, r2, c2 = parse_range(spec.values)
    chart.add_data(Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2),
                   from_rows=True, titles_from_data=False)
    if spec.categories:
        q1, k1, q2, k2 = parse_range(spec.categories)
        chart.set_categories(Reference(ws, min_col=k1, min_row=q1, max_col=k2, max_row=q2))
    if spec.series_titles:
        t1, tc, _, _ = parse_range(spec.series_titles)
        for i, s in enumerate(chart.series):
            s.tx = SeriesLabel(strRef=StrRef(f"{quote_sheet(ws.title)}!"
                                             f"${get_column_letter(tc)}${t1 + i}"))
            s.marker.symbol = "circle"
            s.smooth = False
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.scaling.orientation = "maxMin"  # rank 1 on top
    chart.y_axis.scaling.min = 1
    chart.y_axis.majorUnit = 1
    chart.y_axis.number_format = "0"
    chart.y_axis.title = "Xếp hạng"
    chart.width = spec.width_cm
    chart.height = spec.height_cm
    ws.add_chart(chart, spec.anchor)


def _validation(v: Validation):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type=None if v.kind == "any" else v.kind, operator=v.operator,
        formula1=v.list_formula or v.formula1, formula2=v.formula2,
        allow_blank=v.allow_blank, errorStyle=None if v.error_style == "stop" else v.error_style,
        showErrorMessage=v.show_error, errorTitle=v.error_title, error=v.error,
        showInputMessage=v.show_prompt, promptTitle=v.prompt_title, prompt=v.prompt)
    for ref in v.ranges:
        dv.add(ref)
    return dv


def _chart(ws, spec: ChartSpec) -> None:
    if spec.kind == "line":
        _line_chart(ws, spec)
        return
    chart = BarChart()
    chart.type = "bar" if spec.kind == "bar" else "col"
    chart.grouping = "clustered"
    chart.style = 10
    if spec.title:
        chart.title = spec.title
    r1, c1, r2, c2 = parse_range(spec.values)
    data = Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2)
    chart.add_data(data, titles_from_data=False)
    if spec.categories:
        q1, k1, q2, k2 = parse_range(spec.categories)
        chart.set_categories(Reference(ws, min_col=k1, min_row=q1, max_col=k2, max_row=q2))
    if chart.series:
        s = chart.series[0]
        if spec.series_title:
            s.tx = SeriesLabel(v=spec.series_title)
        s.graphicalProperties.solidFill = "2E75B6"
        s.graphicalProperties.line.solidFill = "2E75B6"
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent",
                 "showBubbleSize", "showLeaderLines"):
        setattr(chart.dataLabels, flag, False)
    chart.legend = None
    # openpyxl ≥ 3.1 hides axes unless told otherwise
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if spec.kind == "bar":
        # horizontal bars: first row (rank 1) on top
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    chart.y_axis.majorGridlines = None
    chart.y_axis.number_format = "0"
    chart.width = spec.width_cm
    chart.height = spec.height_cm
    ws.add_chart(chart, spec.anchor)


def _print_setup(ws, ps: PrintSetup) -> None:
    ws.page_setup.paperSize = _PAPER.get(ps.paper.upper(), 9)
    ws.page_setup.orientation = "landscape" if ps.orientation == "landscape" else "portrait"
    m = ws.page_margins
    m.top = ps.margin_top_mm / _MM_PER_INCH
    m.bottom = ps.margin_bottom_mm / _MM_PER_INCH
    m.left = ps.margin_left_mm / _MM_PER_INCH
    m.right = ps.margin_right_mm / _MM_PER_INCH
    m.header = min(0.3, m.top / 2)
    m.footer = min(0.3, m.bottom / 2)
    if ps.fit_width:
        if ws.sheet_properties.pageSetUpPr is None:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties()
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    if ps.print_area:
        ws.print_area = ps.print_area
    if ps.title_rows:
        ws.print_title_rows = ps.title_rows
    if ps.center_horizontally:
        ws.print_options.horizontalCentered = True


# --------------------------------------------------------------------------------------
def set_default_font(wb, name: str = "Times New Roman", size: float = 11) -> None:
    """Make ``name`` the workbook's default (Normal) font.

    Only the column-width unit depends on it (every output cell sets its font). Times New
    Roman 11 has Calibri 11's 7 px digit, and LibreOffice always has a metric twin of it
    (Liberation Serif), so Excel and LibreOffice lay the sheets out alike.
    """
    from openpyxl.utils.indexed_list import IndexedList

    font = Font(name=name, sz=size, family=1)
    fonts = list(wb._fonts)
    if fonts:
        fonts[0] = font
    else:
        fonts = [font]
    wb._fonts = IndexedList(fonts)
    for ns in wb._named_styles:
        if ns.name == "Normal":
            ns.font = font


def render_to_file(plan: WritePlan, path: str | os.PathLike) -> Path:
    """Write a NEW workbook holding only the plan's sheets to ``path`` (atomically)."""
    path = Path(path)
    wb = Workbook()
    set_default_font(wb)
    default = wb.active
    render_plan(plan, wb)
    if len(wb._sheets) > 1 or plan.sheets:
        if default in wb._sheets and len(wb._sheets) > 1:
            wb.remove(default)
    _select(wb, plan.select)
    from .atomic import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as tmp:
        wb.save(tmp)
    return path
