"""Rows put as columns (``SheetPlan.put_columns``: "Chi tiết điểm", a part a unit) as
SpreadsheetML: :class:`ColumnsXml`, the part of :class:`~thidua_xl.io.sheet_xml.SheetXml`
that registers their styles and writes them from their columns — through the templates and
caches of :class:`~thidua_xl.io.sheet_rows.RowsXml`, so the bytes of the same rows put
whole — without a tuple a row: a table of 160,000 rows costs about 2.5 microseconds a row
(3 as rows). Parts it cannot write so (a value of a type written cell by cell, cells
there on some rows only, a row with a height of its own) are written as rows.
"""
from __future__ import annotations

from itertools import repeat
from operator import itemgetter

from .plan import SELF_LINK, rows_of_parts
from .sheet_rows import _NONE, _ROWS_PER_CHUNK, RowsXml, _ends, _getitem, numbered

#: rows of a part of ``SheetPlan.put_columns`` written at a time (a table given as one part
#: of 160,000 rows is not one list of 160,000 rows' bytes)
_PART_ROWS = 2048
_NUMBERS = frozenset((int, float))
#: the types of values written through a template (any other: cell by cell)
_WRITABLE = frozenset((str, int, float, bool, type(None)))
_NONE_ID = id(None)


class _CacheOf(dict):
    """(id(style), type of a value) → the _Written of a cell of that style and kind of value
    followed by ``after``, for a column of cells of more than one (``styles``: id → style):
    the one a template of the row's would use (:meth:`RowsXml._written_of`)."""

    __slots__ = ("rx", "styles", "after", "cut", "over")

    def __init__(self, rx: RowsXml, styles: dict, after: str, cut, over: int) -> None:
        super().__init__()
        self.rx, self.styles, self.after, self.cut, self.over = rx, styles, after, cut, over

    def __missing__(self, key: tuple) -> dict:
        sid, tp = key
        written = self[key] = self.rx._written_of(self.styles[sid], float if tp is int else tp,
                                                  self.after, self.cut, self.over)
        return written


