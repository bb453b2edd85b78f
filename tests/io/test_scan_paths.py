"""The byte path of the sheet scan (regular expressions over a plain sheet) must report
exactly what the expat scan reports, or decline. Checked on every worksheet of the real
corpus (../shared/corpora), the bundled examples and sheets built here in odd shapes."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.corpus_sweep import corpora_root
from thidua_xl.io import ooxml_meta
from thidua_xl.io.ooxml_meta import scan_sheet_bytes, scan_sheet_stream

REPO = Path(__file__).resolve().parents[2]


def _both(data: bytes, pxf: set[int]):
    fast = scan_sheet_bytes(data, "S", pxf)
    slow = scan_sheet_stream(io.BytesIO(data), "S", pxf, merges=False)
    return fast, slow


def _sheets(path: Path):
    with zipfile.ZipFile(path) as zf:
        index = ooxml_meta.member_index(zf)
        sheets, pxf = ooxml_meta.list_sheets(zf, index)
        for sp in sheets:
            if sp.kind == "worksheet" and sp.part:
                info = zf.getinfo(sp.part)
                if info.file_size <= 8 * 1024 * 1024:
                    yield sp.name, zf.read(sp.part), pxf


def _each_sheet(paths, declines):
    """(path, name, data, percent styles, the expat scan) of every worksheet of ``paths``;
    where expat refuses a sheet, ``declines(data, name, pxf)`` must hold."""
    for path in paths:
        try:
            sheets = list(_sheets(path))
        except Exception:  # noqa: BLE001 - broken packages are the readers' business
            continue
        for name, data, pxf in sheets:
            try:
                slow = scan_sheet_stream(io.BytesIO(data), name, pxf, merges=False)
            except Exception:  # noqa: BLE001 - expat refuses it: the fast paths must too
                assert declines(data, name, pxf), (path, name)
                continue
            yield path, name, data, pxf, slow


def _agree(paths) -> tuple[int, int]:
    fast_n = total = 0
    for path, name, data, pxf, slow in _each_sheet(
            paths, lambda d, n, p: scan_sheet_bytes(d, n, p) is None):
        fast = scan_sheet_bytes(data, name, pxf)
        total += 1
        if fast is not None:
            fast_n += 1
            assert fast == slow, (path, name)
    return fast_n, total


def test_examples_take_the_byte_path_with_the_same_result():
    books = sorted((REPO / "workbooks").rglob("*.xlsx"))
    fast_n, total = _agree(books)
    assert total >= 20 and fast_n >= total // 2
    # the only sheets left to expat have formulas, percent cells or an "=" in a text
    for path in books:
        for name, data, pxf in _sheets(path):
            if scan_sheet_bytes(data, name, pxf) is None:
                assert (b"<f>" in data or any(b's="%d"' % i in data for i in pxf)
                        or data.count(b"=") != data.count(b'="')), (path, name)


@pytest.mark.skipif(not corpora_root().is_dir(), reason="../shared/corpora is absent")
def test_corpus_byte_path_agrees_with_expat_or_declines():
    files = sorted(p for p in corpora_root().rglob("*") if p.suffix.lower() in
                   (".xlsx", ".xlsm") and p.is_file())
    fast_n, total = _agree(files)
    assert total > 500 and fast_n > 100  # both paths exercised on real files


HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
        b'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
TAIL = b"</sheetData></worksheet>"


@pytest.mark.parametrize("body,declines", [
    (b'<row r="2"><c r="B2" s="1"><v>1</v></c><c r="C2" s="1"/></row>', False),
    (b'<row r="3"><c r="AA3" t="s"><v>0</v></c><c r="A9" t="inlineStr"><is><t>x</t></is></c>'
     b"</row>", False),
    (b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>', True),        # formula
    (b'<row r="1"><c r="A1" t="e"><v>#N/A</v></c></row>', True),          # error cell
    (b'<row r="1" hidden="1"><c r="A1"><v>1</v></c></row>', True),        # hidden row
    (b'<row r="1"><c r="A1" s="2"><v>0.5</v></c></row>', True),           # percent style
    (b'<row r="1"><c s="1" r="A1"><v>1</v></c></row>', True),             # r not first
    (b'<row r="1"><c><v>1</v></c></row>', True),                          # no r at all
    (b"<row r='1'><c r='A1' t='s'><v>0</v></c></row>", True),             # single quotes
    (b'<row r="1"><c r="A1" t ="e"><v>#N/A</v></c></row>', True),         # spaced attribute
    (b'<row r="1"><c r="A1"><is><t>a = b</t></is></c></row>', True),      # "=" in a text
    (b'<row r="1"><c r="A1"></c><c r="B1"><v>1</v></c></row>', False),     # empty, not filled
    (b'<row r="1"><c r="A1">\n  <v>1</v>\n</c></row>', False),            # pretty-printed
    (b'<!-- <c r="A1"><v>1</v></c> --><row r="1"/>', True),                # comment
])
def test_odd_sheets(body, declines):
    data = HEAD + body + TAIL
    fast, slow = _both(data, {2})
    if declines:
        assert fast is None
    else:
        assert fast == slow and fast is not None


# -- the sparse scan (io.ooxml_sparse): the same findings, bounds for the size ------------
def _sparse_agrees(data: bytes, name: str, pxf: set[int], slow) -> bool:
    """Whether the sparse scan declined (False) or agreed with the expat scan (True)."""
    from thidua_xl.io.ooxml_sparse import scan_sheet_sparse

    fast = scan_sheet_sparse(data, name, pxf)
    if fast is None:
        return False
    assert not fast.exact
    for what in ("percent", "uncached", "errors", "hidden_rows", "hidden_cols"):
        assert getattr(fast, what) == getattr(slow, what), what
    assert fast.cells >= slow.cells and fast.shared_cells >= slow.shared_cells
    if slow.bbox is not None:
        (a, b, c, d), (e, f, g, h) = fast.bbox, slow.bbox
        assert a <= e and b <= f and c >= g and d >= h  # the bound holds the box
    return True


def _sparse_sweep(paths) -> tuple[int, int]:
    from thidua_xl.io.ooxml_sparse import scan_sheet_sparse

    taken = total = 0
    for _, name, data, pxf, slow in _each_sheet(
            paths, lambda d, n, p: scan_sheet_sparse(d, n, p) is None):
        total += 1
        taken += _sparse_agrees(data, name, pxf, slow)
    return taken, total


def test_examples_sparse_scan_agrees_with_expat():
    books = sorted((REPO / "workbooks").rglob("*.xlsx"))
    taken, total = _sparse_sweep(books)
    assert total >= 20 and taken >= total * 3 // 4  # formulas and percents included


@pytest.mark.skipif(not corpora_root().is_dir(), reason="../shared/corpora is absent")
def test_corpus_sparse_scan_agrees_with_expat_or_declines():
    files = sorted(p for p in corpora_root().rglob("*") if p.suffix.lower() in
                   (".xlsx", ".xlsm") and p.is_file())
    taken, total = _sparse_sweep(files)
    assert total > 500 and taken > 100


SPARSE_BODIES = [
    b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f>A1</f></c>'
    b'<c r="C1" t="str"><f>""</f><v></v></c><c r="D1"><f t="shared" si="0"/><v/></c></row>',
    b'<row r="2"><c r="A2" t="e"><v>#N/A</v></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v>'
    b'</c><c r="C2" t="e"><v></v></c></row>',
    b'<row r="3" hidden="1"><c r="A3"><v>1</v></c></row><row r="4" hidden="0" s="2" '
    b'customFormat="1"><c r="B4" s="2"><v>0.5</v></c><c r="C4" s="2"/></row>',
    b'<row r="5"><c r="A5" s="2"><f>B4</f></c><c r="AB5" s="12"><v>1</v></c></row>',
]


@pytest.mark.parametrize("body", SPARSE_BODIES)
def test_sparse_scan_on_marked_cells(body):
    dim = b'<dimension ref="A1:AB5"/>'
    data = HEAD.replace(b"<sheetData>", dim + b"<sheetData>") + body + TAIL
    slow = scan_sheet_stream(io.BytesIO(data), "S", {2}, merges=False)
    assert _sparse_agrees(data, "S", {2}, slow)
    assert slow.uncached or slow.errors or slow.hidden_rows or slow.percent


#: percent-styled cells (style 2) in every shape a cell's content takes: read off the
#: pattern where its first child says (a value, none), from the content otherwise
PERCENT_CELLS = (
    b'<row r="1"><c r="A1" s="2"><v>0.5</v></c><c r="B1" s="2"/><c r="C1" s="2"></c>'
    b'<c r="D1" s="2"> </c><c r="E1" s="2" t="inlineStr"><is><t>x</t></is></c></row>'
    b'<row r="2" s="2" customFormat="1"><c r="A2" s="2"><f>A1</f></c><c r="B2" t="n" s="2" '
    b'cm="1"><v>1</v></c><c r="C2" s="12"><v>1</v></c><c r="D2" s="22"><v>1</v></c>'
    b'<c r="E2" s="2">\n  <v>1</v></c></row>'
    b'<row r="3"><c r="A3" s="2"><extLst/><v>1</v></c><c r="B3" s="2"><extLst/></c>'
    b'<c r="C3" s="2"><vm/></c><c r="AB3" s="2" t="s"><v>0</v></c></row>')


@pytest.mark.parametrize("pxf", [{2}, {2, 12}, {12, 22}])
def test_sparse_scan_percent_cells_of_every_shape(pxf):
    dim = b'<dimension ref="A1:AB3"/>'
    data = HEAD.replace(b"<sheetData>", dim + b"<sheetData>") + PERCENT_CELLS + TAIL
    slow = scan_sheet_stream(io.BytesIO(data), "S", pxf, merges=False)
    assert _sparse_agrees(data, "S", pxf, slow)
    if pxf == {2}:
        assert slow.percent == {(1, 1), (1, 5), (2, 1), (2, 2), (2, 5), (3, 1), (3, 28)}


#: formula cells: the two shapes read off one pattern (a cached value; none), and others
#: that send the sheet to the cell-by-cell look (an empty <v>, a value before its formula)
FORMULA_CELLS = [
    b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" s="3"><f t="shared" ref="B1:B2" '
    b'si="0">A1</f><v>2</v></c><c r="C1" t="str"><f>"x"</f><v>x</v></c></row>'
    b'<row r="2"><c r="B2" s="3"><f t="shared" si="0"/><v>2</v></c><c r="C2"><f>A1</f></c>'
    b'<c r="D2"><f/></c><c r="E2">\n  <f>A1</f>\n  <v>2</v>\n</c></row>',
    b'<row r="1"><c r="A1"><f>1</f><v>1</v></c><c r="B1" t="str"><f>""</f><v></v></c>'
    b'<c r="C1"><f>A1</f><v/></c><c r="D1"><f>A1</f></c></row>',
    b'<row r="1"><c r="A1"><f>1</f><v>1</v></c><c r="B1"><v>1</v><f>A1</f></c></row>',
]


@pytest.mark.parametrize("body", FORMULA_CELLS)
def test_sparse_scan_formula_cells_of_every_shape(body):
    data = HEAD.replace(b"<sheetData>", b'<dimension ref="A1:E2"/><sheetData>') + body + TAIL
    slow = scan_sheet_stream(io.BytesIO(data), "S", set(), merges=False)
    agrees = _sparse_agrees(data, "S", set(), slow)
    assert agrees is (body is not FORMULA_CELLS[2])  # a value before its formula: declined
    if body is FORMULA_CELLS[0]:
        assert slow.uncached == {(2, 3), (2, 4)}


@pytest.mark.parametrize("space", [b" ", b"\t", b"\n", b"\f"])
def test_sparse_scan_declines_a_style_written_oddly(space):
    """s="02" would be missed by the search for s="2": the scan declines, whatever white
    space stands before the attribute."""
    from thidua_xl.io.ooxml_sparse import scan_sheet_sparse

    body = b'<row r="1"><c r="A1"' + space + b's="02"><v>1</v></c></row>'
    data = HEAD.replace(b"<sheetData>", b'<dimension ref="A1"/><sheetData>') + body + TAIL
    assert scan_sheet_sparse(data, "S", {2}) is None
    assert scan_sheet_sparse(data.replace(b"02", b"3"), "S", {2}) is not None


@pytest.mark.parametrize("dim", [b'<dimension ref="A1:B4"/>', b'<dimension ref="B1:AB5"/>',
                                 b'<dimension ref="A1:AB4"/>', b""])
def test_sparse_scan_declines_a_dimension_that_does_not_hold_the_cells(dim):
    from thidua_xl.io.ooxml_sparse import scan_sheet_sparse

    data = HEAD.replace(b"<sheetData>", dim + b"<sheetData>") + SPARSE_BODIES[3] + TAIL
    assert scan_sheet_sparse(data, "S", {2}) is None


def test_outside_box_pattern():
    from thidua_xl.io.ooxml_sparse import outside_box

    pat = outside_box(3, 2, 803, 607)  # B3:WI803
    inside = [b"B3", b"WI803", b"Z99", b"AA500", b"WH803", b"B10"]
    outside = [b"A3", b"B2", b"WJ3", b"XA3", b"AAA3", b"B804", b"B1000", b"B0803", b"WI900"]
    for ref in inside:
        assert not pat.search(b'<c r="' + ref + b'"'), ref
    for ref in outside:
        assert pat.search(b'<c r="' + ref + b'"'), ref


def test_outside_box_pattern_against_every_nearby_cell():
    """The pattern is built from the box's bounds: each cell near a bound (and a few far
    ones) is inside exactly when the pattern does not find it."""
    import random

    from thidua_xl.io.grid import col_letter
    from thidua_xl.io.ooxml_sparse import outside_box

    rnd = random.Random(5)
    boxes = [(1, 1, 803, 607), (3, 2, 1803, 16384), (1, 1, 1, 1), (9, 26, 10, 27),
             (1, 1, 1_048_576, 16_384), (99, 700, 100_000, 703), (10, 1, 99, 26)]
    for _ in range(30):
        r1, c1 = rnd.choice([1, rnd.randint(1, 2000)]), rnd.choice([1, rnd.randint(1, 1000)])
        boxes.append((r1, c1, r1 + rnd.randint(0, 20_000), min(16_384, c1 + rnd.randint(0, 1500))))
    for r1, c1, r2, c2 in boxes:
        pat = outside_box(r1, c1, r2, c2)
        rows = {1, 9, 10, 99, 100, 999, 1000, r1 - 1, r1, r1 + 1, r2 - 1, r2, r2 + 1}
        cols = {1, 26, 27, 702, 703, 16_384, c1 - 1, c1, c1 + 1, c2 - 1, c2, c2 + 1}
        rows |= {rnd.randint(1, 3 * r2) for _ in range(10)}
        cols |= {rnd.randint(1, 3 * c2) for _ in range(10)}
        for r in (r for r in rows if r >= 1):
            for c in (c for c in cols if c >= 1):
                found = pat.search(f'<c r="{col_letter(c)}{r}" t="n">'.encode())
                assert (found is None) == (r1 <= r <= r2 and c1 <= c <= c2), (r1, c1, r2, c2, r, c)
        for odd in (b"<c>", b'<c t="s" r="A1">', b'<c r="A01">', b'<c r="a1">', b'<c r="">',
                    b'<c r="$A$1">'):
            assert pat.search(odd), odd  # not a plain reference: the scan declines
        for fine in (b'<col min="1" max="2"/>', b"<cols>", b"<c/>"):
            assert not pat.search(fine)
