"""lich-su and thidua_xl.read_history: several years of a bloc, units × years."""
from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

import thidua_xl
from tests.builders import crit, write_bloc
from thidua_xl.cli import main
from thidua_xl.history import COLUMNS, htxs_runs

UNITS = ["Sở A", "Sở B", "Sở C", "Sở D"]
SCORES = {2022: {"Sở A": 99, "Sở B": 90, "Sở C": 96, "Sở D": 70},
          2023: {"Sở A": 97, "Sở B": 98, "Sở C": 80, "Sở D": 75},
          2024: {"Sở A": 99, "Sở B": 96, "Sở C": 95.5, "Sở D": 76}}


@pytest.fixture
def years(tmp_path):
    folder = tmp_path / "khoi"
    folder.mkdir()
    for y, s in SCORES.items():
        # 2024 names "Sở b" in another case: the same unit by the name rule
        units = [u if (y, u) != (2024, "Sở B") else "Sở b" for u in UNITS]
        s = {("Sở b" if (y, u) == (2024, "Sở B") else u): v for u, v in s.items()}
        write_bloc(folder / f"khoi_{y}.xlsx", units=units,
                   info={"Tên khối thi đua": "Khối thử", "Năm thi đua": y},
                   criteria=[crit("I", "Chung"), crit("1", "Một", 100, scores=s)])
    return folder


def test_lich_su_three_years_units_by_years_and_the_chart(years, tmp_path, capsys):
    out = tmp_path / "lich-su.xlsx"
    assert main(["lich-su", str(years), "-o", str(out)]) == 0
    assert "12 dòng, 4 đơn vị, 1 khối, năm 2022–2024" in capsys.readouterr().out
    wb = load_workbook(out)
    assert wb.sheetnames == ["Lịch sử", "Theo đơn vị"]
    hist = [r for r in wb["Lịch sử"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(hist) == 3 * len(UNITS)
    assert [c.value for c in wb["Lịch sử"][3]] == list(COLUMNS)
    ws = wb["Theo đơn vị"]
    assert [c.value for c in ws[4]][2:5] == ["2022", "2023", "2024"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[1]}
    assert len(rows) == len(UNITS)  # units × years: one row per unit
    ranks = {u: list(rows[u][2:5]) for u in rows}
    assert ranks["Sở A"] == [1, 2, 1] and ranks["Sở b"] == [3, 1, 2]
    assert ranks["Sở C"] == [2, 3, 3] and ranks["Sở D"] == [4, 4, 4]
    assert rows["Sở A"][8] == "2022–2024 (3 năm)" and rows["Sở A"][9] == 3
    assert rows["Sở b"][8] == "2023–2024 (2 năm)" and rows["Sở C"][9] == 0
    charts = ws._charts
    assert len(charts) == 1 and type(charts[0]).__name__ == "LineChart"
    assert len(charts[0].series) == len(UNITS)


def test_read_history_is_the_sheet_and_files_are_reported(years, tmp_path, capsys):
    # the 2023 output beside its workbook (the same bloc and year) and a broken file
    assert main(["score", str(years / "khoi_2023.xlsx"), "-o",
                 str(years / "khoi_2023_ketqua.xlsx")]) == 0
    (years / "hong.xlsx").write_bytes(b"broken")
    capsys.readouterr()
    frame = thidua_xl.read_history([years])
    assert list(frame.columns) == list(COLUMNS) and len(frame) == 12
    status = {n.file.rsplit("/", 1)[-1]: n.status for n in frame.attrs["files"]}
    assert status == {"hong.xlsx": "unreadable", "khoi_2022.xlsx": "ok",
                      "khoi_2023.xlsx": "ok", "khoi_2023_ketqua.xlsx": "duplicate",
                      "khoi_2024.xlsx": "ok"}
    out = tmp_path / "h.xlsx"
    assert main(["lich-su", str(years), "-o", str(out), "--json"]) == 2  # an unreadable file
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["rows"]) == len(frame) and doc["years"] == [2022, 2023, 2024]
    sheet = [r for r in load_workbook(out)["Lịch sử"].iter_rows(min_row=4, values_only=True)
             if r[0]]
    for got, (_, want) in zip(sheet, frame.iterrows()):
        assert list(got) == [None if v != v else v for v in want.tolist()]


def test_a_year_from_the_file_name_and_htxs_runs(tmp_path):
    src = write_bloc(tmp_path / "khoi-2021.xlsx", units=["Sở A"],
                     criteria=[crit("I", "Chung"), crit("1", "Một", 100, scores={"Sở A": 99})])
    shutil.copyfile(src, tmp_path / "khong-nam.xlsx")
    frame = thidua_xl.read_history([tmp_path])
    assert frame["Năm"].tolist() == [2021]
    assert {n.status for n in frame.attrs["files"]} == {"ok", "no-year"}
    assert htxs_runs([2019, 2020, 2022, 2023, 2024]) == [(2019, 2020), (2022, 2024)]
    assert htxs_runs([2020]) == []


def test_lich_su_never_writes_over_a_workbook_it_read(years, capsys):
    """-o naming one of the years' workbooks is refused (issue 16: an output never replaces
    an input), and that workbook is left as it was."""
    target = years / "khoi_2023.xlsx"
    before = target.read_bytes()
    assert main(["lich-su", str(years), "-o", str(target)]) == 2
    assert target.read_bytes() == before
    assert "không bao giờ" in capsys.readouterr().err  # "tệp đầu vào không bao giờ bị ghi đè"
