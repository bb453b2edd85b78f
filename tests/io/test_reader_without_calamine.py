"""python-calamine is optional: without it the openpyxl reader serves (xlwings Lite)."""
from __future__ import annotations

import pytest

from tests.builders import crit, write_bloc
from thidua_xl import api
from thidua_xl.errors import UsageError
from thidua_xl.io import readers


@pytest.fixture
def bloc(tmp_path):
    return write_bloc(tmp_path / "khoi.xlsx", units=["Sở A", "Sở B"],
                      criteria=[crit("1", "Chuyên môn", 10, scores={"Sở A": 9, "Sở B": "8,5"})])


def test_calamine_is_installed_here():
    assert readers.calamine_available()


def test_auto_reads_with_openpyxl_when_calamine_is_absent(bloc, monkeypatch):
    with_calamine = readers.read_grid(bloc)
    assert with_calamine.reader == "calamine"
    monkeypatch.setattr(readers, "calamine_available", lambda: False)
    monkeypatch.setattr(readers, "_calamine", lambda *a: pytest.fail("calamine used"))
    without = readers.read_grid(bloc)
    assert without.reader == "openpyxl"
    # the same findings, totals and ranks either way
    got = api.analyze_grid(without, file="khoi.xlsx").to_json()
    want = api.analyze_grid(with_calamine, file="khoi.xlsx").to_json()
    assert got == want
    assert [u["total"] for u in got["units"]] == [9.0, 8.5]


def test_forcing_calamine_when_absent_is_a_vietnamese_usage_error(bloc, monkeypatch):
    monkeypatch.setattr(readers, "calamine_available", lambda: False)
    with pytest.raises(UsageError) as e:
        readers.read_grid(bloc, reader="calamine")
    assert e.value.code == "reader-not-installed"
    assert "python-calamine" in e.value.message and "pip install" in e.value.fix
