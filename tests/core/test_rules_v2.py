"""The v2 rules of shared/spec/domain.md on workbooks built in the test: bonus/penalty caps,
a unit's own target and the ratio leader, Khối phó kế nhiệm, units under review, the official
rating, the three discipline levels, the zero rule on HTT, women ≥ 70 %, old form names,
tie-break reasons and the tied group's note."""
from __future__ import annotations

from thidua_xl.api import check_file
from thidua_xl.core.models import (FORM_GOV_FLAG, FORM_MERIT, FORM_PROV_FLAG,
                                   Classification as C)
from tests.builders import crit, write_bloc

SOURCE = "(mặc định, theo QĐ 2579/QĐ-UBND tỉnh Cần Thơ)"


def run(tmp_path, units, criteria, **kw):
    path = write_bloc(tmp_path / "b.xlsx", units=units, criteria=criteria, **kw)
    return check_file(path)


def by_name(result):
    return {u.name: u for u in result.units}


#: warnings every test book here draws and no v2 rule is about: no "Thông tin" sheet, and the
#: checks the book cannot support (no Kỷ luật column...), reported once in Kiểm tra (#13)
_BACKGROUND = {"no-info-sheet", "proposal-needs-verification"}


def codes(result):
    return [f.code for f in result.findings if f.code not in _BACKGROUND]


def scored(scores: dict, max_=100):
    """One section with one 100-point criterion holding the given scores."""
    return [crit("I", "Nhiệm vụ"), crit("1", "Kết quả", max_, scores=scores)]


# ------------------------------------------------------------------------------- caps
def test_bonus_and_penalty_sections_cap_the_sum_of_their_children(tmp_path):
    criteria = scored({"Sở A": 90, "Sở B": 90}) + [
        crit("II", "Điểm thưởng", 3, type="Điểm thưởng"),
        crit("1", "Sáng kiến", 2, type="Điểm thưởng", scores={"Sở A": 2, "Sở B": 1}),
        crit("2", "Chủ trì", 2, type="Điểm thưởng", scores={"Sở A": 2, "Sở B": 1}),
        crit("III", "Điểm trừ", 2, type="Điểm trừ"),
        crit("1", "Chậm báo cáo", 2, type="Điểm trừ", scores={"Sở A": 1, "Sở B": 2}),
        crit("2", "Sai sót", 2, type="Điểm trừ", scores={"Sở A": 0, "Sở B": 1}),
    ]
    r = run(tmp_path, ["Sở A", "Sở B"], criteria)
    assert codes(r) == []
    u = by_name(r)
    assert (u["Sở A"].bonus, u["Sở A"].penalty, u["Sở A"].total) == (3.0, 1.0, 92.0)
    assert (u["Sở B"].bonus, u["Sở B"].penalty, u["Sở B"].total) == (2.0, 2.0, 90.0)
    assert "Điểm thưởng II (Điểm thưởng): 4 điểm, đã áp mức tối đa 3 điểm" in u["Sở A"].reasons
    assert "Điểm trừ III (Điểm trừ): 3 điểm, đã áp mức tối đa 2 điểm" in u["Sở B"].notes
    assert not any("tối đa" in n for n in u["Sở B"].notes if n.startswith("Điểm thưởng"))
    # a child above its own max is still an error
    criteria[3]["scores"] = {"Sở A": 3}
    assert "score-above-max" in codes(run(tmp_path, ["Sở A", "Sở B"], criteria))


def test_a_parent_inside_a_bonus_section_caps_its_children(tmp_path):
    criteria = scored({"Sở A": 90}) + [
        crit("II", "Điểm thưởng", type="Điểm thưởng"),  # no max: no cap of its own
        crit("1", "Phong trào", 1, type="Điểm thưởng"),
        crit("1.1", "Giải thưởng", 1, type="Điểm thưởng", scores={"Sở A": 1}),
        crit("1.2", "Bằng khen", 1, type="Điểm thưởng", scores={"Sở A": 1}),
        crit("2", "Sáng kiến", 2, type="Điểm thưởng", scores={"Sở A": 2}),
    ]
    r = run(tmp_path, ["Sở A"], criteria)
    u = by_name(r)["Sở A"]
    assert (u.bonus, u.total) == (3.0, 93.0)
    assert any("II.1 (Phong trào): 2 điểm, đã áp mức tối đa 1 điểm" in n for n in u.notes)


