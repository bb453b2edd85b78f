"""Every variation of shared/spec/bloc-workbook.md, on workbooks built in tmp_path.

Each test states the variation it checks and asserts what the user sees: totals, ranks,
findings at the right cell. They go through the public API (reader → parser → engine).
"""
from __future__ import annotations

import hashlib
import unicodedata

import pytest

from thidua_xl.api import check_file, read_grid
from thidua_xl.io.parser import parse_grid
from tests.builders import crit, to_xlsm, write_bloc

UNITS = ["Sở A", "Sở B", "Sở C"]


def basic_criteria(a=(9, 8), b=(4, 5), c=(10, 7)):
    """Two sections; Sở A/B/C scores per leaf."""
    return [
        crit("I", "Công tác chung"),
        crit("1", "Tiêu chí 1", 10, scores={"Sở A": a[0], "Sở B": b[0], "Sở C": c[0]}),
        crit("2", "Tiêu chí 2", 10, scores={"Sở A": a[1], "Sở B": b[1], "Sở C": c[1]}),
        crit("II", "Nhiệm vụ chuyên môn"),
        crit("1", "Tiêu chí 3", 10, scores={"Sở A": 10, "Sở B": 10, "Sở C": 10}),
    ]


def totals(result):
    return {u.name: u.total for u in result.units}


def codes(result):
    return [f.code for f in result.findings]


def errors_at(result):
    return {(f.code, f.sheet, f.cell) for f in result.findings if f.severity.value == "error"}


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the canonical workbook -------------------------------------------------------------
def test_canonical_totals_and_ranks(tmp_path):
    p = write_bloc(tmp_path / "khoi.xlsx", units=UNITS, criteria=basic_criteria(),
                   info={"Tên khối thi đua": "Khối thử", "Năm thi đua": 2024})
    before = sha(p)
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert r.bloc == "Khối thử" and r.year == 2024 and r.max_total == 30
    assert totals(r) == {"Sở A": 27.0, "Sở B": 19.0, "Sở C": 27.0}
    assert sha(p) == before


def test_without_info_sheet_name_is_file_stem_and_year_unknown(tmp_path):
    p = write_bloc(tmp_path / "Khối kinh tế.xlsx", units=UNITS, criteria=basic_criteria())
    r = check_file(p)
    assert r.bloc == "Khối kinh tế" and r.year is None
    assert "no-info-sheet" in codes(r)
    assert not r.has_errors


def test_without_units_sheet_units_are_the_groups_in_order(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(), units_sheet=False,
                   group_order=["Sở C", "Sở A", "Sở B"])
    grid = read_grid(p)
    bloc, report = parse_grid(grid, file=str(p))
    assert [u.name for u in bloc.units] == ["Sở C", "Sở A", "Sở B"]
    assert not report.has_errors


# -- names and labels --------------------------------------------------------------------
@pytest.mark.parametrize("sheet", ["CHAM DIEM", "Chấm_điểm", "cham-diem", "  Chấm   Điểm "[2:]])
def test_sheet_names_fold(tmp_path, sheet):
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(),
                   sheet_names={"Chấm điểm": sheet.strip(), "Đơn vị": "DON_VI"})
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert totals(r)["Sở B"] == 19.0


def test_label_variants(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(),
                   labels={"Mã": "STT", "Nội dung tiêu chí": "TIÊU CHÍ", "Điểm tối đa": "Điểm chuẩn",
                           "Loại": "Cách chấm", "Hệ số": "Trọng số"})
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert r.max_total == 30


def test_nfd_text_everywhere(tmp_path):
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    units = [nfd(u) for u in ["Sở Nội vụ", "Sở Tư pháp"]]
    crits = [crit(nfd("I"), nfd("Công tác")),
             crit("1", nfd("Tiêu chí"), 10, type=nfd("Định tính"),
                  scores={units[0]: nfd("Đạt"), units[1]: nfd("Không đạt")})]
    p = write_bloc(tmp_path / "k.xlsx", units=units, criteria=crits,
                   sheet_names={"Chấm điểm": nfd("Chấm điểm"), "Đơn vị": nfd("Đơn vị")})
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert totals(r) == {"Sở Nội vụ": 10.0, "Sở Tư pháp": 0.0}
    assert all(unicodedata.is_normalized("NFC", u.name) for u in r.units)


def test_unit_names_differing_by_case_spaces_and_so_prefix(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=["Sở Tư pháp", "Sở Nội vụ"],
                   criteria=[crit("I", "A"), crit("1", "x", 10,
                                                  scores={"sở  tư  pháp": 8, "SỞ NỘI VỤ": 9})],
                   group_order=["sở  tư  pháp", "SỞ NỘI VỤ"])
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert totals(r) == {"Sở Tư pháp": 8.0, "Sở Nội vụ": 9.0}


