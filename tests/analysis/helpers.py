"""Shared bits of the audit/analysis tests: a mixed workbook and sheet readers."""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.builders import crit, write_bloc
from thidua_xl.core.text import fold

SUBS = ("Tự chấm", "Khối chấm", "Thống nhất")
UNITS = ["Sở A", "Sở B", "Sở C"]
#: the sub-labels and their variants (shared/spec/bloc-workbook.md, "Chấm điểm")
SUB_VARIANTS = {
    "Tự chấm": ("Tự chấm", "Điểm tự chấm", "ĐTC"),
    "Khối chấm": ("Khối chấm", "Thẩm định", "Điểm thẩm định", "Khối thẩm định",
                  "Điểm Khối chấm", "Chấm chéo"),
    "Thống nhất": ("Thống nhất", "Điểm thống nhất", "Kết quả", "Điểm cuối cùng"),
}


def mixed_bloc(path: Path, **kw) -> Path:
    """Three units, three sub-columns filled unevenly (each column is the source somewhere),
    every criterion type, a weight, a bonus and a penalty written as "-2"."""
    return write_bloc(
        path, units=UNITS, subcols=SUBS, info={"Tên khối thi đua": "Khối thử", "Năm thi đua": 2024},
        criteria=[
            crit("I", "Công tác chuyên môn"),
            crit("1", "Tham mưu", 10, weight=2, scores={
                "Sở A": {"Tự chấm": 10, "Khối chấm": 9, "Thống nhất": 9.5},
                "Sở B": {"Tự chấm": 9, "Khối chấm": 8},
                "Sở C": {"Tự chấm": "8,5"}}),
            crit("2", "Chỉ tiêu giao", 10, type="Định lượng", target=200, scores={
                "Sở A": {"Tự chấm": 200, "Thống nhất": 180},
                "Sở B": {"Tự chấm": 210, "Khối chấm": 190},
                "Sở C": {"Tự chấm": 150, "Thống nhất": 150}}),
            crit("3", "Văn bản đúng hạn", 5, type="Định tính", scores={
                "Sở A": {"Tự chấm": "Đạt", "Thống nhất": "Đạt"},
                "Sở B": {"Tự chấm": "Đạt", "Thống nhất": "Không đạt"},
                "Sở C": {"Tự chấm": "Đạt"}}),
            crit("II", "Công tác chung"),
            crit("1", "Phong trào", 20, scores={
                "Sở A": {"Tự chấm": 20, "Thống nhất": 18},
                "Sở B": {"Tự chấm": 19, "Khối chấm": 19},
                "Sở C": {"Tự chấm": 20, "Khối chấm": 17, "Thống nhất": 17.25}}),
            crit("III", "Điểm thưởng", type="Điểm thưởng"),
            crit("1", "Sáng kiến", 3, type="Điểm thưởng", scores={
                "Sở A": {"Tự chấm": 3, "Thống nhất": 2}, "Sở B": {"Tự chấm": 1}}),
            crit("IV", "Điểm trừ", type="Điểm trừ"),
            crit("1", "Vi phạm", 5, type="Điểm trừ", scores={
                "Sở B": {"Khối chấm": "-2"}, "Sở C": {"Tự chấm": 0, "Thống nhất": 1}}),
        ], **kw)


def table(ws, header_first: str = "Đơn vị") -> tuple[int, list[str], list[dict]]:
    """The table under the header row whose first cells name ``header_first``."""
    for row in ws.iter_rows(min_row=1, max_row=10):
        values = [c.value for c in row]
        if header_first in values:
            hr = row[0].row
            headers = [v for v in values]
            break
    else:  # pragma: no cover
        raise AssertionError(f"no header in {ws.title}")
    rows = []
    for r in range(hr + 1, ws.max_row + 1):
        cells = {h: ws.cell(r, i + 1) for i, h in enumerate(headers) if h}
        if all(c.value in (None, "") for c in cells.values()):
            continue
        rows.append(cells)
    return hr, headers, rows


def results_totals(path: Path) -> dict[str, float]:
    ws = load_workbook(path)["Kết quả"]
    _, _, rows = table(ws, "Tên đơn vị")
    return {r["Tên đơn vị"].value: r["Tổng điểm"].value for r in rows
            if r["Tên đơn vị"].value}


def sub_label_above(ws, row: int, col: int) -> str | None:
    """The Tự chấm / Khối chấm / Thống nhất label of an input cell's column (looking up)."""
    wanted = {fold(v): s for s, variants in SUB_VARIANTS.items() for v in variants}
    for r in range(row - 1, 0, -1):
        v = ws.cell(r, col).value
        if isinstance(v, str) and fold(v) in wanted:
            return wanted[fold(v)]
    return None