# -------------------------------------------------------------------- own targets
def test_a_units_own_target_replaces_the_rows_target(tmp_path):
    criteria = [
        crit("I", "Nhiệm vụ"),
        crit("1", "Thu ngân sách", 10, type="Định lượng", target=100,
             scores={"Sở A": {"Chỉ tiêu": 50, "Thống nhất": 50},
                     "Sở B": {"Thống nhất": 80},
                     "Sở C": {"Chỉ tiêu": 200, "Thống nhất": 150}}),
        crit("2", "Công tác khác", 90, scores={"Sở A": 80, "Sở B": 80, "Sở C": 80}),
    ]
    r = run(tmp_path, ["Sở A", "Sở B", "Sở C"], criteria, subcols=("Chỉ tiêu", "Thống nhất"))
    assert codes(r) == []
    u = by_name(r)
    assert u["Sở A"].total == 90.0  # 50/50 → full 10
    assert u["Sở B"].total == 88.0  # 80/100 (the row's) → 8
    assert u["Sở C"].total == 87.5  # 150/200 → 7.5


def test_the_leader_is_the_best_ratio_to_the_units_own_target(tmp_path):
    # ratios: A 15/10 = 1,5 (the best, though B has the larger actual), B 24/20 = 1,2,
    # C 11/10 (row's target) = 1,1, D 8/10 = 0,8
    # scores (max 10): A 10; B 5 + 5·0,2/0,5 = 7; C 5 + 5·0,1/0,5 = 6; D 0,5·10·0,8 = 4
    criteria = [
        crit("I", "Nhiệm vụ"),
        crit("1", "Giải ngân", 10, type="Định lượng dẫn đầu", target=10,
             scores={"Sở A": {"Chỉ tiêu": 10, "Thống nhất": 15},
                     "Sở B": {"Chỉ tiêu": 20, "Thống nhất": 24},
                     "Sở C": {"Thống nhất": 11}, "Sở D": {"Thống nhất": 8}}),
        crit("2", "Công tác khác", 90, scores={n: 85 for n in ("Sở A", "Sở B", "Sở C",
                                                                "Sở D")}),
    ]
    r = run(tmp_path, ["Sở A", "Sở B", "Sở C", "Sở D"], criteria,
            subcols=("Chỉ tiêu", "Thống nhất"))
    assert codes(r) == []
    assert {u.name: u.total for u in r.units} == {"Sở A": 95.0, "Sở B": 92.0, "Sở C": 91.0,
                                                  "Sở D": 89.0}


def test_own_targets_everywhere_need_no_row_target_and_a_bad_one_is_named(tmp_path):
    row = crit("1", "Thu", 10, type="Định lượng",
               scores={"Sở A": {"Chỉ tiêu": 10, "Thống nhất": 10},
                       "Sở B": {"Chỉ tiêu": 20, "Thống nhất": 10}})
    criteria = [crit("I", "Nhiệm vụ"), row]
    r = run(tmp_path, ["Sở A", "Sở B"], criteria, subcols=("Chỉ tiêu", "Thống nhất"))
    assert codes(r) == [] and {u.name: u.total for u in r.units} == {"Sở A": 10, "Sở B": 5}
    row["scores"]["Sở B"] = {"Chỉ tiêu": 0, "Thống nhất": 10}
    r = run(tmp_path, ["Sở A", "Sở B"], criteria, subcols=("Chỉ tiêu", "Thống nhất"))
    bad = [f for f in r.findings if f.code == "target-missing"]
    # one finding, on the unit's own cell (not a second one on the row's blank target)
    assert [(f.cell, "Sở B" in f.message) for f in bad] == [("J4", True)]
    row["scores"]["Sở B"] = {"Chỉ tiêu": "nhiều", "Thống nhất": 10}
    r = run(tmp_path, ["Sở A", "Sở B"], criteria, subcols=("Chỉ tiêu", "Thống nhất"))
    assert [(f.code, f.cell) for f in r.findings if f.severity.value == "error"] == [
        ("bad-number", "J4")]


