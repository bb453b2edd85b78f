"""Workbooks for the package tests, built with openpyxl in tmp_path.

``make_base`` is a user's workbook (as a previous run left it: an old "Kết quả" sheet with
a chart and a print area sits between the user's sheets); ``make_donor`` holds the new
output sheets as ``render_openpyxl`` would write them.
"""
from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"

BASE_SHEETS = ["Chấm điểm", "Đơn vị", "Kết quả", "Ghi chú"]
USER_SHEETS = ["Chấm điểm", "Đơn vị", "Ghi chú"]
DONOR_SHEETS = ["Kết quả", "Kiểm tra"]
UNITS = ["Sở Tư pháp", "Ban Dân tộc tỉnh", "Sở Y tế", "Sở Nội vụ", "Sở Tài chính"]


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small valid PNG (no Pillow needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class PngImage(Image):
    """openpyxl's Image without Pillow: the PNG bytes are given."""

    def __init__(self, data: bytes, width: int = 40, height: int = 30) -> None:  # noqa: D107
        self.ref = data
        self.width, self.height = width, height
        self.format = "png"

    def _data(self) -> bytes:
        return self.ref


def make_base(path: Path, *, old_output: bool = True, image: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Chấm điểm"
    ws["A1"] = "BẢNG CHẤM ĐIỂM THI ĐUA"
    ws["A1"].font = Font(name="Times New Roman", size=14, bold=True, color="FF1F4E79")
    ws.merge_cells("A1:E1")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["Mã", "Tiêu chí", "Điểm tối đa", "Sở Tư pháp", "Sở Y tế"])
    thin = Side(style="thin")
    for cell in ws[2]:
        cell.fill = PatternFill("solid", fgColor="FFDDEBF7")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i in range(1, 9):
        ws.append([str(i), f"Tiêu chí {i}", 10, 9 - i * 0.5, 8])
        ws.cell(ws.max_row, 4).number_format = '#,##0.0 "điểm"'
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="10")
    dv.add("D3:E10")
    ws.add_data_validation(dv)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, min_row=2, max_row=10), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=10))
    ws.add_chart(chart, "H2")
    if image:
        img = PngImage(png_bytes())
        img.anchor = "H20"
        ws.add_image(img)
    ws.print_area = "A1:E10"

    ws2 = wb.create_sheet("Đơn vị")
    ws2.append(["STT", "Tên đơn vị", "Nữ"])
    for i, u in enumerate(UNITS, 1):
        ws2.append([i, u, "Có" if i % 2 else "Không"])
    ws2.column_dimensions["B"].width = 30

    if old_output:
        old = wb.create_sheet("Kết quả")
        old["A1"] = "KẾT QUẢ CŨ"
        for i, u in enumerate(UNITS, 2):
            old.cell(i, 1, u)
            old.cell(i, 2, 100 - i)
        ch = BarChart()
        ch.add_data(Reference(old, min_col=2, min_row=2, max_row=6))
        old.add_chart(ch, "D2")
        old.print_area = "A1:B6"

    notes = wb.create_sheet("Ghi chú")
    notes["A1"] = "Ghi chú của người dùng"
    notes["A2"] = "=1+1"  # a real formula of the user's
    notes.print_title_rows = "1:1"
    wb.defined_names["DanhSachDonVi"] = DefinedName(
        "DanhSachDonVi", attr_text="'Đơn vị'!$B$2:$B$6")
    wb.active = 0
    wb.save(path)
    return path


def make_donor(path: Path, *, names: tuple[str, ...] = tuple(DONOR_SHEETS),
               title: str = "KẾT QUẢ CHẤM ĐIỂM") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = names[0]
    ws["A1"] = title
    ws["A1"].font = Font(name="Times New Roman", size=16, bold=True, italic=True,
                         color="FFC00000")
    ws.merge_cells("A1:D1")
    header = ["STT", "Tên đơn vị", "Tổng điểm", "Xếp loại"]
    thick = Side(style="medium", color="FF00B050")
    for c, h in enumerate(header, 1):
        cell = ws.cell(3, c, h)
        cell.fill = PatternFill("solid", fgColor="FFFFF2CC")
        cell.border = Border(left=thick, right=thick, top=thick, bottom=thick)
        cell.font = Font(bold=True, underline="single")
    for i, u in enumerate(UNITS, 4):
        ws.cell(i, 1, i - 3)
        link = ws.cell(i, 2, u)
        link.hyperlink = Hyperlink(ref=link.coordinate, location="'Chấm điểm'!A1",
                                   display=u)
        total = ws.cell(i, 3, 100 - i * 1.25)
        total.number_format = '0.00 "đ"'
        ws.cell(i, 4, "Hoàn thành xuất sắc nhiệm vụ" if i < 6 else "Hoàn thành tốt nhiệm vụ")
    ws["F4"] = "=1+1"
    ws["F4"].data_type = "s"  # text that looks like a formula
    ws["F5"] = "+84 912"
    ws["F5"].data_type = "s"
    ws.conditional_formatting.add(
        "D4:D8", FormulaRule(formula=['EXACT(D4,"Hoàn thành tốt nhiệm vụ")'],
                             fill=PatternFill("solid", bgColor="FFFFC7CE"),
                             font=Font(color="FF9C0006")))
    ws.conditional_formatting.add(
        "C4:C8", CellIsRule(operator="greaterThan", formula=["95"],
                            fill=PatternFill("solid", bgColor="FFC6EFCE")))
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Tổng điểm"
    chart.add_data(Reference(ws, min_col=3, min_row=4, max_row=8))
    chart.set_categories(Reference(ws, min_col=2, min_row=4, max_row=8))
    ws.add_chart(chart, "H3")
    ws.print_area = "A1:D8"
    ws.print_title_rows = "3:3"
    ws.column_dimensions["B"].width = 28
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A4"

    for name in names[1:]:
        ws2 = wb.create_sheet(name)
        ws2.append(["Mức độ", "Sheet", "Ô", "Mã lỗi", "Nội dung"])
        c = ws2.cell(2, 3, "Chấm điểm!D3")
        c.hyperlink = Hyperlink(ref="C2", location="'Chấm điểm'!D3", display="D3")
        ws2.cell(2, 5, "Không có lỗi")
        ws2["A2"] = "Cảnh báo"
        ws2["A2"].font = Font(color="FFFF0000")
    wb.active = 0
    wb.save(path)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def find_corpus(*names: str) -> Path | None:
    for name in names:
        hits = sorted(CORPORA.glob(f"**/{name}")) if CORPORA.is_dir() else []
        if hits:
            return hits[0]
    return None
