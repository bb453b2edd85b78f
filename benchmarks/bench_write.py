"""Writing "the input plus the output sheets": grafting vs an openpyxl load + save.

    python benchmarks/bench_write.py [--units 30] [--criteria 80] [--repeat 5] [--base FILE]

Builds (with openpyxl, in a temporary folder) a bloc workbook of ``units`` units ×
``criteria`` criterion rows with 3 sub-columns per unit (Tự chấm / Khối chấm / Thống
nhất; 30 × 80 × 3 = 7,200 score cells), or uses ``--base``. Then times, median of
``--repeat`` runs:

- graft: ``write_output`` = render the output sheets into a small donor workbook
  (render_openpyxl) + graft them into a copy of the base + atomic write;
- openpyxl load+save: ``load_workbook(base)`` then ``save`` (what a naive writer does,
  before even drawing the output sheets);
- openpyxl fallback: ``write_with_openpyxl`` = load + render the plan + save.

Prints the times and the ratio openpyxl load+save / graft (> 1: grafting is faster).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from thidua_xl.io.plan import (OUTPUT_FINDINGS, OUTPUT_PROPOSALS, OUTPUT_RESULTS,  # noqa: E402
                               ChartSpec, ConditionalFill, PrintSetup, SheetPlan, Style,
                               WritePlan)

SUBCOLS = ("Tự chấm", "Khối chấm", "Thống nhất")


def make_base(path: Path, units: int = 30, criteria: int = 80) -> Path:
    """A styled bloc workbook: Thông tin, Đơn vị, Chấm điểm (merged group headers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    names = [f"Sở thử nghiệm số {i + 1}" for i in range(units)]
    wb = Workbook()
    info = wb.active
    info.title = "Thông tin"
    for row in (["Tên khối thi đua", "Khối thử tải"], ["Năm thi đua", 2025],
                ["Khối trưởng", names[0]], ["Khối phó", names[1]]):
        info.append(row)
    unit_ws = wb.create_sheet("Đơn vị")
    unit_ws.append(["STT", "Tên đơn vị", "Xếp loại năm trước", "Kỷ luật", "Tập thể nữ"])
    for i, n in enumerate(names, 1):
        unit_ws.append([i, n, "HTXS" if i % 3 else "HTT", "Không", "Có" if i % 4 == 0 else ""])

    ws = wb.create_sheet("Chấm điểm")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(name="Times New Roman", bold=True, size=11)
    head_fill = PatternFill("solid", fgColor="FFDDEBF7")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = ["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại"]
    for c, h in enumerate(left, 1):
        ws.cell(1, c, h)
        ws.merge_cells(start_row=1, start_column=c, end_row=2, end_column=c)
    col = len(left) + 1
    for n in names:
        ws.cell(1, col, n)
        ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + 2)
        for k, sub in enumerate(SUBCOLS):
            ws.cell(2, col + k, sub)
        col += 3
    for row in ws.iter_rows(min_row=1, max_row=2, max_col=col - 1):
        for cell in row:
            cell.font, cell.fill, cell.alignment, cell.border = head_font, head_fill, center, border
    r = 3
    per_section = criteria // 4
    for s in range(4):
        ws.cell(r, 1, ["I", "II", "III", "IV"][s]).font = Font(bold=True)
        ws.cell(r, 2, f"Phần {s + 1}").font = Font(bold=True)
        r += 1
        for k in range(per_section - 1):
            ws.cell(r, 1, f"{k + 1}")
            ws.cell(r, 2, f"Tiêu chí {s + 1}.{k + 1}: nội dung đánh giá của tiêu chí")
            ws.cell(r, 3, 1.5)
            ws.cell(r, 4, "Định lượng" if k % 5 else "Định tính")
            for u in range(units):
                for j in range(3):
                    c = ws.cell(r, 5 + u * 3 + j, round(1.5 - ((u + k + j) % 4) * 0.25, 2))
                    c.number_format = "0.00"
                    c.border = border
            r += 1
    ws.freeze_panes = "E3"
    ws.column_dimensions["B"].width = 50
    for c in range(5, col):
        ws.column_dimensions[get_column_letter(c)].width = 9
    wb.save(path)
    return path


