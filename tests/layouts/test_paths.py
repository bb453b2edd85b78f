"""Every layout and format on every path (issue #14, 5 and "Done when"): .xls/.ods made by
LibreOffice from each layout's book give the canonical results; ``batch`` scores them all
the same way; the ribbon reads the live book in every layout; ``merge`` takes .xls/.ods
self-score files."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from thidua_xl import api

from ..excel.conftest import remote  # noqa: F401 - the live-book fixture
from .test_matrix_variations import outcome

LAYOUTS = {"matrix": "matrix", "bang-diem": "matrix", "per-unit": "per-unit-sheets",
           "summary": "summary"}


def _core(doc: dict) -> dict:
    """Totals, ranks, classifications, proposals (the summary adds its own note)."""
    out = outcome(doc)
    for u in out["units"]:
        u["notes"] = [n for n in u["notes"] if not n.startswith("Cần xác minh: không có điểm")]
    return out


def _need(books, name, fmt):
    if fmt not in books[name]:
        pytest.skip("LibreOffice (soffice) not installed: no .xls/.ods made")
    return books[name][fmt]


@pytest.fixture(scope="module")
def canonical(office_books):
    return _core(api.check_file(office_books["matrix"]["xlsx"]).to_json())


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_in_each_format_gives_the_canonical_results(office_books, canonical,
                                                                 name, fmt):
    doc = api.check_file(_need(office_books, name, fmt)).to_json()
    assert doc["layout"] == LAYOUTS[name]
    assert not [f for f in doc["findings"] if f["severity"] == "error"], doc["findings"]
    assert _core(doc) == canonical


def test_batch_scores_every_layout_and_format_alike(office_books, canonical, tmp_path):
    from thidua_xl.batch import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    # every layout as .xlsx, two of them as .xls / .ods (each costs a LibreOffice run)
    files = [(name, "xlsx") for name in LAYOUTS] + [("bang-diem", "xls"), ("summary", "ods")]
    for name, fmt in files:
        if fmt in office_books[name]:
            (folder / f"{name}.{fmt}").write_bytes(office_books[name][fmt].read_bytes())
    outcome_ = run_batch([folder], tmp_path / "out", jobs=1)
    docs = [json.loads(d) for d in outcome_.docs]
    assert len(docs) == len(list(folder.iterdir()))
    for d in docs:
        assert _core(d) == canonical, d["file"]
        assert d["layout"] == LAYOUTS[d["file"].rsplit("/", 1)[-1].split(".")[0]]
    written = sorted(p.name for p in (tmp_path / "out").glob("*_ketqua*"))
    assert written and all(n.endswith(".xlsx") for n in written)


@pytest.mark.parametrize("name", ["bang-diem", "per-unit", "summary"])
def test_the_ribbon_reads_every_layout_from_the_live_book(office_books, remote, name):
    from thidua_xl.excel import handlers

    path = office_books[name]["xlsx"]
    _, live = handlers.analyze_book(remote(path))
    doc = live.to_json()
    assert doc["layout"] == LAYOUTS[name]
    assert _core(doc) == _core(api.check_file(path).to_json())


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_merge_takes_a_self_score_file_in_xls_or_ods(office_books, tmp_path, fmt):
    from thidua_xl import merge

    unit_file = _need(office_books, "self-score", fmt)
    got = merge.merge_files(office_books["matrix"]["xlsx"], [unit_file], tmp_path / "m.xlsx")
    assert not got.report.has_errors, [f.message for f in got.report]
    from_xlsx = merge.merge_files(office_books["matrix"]["xlsx"],
                                  [office_books["self-score"]["xlsx"]], tmp_path / "n.xlsx")
    a = load_workbook(tmp_path / "m.xlsx")["Chấm điểm"]
    b = load_workbook(tmp_path / "n.xlsx")["Chấm điểm"]
    cells = [[c.value for c in row] for row in a.iter_rows()]
    assert cells == [[c.value for c in row] for row in b.iter_rows()]
    assert not from_xlsx.report.has_errors
    assert cells != [[c.value for c in row] for row in
                     load_workbook(office_books["matrix"]["xlsx"])["Chấm điểm"].iter_rows()]


def test_merge_into_an_ods_bloc_writes_an_xlsx_copy(office_books, tmp_path, monkeypatch):
    from thidua_xl import merge

    monkeypatch.setattr("thidua_xl.io.pdf.find_soffice", lambda: None)  # fast: values copy
    bloc = _need(office_books, "matrix", "ods")
    before = bloc.read_bytes()
    got = merge.merge_files(bloc, [office_books["self-score"]["xlsx"]], tmp_path / "m.ods")
    assert got.out.suffix == ".xlsx" and not got.report.has_errors
    ref = merge.merge_files(office_books["matrix"]["xlsx"], [office_books["self-score"]["xlsx"]],
                            tmp_path / "n.xlsx")
    assert api.check_file(got.out).to_json()["units"] == \
        api.check_file(ref.out).to_json()["units"]
    assert bloc.read_bytes() == before
