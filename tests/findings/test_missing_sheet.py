"""`missing-score-sheet` names the sheets the workbook has, the layout that came closest
and what it lacks (bloc-workbook.md v2, "Outside the format"); never an empty list."""
from __future__ import annotations

from thidua_xl.api import check_file

from .corpus import without_score_sheet

UNITS = [["STT", "Tên đơn vị"], [1, "Sở A"], [2, "Sở B"]]


def _one(path):
    r = check_file(path)
    [f] = r.findings
    assert f.code == "missing-score-sheet" and f.severity.value == "error"
    assert f.fix and f.fix not in f.message
    return f


def test_a_score_table_without_its_max_column(tmp_path):
    f = _one(without_score_sheet(tmp_path, {
        "Đơn vị": UNITS,
        "Bảng điểm": [["BẢNG ĐIỂM"], ["Mã", "Nội dung tiêu chí", "Sở A", "Sở B"],
                      ["I", "Công tác chung"], [1, "Kế hoạch", 9, 8]]}))
    assert "Các sheet hiện có: \"Đơn vị\", \"Bảng điểm\"" in f.message
    assert "Gần nhất là sheet \"Bảng điểm\"" in f.message
    assert "không có cột \"Điểm tối đa\"" in f.message
    assert "Thêm cột \"Điểm tối đa\" vào hàng tiêu đề của sheet \"Bảng điểm\"" in f.fix
    assert "thành \"Chấm điểm\"" in f.fix


def test_a_summary_table_without_section_columns(tmp_path):
    f = _one(without_score_sheet(tmp_path, {
        "Tổng hợp": [["STT", "Tên đơn vị", "Tổng điểm"], [1, "Sở A", 90], [2, "Sở B", 85]]}))
    assert "sheet \"Tổng hợp\" (dạng bảng tổng hợp" in f.message
    assert "có cột \"Tên đơn vị\" nhưng không có cột điểm theo mục (I, II …)" in f.message


def test_a_self_score_form(tmp_path):
    f = _one(without_score_sheet(tmp_path, {
        "Phiếu": [["Đơn vị:", "Sở A"], ["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Tự chấm"],
                  [1, "Kế hoạch", 10, 9]]}))
    assert "dạng phiếu chấm của từng đơn vị" in f.message
    assert "ít nhất hai sheet" in f.fix


def test_sheets_that_are_all_empty(tmp_path):
    f = _one(without_score_sheet(tmp_path, {"Sheet1": [], "Sheet2": []}))
    assert "(\"Sheet1\", \"Sheet2\") đều trống" in f.message


def test_sheets_without_any_label(tmp_path):
    f = _one(without_score_sheet(tmp_path, {"Ghi chép": [["ngày", "việc"], [1, "họp"]]}))
    assert "Các sheet hiện có: \"Ghi chép\"; không sheet nào" in f.message
    assert ": ." not in f.message and "\"\"" not in f.message


def test_a_workbook_without_worksheets():
    from thidua_xl.io.grid import Grid
    from thidua_xl.io.parser import parse_grid

    bloc, report = parse_grid(Grid(source="x.xlsx"))
    [f] = report.findings
    assert bloc is None and f.code == "missing-score-sheet"
    assert "không có sheet nào đọc được" in f.message and "Các sheet hiện có" not in f.message


def test_a_summary_table_with_its_sections_lacks_only_the_unit_names(tmp_path):
    f = _one(without_score_sheet(tmp_path, {
        "Tổng hợp": [["STT", "Cơ quan", "I (40 điểm)", "II (60 điểm)", "Điểm thưởng", "Điểm trừ"],
                     [1, "Sở A", 38, 55, 2, 0]]}))
    assert "sheet \"Tổng hợp\" (dạng bảng tổng hợp" in f.message
    assert "nhưng không có cột \"Tên đơn vị\"." in f.message


def test_one_roman_looking_word_is_not_a_summary_table(tmp_path):
    f = _one(without_score_sheet(tmp_path, {"Data": [["x", "y"], [1, 2]]}))
    assert "không sheet nào có các cột của bảng chấm điểm" in f.message
