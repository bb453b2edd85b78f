"""graft_sheets: the user's package copied byte for byte plus the output sheets."""
from __future__ import annotations

import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from thidua_xl.io.package import GraftError, graft_sheets, parse_xml, serialize_xml

from ._build import (
    DONOR_SHEETS,
    UNITS,
    USER_SHEETS,
    find_corpus,
    make_base,
    make_donor,
    members,
    png_bytes,
    sha,
)

REPLACE = ("Kết quả", "Đề nghị khen thưởng", "Kiểm tra", "Biên bản họp bình xét")
#: the parts grafting has to rewrite; every other base part must come out identical
REWRITTEN = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/styles.xml"}


@pytest.fixture()
def base(tmp_path: Path) -> Path:
    return make_base(tmp_path / "so_thi_dua.xlsx")


@pytest.fixture()
def donor(tmp_path: Path) -> Path:
    return make_donor(tmp_path / "donor.xlsx")


def _load(path: Path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path, **kw)


def _sheet_parts(path: Path) -> dict[str, str]:
    """sheet name -> zip member of its worksheet part."""
    with zipfile.ZipFile(path) as zf:
        wb = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*?Target="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*?Id="(rId\d+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*?r:id="(rId\d+)"', wb):
        t = targets[rid]
        out[name] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return out


def test_sheet_order_values_and_styles_of_both_sides(base, donor, tmp_path):
    out = tmp_path / "out.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE, select="Kết quả")
    wb = _load(out)
    assert wb.sheetnames == USER_SHEETS + DONOR_SHEETS
    assert wb.active.title == "Kết quả"

    # the user's side
    ws = wb["Chấm điểm"]
    assert ws["A1"].value == "BẢNG CHẤM ĐIỂM THI ĐUA"
    assert ws["A1"].font.b and ws["A1"].font.name == "Times New Roman"
    assert ws["A1"].font.color.rgb == "FF1F4E79"
    assert ws["A2"].fill.fgColor.rgb == "FFDDEBF7"
    assert ws["A2"].border.left.style == "thin"
    assert ws["D3"].number_format == '#,##0.0 "điểm"'
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert [str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges] \
        == ["D3:E10"]
    assert len(ws._charts) == 1
    assert ws.print_area == "'Chấm điểm'!$A$1:$E$10"
    assert wb["Ghi chú"]["A2"].value == "=1+1"  # the user's formula stays a formula
    assert wb["Ghi chú"].print_title_rows == "$1:$1"
    assert wb.defined_names["DanhSachDonVi"].attr_text == "'Đơn vị'!$B$2:$B$6"
    assert [c.value for c in wb["Đơn vị"]["B"]][1:] == UNITS

    # the grafted side
    ws = wb["Kết quả"]
    assert ws["A1"].value == "KẾT QUẢ CHẤM ĐIỂM"
    f = ws["A1"].font
    assert (f.name, f.sz, f.b, f.i, f.color.rgb) == ("Times New Roman", 16, True, True,
                                                       "FFC00000")
    assert ws["A3"].fill.fgColor.rgb == "FFFFF2CC"
    assert ws["A3"].border.top.style == "medium"
    assert ws["A3"].border.top.color.rgb == "FF00B050"
    assert ws["A3"].font.u == "single"
    assert ws["C4"].number_format == '0.00 "đ"'
    assert ws["C4"].value == pytest.approx(95.0)
    assert [ws.cell(r, 2).value for r in range(4, 9)] == UNITS
    assert ws["B4"].hyperlink.location == "'Chấm điểm'!A1"
    assert ws["B4"].hyperlink.target is None
    assert ws["F4"].value == "=1+1" and ws["F4"].data_type == "s"
    assert ws["F5"].value == "+84 912" and ws["F5"].data_type == "s"
    assert "A1:D1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.print_area == "'Kết quả'!$A$1:$D$8"
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["B"].width == 28
    assert len(ws._charts) == 1
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert len(rules) == 2
    fills = sorted(r.dxf.fill.bgColor.rgb for r in rules)
    assert fills == ["FFC6EFCE", "FFFFC7CE"]
    assert wb["Kiểm tra"]["C2"].hyperlink.location == "'Chấm điểm'!D3"
    assert wb["Kiểm tra"]["A2"].font.color.rgb == "FFFF0000"


def test_base_parts_byte_identical_and_old_output_removed(base, donor, tmp_path):
    out = tmp_path / "out.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE)  # no select: the user's active tab stays
    b, o = members(base), members(out)
    old_parts = _sheet_parts(base)
    old_result = old_parts["Kết quả"]
    removed = {old_result, "xl/worksheets/_rels/" + old_result.rsplit("/", 1)[1] + ".rels"}
    # the old result's drawing and chart, used by nothing else
    rels = b["xl/worksheets/_rels/" + old_result.rsplit("/", 1)[1] + ".rels"].decode()
    drawing = "xl/drawings/" + re.search(r"drawings/([^\"]+)", rels).group(1)
    drels = b[drawing.replace("drawings/", "drawings/_rels/") + ".rels"].decode()
    chart = "xl/charts/" + re.search(r"charts/([^\"]+)", drels).group(1)
    removed |= {drawing, drawing.replace("drawings/", "drawings/_rels/") + ".rels", chart}
    for name, data in b.items():
        if name in removed:
            assert name not in o, name
        elif name not in REWRITTEN:
            assert o.get(name) == data, f"{name} changed"
    # the user's image, chart and drawing are all still there
    assert any(n.startswith("xl/media/") and o[n] == png_bytes() for n in o)
    ct = o["[Content_Types].xml"].decode()
    for name in o:
        if name.endswith(".xml") and not name.startswith("[") and "/_rels/" not in name \
                and not name.startswith("_rels"):
            assert f'PartName="/{name}"' in ct, name
    for name in removed:
        assert f'PartName="/{name}"' not in ct
    # raw compressed bytes are copied, not recompressed
    with zipfile.ZipFile(base) as zb, zipfile.ZipFile(out) as zo:
        for info in zb.infolist():
            if info.filename in o and info.filename not in REWRITTEN:
                oi = zo.getinfo(info.filename)
                assert (oi.CRC, oi.compress_size, oi.compress_type) == \
                    (info.CRC, info.compress_size, info.compress_type)
        assert zo.testzip() is None


def test_defined_names_shift_and_local_names_of_removed_sheet_dropped(base, donor, tmp_path):
    out = tmp_path / "out.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE)
    wbxml = members(out)["xl/workbook.xml"].decode()
    names = re.findall(r'<definedName name="([^"]+)"(?: localSheetId="(\d+)")?>([^<]*)<', wbxml)
    assert ("_xlnm.Print_Titles", "2", "'Ghi chú'!$1:$1") in names  # was localSheetId 3
    assert ("_xlnm.Print_Area", "0", "'Chấm điểm'!$A$1:$E$10") in names
    assert ("_xlnm.Print_Area", "3", "'Kết quả'!$A$1:$D$8") in names  # the donor's
    assert ("_xlnm.Print_Titles", "3", "'Kết quả'!$3:$3") in names
    assert ("_xlnm.Print_Area", "2", "'Kết quả'!$A$1:$B$6") not in names  # the old one
    assert len([n for n in names if n[0] == "_xlnm.Print_Area"]) == 2


def test_select_makes_one_active_selected_tab(base, donor, tmp_path):
    out = tmp_path / "out.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE, select="Kiểm tra")
    wb = _load(out)
    assert wb.active.title == "Kiểm tra"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Kiểm tra"]
    # no select: the base's active sheet stays active, donor tabs are not selected
    out2 = tmp_path / "out2.xlsx"
    graft_sheets(base, donor, out2, replace=REPLACE)
    wb = _load(out2)
    assert wb.active.title == "Chấm điểm"
    selected = [ws.title for ws in _load(base).worksheets if ws.sheet_view.tabSelected]
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == selected
    assert members(out2)[_sheet_parts(base)["Chấm điểm"]] == \
        members(base)[_sheet_parts(base)["Chấm điểm"]]


def test_graft_twice_replaces_never_duplicates(base, donor, tmp_path):
    out1, out2, out3 = tmp_path / "o1.xlsx", tmp_path / "o2.xlsx", tmp_path / "o3.xlsx"
    graft_sheets(base, donor, out1, replace=REPLACE, select="Kết quả")
    graft_sheets(out1, donor, out2, replace=REPLACE, select="Kết quả")
    # a third run with a different donor: its content wins
    donor2 = make_donor(tmp_path / "donor2.xlsx", title="LẦN BA")
    graft_sheets(out2, donor2, out3, replace=REPLACE, select="Kết quả")
    for out in (out1, out2, out3):
        wb = _load(out)
        assert wb.sheetnames == USER_SHEETS + DONOR_SHEETS
        assert not any(re.search(r"\d$", n) for n in wb.sheetnames)
    assert _load(out3)["Kết quả"]["A1"].value == "LẦN BA"
    # styles are deduplicated: running again does not grow styles.xml
    s1, s2 = members(out1)["xl/styles.xml"], members(out2)["xl/styles.xml"]
    assert s1 == s2
    # exactly the donor's parts: one sheet part per sheet, one drawing/chart per chart
    o2 = members(out2)
    assert len([n for n in o2 if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]) == 5
    assert len([n for n in o2 if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) == 2
    wbxml = o2["xl/workbook.xml"].decode()
    assert wbxml.count("_xlnm.Print_Area") == 2
    ids = re.findall(r'sheetId="(\d+)"', wbxml)
    assert len(ids) == len(set(ids))


def test_sheet_names_compared_case_insensitively(base, tmp_path):
    donor = make_donor(tmp_path / "d.xlsx", names=("KẾT QUẢ", "kiểm TRA"))
    out = tmp_path / "o.xlsx"
    graft_sheets(base, donor, out, replace=())  # the donor's names alone replace
    assert _load(out).sheetnames == USER_SHEETS + ["KẾT QUẢ", "kiểm TRA"]


def test_base_file_never_modified(base, donor, tmp_path):
    before = sha(base)
    mtime = base.stat().st_mtime_ns
    graft_sheets(base, donor, tmp_path / "o.xlsx", replace=REPLACE, select="Kết quả")
    assert sha(base) == before and base.stat().st_mtime_ns == mtime
    with pytest.raises(GraftError):
        graft_sheets(base, donor, base, replace=REPLACE)
    assert sha(base) == before


def test_no_donor_only_removes(base, tmp_path):
    out = tmp_path / "o.xlsx"
    graft_sheets(base, None, out, replace=REPLACE)
    wb = _load(out)
    assert wb.sheetnames == USER_SHEETS
    assert wb.active.title == "Chấm điểm"


def test_active_output_sheet_replaced_keeps_a_valid_active_tab(tmp_path, donor):
    from openpyxl import load_workbook as lw
    base = make_base(tmp_path / "b.xlsx")
    wb = lw(base)
    wb.active = wb.sheetnames.index("Kết quả")
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "Kết quả"
    wb.save(base)
    out = tmp_path / "o.xlsx"
    graft_sheets(base, None, out, replace=REPLACE)
    wb = _load(out)
    assert wb.active.title in USER_SHEETS
    assert len([ws for ws in wb.worksheets if ws.sheet_view.tabSelected]) == 1
    out2 = tmp_path / "o2.xlsx"
    graft_sheets(base, donor, out2, replace=REPLACE)
    assert _load(out2).active.title == "Kết quả"  # the new one takes the old one's place


def _minimal_package(path: Path) -> Path:
    """A workbook with neither styles.xml nor sharedStrings.xml (some generators)."""
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="applicati'
            'on/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Conten'
            'tType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="appl'
            'ication/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Overri'
            'de PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlform'
            'ats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openx'
            'mlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://s'
            'chemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Targ'
            'et="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlfor'
            'mats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/off'
            'iceDocument/2006/relationships"><sheets><sheet name="Dữ liệu" sheetId="1" r:id="'
            'rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openx'
            'mlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://s'
            'chemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="w'
            'orksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlfo'
            'rmats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            '<is><t>Sở Tư pháp</t></is></c><c r="B1"><v>9.5</v></c></row></sheetData></works'
            'heet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode())
    return path


def test_base_without_styles_and_shared_strings(tmp_path, donor):
    base = _minimal_package(tmp_path / "min.xlsx")
    out = tmp_path / "o.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE, select="Kết quả")
    wb = _load(out)
    assert wb.sheetnames == ["Dữ liệu"] + DONOR_SHEETS
    assert wb["Dữ liệu"]["A1"].value == "Sở Tư pháp"
    ws = wb["Kết quả"]
    assert ws["A1"].font.color.rgb == "FFC00000"
    assert ws["C4"].number_format == '0.00 "đ"'
    assert ws["B4"].value == UNITS[0]
    o = members(out)
    assert "xl/styles.xml" in o and "xl/sharedStrings.xml" not in o
    assert members(base)["xl/worksheets/sheet1.xml"] == o["xl/worksheets/sheet1.xml"]


def test_custom_number_formats_renumbered_without_clash(tmp_path):
    from openpyxl import Workbook

    def book(path, title, value, formats):
        wb = Workbook()
        ws = wb.active
        ws.title = title
        for i, fmt in enumerate(formats, 1):
            ws.cell(i, 1, value).number_format = fmt
        wb.save(path)

    book(tmp_path / "b.xlsx", "Dữ liệu", 1.5, ['0.000 "kg"', '#,##0 "người"', "0.0%"])
    book(tmp_path / "d.xlsx", "Kết quả", 2.5, ['0.00 "đ"', '#,##0 "người"', '0.0000'])
    graft_sheets(tmp_path / "b.xlsx", tmp_path / "d.xlsx", tmp_path / "o.xlsx", replace=())
    wb = _load(tmp_path / "o.xlsx")
    assert [wb["Dữ liệu"].cell(i, 1).number_format for i in (1, 2, 3)] == \
        ['0.000 "kg"', '#,##0 "người"', "0.0%"]
    assert [wb["Kết quả"].cell(i, 1).number_format for i in (1, 2, 3)] == \
        ['0.00 "đ"', '#,##0 "người"', "0.0000"]
    styles = members(tmp_path / "o.xlsx")["xl/styles.xml"].decode()
    ids = re.findall(r'numFmtId="(\d+)" formatCode', styles)
    assert len(ids) == len(set(ids))  # no id defined twice
    assert styles.count("người") == 1  # the shared format is reused, not duplicated


def test_xml_roundtrip_keeps_namespace_declarations_in_place():
    src = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
           b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           b'mc:Ignorable="x15 xr6" xmlns:x15="urn:x15" xmlns:xr6="urn:xr6">'
           b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatib'
           b'ility/2006"><mc:Choice Requires="x15"><x15ac:absPath xmlns:x15ac="urn:x15ac" '
           b'url="C:\\a &amp; b\\"/></mc:Choice></mc:AlternateContent>'
           b'<t xml:space="preserve"> a&lt;b&#13;</t></workbook>')
    out = serialize_xml(parse_xml(src))
    # xr6 is only named in mc:Ignorable: its declaration must survive
    assert b'xmlns:xr6="urn:xr6"' in out
    assert b'<x15ac:absPath xmlns:x15ac="urn:x15ac"' in out
    assert b'xml:space="preserve"> a&lt;b&#13;</t>' in out
    import xml.etree.ElementTree as ET
    assert ET.canonicalize(xml_data=out) == ET.canonicalize(xml_data=src)


def test_xml_parse_refuses_entities():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b'<x>&b;</x>')
    with pytest.raises(GraftError):
        parse_xml(bomb)


