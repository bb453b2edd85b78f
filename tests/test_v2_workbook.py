"""A v2 workbook written from the spec alone (openpyxl cell by cell, not tests/builders.py),
scored by the command line (``score --json``); every expected number below is computed by
hand from shared/spec/domain.md and bloc-workbook.md (v2).

The bloc (7 units, maximum 100): a three-row header with each unit's own "Chỉ tiêu" beside
its "Thống nhất"; a Định lượng and a Định lượng dẫn đầu criterion with own targets; a bonus
section capped at 3; the new "Đơn vị" columns; "Quy định" with older form names and
"Suy tôn Khối trưởng: Khối phó kế nhiệm".

Leaf scores by hand (I.2 Định lượng max 10, row target 100; I.3 dẫn đầu max 10, row target
90; own targets where given):
- Sở Y tế: I.2 95/100 → 9,5; I.3 99/90 = 1,1 → 5 + 5·0,1/0,25 = 7
- Sở Giáo dục và Đào tạo: I.2 80/80 → 10; I.3 120/100 = 1,2 → 5 + 5·0,2/0,25 = 9
- Sở Văn hóa, Thể thao và Du lịch: I.2 10; I.3 81/90 = 0,9 → 0,5·10·0,9 = 4,5
- Sở Lao động – Thương binh và Xã hội: I.2 9; I.3 1,1 → 7
- Đài Phát thanh và Truyền hình tỉnh: I.2 10; I.3 100/80 = 1,25: the best ratio → 10
- Báo Bắc Ninh: I.2 70/100 → 7; I.3 90/90 = 1 → 5
- Sở Nội vụ: I.2 45/50 → 9; I.3 1,1 → 7

Totals (I + II + thưởng − trừ): Đài 57 + 38 + 2 = 97; LĐ 56 + 39 + 1 = 96; Y tế 54,5 + 38 +
min(2 + 2, 3) = 95,5; GD 58 + 37,5 + 1 − 1 = 95,5 (tied with Y tế; Y tế above: fewer Điểm trừ,
0 against 1); Nội vụ 55 + 40 = 95; VH 54,5 + 0 + 30 + 2 = 86,5; Báo 47 + 29 = 76.

Classes by score: Đài HTXS (official rating HTT: a warning, and no proposal); LĐ HTXS capped
to HTT by Khiển trách; Y tế, GD, Nội vụ HTXS; VH 86,5 % with II.1 at 0 → HT; Báo 76 % with a
zero → HT, Cách chức → KHT. Proposals: Cờ CP → Y tế (Đài, LĐ not HTXS), Cờ tỉnh → GD,
Bằng khen (2) → Nội vụ only (VH under review; Báo KHT). Next head: this year's deputy (GD);
deputy: the best-ranked other than this year's head (Y tế) → Đài.
"""
from __future__ import annotations

import json
import subprocess
import sys

from openpyxl import Workbook

from thidua_xl.contract import validate_output

YT, GD, VH, LD = ("Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch",
                  "Sở Lao động – Thương binh và Xã hội")
DAI, BAO, NV = "Đài Phát thanh và Truyền hình tỉnh", "Báo Bắc Ninh", "Sở Nội vụ"
HTXS, HTT, HT, KHT = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
                      "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ")

