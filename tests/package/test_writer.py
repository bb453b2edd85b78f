"""write_output / write_plan_only: a WritePlan rendered and grafted into the user's copy."""
from __future__ import annotations

import logging
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from thidua_xl.errors import OutputError
from thidua_xl.io import package
from thidua_xl.io.plan import (OUTPUT_FINDINGS, OUTPUT_RESULTS, ChartSpec, ConditionalFill,
                               PrintSetup, SheetPlan, Style, WritePlan)
from thidua_xl.io.writer import write_output, write_plan_only

from ._build import UNITS, USER_SHEETS, find_corpus, make_base, members, sha

HEAD = Style(bold=True, fill="DDEBF7", border=True, h_align="center", wrap=True)
NUM = Style(number_format="0.00", border=True)


def small_plan(title: str = "KẾT QUẢ CHẤM ĐIỂM", select: str | None = OUTPUT_RESULTS
               ) -> WritePlan:
    res = SheetPlan(OUTPUT_RESULTS)
    res.put(1, 1, title, Style(font_name="Times New Roman", font_size=14, bold=True,
                               color="C00000"))
    res.merges.append("A1:E1")
    for c, h in enumerate(["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại"], 1):
        res.put(3, c, h, HEAD)
    for i, unit in enumerate(UNITS):
        r = 4 + i
        res.put(r, 1, i + 1, NUM)
        res.put(r, 2, unit, Style(border=True), link="Chấm điểm!A1")
        res.put(r, 3, 99.5 - i * 2.25, NUM)
        res.put(r, 4, i + 1)
        res.put(r, 5, "Hoàn thành xuất sắc nhiệm vụ" if i < 2 else "Hoàn thành tốt nhiệm vụ")
    res.put(10, 2, "=SUM(C4:C8)")  # user text that looks like a formula stays text
    res.col_widths = {2: 30.0, 5: 32.0}
    res.row_heights = {1: 28.0}
    res.freeze = "A4"
    res.tab_color = "2E75B6"
    res.charts.append(ChartSpec(kind="bar", title="Tổng điểm", categories="B4:B8",
                                values="C4:C8", series_title="Tổng điểm", anchor="G3"))
    res.conditional.append(ConditionalFill("E4:E8", "Hoàn thành tốt nhiệm vụ", "FFC7CE",
                                           "9C0006"))
    res.print_setup = PrintSetup(orientation="landscape", print_area="A1:E10",
                                 title_rows="3:3")
    chk = SheetPlan(OUTPUT_FINDINGS)
    for c, h in enumerate(["Mức độ", "Sheet", "Ô", "Mã lỗi", "Nội dung", "Cách sửa"], 1):
        chk.put(1, c, h, HEAD)
    chk.put(2, 1, "Cảnh báo", Style(color="FF0000"))
    chk.put(2, 2, "Chấm điểm")
    chk.put(2, 3, "D3", link="Chấm điểm!D3")
    chk.put(2, 4, "score-above-max")
    return WritePlan(sheets=[res, chk], select=select)


def _load(path: Path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path, **kw)


@pytest.fixture()
def base(tmp_path: Path) -> Path:
    return make_base(tmp_path / "so_thi_dua.xlsx")


def test_write_output_adds_the_plan_sheets(base, tmp_path):
    before = sha(base)
    out = write_output(base, small_plan(), tmp_path / "so_thi_dua_ketqua.xlsx")
    assert sha(base) == before
    wb = _load(out)
    assert wb.sheetnames == USER_SHEETS + [OUTPUT_RESULTS, OUTPUT_FINDINGS]
    assert wb.active.title == OUTPUT_RESULTS
    ws = wb[OUTPUT_RESULTS]
    assert ws["A1"].value == "KẾT QUẢ CHẤM ĐIỂM"
    assert ws["A1"].font.b and ws["A1"].font.color.rgb == "FFC00000"
    assert ws["A3"].fill.fgColor.rgb == "FFDDEBF7" and ws["A3"].border.left.style == "thin"
    assert ws["C4"].value == pytest.approx(99.5) and ws["C4"].number_format == "0.00"
    assert [ws.cell(r, 2).value for r in range(4, 9)] == UNITS
    assert ws["B4"].hyperlink.location == "'Chấm điểm'!A1"
    assert ws["B10"].value == "=SUM(C4:C8)" and ws["B10"].data_type == "s"
    assert ws.print_area == "'Kết quả'!$A$1:$E$10"
    assert ws.print_title_rows == "$3:$3"
    assert len(ws._charts) == 1
    assert wb[OUTPUT_FINDINGS]["C2"].hyperlink.location == "'Chấm điểm'!D3"
    # the user's things are all there
    assert wb["Chấm điểm"]["A1"].font.color.rgb == "FF1F4E79"
    assert len(wb["Chấm điểm"]._charts) == 1
    assert wb["Ghi chú"]["A2"].value == "=1+1"


