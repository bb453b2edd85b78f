"""Each clerk's mistake yields exactly one finding at its cell, with its code and a fix that
fits the cause (issue #12), alone and combined with the others; and nothing follows from it.
"""
from __future__ import annotations

import pytest

from thidua_xl.api import check_file
from thidua_xl.contract import validate_output

from .corpus import COMBINABLE, MISTAKES, build


def _findings(result):
    return [(f.code, f.sheet, f.cell, f.severity.value) for f in result.findings]


def test_the_base_workbook_is_clean(tmp_path):
    r = check_file(build(tmp_path))
    assert r.findings == []
    totals = {u.name: u.total for u in r.units}
    # I.1 9 + I.2 18 + II.1 10 + II.2 19 + II.3 9 + bonus 2
    assert totals == {"Sở Tư pháp": 67.0, "Sở Tài chính": 67.5, "Sở Y tế": 50.0}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_one_mistake_one_finding(tmp_path, name):
    m = MISTAKES[name]
    e = m.expect
    r = check_file(build(tmp_path, m))
    assert _findings(r) == [(e.code, e.sheet, e.cell, e.severity)]
    [f] = r.findings
    for word in e.fix:
        assert word in f.fix, (word, f.fix)
    for word in e.message:
        assert word in f.message, (word, f.message)
    assert f.fix and f.fix not in f.message
    doc = r.to_json()
    validate_output(doc)
    [fj] = doc["findings"]
    if e.cells:
        assert fj["cells"] == list(e.cells)
        assert [m.cell for m in f.members] == list(e.cells)
    else:
        assert "cells" not in fj


def test_the_mistakes_together(tmp_path):
    mistakes = [MISTAKES[n] for n in COMBINABLE]
    r = check_file(build(tmp_path, *mistakes))
    want = sorted((m.expect.code, m.expect.sheet, m.expect.cell, m.expect.severity)
                  for m in mistakes)
    assert sorted(_findings(r)) == want
    validate_output(r.to_json())


def test_a_duplicate_code_row_is_still_scored(tmp_path):
    """The second "2.1" row is read: the unit totals are those of the clean workbook."""
    r = check_file(build(tmp_path, MISTAKES["duplicate-code"]))
    assert {u.name: u.total for u in r.units} == {
        "Sở Tư pháp": 67.0, "Sở Tài chính": 67.5, "Sở Y tế": 50.0}


def test_a_misspelt_unit_keeps_its_scores(tmp_path):
    r = check_file(build(tmp_path, MISTAKES["misspelt-unit-header"]))
    assert {u.name: u.total for u in r.units}["Sở Tư pháp"] == 67.0


def test_a_warning_does_not_block_the_results(tmp_path):
    r = check_file(build(tmp_path, MISTAKES["fraction-result"]))
    assert not r.has_errors and all(u.rank for u in r.units)


def test_kiem_tra_lists_every_cell_of_a_grouped_finding(tmp_path):
    from openpyxl import load_workbook

    from thidua_xl.api import score_file

    src = build(tmp_path, MISTAKES["uncached-formulas"])
    out = score_file(src, tmp_path / "out.xlsx").out
    ws = load_workbook(out)["Kiểm tra"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    cells = [r[2] for r in rows if r[3] == "uncached-formula"]
    assert cells == ["H3", "H3", "I3", "H6"]  # the group's row, then one row a cell
    links = {c.value: c.hyperlink for row in ws.iter_rows() for c in row if c.column == 3}
    assert all(links[a] is not None for a in ("H3", "I3", "H6"))
    assert rows[0][0].startswith("Có 1 lỗi")
