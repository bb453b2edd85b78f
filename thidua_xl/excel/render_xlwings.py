"""Write a :class:`~thidua_xl.io.plan.WritePlan` into a live xlwings Book.

The counterpart of ``io.render_openpyxl`` for the ribbon: the same plan gives the same
sheets. Values go in bulk (one 2D block per sheet), styles per rectangle of equal style,
then merges, widths, heights, links, freeze panes, autofilter, data validation, print setup
and charts. Everything
that an engine may lack (the remote engine of xlwings Server/Lite has no charts, no page
setup beyond the print area, no tab colours) is guarded: a missing feature is skipped,
never an error.

Text is always written as text: a string that Excel would turn into a formula (``=``,
``+``, ``-``, ``@``), a number, a date or a boolean gets an apostrophe prefix, which Excel
hides and keeps the cell as text.
"""
from __future__ import annotations

import logging
import re
from collections import defaultdict

from ..io.grid import col_letter, parse_range
from ..io.plan import (FORMULA_PREFIXES, CellSpec, ChartSpec, PrintSetup, SheetPlan, Style,
                       Validation, WritePlan)

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

log = logging.getLogger("thidua_xl")

_COERCED = re.compile(
    r"^\s*([-+]?[\d.,\s]+%?|[-+]?\d+([./-]\d+){1,2}|\d{1,2}:\d{2}(:\d{2})?|true|false|"
    r"đúng|sai|#.*)\s*$", re.IGNORECASE)


def as_text(value: Any) -> Any:
    """The value to send to Excel so that text stays text (see module docstring)."""
    if not isinstance(value, str) or value == "":
        return value
    if value[0] in "=+-@'" or _COERCED.match(value):
        return "'" + value
    return value


def _hex(color: str | None) -> str | None:
    if not color:
        return None
    c = color.lstrip("#")
    if len(c) == 8:  # ARGB
        c = c[2:]
    return "#" + c.upper()


def _try(what: str, fn, *args, **kwargs) -> bool:
    try:
        fn(*args, **kwargs)
        return True
    except Exception as e:  # noqa: BLE001 - engine lacks the feature: skip it
        log.debug("render_xlwings: %s skipped: %s", what, e)
        return False


def _engine(book) -> str:
    try:
        return str(book.app.engine.name)
    except Exception:  # noqa: BLE001
        return ""


