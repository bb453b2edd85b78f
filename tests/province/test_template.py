"""`thidua-xl template`: the blank standard workbook and its input validation."""
from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

import openpyxl
import pytest
from thidua_xl.cli import template as cli_template

from thidua_xl import template as tpl
from thidua_xl.errors import UsageError

from .helpers import fill_template, score_rows

REPO = Path(__file__).resolve().parents[2]


def _dvs(ws):
    return list(ws.data_validations.dataValidation)


def test_structure_of_default_template(tmp_path):
    out = tpl.write_template(tmp_path / "mau.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Thông tin", "Đơn vị", "Chấm điểm", "Quy định", "Hướng dẫn"]
    ws = wb["Chấm điểm"]
    assert [ws.cell(3, c).value for c in range(1, 8)] == list(tpl.LEFT_LABELS)
    # one group per unit, name merged over Tự chấm / Khối chấm / Thống nhất
    assert ws.cell(3, 8).value == "Đơn vị 1" and ws.cell(3, 23).value == "Đơn vị 6"
    assert [ws.cell(4, c).value for c in range(8, 11)] == list(tpl.SUBCOLS)
    assert "H3:J3" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.freeze_panes == "H5"
    assert ws.cell(5, 2).font.name == "Times New Roman"
    # ~15 leaves, several types, scored maximum 100
    crits = tpl.sample_criteria()
    assert tpl.computed_max(crits)[1] == 100
    leaves = score_rows(ws)
    assert 14 <= len(leaves) <= 18
    assert {t for *_, t in leaves} >= {"", "Định tính", "Định lượng", "Chấm thẳng",
                                       "Điểm thưởng", "Điểm trừ"}
    dvs = _dvs(ws)
    loai = [d for d in dvs if d.type == "list" and "Định lượng dẫn đầu" in (d.formula1 or "")]
    assert loai and all(lab in loai[0].formula1 for lab in tpl.TYPE_LABELS)
    # a scored leaf's cells: decimal between 0 and the row's Điểm tối đa cell
    r = next(r for r, _, _, t in leaves if t == "")
    row_dv = [d for d in dvs if d.type == "decimal" and d.formula2 == f"$C${r}"]
    assert row_dv and f"H{r}" in str(row_dv[0].sqref) and row_dv[0].operator == "between"
    # Đơn vị: drop-down for last year's classification
    units = wb["Đơn vị"]
    assert [units.cell(1, c).value for c in range(1, 3)] == ["STT", "Tên đơn vị"]
    lists = [d for d in _dvs(units) if d.type == "list" and "HTXS" in d.formula1]
    assert lists and "Hoàn thành xuất sắc nhiệm vụ" in lists[0].formula1
    assert "C2" in str(lists[0].sqref)
    # Quy định: default rules and forms table
    q = wb["Quy định"]
    assert q["A1"].value == "Ngưỡng Hoàn thành xuất sắc (%)" and q["B1"].value == 95
    names = [q.cell(r, 1).value for r in range(1, q.max_row + 1)]
    assert "Hình thức khen thưởng" in names and "Cờ thi đua của Chính phủ" in names
    assert wb["Hướng dẫn"]["A1"].value.startswith("HƯỚNG DẪN")


def test_committed_blank_template_matches_a_fresh_render(tmp_path):
    committed = REPO / "workbooks" / "mau-trong.xlsx"
    fresh = tpl.write_template(tmp_path / "mau.xlsx")
    a, b = openpyxl.load_workbook(committed), openpyxl.load_workbook(fresh)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        wa, wb_ = a[name], b[name]
        va = [[c.value for c in row] for row in wa.iter_rows()]
        vb = [[c.value for c in row] for row in wb_.iter_rows()]
        assert va == vb, f"{name}: run python workbooks/build_template.py"
        assert {str(m) for m in wa.merged_cells.ranges} == {str(m) for m in wb_.merged_cells.ranges}
        assert len(_dvs(wa)) == len(_dvs(wb_))
        assert wa.freeze_panes == wb_.freeze_panes