class ColumnsXml(RowsXml):
    """:class:`~thidua_xl.io.sheet_rows.RowsXml` and the rows put as columns."""

    def _register_parts(self, parts, count: int, watch: dict) -> None:
        """The styles of ``count`` rows put as columns (``SheetPlan.put_columns``): a part
        that cannot register one (:meth:`_quiet_columns`, on its columns) is passed over, the
        others looked at row by row (:meth:`_register_each`) — as :meth:`_register_rows`
        does with chunks of rows, so the same styles in the same order."""
        for columns, styles, links in parts:
            if count <= 0:
                return
            n = min(map(len, columns))
            if n > count:
                columns = [c[:count] for c in columns]
                styles = styles[:count] if styles.__class__ is list else styles
                links = links[:count] if links.__class__ is list else links
                n = count
            count -= n
            ids = list(map(id, styles)) if styles.__class__ is list else [id(styles)]
            if not self._quiet_columns(lambda: columns, ids, watch):
                self._register_each(rows_of_parts(((columns, styles, links),)), watch)

    def _parted(self, parts, first: int, count: int, c0: int, cut, over: int,
                buf: list[bytes], lbuf: list[str], flush):
        """Rows put as columns (``SheetPlan.put_columns``' ``parts``; ``count`` rows from
        ``first`` on), :data:`_PART_ROWS` rows at a time: written a column at a time where
        they can be (:meth:`_columns`), else as rows through :meth:`_whole` (a row with a
        height of its own, a value of another type, rows of other shapes)."""
        heights = self.sp.row_heights
        templates = self._templates.setdefault((c0, cut, over), {})
        r, end = first, first + count
        for columns, styles, links in parts:
            if r >= end:
                return
            n = min(min(map(len, columns)), end - r)
            for a in range(0, n, _PART_ROWS):
                b = min(a + _PART_ROWS, n)
                cols = columns if a == 0 and all(len(c) == b for c in columns) else [
                    c[a:b] for c in columns]
                st = styles[a:b] if styles.__class__ is list else styles
                lk = links[a:b] if links.__class__ is list else links
                rows = range(r + a, r + b)
                if heights and any(map(heights.__contains__, rows)) or not self._columns(
                        cols, st, lk, rows, templates, c0, cut, over, buf, lbuf):
                    yield from self._whole(
                        numbered(rows, zip(zip(*cols),
                                           st if st.__class__ is list else repeat(st),
                                           lk if lk.__class__ is list else repeat(lk))),
                        c0, cut, over, buf, lbuf, flush)
                elif len(buf) >= _ROWS_PER_CHUNK:
                    yield flush()
            r += n

    def _columns(self, cols, styles, links, rows: range, templates: dict, c0: int, cut,
                 over: int, buf: list[bytes], lbuf: list[str]) -> bool:
        """Rows ``rows`` given as columns ``cols`` (``styles``, ``links``: one tuple for
        every row or a list, one a row) to ``buf`` and their links to ``lbuf``, as
        :meth:`_whole` writes them — the bytes of each cell its row's template's — a column
        at a time: each cell's end looked up its value (in C) in its column's _Written, or,
        in a column of cells of more than one style or kind of value, in each row's; each
        row one join of its pieces with its number. False (nothing written) when the rows
        are not all of one shape (the same cells there, the same links) or hold a value of
        a type written cell by cell."""
        if links.__class__ is list:
            if links.count(links[0]) != len(links):
                return False
            links = links[0]
        if styles.__class__ is list:
            by_id = dict(zip(map(id, styles), styles))  # the distinct tuples (in C)
            distinct = list(by_id.values())
            first = styles[0]
        else:
            distinct, first = [styles], styles
        if len(set(map(len, distinct))) != 1:
            return False
        m = min(len(cols), len(first))
        kinds, varying, types_of = [], {}, []
        for j in range(m):
            column = cols[j]
            types = set(map(type, column))
            if not types <= _WRITABLE:
                return False
            at_j = {id(t[j]): t[j] for t in distinct}
            if _NONE in types and _NONE_ID in at_j:  # a cell there on some rows only?
                if len(at_j) != 1 or len(types) != 1:
                    return False
            kind = type(column[0])
            kinds.append(float if kind is int else kind)
            if len(at_j) != 1 or (len(types) != 1 and types != _NUMBERS):
                varying[j] = at_j
            types_of.append(types)
        if links:
            for j in range(min(m, len(links))):  # a text links to itself, anything else not
                if links[j] is SELF_LINK and str in types_of[j] and len(types_of[j]) != 1:
                    return False
        key = (id(first), id(links), tuple(kinds))
        tpl = templates.get(key)
        if tpl is None:
            tpl = self._template_of(templates, key, (None, first, links), c0, cut, over)
        head, caches, _, linked = tpl[:4]
        if head is None:
            return False
        there = tpl[6][1]
        n = len(rows)
        cells = []
        for k, (cache, i) in enumerate(zip(caches, there)):
            column = cols[i]
            if i not in varying:
                cells.append(_ends(cache, column))
                continue
            after = (f'<c r="{self._letter(c0 + there[k + 1])}' if k + 1 < len(there)
                     else "</row>")
            of = _CacheOf(self, varying[i], after, cut, over)
            ids = (map(id, map(itemgetter(i), styles)) if styles.__class__ is list
                   else repeat(id(first[i])))
            cells.append(list(map(_getitem, map(of.__getitem__, zip(ids, map(type, column))),
                                  column)))
        buf += map(bytes.join, map(b"%d".__mod__, rows),
                   zip(*(repeat(h, n) for h in head), *cells))
        if linked:
            self._run_links(linked, cols.__getitem__, map(str, rows), lambda: numbered(
                rows, zip(zip(*cols), repeat(first), repeat(links))), cut, over, lbuf)
        return True