# -- layout ----------------------------------------------------------------------------
def test_title_rows_merged_headers_and_subcolumn_priority(tmp_path):
    crits = [crit("I", "Chung"),
             crit("1", "a", 10, scores={
                 "Sở A": {"Tự chấm": 10, "Khối chấm": 9, "Thống nhất": 8},  # Thống nhất wins
                 "Sở B": {"Tự chấm": 10, "Khối chấm": 9},  # Khối chấm wins
                 "Sở C": {"Tự chấm": 7}})]  # only the self-score
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits, title_rows=3,
                   subcols=("Tự chấm", "Khối chấm", "Thống nhất"))
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert totals(r) == {"Sở A": 8.0, "Sở B": 9.0, "Sở C": 7.0}


def test_sub_label_variants(tmp_path):
    crits = [crit("I", "Chung"),
             crit("1", "a", 10, scores={"Sở A": {"ĐTC": 10, "Thẩm định": 6}, "Sở B": {"ĐTC": 9},
                                        "Sở C": {"ĐTC": 8, "Điểm cuối cùng": 5}})]
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits,
                   subcols=("ĐTC", "Thẩm định", "Điểm cuối cùng", "Minh chứng"))
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert totals(r) == {"Sở A": 6.0, "Sở B": 9.0, "Sở C": 5.0}


def test_blank_rows_columns_and_hidden_rows(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(), start_col=3,
                   blank_row_after_header=True, blank_col_between_groups=True,
                   subcols=("Tự chấm", "Thống nhất"), hidden_rows=(4, 5))
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert totals(r) == {"Sở A": 27.0, "Sở B": 19.0, "Sở C": 27.0}


def test_unit_groups_in_any_order_give_the_same_totals(tmp_path):
    a = check_file(write_bloc(tmp_path / "a.xlsx", units=UNITS, criteria=basic_criteria()))
    b = check_file(write_bloc(tmp_path / "b.xlsx", units=UNITS, criteria=basic_criteria(),
                              group_order=["Sở C", "Sở B", "Sở A"]))
    assert totals(a) == totals(b)
    assert [u.rank for u in a.units] == [u.rank for u in b.units]


def test_xlsm_is_read(tmp_path):
    from openpyxl import load_workbook

    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria())
    q = to_xlsm(p, tmp_path / "k.xlsm")  # the same package, macro-enabled
    load_workbook(q, keep_vba=True)  # valid for openpyxl too
    r = check_file(q)
    assert not r.has_errors, r.findings
    assert totals(r)["Sở A"] == 27.0


# -- cell values --------------------------------------------------------------------------
def test_text_numbers_percent_and_no_value_marks(tmp_path):
    crits = [crit("I", "Chung"),
             crit("1", "a", 10, scores={"Sở A": "8,5", "Sở B": " 8.5 ", "Sở C": 8.5}),
             crit("2", "tỷ lệ", 10, type="Định lượng", target=100,
                  scores={"Sở A": "95%", "Sở B": 0.95, "Sở C": 95}),
             crit("II", "Điểm trừ", type="Điểm trừ"),
             crit("1", "vi phạm", 5, scores={"Sở A": "-", "Sở B": "—", "Sở C": "-2"})]
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits,
                   percent_cells={("2", "Sở B")})
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert totals(r) == {"Sở A": 18.0, "Sở B": 18.0, "Sở C": 16.0}


def test_bad_cells_are_each_named(tmp_path):
    crits = [crit("I", "Chung"),
             crit("1", "a", 10, scores={"Sở A": "abc", "Sở B": 11, "Sở C": "1.000"}),
             crit("2", "b", 10, scores={"Sở A": 5, "Sở B": 5})]  # Sở C blank
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits)
    r = check_file(p)
    assert r.has_errors and r.status == "errors"
    got = errors_at(r)
    # header row 1, criteria from row 2: row 3 = "1", row 4 = "2"; groups H, I, J
    assert ("not-a-number", "Chấm điểm", "H3") in got
    assert ("score-above-max", "Chấm điểm", "I3") in got
    assert ("ambiguous-number", "Chấm điểm", "J3") in got
    assert any(code == "missing-score" and cell == "J4" for code, _, cell in got)
    assert all(u.rank is None for u in r.units)
    for f in r.findings:
        assert f.message and f.fix


def test_formula_without_cached_value_is_an_error_on_that_cell(tmp_path):
    crits = [crit("I", "Chung"), crit("1", "a", 10, scores={"Sở A": "=5+3", "Sở B": 7, "Sở C": 6})]
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits)
    r = check_file(p)
    assert ("uncached-formula", "Chấm điểm", "H3") in errors_at(r)
    f = next(f for f in r.findings if f.code == "uncached-formula")
    assert "Excel" in f.fix or "Excel" in f.message