# ------------------------------------------------------------------- classification
def test_cach_chuc_is_kht_and_a_zero_leaf_is_ht(tmp_path):
    criteria = [crit("I", "Nhiệm vụ"),
                crit("1", "Chính", 90, scores={"Sở A": 89, "Sở B": 90, "Sở C": 90}),
                crit("2", "Báo cáo", 10, type="Định tính",
                     scores={"Sở A": "Đạt", "Sở B": "Không đạt", "Sở C": "Đạt"})]
    units = [{"name": "Sở A", "discipline": "Cách chức"}, {"name": "Sở B"},
             {"name": "Sở C", "discipline": "Cảnh cáo"}]
    r = run(tmp_path, units, criteria)
    u = by_name(r)
    assert u["Sở A"].classification is C.KHT  # 99 % but Cách chức
    assert ("Xếp loại hạ từ Hoàn thành xuất sắc nhiệm vụ xuống Không hoàn thành nhiệm vụ do "
            f"kỷ luật Cách chức {SOURCE}") in u["Sở A"].reasons
    assert u["Sở B"].classification is C.HT  # 90 % with a zero leaf: HT, the leaf named
    assert u["Sở B"].reasons[0] == (
        "Tiêu chí 0 điểm: I.2 (Báo cáo) – không xếp loại Hoàn thành tốt nhiệm vụ "
        f"{SOURCE}")
    assert u["Sở C"].classification is C.HT


def test_the_zero_rule_is_set_by_the_rules_sheet(tmp_path):
    criteria = [crit("I", "Nhiệm vụ"), crit("1", "Chính", 90, scores={"Sở A": 90}),
                crit("2", "Báo cáo", 10, type="Định tính", scores={"Sở A": "Không đạt"})]
    r = run(tmp_path, ["Sở A"], criteria, rules={"Tiêu chí 0 điểm hạ xếp loại": "HTXS"})
    assert r.units[0].classification is C.HTT
    r = run(tmp_path, ["Sở A"], criteria, rules={"Tiêu chí 0 điểm hạ xếp loại": "Không"})
    assert r.units[0].classification is C.HTT  # 90 %: HTT by the thresholds alone
    r = run(tmp_path, ["Sở A"], criteria, rules={"Tiêu chí 0 điểm hạ xếp loại": "HTXS; Tốt"})
    assert "bad-rule" in codes(r)


def test_unknown_discipline_word_is_an_error_on_its_cell(tmp_path):
    r = run(tmp_path, [{"name": "Sở A", "discipline": "Phê bình"}], scored({"Sở A": 99}))
    bad = [f for f in r.findings if f.code == "bad-discipline"]
    assert bad and bad[0].sheet == "Đơn vị" and bad[0].cell == "C2"


# --------------------------------------------------------------------- eligibility
def test_official_rating_is_used_for_eligibility_and_a_difference_warned(tmp_path):
    totals = {"Sở A": 99, "Sở B": 90, "Sở C": 97, "Sở D": 96}
    units = [{"name": "Sở A", "official": "HTT"}, {"name": "Sở B", "official": "HTXS"},
             {"name": "Sở C", "official": None}, {"name": "Sở D", "official": "HTXS"}]
    r = run(tmp_path, units, scored(totals))
    warn = [f for f in r.findings if f.code == "official-rating-differs"]
    assert [(f.severity.value, f.sheet, f.cell) for f in warn] == [
        ("warning", "Đơn vị", "C2"), ("warning", "Đơn vị", "C3")]
    assert "Hoàn thành tốt nhiệm vụ" in warn[0].message and "Chấm điểm!H1" in warn[0].message
    u = by_name(r)
    assert (u["Sở A"].classification, u["Sở A"].official) == (C.HTXS, C.HTT)
    assert [(p.form, p.unit) for p in r.proposals] == [
        (FORM_GOV_FLAG, "Sở C"), (FORM_PROV_FLAG, "Sở D"), (FORM_MERIT, "Sở B")]
    assert u["Sở A"].award is None
    assert ("không đề nghị Cờ thi đua của Chính phủ, Cờ thi đua của UBND tỉnh, Bằng khen của "
            "Chủ tịch UBND tỉnh: xếp loại năm nay Hoàn thành tốt nhiệm vụ, chưa đạt Hoàn thành "
            "xuất sắc nhiệm vụ") in u["Sở A"].reasons
    assert "xếp loại năm nay Hoàn thành xuất sắc nhiệm vụ" in r.proposals[2].basis
    j = u["Sở A"].to_json()
    assert (j["classification"], j["official_classification"]) == (
        C.HTXS.value, C.HTT.value)


def test_a_unit_under_review_gets_no_proposal_and_a_reason(tmp_path):
    totals = {"Sở A": 99, "Sở B": 98, "Sở C": 97, "Sở D": 96, "Sở E": 95.5}
    units = [{"name": n, "review": "Có" if n == "Sở A" else "Không"} for n in totals]
    r = run(tmp_path, units, scored(totals))
    assert [(p.form, p.unit) for p in r.proposals] == [
        (FORM_GOV_FLAG, "Sở B"), (FORM_PROV_FLAG, "Sở C"), (FORM_MERIT, "Sở D"),
        (FORM_MERIT, "Sở E")]
    a = by_name(r)["Sở A"]
    assert a.rank == 1 and a.award is None
    assert a.reasons == [
        "không đề nghị Cờ thi đua của Chính phủ, Cờ thi đua của UBND tỉnh, Bằng khen của Chủ "
        "tịch UBND tỉnh: đang xem xét kỷ luật, thanh tra (Nghị định 152/2025/NĐ-CP, Điều 4 "
        "khoản 4)"]