#: (name, last year, discipline, women %, official rating, under review, last title)
UNITS = [
    (YT, "HTXS", "", 60, "", "Không", "Tập thể lao động xuất sắc"),
    (GD, "HTXS", "Không", 75, "", "Không", ""),
    (VH, "HTT", "", 50, "", "Có", ""),
    (LD, "HTXS", "Khiển trách", 40, "", "Không", ""),
    (DAI, "HTXS", "", 80, "HTT", "Không", ""),
    (BAO, "HTXS", "Cách chức", 55, "", "Không", ""),
    (NV, "HTXS", "", 72, "", "Không", ""),
]
# criteria rows: code, text, max, type, row target; then per unit (own target, value)
CRITERIA = [
    ("I", "Công tác chuyên môn", 60, "", None, {}),
    ("1", "Thực hiện nhiệm vụ được giao", 40, "", None,
     {YT: 38, GD: 39, VH: 40, LD: 40, DAI: 37, BAO: 35, NV: 39}),
    ("2", "Giải ngân vốn đầu tư công (%)", 10, "Định lượng", 100,
     {YT: 95, GD: (80, 80), VH: 100, LD: 90, DAI: 100, BAO: 70, NV: (50, 45)}),
    ("3", "Hồ sơ giải quyết đúng hạn (%)", 10, "Định lượng dẫn đầu", 90,
     {YT: 99, GD: (100, 120), VH: 81, LD: 99, DAI: (80, 100), BAO: 90, NV: 99}),
    ("II", "Công tác thi đua, khen thưởng", 40, "", None, {}),
    ("1", "Gửi báo cáo đúng hạn", 10, "Định tính", None,
     {YT: "Đạt", GD: "Đạt", VH: "Không đạt", LD: "Đạt", DAI: "Đạt", BAO: "Không đạt",
      NV: "Đạt"}),
    ("2", "Tổ chức phong trào thi đua", 30, "", None,
     {YT: 28, GD: 27.5, VH: 30, LD: 29, DAI: 28, BAO: 29, NV: 30}),
    ("III", "Điểm thưởng (tối đa 3 điểm)", 3, "Điểm thưởng", None, {}),
    ("1", "Sáng kiến được công nhận", 2, "Điểm thưởng", None, {YT: 2, VH: 2, LD: 1}),
    ("2", "Đơn vị tiêu biểu", 2, "Điểm thưởng", None, {YT: 2, GD: 1, DAI: 2}),
    ("IV", "Điểm trừ", None, "Điểm trừ", None, {}),
    ("1", "Chậm báo cáo", 5, "Điểm trừ", None, {GD: "-1"}),
]


def write_v2(path):
    wb = Workbook()
    info = wb.active
    info.title = "Thông tin"
    for row in (["THÔNG TIN KHỐI THI ĐUA"], ["Tên khối thi đua", "Khối thi đua Văn hóa – Xã hội"],
                ["Năm thi đua", 2025], ["Tỉnh/Thành phố", "Bắc Ninh"],
                ["Khối trưởng", YT], ["Khối phó", GD]):
        info.append(row)

    dv = wb.create_sheet("Đơn vị")
    dv.append(["STT", "Tên đơn vị", "Xếp loại năm trước", "Kỷ luật", "Tỷ lệ nữ (%)",
               "Xếp loại năm nay", "Đang xem xét kỷ luật, thanh tra", "Danh hiệu năm trước"])
    for i, u in enumerate(UNITS, 1):
        dv.append([i, *[v if v != "" else None for v in u]])

    ws = wb.create_sheet("Chấm điểm")
    ws["A1"] = "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2025"
    ws.merge_cells("A1:E1")
    left = ["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại", "Chỉ tiêu"]
    n_left = len(left)
    # row 2: a super-header over the unit groups; row 3: unit names; row 4: sub-labels
    first_unit_col = n_left + 1
    last_col = n_left + 2 * len(UNITS)
    ws.cell(row=2, column=first_unit_col, value="ĐIỂM CHẤM CỦA CÁC ĐƠN VỊ")
    ws.merge_cells(start_row=2, start_column=first_unit_col, end_row=2, end_column=last_col)
    for j, label in enumerate(left, 1):
        ws.cell(row=3, column=j, value=label)
        ws.merge_cells(start_row=3, start_column=j, end_row=4, end_column=j)
    cols = {}
    for k, u in enumerate(UNITS):
        c = first_unit_col + 2 * k
        ws.cell(row=3, column=c, value=u[0])
        ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 1)
        ws.cell(row=4, column=c, value="Chỉ tiêu")
        ws.cell(row=4, column=c + 1, value="Thống nhất")
        cols[u[0]] = c
    r = 5
    for code, text, mx, typ, target, scores in CRITERIA:
        for j, v in enumerate([code, text, mx, typ or None, target], 1):
            if v is not None:
                ws.cell(row=r, column=j, value=v)
        for name, v in scores.items():
            own, value = v if isinstance(v, tuple) else (None, v)
            if own is not None:
                ws.cell(row=r, column=cols[name], value=own)
            ws.cell(row=r, column=cols[name] + 1, value=value)
        r += 1

    qd = wb.create_sheet("Quy định")
    for row in (["Suy tôn Khối trưởng", "Khối phó kế nhiệm"],
                ["Thứ tự phân định đồng hạng", "Điểm trừ; I; II"], [],
                ["Hình thức khen thưởng", "Số lượng tối đa", "Xếp loại tối thiểu",
                 "Không bị kỷ luật", "Năm trước HTXS"],
                ["Cờ thi đua của Thủ tướng Chính phủ", 1, "HTXS", "Có", "Không"],
                ["Cờ thi đua cấp tỉnh", 1, "HTXS", "Có", "Không"],
                ["Bằng khen của UBND tỉnh", 2, "HTXS", "Có", "Không"]):
        qd.append(row)
    wb.save(path)
    return path


