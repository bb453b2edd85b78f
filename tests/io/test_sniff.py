"""sniff / ensure_readable / read_grid on files that are not readable workbooks."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from thidua_xl.errors import UnreadableWorkbook
from thidua_xl.io.readers import read_grid
from thidua_xl.io.sniff import ensure_readable, sniff

from ._make import cfb, rewrite_zip, zip_of

BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def _book(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Chấm điểm"
    ws["A1"] = "Mã"
    ws["B1"] = 1
    wb.save(path)
    return path


def _expect(path: Path, code: str, *words: str, read_code: str | None = None
            ) -> UnreadableWorkbook:
    """``ensure_readable`` (the gate of the .xlsx readers) refuses ``path`` with ``code``;
    ``read_grid`` with ``read_code`` (default the same: .xls/.xlsb/.ods pass the gate to
    calamine, so a broken one is refused by the reader)."""
    with pytest.raises(UnreadableWorkbook) as ei:
        ensure_readable(path)
    assert ei.value.code == code
    with pytest.raises(UnreadableWorkbook) as ei2:
        read_grid(path)
    assert ei2.value.code == (read_code or code)
    assert path.name in ei2.value.message
    exc = ei.value
    assert path.name in exc.message  # names the file
    assert exc.fix and exc.fix not in exc.message  # says how to fix, once (its own field)
    for w in words:  # in the message or in the fix
        assert w in exc.message + " " + exc.fix, (w, exc.message, exc.fix)
    return exc


def test_missing_file(tmp_path):
    _expect(tmp_path / "không có.xlsx", "file-not-found", "không tìm thấy")


def test_folder_is_not_a_file(tmp_path):
    d = tmp_path / "thư mục.xlsx"
    d.mkdir()
    _expect(d, "not-a-file")


def test_empty_file(tmp_path):
    p = tmp_path / "rỗng.xlsx"
    p.write_bytes(b"")
    _expect(p, "empty-file", "rỗng")


def test_encrypted_ooxml(tmp_path):
    p = cfb(tmp_path / "mật khẩu.xlsx", ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])
    assert sniff(p) == "encrypted"
    exc = _expect(p, "encrypted-workbook", "mật khẩu", "File > Info > Protect Workbook")
    assert "Encrypt" in exc.fix


def test_legacy_xls_even_named_xlsx(tmp_path):
    for name in ("cũ.xls", "cũ.xlsx"):
        p = cfb(tmp_path / name, ["Workbook", "\x05SummaryInformation"])
        assert sniff(p) == "xls"
        _expect(p, "xls-not-supported", ".xls", "Save As", read_code="read-failed")
    p = cfb(tmp_path / "excel5.xlsx", ["Book"])
    _expect(p, "xls-not-supported", read_code="read-failed")


def test_other_cfb_is_not_a_workbook(tmp_path):
    p = cfb(tmp_path / "word.xlsx", ["WordDocument", "1Table"])
    assert sniff(p) == "cfb"
    _expect(p, "not-a-workbook")


def test_xlsb(tmp_path):
    ct = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          b'content-types"><Override PartName="/xl/workbook.bin" ContentType="application/'
          b'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            b'Target="xl/workbook.bin"/></Relationships>')
    p = zip_of(tmp_path / "nhị phân.xlsx", {"[Content_Types].xml": ct, "_rels/.rels": rels,
                                           "xl/workbook.bin": b"\x83\x01\x00"})
    assert sniff(p) == "xlsb"
    _expect(p, "xlsb-not-supported", ".xlsb", read_code="read-failed")


def test_ods(tmp_path):
    p = zip_of(tmp_path / "libre.xlsx", {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": "<office:document-content/>"})
    assert sniff(p) == "ods"
    _expect(p, "ods-not-supported", ".ods", "LibreOffice", read_code="read-failed")


@pytest.mark.parametrize("content,kind", [
    ("STT,Tên đơn vị,Điểm\n1,Sở A,95\n2,Sở B,90\n".encode(), "csv"),
    ("STT;Tên đơn vị\n1;Sở A\n".encode("utf-8-sig"), "csv"),
    ("STT\tTên\n1\tSở A\n".encode("utf-16"), "csv"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
     b"</Workbook>", "xml2003"),
    ("Ghi chú: tệp này chỉ là văn bản.".encode(), "text"),
])
def test_text_given_as_xlsx(tmp_path, content, kind):
    p = tmp_path / "bảng.xlsx"
    p.write_bytes(content)
    assert sniff(p) == kind
    _expect(p, "not-a-workbook", "không phải sổ tính Excel")


def test_random_binary_is_not_a_zip(tmp_path):
    p = tmp_path / "ảnh.xlsx"
    p.write_bytes(bytes(range(256)) * 20)
    assert sniff(p) == "binary"
    _expect(p, "not-a-zip")


def test_truncated_zip(tmp_path):
    src = _book(tmp_path / "a.xlsx")
    data = src.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 30):
        p = tmp_path / f"cut{cut}.xlsx"
        p.write_bytes(data[:cut])
        assert sniff(p) == "corrupt-zip"
        _expect(p, "corrupt-zip", "hỏng")


def test_damaged_member(tmp_path):
    """A zip whose central directory is fine but a member's compressed bytes are garbage."""
    src = _book(tmp_path / "a.xlsx")
    data = bytearray(src.read_bytes())
    import zipfile

    with zipfile.ZipFile(src) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 2, start + min(info.compress_size - 2, 60)):
        data[i] ^= 0x5A
    p = tmp_path / "bad member.xlsx"
    p.write_bytes(bytes(data))
    with pytest.raises(UnreadableWorkbook) as ei:
        read_grid(p)
    assert ei.value.code in ("corrupt-zip", "malformed-xml", "read-failed")
    assert p.name in ei.value.message