# --------------------------------------------------------------------------- .xlsm

def _macro_base(tmp_path: Path) -> Path:
    src = find_corpus("quickstart.xlsm", "SimpleMacro.xlsm", "vba.xlsm")
    if src is None:
        pytest.skip("no macro workbook in ../shared/corpora")
    with zipfile.ZipFile(src) as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
    return Path(shutil.copy(src, tmp_path / "macro.xlsm"))


def test_xlsm_keeps_vba_project_and_macro_content_type(tmp_path, donor):
    base = _macro_base(tmp_path)
    before = sha(base)
    out = tmp_path / "macro_ketqua.xlsm"
    graft_sheets(base, donor, out, replace=REPLACE, select="Kết quả")
    b, o = members(base), members(out)
    assert o["xl/vbaProject.bin"] == b["xl/vbaProject.bin"]
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in \
        o["[Content_Types].xml"].decode()
    for name, data in b.items():
        if name not in REWRITTEN and not name.startswith("xl/worksheets/"):
            assert o[name] == data, name
    wb = _load(out, keep_vba=True)
    assert wb.sheetnames[-2:] == DONOR_SHEETS
    assert wb["Kết quả"]["B4"].value == UNITS[0]
    assert sha(base) == before


def test_xlsm_to_xlsx_output_drops_macros(tmp_path, donor):
    base = _macro_base(tmp_path)
    out = tmp_path / "o.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE, target_kind="xlsx")
    o = members(out)
    assert "xl/vbaProject.bin" not in o
    ct = o["[Content_Types].xml"].decode()
    assert "macroEnabled" not in ct and "spreadsheetml.sheet.main+xml" in ct
    assert _load(out).sheetnames[-2:] == DONOR_SHEETS


