"""The sheet scan that looks only where something is: what calamine does not give
(percent-formatted cells, formulas without a cached value, error cells, hidden rows and
columns) found by searching for its marks (``s="9"`` of a percent style, ``<f``, ``t="e"``,
``hidden=``) and reading just those cells — nothing per ordinary cell. The size guard of
the reader gets bounds instead of counts: the ``<dimension>`` box, checked with one
regular-expression pass to hold every cell, and the number of shared-string cells.

:func:`scan_sheet_sparse` declines (returns None) any sheet in a shape these searches do
not read exactly (the shapes :func:`~thidua_xl.io.ooxml_meta.scan_sheet_bytes` declines,
or a missing or wrong ``<dimension>``); the caller then takes the exact scans.
"""
from __future__ import annotations

import re

from .grid import col_index, col_letter
from .budget import _SPACED  # (the budget check's: it saw the same bytes)
from .sheet_meta import DENSE_AREA_LIMIT, SheetMeta

#: a filled cell's value text: <v>…</v> (or an empty <v/>)
_V = re.compile(rb"<v(?:\s[^>]*)?(?:/>|>([^<]*)</v>)")
_ATTR = re.compile(rb'([A-Za-z:]+)="([^"]*)"')
_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})$")
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})'
                        rb'([0-9]{1,7}))?"')
_FORMULA = re.compile(rb"<f[\s>/]")
#: a style index written in a way the searches for ' s="9"' would miss ("09", "9.0")
_ODD_STYLE = re.compile(rb'\ss="(?:0[0-9]|[0-9]*[^0-9"])')
#: the same after a space: on bytes whose tabs and line breaks are spaces and that hold no
#: other white space (form feed, vertical tab), a literal start the search skips to
_ODD_STYLE_SPACED = re.compile(rb' s="(?:0[0-9]|[0-9]*[^0-9"])')
_TRUE = frozenset({b"1", b"true", b"True", b"TRUE"})
_AS_SPACE = bytes.maketrans(b"\t\n\r", b"   ")


def _span(lo: str, hi: str, first: str, last: str) -> str:
    """A pattern of the tokens as long as ``lo`` and ``hi`` lying between them (inclusive),
    over the characters ``first``..``last``."""
    if not lo:
        return ""
    a, b, rest = lo[0], hi[0], len(lo) - 1
    if a == b:
        return re.escape(a) + _span(lo[1:], hi[1:], first, last)
    tail = ("" if not rest else f"[{first}-{last}]" if rest == 1
            else f"[{first}-{last}]{{{rest}}}")
    # lo's first character takes every rest when lo's rest is the least one, and so
    # does hi's when its rest is the greatest: those join the range in between
    whole_lo, whole_hi = lo[1:] == first * rest, hi[1:] == last * rest
    m1 = a if whole_lo else chr(ord(a) + 1)
    m2 = b if whole_hi else chr(ord(b) - 1)
    alts = [] if whole_lo else [a + _span(lo[1:], last * rest, first, last)]
    if m1 <= m2:
        alts.append((re.escape(m1) if m1 == m2 else f"[{m1}-{m2}]") + tail)
    if not whole_hi:
        alts.append(b + _span(first * rest, hi[1:], first, last))
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _between(lo: str, hi: str, first: str, last: str, lead: str) -> str:
    """A pattern of the tokens from ``lo`` to ``hi`` where a longer token is a greater one
    (row numbers without leading zeros, ``lead`` "1"; column letters, ``lead`` "A"). The
    longest first: most cells of a sheet have them, and the first branch then holds."""
    alts = []
    for k in range(len(hi), len(lo) - 1, -1):
        a = lo if k == len(lo) else lead + first * (k - 1)
        b = hi if k == len(hi) else last * k
        alts.append(_span(a, b, first, last))
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def outside_box(r1: int, c1: int, r2: int, c2: int) -> re.Pattern[bytes]:
    """A pattern finding any cell start tag without ``r`` as its first attribute, or with
    one that is not a cell of rows r1..r2 and columns c1..c2 written plainly (capitals,
    then the row without leading zeros).

    Written as "not followed by a reference inside the box" (one negative lookahead that
    walks the reference once): half the time of listing the ways to lie outside, and a
    sheet holds a cell start tag per cell."""
    cols = _between(col_letter(c1), col_letter(c2), "A", "Z", "A")
    rows = _between(str(r1), str(r2), "0", "9", "1")
    return re.compile(f'<c(?:>| (?!r="{cols}{rows}"))'.encode())


