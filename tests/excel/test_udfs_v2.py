"""The worksheet functions follow the v2 rules exactly as the command line does: TD_XEPLOAI's
three discipline levels and the zero rule, TD_DINHLUONG with a unit's own target (and the
ratio leader), TD_KHENTHUONG's hint for a tied group. Each is compared with the engine's
result on a workbook built in the test."""
from __future__ import annotations

from thidua_xl.api import check_file
from thidua_xl.udfs import ERROR_PREFIX, TD_DINHLUONG, TD_KHENTHUONG, TD_XEPLOAI
from tests.builders import crit, write_bloc

NAMES = ["Sở A", "Sở B", "Sở C", "Sở D", "Sở E"]


def test_xeploai_equals_the_engine_with_discipline_and_zero_leaves(tmp_path):
    disciplines = {"Sở A": "Cách chức", "Sở B": None, "Sở C": "Cảnh cáo",
                   "Sở D": "Khiển trách", "Sở E": "Bãi nhiệm"}
    main = {"Sở A": 89, "Sở B": 88, "Sở C": 80, "Sở D": 86, "Sở E": 70}
    report = {"Sở A": "Đạt", "Sở B": "Không đạt", "Sở C": "Đạt", "Sở D": "Đạt",
              "Sở E": "Đạt"}
    path = write_bloc(
        tmp_path / "b.xlsx",
        units=[{"name": n, "discipline": d} for n, d in disciplines.items()],
        criteria=[crit("I", "Nhiệm vụ"), crit("1", "Chính", 90, scores=main),
                  crit("2", "Báo cáo", 10, type="Định tính", scores=report)])
    result = check_file(path)
    assert result.status == "ok"
    seen = set()
    for u in result.units:
        zeros = sum(1 for v in u.leaf_scores.values() if v == 0)
        got = TD_XEPLOAI(u.total, result.max_total, disciplines[u.name], zeros)
        assert got == u.classification.value, u.name
        seen.add(got)
    assert len(seen) >= 3  # the cases differ: KHT, HT, HTT ...
    assert TD_XEPLOAI(99, 100, None, "Có") == "Hoàn thành nhiệm vụ"
    assert TD_XEPLOAI(99, 100, None, 0) == "Hoàn thành xuất sắc nhiệm vụ"
    assert TD_XEPLOAI(99, 100, None, "hai").startswith(ERROR_PREFIX)


def test_dinhluong_with_own_targets_equals_the_engine(tmp_path):
    actual = {"Sở A": 15, "Sở B": 24, "Sở C": 11, "Sở D": 8, "Sở E": 10}
    own = {"Sở A": 10, "Sở B": 20, "Sở C": None, "Sở D": None, "Sở E": 5}
    row_target = 10

    def cells(a, t):
        return {n: ({"Chỉ tiêu": t[n], "Thống nhất": a[n]} if t[n] is not None
                    else {"Thống nhất": a[n]}) for n in NAMES}

    path = write_bloc(
        tmp_path / "b.xlsx", units=NAMES, subcols=("Chỉ tiêu", "Thống nhất"),
        criteria=[crit("I", "Nhiệm vụ"),
                  crit("1", "Giải ngân", 10, type="Định lượng dẫn đầu", target=row_target,
                       scores=cells(actual, own)),
                  crit("2", "Thu", 10, type="Định lượng", target=row_target,
                       scores=cells(actual, own))])
    result = check_file(path)
    assert result.status == "ok"
    targets = [own[n] or row_target for n in NAMES]
    results = [actual[n] for n in NAMES]
    for u in result.units:
        t = own[u.name] or row_target
        lead = TD_DINHLUONG(actual[u.name], t, 10, "Dẫn đầu", results, targets)
        assert abs(lead - u.leaf_scores["I.1"]) < 1e-9, u.name
        assert TD_DINHLUONG(actual[u.name], t, 10) == u.leaf_scores["I.2"]
    # Sở E (10/5 = 2) leads, not Sở B with the larger result
    assert {u.name: u.leaf_scores["I.1"] for u in result.units}["Sở E"] == 10.0
    # a single best value (shared target) still works as before
    assert TD_DINHLUONG(12, 10, 10, "Dẫn đầu", 15) == 5 + 5 * 2 / 5


def test_khenthuong_names_the_tied_groups_vote_as_the_cli_does(tmp_path):
    # B, C, D tie for the one Cờ UBND tỉnh seat, then for the two Bằng khen seats
    totals = {"Sở A": 99, "Sở B": 98, "Sở C": 98, "Sở D": 98, "Sở E": 90}
    path = write_bloc(
        tmp_path / "b.xlsx", units=NAMES,
        criteria=[crit("I", "Nhiệm vụ"), crit("1", "Chính", 100, scores=totals)],
        rules={"Thứ tự phân định đồng hạng": "Điểm trừ"})
    result = check_file(path)
    table = dict((n, a) for n, a in TD_KHENTHUONG(NAMES, [totals[n] for n in NAMES], 100))
    cli = {u.name: u for u in result.units}
    assert table["Sở A"] == cli["Sở A"].award == "Cờ thi đua của Chính phủ"
    for name in ("Sở B", "Sở C", "Sở D"):
        assert cli[name].award is None
        assert table[name] == ("Đồng hạng – Hội nghị bình xét, bỏ phiếu (Cờ thi đua của UBND "
                               "tỉnh; Bằng khen của Chủ tịch UBND tỉnh)")
        assert cli[name].notes == [table[name]]
    assert table["Sở E"] == ""