def test_last_year_is_no_default_condition_and_a_reprimand_is_a_reason(tmp_path):
    totals = {"Sở A": 99, "Sở B": 98, "Sở C": 97, "Sở D": 96, "Sở E": 95.5}
    units = [{"name": "Sở A", "last_year": "HTT"}, {"name": "Sở B", "last_year": "HTT"},
             {"name": "Sở C", "last_year": "HT", "discipline": "Khiển trách"},
             {"name": "Sở D", "last_year": "HTT"}, {"name": "Sở E", "last_year": "HTXS"}]
    r = run(tmp_path, units, scored(totals))
    assert [(p.form, p.unit) for p in r.proposals] == [
        (FORM_GOV_FLAG, "Sở A"), (FORM_PROV_FLAG, "Sở B"), (FORM_MERIT, "Sở D"),
        (FORM_MERIT, "Sở E")]
    c = by_name(r)["Sở C"]  # ranked above Sở D and Sở E: why it has no proposal
    assert c.reasons == [
        "Xếp loại hạ từ Hoàn thành xuất sắc nhiệm vụ xuống Hoàn thành tốt nhiệm vụ do kỷ luật "
        f"Khiển trách {SOURCE}",
        "không đề nghị Cờ thi đua của Chính phủ, Cờ thi đua của UBND tỉnh, Bằng khen của Chủ "
        "tịch UBND tỉnh: xếp loại Hoàn thành tốt nhiệm vụ, chưa đạt Hoàn thành xuất sắc nhiệm "
        "vụ"]
    # with a form open to HTT, the discipline itself is the reason
    r = run(tmp_path, units, scored(totals), forms=[
        {"Hình thức khen thưởng": "Giấy khen", "Số lượng tối đa": 5,
         "Xếp loại tối thiểu": "HTT", "Không bị kỷ luật": "Có"}])
    assert [p.unit for p in r.proposals] == ["Sở A", "Sở B", "Sở D", "Sở E"]
    assert by_name(r)["Sở C"].reasons[-1] == "không đề nghị Giấy khen: bị kỷ luật Khiển trách"
    assert by_name(r)["Sở A"].last_year is C.HTT
    assert by_name(r)["Sở A"].to_json()["last_year"] == C.HTT.value


def test_last_years_title_is_shown_in_the_basis(tmp_path):
    units = [{"name": "Sở A", "last_title": "Tập thể lao động xuất sắc"}, {"name": "Sở B"}]
    r = run(tmp_path, units, scored({"Sở A": 99, "Sở B": 98}))
    assert r.proposals[0].basis.endswith(", danh hiệu năm trước: Tập thể lao động xuất sắc")
    assert "danh hiệu" not in r.proposals[1].basis


def test_women_priority_counts_units_with_70_percent_women(tmp_path):
    totals = {"Sở A": 99, "Sở B": 98, "Sở C": 98, "Sở D": 97}
    units = [{"name": "Sở A", "women_ratio": 80}, {"name": "Sở B", "women_ratio": 65},
             {"name": "Sở C", "women_ratio": 70}, {"name": "Sở D", "women_ratio": 90}]
    r = run(tmp_path, units, scored(totals), rules={"Thứ tự phân định đồng hạng": "Điểm trừ"},
            forms=[{"Hình thức khen thưởng": "Cờ thi đua của UBND tỉnh", "Số lượng tối đa": 2}])
    assert [(p.form, p.unit) for p in r.proposals] == [(FORM_PROV_FLAG, "Sở A"),
                                                       (FORM_PROV_FLAG, "Sở C")]
    assert r.tie_groups == []


def test_women_columns_that_disagree_are_warned(tmp_path):
    units = [{"name": "Sở A", "women": "Có", "women_ratio": 50}]
    r = run(tmp_path, units, scored({"Sở A": 99}))
    assert "women-columns-disagree" in codes(r)
    assert run(tmp_path, [{"name": "Sở A", "women_ratio": 150}],
               scored({"Sở A": 99})).status == "errors"


