"""One sheet of a :class:`~thidua_xl.io.plan.WritePlan` as SpreadsheetML, and the cell
styles of a package (render_xml's donor, and the sheets grafted straight into the output).

:class:`SheetXml` takes the plan sheet's rows in order and registers every cell's style in a
:class:`_Styles` (in the order the cells come, so the ids are the same however the sheet is
written); :meth:`SheetXml.chunks` then streams the sheet as bytes, its style ids mapped to
a target workbook's if given (``io.package`` grafts it so, without renumbering the bytes).
Rows put whole (``SheetPlan.put_row``, and ``put_rows``' blocks, read from their source
for each pass: styles, cells, then links) are written through a template a styles tuple,
links tuple and the values' types: a row is one ``bytes.join`` of its pieces with its
number, the end of each cell (its style, value and the start of the next cell) looked up
by value in C, made once a distinct value — a table of 160,000 rows costs about three
microseconds a row.
"""
from __future__ import annotations

import re
import sys
from bisect import bisect_right
from functools import lru_cache
from itertools import islice
from operator import itemgetter

from .grid import a1, col_letter, parse_a1, parse_range
from .plan import (FORMULA_PREFIXES, MM_PER_INCH, PAPER_SIZES, SELF_LINK, CellSpec,
                   PrintSetup, RowBlock, SheetPlan, Style, Validation, argb,
                   internal_location)

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterator

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: a character _text changes (dropped or escaped): element text without one is written as is
_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f]").search
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                    "0.00%": 10}
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
_PREFIX = frozenset(FORMULA_PREFIXES)  # one character each: v[:1] in _PREFIX
_XML_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">')
_ROWS_PER_CHUNK = 512
#: values kept written, a column's style: names and labels repeat down a table, its "Ô nguồn"
#: references never do (a bound keeps those from filling memory)
_CACHE_MAX = 1 << 13
_NONE = type(None)


def _quoted(v: Any) -> bool:
    return isinstance(v, str) and v.startswith(FORMULA_PREFIXES)


def _cell_xml(ref: str, sattr: str, v: Any) -> str:
    """One cell element (the general path: ``put`` cells and odd values of rows)."""
    if v is None or (isinstance(v, str) and v == ""):
        return f'<c r="{ref}"{sattr}/>'
    if isinstance(v, bool):
        return f'<c r="{ref}"{sattr} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"{sattr}><v>{_num(v)}</v></c>'
    return (f'<c r="{ref}"{sattr} t="inlineStr"><is><t xml:space="preserve">'
            f"{_text(str(v))}</t></is></c>")


def _cut_values(values: tuple, cut, over: int) -> tuple:
    """The values of a row as written: texts over ``over`` characters ``cut``."""
    if cut is None:
        return values
    return tuple(cut(v) if v.__class__ is str and len(v) > over else v for v in values)


def _plain(v: str) -> bool:
    """True when ``v`` needs no escaping as element text or attribute value."""
    return (v.isprintable() and "&" not in v and "<" not in v and ">" not in v
            and '"' not in v)

class _Written(dict):
    """value → the end of its cell's XML (after ``<c r="A1``), for one style and kind of
    value: made by ``make`` once a distinct value (up to :data:`_CACHE_MAX` of them)."""

    __slots__ = ("make",)

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, v):
        out = self.make(v)
        if len(self) < _CACHE_MAX:
            self[v] = out
        return out


_getitem = dict.__getitem__  # map(_getitem, caches, values): one lookup a cell, in C
_is_str = str.__instancecheck__  # isinstance(v, str), as filter's test
#: a text of a row's texts, each after a NUL, is quoted (_quoted) — or, for a NUL in a
#: text, maybe: a row looked at cell by cell for nothing, never one missed (a literal
#: first character: the regex engine skips to each NUL, where "^|" made it try everywhere)
_QUOTED_IN = re.compile("\0[" + re.escape("".join(FORMULA_PREFIXES)) + "]").search


