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

import zipfile
from pathlib import Path

from .grid import col_letter, parse_a1, parse_range
from .parts import write_member
from .plan import ChartSpec, WritePlan, quote_sheet
from .sheet_xml import NS_MAIN, NS_R, SheetXml, _Styles, _attr, _text

NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_EMU_PER_CM = 360000


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
class Donor:
    """The plan as a package in memory: ``parts`` (zip name → bytes) but the worksheets,
    which ``sheets`` (zip name → :class:`SheetXml`) stream on demand, with the style ids of
    the workbook they go into (``io.package`` grafts them so); ``order``: the zip's order."""

    def __init__(self, parts: dict[str, bytes], sheets: dict[str, SheetXml],
                 order: list[str]) -> None:
        self.parts, self.sheets, self.order = parts, sheets, order


def render_donor(plan: WritePlan) -> Donor:
    """The plan's sheets as a package: every cell's style known before a sheet is written."""
    styles = _Styles()
    sheets = plan.sheets
    names = [s.name for s in sheets]
    select = next((i for i, n in enumerate(names)
                   if plan.select and n.casefold() == plan.select.casefold()), 0)
    parts: dict[str, str] = {}
    prepared: dict[str, SheetXml] = {}
    ct = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/>', '<Default Extension="xml" ContentType="application/xml"/>',
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sheet.main+xml"/>',
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.styles+xml"/>']
    wb_rels = []
    defined = []
    chart_no = 0
    for i, sp in enumerate(sheets, 1):
        has_drawing = bool(sp.charts)
        prepared[f"xl/worksheets/sheet{i}.xml"] = SheetXml(sp, styles, i - 1 == select,
                                                          has_drawing)
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
    parts["xl/styles.xml"] = styles.xml()  # every cell's style registered by now
    head = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    order = head + list(prepared) + ["xl/styles.xml"] + sorted(
        n for n in parts if n not in head and n != "xl/styles.xml")
    return Donor({n: t.encode("utf-8") for n, t in parts.items()}, prepared, order)


def write_donor(plan: WritePlan, path: str | Path) -> Path:
    """Write the plan's sheets as a new .xlsx package at ``path`` (not atomic: the caller
    writes it to a temporary name)."""
    path = Path(path)
    donor = render_donor(plan)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name in donor.order:
            if name in donor.sheets:
                write_member(z, name, donor.sheets[name].chunks())
            else:
                z.writestr(name, donor.parts[name])
    return path
