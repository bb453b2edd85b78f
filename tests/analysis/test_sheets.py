""""Chi tiết điểm" and "Phân tích" in the scored workbook, checked against the input."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.analysis.helpers import (SUBS, UNITS, mixed_bloc, results_totals, sub_label_above,
                                    table)
from tests.builders import crit, write_bloc
from thidua_xl.api import check_file, check_path, score_file
from thidua_xl.cli import example_workbooks
from thidua_xl.core.audit import SINGLE_COLUMN
from thidua_xl.core.text import unit_key
from thidua_xl.io.render_openpyxl import internal_location

EXAMPLES = example_workbooks()


def _scored(src: Path, tmp_path: Path) -> Path:
    out = tmp_path / f"{src.stem}_ketqua.xlsx"
    outcome = score_file(src, out)
    assert not outcome.result.has_errors
    return out


def _link_target(cell) -> tuple[str, str]:
    assert cell.hyperlink is not None, cell.coordinate
    loc = cell.hyperlink.location
    sheet, ref = loc.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), ref


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mixed")
    src = mixed_bloc(tmp / "mixed.xlsx")
    return src, _scored(src, tmp)


#: every bundled example, and the mixed workbook (every type, every sub-column a source)
BOOKS = pytest.mark.parametrize("src", [*EXAMPLES, "mixed"],
                                ids=[p.name[:3] for p in EXAMPLES] + ["mixed"])


def _input_and_output(src, tmp_path, mixed) -> tuple[Path, Path]:
    if src == "mixed":
        return mixed
    src = Path(shutil.copyfile(src, tmp_path / Path(src).name))
    return src, _scored(src, tmp_path)


@BOOKS
def test_detail_rows_add_up_and_link_to_the_input_cell(src, tmp_path, mixed):
    src, out = _input_and_output(src, tmp_path, mixed)
    wb = load_workbook(out)
    ws = wb["Chi tiết điểm"]
    hr, headers, rows = table(ws)
    assert headers[:10] == ["Đơn vị", "Mã", "Nội dung", "Loại", "Giá trị nhập", "Cột",
                            "Ô nguồn", "Điểm", "Hệ số", "Điểm tính"]
    assert ws.auto_filter.ref == f"A{hr}:J{hr + len(rows)}"
    assert ws.freeze_panes == f"C{hr + 1}"
    sums: dict[str, float] = {}
    for r in rows:
        sums[r["Đơn vị"].value] = sums.get(r["Đơn vị"].value, 0.0) + r["Điểm tính"].value
    totals = results_totals(out)
    assert set(sums) == set(totals)
    for name, total in totals.items():
        assert round(sums[name], 2) == pytest.approx(total, abs=1e-9), name

    inp = load_workbook(src)  # the input as the user typed it
    bloc, _ = check_path(src)
    leaves = {c.path for c in bloc.criteria if c.is_leaf}
    units = {u.key: u for u in bloc.units}
    seen = set()
    for r in rows:
        seen.add((r["Đơn vị"].value, r["Mã"].value))
        entered, column, link = r["Giá trị nhập"].value, r["Cột"].value, r["Ô nguồn"]
        sheet, ref = _link_target(link)
        assert link.value == f"{sheet}!{ref}"
        source = inp[sheet][ref]
        if entered is None:  # a blank bonus/penalty cell: it is blank in the input too
            assert source.value is None and not column
            continue
        assert source.value == entered, (r["Đơn vị"].value, r["Mã"].value, ref)
        assert column == (sub_label_above(inp[sheet], source.row, source.column)
                          or SINGLE_COLUMN)
        # the cell is in this unit's own group, and no column of higher priority
        # (Thống nhất > Khối chấm > Tự chấm) of that group has a value on the row
        group = units[unit_key(r["Đơn vị"].value)].score_columns
        assert group[column if column in SUBS else ""] == source.column_letter, ref
        if column in SUBS:
            for label in SUBS[SUBS.index(column) + 1:]:
                if label in group:
                    assert inp[sheet][f"{group[label]}{source.row}"].value is None, ref
    # one row per unit and leaf (every leaf has a row, bonus and penalty leaves included)
    assert seen == {(u, p) for u in totals for p in leaves}


def test_detail_penalties_negative_and_sources(mixed):
    src, out = mixed
    _, _, rows = table(load_workbook(out)["Chi tiết điểm"])
    by = {(r["Đơn vị"].value, r["Mã"].value): {k: c.value for k, c in r.items()} for r in rows}
    assert by[("Sở B", "IV.1")] == dict(by[("Sở B", "IV.1")], **{
        "Giá trị nhập": "-2", "Cột": "Khối chấm", "Điểm": 2, "Điểm tính": -2})
    assert by[("Sở A", "I.1")]["Cột"] == "Thống nhất"
    assert (by[("Sở A", "I.1")]["Hệ số"], by[("Sở A", "I.1")]["Điểm tính"]) == (2, 19)
    assert by[("Sở C", "I.1")]["Cột"] == "Tự chấm"
    assert by[("Sở A", "I.2")]["Điểm"] == 9  # Định lượng 180 / 200 × 10
    assert by[("Sở B", "I.3")]["Điểm"] == 0  # Không đạt
    assert by[("Sở A", "IV.1")]["Giá trị nhập"] is None  # blank penalty: 0
    assert by[("Sở A", "IV.1")]["Điểm tính"] == 0


def _self_twin(src: Path, dest: Path) -> Path:
    """The input with only the Tự chấm columns left: what the units claimed."""
    bloc, _ = check_path(src)
    wb = load_workbook(src)
    ws = wb[bloc.score_sheet]
    first = (bloc.header_row or 1) + 2
    for u in bloc.units:
        for label, col in u.score_columns.items():
            if label in ("Khối chấm", "Thống nhất"):
                for r in range(first, ws.max_row + 1):
                    ws[f"{col}{r}"].value = None
    wb.save(dest)
    return dest


@BOOKS
def test_analysis_differences_are_self_totals_minus_final(src, tmp_path, mixed):
    src, out = _input_and_output(src, tmp_path, mixed)
    bloc, _ = check_path(src)
    has_self = any("Tự chấm" in u.score_columns for u in bloc.units)
    _, headers, rows = table(load_workbook(out)["Phân tích"])
    finals = results_totals(out)
    got = {r["Đơn vị"].value: r for r in rows}
    assert set(got) == set(finals)
    if not has_self:
        assert all(r["Tổng tự chấm"].value is None and r["Chênh lệch"].value is None
                   for r in rows)
        return
    claimed = check_file(_self_twin(src, tmp_path / "tu_cham.xlsx"))
    assert not claimed.has_errors, [f.message for f in claimed.findings][:3]
    selfs = {u.name: u.total for u in claimed.units}
    for name, r in got.items():
        assert r["Tổng tự chấm"].value == pytest.approx(selfs[name])
        assert r["Tổng điểm"].value == pytest.approx(finals[name])
        assert r["Chênh lệch"].value == pytest.approx(round(selfs[name] - finals[name], 2))
    ws = load_workbook(out)["Phân tích"]
    assert ws._charts, "a bar chart of Chênh lệch"


def test_analysis_top_differences_gap_and_losses(mixed):
    _, out = mixed
    _, _, rows = table(load_workbook(out)["Phân tích"])
    by = {r["Đơn vị"].value: {k: c.value for k, c in r.items()} for r in rows}
    # Sở A claimed 10/200/20/3 against 9,5 (×2)/180/18/2: I.1 +1, I.2 +1, II.1 +2, III.1 +1
    a = by["Sở A"]
    assert a["Tổng tự chấm"] == 20 + 10 + 5 + 20 + 3 and a["Tổng điểm"] == 19 + 9 + 5 + 18 + 2
    assert a["Tiêu chí chênh lệch nhiều nhất (tự chấm − điểm cuối)"].startswith("II.1")
    order = [r["Đơn vị"].value for r in rows]
    assert order[0] == "Sở A" and by["Sở A"]["Khoảng cách"] is None
    second = by[order[1]]
    assert second["Đơn vị xếp trên"] == "Sở A"
    assert second["Khoảng cách"] == pytest.approx(a["Tổng điểm"] - second["Tổng điểm"])


def test_tiebreak_key_that_decided_a_place(tmp_path):
    src = write_bloc(tmp_path / "tie.xlsx", units=["Sở A", "Sở B", "Sở C"], criteria=[
        crit("I", "Chung"),
        crit("1", "Một", 10, scores={"Sở A": 9, "Sở B": 10, "Sở C": 5}),
        crit("II", "Hai"),
        crit("1", "Hai", 10, scores={"Sở A": 9, "Sở B": 9, "Sở C": 5}),
        crit("III", "Điểm trừ", type="Điểm trừ"),
        crit("1", "Trừ", 5, type="Điểm trừ", scores={"Sở B": 1}),
    ])
    out = _scored(src, tmp_path)
    _, _, rows = table(load_workbook(out)["Phân tích"])
    by = {r["Đơn vị"].value: r["Phân định đồng hạng"].value for r in rows}
    assert by["Sở A"] == ("Cùng tổng điểm, xếp trên Sở B nhờ ít điểm trừ hơn (0 so với 1)")
    assert by["Sở B"] == ("Cùng tổng điểm, xếp dưới Sở A vì nhiều điểm trừ hơn (1 so với 0)")
    assert not by["Sở C"]


def test_no_audit_sheets_when_the_book_has_errors(tmp_path):
    src = write_bloc(tmp_path / "bad.xlsx", units=["Sở A"], criteria=[
        crit("I", "Chung"), crit("1", "Một", 10, scores={"Sở A": 12})])
    out = tmp_path / "o.xlsx"
    score_file(src, out)
    names = load_workbook(out).sheetnames
    assert "Kiểm tra" in names and "Chi tiết điểm" not in names and "Phân tích" not in names


def test_detail_links_of_a_book_with_a_sheet_per_unit_point_to_the_units_sheets(tmp_path):
    """A layout adapter reads a sheet per unit through a synthetic table; "Chi tiết điểm"
    still links every value to the cell of the unit's own sheet it came from."""
    from tests.layouts.builders import write_per_unit

    src = write_per_unit(tmp_path / "phieu.xlsx", mixed=True)
    out = _scored(src, tmp_path)
    inp = load_workbook(src)
    _, _, rows = table(load_workbook(out)["Chi tiết điểm"])
    linked = 0
    for r in rows:
        entered, link = r["Giá trị nhập"].value, r["Ô nguồn"]
        if entered is None:
            continue
        sheet, ref = _link_target(link)
        assert link.value == f"{sheet}!{ref}"
        assert sheet in inp.sheetnames, (r["Đơn vị"].value, r["Mã"].value, sheet)
        assert inp[sheet][ref].value == entered, (r["Đơn vị"].value, r["Mã"].value, ref)
        linked += 1
    assert linked >= len(rows) // 2