class SheetXml:
    """A plan sheet ready to be streamed: its rows in order and the style of every cell
    registered in ``styles`` (the cells in the order they are written)."""

    def __init__(self, sp: SheetPlan, styles: _Styles, selected: bool, has_drawing: bool):
        self.sp, self.styles = sp, styles
        self.selected, self.has_drawing = selected, has_drawing
        blocks = sp.rows
        lazy = [b for b in sp.blocks if b.count > 0]
        specs = sp.cells
        brows = {e[0] for e in blocks}
        spans = sorted((b.first, b.last) for b in lazy)
        if (len(brows) != len(blocks) or not brows.isdisjoint(c.row for c in specs)
                or _overlap(spans, brows, specs)):
            specs, blocks, lazy, brows = sp.all_cells(), [], [], set()  # cell by cell
            spans = []
        cells: dict[tuple[int, int], CellSpec] = {}
        for spec in specs:  # the last write to a cell wins, as in openpyxl
            cells[(spec.row, spec.col)] = spec
        by_row: dict[int, list] = {}
        for (r, c), spec in cells.items():
            by_row.setdefault(r, []).append((c, spec))
        for r in sp.row_heights:
            if r not in brows and not _inside(spans, r):
                by_row.setdefault(r, [])
        #: (row, its cells sorted) of put cells, the entries of rows put whole (row first
        #: too: its second item is a column, not a list) and (first row, RowBlock) of the
        #: blocks — in row order
        items: list[tuple] = [(r, sorted(v, key=itemgetter(0))) for r, v in by_row.items()]
        items += blocks
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

    def _xf(self, st: Style | None, quote: bool) -> int:
        if st is None and not quote:
            return 0
        key = (id(st), quote)
        s = self.xf_of.get(key)
        if s is None:
            s = self.xf_of[key] = self.styles.xf(st, quote)
        return s

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
            elif type(kind) is int:
                self._register_rows(((item[2], item[3], None),), watch)
            else:
                self._register_rows(islice(kind.source(), kind.count), watch)

    def _register_rows(self, rows, watch: dict) -> None:
        """The styles of rows put whole: all of a styles tuple's cells the first time it is
        met, then only the cells that can still need a style not registered (a quoted text
        in a column, or a plain value in one met only with quoted texts)."""
        xf, xf_of = self._xf, self.xf_of
        for values, styles, _ in rows:
            entry = watch.get(id(styles))
            if entry is None:
                self._keep.append(styles)
                for v, st in zip(values, styles):
                    if v is not None or st is not None:
                        xf(st, _quoted(v))
                watch[id(styles)] = self._watch(styles)
                continue
            w, quick = entry
            if not w or quick and not _QUOTED_IN("\0" + "\0".join(filter(_is_str, values))):
                continue  # (in C) no quoted text, and only quoted texts can need a style
            new = False
            n = len(values)
            for i, st, plain, quoted in w:  # in column order, as the cells come
                if i >= n:
                    break
                v = values[i]
                if isinstance(v, str) and v[:1] in _PREFIX:
                    if quoted:
                        if (id(st), True) not in xf_of:
                            xf(st, True)
                        new = True
                elif plain and (v is not None or st is not None):
                    if (id(st), False) not in xf_of:
                        xf(st, False)
                    new = True
            if new:
                watch[id(styles)] = self._watch(styles)

    def _watch(self, styles: tuple) -> tuple[list[tuple[int, Style | None, bool, bool]], bool]:
        """The columns of a styles tuple whose cells can still need a style registered:
        (index, style, its plain one is missing, its quoted one is missing); and whether
        only quoted texts can (no plain one missing)."""
        xf_of = self.xf_of
        out = []
        for i, st in enumerate(styles):
            plain = st is not None and (id(st), False) not in xf_of
            quoted = (id(st), True) not in xf_of
            if plain or quoted:
                out.append((i, st, plain, quoted))
        return out, not any(e[2] for e in out)

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
            for piece in links:
                if type(piece) is bytes:
                    yield piece
                else:
                    yield from self._later_links(piece)
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
        elements of their cells added to ``links``: a piece a chunk, and a block whose rows
        have some in its place (they are made by another pass over its rows, after the
        cells: 160,000 of them were 13 MB held while the rows were written)."""
        heights = self.sp.row_heights
        self._mapped = mapped
        self._sattrs: dict[int, str] = {}  # local xf → ' s="…"' of the target
        self._letters: dict[int, str] = {}  # column → "AB", once per column
        #: (id(style), kind) → its column's _Written; first column → id(styles),
        #: id(links), the values' types → the row's template
        self._written: dict[tuple[int, Any], dict] = {}
        self._templates: dict[int, dict[tuple, tuple]] = {}
        xf_of = self.xf_of
        buf: list[bytes] = []
        lbuf: list[str] = []  # this chunk's hyperlinks
        run: list[tuple] = []  # consecutive rows put one by one, with the same first column

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
            if run and (type(kind) is not int or kind != run[0][1]):
                yield from self._whole(((e[0], str(e[0]), b"%d" % e[0], e[2:5]) for e in run),
                                       run[0][1], None, 0, buf, lbuf, flush)
                run.clear()
            if type(kind) is int:  # a row put whole
                run.append(item)
                continue
            if type(kind) is not list:  # a block: its rows made as they are written
                first = kind.first
                rows = range(first, first + kind.count)
                flush_links()  # the links before the block's stay before them
                if (yield from self._whole(zip(rows, map(str, rows), map(b"%d".__mod__, rows),
                                               kind.source()),
                                           kind.col, kind.cut, kind.cut_over, buf, None, flush)):
                    links.append(kind)
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
        if run:
            yield from self._whole(((e[0], str(e[0]), b"%d" % e[0], e[2:5]) for e in run),
                                   run[0][1], None, 0, buf, lbuf, flush)
        if buf or lbuf:
            yield flush()

    def _letter(self, c: int) -> str:
        col = self._letters.get(c)
        if col is None:
            col = self._letters[c] = col_letter(c)
        return col

    def _sattr(self, s: int) -> str:
        sattr = self._sattrs.get(s)
        if sattr is None:
            sattr = self._sattrs[s] = f' s="{self._mapped(s)}"' if s else ""
        return sattr

    def _whole(self, rows, c0: int, cut, over: int, buf: list[bytes], lbuf: list[str] | None,
               flush):
        """Rows put whole, ``(row, its number as str and as bytes, (values, styles,
        links))`` each, from column ``c0``, texts over ``over`` characters ``cut``: one
        template a styles tuple, links tuple and the values' types; a row is one join of
        its pieces with its number, the end of a cell looked up its value (in C). Their
        <hyperlink> elements go to ``lbuf``; None: made later (:meth:`_later_links`), the
        rows only looked at until one has one — returned: whether one has."""
        heights = self.sp.row_heights
        templates = self._templates.setdefault((c0, cut, over), {})
        getitem = _getitem
        found = False
        probe: list[str] = []
        for r, rs, rb, (values, styles, row_links) in rows:
            types = tuple(map(type, values))
            tpl = templates.get((id(styles), id(row_links), types))
            if tpl is None:
                tpl = templates[(id(styles), id(row_links), types)] = self._template(
                    c0, styles, row_links, types, cut, over)
            head, caches, pick, linked = tpl[:4]
            if head is None:  # a value of another type: cell by cell, the general path
                row = self._general_row(c0, r, _cut_values(values, cut, over),
                                        styles).encode()
            elif pick is None:  # every cell there: the row number between the pieces
                row = rb.join((*head, *map(getitem, caches, values)))
            else:
                row = rb.join((*head, *map(getitem, caches, pick(values))))
            if heights and r in heights:
                row = (b'<row r="%b" ht="%b" customHeight="1">' % (rb, _num(heights[r]).encode())
                       + row[len(rb) + 10:])
            buf.append(row)
            if linked:
                if lbuf is not None:
                    self._row_links(linked, values, rs, cut, over, lbuf)
                elif not found:
                    self._row_links(linked, values, rs, cut, over, probe)
                    found = bool(probe)
            if len(buf) >= _ROWS_PER_CHUNK:
                yield flush()
        return found

    def _row_links(self, linked: tuple, values: tuple, rs: str, cut, over: int,
                   out: list[str]) -> None:
        """The <hyperlink> elements of a row's ``linked`` cells (its template's), to ``out``."""
        prefixes = self._loc_prefix
        for i, col, link in linked:
            v = values[i]
            if cut is not None and v.__class__ is str and len(v) > over:
                v = cut(v)
            if link is SELF_LINK:
                link = v
            sheet, bang, cell = link.rpartition("!")
            known = prefixes.get(sheet)
            if known is not None and v is link and cell.isalnum():
                # "Sheet!A1" showing itself (an "Ô nguồn"): its pieces once a sheet
                out.append(f'<hyperlink ref="{col}{rs}" location={known[0]}{cell}" '
                           f'display={known[1]}{cell}"/>')
            else:
                link = self._link(col, rs, link, v)
                if link:
                    out.append(link)

    def _later_links(self, block: RowBlock) -> Iterator[bytes]:
        """The <hyperlink> elements of a block's rows, by another pass over them: what
        :meth:`_row_links` does, inlined (160,000 rows), the linked cells found by each
        row's values rather than its template."""
        cut, over = block.cut, block.cut_over
        if cut is None:
            over = sys.maxsize
        c0, first = block.col, block.first
        prefixes = self._loc_prefix
        #: id(styles), id(links) → (index, column letter, link, style) of the cells linked
        linked: dict[tuple[int, int], tuple] = {}
        keep = []  # the tuples keyed by id, alive
        out: list[str] = []
        for r, (values, styles, row_links) in zip(range(first, first + block.count),
                                                  block.source()):
            if row_links is None:
                continue
            cells = linked.get((id(styles), id(row_links)))
            if cells is None:
                keep.append((styles, row_links))
                cells = linked[(id(styles), id(row_links))] = tuple(
                    (i, self._letter(c0 + i), link, styles[i])
                    for i, link in enumerate(row_links[:len(styles)]) if link)
            rs = None
            for i, col, link, st in cells:
                if i >= len(values):
                    break
                v = values[i]
                if link is SELF_LINK:
                    if v.__class__ is not str:
                        continue  # only a "Sheet!A1" text links to itself
                    if len(v) > over:
                        v = cut(v)
                    link = v
                elif v is None and st is None:
                    continue  # no cell, no link
                elif v.__class__ is str and len(v) > over:
                    v = cut(v)
                if rs is None:
                    rs = str(r)
                sheet, bang, cell = link.rpartition("!")
                known = prefixes.get(sheet)
                if known is not None and v is link and cell.isalnum():
                    out.append(f'<hyperlink ref="{col}{rs}" location={known[0]}{cell}" '
                               f'display={known[1]}{cell}"/>')
                else:
                    link = self._link(col, rs, link, v)
                    if link:
                        out.append(link)
            if len(out) >= _ROWS_PER_CHUNK:
                yield "".join(out).encode()
                out.clear()
        if out:
            yield "".join(out).encode()

    def _general_row(self, c0: int, r: int, values: tuple, styles: tuple) -> str:
        xf_of = self.xf_of
        out = [f'<row r="{r}">']
        for i, (v, st) in enumerate(zip(values, styles)):
            if v is None and st is None:
                continue  # no cell
            quote = _quoted(v)
            s = 0 if st is None and not quote else xf_of[(id(st), quote)]
            out.append(_cell_xml(f"{self._letter(c0 + i)}{r}", self._sattr(s), v))
        out.append("</row>")
        return "".join(out)

    def _template(self, c0: int, styles: tuple, row_links: tuple | None, types: tuple,
                  cut, over: int) -> tuple:
        """How a row is written: ``rb.join((*head, *map(getitem, caches, pick(values))))``
        — the pieces of its XML between the row number's, a cell's being the end of the
        cell (looked up its value in the cell's _Written) and the start of the next one;
        ``pick`` (None: every value) the values of the cells there. Then the linked cells
        (index, column letter, link), and the tuples keyed by id (kept alive). ``head`` is
        None when a value is of a type written cell by cell."""
        n = min(len(types), len(styles))
        cells = []  # (index, letter, style, kind) of the cells there
        linked = []
        general = False
        for i in range(n):
            t, st = types[i], styles[i]
            if t is _NONE and st is None:
                continue  # no cell
            kind = float if t is int else t
            if kind is not str and kind is not bool and kind is not float and kind is not _NONE:
                general = True
            cells.append((i, self._letter(c0 + i), st, kind))
        for i, link in enumerate(row_links or ()):
            if not link or i >= n:
                continue
            if types[i] is _NONE and styles[i] is None:
                continue  # no cell, no link
            if link is SELF_LINK and types[i] is not str:
                continue  # only a "Sheet!A1" text links to itself
            linked.append((i, self._letter(c0 + i), link))
        if general:
            return None, (), None, tuple(linked), styles, row_links
        if not cells:
            return (b'<row r="', b'"></row>'), (), None, (), styles, row_links
        head = (b'<row r="', f'"><c r="{cells[0][1]}'.encode())
        caches = []
        for j, (i, col, st, kind) in enumerate(cells):
            after = f'<c r="{cells[j + 1][1]}' if j + 1 < len(cells) else "</row>"
            key = (id(st), kind, after, cut, over)
            written = self._written.get(key)
            if written is None:
                written = self._written[key] = self._cells(st, kind, after, cut, over)
            caches.append(written)
        if all(c[0] == j for j, c in enumerate(cells)):  # no gap (map stops at the last)
            pick = None
        elif len(cells) == 1:
            pick = (lambda i: lambda values: (values[i],))(cells[0][0])
        else:
            pick = itemgetter(*(c[0] for c in cells))
        return head, tuple(caches), pick, tuple(linked), styles, row_links

    def _sid(self, st: Style | None, quote: bool) -> int:
        """The local xf of a registered style (by value when the rows of a block were
        made again with other, equal, objects)."""
        if st is None and not quote:
            return 0
        s = self.xf_of.get((id(st), quote))
        if s is None:
            s = self.styles._xf_index.get((st, quote))
            if s is None:
                raise ValueError(f"a style not met before the sheet was written: {st!r}")
        return s

    def _cells(self, st: Style | None, kind: type, after: str, cut, over: int) -> dict:
        """The _Written of one style and kind of value (str, a number, bool, None: a blank
        cell), each value's end followed by ``after`` (the start of the next cell, or the
        row's end), as bytes."""
        sattr, sid = self._sattr, self._sid
        if kind is _NONE:
            return {None: f'"{sattr(sid(st, False))}/>{after}'.encode()}
        if kind is bool:
            sa = sattr(sid(st, False))
            return {True: f'"{sa} t="b"><v>1</v></c>{after}'.encode(),
                    False: f'"{sa} t="b"><v>0</v></c>{after}'.encode()}
        if kind is float:
            sa = sattr(sid(st, False))
            return _Written(lambda v: f'"{sa}><v>{_num(v)}</v></c>{after}'.encode())
        if cut is None:
            over = sys.maxsize
        heads: dict[bool, str] = {}  # quoted → the cell's start, once met
        end = "</t></is></c>" + after

        def text(v: str) -> bytes:
            if len(v) > over:
                v = cut(v)
            if not v:
                return f'"{sattr(sid(st, False))}/>{after}'.encode()
            q = v[0] in _PREFIX
            head = heads.get(q)
            if head is None:
                head = heads[q] = (f'"{sattr(sid(st, q))} t="inlineStr"><is><t '
                                   'xml:space="preserve">')
            return (head + (_text(v) if _ESCAPE(v) else v) + end).encode()

        return _Written(text)

    def _link(self, col: str, rs: str, link: str, v: Any) -> str:
        """A <hyperlink> to an internal location, as internal_location makes it ("" for
        any other); learns the pieces of a "Sheet!A1" link's sheet for the fast path."""
        sheet, bang, cell = link.rpartition("!")
        if bang and sheet not in self._loc_prefix:
            at = internal_location(sheet + "!A1")
            if at is not None and _plain(sheet):
                self._loc_prefix[sheet] = (_attr(at)[:-3], f'"{sheet}!')
        at = internal_location(link)
        if at is None:
            return ""
        shown = str(v or "")
        return f'<hyperlink ref="{col}{rs}" location={_attr(at)} display={_attr(shown)}/>'


def _inside(spans: list[tuple[int, int]], r: int) -> bool:
    """Whether row ``r`` is one of a block's (``spans``: their first and last rows, sorted)."""
    i = bisect_right(spans, (r, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= r <= spans[i][1]


def _overlap(spans: list[tuple[int, int]], rows: set[int], specs: list[CellSpec]) -> bool:
    """Whether blocks overlap one another, a row put whole or a cell put."""
    if not spans:
        return False
    if any(a[1] >= b[0] for a, b in zip(spans, spans[1:])):
        return True
    return any(_inside(spans, r) for r in rows) or any(_inside(spans, c.row) for c in specs)


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