def test_write_output_replaces_previous_output_in_place(base, tmp_path):
    out = tmp_path / "ketqua.xlsx"
    write_output(base, small_plan("LẦN 1"), out)
    write_output(base, small_plan("LẦN 2"), out)  # out exists: replaced atomically
    assert _load(out)[OUTPUT_RESULTS]["A1"].value == "LẦN 2"
    out2 = tmp_path / "ketqua2.xlsx"
    write_output(out, small_plan("LẦN 3"), out2)  # scoring an output again
    wb = _load(out2)
    assert wb.sheetnames == USER_SHEETS + [OUTPUT_RESULTS, OUTPUT_FINDINGS]
    assert wb[OUTPUT_RESULTS]["A1"].value == "LẦN 3"


def test_output_equal_to_input_is_refused(base, tmp_path):
    before = sha(base)
    for same in (base, tmp_path / "x" / ".." / base.name, str(base)):
        (tmp_path / "x").mkdir(exist_ok=True)
        with pytest.raises(OutputError) as exc:
            write_output(base, small_plan(), same)
        assert "trùng với tệp đầu vào" in exc.value.message
    assert sha(base) == before


def test_errors_plan_keeps_only_findings_sheet(base, tmp_path):
    plan = small_plan(select=OUTPUT_FINDINGS)
    plan.sheets = [plan.sheets[1]]
    out = write_output(base, plan, tmp_path / "o.xlsx")
    wb = _load(out)
    # the old "Kết quả" is gone too: plan.replace holds every output sheet
    assert wb.sheetnames == USER_SHEETS + [OUTPUT_FINDINGS]
    assert wb.active.title == OUTPUT_FINDINGS


def test_plan_without_sheets_only_removes_old_outputs(base, tmp_path):
    out = write_output(base, WritePlan(sheets=[]), tmp_path / "o.xlsx")
    assert _load(out).sheetnames == USER_SHEETS