# --------------------------------------------------------------------------------------
# sheets
# --------------------------------------------------------------------------------------
def _norm(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", name).strip().casefold()


def delete_sheets(book, names) -> None:
    wanted = {_norm(n) for n in names}
    for sheet in list(book.sheets):
        if _norm(sheet.name) in wanted:
            if len(book.sheets) <= 1:  # Excel keeps at least one sheet: empty it instead
                _try("clear last sheet", sheet.clear)
                continue
            sheet.delete()


def _add_sheet(book, name: str):
    last = book.sheets[len(book.sheets) - 1]
    return book.sheets.add(name=name, after=last)


# --------------------------------------------------------------------------------------
# values and styles
# --------------------------------------------------------------------------------------
def _effective(cells: list[CellSpec]) -> dict[tuple[int, int], CellSpec]:
    """The last spec of each cell wins (as in ``SheetPlan.value_at``)."""
    out: dict[tuple[int, int], CellSpec] = {}
    for c in cells:
        out[(c.row, c.col)] = c
    return out


def _write_values(sheet, cells: dict[tuple[int, int], CellSpec]) -> None:
    if not cells:
        return
    r1 = min(r for r, _ in cells)
    r2 = max(r for r, _ in cells)
    c1 = min(c for _, c in cells)
    c2 = max(c for _, c in cells)
    block = [[None] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
    for (r, c), spec in cells.items():
        block[r - r1][c - c1] = as_text(spec.value)
    sheet.range((r1, c1), (r2, c2)).value = block


def _rectangles(cells: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover ``cells`` with rectangles: runs along rows, then equal runs stacked."""
    runs_by_row: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for r, c in sorted(set(cells)):
        runs = runs_by_row[r]
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    rects: list[list[int]] = []
    open_: dict[tuple[int, int], list[int]] = {}
    for r in sorted(runs_by_row):
        nxt: dict[tuple[int, int], list[int]] = {}
        for run in runs_by_row[r]:
            rect = open_.get(run)
            if rect is not None and rect[2] == r - 1:
                rect[2] = r
            else:
                rect = [r, run[0], r, run[1]]
                rects.append(rect)
            nxt[run] = rect
        open_ = nxt
    return [tuple(x) for x in rects]  # type: ignore[misc]


_H = {"left": "left", "center": "center", "right": "right"}
_V = {"top": "top", "center": "center", "bottom": "bottom"}


def _apply_style(rng, st: Style) -> None:
    font = rng.font
    if st.font_name:
        _try("font name", setattr, font, "name", st.font_name)
    if st.font_size:
        _try("font size", setattr, font, "size", st.font_size)
    if st.bold:
        _try("bold", setattr, font, "bold", True)
    if st.italic:
        _try("italic", setattr, font, "italic", True)
    if st.underline:
        if not _try("underline", setattr, font, "underline", True):
            _try("underline api", lambda: setattr(rng.api.Font, "Underline", 2))
    if st.color:
        _try("font colour", setattr, font, "color", _hex(st.color))
    if st.fill:
        _try("fill", setattr, rng, "color", _hex(st.fill))
    if st.h_align in _H:
        _try("h align", setattr, rng, "horizontal_alignment", _H[st.h_align])
    if st.v_align in _V:
        _try("v align", setattr, rng, "vertical_alignment", _V[st.v_align])
    if st.wrap:
        _try("wrap", setattr, rng, "wrap_text", True)
    if st.number_format:
        _try("number format", setattr, rng, "number_format", st.number_format)
    if st.border:
        _try("borders", _borders, rng, st.border_color)
    if st.indent:  # no indent in xlwings' API: the desktop object model only
        _try("indent", lambda: setattr(rng.api, "IndentLevel", int(st.indent)))


def _borders(rng, color: str | None = None) -> None:
    borders = rng.borders
    borders.line_style = "continuous"
    for attr, value in (("weight", "thin"), ("color", _hex(color) if color else None)):
        if value is not None:
            _try("border " + attr, setattr, borders, attr, value)


def _write_styles(sheet, cells: dict[tuple[int, int], CellSpec]) -> None:
    by_style: dict[Style, list[tuple[int, int]]] = defaultdict(list)
    for key, spec in cells.items():
        if spec.style is not None and spec.style != Style():
            by_style[spec.style].append(key)
    for st, keys in by_style.items():
        for r1, c1, r2, c2 in _rectangles(keys):
            _apply_style(sheet.range((r1, c1), (r2, c2)), st)


def _link_address(ref: str) -> tuple[str, str]:
    """"Kiểm tra!B3" / "'Chấm điểm'!F12" → ("'Chấm điểm'", "F12")."""
    sheet, _, cell = ref.rpartition("!")
    sheet = sheet.strip("'")
    return f"'{sheet}'" if sheet else "", cell or "A1"


def _write_links(sheet, cells: dict[tuple[int, int], CellSpec], engine: str) -> None:
    for (r, c), spec in cells.items():
        if not spec.link:
            continue
        sh, cell = _link_address(spec.link)
        sub = f"{sh}!{cell}" if sh else cell
        text = "" if spec.value is None else str(spec.value)
        rng = sheet.range((r, c))
        if engine == "excel":  # COM/AppleScript: a real internal link (SubAddress)
            if _try("hyperlink (api)", lambda: rng.api.Hyperlinks.Add(
                    Anchor=rng.api, Address="", SubAddress=sub, TextToDisplay=text)):
                continue
        _try("hyperlink", rng.add_hyperlink, "#" + sub, text or sub)
        plain = isinstance(spec.value, str) and text and not text.startswith(FORMULA_PREFIXES)
        if spec.value is not None and not plain:
            # add_hyperlink writes its display text as the value: restore any other value
            # (a link whose text is its value, as every "Ô nguồn", needs no second write)
            _try("hyperlink text", setattr, rng, "value", as_text(spec.value))


def _conditional(sheet, sp: SheetPlan, cells: dict[tuple[int, int], CellSpec]) -> None:
    """ConditionalFill as static fills of the cells that match now (engine independent)."""
    for cf in sp.conditional:
        try:
            r1, c1, r2, c2 = parse_range(cf.range)
        except Exception:  # noqa: BLE001
            continue
        hits = [(r, c) for (r, c), spec in cells.items()
                if r1 <= r <= r2 and c1 <= c <= c2 and spec.value == cf.equals]
        for a, b, d, e in _rectangles(hits):
            rng = sheet.range((a, b), (d, e))
            _try("conditional fill", setattr, rng, "color", _hex(cf.fill))
            if cf.color:
                _try("conditional colour", setattr, rng.font, "color", _hex(cf.color))


# --------------------------------------------------------------------------------------
# layout, print, charts
# --------------------------------------------------------------------------------------
def _layout(sheet, sp: SheetPlan) -> None:
    for ref in sp.merges:
        _try("merge " + ref, lambda ref=ref: sheet.range(ref).merge())
    for col, width in sorted(sp.col_widths.items()):
        letter = col_letter(col)
        _try("column width", setattr, sheet.range(f"{letter}:{letter}"), "column_width", width)
    for row, height in sorted(sp.row_heights.items()):
        _try("row height", setattr, sheet.range(f"{row}:{row}"), "row_height", height)
    if not sp.show_gridlines:
        _try("gridlines", setattr, sheet, "show_gridlines", False)
    if sp.tab_color:
        if not _try("tab colour", setattr, sheet, "tab_color", _hex(sp.tab_color)):
            _try("tab colour (api)", lambda: setattr(
                sheet.api.Tab, "Color", _bgr(sp.tab_color)))
    if sp.freeze:
        _try("freeze panes", lambda: sheet.freeze_panes.freeze_at(sp.freeze))
    if sp.autofilter:
        # xlwings' AutoFilter applies criteria but has no call that only shows the filter
        # buttons; the desktop object model's Range.AutoFilter() does (remote: skipped)
        _try("autofilter", lambda: sheet.range(sp.autofilter).api.AutoFilter())


#: plan operator → xlwings' DataValidation operator
_DV_OPERATORS = {"between": "between", "notBetween": "not_between", "equal": "equal_to",
                 "notEqual": "not_equal_to", "greaterThan": "greater_than",
                 "lessThan": "less_than", "greaterThanOrEqual": "greater_than_or_equal",
                 "lessThanOrEqual": "less_than_or_equal"}
#: Excel's XlDVType / XlDVAlertStyle (the desktop object model)
_XL_DV_TYPES = {"any": 0, "whole": 1, "decimal": 2, "list": 3}
_XL_ALERT = {"stop": 1, "warning": 2, "information": 3}


def _validations(sheet, validations: list[Validation], engine: str) -> None:
    """The rules through xlwings' ``Range.data_validation`` (desktop and Office.js); the
    prompt, error texts, error style and blank handling through the desktop object model
    only — xlwings sets rules but has no setter for them, so on the remote engine (xlwings
    Server/Lite) the drop-downs and limits are there without the Vietnamese messages; an
    "any" rule (a prompt only) needs the object model too."""
    for v in validations:
        for ref in v.ranges:
            rng = sheet.range(ref)
            if v.kind != "any":
                _try("data validation " + ref, _rule, sheet, rng, v)
            if engine == "excel":
                _try("data validation texts " + ref, _validation_texts, rng, v)


def _rule(sheet, rng, v: Validation) -> None:
    dv = rng.data_validation
    if v.kind == "list":
        if v.source:
            where, _, cells = v.source.rpartition("!")
            src = sheet.book.sheets[where.strip("'").replace("''", "'")].range(
                cells.replace("$", "")) if where else sheet.range(cells.replace("$", ""))
            dv.set_list(src)
        else:
            dv.set_list(list(v.choices))
        return
    setter = dv.set_whole_number if v.kind == "whole" else dv.set_decimal
    setter(_DV_OPERATORS[v.operator or "between"], v.formula1, v.formula2)


def _validation_texts(rng, v: Validation) -> None:
    api = rng.api.Validation
    if v.kind == "any":
        api.Delete()
        api.Add(Type=_XL_DV_TYPES["any"])
    api.AlertStyle = _XL_ALERT.get(v.error_style, 1)
    api.IgnoreBlank = bool(v.allow_blank)
    api.ShowError = v.show_error
    api.ShowInput = v.show_prompt
    api.ErrorTitle = v.error_title or ""
    api.ErrorMessage = v.error or ""
    api.InputTitle = v.prompt_title or ""
    api.InputMessage = v.prompt or ""


def _bgr(color: str) -> int:
    c = (_hex(color) or "#000000")[1:]
    r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    return r + (g << 8) + (b << 16)


_MM_TO_PT = 72.0 / 25.4


def _print_setup(sheet, ps: PrintSetup | None, engine: str) -> None:
    if ps is None:
        return
    if ps.print_area:
        _try("print area", setattr, sheet.page_setup, "print_area", ps.print_area)
    if engine != "excel":
        return  # the rest needs the desktop object model

    def _com() -> None:
        pg = sheet.api.PageSetup
        pg.Orientation = 2 if ps.orientation == "landscape" else 1
        pg.PaperSize = 9 if ps.paper.upper() == "A4" else pg.PaperSize  # xlPaperA4
        pg.TopMargin = ps.margin_top_mm * _MM_TO_PT
        pg.BottomMargin = ps.margin_bottom_mm * _MM_TO_PT
        pg.LeftMargin = ps.margin_left_mm * _MM_TO_PT
        pg.RightMargin = ps.margin_right_mm * _MM_TO_PT
        if ps.fit_width:
            pg.Zoom = False
            pg.FitToPagesWide = 1
            pg.FitToPagesTall = False
        if ps.title_rows:
            a, _, b = ps.title_rows.partition(":")
            pg.PrintTitleRows = f"${a}:${b or a}"
        pg.CenterHorizontally = bool(ps.center_horizontally)

    _try("page setup", _com)


def _page_breaks(sheet, rows: list[int], engine: str) -> None:
    """A new page after each row (keeps the signature block on one page when printed)."""
    if not rows or engine != "excel":
        return
    for r in rows:
        _try("page break", lambda r=r: sheet.api.HPageBreaks.Add(
            Before=sheet.range((r + 1, 1)).api))


def _autofilter(sheet, ref: str | None, engine: str) -> None:
    """The filter buttons on a header row (the desktop object model only)."""
    if ref and engine == "excel":
        _try("autofilter", lambda: sheet.range(ref).api.AutoFilter(1))


_CM_TO_PT = 72.0 / 2.54


def _charts(sheet, charts: list[ChartSpec]) -> None:
    for ch in charts:
        def _add(ch=ch) -> None:
            r1, c1, r2, c2 = parse_range(ch.categories)
            v1, w1, v2, w2 = parse_range(ch.values)
            source = sheet.range((min(r1, v1), min(c1, w1)), (max(r2, v2), max(c2, w2)))
            kind = "bar_clustered" if ch.kind == "bar" else "column_clustered"
            chart = sheet.charts.add(width=ch.width_cm * _CM_TO_PT,
                                     height=ch.height_cm * _CM_TO_PT, chart_type=kind,
                                     source=source, anchor=sheet.range(ch.anchor))
            if ch.title:
                try:
                    chart.api[1].HasTitle = True
                    chart.api[1].ChartTitle.Text = ch.title
                except Exception:  # noqa: BLE001 - no chart title on this engine
                    pass

        _try("chart", _add)


# --------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------
def render_sheet(book, sp: SheetPlan, engine: str | None = None):
    engine = _engine(book) if engine is None else engine
    sheet = _add_sheet(book, sp.name)
    cells = _effective(sp.all_cells())
    _write_values(sheet, cells)
    _write_styles(sheet, cells)
    _conditional(sheet, sp, cells)
    _layout(sheet, sp)
    _validations(sheet, sp.validations, engine)
    _write_links(sheet, cells, engine)
    _print_setup(sheet, sp.print_setup, engine)
    _page_breaks(sheet, getattr(sp, "page_breaks", []), engine)
    _autofilter(sheet, sp.autofilter, engine)
    _charts(sheet, sp.charts)
    return sheet


def render_plan(plan: WritePlan, book) -> list[str]:
    """Write ``plan`` into ``book``; returns the names of the sheets written."""
    engine = _engine(book)
    app = None
    try:
        app = book.app
    except Exception:  # noqa: BLE001
        pass
    alerts = None
    if app is not None:
        try:
            alerts = app.display_alerts
            app.display_alerts = False  # no "merge keeps the upper-left value" prompts
        except Exception:  # noqa: BLE001
            alerts = None
    try:
        delete_sheets(book, list(plan.replace) + [s.name for s in plan.sheets])
        written = [render_sheet(book, sp, engine).name for sp in plan.sheets]
        target = plan.select or (written[0] if written else None)
        if target:
            for sheet in book.sheets:
                if sheet.name == target:
                    _try("activate", sheet.activate)
                    break
        return written
    finally:
        if app is not None and alerts is not None:
            _try("display alerts", setattr, app, "display_alerts", alerts)