def test_units_from_list_file_and_xlsx(tmp_path):
    assert tpl.parse_units_arg("Sở A, Sở B;Sở C") == ["Sở A", "Sở B", "Sở C"]
    assert tpl.parse_units_arg(None) is None
    txt = tmp_path / "dv.txt"
    txt.write_text("Sở Tư pháp\n\nSở Nội vụ\nsở tư pháp\n", encoding="utf-8")
    assert tpl.parse_units_arg(str(txt)) == ["Sở Tư pháp", "Sở Nội vụ"]
    wb = openpyxl.Workbook()
    wb.active.append(["STT", "Tên đơn vị"])
    wb.active.append([1, "Ban Dân tộc tỉnh"])
    wb.active.append([2, "Thanh tra tỉnh"])
    x = tmp_path / "dv.xlsx"
    wb.save(x)
    assert tpl.parse_units_arg(str(x)) == ["Ban Dân tộc tỉnh", "Thanh tra tỉnh"]
    with pytest.raises(UsageError):
        tpl.parse_units_arg(str(tmp_path / "khong-co.txt"))


def test_criteria_from_csv(tmp_path):
    csv = tmp_path / "tieuchi.csv"
    csv.write_text("Mã;Nội dung tiêu chí;Điểm tối đa;Loại;Hệ số;Chỉ tiêu;Điểm mỗi lần\n"
                   "I;Công tác chung;;;;;\n1;Tiêu chí một;60;;;;\n2;Tiêu chí hai;40;Định tính;;;\n"
                   "II;Thưởng;;Điểm thưởng;;;\n1;Khen đột xuất;5;Điểm thưởng;;;\n",
                   encoding="utf-8")
    out = tpl.write_template(tmp_path / "m.xlsx", ["Sở A", "Sở B"], csv)
    ws = openpyxl.load_workbook(out)["Chấm điểm"]
    assert ws["C5"].value == 100 and ws["B6"].value == "Tiêu chí một"
    assert ws.cell(3, 8).value == "Sở A" and ws.cell(3, 11).value == "Sở B"
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã,Nội dung tiêu chí,Điểm tối đa,Loại\n1,X,10,Không rõ\n", encoding="utf-8")
    with pytest.raises(UsageError):
        tpl.load_criteria(bad)


def test_run_cli_json_and_bad_output(tmp_path, capsys):
    out = tmp_path / "mau.xlsx"
    assert cli_template.run(Namespace(output=str(out), units="Sở A;Sở B", criteria=None,
                                 json=True)) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["file"] == str(out) and doc["units"] == 2 and out.exists()
    assert cli_template.run(Namespace(output=str(tmp_path / "mau.txt"), units=None, criteria=None,
                                 json=True)) == 2


def _api():
    pytest.importorskip("thidua_xl.io.readers")
    from thidua_xl import api

    return api


def test_blank_template_check_reports_missing_scores_not_a_crash(tmp_path):
    api = _api()
    out = tpl.write_template(tmp_path / "mau.xlsx")
    r = api.check_file(out)
    assert r.status == "errors"
    codes = {f.code for f in r.findings if f.severity.value == "error"}
    assert codes and all("score" in c for c in codes), codes


@pytest.mark.parametrize("column", ["Thống nhất", "Tự chấm"])
def test_template_with_scores_typed_in_checks_clean(tmp_path, column):
    api = _api()
    blank = tpl.write_template(tmp_path / "mau.xlsx", ["Sở A", "Sở B", "Sở C", "Sở D"])
    filled = fill_template(blank, tmp_path / "filled.xlsx", column=column)
    r = api.check_file(filled)
    assert not r.has_errors, [f.message for f in r.findings]
    assert r.max_total == 100 and len(r.units) == 4 and r.units[0].rank == 1


def test_criteria_from_xlsx_checks_clean_once_filled(tmp_path):
    api = _api()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH MỤC TIÊU CHÍ"])
    ws.append(["STT", "Tiêu chí", "Điểm chuẩn", "Loại", "Hệ số", "Chỉ tiêu", "Điểm/lần"])
    ws.append(["I", "Nhiệm vụ chuyên môn", None])
    ws.append(["1", "Kết quả thực hiện kế hoạch", 50, "Tỷ lệ", None, 100])
    ws.append(["2", "Tham gia hoạt động của Khối", 20, "Số lần", None, None, 5])
    ws.append(["II", "Xây dựng cơ quan"])
    ws.append(["1", "Văn hóa công sở", 30, "Đạt/Không đạt"])
    ws.append(["III", "Điểm trừ", None, "Trừ"])
    ws.append(["1", "Vi phạm", 5, "Trừ"])
    src = tmp_path / "tieuchi.xlsx"
    wb.save(src)
    out = tpl.write_template(tmp_path / "m.xlsx", ["Sở A", "Sở B", "Sở C"], src)
    filled = fill_template(out, tmp_path / "f.xlsx")
    r = api.check_file(filled)
    assert not r.has_errors, [f.message for f in r.findings]
    assert r.max_total == 100
