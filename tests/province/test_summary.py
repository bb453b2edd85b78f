"""Cross-bloc checks (pure) and the province summary workbook."""
from __future__ import annotations

import dataclasses

import openpyxl

from thidua_xl.core.findings import Finding, Severity
from thidua_xl.core.models import (FORM_GOV_FLAG, FORM_MERIT, FORM_PROV_FLAG, BlocResult,
                                   Classification, Proposal, TieGroup, UnitResult)
from thidua_xl.summary import (SHEET_BLOCS, SHEET_CROSS, SHEET_PROPOSALS, SHEET_STATS,
                               cross_checks, write_summary)


def bloc(file, name, year, units, proposals=(), status="ok", findings=()):
    return BlocResult(
        file=file, bloc=name, year=year, status=status, head=units[0] if units else None,
        units=[UnitResult(name=u, key=u.casefold(), total=90.0 - i, rank=i + 1,
                          classification=Classification.HTXS) for i, u in enumerate(units)],
        proposals=[Proposal(unit=u, form=f, rank=1, total=99.5,
                            classification=Classification.HTXS, basis="Xếp hạng 1")
                   for u, f in proposals],
        next_head=units[1] if len(units) > 1 else None, findings=list(findings))


def codes(findings):
    return sorted(f.code for f in findings)


def test_clean_province_has_no_cross_findings():
    rs = [bloc(f"k{i}.xlsx", f"Khối {i}", 2024, [f"Sở {i}A", f"Sở {i}B"],
               [(f"Sở {i}A", FORM_PROV_FLAG)]) for i in range(5)]
    rs[0].proposals.append(Proposal(unit="Sở 0B", form=FORM_GOV_FLAG))
    assert cross_checks(rs) == []  # 1 gov flag for 5 provincial flags = 20%


def test_gov_flags_above_20_percent_of_provincial_flags():
    rs = [bloc(f"k{i}.xlsx", f"Khối {i}", 2024, [f"Sở {i}A", f"Sở {i}B"],
               [(f"Sở {i}A", FORM_PROV_FLAG), (f"Sở {i}B", FORM_GOV_FLAG)] if i < 2
               else [(f"Sở {i}A", FORM_PROV_FLAG)]) for i in range(5)]
    found = cross_checks(rs)
    assert codes(found) == ["gov-flag-over-20-percent"]
    f = found[0]
    assert f.severity is Severity.WARNING
    assert "có 2 đề nghị Cờ thi đua của Chính phủ trong 7 tập thể dẫn đầu" in f.message
    assert "(tối đa 1)" in f.message
    # the older name of the flag counts too
    rs = [bloc("a.xlsx", "A", 2024, ["X"], [("X", "Cờ thi đua của Thủ tướng Chính phủ")])]
    assert codes(cross_checks(rs)) == ["gov-flag-over-20-percent"]


def test_the_20_percent_counts_every_leading_unit():
    # v2: the denominator is every Cờ tỉnh or Cờ CP proposal. 1 Cờ CP + 4 Cờ tỉnh = 5
    # leading units (20% = 1: fine; v1 counted 4 Cờ tỉnh → 0 allowed); 2 Cờ CP + 8 Cờ tỉnh =
    # 10 (2 allowed); 3 Cờ CP + 8 Cờ tỉnh = 11 (2 allowed: a warning)
    def province(n_gov, n_prov):
        return [bloc(f"k{i}.xlsx", f"Khối {i}", 2024, [f"Sở {i}"],
                     [(f"Sở {i}", FORM_GOV_FLAG if i < n_gov else FORM_PROV_FLAG)])
                for i in range(n_gov + n_prov)]

    assert cross_checks(province(1, 4)) == []
    assert cross_checks(province(2, 8)) == []
    found = cross_checks(province(3, 8))
    assert codes(found) == ["gov-flag-over-20-percent"]
    assert "trong 11 tập thể dẫn đầu" in found[0].message and "(tối đa 2)" in found[0].message
    # an older form name is a leading unit too
    rs = province(1, 3) + [bloc("o.xlsx", "Khối O", 2024, ["Sở O"],
                                [("Sở O", "Cờ thi đua cấp tỉnh")])]
    assert cross_checks(rs) == []


def test_unit_in_two_blocs_compared_by_unit_key():
    rs = [bloc("a.xlsx", "Khối A", 2024, ["Sở Tư pháp", "Sở Nội vụ"]),
          bloc("b.xlsx", "Khối B", 2024, ["  sở tư  pháp ", "Thanh tra tỉnh"])]
    found = cross_checks(rs)
    assert codes(found) == ["unit-in-two-blocs"]
    assert "Khối A" in found[0].message and "Khối B" in found[0].message