def test_totals_row_is_cross_checked(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(),
                   totals_row={"Sở A": 27, "Sở B": 20, "Sở C": "27,00"})
    r = check_file(p)
    assert not r.has_errors
    w = [(f.code, f.cell) for f in r.findings if f.severity.value == "warning"]
    assert ("stated-total-mismatch", "I7") in w
    assert not any(c == "stated-total-mismatch" and cell in ("H7", "J7") for c, cell in w)


def test_name_in_one_sheet_missing_from_the_other(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=["Sở A", "Sở B", "Sở D"],
                   criteria=basic_criteria(), group_order=["Sở A", "Sở B", "Sở C"])
    r = check_file(p)
    got = {(f.code, f.sheet, f.cell) for f in r.findings}
    # one header not listed, one listed unit without scores: one finding naming both cells
    assert ("unit-not-in-list", "Chấm điểm", "J1") in got
    assert not any(code == "unit-without-scores" for code, _, _ in got)
    msg = next(f.message for f in r.findings if f.code == "unit-not-in-list")
    assert "Sở C" in msg and "Sở D" in msg and "Đơn vị!B4" in msg


def test_names_missing_on_both_sides_are_named_each(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=["Sở A", "Sở D", "Sở E"],
                   criteria=basic_criteria(), group_order=["Sở A", "Sở B", "Sở C"])
    got = sorted((f.code, f.cell) for f in check_file(p).findings if f.code.startswith("unit-"))
    assert got == [("unit-not-in-list", "I1"), ("unit-not-in-list", "J1"),
                   ("unit-without-scores", "B3"), ("unit-without-scores", "B4")]


def test_hierarchy_parent_max_and_leaves(tmp_path):
    crits = [crit("I", "Chung", 20),
             crit("1", "a", 12),
             crit("1.1", "a1", 6, scores={u: 6 for u in UNITS}),
             crit("1.2", "a2", 6, scores={u: 5 for u in UNITS}),
             crit("2", "b", None),
             crit("a", "b-a", 4, scores={u: 4 for u in UNITS}),
             crit("b", "b-b", 4, scores={u: 3 for u in UNITS})]
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits)
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert r.max_total == 20 and totals(r)["Sở A"] == 18.0
    bad = [dict(x) for x in crits]
    bad[0]["max"] = 25
    r = check_file(write_bloc(tmp_path / "bad.xlsx", units=UNITS, criteria=bad))
    assert ("parent-max-mismatch", "Chấm điểm", "C2") in errors_at(r)


def test_rows_before_the_first_section_form_an_implicit_section(tmp_path):
    crits = [crit("1", "a", 10, scores={u: 9 for u in UNITS}),
             crit("2", "b", 10, scores={u: 8 for u in UNITS})]
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits)
    r = check_file(p)
    assert not r.has_errors, r.findings
    assert totals(r)["Sở A"] == 17.0
    assert list(r.units[0].sections) == ["Chấm điểm"]


def test_duplicate_and_bad_codes(tmp_path):
    crits = [crit("I", "Chung"), crit("1", "a", 10, scores={u: 9 for u in UNITS}),
             crit("1", "a again", 10, scores={u: 9 for u in UNITS}),
             crit("1a", "bad", 10, scores={u: 9 for u in UNITS})]
    r = check_file(write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits))
    got = errors_at(r)
    assert ("duplicate-code", "Chấm điểm", "A4") in got
    assert ("bad-code", "Chấm điểm", "A5") in got


def test_bad_type_and_missing_target(tmp_path):
    crits = [crit("I", "Chung"), crit("1", "a", 10, type="Kiểu lạ", scores={u: 9 for u in UNITS}),
             crit("2", "tỷ lệ", 10, type="Tỷ lệ", scores={u: 9 for u in UNITS})]
    r = check_file(write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits))
    got = {(c, cell) for c, _, cell in errors_at(r)}
    assert ("bad-type", "D3") in got
    assert any(c == "target-missing" and cell in ("F4", "A4") for c, cell in got)


# -- outside the format ---------------------------------------------------------------------
def test_workbook_without_score_sheet(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "x.xlsx")
    r = check_file(tmp_path / "x.xlsx")
    assert r.has_errors and codes(r) == ["missing-score-sheet"]
    assert "Chấm điểm" in r.findings[0].message