def _cell_at(data: bytes, pos: int, lo: int) -> tuple[int, int, dict[bytes, bytes], int] | None:
    """The cell tag around ``pos``: (start of ``<c``, end of its start tag, attributes,
    end of the cell); None when ``pos`` is not inside a cell's start tag or content."""
    k = data.rfind(b"<c ", lo, pos)
    if k < 0:
        return None
    e = data.find(b">", k)
    if e < 0:
        return None
    attrs = dict(_ATTR.findall(data, k + 3, e))
    if data[e - 1:e] == b"/":  # <c …/>: an empty cell
        return (k, e, attrs, e + 1) if pos < e else None
    end = data.find(b"</c>", e)
    if end < 0 or end < pos:
        return None
    return k, e, attrs, end


def _marked(data: bytes, pos: int, lo: int):
    """The cell whose start tag holds ``pos``: (position, end of the start tag, attributes,
    end of the cell); None when ``pos`` is not in a cell's start tag or the cell has no
    position (the scan then declines)."""
    found = _cell_at(data, pos, lo)
    if found is None or found[1] < pos:
        return None
    _, e, attrs, end = found
    cell = _position(attrs)
    return None if cell is None else (cell, e, attrs, end)


def _position(attrs: dict[bytes, bytes]) -> tuple[int, int] | None:
    m = _REF.match(attrs.get(b"r", b""))
    if not m:
        return None
    row, col = int(m.group(2)), col_index(m.group(1).decode("ascii"))
    return (row, col) if 1 <= row <= 1_048_576 and 1 <= col <= 16_384 else None


def scan_sheet_sparse(data: bytes, name: str, percent_xfs: set[int],
                      seen: tuple[int, bool] | None = None):
    """The :class:`~thidua_xl.io.ooxml_meta.SheetMeta` of a sheet, its ``bbox`` the sheet's
    checked ``<dimension>`` and ``cells``/``shared_cells`` upper bounds; None to decline.

    ``seen``: what the budget check (:func:`~thidua_xl.io.budget.inspect_package`) found
    in these very bytes — a bound of the cells (every ``<c``) and whether an "=" has a
    space beside it — so that those two passes are not made again."""
    bounds = sparse_bounds(data, name, percent_xfs, seen)
    return None if bounds is None else sparse_details(bounds, data, percent_xfs)