# ---------------------------------------------------------------------- form names
def test_old_form_names_are_read_and_current_names_written(tmp_path):
    totals = {"Sở A": 99, "Sở B": 98, "Sở C": 97}
    forms = [{"Hình thức khen thưởng": "Cờ thi đua của Thủ tướng Chính phủ",
              "Số lượng tối đa": 1},
             {"Hình thức khen thưởng": "Cờ thi đua cấp tỉnh", "Số lượng tối đa": 1},
             {"Hình thức khen thưởng": "Bằng khen của UBND tỉnh", "Số lượng tối đa": 1}]
    r = run(tmp_path, list(totals), scored(totals), forms=forms)
    assert [(p.form, p.unit) for p in r.proposals] == [
        (FORM_GOV_FLAG, "Sở A"), (FORM_PROV_FLAG, "Sở B"), (FORM_MERIT, "Sở C")]
    forms.append({"Hình thức khen thưởng": "Cờ thi đua của Chính phủ", "Số lượng tối đa": 1})
    r = run(tmp_path, list(totals), scored(totals), forms=forms)
    assert "form-duplicate" in codes(r)  # the old and the current name are one form


# -------------------------------------------------------------------- succession
def _succession_bloc(tmp_path, totals, deputy="Sở C"):
    info = {"Tên khối thi đua": "Khối X", "Năm thi đua": 2025, "Khối trưởng": "Sở A"}
    if deputy:
        info["Khối phó"] = deputy
    return run(tmp_path, list(totals), scored(totals), info=info,
               rules={"Suy tôn Khối trưởng": "Khối phó kế nhiệm",
                      "Thứ tự phân định đồng hạng": "Điểm trừ"})


def test_deputy_succeeds_as_head(tmp_path):
    r = _succession_bloc(tmp_path, {"Sở A": 97, "Sở B": 99, "Sở C": 98, "Sở D": 96})
    assert (r.next_head, r.next_deputy) == ("Sở C", "Sở B")


def test_deputy_succession_with_a_tie_for_deputy(tmp_path):
    r = _succession_bloc(tmp_path, {"Sở A": 99, "Sở B": 98, "Sở C": 97, "Sở D": 98})
    assert (r.next_head, r.next_deputy) == ("Sở C", None)
    assert "Sở B, Sở D" in r.succession_note and "Khối phó" in r.succession_note


def test_deputy_succession_without_a_deputy_is_warned(tmp_path):
    r = _succession_bloc(tmp_path, {"Sở A": 99, "Sở B": 98}, deputy=None)
    assert (r.next_head, r.next_deputy) == (None, None)
    assert "deputy-unknown" in codes(r)


# --------------------------------------------------------------- ranking reasons
def test_the_tiebreak_key_that_decided_is_a_reason(tmp_path):
    criteria = [crit("I", "Nhiệm vụ"), crit("1", "Kết quả", 100,
                                            scores={"Sở A": 96, "Sở B": 97, "Sở C": 97}),
                crit("II", "Điểm trừ", type="Điểm trừ"),
                crit("1", "Chậm", 5, type="Điểm trừ", scores={"Sở B": 1})]
    r = run(tmp_path, ["Sở A", "Sở B", "Sở C"], criteria)
    u = by_name(r)
    assert [x.name for x in r.units] == ["Sở C", "Sở A", "Sở B"]  # A 96 − 0, B 97 − 1
    assert u["Sở A"].reasons[0] == "xếp trên Sở B nhờ ít điểm trừ hơn (0 so với 1)"
    assert u["Sở B"].reasons[0] == "xếp dưới Sở A do nhiều điểm trừ hơn (1 so với 0)"
    assert u["Sở C"].reasons == [  # 97 alone: nothing to separate; its proposal's basis
        "Đề nghị Cờ thi đua của Chính phủ: Xếp hạng 1/3, tổng điểm 97,00/100 (97,00%), Hoàn "
        "thành xuất sắc nhiệm vụ"]


def test_the_tied_groups_note_names_the_form_once(tmp_path):
    totals = {"Sở A": 99, "Sở B": 98, "Sở C": 98}
    r = run(tmp_path, list(totals), scored(totals),
            rules={"Thứ tự phân định đồng hạng": "Điểm trừ"},
            forms=[{"Hình thức khen thưởng": "Cờ thi đua của UBND tỉnh", "Số lượng tối đa": 2}])
    u = by_name(r)
    for name in ("Sở B", "Sở C"):
        assert u[name].notes == ["Đồng hạng – Hội nghị bình xét, bỏ phiếu (Cờ thi đua của UBND "
                                 "tỉnh)"]