@pytest.mark.parametrize("name,data", [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
    ("text.xlsx", "Mã;Tiêu chí;Điểm\n1;a;10\n".encode()),
    ("half.xlsx", b"PK\x03\x04" + b"\0" * 40),
    ("empty.xlsx", b""),
])
def test_unreadable_files_are_reported_not_raised(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    r = check_file(p)
    assert r.status == "unreadable"
    assert len(r.findings) == 1 and r.findings[0].severity.value == "error"
    assert r.findings[0].message and r.findings[0].code


def test_quy_dinh_overrides_and_bad_rules_are_findings(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(),
                   rules={"Ngưỡng Hoàn thành xuất sắc (%)": 90, "Thứ tự phân định đồng hạng": "I; II",
                          "Suy tôn Khối trưởng": "Xếp hạng"},
                   forms=[{"Hình thức khen thưởng": "Cờ thi đua của UBND tỉnh", "Số lượng tối đa": 1,
                           "Xếp loại tối thiểu": "HTXS", "Không bị kỷ luật": "Có",
                           "Năm trước HTXS": "Không"}])
    r = check_file(p)
    assert not r.has_errors, r.findings
    # Sở A and Sở C tie on 27 and on every section: shared rank, the flag goes to neither
    assert [u.rank for u in r.units] == [1, 1, 3]
    assert r.tie_groups and set(r.tie_groups[0].units) == {"Sở A", "Sở C"}
    bad = write_bloc(tmp_path / "bad.xlsx", units=UNITS, criteria=basic_criteria(),
                     rules={"Ngưỡng Hoàn thành xuất sắc (%)": "nhiều", "Suy tôn Khối trưởng": "Bốc thăm"},
                     forms=[{"Hình thức khen thưởng": "Cờ", "Số lượng tối đa": -1}])
    r = check_file(bad)
    assert [c for c in codes(r) if c in ("bad-rule", "form-quota-missing")]
    assert all(f.sheet == "Quy định" for f in r.findings if f.code == "bad-rule")


def test_totals_label_merged_over_the_code_column(tmp_path):
    from openpyxl import load_workbook

    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(),
                   totals_row={"Sở A": 27, "Sở B": 19, "Sở C": 27})
    wb = load_workbook(p)
    ws = wb["Chấm điểm"]
    ws["B7"] = None
    ws["A7"] = "TỔNG CỘNG"
    ws.merge_cells("A7:B7")
    wb.save(p)
    r = check_file(p)
    assert not r.findings or all(f.severity.value == "warning" for f in r.findings), r.findings
    assert totals(r) == {"Sở A": 27.0, "Sở B": 19.0, "Sở C": 27.0}


def test_quy_dinh_violations_name_their_cells(tmp_path):
    """The pydantic schema decides what is wrong; the parser names the cell it came from."""
    from openpyxl import load_workbook

    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(),
                   rules={"Ngưỡng Hoàn thành xuất sắc (%)": 120, "Ngưỡng Hoàn thành tốt (%)": 85},
                   forms=[{"Hình thức khen thưởng": "Cờ thi đua của UBND tỉnh", "Số lượng tối đa": -1},
                          {"Hình thức khen thưởng": "Bằng khen", "Số lượng tối đa": 2.5},
                          {"Hình thức khen thưởng": "Giấy khen", "Số lượng tối đa": 1},
                          {"Hình thức khen thưởng": "giấy  KHEN", "Số lượng tối đa": 2}])
    ws = load_workbook(p)["Quy định"]
    where = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    r = check_file(p)
    by = {(f.code, f.cell): f for f in r.findings if f.sheet == "Quy định"}
    threshold = where[120].coordinate
    assert ("bad-rule", threshold) in by and "không quá 100" in by[("bad-rule", threshold)].message
    assert ("bad-rule", where[-1].coordinate) in by
    assert "từ 0 trở lên" in by[("bad-rule", where[-1].coordinate)].message
    assert ("bad-rule", where[2.5].coordinate) in by
    assert '"2,5": phải là số nguyên' in by[("bad-rule", where[2.5].coordinate)].message
    dup = by[("form-duplicate", where["giấy  KHEN"].coordinate)]
    assert f"đã có ở ô {where['Giấy khen'].coordinate}" in dup.message
    # the valid row stands alone; the bad threshold fell back to its default
    bloc, _ = parse_grid(read_grid(p))
    assert [f.name for f in bloc.rules.forms] == ["Giấy khen"]
    assert bloc.rules.htxs_percent == 95 and bloc.rules.htt_percent == 85


def test_quy_dinh_thresholds_that_do_not_fall(tmp_path):
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=basic_criteria(),
                   rules={"Ngưỡng Hoàn thành xuất sắc (%)": 80, "Ngưỡng Hoàn thành tốt (%)": 90})
    r = check_file(p)
    bad = [f for f in r.findings if f.code == "bad-rule"]
    assert len(bad) == 1 and bad[0].sheet == "Quy định" and "giảm dần" in bad[0].message
    assert bad[0].message.startswith("Các ngưỡng")