def sparse_bounds(data: bytes, name: str, percent_xfs: set[int],
                  seen: tuple[int, bool] | None = None):
    """The first half of :func:`scan_sheet_sparse`: the sheet's bounds (its checked
    ``<dimension>`` box, cells, shared-string cells) as a :class:`SheetMeta` with the
    bytes it searched and where its cells lie, ``(meta, searched, lo, hi)``; None to
    decline. One pass over every cell's reference; what a reader needs before it may
    materialise the sheet."""
    if 0 in percent_xfs:
        return None  # every cell without a style would be a percent one
    # searched with tabs and line breaks as spaces (the same positions, one pattern each)
    # (a sheet written on one line has none: no copy then — three byte searches cost less)
    t = data.translate(_AS_SPACE) if b"\n" in data or b"\r" in data or b"\t" in data \
        else data
    n = t.count
    lo = t.find(b"<sheetData")
    if (lo < 0 or (b"!" in t and b"<!" in t) or (n(b"?") > 2 and n(b"<?") > 1)
            or (b"'" in t or (seen[1] if seen else _SPACED.search(t))) and (
                n(b"=") != n(b'="') or b' ="' in t)):
        return None
    hi = t.find(b"</sheetData>", lo)
    hi = len(t) if hi < 0 else hi
    dim = _DIMENSION.search(t, 0, lo)
    if dim is None:
        return None
    a, b, c, d = dim.groups()
    r1, c1 = int(b), col_index(a.decode())
    r2, c2 = (int(d), col_index(c.decode())) if c else (r1, c1)
    if not (1 <= r1 <= r2 <= 1_048_576 and 1 <= c1 <= c2 <= 16_384):
        return None
    if (r2 - r1 + 1) * (c2 - c1 + 1) > DENSE_AREA_LIMIT:
        return None  # a box that large: the exact scan says whether it is filled
    if outside_box(r1, c1, r2, c2).search(t, lo, hi):
        return None  # a cell without r first, or outside its <dimension>
    meta = SheetMeta(name, exact=False)
    cells = seen[0] if seen else n(b"<c ", lo, hi)
    meta.cells = cells
    meta.bbox = (r1, c1, r2, c2) if cells else None
    meta.shared_cells = n(b't="s"', lo, hi) if cells else 0
    return meta, t, lo, hi


def sparse_details(bounds: tuple, data: bytes, percent_xfs: set[int]):
    """The rest of :func:`scan_sheet_sparse` after :func:`sparse_bounds` (``bounds``, what
    it gave for ``data``): the cells it reports (formulas without a value, errors, percent
    cells, hidden rows and columns) added to its meta; None to decline. Nothing here
    changes the bounds: a reader may rely on them (the size guard) before this runs."""
    meta, t, lo, hi = bounds
    if _formulas(t, lo, hi, meta) is None or _errors(t, data, lo, hi, meta) is None:
        return None
    if percent_xfs and _percent(t, lo, hi, percent_xfs, meta) is None:
        return None
    if b"hidden=" in t and _hidden(t, lo, hi, meta) is None:
        return None
    return meta


class _ColumnOf(dict):
    """Column letters (bytes, read off a match) → the column's index, each once."""

    __slots__ = ()

    def __missing__(self, letters: bytes) -> int:
        col = self[letters] = col_index(letters.decode("ascii"))
        return col


#: a <v>, <is> or <f> element (not another whose name starts so)
_VALUE_TAG = re.compile(rb"<(?:v|is|f)[\s>/]")


def _has_value(data: bytes, e: int, end: int) -> bool:
    """Whether a cell's content (after its start tag ``e``) has a <v>, <is> or <f>."""
    return end > e + 1 and _VALUE_TAG.search(data, e, end) is not None


#: a cell holding a formula in the two shapes Excel and most writers give it: a <v> with
#: text after the <f> (cached: nothing to report), or nothing after it (no cached value);
#: the reference read off the match (the bounds proved every cell starts so)
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: [^>]*)?(?<!/)> *'
                           rb'<f(?:[ /][^>]*)?(?:/>|>[^<]*</f>) *(?:<v>([^<]+)</v> *)?</c>')


def _formulas(data: bytes, lo: int, hi: int, meta) -> bool | None:
    """Formulas without a cached value: a <f> whose cell has no <v> text (a <v> of a
    text-typed cell counts even when empty).

    First the cells of :data:`_FORMULA_CELL`'s two shapes, one pattern over the sheet:
    when they hold every <f> of it, what they say is the answer; else each <f> is looked
    at in its cell, as the shapes do not say."""
    n = data.count
    formulas = n(b"<f>", lo, hi) + n(b"<f ", lo, hi) + n(b"<f/", lo, hi)
    if not formulas:
        return True
    found = _FORMULA_CELL.findall(data, lo, hi)
    if len(found) == formulas:
        cols = _ColumnOf()
        meta.uncached.update((int(digits), cols[letters])
                             for letters, digits, cached in found if not cached)
        return True
    del found
    last = -1
    for m in _FORMULA.finditer(data, lo, hi):
        found = _cell_at(data, m.start(), lo)
        if found is None:
            return None
        k, e, attrs, end = found
        if k == last:
            continue
        last = k
        cell = _position(attrs)
        if cell is None:
            return None
        v = _V.search(data, e, end)
        if v is not None and v.start() < m.start():
            return None  # a value before its formula
        typ = attrs.get(b"t", b"n")
        if v is None or (not v.group(1) and typ not in (b"str", b"s", b"inlineStr")):
            meta.uncached.add(cell)
    return True


