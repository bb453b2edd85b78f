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


def _agree(paths) -> tuple[int, int]:
    fast_n = total = 0
    for path in paths:
        try:
            sheets = list(_sheets(path))
        except Exception:  # noqa: BLE001 - broken packages are the readers' business
            continue
        for name, data, pxf in sheets:
            try:
                slow = scan_sheet_stream(io.BytesIO(data), name, pxf, merges=False)
            except Exception:  # noqa: BLE001 - expat refuses it: the byte path must too
                assert scan_sheet_bytes(data, name, pxf) is None, (path, name)
                continue
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