def test_zip_without_workbook(tmp_path):
    p = zip_of(tmp_path / "thiếu.xlsx", {"docProps/app.xml": "<Properties/>"})
    assert sniff(p) == "missing-parts"
    _expect(p, "missing-parts", "xl/workbook.xml")


def test_docx_named_xlsx(tmp_path):
    p = zip_of(tmp_path / "văn bản.xlsx", {"word/document.xml": "<w:document/>",
                                          "[Content_Types].xml": "<Types/>"})
    _expect(p, "not-a-workbook", "Word")


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                    "xl/workbook.xml"])
def test_entity_expansion_is_refused(tmp_path, member):
    src = _book(tmp_path / "a.xlsx")
    import zipfile

    with zipfile.ZipFile(src) as z:
        names = z.namelist()
        body = z.read(member) if member in names else b"<sst/>"
    body = body.split(b"?>", 1)[-1] if body.startswith(b"<?xml") else body
    hostile = BOMB + body.replace(b"<c r=\"A1\" t=\"s\">", b"<c r=\"A1\" t=\"inlineStr\">")
    if member in names:
        p = rewrite_zip(src, tmp_path / "bom.xlsx", edits={member: hostile})
    else:
        p = rewrite_zip(src, tmp_path / "bom.xlsx", add={member: hostile})
    assert sniff(p) == "unsafe-xml"
    _expect(p, "unsafe-xml", "không an toàn")
    for reader in ("calamine", "openpyxl"):
        with pytest.raises(UnreadableWorkbook) as ei:
            read_grid(p, reader=reader)
        assert ei.value.code == "unsafe-xml"


def test_dtd_deep_in_sheet_is_refused_by_the_scan(tmp_path):
    """A DOCTYPE after a long XML prolog comment escapes the 2 KB peek: the streaming scan
    (and openpyxl's defusedxml) still refuse it."""
    from thidua_xl.io import ooxml_meta

    src = _book(tmp_path / "a.xlsx")
    import zipfile

    with zipfile.ZipFile(src) as z:
        body = z.read("xl/worksheets/sheet1.xml").split(b"?>", 1)[-1]
    hostile = (b'<?xml version="1.0"?>\n<!--' + b"x" * 5000 + b"-->" + BOMB.split(b"?>", 1)[1]
               + body)
    p = rewrite_zip(src, tmp_path / "deep.xlsx", edits={"xl/worksheets/sheet1.xml": hostile})
    with pytest.raises(UnreadableWorkbook) as ei:
        ooxml_meta.scan(p)
    assert ei.value.code == "unsafe-xml"
    for reader in ("auto", "openpyxl"):
        with pytest.raises(UnreadableWorkbook) as ei:
            read_grid(p, reader=reader)
        assert ei.value.code == "unsafe-xml", reader


