"""Helpers for the province tests (batch, summary, merge, template)."""
from __future__ import annotations

import time
from pathlib import Path

import openpyxl

from thidua_xl.template import SCORE_FIRST_ROW, SUBCOLS

#: a valid value per criterion type (by the row's max)
VALID = {
    "": lambda m, u: m - 0.5 * (u % 3),
    "Chấm điểm": lambda m, u: m - 0.5 * (u % 3),
    "Định tính": lambda m, u: "Đạt",
    "Định lượng": lambda m, u: 95 - u,
    "Định lượng dẫn đầu": lambda m, u: 70 + 5 * u,
    "Chấm thẳng": lambda m, u: 3 + u % 3,
    "Điểm thưởng": lambda m, u: 1,
    "Điểm trừ": lambda m, u: u % 2,
}


def score_rows(ws) -> list[tuple[int, str, float, str]]:
    """(row, code, max, type) of the leaf rows of a template's score sheet (white cells)."""
    out = []
    r = SCORE_FIRST_ROW
    while ws.cell(r, 2).value != "Tổng cộng":
        is_leaf = ws.cell(r, 8).fill.fgColor.rgb in ("00FFFFFF", "FFFFFFFF")
        if is_leaf:
            out.append((r, ws.cell(r, 1).value, ws.cell(r, 3).value, ws.cell(r, 4).value or ""))
        r += 1
    return out


def fill_template(src: Path, dst: Path, *, column: str = "Thống nhất",
                  info: bool = True) -> Path:
    """Type a valid score in every unit's ``column`` (like a user would) and save."""
    wb = openpyxl.load_workbook(src)
    ws = wb["Chấm điểm"]
    n_units = (ws.max_column - 7) // len(SUBCOLS)
    k = SUBCOLS.index(column)
    for r, _code, mx, t in score_rows(ws):
        for u in range(n_units):
            ws.cell(r, 8 + u * len(SUBCOLS) + k, VALID[t](mx, u))
    if info:
        t = wb["Thông tin"]
        t["B2"] = "Khối thi đua thử nghiệm"
        t["B3"] = 2025
        t["B4"] = "Thanh Hóa"
    wb.save(dst)
    return dst


def slow_worker(src: str, out: str | None, display: str):
    """A batch worker that hangs on files named slow*.xlsx (to test the time limit)."""
    if Path(src).name.startswith("slow"):
        time.sleep(60)
    from thidua_xl.batch import score_job

    return score_job(src, out, display)


def write_self_score(path: Path, unit: str | None, rows: list[tuple], *, title: bool = False,
                     labels: tuple[str, ...] = ("Mã", "Nội dung tiêu chí", "Điểm tối đa",
                                                "Tự chấm", "Giải trình")) -> Path:
    """A unit's "Phiếu tự chấm": the unit on a row "Đơn vị" (or in the title "… của <unit>"),
    then Mã | Nội dung tiêu chí | Điểm tối đa | Tự chấm | Giải trình. ``rows``:
    (code, text, max, self_score)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phiếu tự chấm"
    if title:
        ws["A1"] = f"PHIẾU TỰ CHẤM ĐIỂM THI ĐUA NĂM 2025 của {unit}"
    else:
        ws["A1"] = "PHIẾU TỰ CHẤM ĐIỂM THI ĐUA NĂM 2025"
        if unit is not None:
            ws["A2"], ws["B2"] = "Đơn vị:", unit
    ws.append([])
    ws.append(list(labels))
    for code, text, mx, val in rows:
        ws.append([code, text, mx, val, None])
    ws.append([None, "Tổng cộng", 100, None])
    wb.save(path)
    return path


def template_rows(template: Path) -> list[tuple]:
    """(code, text, max, a valid self-score) for every row of a template's criteria."""
    wb = openpyxl.load_workbook(template)
    ws = wb["Chấm điểm"]
    leaves = {r: (mx, t) for r, _c, mx, t in score_rows(ws)}
    out = []
    r = SCORE_FIRST_ROW
    while ws.cell(r, 2).value != "Tổng cộng":
        code, text, mx = ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value
        val = VALID[leaves[r][1]](mx, 0) if r in leaves else None
        out.append((code, text, mx, val))
        r += 1
    return out
