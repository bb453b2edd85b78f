"""One sheet per unit (bloc-workbook.md v2 "two more layouts", 1): read as the unit column
groups of one matrix — same totals, ranks, classifications, proposals as the canonical
book; criteria must agree across sheets (errors naming both cells); every finding names
the unit's own sheet and cell."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from thidua_xl import api

from ..office_books import write_canonical, real
from .builders import write_per_unit
from .test_matrix_variations import outcome


@pytest.fixture(scope="module")
def canonical(tmp_path_factory):
    return api.check_file(write_canonical(tmp_path_factory.mktemp("c") / "c.xlsx")).to_json()


@pytest.mark.parametrize("naming,units_sheet", [("label", True), ("title", True),
                                                 ("sheet", False), ("label", False)])
def test_per_unit_sheets_give_the_canonical_results(tmp_path, canonical, naming, units_sheet):
    doc = api.check_file(write_per_unit(tmp_path / "b.xlsx", naming=naming,
                                        units_sheet=units_sheet)).to_json()
    assert real(doc["findings"]) == []
    assert doc["layout"] == "per-unit-sheets"
    sheets = ["Sở Tài chính", "Sở Tư pháp", "Sở Nội vụ", "Ban Dân tộc"] if naming == "sheet" \
        else ["Phiếu 1", "Phiếu 2", "Phiếu 3", "Phiếu 4"]
    assert doc["score_sheet"] == sheets
    if units_sheet:
        assert outcome(doc) == outcome(canonical)
    else:  # without "Đơn vị": no last year's classification, so no award needing it
        assert [(u["name"], u["total"], u["rank"], u["classification"]) for u in doc["units"]] \
            == [(u["name"], u["total"], u["rank"], u["classification"])
                for u in canonical["units"]]


def test_sheets_laid_out_differently_are_matched_by_criterion(tmp_path, canonical):
    """Two-row headers ("Điểm chấm" over the sub-labels), a table starting in column B, the
    rows of a section in another order: criteria are matched by their path, not their row."""
    doc = api.check_file(write_per_unit(tmp_path / "b.xlsx", mixed=True)).to_json()
    assert real(doc["findings"]) == [] and doc["layout"] == "per-unit-sheets"
    assert outcome(doc) == outcome(canonical)


def test_a_criterion_missing_from_one_sheet_is_one_error_naming_both_cells(tmp_path):
    doc = api.check_file(write_per_unit(tmp_path / "b.xlsx",
                                        drop=("Sở Tư pháp", "Phong trào thi đua"))).to_json()
    [f] = doc["findings"]
    assert f["code"] == "unit-sheet-criterion-missing" and f["sheet"] == "Phiếu 2"
    assert "Phiếu 1!A10" in f["message"] and "Phong trào thi đua" in f["message"]
    assert all(u["rank"] is None for u in doc["units"])


def test_a_criterion_added_in_one_sheet_is_an_error_at_its_cell(tmp_path):
    doc = api.check_file(write_per_unit(tmp_path / "b.xlsx", extra="Sở Nội vụ")).to_json()
    [f] = doc["findings"]
    assert (f["code"], f["sheet"], f["cell"]) == ("unit-sheet-criterion-extra", "Phiếu 3", "A8")
    assert "\"Phiếu 1\"" in f["message"]


def test_another_maximum_in_one_sheet_is_an_error_naming_both_cells(tmp_path):
    doc = api.check_file(write_per_unit(tmp_path / "b.xlsx", max_differs="Ban Dân tộc")).to_json()
    [f] = doc["findings"]
    assert (f["code"], f["sheet"], f["cell"]) == ("unit-sheet-max-differs", "Phiếu 4", "C6")
    assert "Phiếu 1!C6" in f["message"]


def test_findings_name_the_units_own_sheet_and_cell(tmp_path):
    p = write_per_unit(tmp_path / "b.xlsx")
    wb = load_workbook(p)
    wb["Phiếu 3"]["G7"] = 25  # Thống nhất of "Cải cách hành chính" (max 20) for Sở Nội vụ
    wb["Phiếu 2"]["E9"] = "mười"  # Tự chấm of "Xây dựng tổ chức" for Sở Tư pháp
    wb.save(p)
    doc = api.check_file(p).to_json()
    where = {(f["code"], f["sheet"], f["cell"]) for f in doc["findings"]}
    assert ("score-above-max", "Phiếu 3", "G7") in where
    assert any(s == "Phiếu 2" and c == "E9" for _, s, c in where)
    assert all("\u2060" not in f["message"] for f in doc["findings"])


def test_score_writes_the_outputs_beside_the_units_sheets(tmp_path, canonical):
    out = api.score_file(write_per_unit(tmp_path / "b.xlsx"), tmp_path / "kq.xlsx")
    assert outcome(out.result.to_json()) == outcome(canonical)
    names = load_workbook(out.out).sheetnames
    assert {"Phiếu 1", "Phiếu 4", "Kết quả", "Đề nghị khen thưởng"} <= set(names)
