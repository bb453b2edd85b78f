"""Write a :class:`~thidua_xl.io.plan.WritePlan` as a small SpreadsheetML package directly.

This is the donor that ``io.package.graft_sheets`` grafts into a copy of the user's
workbook. It renders exactly what ``io.render_openpyxl`` renders (values, fonts, fills,
borders, alignment, number formats, quote prefixes, merges, widths, heights, frozen panes,
gridlines, tab colours, internal hyperlinks, conditional fills, data validation, autofilter,
page setup, print area and titles, page breaks, bar charts) without importing openpyxl:
on the command line, importing openpyxl alone costs more than scoring a bloc. Sheets are
streamed into the zip, so a big table (the province summary) never sits in memory as
one string. ``io.writer`` falls back to the openpyxl
renderer if anything here fails; tests compare the two renderers through openpyxl.
"""
from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from .grid import a1, col_letter, parse_a1, parse_range
from .plan import (FORMULA_PREFIXES, MM_PER_INCH, PAPER_SIZES, ChartSpec, PrintSetup,
                   SheetPlan, Style, Validation, WritePlan, argb, internal_location,
                   quote_sheet)

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                    "0.00%": 10}
_EMU_PER_CM = 360000
_DEFAULT_FONT = ("Times New Roman", 11.0)


@lru_cache(maxsize=16384)
def _text(value: str) -> str:
    """Element text, escaped (xml.sax.saxutils would import urllib.request and http);
    cached: names, labels and criteria repeat on every row of a table."""
    return (_ILLEGAL.sub("", value).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _attr(value: str) -> str:
    """A quoted attribute value."""
    return '"' + _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace(
        "\r", "&#13;").replace("\t", "&#9;") + '"'


def _num(x: float) -> str:
    """A number as SpreadsheetML writes it (integers without ".0")."""
    if isinstance(x, bool):
        return "1" if x else "0"
    f = float(x)
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)


