"""calamine+scan and openpyxl give the same Grid; values, formats, formulas, merges..."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.builders import crit, write_bloc
from thidua_xl.core.text import fold
from thidua_xl.errors import UnreadableWorkbook
from thidua_xl.io.grid import Grid, Merge
from thidua_xl.io.ooxml_meta import is_percent_format
from thidua_xl.io.readers import read_grid

from ._make import rewrite_zip

NFD_UNIT = unicodedata.normalize("NFD", "Sở Tài chính")
PARSER_SHEETS = {fold(x) for x in ("Thông tin", "Đơn vị", "Chấm điểm", "Quy định")}


def parser_sheets(name: str) -> bool:
    return fold(name) in PARSER_SHEETS


def assert_same(a: Grid, b: Grid) -> None:
    assert a.sheet_names() == b.sheet_names()
    for sa, sb in zip(a.sheets, b.sheets):
        assert sa.values == sb.values, sa.name
        assert sa.percent == sb.percent, sa.name
        assert sa.uncached == sb.uncached, sa.name
        assert sa.merges == sb.merges, sa.name
        assert sa.hidden_rows == sb.hidden_rows, sa.name
        assert sa.hidden_cols == sb.hidden_cols, sa.name


def both(path: Path, **kw) -> tuple[Grid, Grid]:
    a = read_grid(path, **kw)
    b = read_grid(path, reader="openpyxl", **kw)
    assert a.reader == "calamine" and b.reader == "openpyxl"
    assert a.source == b.source == str(path)
    assert_same(a, b)
    return a, b


def rich_book(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Chấm điểm"
    ws.merge_cells("A1:H1")
    ws["A1"] = "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2024"
    ws["A2"], ws["B2"], ws["C2"] = "Mã", "Nội dung tiêu chí", "Điểm tối đa"
    ws["D2"] = NFD_UNIT
    ws.merge_cells("D2:F2")
    ws["D3"], ws["E3"], ws["F3"] = "Tự chấm", "Khối chấm", "Thống nhất"
    ws.merge_cells("A2:A3")
    rows = [("I", "Công tác chung", 20, 18, "8,5", 19.5),
            ("1", "Tỷ lệ", 10, 0.95, 0.9, 0.875),
            ("2", "Tiêu chí 2", 10, 9, None, "  ")]
    for i, row in enumerate(rows, start=4):
        for j, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(row=i, column=j, value=v)
    for col, fmt in (("D", "0%"), ("E", "0.00%"), ("F", "0.0%")):
        ws[f"{col}5"].number_format = fmt
    ws["C6"].number_format = '0"%"'     # a literal %, not a percent format
    ws["C4"].number_format = "0\\%"
    ws["G4"] = 5
    ws["G4"].number_format = "[Red]0.0%;[Blue]-0.0%"
    ws["B8"] = "Tổng cộng"
    ws["D8"] = "=SUM(D4:D6)"             # openpyxl writes no cached value
    ws["E8"] = "=SUM(E4:E6)"
    ws["E8"].number_format = "0%"
    ws["F8"] = "#DIV/0!"                 # an error cell
    ws["G8"] = True
    ws["H8"] = dt.datetime(2024, 12, 31)
    ws["H9"] = dt.datetime(2024, 12, 31, 8, 30)
    ws["H10"] = 1.5e-7
    ws["H11"] = -3
    ws["H12"] = 12345678901
    ws["A13"] = "x" * 300
    ws.row_dimensions[6].hidden = True
    ws.row_dimensions[7].hidden = True
    ws.column_dimensions["E"].hidden = True
    ws.column_dimensions.group("G", "H", hidden=True)
    ws["Z40"] = "ô xa"
    ws["B40"].number_format = "0%"       # formatted blank: not a value, not a percent cell

    hidden = wb.create_sheet("Đơn vị")
    hidden.sheet_state = "hidden"
    hidden["A1"], hidden["B1"] = "STT", "Tên đơn vị"
    hidden["A2"], hidden["B2"] = 1, NFD_UNIT
    very = wb.create_sheet("Quy định")
    very.sheet_state = "veryHidden"
    very["A1"] = "Số đơn vị tối đa"
    wb.create_sheet("Sheet trống")
    other = wb.create_sheet("Ghi chép #1 (riêng)")
    other["C3"] = "ghi chú"
    wb.move_sheet("Ghi chép #1 (riêng)", offset=-4)
    wb.save(path)
    return path


def test_rich_book_same_grid_from_both_readers(tmp_path):
    a, _ = both(rich_book(tmp_path / "rich.xlsx"))
    assert a.sheet_names() == ["Ghi chép #1 (riêng)", "Chấm điểm", "Đơn vị", "Quy định",
                               "Sheet trống"]
    s = a.find_sheet("cham diem")
    assert s.values[(2, 4)] == "Sở Tài chính"                     # NFD → NFC
    assert unicodedata.is_normalized("NFC", s.values[(2, 4)])
    assert s.values[(4, 5)] == "8,5" and s.values[(4, 4)] == 18 and s.values[(4, 6)] == 19.5
    assert isinstance(s.values[(4, 4)], int)
    assert (6, 6) not in s.values                                    # blank text: no value
    assert (6, 5) not in s.values                                    # blank not stored
    assert s.percent == {(5, 4), (5, 5), (5, 6), (4, 7), (8, 5)}
    assert s.uncached == {(8, 4), (8, 5)}
    assert (8, 4) not in s.values
    assert s.values[(8, 6)] == "#DIV/0!"
    assert s.values[(8, 7)] is True
    assert s.values[(8, 8)] == dt.datetime(2024, 12, 31)
    assert s.values[(9, 8)] == dt.datetime(2024, 12, 31, 8, 30)
    assert s.values[(10, 8)] == 1.5e-7 and s.values[(11, 8)] == -3
    assert s.values[(12, 8)] == 12345678901
    assert s.values[(40, 26)] == "ô xa" and (40, 2) not in s.percent
    assert s.merges == [Merge(1, 1, 1, 8), Merge(2, 1, 3, 1), Merge(2, 4, 2, 6)]
    assert s.merge_at(2, 5) == Merge(2, 4, 2, 6)
    assert s.hidden_rows == {6, 7}
    assert s.hidden_cols == {5, 7, 8}
    assert a.sheets[0].values == {(3, 3): "ghi chú"}
    assert a.find_sheet("Đơn vị").values[(2, 2)] == "Sở Tài chính"
    assert a.find_sheet("Sheet trống").values == {}


def test_cached_formulas_are_values_not_uncached(tmp_path):
    p = rich_book(tmp_path / "r.xlsx")
    q = rewrite_zip(p, tmp_path / "cached.xlsx", replace={"xl/worksheets/sheet2.xml": [
        (b"<f>SUM(D4:D6)</f><v />", b"<f>SUM(D4:D6)</f><v>27.95</v>"),
        (b"<f>SUM(E4:E6)</f><v />", b"<f>SUM(E4:E6)</f><v>0.9</v>")]})
    a, _ = both(q)
    s = a.find_sheet("Chấm điểm")
    assert s.uncached == set()
    assert s.values[(8, 4)] == 27.95 and s.values[(8, 5)] == 0.9
    assert (8, 5) in s.percent


def test_only_reads_the_parser_sheets(tmp_path):
    p = rich_book(tmp_path / "r.xlsx")
    a, _ = both(p, only=parser_sheets)
    assert a.sheet_names() == ["Chấm điểm", "Đơn vị", "Quy định"]
    assert a.find_sheet("Chấm điểm").uncached == {(8, 4), (8, 5)}


def test_xlsm(tmp_path):
    p = rich_book(tmp_path / "r.xlsx")
    ct_old = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    ct_new = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    q = rewrite_zip(p, tmp_path / "macro.xlsm",
                    replace={"[Content_Types].xml": [(ct_old, ct_new)]})
    from thidua_xl.io.sniff import sniff

    assert sniff(q) == "xlsm"
    a, _ = both(q)
    assert a.find_sheet("Chấm điểm").uncached == {(8, 4), (8, 5)}


def test_bloc_builder_workbook(tmp_path):
    units = ["Sở A", NFD_UNIT, "Sở C"]
    criteria = [crit("I", "Công tác chung"),
                crit("1", "Tiêu chí 1", 10, scores={"Sở A": 9, NFD_UNIT: "8,5", "Sở C": 10}),
                crit("2", "Tỷ lệ", 10, type="Định lượng", target=90,
                     scores={"Sở A": 0.95, NFD_UNIT: 0.8, "Sở C": "95%"}),
                crit("II", "Điểm thưởng", type="Điểm thưởng"),
                crit("1", "Thưởng", 5, type="Điểm thưởng", scores={"Sở A": 2})]
    p = write_bloc(tmp_path / "bloc.xlsx", units=units, criteria=criteria,
                   info={"Tên khối thi đua": "Khối X", "Năm thi đua": 2024},
                   subcols=("Tự chấm", "Khối chấm", "Thống nhất"), title_rows=2,
                   percent_cells={("2", "Sở A"), ("2", NFD_UNIT)}, hidden_rows=(5,),
                   other_sheet=True, rules={"Chính sách trưởng khối": "Luân phiên"})
    a, _ = both(p)
    s = a.find_sheet("Chấm điểm")
    assert len(s.percent) == 2 and s.merges and s.hidden_rows == {5}
    a2, _ = both(p, only=parser_sheets)
    assert "Ghi chép riêng" not in a2.sheet_names()


def test_percent_format_codes():
    for code in ("0%", "0.00%", "#,##0.0%", "[Red]0%", '0%;"-"', "0.0%_);(0.0%)"):
        assert is_percent_format(code), code
    for code in ("General", "0", '0"%"', "0\\%", "0_%", "0*%", "[$%-409]0", "", None):
        assert not is_percent_format(code), code


def test_reading_never_writes(tmp_path):
    p = rich_book(tmp_path / "r.xlsx")
    os.chmod(p, 0o444)
    before = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    read_grid(p)
    read_grid(p, reader="openpyxl")
    read_grid(p, only=parser_sheets)
    assert (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["r.xlsx"]


def _sheet_xml(body: bytes, extra: bytes = b"", dim: bytes = b"A1:XFD1048576") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http:'
            b'//schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="' + dim
            + b'"/>' + extra + b"<sheetData>" + body + b"</sheetData></worksheet>")


def _one_sheet_book(tmp_path: Path, xml: bytes, name: str = "huge.xlsx") -> Path:
    wb = Workbook()
    wb.active.title = "Chấm điểm"
    wb.active["A1"] = 1
    src = tmp_path / "base.xlsx"
    wb.save(src)
    return rewrite_zip(src, tmp_path / name, edits={"xl/worksheets/sheet1.xml": xml})


def test_declared_million_rows_are_not_allocated(tmp_path):
    """A sheet declaring A1:XFD1048576 with cells only in its corners: the calamine path
    must not read the box densely (the auto reader switches to openpyxl's sparse cells)."""
    import resource

    xml = _sheet_xml(
        b'<row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="1048576" hidden="1"><c r="XFD1048576" t="inlineStr"><is><t>cu\xe1\xbb\x91i</t></is>'
        b"</c></row>",
        extra=b'<cols><col min="1" max="16384" width="9" hidden="1"/></cols>')
    p = _one_sheet_book(tmp_path, xml)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    g = read_grid(p)
    s = g.sheets[0]
    assert s.values == {(1, 1): 1, (1048576, 16384): "cuối"}
    assert s.hidden_rows == {1048576} and len(s.hidden_cols) == 16384
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    assert grown_mb < 200, grown_mb
    with pytest.raises(UnreadableWorkbook) as ei:
        read_grid(p, reader="calamine")
    assert ei.value.code == "sheet-too-large"


def test_last_row_only(tmp_path):
    xml = _sheet_xml(b'<row r="1048576"><c r="B1048576"><v>7</v></c></row>')
    a, _ = both(_one_sheet_book(tmp_path, xml))
    assert a.sheets[0].values == {(1048576, 2): 7}


def test_cells_without_r_and_prefixed_namespace(tmp_path):
    xml = (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main"><x:sheetData><x:row r="2"><x:c><x:v>1</x:v></x:c>'
           b'<x:c><x:f>A2+1</x:f></x:c><x:c r="E2" t="e"><x:v>#N/A</x:v></x:c></x:row>'
           b"<x:row><x:c><x:v>3</x:v></x:c></x:row></x:sheetData>"
           b'<x:mergeCells><x:mergeCell ref="A5:B6"/><x:mergeCell ref="garbage"/>'
           b"</x:mergeCells></x:worksheet>")
    from thidua_xl.io import ooxml_meta

    p = _one_sheet_book(tmp_path, xml)
    m = ooxml_meta.scan(p)["Chấm điểm"]
    assert m.uncached == {(2, 2)} and m.errors == {(2, 5): "#N/A"}
    assert m.merges == [Merge(5, 1, 6, 2)]
    with pytest.raises(UnreadableWorkbook):  # neither library accepts the garbage merge
        read_grid(p)
    q = _one_sheet_book(tmp_path, xml.replace(b'<x:mergeCell ref="garbage"/>', b""), "ok.xlsx")
    g, _ = both(q)
    assert g.sheets[0].values == {(2, 1): 1, (2, 5): "#N/A", (3, 1): 3}
    assert g.sheets[0].uncached == {(2, 2)}
    assert g.sheets[0].merges == [Merge(5, 1, 6, 2)]


@pytest.mark.parametrize("n", [2000, 40000])
def test_many_merges(tmp_path, n):
    """Tens of thousands of merged ranges: fast on the calamine path (openpyxl's merge
    bookkeeping is quadratic, so the equivalence is checked on the smaller file)."""
    import time

    merges = b"".join(b'<mergeCell ref="A%d:C%d"/>' % (r, r) for r in range(1, n + 1))
    xml = _sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>', dim=b"A1:C%d" % n)
    xml = xml.replace(b"</worksheet>", b'<mergeCells count="%d">' % n + merges
                      + b"</mergeCells></worksheet>")
    p = _one_sheet_book(tmp_path, xml)
    t0 = time.perf_counter()
    a = read_grid(p)
    assert time.perf_counter() - t0 < 10
    assert len(a.sheets[0].merges) == n and a.reader == "calamine"
    if n <= 2000:
        both(p)


def test_macro_sheet_book_falls_back_to_openpyxl(tmp_path):
    """calamine refuses some packages openpyxl reads (here: an unknown sheet part type)."""
    p = rich_book(tmp_path / "r.xlsx")
    with zipfile.ZipFile(p) as z:
        rels = z.read("xl/_rels/workbook.xml.rels")
    new = rels.replace(b"relationships/worksheet\" Target=\"/xl/worksheets/sheet5.xml",
                       b"relationships/xlMacrosheet\" Target=\"/xl/macrosheets/sheet5.xml")
    if new == rels:
        pytest.skip("unexpected openpyxl relationship layout")
    with zipfile.ZipFile(p) as z:
        sheet5 = z.read("xl/worksheets/sheet5.xml")
    q = rewrite_zip(p, tmp_path / "m.xlsx", edits={"xl/_rels/workbook.xml.rels": new,
                                                   "xl/worksheets/sheet5.xml": None},
                    add={"xl/macrosheets/sheet5.xml": sheet5})
    with pytest.raises(UnreadableWorkbook):
        read_grid(q, reader="calamine")
    g = read_grid(q)
    assert g.reader == "openpyxl"
    assert g.find_sheet("Chấm điểm").uncached == {(8, 4), (8, 5)}


def test_strict_ooxml(tmp_path):
    """Strict Open XML (purl.oclc.org namespaces): calamine reads it; openpyxl would return
    no sheets at all, so forcing it gives the strict-ooxml-not-supported error."""
    p = rich_book(tmp_path / "r.xlsx")
    pairs = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
              b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
             (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              b"http://purl.oclc.org/ooxml/officeDocument/relationships")]
    with zipfile.ZipFile(p) as z:
        edits = {}
        for n in z.namelist():
            data = z.read(n)
            for old, new in pairs:
                data = data.replace(old, new)
            edits[n] = data
    q = rewrite_zip(p, tmp_path / "strict.xlsx", edits=edits)
    from thidua_xl.io.sniff import sniff

    assert sniff(q) == "xlsx-strict"
    g = read_grid(q)
    t = read_grid(p)
    assert g.reader == "calamine"
    assert_same(g, t)
    with pytest.raises(UnreadableWorkbook) as ei:
        read_grid(q, reader="openpyxl")
    assert ei.value.code == "strict-ooxml-not-supported"
    assert "Strict Open XML" in ei.value.message and "strict.xlsx" in ei.value.message