def test_real_excel_workbook_with_images_and_charts(tmp_path, donor):
    src = find_corpus("simple-monthly-budget.xlsx", "engines.xlsm")
    if src is None:
        pytest.skip("corpus absent")
    base = Path(shutil.copy(src, tmp_path / src.name))
    out = tmp_path / ("o" + src.suffix)
    graft_sheets(base, donor, out, replace=REPLACE, select="Kết quả")
    b, o = members(base), members(out)
    changed = {n for n in b if n in o and b[n] != o[n]}
    assert changed <= REWRITTEN | {n for n in b if n.startswith("xl/worksheets/sheet")}
    assert set(b) <= set(o)
    assert _load(out).sheetnames[-2:] == DONOR_SHEETS


# --------------------------------------------------------------------------- LibreOffice

def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) not installed")
    return exe


def _lo_convert(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    proc = subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=180)
    result = outdir / (src.stem + "." + fmt.split(":")[0])
    assert proc.returncode == 0, proc.stderr
    assert result.is_file() and result.stat().st_size > 0, proc.stdout + proc.stderr
    return result


@pytest.mark.libreoffice
def test_libreoffice_reads_the_grafted_workbook(base, donor, tmp_path):
    out = tmp_path / "grafted.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE, select="Kết quả")
    profile = tmp_path / "lo-profile"
    # LibreOffice re-saves it: every sheet, value and style it understood comes back
    back = _lo_convert(out, "xlsx", tmp_path / "lo", profile)
    wb = _load(back)
    assert wb.sheetnames == USER_SHEETS + DONOR_SHEETS
    ws = wb["Kết quả"]
    assert ws["A1"].value == "KẾT QUẢ CHẤM ĐIỂM"
    assert ws["A1"].font.b and ws["A1"].font.color.rgb == "FFC00000"
    assert ws["A3"].fill.fgColor.rgb == "FFFFF2CC"
    assert [ws.cell(r, 2).value for r in range(4, 9)] == UNITS
    assert ws["F4"].value == "=1+1" and ws["F4"].data_type == "s"
    assert "đ" in ws["C4"].number_format
    assert wb["Chấm điểm"]["A1"].font.color.rgb == "FF1F4E79"
    assert wb["Ghi chú"]["A2"].value == "=1+1"
    pdf = _lo_convert(out, "pdf", tmp_path / "pdf", profile)
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.libreoffice
def test_libreoffice_reads_grafted_macro_workbook(tmp_path, donor):
    base = _macro_base(tmp_path)
    out = tmp_path / "grafted.xlsm"
    graft_sheets(base, donor, out, replace=REPLACE, select="Kết quả")
    back = _lo_convert(out, "xlsx", tmp_path / "lo", tmp_path / "lo-profile")
    wb = _load(back)
    assert wb.sheetnames[-2:] == DONOR_SHEETS
    assert wb["Kết quả"]["B4"].value == UNITS[0]