def test_malformed_sheet_xml(tmp_path):
    src = _book(tmp_path / "a.xlsx")
    import zipfile

    with zipfile.ZipFile(src) as z:
        body = z.read("xl/worksheets/sheet1.xml")
    p = rewrite_zip(src, tmp_path / "gãy.xlsx",
                    edits={"xl/worksheets/sheet1.xml": body[: len(body) // 2]})
    with pytest.raises(UnreadableWorkbook) as ei:
        read_grid(p)
    assert ei.value.code in ("malformed-xml", "read-failed")
    assert "gãy.xlsx" in ei.value.message and ei.value.fix


def test_unknown_reader_is_usage_error(tmp_path):
    from thidua_xl.errors import UsageError

    with pytest.raises(UsageError):
        read_grid(_book(tmp_path / "a.xlsx"), reader="xlrd")


def test_readable_kinds(tmp_path):
    p = _book(tmp_path / "a.xlsx")
    assert sniff(p) == "xlsx" == ensure_readable(p)
    # detected by content, not by extension
    q = tmp_path / "không đuôi"
    q.write_bytes(p.read_bytes())
    assert sniff(q) == "xlsx"
    g = read_grid(q)
    assert g.sheets[0].values[(1, 2)] == 1
    g = read_grid(q, reader="openpyxl")
    assert g.sheets[0].values[(1, 2)] == 1


@pytest.mark.parametrize("name, renamed", [("so.csv", False), ("so.xlsx", True)])
def test_a_csv_is_called_renamed_only_under_an_excel_name(tmp_path, name, renamed):
    """A real .csv is a CSV file; the same bytes named .xlsx were renamed (the fix is the
    same: save it from Excel as a workbook)."""
    from thidua_xl.errors import UnreadableWorkbook
    from thidua_xl.io.sniff import ensure_readable

    p = tmp_path / name
    p.write_bytes("STT,Tên đơn vị\n1,Sở A\n".encode())
    with pytest.raises(UnreadableWorkbook) as e:
        ensure_readable(p)
    assert e.value.code == "not-a-workbook" and "CSV" in e.value.message
    assert ("đổi tên" in e.value.message) is renamed


# -- the sheets the budget check inflates whole, kept for the calamine reader's scan --------
def _lying_sheet(tmp_path: Path) -> Path:
    """A workbook whose sheet declares 3 MB but inflates to more, with a cell beyond the
    grid in its second MB: streamed, the cell is refused before the CRC is checked (at
    the third MB)."""
    import struct
    import zipfile

    src = _book(tmp_path / "a.xlsx")
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(src) as z:
        data = z.read(member)
    body = data.replace(b"</sheetData>", b" " * (1 << 20) + b'<row r="2"><c r="XFE2"><v>1'
                        b"</v></c></row>" + b" " * (4 << 20) + b"</sheetData>")
    p = rewrite_zip(src, tmp_path / "nói dối.xlsx", {member: body})
    raw = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        offset = z.getinfo(member).header_offset
    struct.pack_into("<I", raw, offset + 22, 3 << 20)  # the local header's size
    name = member.encode()
    pos = raw.find(b"PK\x01\x02")
    while pos >= 0:  # the central directory's
        if raw[pos + 46:pos + 46 + len(name)] == name:
            struct.pack_into("<I", raw, pos + 24, 3 << 20)
        pos = raw.find(b"PK\x01\x02", pos + 4)
    p.write_bytes(bytes(raw))
    return p


def test_kept_sheets_are_the_parts_bytes_and_taken_once(tmp_path):
    import zipfile

    from thidua_xl.io import sniff as sn

    p = _book(tmp_path / "a.xlsx")
    kept = sn.KeptParts()
    assert ensure_readable(p, keep=kept) == "xlsx"
    with zipfile.ZipFile(p) as z:
        want = {"xl/worksheets/sheet1.xml": z.read("xl/worksheets/sheet1.xml")}
    got = kept.take(p)
    assert {k: v[0] for k, v in got.items()} == want
    assert kept.take(p) == {}  # taken once
    ensure_readable(p)  # no keep: nothing kept
    assert kept.take(p) == {}
    ensure_readable(p, keep=kept)
    assert kept.take(tmp_path / "other.xlsx") == {}  # another file: not these
    ensure_readable(p, keep=kept)
    p.write_bytes(p.read_bytes())  # rewritten since the check (its change time moves)
    import os

    st = os.stat(p)
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert kept.take(p) == {}


def test_a_sheet_kept_whole_is_refused_as_when_streamed(tmp_path):
    """Inflated whole, a part whose header lies fails its CRC; it is then streamed, and the
    refusal is the one streaming gives (the cell beyond the grid, seen first)."""
    from thidua_xl.io import budget
    from thidua_xl.io import sniff as sn

    p = _lying_sheet(tmp_path)
    streamed = sn._sniff(p)
    kept: dict = {}
    assert sn._sniff(p, kept) == streamed and kept == {}
    assert streamed.startswith("budget:cell-out-of-grid:"), streamed
    assert budget.KEEP_PART >= 2 << 20  # (the part was a candidate for keeping)


def test_kept_sheets_give_the_same_grid(tmp_path):
    from thidua_xl.io import sniff as sn
    from thidua_xl.io.read_calamine import read_calamine

    src = Path(__file__).resolve().parents[2] / "workbooks" / "examples"
    for book in sorted(src.glob("*.xlsx"))[:6]:
        kept = sn.KeptParts()
        ensure_readable(book, keep=kept)
        assert kept.parts
        a = read_calamine(book, kept=kept)
        assert not kept.parts  # taken by the reader
        b = read_calamine(book)  # nothing kept: every sheet read again
        assert a.sheets == b.sheets and a.sheets


@pytest.mark.parametrize("body, spaced", [
    (b'<row r="1"><c r="A1"><v>1</v></c></row>', False),
    (b'<row r="1"><c r="A1"><is><t>a = b</t></is></c></row>', True),
    (b'<row r="1"><c r="A1" t\n="s"><v>0</v></c></row>', True),
    (b'<row r="1"><c r="A1" t=\t"n"><v>0</v></c></row>', True),
])
def test_what_the_budget_saw_of_a_kept_sheet(tmp_path, body, spaced):
    """The kept sheet comes with a bound of its cells and whether an "=" has a space
    beside it: what the sparse scan would otherwise count and search for itself."""
    import zipfile

    from thidua_xl.io import sniff as sn
    from thidua_xl.io.ooxml_sparse import _AS_SPACE, _SPACED, scan_sheet_sparse

    src = _book(tmp_path / "a.xlsx")
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(src) as z:
        data = z.read(member)
    head, _, rest = data.partition(b"<sheetData>")
    data = head + b"<sheetData>" + body + b"</sheetData>" + rest.partition(b"</sheetData>")[2]
    p = rewrite_zip(src, tmp_path / "b.xlsx", {member: data})
    kept = sn.KeptParts()
    ensure_readable(p, keep=kept)
    whole, cells, seen_spaced = kept.take(p)[member]
    assert whole == data
    t = data.translate(_AS_SPACE)
    assert seen_spaced is spaced is (_SPACED.search(t) is not None)
    assert cells >= t.count(b"<c ") >= 1
    # the scan given what was seen says what it says by itself
    a = scan_sheet_sparse(data, "S", set(), seen=(cells, seen_spaced))
    b = scan_sheet_sparse(data, "S", set())
    assert (a is None) == (b is None) == spaced
    if a is not None:
        for what in ("percent", "uncached", "errors", "hidden_rows", "hidden_cols", "bbox",
                     "shared_cells"):
            assert getattr(a, what) == getattr(b, what), what
        assert a.cells >= b.cells


@pytest.mark.parametrize("wide", [False, True])
def test_a_kept_sheet_with_a_dtd_is_refused_by_the_budget_check(tmp_path, wide):
    """A sheet read whole (to be kept) is still searched for declarations — deep in the
    part, in UTF-8 or UTF-16 — by the check itself, before any reader sees it."""
    import zipfile

    from thidua_xl.io import sniff as sn

    src = _book(tmp_path / "a.xlsx")
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(src) as z:
        body = z.read(member).split(b"?>", 1)[-1]
    hostile = (b'<?xml version="1.0"?>\n<!--' + b"x" * (3 << 20) + b"-->"
               + BOMB.split(b"?>", 1)[1] + body)
    if wide:
        hostile = b"\xff\xfe" + hostile.decode("utf-8").encode("utf-16-le")
    p = rewrite_zip(src, tmp_path / "deep.xlsx", edits={member: hostile})
    kept: dict = {}
    assert sn._sniff(p, kept) == "unsafe-xml:" + member and kept == {}
    held = sn.KeptParts()
    with pytest.raises(UnreadableWorkbook) as ei:
        ensure_readable(p, keep=held)
    assert ei.value.code == "unsafe-xml" and held.take(p) == {}
