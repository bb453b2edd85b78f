"""Rows put whole (``SheetPlan.put_row``, and ``put_rows``' blocks, read from their source
for each pass: styles, then cells and links) as SpreadsheetML: :class:`RowsXml`, the part of
:class:`~thidua_xl.io.sheet_xml.SheetXml` that registers their cells' styles and writes
them and their links; and the element text, attribute and number helpers both use.

A row is written through a template a styles tuple, links tuple and the values' types:
one ``bytes.join`` of its pieces with its number, the end of each cell (its style, value
and the start of the next cell) looked up by value in C, made once a distinct value — a
table of 160,000 rows costs about three microseconds a row.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from itertools import compress, islice
from operator import itemgetter

from .grid import col_letter
from .plan import FORMULA_PREFIXES, SELF_LINK, Style, internal_location

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterator

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: a character _text changes (dropped or escaped): element text without one is written as is
_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f]").search


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


_PREFIX = frozenset(FORMULA_PREFIXES)  # one character each: v[:1] in _PREFIX
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


class _Texts(dict):
    """text → the end of its cell's XML, for one style: the _Written of texts, the making
    in ``__missing__`` itself (an "Ô nguồn" text never repeats: one Python call a cell)."""

    __slots__ = ("start", "heads", "end", "cut", "over")

    def __init__(self, start, end: str, cut, over: int) -> None:
        super().__init__()
        #: quoted (None: "") → the cell's start (its style's id looked up once met)
        self.start, self.heads = start, {}
        self.end, self.cut, self.over = end, cut, over

    def __missing__(self, v: str) -> bytes:
        t = self.cut(v) if len(v) > self.over else v
        if not t:
            head = self.heads.get(None)
            if head is None:
                head = self.heads[None] = self.start(None)
            out = head.encode()
        else:
            q = t[0] in _PREFIX
            head = self.heads.get(q)
            if head is None:
                head = self.heads[q] = self.start(q)
            out = (head + (_text(t) if _ESCAPE(t) else t) + self.end).encode()
        if len(self) < _CACHE_MAX:
            self[v] = out
        return out


_first, _second = itemgetter(0), itemgetter(1)
_getitem = dict.__getitem__  # map(_getitem, caches, values): one lookup a cell, in C
_is_str = str.__instancecheck__  # isinstance(v, str), as filter's test
#: a text of a row's texts, each after a NUL, is quoted (_quoted) — or, for a NUL in a
#: text, maybe: a row looked at cell by cell for nothing, never one missed (a literal
#: first character: the regex engine skips to each NUL, where "^|" made it try everywhere)
_QUOTED_IN = re.compile("\0[" + re.escape("".join(FORMULA_PREFIXES)) + "]").search


class RowsXml:
    """The rows put whole of a :class:`~thidua_xl.io.sheet_xml.SheetXml` (whose ``sp``,
    ``styles``, ``xf_of``, ``_keep`` and ``_loc_prefix`` these methods use, and whose
    ``_rows`` sets up the caches of a writing): their styles registered, their <row> and
    <hyperlink> elements."""

    def _xf(self, st: Style | None, quote: bool) -> int:
        if st is None and not quote:
            return 0
        key = (id(st), quote)
        s = self.xf_of.get(key)
        if s is None:
            s = self.xf_of[key] = self.styles.xf(st, quote)
        return s

    def _register_rows(self, rows, watch: dict) -> None:
        """The styles of rows put whole, ``_ROWS_PER_CHUNK`` rows at a time: a chunk that
        cannot register one (:meth:`_quiet`, in C for the most part) is passed over, the
        others looked at row by row (:meth:`_register_each`)."""
        it = iter(rows)
        quiet, each = self._quiet, self._register_each
        while True:
            chunk = list(islice(it, _ROWS_PER_CHUNK))
            if not chunk:
                return
            if not quiet(chunk, watch):
                each(chunk, watch)

    def _quiet(self, chunk: list[tuple], watch: dict) -> bool:
        """Whether no row of ``chunk`` can register a style: each row's styles tuple met
        before with no plain style missing, and no text of the chunk quoted in a column
        whose quoted style is missing for the tuples of its rows (a text "-x" under a style
        whose quoted one is registered already changes nothing)."""
        ids = list(map(id, map(_second, chunk)))
        #: column → the ids of the tuples whose quoted style there is missing
        cols: dict[int, set[int]] = {}
        for k in set(ids):
            entry = watch.get(k)
            if entry is None or not entry[1]:
                return False  # a tuple not met yet, or one with a plain style missing
            for i, _, _, _ in entry[0]:
                cols.setdefault(i, set()).add(k)
        if not cols:
            return True
        columns = list(zip(*map(_first, chunk)))  # stops at the shortest row
        if len(columns) <= max(cols):
            return False  # a short row: row by row, as _register_each stops at its end
        n = len(set(ids))
        for i, watching in cols.items():
            column = columns[i]
            if len(watching) < n:  # only the rows of the tuples watching it
                column = tuple(compress(column, map(watching.__contains__, ids)))
            try:
                texts = "\0".join(column)  # the usual: texts only ("Ô nguồn")
            except TypeError:
                texts = "\0".join(filter(_is_str, column))
            if _QUOTED_IN("\0" + texts):
                return False
        return True

    def _register_each(self, rows, watch: dict) -> None:
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

    def _whole(self, rows, c0: int, cut, over: int, buf: list[bytes], lbuf: list[str],
               flush):
        """Rows put whole, ``(row, its number as str and as bytes, (values, styles,
        links))`` each, from column ``c0``, texts over ``over`` characters ``cut``: one
        template a styles tuple, links tuple and the values' types; a row is one join of
        its pieces with its number, the end of a cell looked up its value (in C). Their
        <hyperlink> elements go to ``lbuf`` (made in this pass: ``flush`` keeps them as
        bytes, about 13 MB for 160,000 links, cheaper than another pass over the rows)."""
        heights = self.sp.row_heights
        templates = self._templates.setdefault((c0, cut, over), {})
        getitem = _getitem
        prefixes = self._loc_prefix
        long = sys.maxsize if cut is None else over
        append = buf.append
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
            append(row)
            for i, col, link in linked:  # the template's linked cells
                v = values[i]
                if v.__class__ is str and len(v) > long:
                    v = cut(v)
                if link is SELF_LINK:
                    link = v
                sheet, bang, cell = link.rpartition("!")
                known = prefixes.get(sheet)
                if known is not None and v is link and cell.isalnum():
                    # "Sheet!A1" showing itself (an "Ô nguồn"): its pieces once a sheet
                    lbuf.append(f'<hyperlink ref="{col}{rs}" location={known[0]}{cell}" '
                                f'display={known[1]}{cell}"/>')
                else:
                    link = self._link(col, rs, link, v)
                    if link:
                        lbuf.append(link)
            if len(buf) >= _ROWS_PER_CHUNK:
                yield flush()

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

        def start(q: bool | None) -> str:
            if q is None:  # "": a blank cell
                return f'"{sattr(sid(st, False))}/>{after}'
            return f'"{sattr(sid(st, q))} t="inlineStr"><is><t xml:space="preserve">'

        return _Texts(start, "</t></is></c>" + after, cut, over)

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