def test_select_without_book_views_in_base(tmp_path, donor):
    base = _minimal_package(tmp_path / "min.xlsx")
    out = tmp_path / "o.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE, select="Kiểm tra")
    wbxml = members(out)["xl/workbook.xml"].decode()
    assert wbxml.index("<bookViews>") < wbxml.index("<sheets>")
    assert _load(out).active.title == "Kiểm tra"


def test_external_links_of_the_donor_never_reach_the_output(base, tmp_path):
    from openpyxl import Workbook
    d = Workbook()
    ws = d.active
    ws.title = "Kết quả"
    ws["A1"] = "nội bộ"
    ws["A1"].hyperlink = "#'Chấm điểm'!A1"  # openpyxl stores this as an external target
    ws["A2"] = "ngoài"
    ws["A2"].hyperlink = "https://example.com/x"
    ws["A3"] = "đúng"
    ws["A3"].hyperlink = Hyperlink(ref="A3", location="'Chấm điểm'!B2")
    d.save(tmp_path / "d.xlsx")
    out = tmp_path / "o.xlsx"
    graft_sheets(base, tmp_path / "d.xlsx", out, replace=REPLACE)
    o = members(out)
    assert not any(b"TargetMode=\"External\"" in data for n, data in o.items()
                   if n.startswith("xl/worksheets/_rels/") and n not in members(base))
    wb = _load(out)
    ws = wb["Kết quả"]
    assert ws["A1"].hyperlink is None and ws["A2"].hyperlink is None
    assert ws["A3"].hyperlink.location == "'Chấm điểm'!B2"
    assert ws["A2"].value == "ngoài"