# --------------------------------------------------------------------------------------
# styles
# --------------------------------------------------------------------------------------
class _Styles:
    def __init__(self) -> None:
        self.fonts: list[str] = [self._font_xml(Style(font_name=_DEFAULT_FONT[0],
                                                      font_size=_DEFAULT_FONT[1]), default=True)]
        self.fills: list[str] = ['<fill><patternFill patternType="none"/></fill>',
                                 '<fill><patternFill patternType="gray125"/></fill>']
        self.borders: list[str] = ["<border><left/><right/><top/><bottom/><diagonal/></border>"]
        self.numfmts: dict[str, int] = {}
        self.xfs: list[str] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self.dxfs: list[str] = []
        self._xf_index: dict[tuple[Style | None, bool], int] = {(None, False): 0}
        self._index: dict[tuple[str, str], int] = {}

    @staticmethod
    def _font_xml(st: Style, default: bool = False) -> str:
        parts = []
        if st.bold:
            parts.append("<b/>")
        if st.italic:
            parts.append("<i/>")
        if st.underline:
            parts.append('<u val="single"/>')
        parts.append(f'<sz val="{_num(st.font_size or 11)}"/>')
        if st.color:
            parts.append(f'<color rgb="{argb(st.color)}"/>')
        name = st.font_name or "Calibri"
        parts.append(f"<name val={_attr(name)}/>")
        if default or name == "Times New Roman":
            parts.append('<family val="1"/>')
        return "<font>" + "".join(parts) + "</font>"

    def _add(self, kind: str, xml: str, table: list[str]) -> int:
        key = (kind, xml)
        if key not in self._index:
            table.append(xml)
            self._index[key] = len(table) - 1
        return self._index[key]

    def numfmt(self, code: str | None) -> int:
        if not code:
            return 0
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        if code not in self.numfmts:
            self.numfmts[code] = 164 + len(self.numfmts)
        return self.numfmts[code]

    def xf(self, st: Style | None, quote: bool) -> int:
        key = (st, quote)
        hit = self._xf_index.get(key)
        if hit is not None:
            return hit
        st = st or Style()
        font = self._add("font", self._font_xml(st), self.fonts) if key[0] is not None else 0
        fill = 0
        if st.fill:
            c = argb(st.fill)
            fill = self._add("fill", f'<fill><patternFill patternType="solid"><fgColor rgb="{c}"/>'
                                     f'<bgColor rgb="{c}"/></patternFill></fill>', self.fills)
        border = 0
        if st.border:
            side = ('<{0} style="thin"><color rgb="' + argb(st.border_color or "000000")
                    + '"/></{0}>')
            border = self._add("border", "<border>" + "".join(
                side.format(s) for s in ("left", "right", "top", "bottom")) + "<diagonal/></border>",
                self.borders)
        fmt = self.numfmt(st.number_format)
        attrs = [f'numFmtId="{fmt}"', f'fontId="{font}"', f'fillId="{fill}"',
                 f'borderId="{border}"', 'xfId="0"']
        if font:
            attrs.append('applyFont="1"')
        if fill:
            attrs.append('applyFill="1"')
        if border:
            attrs.append('applyBorder="1"')
        if fmt:
            attrs.append('applyNumberFormat="1"')
        if quote:
            attrs.append('quotePrefix="1"')
        align = []
        if st.h_align:
            align.append(f'horizontal="{st.h_align}"')
        if st.v_align:
            align.append(f'vertical="{st.v_align}"')
        if st.wrap:
            align.append('wrapText="1"')
        if st.indent:
            align.append(f'indent="{int(st.indent)}"')
        if key[0] is not None:
            attrs.append('applyAlignment="1"')
        body = f"<alignment {' '.join(align)}/>" if align else ""
        self.xfs.append(f"<xf {' '.join(attrs)}>{body}</xf>" if body else f"<xf {' '.join(attrs)}/>")
        self._xf_index[key] = len(self.xfs) - 1
        return len(self.xfs) - 1

    def dxf(self, fill: str, color: str | None) -> int:
        c = argb(fill)
        font = f'<font><color rgb="{argb(color)}"/></font>' if color else ""
        self.dxfs.append(f'<dxf>{font}<fill><patternFill patternType="solid"><fgColor rgb="{c}"/>'
                         f'<bgColor rgb="{c}"/></patternFill></fill></dxf>')
        return len(self.dxfs) - 1

    def xml(self) -> str:
        out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{NS_MAIN}">']
        if self.numfmts:
            out.append(f'<numFmts count="{len(self.numfmts)}">' + "".join(
                f'<numFmt numFmtId="{i}" formatCode={_attr(code)}/>'
                for code, i in self.numfmts.items()) + "</numFmts>")
        for tag, table in (("fonts", self.fonts), ("fills", self.fills),
                           ("borders", self.borders)):
            out.append(f'<{tag} count="{len(table)}">' + "".join(table) + f"</{tag}>")
        out.append('<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                   'borderId="0"/></cellStyleXfs>')
        out.append(f'<cellXfs count="{len(self.xfs)}">' + "".join(self.xfs) + "</cellXfs>")
        out.append('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                   "</cellStyles>")
        out.append(f'<dxfs count="{len(self.dxfs)}">' + "".join(self.dxfs) + "</dxfs>")
        out.append("</styleSheet>")
        return "".join(out)


# --------------------------------------------------------------------------------------
# one sheet
# --------------------------------------------------------------------------------------
def _sheet_chunks(sp: SheetPlan, styles: _Styles, selected: bool, has_drawing: bool):
    """The sheet's XML in pieces (written to the zip as they come: a big table is never one
    string in memory). Registers the cells' styles in ``styles`` on the way."""
    cells: dict[tuple[int, int], Any] = {}
    for spec in sp.cells:  # the last write to a cell wins, as in openpyxl
        cells[(spec.row, spec.col)] = spec
    yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">')
    pr = []
    if sp.tab_color:
        pr.append(f'<tabColor rgb="{argb(sp.tab_color)}"/>')
    if sp.print_setup is not None and sp.print_setup.fit_width:
        pr.append('<pageSetUpPr fitToPage="1"/>')
    yield ("<sheetPr>" + "".join(pr) + "</sheetPr>" if pr else "")
    view = ['workbookViewId="0"']
    if not sp.show_gridlines:
        view.append('showGridLines="0"')
    if selected:
        view.append('tabSelected="1"')
    pane = ""
    if sp.freeze and sp.freeze.upper() != "A1":
        r, c = parse_a1(sp.freeze)
        xs, ys = c - 1, r - 1
        active = ("bottomRight" if xs and ys else "bottomLeft" if ys else "topRight")
        split = (f' xSplit="{xs}"' if xs else "") + (f' ySplit="{ys}"' if ys else "")
        pane = (f'<pane{split} topLeftCell="{sp.freeze.upper()}" activePane="{active}" '
                f'state="frozen"/><selection pane="{active}" activeCell="{sp.freeze.upper()}" '
                f'sqref="{sp.freeze.upper()}"/>')
    yield (f"<sheetViews><sheetView {' '.join(view)}>{pane}</sheetView></sheetViews>")
    yield ('<sheetFormatPr defaultRowHeight="15"/>')
    if sp.col_widths:
        yield ("<cols>" + "".join(
            f'<col min="{c}" max="{c}" width="{_num(w)}" customWidth="1"/>'
            for c, w in sorted(sp.col_widths.items())) + "</cols>")
    rows: dict[int, list[tuple[int, Any]]] = {}
    for (r, c), spec in cells.items():
        rows.setdefault(r, []).append((c, spec))
    for r in sp.row_heights:
        rows.setdefault(r, [])
    yield ("<sheetData>")
    links = []
    xf_seen: dict[tuple[int, bool], int] = {}  # id(style) → xf, while sp holds the styles
    letters: dict[int, str] = {}  # column → "AB", once per column
    for r in sorted(rows):
        ht = sp.row_heights.get(r)
        attrs = f' ht="{_num(ht)}" customHeight="1"' if ht is not None else ""
        out = [f'<row r="{r}"{attrs}>']  # one chunk per row, not per cell
        put = out.append
        for c, spec in sorted(rows[r], key=lambda x: x[0]):
            col = letters.get(c)
            if col is None:
                col = letters[c] = col_letter(c)
            ref = f"{col}{r}"
            v = spec.value
            quote = isinstance(v, str) and v.startswith(FORMULA_PREFIXES)
            st = spec.style
            if st is None and not quote:
                s = 0
            else:  # one Style object is shared by a whole column: look it up once
                s = xf_seen.get((id(st), quote))
                if s is None:
                    s = xf_seen[(id(st), quote)] = styles.xf(st, quote)
            sattr = f' s="{s}"' if s else ""
            if v is None or (isinstance(v, str) and v == ""):
                put(f'<c r="{ref}"{sattr}/>')
            elif isinstance(v, bool):
                put(f'<c r="{ref}"{sattr} t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                put(f'<c r="{ref}"{sattr}><v>{_num(v)}</v></c>')
            else:
                put(f'<c r="{ref}"{sattr} t="inlineStr"><is><t xml:space="preserve">'
                    f"{_text(str(v))}</t></is></c>")
            if spec.link:
                loc = internal_location(spec.link)
                if loc is not None:
                    links.append(f'<hyperlink ref="{ref}" location={_attr(loc)} '
                                 f'display={_attr(str(v or ""))}/>')
        put("</row>")
        yield "".join(out)
    yield ("</sheetData>")
    if sp.autofilter:
        yield (f'<autoFilter ref="{sp.autofilter.upper()}"/>')
    if sp.merges:
        yield (f'<mergeCells count="{len(sp.merges)}">' + "".join(
            f'<mergeCell ref="{m}"/>' for m in sp.merges) + "</mergeCells>")
    for prio, cf in enumerate(sp.conditional, 1):
        r1, c1, _, _ = parse_range(cf.range)
        dxf = styles.dxf(cf.fill, cf.color)
        text = cf.equals.replace('"', '""')
        yield (f'<conditionalFormatting sqref="{cf.range}"><cfRule type="expression" '
                   f'dxfId="{dxf}" priority="{prio}"><formula>'
                   f'{_text(f"EXACT({a1(r1, c1)},{chr(34)}{text}{chr(34)})")}</formula>'
                   "</cfRule></conditionalFormatting>")
    rules = [v for v in sp.validations if v.ranges]  # a rule on no cell is dropped (openpyxl too)
    if rules:
        yield (f'<dataValidations count="{len(rules)}">' + "".join(
            _validation_xml(v) for v in rules) + "</dataValidations>")
    if links:
        yield ("<hyperlinks>" + "".join(links) + "</hyperlinks>")
    yield (_print_xml(sp.print_setup))
    if sp.page_breaks:
        brks = sorted(set(sp.page_breaks))
        yield (f'<rowBreaks count="{len(brks)}" manualBreakCount="{len(brks)}">' + "".join(
            f'<brk id="{b}" max="16383" man="1"/>' for b in brks) + "</rowBreaks>")
    if has_drawing:
        yield ('<drawing r:id="rId1"/>')
    yield ("</worksheet>")


def _validation_xml(v: Validation) -> str:
    attrs = [] if v.kind == "any" else [f'type="{v.kind}"']
    if v.error_style != "stop":
        attrs.append(f'errorStyle="{v.error_style}"')
    if v.operator:
        attrs.append(f'operator="{v.operator}"')
    flags = (("allowBlank", v.allow_blank), ("showInputMessage", v.show_prompt),
             ("showErrorMessage", v.show_error))
    attrs += [f'{name}="1"' for name, on in flags if on]
    for name, text in (("errorTitle", v.error_title), ("error", v.error),
                       ("promptTitle", v.prompt_title), ("prompt", v.prompt)):
        if text is not None:
            attrs.append(f"{name}={_attr(text)}")
    attrs.append(f'sqref="{v.sqref}"')
    body = "".join(f"<{tag}>{_text(f)}</{tag}>" for tag, f in
                   (("formula1", v.list_formula or v.formula1), ("formula2", v.formula2)) if f)
    return f"<dataValidation {' '.join(attrs)}>{body}</dataValidation>"


def _print_xml(ps: PrintSetup | None) -> str:
    if ps is None:
        return ('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
                'footer="0.5"/>')
    out = ['<printOptions horizontalCentered="1"/>' if ps.center_horizontally else ""]
    top, bottom = ps.margin_top_mm / MM_PER_INCH, ps.margin_bottom_mm / MM_PER_INCH
    out.append(f'<pageMargins left="{_num(ps.margin_left_mm / MM_PER_INCH)}" '
               f'right="{_num(ps.margin_right_mm / MM_PER_INCH)}" top="{_num(top)}" '
               f'bottom="{_num(bottom)}" header="{_num(min(0.3, top / 2))}" '
               f'footer="{_num(min(0.3, bottom / 2))}"/>')
    setup = [f'paperSize="{PAPER_SIZES.get(ps.paper.upper(), 9)}"',
             f'orientation="{"landscape" if ps.orientation == "landscape" else "portrait"}"']
    if ps.fit_width:
        setup += ['fitToWidth="1"', 'fitToHeight="0"']
    out.append(f"<pageSetup {' '.join(setup)}/>")
    return "".join(out)


# --------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------
def _abs_range(sheet: str, ref: str) -> str:
    r1, c1, r2, c2 = parse_range(ref)
    return f"{quote_sheet(sheet)}!${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"


def _chart_xml(sheet: str, ch: ChartSpec) -> str:
    title = ""
    if ch.title:
        title = ('<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>'
                 f"{_text(ch.title)}</a:t></a:r></a:p></c:rich></c:tx>"
                 '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>')
    tx = ""
    if ch.series_title:
        tx = f"<c:tx><c:v>{_text(ch.series_title)}</c:v></c:tx>"
    cat = ""
    if ch.categories:
        cat = f"<c:cat><c:strRef><c:f>{_text(_abs_range(sheet, ch.categories))}</c:f></c:strRef></c:cat>"
    bar_dir = "bar" if ch.kind == "bar" else "col"
    orient = "maxMin" if ch.kind == "bar" else "minMax"
    crosses = "max" if ch.kind == "bar" else "autoZero"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{NS_R}"><c:roundedCorners val="0"/><c:chart>{title}<c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="{bar_dir}"/><c:grouping val="clustered"/>'
        '<c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/>'
        f'{tx}<c:spPr><a:solidFill><a:srgbClr val="2E75B6"/></a:solidFill><a:ln>'
        '<a:solidFill><a:srgbClr val="2E75B6"/></a:solidFill></a:ln></c:spPr>'
        '<c:invertIfNegative val="0"/>'
        f"{cat}<c:val><c:numRef><c:f>{_text(_abs_range(sheet, ch.values))}</c:f></c:numRef>"
        '</c:val></c:ser><c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/>'
        '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/>'
        '<c:showBubbleSize val="0"/></c:dLbls><c:gapWidth val="150"/>'
        '<c:axId val="10"/><c:axId val="100"/></c:barChart>'
        f'<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="{orient}"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="1"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="100"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="100"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="0" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'<c:crossAx val="10"/><c:crosses val="{crosses}"/><c:crossBetween val="between"/>'
        '</c:valAx></c:plotArea><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        "</c:chartSpace>")


def _drawing_xml(charts: list[ChartSpec]) -> str:
    anchors = []
    for i, ch in enumerate(charts, 1):
        r, c = parse_a1(ch.anchor)
        anchors.append(
            f'<xdr:oneCellAnchor><xdr:from><xdr:col>{c - 1}</xdr:col><xdr:colOff>0</xdr:colOff>'
            f"<xdr:row>{r - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{int(ch.width_cm * _EMU_PER_CM)}" cy="{int(ch.height_cm * _EMU_PER_CM)}"/>'
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 1}" '
            f'name="Biểu đồ {i}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            f'r:id="rId{i}"/></a:graphicData></a:graphic></xdr:graphicFrame>'
            "<xdr:clientData/></xdr:oneCellAnchor>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
            'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            f'xmlns:r="{NS_R}">' + "".join(anchors) + "</xdr:wsDr>")


def _rels(items: list[tuple[str, str, str]]) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{NS_PKG}">' + "".join(
                f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>'
                for i, t, target in items) + "</Relationships>")


# --------------------------------------------------------------------------------------
# the package
# --------------------------------------------------------------------------------------
def write_donor(plan: WritePlan, path: str | Path) -> Path:
    """Write the plan's sheets as a new .xlsx package at ``path`` (not atomic: a donor is a
    temporary file that the graft reads and the caller deletes)."""
    path = Path(path)
    styles = _Styles()
    sheets = plan.sheets
    names = [s.name for s in sheets]
    select = next((i for i, n in enumerate(names)
                   if plan.select and n.casefold() == plan.select.casefold()), 0)
    parts: dict[str, str] = {}
    ct = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/>', '<Default Extension="xml" ContentType="application/xml"/>',
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sheet.main+xml"/>',
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.styles+xml"/>']
    wb_rels = []
    defined = []
    chart_no = 0
    sheet_parts: list[tuple[str, SheetPlan, bool, bool]] = []
    for i, sp in enumerate(sheets, 1):
        has_drawing = bool(sp.charts)
        sheet_parts.append((f"xl/worksheets/sheet{i}.xml", sp, i - 1 == select, has_drawing))
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT_SHEET}"/>')
        wb_rels.append((f"rId{i}", f"{REL_DOC}/worksheet", f"worksheets/sheet{i}.xml"))
        if has_drawing:
            parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = _rels(
                [("rId1", f"{REL_DOC}/drawing", f"../drawings/drawing{i}.xml")])
            parts[f"xl/drawings/drawing{i}.xml"] = _drawing_xml(sp.charts)
            ct.append(f'<Override PartName="/xl/drawings/drawing{i}.xml" ContentType='
                      '"application/vnd.openxmlformats-officedocument.drawing+xml"/>')
            chart_rels = []
            for k, ch in enumerate(sp.charts, 1):
                chart_no += 1
                parts[f"xl/charts/chart{chart_no}.xml"] = _chart_xml(sp.name, ch)
                ct.append(f'<Override PartName="/xl/charts/chart{chart_no}.xml" ContentType='
                          '"application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>')
                chart_rels.append((f"rId{k}", f"{REL_DOC}/chart", f"../charts/chart{chart_no}.xml"))
            parts[f"xl/drawings/_rels/drawing{i}.xml.rels"] = _rels(chart_rels)
        ps = sp.print_setup
        for name, ref, hidden in (("Print_Area", ps.print_area if ps else None, ""),
                                  ("_FilterDatabase", sp.autofilter, ' hidden="1"')):
            if ref:
                defined.append(f'<definedName name="_xlnm.{name}" localSheetId="{i - 1}"'
                               f"{hidden}>{_text(_abs_range(sp.name, ref))}</definedName>")
        if ps is not None and ps.title_rows:
            a, _, b = ps.title_rows.partition(":")
            defined.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i - 1}">'
                           f"{_text(quote_sheet(sp.name))}!${a}:${b or a}</definedName>")
    wb_rels.append((f"rId{len(sheets) + 1}", f"{REL_DOC}/styles", "styles.xml"))
    sheet_entries = "".join(f"<sheet name={_attr(n)} sheetId=\"{i}\" r:id=\"rId{i}\"/>"
                            for i, n in enumerate(names, 1))
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS_MAIN}" '
        f'xmlns:r="{NS_R}"><bookViews><workbookView activeTab="{select}"/></bookViews>'
        f"<sheets>{sheet_entries}</sheets>"
        + (f"<definedNames>{''.join(defined)}</definedNames>" if defined else "")
        + "</workbook>")
    parts["xl/_rels/workbook.xml.rels"] = _rels(wb_rels)
    parts["_rels/.rels"] = _rels([("rId1", f"{REL_DOC}/officeDocument", "xl/workbook.xml")])
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types">' + "".join(ct) + "</Types>")
    order = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name in order:
            z.writestr(name, parts[name].encode("utf-8"))
        for name, sp, selected, has_drawing in sheet_parts:
            with z.open(name, "w") as f:
                _stream(f, _sheet_chunks(sp, styles, selected, has_drawing))
        z.writestr("xl/styles.xml", styles.xml().encode("utf-8"))  # every cell's style known now
        for name in sorted(n for n in parts if n not in order):
            z.writestr(name, parts[name].encode("utf-8"))
    return path


def _stream(f, chunks, size: int = 1 << 16) -> None:
    """Write text chunks to a binary file in pieces of about ``size`` characters."""
    buf: list[str] = []
    n = 0
    for chunk in chunks:
        buf.append(chunk)
        n += len(chunk)
        if n >= size:
            f.write("".join(buf).encode("utf-8"))
            buf.clear()
            n = 0
    f.write("".join(buf).encode("utf-8"))