def test_output_folder_problem_is_an_output_error(base, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(OutputError) as exc:
        write_output(base, small_plan(), blocker / "o.xlsx")
    assert "o.xlsx" in exc.value.message
    with pytest.raises(OutputError):
        write_plan_only(small_plan(), blocker / "o.xlsx")


def test_fallback_to_openpyxl_when_grafting_fails(base, tmp_path, monkeypatch, caplog):
    def broken(*a, **kw):
        raise package.GraftError("unsupported content")
    monkeypatch.setattr(package, "graft_sheets", broken)
    with caplog.at_level(logging.WARNING, logger="thidua_xl.io.writer"):
        out = write_output(base, small_plan(), tmp_path / "o.xlsx")
    assert "unsupported content" in caplog.text
    wb = _load(out)
    assert wb.sheetnames == USER_SHEETS + [OUTPUT_RESULTS, OUTPUT_FINDINGS]
    assert wb[OUTPUT_RESULTS]["B4"].value == UNITS[0]
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []


def _cells(ws):
    return {(c.row, c.column): (c.value, c.data_type, c.font.b, c.font.color.rgb
                                if c.font.color is not None and c.font.color.type == "rgb"
                                else None,
                                c.fill.fgColor.rgb if c.fill.fill_type else None,
                                c.number_format, c.border.left.style,
                                c.hyperlink.location if c.hyperlink else None)
            for row in ws.iter_rows() for c in row if c.value is not None}


def test_graft_equals_openpyxl_load_and_save(base, tmp_path, monkeypatch):
    """The fast path and the slow path give the same output sheets."""
    fast = write_output(base, small_plan(), tmp_path / "fast.xlsx")
    monkeypatch.setattr(package, "graft_sheets",
                        lambda *a, **kw: (_ for _ in ()).throw(package.GraftError("x")))
    slow = write_output(base, small_plan(), tmp_path / "slow.xlsx")
    wf, ws_ = _load(fast), _load(slow)
    assert wf.sheetnames == ws_.sheetnames
    for name in (OUTPUT_RESULTS, OUTPUT_FINDINGS):
        a, b = wf[name], ws_[name]
        assert _cells(a) == _cells(b)
        assert {str(r) for r in a.merged_cells.ranges} == {str(r) for r in b.merged_cells.ranges}
        assert a.print_area == b.print_area and a.print_title_rows == b.print_title_rows
        assert a.freeze_panes == b.freeze_panes
    for name in USER_SHEETS:
        assert _cells(wf[name]) == _cells(ws_[name])


def test_xlsm_output_keeps_macros(tmp_path):
    src = find_corpus("quickstart.xlsm", "SimpleMacro.xlsm", "vba.xlsm")
    if src is None:
        pytest.skip("no macro workbook in ../shared/corpora")
    base = Path(shutil.copy(src, tmp_path / "macro.xlsm"))
    out = write_output(base, small_plan(), tmp_path / "macro_ketqua.xlsm")
    b, o = members(base), members(out)
    assert o["xl/vbaProject.bin"] == b["xl/vbaProject.bin"]
    assert "sheet.macroEnabled.main+xml" in o["[Content_Types].xml"].decode()
    assert _load(out, keep_vba=True).sheetnames[-2:] == [OUTPUT_RESULTS, OUTPUT_FINDINGS]
    # an .xlsx output of a macro workbook must be a valid .xlsx (Excel refuses a
    # macro-enabled content type behind an .xlsx extension)
    out2 = write_output(base, small_plan(), tmp_path / "macro_ketqua.xlsx")
    with zipfile.ZipFile(out2) as zf:
        assert "xl/vbaProject.bin" not in zf.namelist()
        assert b"macroEnabled" not in zf.read("[Content_Types].xml")


def test_write_plan_only(tmp_path):
    out = write_plan_only(small_plan(), tmp_path / "chi_ket_qua.xlsx")
    wb = _load(out)
    assert wb.sheetnames == [OUTPUT_RESULTS, OUTPUT_FINDINGS]
    assert wb[OUTPUT_RESULTS]["B4"].value == UNITS[0]
    assert [p.name for p in tmp_path.iterdir()] == ["chi_ket_qua.xlsx"]


@pytest.mark.libreoffice
def test_libreoffice_converts_write_output(base, tmp_path):
    import subprocess
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) not installed")
    out = write_output(base, small_plan(), tmp_path / "ketqua.xlsx")
    proc = subprocess.run(
        [exe, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(out)],
        capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    wb = _load(tmp_path / "lo" / "ketqua.xlsx")
    assert wb.sheetnames == USER_SHEETS + [OUTPUT_RESULTS, OUTPUT_FINDINGS]
    assert [wb[OUTPUT_RESULTS].cell(r, 2).value for r in range(4, 9)] == UNITS
    assert wb[OUTPUT_RESULTS]["A1"].font.color.rgb == "FFC00000"


def test_fallback_keeps_macros_of_xlsm(tmp_path, monkeypatch):
    src = find_corpus("quickstart.xlsm", "SimpleMacro.xlsm", "vba.xlsm")
    if src is None:
        pytest.skip("no macro workbook in ../shared/corpora")
    base = Path(shutil.copy(src, tmp_path / "macro.xlsm"))
    monkeypatch.setattr(package, "graft_sheets",
                        lambda *a, **kw: (_ for _ in ()).throw(package.GraftError("x")))
    out = write_output(base, small_plan(), tmp_path / "macro_ketqua.xlsm")
    b, o = members(base), members(out)
    assert o["xl/vbaProject.bin"] == b["xl/vbaProject.bin"]
    assert "sheet.macroEnabled.main+xml" in o["[Content_Types].xml"].decode()
    assert _load(out, keep_vba=True).sheetnames[-2:] == [OUTPUT_RESULTS, OUTPUT_FINDINGS]
