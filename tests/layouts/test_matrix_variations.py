"""The matrix layout as offices write it (bloc-workbook.md v2 "Tolerance"): the scoring
sheet under any name (found by its header, a warning names it), a three-row header with a
super-header above the unit names, section codes as letters or with a prefix, a code typed
twice. Each gives the results of the canonical book."""
from __future__ import annotations

import pytest

from thidua_xl import api

from ..office_books import write_canonical, real
from .builders import write_matrix

KEYS = ("bloc", "year", "max_total", "next_head", "next_deputy")


def outcome(doc: dict, *, sections: bool = True) -> dict:
    """What must not depend on the layout: totals, ranks, classifications, awards."""
    # without sections, notes and reasons go too: they name the deciding section by its own
    # code ("nhờ điểm mục A cao hơn" in a lettered book, "mục I" in the canonical one)
    named = () if sections else ("sections", "notes", "reasons")
    units = [{k: v for k, v in u.items() if k not in named} for u in doc["units"]]
    return {"units": units, **{k: doc[k] for k in KEYS}}


@pytest.fixture(scope="module")
def canonical(tmp_path_factory):
    p = write_canonical(tmp_path_factory.mktemp("canon") / "canon.xlsx")
    doc = api.check_file(p).to_json()
    assert doc["units"][0]["rank"] == 1 and not real(doc["findings"])
    assert doc["layout"] == "matrix" and doc["score_sheet"] == "Chấm điểm"
    return doc


@pytest.mark.parametrize("name", ["Bảng điểm", "Tổng hợp", "Chấm điểm 2025"])
def test_scoring_sheet_under_another_name_is_found_by_its_header(tmp_path, canonical, name):
    doc = api.check_file(write_matrix(tmp_path / "b.xlsx", sheet=name)).to_json()
    assert outcome(doc) == outcome(canonical)
    assert doc["layout"] == "matrix" and doc["score_sheet"] == name
    [w] = real(doc["findings"])
    assert w["code"] == "score-sheet-found" and w["severity"] == "warning"
    assert w["sheet"] == name and f"\"{name}\"" in w["message"]


def test_three_row_header_super_header_is_a_title_not_a_unit(tmp_path, canonical):
    doc = api.check_file(write_matrix(tmp_path / "b.xlsx", super_header=True)).to_json()
    assert real(doc["findings"]) == []
    assert outcome(doc) == outcome(canonical)


def test_three_row_header_without_title_row(tmp_path, canonical):
    doc = api.check_file(write_matrix(tmp_path / "b.xlsx", super_header=True,
                                      title=False)).to_json()
    assert real(doc["findings"]) == [] and outcome(doc) == outcome(canonical)


def test_prefixed_section_codes_are_the_sections(tmp_path, canonical):
    doc = api.check_file(write_matrix(tmp_path / "b.xlsx", sections="prefixed")).to_json()
    assert real(doc["findings"]) == []
    assert outcome(doc) == outcome(canonical)  # "Phần I" is section I, "Mục II" is II ...


@pytest.mark.parametrize("style,first", [("letters", "A"), ("tieu-chi", "1")])
def test_lettered_and_numbered_sections(tmp_path, canonical, style, first):
    doc = api.check_file(write_matrix(tmp_path / "b.xlsx", sections=style)).to_json()
    assert real(doc["findings"]) == []
    assert outcome(doc, sections=False) == outcome(canonical, sections=False)
    assert list(doc["units"][0]["sections"]) == [first, {"A": "B", "1": "2"}[first]]
    assert list(doc["units"][0]["sections"].values()) == \
        list(canonical["units"][0]["sections"].values())


def test_a_code_typed_twice_is_one_error_naming_both_cells(tmp_path):
    doc = api.check_file(write_matrix(tmp_path / "b.xlsx", duplicate=True)).to_json()
    assert [f["code"] for f in doc["findings"]] == ["duplicate-code"]  # no follow-on errors
    [f] = doc["findings"]
    assert f["sheet"] == "Chấm điểm" and f["cell"] == "A7"
    assert "A6" in f["message"] and "A7" in f["message"]  # both cells of the "2"


def test_super_header_with_one_sheet_score_path_through_the_cli(tmp_path, canonical):
    src = write_matrix(tmp_path / "b.xlsx", sheet="Chấm điểm 2025", super_header=True,
                       sections="prefixed")
    outcome_ = api.score_file(src, tmp_path / "kq.xlsx")
    assert outcome(outcome_.result.to_json()) == outcome(canonical)
    from openpyxl import load_workbook

    assert "Kết quả" in load_workbook(outcome_.out).sheetnames