def _errors(data: bytes, raw: bytes, lo: int, hi: int, meta) -> bool | None:
    """Error cells (``t="e"``): their text (from ``raw``, the sheet as written; ``data``
    is it with tabs and line breaks as spaces), which calamine returns as blank."""
    pos = data.find(b't="e"', lo, hi)
    while pos >= 0:
        found = _marked(data, pos, lo)
        if found is None:
            return None
        cell, e, _, end = found
        v = _V.search(data, e, end)
        text = raw[v.start(1):v.end(1)] if v is not None and v.group(1) else b""
        if b"&" in text:
            return None
        text = text.decode("utf-8", "replace").strip()
        if text:
            meta.errors[cell] = text
        pos = data.find(b't="e"', end, hi)
    return True


def _percent(data: bytes, lo: int, hi: int, pxf: set[int], meta) -> bool | None:
    """Cells with a value or formula whose style is a percent format.

    One pattern finds each such cell's start tag and what follows it: the bounds
    (:func:`sparse_bounds`) proved that every cell starts ``<c r="A1"`` with its reference
    written plainly, so the reference is read off the match. The cell has a value when
    its first child is ``<v``, ``<f`` or ``<is`` (the schema's order), none when it is
    empty; any other content is searched as the cell's own bytes."""
    odd = _ODD_STYLE if b"\f" in data or b"\v" in data else _ODD_STYLE_SPACED
    if odd.search(data, lo, hi):
        return None
    cells = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*? s="(?:%s)"[^>]*?(/?)> *'
                       rb'(<(?:[vf]|is)[ >/]|</c>)?'
                       % b"|".join(b"%d" % i for i in sorted(pxf)))
    add, cols = meta.percent.add, _ColumnOf()
    for m in cells.finditer(data, lo, hi):
        letters, digits, closed, child = m.groups()
        if closed:
            continue  # <c …/>: no value
        if child is None:  # something else first: the content as it is
            e = m.end(3)
            end = data.find(b"</c>", e)
            if end < 0:
                return None
            if not _has_value(data, e, end):
                continue
        elif child == b"</c>":
            continue
        add((int(digits), cols[letters]))
    return True


def _hidden(data: bytes, lo: int, hi: int, meta) -> bool | None:
    """Hidden rows (``<row r=… hidden="1">``) and columns (``<col min max hidden>`` inside
    <cols>, before the cells)."""
    pos = data.find(b"hidden=")
    while pos >= 0:
        tag = data.rfind(b"<", 0, pos)
        e = data.find(b">", pos)
        attrs = dict(_ATTR.findall(data, tag, e))
        if attrs.get(b"hidden") in _TRUE:
            if data[tag:tag + 5] == b"<row ":
                if not lo < tag < hi or not attrs.get(b"r", b"").isdigit():
                    return None
                row = int(attrs[b"r"])
                if not 0 < row <= 1_048_576:
                    return None
                meta.hidden_rows.add(row)
            elif data[tag:tag + 5] == b"<col ":
                if tag > lo or data.rfind(b"<cols", 0, tag) < 0:
                    return None
                try:
                    first = max(1, int(attrs.get(b"min", b"0")))
                    last = min(16_384, int(attrs[b"max"])) if b"max" in attrs else first
                except ValueError:
                    return None
                meta.hidden_cols.update(range(first, last + 1))
            elif lo < tag < hi:
                return None  # hidden= on something else inside the cells
        pos = data.find(b"hidden=", e)
    return True