def test_prefixed_namespaces_and_absolute_targets(tmp_path, donor):
    """Packages written by the Open XML SDK: x: prefixes, absolute relationship targets."""
    base = _minimal_package(tmp_path / "min.xlsx")
    with zipfile.ZipFile(base) as zf:
        parts = {n: zf.read(n).decode() for n in zf.namelist()}
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="utf-8"?><x:workbook xmlns:x="{main}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<x:bookViews><x:workbookView activeTab="0"/></x:bookViews><x:sheets>'
        '<x:sheet name="Dữ liệu" sheetId="1" r:id="R1a2"/>'
        '<x:sheet name="Kết quả" sheetId="7" r:id="R9"/></x:sheets></x:workbook>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        'Id="rId1"', 'Id="R1a2"').replace('Target="worksheets/sheet1.xml"',
                                          'Target="/xl/worksheets/sheet1.xml"').replace(
        "</Relationships>",
        '<Relationship Id="R9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="/xl/worksheets/old.xml"/></Relationships>')
    parts["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0" encoding="utf-8"?><x:worksheet xmlns:x="{main}"><x:sheetViews>'
        '<x:sheetView tabSelected="1" workbookViewId="0"/></x:sheetViews><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Sở Tư pháp</x:t></x:is></x:c>'
        '</x:row></x:sheetData></x:worksheet>')
    parts["xl/worksheets/old.xml"] = parts["xl/worksheets/sheet1.xml"]
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>", '<Override PartName="/XL/WORKSHEETS/OLD.XML" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    sdk = tmp_path / "sdk.xlsx"
    with zipfile.ZipFile(sdk, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode())
    out = tmp_path / "o.xlsx"
    graft_sheets(sdk, donor, out, replace=REPLACE, select="Kết quả")
    o = members(out)
    assert "xl/worksheets/old.xml" not in o
    assert "OLD.XML" not in o["[Content_Types].xml"].decode()
    wbxml = o["xl/workbook.xml"].decode()
    assert '<x:sheet name="Kết quả" sheetId="8"' in wbxml and "<sheet " not in wbxml
    assert "<x:definedNames>" in wbxml
    sheet1 = o["xl/worksheets/sheet1.xml"].decode()
    assert "tabSelected" not in sheet1 and "<x:sheetView workbookViewId" in sheet1
    wb = _load(out)
    assert wb.sheetnames == ["Dữ liệu"] + DONOR_SHEETS
    assert wb.active.title == "Kết quả"
    assert wb["Dữ liệu"]["A1"].value == "Sở Tư pháp"


