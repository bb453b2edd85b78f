"""`thidua-xl merge`: the units' self-score workbooks into the bloc workbook's Tự chấm columns."""
from __future__ import annotations

import hashlib
import json
import zipfile
from argparse import Namespace
from pathlib import Path

import openpyxl
import pytest
from thidua_xl.cli import merge as cli_merge

from thidua_xl import merge
from thidua_xl.template import write_template
from tests.builders import to_xlsm, crit, write_bloc

from .helpers import template_rows, write_self_score

UNITS = ["Sở Tư pháp", "Sở Nội vụ", "Thanh tra tỉnh"]


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def bloc(tmp_path):
    path = write_template(tmp_path / "khoi.xlsx", UNITS)
    wb = openpyxl.load_workbook(path)
    wb["Thông tin"]["B2"], wb["Thông tin"]["B3"] = "Khối Nội chính", 2025
    wb.save(path)
    return path


def test_read_self_score_unit_label_title_and_paths(tmp_path, bloc):
    rows = template_rows(bloc)
    a = merge.read_self_score(write_self_score(tmp_path / "a.xlsx", "Sở Tư pháp", rows))
    assert a.unit == "Sở Tư pháp" and a.unit_ref == "Phiếu tự chấm!B2" and not a.findings
    paths = [r.path for r in a.rows]
    assert paths[:6] == ["I", "I.1", "I.2", "I.3", "I.3.1", "I.3.2"]
    assert [r.is_leaf for r in a.rows][:4] == [False, True, True, False]
    b = merge.read_self_score(write_self_score(
        tmp_path / "b.xlsx", "SỞ NỘI VỤ", rows, title=True,
        labels=("STT", "Tiêu chí", "Điểm chuẩn", "Điểm tự chấm", "Ghi chú")))
    assert b.unit == "SỞ NỘI VỤ" and len(b.rows) == len(rows)
    c = merge.read_self_score(write_self_score(tmp_path / "c.xlsx", None, rows))
    assert [f.code for f in c.findings] == ["self-score-unit-missing"]


def test_code_paths_follow_the_bloc_hierarchy():
    got = [n.path for n in merge.code_paths(["I", "1", "1.1", "a", "b", "-", "II", "1"])]
    assert got == ["I", "I.1", "I.1.1", "I.1.1.a", "I.1.1.b", "I.1.1.b.-1", "II", "II.1"]
    assert [n.path for n in merge.code_paths(["1", "2", "2.1"], "Chấm điểm")] == ["1", "2", "2.1"]


def test_clean_merge_writes_a_new_workbook_that_checks_clean(tmp_path, bloc):
    before = sha(bloc)
    rows = template_rows(bloc)
    units = [write_self_score(tmp_path / f"u{i}.xlsx", u, rows, title=bool(i % 2))
             for i, u in enumerate(UNITS)]
    o = merge.merge_files(bloc, units)
    assert o.status == "ok" and o.exit_code == 0, [f.message for f in o.report.errors]
    assert o.out == tmp_path / "khoi_gop.xlsx" and o.out.exists()
    assert sha(bloc) == before  # the input is never modified
    n_leaves = sum(1 for r in rows if r[3] is not None)
    assert len(o.writes) == n_leaves * len(UNITS)
    ws = openpyxl.load_workbook(o.out)["Chấm điểm"]
    assert ws["H6"].value == 95 and ws["K6"].value == 95  # Tự chấm of the 1st and 2nd unit
    assert ws["I6"].value is None  # Khối chấm untouched
    from thidua_xl.api import check_file

    r = check_file(o.out)
    assert not r.has_errors, [f.message for f in r.findings if f.severity.value == "error"]
    assert len(r.units) == 3 and r.units[0].rank == 1


def test_mismatches_are_reported_and_exit_1(tmp_path, bloc, capsys):
    rows = template_rows(bloc)
    bad = list(rows)
    i_leaf = next(i for i, r in enumerate(bad) if r[0] == "2" and r[2] == 10)  # I.2, max 10
    bad[i_leaf] = (bad[i_leaf][0], bad[i_leaf][1], 10, 12)  # above max
    j = next(i for i, r in enumerate(bad) if r[0] == "4" and r[2] == 10)  # III.4
    bad[j] = (bad[j][0], bad[j][1], 10, "chín")  # not a number
    del bad[next(i for i, r in enumerate(bad) if r[0] == "3.1")]  # bloc leaf missing
    bad.insert(3, ("2.9", "Tiêu chí lạ", 5, 5))  # unknown criterion (orphan) ...
    bad.append(("VI", "Mục không có trong sổ khối", None, None))
    bad.append(("1", "Tiêu chí lạ", 4, 4))  # ... and VI.1 unknown in the bloc
    a = write_self_score(tmp_path / "a.xlsx", "Sở Tư pháp", bad)
    b = write_self_score(tmp_path / "b.xlsx", "Sở Xây dựng", rows)  # not in this bloc
    o = merge.merge_files(bloc, [a, b], tmp_path / "ra.xlsx")
    codes = {f.code for f in o.report}
    assert {"self-score-above-max", "self-score-not-a-number", "self-score-missing-criterion",
            "self-score-unknown-criterion", "self-score-unknown-unit",
            "unit-without-self-score"} <= codes, codes
    assert o.status == "mismatches" and o.exit_code == 1
    above = next(f for f in o.report if f.code == "self-score-above-max")
    assert above.sheet == "Phiếu tự chấm" and "12" in above.message
    assert any("VI.1" in f.message for f in o.report if f.code == "self-score-unknown-criterion")
    # the CLI: JSON on stdout, exit 1
    code = cli_merge.run(Namespace(bloc=str(bloc), units=[str(a), str(b)],
                                   output=str(tmp_path / "ra2.xlsx"), json=True))
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["status"] == "mismatches" and doc["out"].endswith("ra2.xlsx")


