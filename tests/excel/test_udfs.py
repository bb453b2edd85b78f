"""Worksheet functions called as plain Python give the command line's numbers."""
from __future__ import annotations

import pytest

from tests.builders import crit, write_bloc
from thidua_xl import api, udfs
from thidua_xl.excel import udfs as excel_udfs
from thidua_xl.udfs import (ERROR_PREFIX, TD_DINHLUONG, TD_KHENTHUONG, TD_KIEMTRA,
                            TD_TONGDIEM, TD_XEPHANG, TD_XEPLOAI)

UNITS = ["Sở A", "Sở B", "Sở C", "Sở D", "Sở E"]
ROWS = [  # code, text, max, type, weight, scores per unit
    ("I", "Chuyên môn", None, None, None, None),
    ("1", "Nhiệm vụ 1", 30, None, None, [29, "28,5", 30, 25, 20]),
    ("2", "Nhiệm vụ 2", 20, None, 2, [19, 20, "18.5", 16, 10]),
    ("3", "Đạt chuẩn", 10, "Định tính", None, ["Đạt", "Đạt", "Không đạt", "x", "Đạt"]),
    ("II", "Điểm thưởng", None, "Điểm thưởng", None, None),
    ("1", "Sáng kiến", 3, "Điểm thưởng", None, [2, None, None, 1, None]),
    ("III", "Điểm trừ", None, "Điểm trừ", None, None),
    ("1", "Chậm báo cáo", 2, "Điểm trừ", None, [None, None, "-1", None, 2]),
]


@pytest.fixture(scope="module")
def bloc(tmp_path_factory):
    criteria = []
    for code, text, mx, typ, w, scores in ROWS:
        sc = {u: v for u, v in zip(UNITS, scores or []) if v is not None}
        criteria.append(crit(code, text, mx, type=typ, weight=w, scores=sc))
    path = write_bloc(tmp_path_factory.mktemp("u") / "khoi.xlsx", units=UNITS,
                      criteria=criteria, info={"Tên khối thi đua": "Khối U",
                                               "Năm thi đua": 2024})
    result = api.check_file(path)
    assert not result.has_errors, [f.message for f in result.findings]
    return result


def _column(unit: str):
    i = UNITS.index(unit)
    scores = [None if s is None else s[i] for *_, s in ROWS]
    maxes = [m for _, _, m, _, _, _ in ROWS]
    weights = [w for *_, w, _ in ROWS]
    types = [t for _, _, _, t, _, _ in ROWS]
    return scores, maxes, weights, types


def test_same_objects_in_both_modules():
    for name in excel_udfs.UDF_NAMES:
        assert getattr(udfs, name) is getattr(excel_udfs, name)


def test_tongdiem_equals_the_engine_total(bloc):
    by_name = {u.name: u for u in bloc.units}
    for unit in UNITS:
        scores, maxes, weights, types = _column(unit)
        assert TD_TONGDIEM(scores, maxes, weights, types) == by_name[unit].total, unit


def test_tongdiem_accepts_2d_ranges_and_text_numbers():
    assert TD_TONGDIEM([[9], ["8,5"], [None]], [[10], [10], [None]]) == 17.5


def test_tongdiem_out_of_range_is_an_error_text():
    out = TD_TONGDIEM([12, 3], [10, 10])
    assert isinstance(out, str) and out.startswith(ERROR_PREFIX)
    assert "12" in out and "10" in out


def test_kiemtra():
    assert TD_KIEMTRA([9, "8,5"], [10, 10]) == ""
    msg = TD_KIEMTRA([9, "abc"], [10, 10])
    assert msg and not msg.startswith("#") and "abc" in msg


def test_xephang_equals_the_engine_ranks(bloc):
    totals = [u.total for u in bloc.units]
    assert len(set(totals)) == len(totals)  # no tie-break in play
    for u in bloc.units:
        assert TD_XEPHANG(u.total, totals) == u.rank


def test_xephang_shares_ties():
    vals = [95, 90, "90", 80, None]
    assert [TD_XEPHANG(v, vals) for v in (95, 90, 80)] == [1, 2, 4]


def test_xeploai_equals_the_engine(bloc):
    for u in bloc.units:
        assert TD_XEPLOAI(u.total, bloc.max_total) == u.classification.value


def test_xeploai_discipline_cap():
    assert TD_XEPLOAI(99, 100) == "Hoàn thành xuất sắc nhiệm vụ"
    assert TD_XEPLOAI(99, 100, "Khiển trách") == "Hoàn thành tốt nhiệm vụ"
    assert TD_XEPLOAI(99, 100, "Cảnh cáo") == "Hoàn thành nhiệm vụ"
    assert TD_XEPLOAI("96,5", "100") == "Hoàn thành xuất sắc nhiệm vụ"
    assert TD_XEPLOAI(50, 0).startswith(ERROR_PREFIX)


def test_dinhluong():
    from thidua_xl.core import scoring

    assert TD_DINHLUONG(80, 100, 10) == scoring.quantitative_score(80, 100, 10) == 8.0
    assert TD_DINHLUONG("95%", "100", 10) == 9.5
    assert TD_DINHLUONG(120, 100, 10, "Dẫn đầu", 150) == scoring.leading_score(120, 100, 10, 150)
    assert TD_DINHLUONG(150, 100, 10, "Dẫn đầu", 150) == 10.0
    assert TD_DINHLUONG(80, 0, 10).startswith(ERROR_PREFIX)
    assert TD_DINHLUONG(80, 100, 10, "Chấm thẳng").startswith(ERROR_PREFIX)


def test_khenthuong_equals_the_engine_awards(bloc):
    names = [u.name for u in bloc.units]
    totals = [u.total for u in bloc.units]
    table = TD_KHENTHUONG(names, totals, bloc.max_total)
    assert [r[0] for r in table] == names
    assert {r[0]: r[1] for r in table} == {u.name: u.award or "" for u in bloc.units}


def test_khenthuong_discipline_and_last_year():
    table = TD_KHENTHUONG(["A", "B", "C"], [99, 98, 97], 100, ["Khiển trách", None, None],
                          ["HTXS", "HTXS", "HTXS"])
    award = dict((r[0], r[1]) for r in table)
    assert award["A"] == ""  # capped at HTT by the discipline: no award
    assert award["B"]


def test_khenthuong_bad_input():
    assert TD_KHENTHUONG(["A", "B"], [99], 100).startswith(ERROR_PREFIX)
    assert TD_KHENTHUONG(["A"], ["abc"], 100).startswith(ERROR_PREFIX)