def test_selecting_the_already_active_user_sheet_keeps_its_bytes(tmp_path, donor):
    base = make_base(tmp_path / "b.xlsx")
    wb = load_workbook(base)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "Chấm điểm"
    wb.save(base)
    out = tmp_path / "o.xlsx"
    graft_sheets(base, donor, out, replace=REPLACE, select="Chấm điểm")
    part = _sheet_parts(base)["Chấm điểm"]
    assert members(out)[part] == members(base)[part]
    wb = _load(out)
    assert wb.active.title == "Chấm điểm"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Chấm điểm"]


def _example_donor_sheets(tmp_path):
    """The donor sheets render_xml writes for every bundled example (and their styles)."""
    import zipfile

    from thidua_xl.api import check_path
    from thidua_xl.io.outputs import build_plan
    from thidua_xl.io.render_xml import write_donor

    examples = sorted((Path(__file__).resolve().parents[2] / "workbooks" / "examples")
                      .glob("*.xlsx"))
    assert examples
    for i, ex in enumerate(examples):
        bloc, result = check_path(ex)
        donor = write_donor(build_plan(result, bloc=bloc), tmp_path / f"d{i}.xlsx")
        with zipfile.ZipFile(donor) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    yield f"{ex.name}:{name}", z.read(name)


def test_donor_sheets_renumbered_on_bytes_as_the_tree_path_does(tmp_path):
    """The byte path (our own plain SpreadsheetML) gives the same document as parsing and
    re-serializing; anything outside that shape goes to the tree path."""
    from xml.etree.ElementTree import canonicalize

    from thidua_xl.io.styles import _donor_sheet_bytes, _donor_sheet_tree

    xf_map = {i: i + 7 for i in range(400)}
    dxf_map = {i: i + 2 for i in range(50)}
    seen = 0
    for what, data in _example_donor_sheets(tmp_path):
        for selected in (True, False):
            fast = _donor_sheet_bytes(data, xf_map, dxf_map, selected, what)
            assert fast is not None, what
            tree = _donor_sheet_tree(data, xf_map, dxf_map, [], selected, what)
            assert canonicalize(fast) == canonicalize(tree), what
            seen += 1
    assert seen >= 5 * 4 * 2
    plain = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
             b'officeDocument/2006/relationships"><sheetData><row r="1"><c r="A1" s="1" '
             b't="s"><v>0</v></c></row></sheetData></worksheet>')
    assert _donor_sheet_bytes(plain, xf_map, dxf_map, False, "x") is None  # shared strings
    link = plain.replace(b' t="s"><v>0</v>', b"><v>1</v>").replace(
        b"</sheetData>", b'</sheetData><hyperlinks><hyperlink ref="A1" r:id="rId1"/>'
                         b"</hyperlinks>")
    assert _donor_sheet_bytes(link, xf_map, dxf_map, False, "x") is None  # external link
    prefixed = plain.replace(b'xmlns="', b'xmlns:x="').replace(b"<", b"<x:").replace(
        b"<x:/", b"</x:").replace(b"<x:?xml", b"<?xml").replace(b"</x:", b"</x:")
    assert _donor_sheet_bytes(prefixed, xf_map, dxf_map, False, "x") is None
    with pytest.raises(GraftError):
        _donor_sheet_bytes(plain.replace(b' t="s"><v>0</v>', b"><v>1</v>"), {}, {}, False, "x")
