"""One sheet of a :class:`~thidua_xl.io.plan.WritePlan` as SpreadsheetML, and the cell
styles of a package (render_xml's donor, and the sheets grafted straight into the output).

:class:`SheetXml` takes the plan sheet's rows in order and registers every cell's style in a
:class:`_Styles` (in the order the cells come, so the ids are the same however the sheet is
written); :meth:`SheetXml.chunks` then streams the sheet as bytes, its style ids mapped to
a target workbook's if given (``io.package`` grafts it so, without renumbering the bytes).
Rows put whole (``SheetPlan.put_row``, ``put_rows``) are registered and written by
:class:`~thidua_xl.io.sheet_rows.RowsXml`, rows put as columns (``put_columns``) by
:class:`~thidua_xl.io.sheet_columns.ColumnsXml`: its bases.
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import islice
from operator import itemgetter

from .grid import a1, parse_a1, parse_range
from .plan import (MM_PER_INCH, PAPER_SIZES, CellSpec, PrintSetup, SheetPlan, Style,
                   Validation, argb, internal_location)
from .sheet_columns import ColumnsXml
from .sheet_rows import _ROWS_PER_CHUNK, _attr, _cell_xml, _num, _quoted, _text, numbered

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterator

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                    "0.00%": 10}
_DEFAULT_FONT = ("Times New Roman", 11.0)


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
_XML_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">')


class SheetXml(ColumnsXml):
    """A plan sheet ready to be streamed: its rows in order and the style of every cell
    registered in ``styles`` (the cells in the order they are written)."""

    def __init__(self, sp: SheetPlan, styles: _Styles, selected: bool, has_drawing: bool):
        self.sp, self.styles = sp, styles
        self.selected, self.has_drawing = selected, has_drawing
        lazy = [b for b in sp.blocks if b.count > 0]
        specs = sp.cells
        spans = sorted((b.first, b.last) for b in lazy)
        if _overlap(spans, specs):
            specs, lazy, spans = sp.all_cells(), [], []  # cell by cell
        cells: dict[tuple[int, int], CellSpec] = {}
        for spec in specs:  # the last write to a cell wins, as in openpyxl
            cells[(spec.row, spec.col)] = spec
        by_row: dict[int, list] = {}
        for (r, c), spec in cells.items():
            by_row.setdefault(r, []).append((c, spec))
        for r in sp.row_heights:
            if not _inside(spans, r):
                by_row.setdefault(r, [])
        #: (row, its cells sorted) of put cells and (first row, RowBlock) of the blocks of
        #: rows put whole — in row order
        items: list[tuple] = [(r, sorted(v, key=itemgetter(0))) for r, v in by_row.items()]
        items += [(b.first, b) for b in lazy]
        items.sort(key=itemgetter(0))  # runs already in order: linear
        self.items = items
        #: (id(style), quote) → the local xf, while the plan holds the styles
        self.xf_of: dict[tuple[int, bool], int] = {}
        #: the styles tuples of rows met (a block's rows are made again when written: its
        #: tuples are kept, so that no other object takes their ids meanwhile)
        self._keep: list[tuple] = []
        self._register()
        self.dxfs = [styles.dxf(cf.fill, cf.color) for cf in sp.conditional]
        #: "Sheet" of an internal "Sheet!A1" link → the start of its location and display
        #: attributes
        self._loc_prefix: dict[str, tuple[str, str]] = {}

    def _register(self) -> None:
        """Every cell's style, in the order the cells are written (the ids must not depend
        on how a row was put)."""
        xf = self._xf
        #: id(styles) → the columns that can still need a style (:meth:`_watch`)
        watch: dict[int, list] = {}
        for item in self.items:
            kind = item[1]
            if type(kind) is list:
                for _, spec in kind:
                    xf(spec.style, _quoted(spec.value))
            elif kind.parts is not None:  # a block of columns
                self._register_parts(kind.parts(), kind.count, watch)
            else:
                self._register_rows(islice(kind.source(), kind.count), watch)

    # ---------------------------------------------------------------- writing
    def chunks(self, xf_map: dict[int, int] | None = None,
               dxf_map: dict[int, int] | None = None,
               selected: bool | None = None) -> Iterator[bytes]:
        """The sheet's XML in pieces of a few hundred rows (a big table is never one string
        in memory), style ids through ``xf_map``/``dxf_map`` (None: the donor's own) and
        the tab ``selected`` (None: as the plan selects it)."""
        sp = self.sp
        mapped = (lambda s: s) if xf_map is None else xf_map.__getitem__
        yield _XML_HEAD.encode()
        pr = []
        if sp.tab_color:
            pr.append(f'<tabColor rgb="{argb(sp.tab_color)}"/>')
        if sp.print_setup is not None and sp.print_setup.fit_width:
            pr.append('<pageSetUpPr fitToPage="1"/>')
        head = ["<sheetPr>" + "".join(pr) + "</sheetPr>" if pr else "",
                self._view(self.selected if selected is None else selected),
                '<sheetFormatPr defaultRowHeight="15"/>']
        if sp.col_widths:
            head.append("<cols>" + "".join(
                f'<col min="{c}" max="{c}" width="{_num(w)}" customWidth="1"/>'
                for c, w in sorted(sp.col_widths.items())) + "</cols>")
        head.append("<sheetData>")
        yield "".join(head).encode()
        links: list[bytes] = []
        yield from self._rows(mapped, links)
        tail = ["</sheetData>"]
        if sp.autofilter:
            tail.append(f'<autoFilter ref="{sp.autofilter.upper()}"/>')
        if sp.merges:
            tail.append(f'<mergeCells count="{len(sp.merges)}">' + "".join(
                f'<mergeCell ref="{m}"/>' for m in sp.merges) + "</mergeCells>")
        for prio, (cf, dxf) in enumerate(zip(sp.conditional, self.dxfs), 1):
            r1, c1, _, _ = parse_range(cf.range)
            dxf = dxf if dxf_map is None else dxf_map[dxf]
            text = cf.equals.replace('"', '""')
            tail.append(f'<conditionalFormatting sqref="{cf.range}"><cfRule type="expression" '
                        f'dxfId="{dxf}" priority="{prio}"><formula>'
                        f'{_text(f"EXACT({a1(r1, c1)},{chr(34)}{text}{chr(34)})")}</formula>'
                        "</cfRule></conditionalFormatting>")
        rules = [v for v in sp.validations if v.ranges]  # a rule on no cell is dropped
        if rules:
            tail.append(f'<dataValidations count="{len(rules)}">' + "".join(
                _validation_xml(v) for v in rules) + "</dataValidations>")
        yield "".join(tail).encode()
        if links:
            yield b"<hyperlinks>"
            yield from links
            yield b"</hyperlinks>"
        tail = [_print_xml(sp.print_setup)]
        if sp.page_breaks:
            brks = sorted(set(sp.page_breaks))
            tail.append(f'<rowBreaks count="{len(brks)}" manualBreakCount="{len(brks)}">'
                        + "".join(f'<brk id="{b}" max="16383" man="1"/>' for b in brks)
                        + "</rowBreaks>")
        if self.has_drawing:
            tail.append('<drawing r:id="rId1"/>')
        tail.append("</worksheet>")
        yield "".join(tail).encode()

    def _view(self, selected: bool) -> str:
        sp = self.sp
        view = ['workbookViewId="0"']
        if not sp.show_gridlines:
            view.append('showGridLines="0"')
        if selected and self.selected:
            view.append('tabSelected="1"')
        elif selected:  # as io.package selects a donor sheet the plan did not
            view.insert(0, 'tabSelected="1"')
        pane = ""
        if sp.freeze and sp.freeze.upper() != "A1":
            r, c = parse_a1(sp.freeze)
            xs, ys = c - 1, r - 1
            active = ("bottomRight" if xs and ys else "bottomLeft" if ys else "topRight")
            split = (f' xSplit="{xs}"' if xs else "") + (f' ySplit="{ys}"' if ys else "")
            top = sp.freeze.upper()
            pane = (f'<pane{split} topLeftCell="{top}" activePane="{active}" '
                    f'state="frozen"/><selection pane="{active}" activeCell="{top}" '
                    f'sqref="{top}"/>')
        return f"<sheetViews><sheetView {' '.join(view)}>{pane}</sheetView></sheetViews>"

    def _rows(self, mapped, links: list) -> Iterator[bytes]:
        """The <row> elements, in chunks of :data:`_ROWS_PER_CHUNK` rows; the <hyperlink>
        elements of their cells added to ``links``, as bytes a chunk (a block's too: made
        as its rows are written, not by another pass over its source)."""
        heights = self.sp.row_heights
        self._mapped = mapped
        self._sattrs: dict[int, str] = {}  # local xf → ' s="…"' of the target
        self._letters: dict[int, str] = {}  # column → "AB", once per column
        #: (id(style), kind) → its column's _Written; first column → id(styles),
        #: id(links), the values' types → the row's template
        self._written: dict[tuple[int, Any], dict] = {}
        self._templates: dict[int, dict[tuple, tuple]] = {}
        self._shapes: dict[tuple, tuple] = {}  # the templates' shapes, one object each
        xf_of = self.xf_of
        buf: list[bytes] = []
        lbuf: list[str] = []  # this chunk's hyperlinks

        def flush_links() -> None:
            if lbuf:
                links.append("".join(lbuf).encode())
                lbuf.clear()

        def flush() -> bytes:
            flush_links()
            out = b"".join(buf)
            buf.clear()
            return out

        for item in self.items:
            kind = item[1]
            if type(kind) is not list and kind.parts is not None:  # a block of columns
                yield from self._parted(kind.parts(), kind.first, kind.count, kind.col,
                                        kind.cut, kind.cut_over, buf, lbuf, flush)
                continue
            if type(kind) is not list:  # a block: its rows made as they are written
                first = kind.first
                rows = range(first, first + kind.count)
                yield from self._whole(numbered(rows, kind.source()),
                                       kind.col, kind.cut, kind.cut_over, buf, lbuf, flush)
                continue
            r = item[0]
            ht = heights.get(r)
            attrs = f' ht="{_num(ht)}" customHeight="1"' if ht is not None else ""
            out = [f'<row r="{r}"{attrs}>']  # one piece per row, not per cell
            for c, spec in kind:
                ref = f"{self._letter(c)}{r}"
                v = spec.value
                quote = _quoted(v)
                st = spec.style
                s = 0 if st is None and not quote else xf_of[(id(st), quote)]
                out.append(_cell_xml(ref, self._sattr(s), v))
                if spec.link:
                    loc = internal_location(spec.link)
                    if loc is not None:
                        lbuf.append(f'<hyperlink ref="{ref}" location={_attr(loc)} '
                                    f'display={_attr(str(v or ""))}/>')
            out.append("</row>")
            buf.append("".join(out).encode())
            if len(buf) >= _ROWS_PER_CHUNK:
                yield flush()
        if buf or lbuf:
            yield flush()

def _inside(spans: list[tuple[int, int]], r: int) -> bool:
    """Whether row ``r`` is one of a block's (``spans``: their first and last rows, sorted)."""
    i = bisect_right(spans, (r, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= r <= spans[i][1]


def _overlap(spans: list[tuple[int, int]], specs: list[CellSpec]) -> bool:
    """Whether blocks of rows put whole overlap one another or a cell put."""
    if not spans:
        return False
    if any(a[1] >= b[0] for a, b in zip(spans, spans[1:])):
        return True
    return any(_inside(spans, c.row) for c in specs)


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