def test_duplicate_bloc_same_year_and_mixed_years():
    rs = [bloc("a.xlsx", "Cụm thi đua số 8", 2021, ["Sở Ngoại vụ"]),
          bloc("a-ban-cuoi.xlsx", "CỤM THI ĐUA SỐ 8", 2021, ["Sở Ngoại vụ"]),
          bloc("c.xlsx", "Cụm thi đua số 9", 2022, ["Sở Y tế"])]
    found = cross_checks(rs)
    # the duplicated bloc's units are not also reported as "in two blocs"
    assert codes(found) == ["duplicate-bloc", "mixed-years"]
    assert next(f for f in found if f.code == "mixed-years").severity is Severity.WARNING


def test_unreadable_results_are_ignored_and_function_is_pure():
    rs = [bloc("x.xlsx", "", None, [], status="unreadable"),
          bloc("y.xlsx", "", None, [], status="unreadable")]
    before = [dataclasses.asdict(r) for r in rs]
    assert cross_checks(rs) == []
    assert [dataclasses.asdict(r) for r in rs] == before


def test_summary_workbook(tmp_path):
    err = Finding(severity=Severity.ERROR, code="score-above-max", message="m")
    rs = [bloc("k1.xlsx", "Khối 1", 2024, ["Sở A", "Sở B", "Sở C"],
               [("Sở A", FORM_PROV_FLAG), ("Sở B", FORM_MERIT)]),
          bloc("k2.xlsx", "=Khối 2", 2024, ["Sở D", "Sở A"], [("Sở D", FORM_GOV_FLAG)]),
          bloc("k3.xlsx", "Khối 3", 2024, [], status="errors", findings=[err]),
          bloc("bad.xlsx", "", None, [], status="unreadable", findings=[err])]
    rs[0].tie_groups.append(TieGroup(form=FORM_MERIT, units=["Sở C", "Sở E"], seats=1))
    out = write_summary(rs, tmp_path / "tong-hop.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [SHEET_BLOCS, SHEET_PROPOSALS, SHEET_STATS, SHEET_CROSS]
    ws = wb[SHEET_BLOCS]
    assert [c.value for c in ws[3]][:11] == [
        "STT", "Tệp", "Khối thi đua", "Năm", "Số đơn vị", "Khối trưởng", "Đề xuất Khối trưởng",
        "Đề xuất Khối phó", "Số lỗi", "Số cảnh báo", "Trạng thái"]
    assert [c.value for c in ws[4]][1:5] == ["k1.xlsx", "Khối 1", 2024, 3]
    assert ws["C5"].value == "=Khối 2" and ws["C5"].data_type == "s"  # text, not a formula
    assert ws["K6"].value == "Có lỗi" and ws["K7"].value == "Không đọc được"
    assert ws.freeze_panes == "A4" and ws["A3"].font.name == "Times New Roman"
    assert ws.auto_filter.ref == "A3:L7" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.column_dimensions["C"].width == 40
    p = wb[SHEET_PROPOSALS]
    rows = [[c.value for c in r] for r in p.iter_rows(min_row=4)]
    assert [r[2:4] for r in rows] == [["Sở A", FORM_PROV_FLAG], ["Sở B", FORM_MERIT],
                                      ["Sở C; Sở E", FORM_MERIT], ["Sở D", FORM_GOV_FLAG]]
    s = wb[SHEET_STATS]
    stats = {r[1].value: r[2].value for r in s.iter_rows(min_row=4, max_row=6)}
    assert stats == {FORM_GOV_FLAG: 1, FORM_PROV_FLAG: 1, FORM_MERIT: 1}
    x = wb[SHEET_CROSS]
    found = {x.cell(r, 3).value for r in range(4, x.max_row + 1)}
    assert {"gov-flag-over-20-percent", "unit-in-two-blocs"} <= found


def test_the_20_percent_rule_is_counted_per_province_and_year():
    # Thanh Hóa: 1 Government flag for 5 provincial flags (20%: fine); Nam Định: 1 for 0
    th = [bloc(f"t{i}.xlsx", f"Khối T{i}", 2024, [f"Sở T{i}"], [(f"Sở T{i}", FORM_PROV_FLAG)])
          for i in range(5)]
    th[0].proposals.append(Proposal(unit="Sở T0b", form=FORM_GOV_FLAG))
    nd = [bloc("n.xlsx", "Khối N", 2024, ["Sở N"], [("Sở N", FORM_GOV_FLAG)])]
    for r in th:
        r.province = "Thanh Hóa"
    nd[0].province = "Nam Định"
    found = cross_checks(th + nd)
    assert codes(found) == ["gov-flag-over-20-percent", "mixed-provinces"]
    gov = next(f for f in found if f.code == "gov-flag-over-20-percent")
    assert gov.message.startswith("Nam Định năm 2024") and "Thanh Hóa" not in gov.message
    # different years are never pooled either
    old = [bloc("o.xlsx", "Khối O", 2023, ["Sở O"], [("Sở O", FORM_PROV_FLAG)])]
    assert codes(cross_checks(th + old)) == ["mixed-years"]
