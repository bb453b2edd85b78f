"""Rows put whole (``SheetPlan.put_row``, and ``put_rows``' blocks, read from their source
for each pass: styles, then cells and links) as SpreadsheetML: :class:`RowsXml`, the part of
:class:`~thidua_xl.io.sheet_xml.SheetXml` that registers their cells' styles and writes
them and their links; and the element text, attribute and number helpers both use.

A row is written through a template a styles tuple, links tuple and the values' types:
one ``bytes.join`` of its pieces with its number, the end of each cell (its style, value
and the start of the next cell) looked up by value in C, made once a distinct value; the
rows of a chunk a column at a time (map over a column, a join a row, in C) — a table of
160,000 rows costs about three microseconds a row. Rows put as columns are written from
their columns through the same templates (:mod:`~thidua_xl.io.sheet_columns`).
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from itertools import chain, compress, groupby, islice, repeat
from operator import itemgetter

from .grid import col_letter
from .plan import FORMULA_PREFIXES, SELF_LINK, Style, cut_values, internal_location

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

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

    def bulk(self, column: tuple[str, ...]) -> list[bytes] | None:
        """The ends of a column of texts (in C) once the cache is full (its texts rarely
        repeat: an "Ô nguồn"), when each is written as it is under the style's plain start;
        None otherwise (a text to cut, escape or quote, an empty one: one at a time)."""
        head = self.heads.get(False)
        if len(self) < _CACHE_MAX or head is None or not all(column):
            return None
        joined = "\n".join(column)  # "\n" is written as is: no false _ESCAPE match
        if (max(map(len, column)) > self.over or _ESCAPE(joined)
                or _QUOTED_NL("\n" + joined)):
            return None
        form = head.replace("%", "%%") + "%s" + self.end.replace("%", "%%")
        return list(map(str.encode, map(form.__mod__, column)))

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


_first, _second, _third, _fourth = map(itemgetter, range(4))
_seventh = itemgetter(6)
_getitem = dict.__getitem__  # map(_getitem, caches, values): one lookup a cell, in C
_is_str = str.__instancecheck__  # isinstance(v, str), as filter's test
#: a text of a row's texts, each after a NUL, is quoted (_quoted) — or, for a NUL in a
#: text, maybe: a row looked at cell by cell for nothing, never one missed (a literal
#: first character: the regex engine skips to each NUL, where "^|" made it try everywhere)
_QUOTED_IN = re.compile("\0[" + re.escape("".join(FORMULA_PREFIXES)) + "]").search
#: the same for texts each after a "\n" (_Texts.bulk's join: "\n" needs no escaping, NUL
#: does) — or maybe, for a text holding "\n"
_QUOTED_NL = re.compile("\n[" + re.escape("".join(FORMULA_PREFIXES)) + "]").search


def _ends(cache: dict, column) -> list[bytes]:
    """The ends of a column of cells of one style and kind of value (``cache``: their
    _Written), in C: at once (_Texts.bulk) or a lookup a cell."""
    out = cache.bulk(column) if cache.__class__ is _Texts else None
    return list(map(cache.__getitem__, column)) if out is None else out


def numbered(rows: range, entries) -> Iterator[tuple]:
    """``(row, its number as str and as bytes, entry)`` for each row of ``rows`` — how
    :meth:`RowsXml._whole` takes rows put whole."""
    return zip(rows, map(str, rows), map(b"%d".__mod__, rows), entries)


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
        """Whether no row of ``chunk`` can register a style (:meth:`_quiet_columns`)."""
        return self._quiet_columns(lambda: list(zip(*map(_first, chunk))),  # to the shortest
                                   list(map(id, map(_second, chunk))), watch)

    def _quiet_columns(self, columns, ids: list[int], watch: dict) -> bool:
        """Whether no row can register a style: each row's styles tuple (``ids``: theirs,
        one a row, or one for all) met before with no plain style missing, and no text
        quoted in a column whose quoted style is missing for the tuples of its rows (a text
        "-x" under a style whose quoted one is registered already changes nothing).
        ``columns()`` gives the rows' values a column at a time, asked for only when a text
        has to be looked at."""
        distinct = set(ids)
        #: column → the ids of the tuples whose quoted style there is missing
        cols: dict[int, set[int]] = {}
        for k in distinct:
            entry = watch.get(k)
            if entry is None or not entry[1]:
                return False  # a tuple not met yet, or one with a plain style missing
            for i, _, _, _ in entry[0]:
                cols.setdefault(i, set()).add(k)
        if not cols:
            return True
        columns = columns()
        if len(columns) <= max(cols):
            return False  # a short row: row by row, as _register_each stops at its end
        n = len(distinct)
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
        template a styles tuple, links tuple and the values' types. They come in chunks of
        :data:`_ROWS_PER_CHUNK` rows, each cut into runs of one shape (templates alike but
        for their cells' styles and kinds of value): a run is written a column at a time
        (:meth:`_run`, in C), or row by row (:meth:`_each`) when a row of it has a height
        of its own or a value written cell by cell. Their <hyperlink> elements go to
        ``lbuf`` (made in this pass: ``flush`` keeps them as bytes, about 13 MB for 160,000
        links, cheaper than another pass over the rows)."""
        heights = self.sp.row_heights
        templates = self._templates.setdefault((c0, cut, over), {})
        it = iter(rows)
        while True:
            chunk = list(islice(it, _ROWS_PER_CHUNK))
            if not chunk:
                return
            entries = list(map(_fourth, chunk))
            values = list(map(_first, entries))
            keys = list(zip(map(id, map(_second, entries)), map(id, map(_third, entries)),
                            map(tuple, map(map, repeat(type), values))))
            tpls = list(map(templates.get, keys))
            if None in tpls:
                for j, tpl in enumerate(tpls):
                    if tpl is None:
                        tpls[j] = self._template_of(templates, keys[j], entries[j], c0, cut,
                                                    over)
            start = 0
            for shape, same in groupby(map(id, map(_seventh, tpls))):  # runs of one shape
                end = start + len(tuple(same))
                tpl = tpls[start]
                if tpl[0] is None or heights and any(
                        map(heights.__contains__, map(_first, chunk[start:end]))):
                    for tpl, row in zip(tpls[start:end], chunk[start:end]):
                        self._each((row,), tpl, c0, cut, over, buf, lbuf)
                else:
                    self._run(chunk[start:end], values[start:end], tpls[start:end], cut, over,
                              buf, lbuf)
                start = end
            if len(buf) >= _ROWS_PER_CHUNK:
                yield flush()

    def _template_of(self, templates: dict, key: tuple, entry: tuple, c0: int, cut,
                     over: int) -> tuple:
        """The template of a row (``key``: its styles' and links' ids, its values' types):
        the same one for an int and a float (both written as numbers), so that a column of
        both is one run."""
        tpl = templates.get(key)
        if tpl is None:
            types = tuple(float if t is int else t for t in key[2])
            tpl = templates.get(key[:2] + (types,))
            if tpl is None:
                tpl = templates[key[:2] + (types,)] = self._template(
                    c0, entry[1], entry[2], types, cut, over)
            templates[key] = tpl
        return tpl

    def _run(self, rows: list, values: list, tpls: list[tuple], cut, over: int,
             buf: list[bytes], lbuf: list[str]) -> None:
        """Rows of one shape (``tpls``: their templates; no height of their own) to ``buf``,
        a column at a time: each cell's end looked up its value (in C, the cell's
        _Written), each row one join of its pieces with its number; links to ``lbuf``."""
        head, caches, pick, linked = tpls[0][:4]
        n = len(rows)
        there = values if pick is None else list(map(pick, values))  # the cells' values
        # a column of values a cell (zip(caches, …) stops at the last cell's)
        distinct = list({id(t): t for t in tpls}.values())
        cells = []
        for j, column in zip(range(len(caches)), zip(*there)):
            cache = caches[j]
            if all(t[1][j] is cache for t in distinct):  # one style and kind of value
                cells.append(_ends(cache, column))
            else:  # each row its template's (another style or kind of value)
                cells.append(list(map(_getitem, map(itemgetter(j), map(_second, tpls)),
                                      column)))
        buf += map(bytes.join, map(_third, rows),
                   zip(*(repeat(h, n) for h in head), *cells))
        if linked:
            self._run_links(linked, lambda i: list(map(itemgetter(i), values)),
                            map(_second, rows), lambda: rows, cut, over, lbuf)

    def _run_links(self, linked: tuple, texts_of, rss, rows, cut, over: int,
                   lbuf: list[str]) -> None:
        """The <hyperlink> elements of a run of rows (``linked``: their template's linked
        cells) to ``lbuf``: an "Ô nguồn" column at once (:meth:`_self_links`, on
        ``texts_of(i)``, the run's values of cell ``i``, and ``rss``, its row numbers as
        str), else row by row (:meth:`_links`, on ``rows()``)."""
        if len(linked) == 1 and linked[0][2] is SELF_LINK:
            i, col, _ = linked[0]
            if self._self_links(texts_of(i), col, rss, cut, over, lbuf):
                return
        self._links(rows(), linked, cut, over, lbuf)

    def _self_links(self, texts: list[str], col: str, rss, cut, over: int,
                    lbuf: list[str]) -> bool:
        """The links of a column of texts each linking to itself ("Sheet!A1", one sheet
        known), in C, as one string: False (nothing done) when one is another (cut,
        another sheet, not a cell). Each text is its link's display as it is (the
        sheet's pieces need no escaping, a cell's letters and digits none): only its
        cell is cut out, after the one prefix all share."""
        if not texts or cut is not None and max(map(len, texts)) > over:
            return False
        sheet = texts[0].rpartition("!")[0]
        known = self._loc_prefix.get(sheet)
        if known is None:
            return False
        prefix = sheet + "!"
        if not all(map(str.startswith, texts, repeat(prefix))):
            return False
        cells = list(map(itemgetter(slice(len(prefix), None)), texts))
        if not all(map(str.isalnum, cells)):  # (no "!": the same sheet for each)
            return False
        lbuf.append("".join(chain.from_iterable(zip(
            repeat(f'<hyperlink ref="{col}'), rss, repeat(f'" location={known[0]}'), cells,
            repeat('" display="'), texts, repeat('"/>')))))
        return True

    def _links(self, rows, linked: tuple, cut, over: int, lbuf: list[str]) -> None:
        """The <hyperlink> elements of rows' ``linked`` cells (their template's), row by
        row, to ``lbuf``."""
        prefixes = self._loc_prefix
        long = sys.maxsize if cut is None else over
        for _, rs, _, (values, _, _) in rows:
            for i, col, link in linked:
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

    def _each(self, rows: list, tpl: tuple, c0: int, cut, over: int, buf: list[bytes],
              lbuf: list[str]) -> None:
        """Rows of one template row by row: through the general path (a value of another
        type), or with a height of their own."""
        heights = self.sp.row_heights
        head, caches, pick, linked = tpl[:4]
        for r, rs, rb, (values, styles, _) in rows:
            if head is None:  # a value of another type: cell by cell, the general path
                row = self._general_row(c0, r, cut_values(values, cut, over),
                                        styles).encode()
            elif pick is None:  # every cell there: the row number between the pieces
                row = rb.join((*head, *map(_getitem, caches, values)))
            else:
                row = rb.join((*head, *map(_getitem, caches, pick(values))))
            if r in heights:
                row = (b'<row r="%b" ht="%b" customHeight="1">' % (rb, _num(heights[r]).encode())
                       + row[len(rb) + 10:])
            buf.append(row)
        if linked:
            self._links(rows, linked, cut, over, lbuf)

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
            return None, (), None, tuple(linked), styles, row_links, None
        if not cells:
            head = (b'<row r="', b'"></row>')
            return head, (), None, (), styles, row_links, self._shape((head, (), ()))
        head = (b'<row r="', f'"><c r="{cells[0][1]}'.encode())
        caches = []
        for j, (i, col, st, kind) in enumerate(cells):
            after = f'<c r="{cells[j + 1][1]}' if j + 1 < len(cells) else "</row>"
            caches.append(self._written_of(st, kind, after, cut, over))
        if all(c[0] == j for j, c in enumerate(cells)):  # no gap (map stops at the last)
            pick = None
        elif len(cells) == 1:
            pick = (lambda i: lambda values: (values[i],))(cells[0][0])
        else:
            pick = itemgetter(*(c[0] for c in cells))
        shape = self._shape((head, tuple(c[0] for c in cells), tuple(linked)))
        return head, tuple(caches), pick, tuple(linked), styles, row_links, shape

    def _shape(self, key: tuple) -> tuple:
        """One object for the rows of templates alike but for their cells' styles and kinds
        of value (their head, the indices of their cells, their links): written together."""
        return self._shapes.setdefault(key, key)

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

    def _written_of(self, st: Style | None, kind: type, after: str, cut, over: int) -> dict:
        """The _Written of one style and kind of value followed by ``after``, made once a
        writing (:meth:`_cells`)."""
        key = (id(st), kind, after, cut, over)
        written = self._written.get(key)
        if written is None:
            written = self._written[key] = self._cells(st, kind, after, cut, over)
        return written

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
