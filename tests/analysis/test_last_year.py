"""score --nam-truoc LAST: last year's classes from its workbook or its _ketqua output."""
from __future__ import annotations

import json
from pathlib import Path

from tests.builders import crit, write_bloc
from thidua_xl.cli import main
from thidua_xl.core.last_year import TWO_YEARS_HTXS

UNITS = ["Sở A", "Sở B", "Sở C", "Sở D"]


def _bloc(path: Path, scores: dict, units=None, **kw) -> Path:
    return write_bloc(path, units=units or UNITS, criteria=[
        crit("I", "Chung"), crit("1", "Một", 100, scores=scores)], **kw)


def _json(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


LAST = {"Sở A": 99, "Sở B": 90, "Sở C": 80, "Sở D": 70}  # HTXS, HTT, HT, KHT
NOW = {"Sở A": 98, "Sở B": 97, "Sở C": 96, "Sở D": 60}


def test_last_years_output_fills_last_year_for_every_unit(tmp_path, capsys):
    last = _bloc(tmp_path / "2023.xlsx", LAST)
    code, before = _json(capsys, "score", str(last), "-o", str(tmp_path / "2023_ketqua.xlsx"))
    assert code == 0
    classes = {u["name"]: u["classification"] for u in before["units"]}
    now = _bloc(tmp_path / "2024.xlsx", NOW)
    code, doc = _json(capsys, "score", str(now), "--nam-truoc",
                      str(tmp_path / "2023_ketqua.xlsx"), "-o", str(tmp_path / "o.xlsx"))
    assert code == 0
    assert {u["name"]: u["last_year"] for u in doc["units"]} == classes
    assert len(set(classes.values())) == 4  # every class, not one repeated
    assert not [f for f in doc["findings"] if f["code"].startswith("last-year")]
    # without it the workbook has no last year at all
    _, plain = _json(capsys, "check", str(now))
    assert all(u["last_year"] is None for u in plain["units"])
    # the raw workbook of last year gives the same
    code, raw = _json(capsys, "score", str(now), "--nam-truoc", str(last),
                      "-o", str(tmp_path / "o2.xlsx"))
    assert {u["name"]: u["last_year"] for u in raw["units"]} == classes


def test_eligibility_and_the_two_years_basis(tmp_path, capsys):
    last = _bloc(tmp_path / "2023.xlsx", {"Sở A": 90, "Sở B": 99, "Sở C": 99, "Sở D": 99})
    forms = [{"Hình thức khen thưởng": "Bằng khen của Chủ tịch UBND tỉnh",
              "Số lượng tối đa": 2, "Xếp loại tối thiểu": "HTXS", "Không bị kỷ luật": "Không",
              "Năm trước HTXS": "Có"}]
    now = _bloc(tmp_path / "2024.xlsx", {"Sở A": 99, "Sở B": 98, "Sở C": 97, "Sở D": 50},
                forms=forms)
    code, doc = _json(capsys, "score", str(now), "--nam-truoc", str(last),
                      "-o", str(tmp_path / "o.xlsx"))
    awards = {u["name"]: u["award"] for u in doc["units"]}
    # Sở A was HTT last year: not eligible where the rules ask for last year's HTXS
    assert awards["Sở A"] is None
    assert awards["Sở B"] == awards["Sở C"] == "Bằng khen của Chủ tịch UBND tỉnh"
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "o.xlsx")["Đề nghị khen thưởng"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert text.count(TWO_YEARS_HTXS) >= 1


def test_unmatched_and_conflicting_units_are_warnings_naming_both(tmp_path, capsys):
    last = _bloc(tmp_path / "2023.xlsx", {"Sở A": 99, "Sở B": 90, "Sở E": 99},
                 units=["Sở A", "Sở B", "Sở E"])
    units = [{"name": "Sở A", "last_year": "HT"}, {"name": "Sở B"}, {"name": "Sở C"},
             {"name": "Sở D"}]
    now = _bloc(tmp_path / "2024.xlsx", NOW, units=units)
    code, doc = _json(capsys, "score", str(now), "--nam-truoc", str(last),
                      "-o", str(tmp_path / "o.xlsx"))
    assert code == 0  # warnings only
    by = {u["name"]: u["last_year"] for u in doc["units"]}
    assert by["Sở A"] == "Hoàn thành nhiệm vụ"  # the book's own column wins
    assert by["Sở B"] == "Hoàn thành tốt nhiệm vụ"  # filled from last year
    assert by["Sở C"] is None and by["Sở D"] is None
    found = {f["code"]: f for f in doc["findings"]}
    conflict = [f for f in doc["findings"] if f["code"] == "last-year-conflict"]
    assert len(conflict) == 1 and "2023.xlsx" in conflict[0]["message"]
    assert conflict[0]["sheet"] == "Đơn vị" and conflict[0]["cell"]
    missing = [f for f in doc["findings"] if f["code"] == "last-year-unit-missing"]
    assert sorted(m["message"].split(" trong")[0] for m in missing) == [
        "Không tìm thấy đơn vị Sở C", "Không tìm thấy đơn vị Sở D"]
    extra = found["last-year-unit-extra"]
    assert "Sở E" in extra["message"] and "2023.xlsx" in extra["message"]


def test_an_unreadable_last_year_file_is_one_warning(tmp_path, capsys):
    now = _bloc(tmp_path / "2024.xlsx", NOW)
    bad = tmp_path / "2023.xlsx"
    bad.write_bytes(b"not a workbook")
    code, doc = _json(capsys, "score", str(now), "--nam-truoc", str(bad),
                      "-o", str(tmp_path / "o.xlsx"))
    assert code == 0

    def ours(doc):
        return [f["code"] for f in doc["findings"] if f["code"].startswith("last-year")]
    assert ours(doc) == ["last-year-unreadable"]
    code, doc = _json(capsys, "score", str(now), "--nam-truoc", str(tmp_path / "none.xlsx"),
                      "-o", str(tmp_path / "o.xlsx"))
    assert ours(doc) == ["last-year-unreadable"]


def test_two_years_basis_only_when_both_years_are_htxs():
    from tests.core.factory import totals_bloc, unit
    from thidua_xl.core.engine import evaluate
    from thidua_xl.core.models import Classification as C

    totals = {"Sở A": 99, "Sở B": 98, "Sở C": 97}
    units = [unit("Sở A", last_year=C.HTXS), unit("Sở B", last_year=C.HTT), unit("Sở C")]
    r = evaluate(totals_bloc(totals, units=units, has_last_year=True, has_discipline=True))
    basis = {p.unit: p.basis for p in r.proposals}
    assert basis["Sở A"].endswith("; " + TWO_YEARS_HTXS)
    assert TWO_YEARS_HTXS not in basis["Sở B"] and TWO_YEARS_HTXS not in basis["Sở C"]
