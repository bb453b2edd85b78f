""".xls / .xlsb / .ods input (bloc-workbook.md v2 "Tolerance"): read like .xlsx through
calamine, written as .xlsx — by a LibreOffice conversion of a copy when it is installed
(the user's sheets keep their formatting), else the user's sheets as values and a warning.
The .xls/.ods files are made by LibreOffice from the canonical book, once a session."""
from __future__ import annotations

import hashlib
import json

import pytest
from openpyxl import load_workbook

from thidua_xl import api
from thidua_xl.io import foreign

from ..office_books import INFO, real


def _doc(path):
    r = api.check_file(path).to_json()
    r.pop("file")
    return r


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _need(books, name, fmt):
    if fmt not in books[name]:
        pytest.skip("LibreOffice (soffice) not installed: no .xls/.ods made")
    return books[name][fmt]


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_foreign_book_gives_the_results_of_the_xlsx(office_books, fmt):
    src = _need(office_books, "matrix", fmt)
    canonical = _doc(office_books["matrix"]["xlsx"])
    assert canonical["units"] and not real(canonical["findings"])  # a clean, scored bloc
    assert _doc(src) == canonical


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_score_writes_an_xlsx_with_the_users_sheets(office_books, fmt, tmp_path):
    src = _need(office_books, "matrix", fmt)
    before = _sha(src)
    out = api.score_file(src, tmp_path / "kq").out
    assert out.suffix == ".xlsx" and api.default_output(src).suffix == ".xlsx"
    wb = load_workbook(out)
    assert {"Chấm điểm", "Ghi chép riêng", "Kết quả", "Kiểm tra"} <= set(wb.sheetnames)
    assert wb["Ghi chép riêng"]["A1"].value.startswith("Sổ tay của người dùng")
    assert wb["Chấm điểm"].column_dimensions["C"].width == pytest.approx(14, abs=1)  # kept
    assert _sha(src) == before  # the input is never touched
    assert not any(f.code == foreign.VALUES_ONLY_CODE for f in api.check_file(out).findings)


def test_without_libreoffice_the_users_sheets_are_values_and_a_warning_says_so(
        office_books, tmp_path, monkeypatch):
    src = _need(office_books, "matrix", "xls")
    monkeypatch.setattr("thidua_xl.io.pdf.find_soffice", lambda: None)
    outcome = api.score_file(src, tmp_path / "kq.xlsx")
    warn = [f for f in outcome.result.findings if f.code == foreign.VALUES_ONLY_CODE]
    assert len(warn) == 1 and "LibreOffice" in warn[0].message and src.name in warn[0].message
    wb = load_workbook(outcome.out)
    assert wb["Thông tin"]["B2"].value == INFO["Tên khối thi đua"]
    assert wb["Ghi chép riêng"]["A1"].value.startswith("Sổ tay")
    kt = wb["Kiểm tra"]
    assert any(foreign.VALUES_ONLY_CODE in str(c.value) for row in kt.iter_rows() for c in row)
    # the results are those of the .xlsx all the same
    assert [u.total for u in outcome.result.units] == \
        [u.total for u in api.check_file(office_books["matrix"]["xlsx"]).units]


def test_an_xls_saved_with_an_xlsx_name_is_read(office_books, tmp_path, monkeypatch):
    src = _need(office_books, "matrix", "xls")
    monkeypatch.setattr("thidua_xl.io.pdf.find_soffice", lambda: None)  # fast: values copy
    renamed = tmp_path / "so-cham-diem.xlsx"
    renamed.write_bytes(src.read_bytes())
    assert _doc(renamed) == _doc(office_books["matrix"]["xlsx"])
    out = api.score_file(renamed, tmp_path / "kq.xlsx").out
    assert "Kết quả" in load_workbook(out).sheetnames


def test_cli_score_json_on_an_ods(office_books, tmp_path, monkeypatch):
    from thidua_xl.cli import main

    monkeypatch.setattr("thidua_xl.io.pdf.find_soffice", lambda: None)  # fast: values copy
    src = _need(office_books, "matrix", "ods")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["score", str(src), "-o", str(tmp_path / "x.xlsx"), "--json"])
    assert code == 0
    doc = json.loads(buf.getvalue())
    assert [u["name"] for u in doc["units"]] == \
        [u.name for u in api.check_file(office_books["matrix"]["xlsx"]).units]


def test_ods_percent_cells_and_merges_are_read_as_in_the_xlsx(office_books):
    src = _need(office_books, "percent", "ods")
    assert _doc(src) == _doc(office_books["percent"]["xlsx"])
    grid = api.read_grid(_need(office_books, "matrix", "ods"))
    assert {m.ref for m in grid.find_sheet("Chấm điểm").merges} == \
        {m.ref for m in api.read_grid(office_books["matrix"]["xlsx"]).find_sheet(
            "Chấm điểm").merges}


def test_xls_percent_cells_unknown_give_a_warning_naming_the_criterion(office_books):
    src = _need(office_books, "percent", "xls")
    r = api.check_file(src)
    [w] = [f for f in r.findings if f.code == "percent-format-unknown"]
    assert w.severity.value == "warning" and "Excel 97-2003 (.xls)" in w.message
    assert (w.sheet, w.cell) == ("Chấm điểm", "A4") and "Save As" in w.fix
    assert not [f for f in api.check_file(office_books["percent"]["xlsx"]).findings
                if f.code == "percent-format-unknown"]