def test_cached_empty_string_formula_is_not_uncached(tmp_path):
    """Excel writes a formula whose result is "" as t="str" with an empty <v/>: cached."""
    p = rich_book(tmp_path / "r.xlsx")
    q = rewrite_zip(p, tmp_path / "str.xlsx", replace={"xl/worksheets/sheet2.xml": [
        (b'<c r="D8"><f>SUM(D4:D6)</f><v /></c>', b'<c r="D8" t="str"><f>SUM(D4:D6)</f><v /></c>')]})
    a, _ = both(q)
    s = a.find_sheet("Chấm điểm")
    assert s.uncached == {(8, 5)} and (8, 4) not in s.values


def test_values_hidden_under_a_merge_and_escapes(tmp_path):
    xml = _sheet_xml(
        b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><f>A1</f></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>ABC_x000D__x000A_DEF</t></is></c></row>',
        dim=b"A1:C2")
    xml = xml.replace(b"</worksheet>",
                      b'<mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>')
    a, _ = both(_one_sheet_book(tmp_path, xml))
    assert a.sheets[0].values == {(1, 1): 1, (2, 1): "ABC\r\nDEF"}
    assert a.sheets[0].uncached == set()


def test_shared_string_bomb_is_not_copied_per_cell(tmp_path):
    """One long shared string in thousands of cells: calamine would copy it per cell, so
    the auto reader uses openpyxl (which shares one object) — memory stays small."""
    import resource

    long = ("Nội dung rất dài " * 12_000).encode()  # ~200k characters
    rows = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r)
                    for r in range(1, 801))
    p = _one_sheet_book(tmp_path, _sheet_xml(rows, dim=b"A1:A800"), "b0.xlsx")
    sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml'
           b'/2006/main" count="800" uniqueCount="1"><si><t>' + long + b"</t></si></sst>")
    with zipfile.ZipFile(p) as z:
        rels = z.read("xl/_rels/workbook.xml.rels")
        ct = z.read("[Content_Types].xml")
    rels = rels.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                        b'Target="sharedStrings.xml"/></Relationships>')
    ct = ct.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                    b'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings'
                    b'+xml"/></Types>')
    p = rewrite_zip(p, tmp_path / "bomb.xlsx", edits={"xl/_rels/workbook.xml.rels": rels,
                                                       "[Content_Types].xml": ct},
                    add={"xl/sharedStrings.xml": sst})
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    g = read_grid(p)
    assert g.reader == "openpyxl" and len(g.sheets[0].values) == 800
    # (cut at Excel's 32,767 characters, once for the shared object: issue #16)
    assert g.sheets[0].values[(800, 1)] == long.decode()[:32766] + "…"
    assert (800, 1) in g.sheets[0].truncated
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024 < 120
    with pytest.raises(UnreadableWorkbook) as ei:
        read_grid(p, reader="calamine")
    assert ei.value.code == "sheet-too-large"