def test_a_v2_workbook_gives_the_specs_answers(tmp_path):
    src = write_v2(tmp_path / "khoi_vhxh_2025.xlsx")
    before = src.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "thidua_xl", "score", str(src), "-o",
                           str(tmp_path / "out.xlsx"), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    validate_output(doc)
    assert src.read_bytes() == before
    assert doc["max_total"] == 100.0
    assert [f["code"] for f in doc["findings"] if f["severity"] == "error"] == []
    warnings = [f for f in doc["findings"] if f["severity"] == "warning"]
    assert [(f["code"], f["sheet"], f["cell"]) for f in warnings] == [
        ("official-rating-differs", "Đơn vị", "F6")]
    units = doc["units"]
    got = [(u["name"], u["total"], u["rank"], u["tie"], u["classification"], u["award"])
           for u in units]
    gov, prov, merit = ("Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh",
                        "Bằng khen của Chủ tịch UBND tỉnh")
    assert got == [
        (DAI, 97.0, 1, False, HTXS, None),
        (LD, 96.0, 2, False, HTT, None),
        (YT, 95.5, 3, False, HTXS, gov),
        (GD, 95.5, 4, False, HTXS, prov),
        (NV, 95.0, 5, False, HTXS, merit),
        (VH, 86.5, 6, False, HT, None),
        (BAO, 76.0, 7, False, KHT, None),
    ]
    u = {x["name"]: x for x in units}
    assert {n: (x["sections"], x["bonus"], x["penalty"]) for n, x in u.items()} == {
        DAI: ({"I": 57.0, "II": 38.0}, 2.0, 0.0), LD: ({"I": 56.0, "II": 39.0}, 1.0, 0.0),
        YT: ({"I": 54.5, "II": 38.0}, 3.0, 0.0), GD: ({"I": 58.0, "II": 37.5}, 1.0, 1.0),
        NV: ({"I": 55.0, "II": 40.0}, 0.0, 0.0), VH: ({"I": 54.5, "II": 30.0}, 2.0, 0.0),
        BAO: ({"I": 47.0, "II": 29.0}, 0.0, 0.0)}
    assert (doc["next_head"], doc["next_deputy"]) == (GD, DAI)
    assert u[DAI]["official_classification"] == HTT and u[YT]["official_classification"] is None
    assert u[VH]["last_year"] == HTT and u[YT]["last_year"] == HTXS
    # reasons: the tie-break key, the cap, the zero leaf, why no proposal
    assert "xếp trên Sở Giáo dục và Đào tạo nhờ ít điểm trừ hơn (0 so với 1)" in u[YT]["reasons"]
    assert "xếp dưới Sở Y tế do nhiều điểm trừ hơn (1 so với 0)" in u[GD]["reasons"]
    assert any("đã áp mức tối đa 3 điểm" in x for x in u[YT]["reasons"])
    assert any(x.startswith("Tiêu chí 0 điểm: II.1") and "QĐ 2579/QĐ-UBND tỉnh Cần Thơ" in x
               for x in u[VH]["reasons"])
    assert any("do kỷ luật Cách chức" in x for x in u[BAO]["reasons"])
    assert any("xếp loại năm nay Hoàn thành tốt nhiệm vụ, chưa đạt" in x
               for x in u[DAI]["reasons"])
    assert any("do kỷ luật Khiển trách" in x for x in u[LD]["reasons"])
    # ranked below the last proposal: the reason is in the JSON, not a note of "Kết quả"
    review = ("không đề nghị Cờ thi đua của Chính phủ, Cờ thi đua của UBND tỉnh, Bằng khen của "
              "Chủ tịch UBND tỉnh: đang xem xét kỷ luật, thanh tra (Nghị định 152/2025/NĐ-CP, "
              "Điều 4 khoản 4)")
    assert review in u[VH]["reasons"] and review not in u[VH]["notes"]
    # ranked above Nội vụ (proposed): the reason is a note too
    assert all(x in u[DAI]["notes"] for x in u[DAI]["reasons"])