def test_unit_group_without_self_score_column(tmp_path):
    path = write_bloc(tmp_path / "k.xlsx", units=["Sở A", "Sở B"],
                      criteria=[crit("I", "Chung"), crit("1", "T1", 100)])
    s = write_self_score(tmp_path / "a.xlsx", "Sở A", [("I", "Chung", 100, None),
                                                       ("1", "T1", 100, 90)])
    o = merge.merge_files(path, [s])
    assert "no-self-score-column" in {f.code for f in o.report} and o.exit_code == 1
    assert o.writes == []


def test_unreadable_files_exit_2(tmp_path, bloc):
    junk = tmp_path / "junk.xlsx"
    junk.write_text("không phải sổ", encoding="utf-8")
    o = merge.merge_files(bloc, [junk])
    assert o.exit_code == 2 and "unreadable-self-score" in {f.code for f in o.report}
    o = merge.merge_files(junk, [bloc])
    assert o.exit_code == 2 and o.out is None


def test_merge_into_grid_is_pure_and_returns_writes(tmp_path, bloc):
    from thidua_xl.api import read_grid

    rows = template_rows(bloc)
    ss = merge.read_self_score(write_self_score(tmp_path / "a.xlsx", "thanh tra  tỉnh", rows))
    grid = read_grid(bloc)
    res = merge.merge_into_grid(grid, [ss], file=str(bloc))
    assert res.matched == {ss.file: "Thanh tra tỉnh"}
    assert ("Chấm điểm!N6", 95) in res.writes  # 3rd unit's Tự chấm column is N
    assert all(ref.startswith("Chấm điểm!") for ref, _ in res.writes)


def test_xlsm_stays_xlsm_with_its_macros(tmp_path, bloc):
    src = tmp_path / "khoi.xlsm"
    vba = b"fake vba project \x00\x01"
    to_xlsm(bloc, src, vba)
    rows = template_rows(bloc)
    o = merge.merge_files(src, [write_self_score(tmp_path / "a.xlsx", "Sở Tư pháp", rows)])
    assert o.out == tmp_path / "khoi_gop.xlsm"
    with zipfile.ZipFile(o.out) as z:
        assert z.read("xl/vbaProject.bin") == vba


def test_merge_patches_only_the_score_sheet(tmp_path, bloc):
    """Every other part of the package is kept as it was (images, charts, cached results)."""
    rows = template_rows(bloc)
    o = merge.merge_files(bloc, [write_self_score(tmp_path / "a.xlsx", "Sở Nội vụ", rows)])
    with zipfile.ZipFile(bloc) as a, zipfile.ZipFile(o.out) as b:
        assert a.namelist() == b.namelist()
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
        assert changed == {"xl/worksheets/sheet3.xml", "xl/workbook.xml"}
        assert b'fullCalcOnLoad="1"' in b.read("xl/workbook.xml")
    ws = openpyxl.load_workbook(o.out)["Chấm điểm"]
    assert ws["K6"].value == 95 and ws["K12"].value == "Đạt"  # number and text cells
    assert ws["K6"].font.name == "Times New Roman"  # the cell keeps its style


def test_cli_text_output(tmp_path, bloc, capsys):
    rows = template_rows(bloc)
    a = write_self_score(tmp_path / "a.xlsx", "Sở Tư pháp", rows)
    code = cli_merge.run(Namespace(bloc=str(bloc), units=[str(a)], output=None, json=False))
    out = capsys.readouterr().out
    assert code == 0 and "khoi_gop.xlsx" in out and "unit-without-self-score" in out


def test_self_scores_are_judged_like_the_blocs_own_cells():
    """merge validates with the engine's check_value: same verdicts, merge's own codes."""
    from thidua_xl.core.models import Criterion, CriterionType

    def c(t, mx=10):
        return Criterion(path="I.1", code="1", level=2, parent="I", section="I",
                         type=t, max=mx)

    S, Q, P, N = (CriterionType.SCORE, CriterionType.QUALITATIVE, CriterionType.PENALTY,
                  CriterionType.COUNT)
    assert merge._check_value(c(S), "8,5", False) == (8.5, None)
    assert merge._check_value(c(S), 12, False) == (12, "above-max")
    assert merge._check_value(c(S), -1, False) == (-1, "negative")
    assert merge._check_value(c(S), "chín", False) == ("chín", "not-a-number")
    assert merge._check_value(c(S), "1.000", False)[1] == "not-a-number"
    assert merge._check_value(c(S), "x", False)[1] == "not-a-number"
    assert merge._check_value(c(P, 5), "-2", False) == (2, None)
    assert merge._check_value(c(Q), "Đạt", False) == ("Đạt", None)
    assert merge._check_value(c(Q), "khá", False) == ("khá", "not-yes-no")
    assert merge._check_value(c(N), 3, False) == (3, None)