def make_plan(units: int = 30) -> WritePlan:
    """Output sheets the size ``score`` writes for ``units`` units."""
    head = Style(bold=True, fill="DDEBF7", border=True, h_align="center", wrap=True)
    num = Style(number_format="0.00", border=True, h_align="right")
    txt = Style(border=True)
    res = SheetPlan(OUTPUT_RESULTS)
    res.put(1, 1, "KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG", Style(bold=True, font_size=14))
    res.merges.append("A1:L1")
    cols = ["STT", "Tên đơn vị", "I", "II", "III", "IV", "Thưởng", "Trừ", "Tổng điểm",
            "% tối đa", "Xếp hạng", "Xếp loại"]
    for c, h in enumerate(cols, 1):
        res.put(3, c, h, head)
    for i in range(units):
        r = 4 + i
        res.put(r, 1, i + 1, txt)
        res.put(r, 2, f"Sở thử nghiệm số {i + 1}", txt, link="Chấm điểm!A1")
        for c in range(3, 11):
            res.put(r, c, 100 - i * 0.75 - c * 0.01, num)
        res.put(r, 11, i + 1, txt)
        res.put(r, 12, "Hoàn thành xuất sắc nhiệm vụ" if i < 6 else "Hoàn thành tốt nhiệm vụ",
                txt)
    last = 3 + units
    res.charts.append(ChartSpec(kind="bar", title="Tổng điểm", categories=f"B4:B{last}",
                                values=f"I4:I{last}", anchor="N3"))
    res.conditional.append(ConditionalFill(f"L4:L{last}", "Hoàn thành tốt nhiệm vụ", "FFF2CC"))
    res.print_setup = PrintSetup(orientation="landscape", print_area=f"A1:L{last}",
                                 title_rows="3:3")
    res.col_widths = {2: 34.0, 12: 30.0}
    res.freeze = "C4"
    prop = SheetPlan(OUTPUT_PROPOSALS)
    prop.put(1, 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Style(bold=True, h_align="center"))
    prop.merges.append("A1:F1")
    for c, h in enumerate(["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng",
                           "Hình thức đề nghị khen thưởng", "Ghi chú"], 1):
        prop.put(5, c, h, head)
    for i in range(units):
        prop.put(6 + i, 1, i + 1, txt)
        prop.put(6 + i, 2, f"Sở thử nghiệm số {i + 1}", txt)
        prop.put(6 + i, 3, 100 - i * 0.75, num)
        prop.put(6 + i, 4, i + 1, txt)
        prop.put(6 + i, 5, "Cờ thi đua của UBND tỉnh" if i < 2 else "", txt)
    prop.print_setup = PrintSetup(print_area=f"A1:F{6 + units}", title_rows="5:5")
    chk = SheetPlan(OUTPUT_FINDINGS)
    for c, h in enumerate(["Mức độ", "Sheet", "Ô", "Mã lỗi", "Nội dung", "Cách sửa"], 1):
        chk.put(1, c, h, head)
    chk.put(2, 1, "Cảnh báo")
    chk.put(2, 3, "D5", link="Chấm điểm!D5")
    return WritePlan(sheets=[res, prop, chk], select=OUTPUT_RESULTS)


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=30)
    ap.add_argument("--criteria", type=int, default=80)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--base", type=Path, help="time this workbook instead of a built one")
    args = ap.parse_args(argv)

    from openpyxl import load_workbook

    from thidua_xl.io.package import write_with_openpyxl
    from thidua_xl.io.render_openpyxl import render_plan
    from thidua_xl.io.writer import write_output

    warnings.simplefilter("ignore")
    plan = make_plan(args.units)
    with tempfile.TemporaryDirectory(prefix="bench-write-") as td:
        tmp = Path(td)
        if args.base is not None:
            base = args.base
        else:
            base = make_base(tmp / ("bloc" + ".xlsx"), args.units, args.criteria)
        out = tmp / ("out" + base.suffix)
        keep_vba = base.suffix.lower() == ".xlsm"

        def graft() -> None:
            write_output(base, plan, out)

        def load_save() -> None:
            wb = load_workbook(base, keep_vba=keep_vba)
            wb.save(out)

        def fallback() -> None:
            write_with_openpyxl(base, out, lambda wb: render_plan(plan, wb),
                                replace=plan.replace)

        from thidua_xl.io.package import graft_sheets
        from thidua_xl.io.render_openpyxl import render_to_file

        donor = tmp / "donor.xlsx"

        def render_only() -> None:
            render_to_file(plan, donor)

        def graft_only() -> None:
            graft_sheets(base, donor, out, replace=plan.replace, select=plan.select)

        graft()  # warm-up (imports)
        load_save()
        render_only()
        t_graft = _median_time(graft, args.repeat)
        t_render = _median_time(render_only, args.repeat)
        t_graft_only = _median_time(graft_only, args.repeat)
        t_load_save = _median_time(load_save, args.repeat)
        t_fallback = _median_time(fallback, args.repeat)
        wb = load_workbook(base, read_only=True)
        cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row
                    if c.value is not None)
        wb.close()
    print(f"base: {base.name}, {base.stat().st_size if base.exists() else 0} bytes" if
          args.base else f"base: {args.units} units × {args.criteria} criteria × 3 sub-columns")
    print(f"non-empty cells in base: {cells}")
    print(f"graft (render donor + graft + atomic write): {t_graft * 1000:8.1f} ms")
    print(f"  of which render donor (openpyxl):          {t_render * 1000:8.1f} ms")
    print(f"  of which graft into the base copy:         {t_graft_only * 1000:8.1f} ms")
    print(f"openpyxl load + save of the base:            {t_load_save * 1000:8.1f} ms")
    print(f"openpyxl fallback (load + render + save):    {t_fallback * 1000:8.1f} ms")
    print(f"ratio load+save / graft: {t_load_save / t_graft:.1f}x"
          f"   (fallback / graft: {t_fallback / t_graft:.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
