"""Why a workbook has no score table: the sheets it has, the layout that came closest, and
what that sheet lacks (bloc-workbook.md v2, "Outside the format").

Three layouts hold scores (bloc-workbook.md): the matrix ("Chấm điểm": Mã | Nội dung tiêu
chí | Điểm tối đa | a column group per unit), one sheet per unit (the self-score form: the
same left block, a "Tự chấm" column, the unit's name on a row "Đơn vị"), and the summary
table (a row per unit: Tên đơn vị, a column per section, Điểm thưởng, Điểm trừ). Each sheet
is measured against each layout by the labels of its best header row in the first rows;
the nearest is named with what it lacks, so the clerk knows what to add — or that the file
is not a score workbook at all.
"""
from __future__ import annotations

import re

from ..core.record import field, record
from ..core.text import fold
from ..core.values import is_blank
from .grid import Grid, SheetGrid

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

#: the layouts, as the messages name them
LAYOUT_NAMES = {
    "matrix": "bảng chấm điểm, mỗi đơn vị một nhóm cột",
    "per-unit": "phiếu chấm của từng đơn vị, mỗi đơn vị một sheet",
    "summary": "bảng tổng hợp, mỗi đơn vị một dòng",
}
#: a section's column in a summary table: "I", "II (40 điểm)", "Phần III", "IV. Điểm thưởng"
#: (the numeral in capitals, as typed: "v", "i" are not sections)
_SECTION = re.compile(r"^(?:(?:Phần|PHẦN|Mục|MỤC)\s+)?([IVX]{1,4})(?:[ .:(-].*)?$", re.S)


@record
class Diagnosis:
    """How close a sheet comes to a scoring table of a layout: what it has and lacks."""

    sheet: str
    layout: str
    has: list[str] = field(default_factory=list)
    lacks: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        total = len(self.has) + len(self.lacks)
        return len(self.has) / total if total else 0.0


def _vocab() -> dict[str, Any]:
    from ..core import vocab as p  # the labels the parser accepts

    return {"score": {k: {fold(x) for x in v} for k, v in p.SCORE_COLUMNS.items()},
            "units": {fold(x) for x in p.UNIT_COLUMNS["name"]},
            "self": {fold(x) for x in p.SUB_LABELS[p.SUB_SELF]},
            "subs": {fold(x) for v in p.SUB_LABELS.values() for x in v},
            "non_unit": {fold(x) for x in p.NON_UNIT_HEADERS},
            "scan": p.HEADER_SCAN_ROWS,
            "known": {fold(x) for x in (*p.SHEET_INFO, *p.SHEET_UNITS, *p.SHEET_RULES)}}


def _rows(sg: SheetGrid, scan: int) -> dict[int, dict[int, str]]:
    rows: dict[int, dict[int, str]] = {}
    for (r, c), v in sg.values.items():
        if r <= scan and not is_blank(v):
            rows.setdefault(r, {})[c] = fold(v).rstrip(":").strip()
    return rows


def _matrix(name: str, rows, raw, v) -> Diagnosis:
    best = Diagnosis(name, "matrix", lacks=["cột \"Mã\"", "cột \"Nội dung tiêu chí\"",
                                            "cột \"Điểm tối đa\"", "cột điểm của các đơn vị"])
    for r, cells in rows.items():
        found = {k: c for c, f in cells.items() for k, fs in v["score"].items() if f in fs}
        if set(found) == {"code"}:
            continue  # "STT" alone heads every list, not a score table
        d = Diagnosis(name, "matrix")
        for key, label in (("code", "cột \"Mã\""), ("text", "cột \"Nội dung tiêu chí\""),
                           ("max", "cột \"Điểm tối đa\"")):
            (d.has if key in found else d.lacks).append(label)
        left = max(found.values(), default=0)
        labels = v["units"] | v["non_unit"] | v["subs"] | set().union(*v["score"].values())
        units = [f for c, f in cells.items() if c > left and f not in labels]
        (d.has if found and units else d.lacks).append("cột điểm của các đơn vị")
        if d.score > best.score:
            best = d
    return best


def _per_unit(name: str, rows, raw, v) -> Diagnosis:
    best = Diagnosis(name, "per-unit", lacks=["cột \"Mã\"", "cột \"Điểm tối đa\"",
                                              "cột \"Tự chấm\"", "dòng \"Đơn vị\""])
    # "Đơn vị: Sở A" is a row of its own (a label and a value), not a table's header
    named = any(len(cells) <= 3 and any(f in v["units"] for f in cells.values())
                for cells in rows.values())
    for r, cells in rows.items():
        folded = set(cells.values())
        if not folded & (v["score"]["text"] | v["score"]["max"] | v["self"]):
            continue  # "STT" alone heads every list
        d = Diagnosis(name, "per-unit")
        for key, label in (("code", "cột \"Mã\""), ("max", "cột \"Điểm tối đa\"")):
            (d.has if folded & v["score"][key] else d.lacks).append(label)
        (d.has if folded & v["self"] else d.lacks).append("cột \"Tự chấm\"")
        (d.has if named else d.lacks).append("dòng \"Đơn vị\"")
        if d.score > best.score:
            best = d
    return best


def _summary(name: str, rows, raw, v) -> Diagnosis:
    best = Diagnosis(name, "summary", lacks=["cột \"Tên đơn vị\"", "cột điểm theo mục (I, "
                                             "II …)", "cột \"Điểm thưởng\"", "cột \"Điểm trừ\""])
    for r, cells in rows.items():
        folded = list(cells.values())
        d = Diagnosis(name, "summary")
        (d.has if set(folded) & v["units"] else d.lacks).append("cột \"Tên đơn vị\"")
        sections = {m.group(1) for t in raw.get(r, {}).values() if (m := _SECTION.match(t))}
        (d.has if len(sections) >= 2 else d.lacks).append("cột điểm theo mục (I, II …)")
        for word, label in (("diem thuong", "cột \"Điểm thưởng\""),
                            ("diem tru", "cột \"Điểm trừ\"")):
            (d.has if any(f.startswith(word) for f in folded) else d.lacks).append(label)
        if d.score > best.score:
            best = d
    return best


def closest_layout(grid: Grid) -> Diagnosis | None:
    """The sheet and layout nearest to a score table (None: no sheet has any of its
    labels). The "Thông tin", "Đơn vị" and "Quy định" sheets are not candidates."""
    v = _vocab()
    best: Diagnosis | None = None
    for sg in grid.sheets:
        if fold(sg.name) in v["known"]:
            continue
        rows = _rows(sg, v["scan"])
        raw = {r: {c: str(sg.values[(r, c)]).strip() for c in cells} for r, cells in rows.items()}
        for measure in (_matrix, _per_unit, _summary):
            d = measure(sg.name, rows, raw, v)
            if d.has and (best is None or d.score > best.score):
                best = d
    return best


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def missing_score_sheet(grid: Grid, names: list[str]) -> tuple[str, str]:
    """The message and fix of "missing-score-sheet" for ``grid`` (every sheet read), whose
    workbook has the sheets ``names`` (in workbook order)."""
    head = "Sổ không có sheet \"Chấm điểm\" (bảng chấm điểm các tiêu chí)."
    template = "dùng lệnh \"thidua-xl template\" để tạo sổ mẫu rồi chép điểm vào"
    if not names:
        return (f"{head} Sổ không có sheet nào đọc được (không có trang tính nào).",
                template[0].upper() + template[1:] + ".")
    empty = [sg.name for sg in grid.sheets if not sg.values]
    listed = ", ".join(f"\"{n}\"" for n in names)
    if len(empty) == len(names):
        return (f"{head} Các sheet hiện có ({listed}) đều trống.",
                "Kiểm tra đã mở đúng tệp chưa; nếu đúng thì " + template + ".")
    d = closest_layout(grid)
    if d is None:
        return (f"{head} Các sheet hiện có: {listed}; không sheet nào có các cột của bảng "
                "chấm điểm (Mã, Nội dung tiêu chí, Điểm tối đa, Tên đơn vị).",
                "Đổi tên sheet chứa bảng chấm điểm thành \"Chấm điểm\", hoặc " + template + ".")
    has = f"có {_and(d.has)}" if d.has else ""
    message = (f"{head} Các sheet hiện có: {listed}. Gần nhất là sheet \"{d.sheet}\" (dạng "
               f"{LAYOUT_NAMES[d.layout]}): {has}"
               + (f" nhưng không có {_and(d.lacks)}." if d.lacks else "."))
    if d.layout == "matrix":
        fix = (f"Thêm {_and(d.lacks)} vào hàng tiêu đề của sheet \"{d.sheet}\" " if d.lacks
               else "") + f"rồi đổi tên sheet \"{d.sheet}\" thành \"Chấm điểm\"; hoặc {template}."
    elif d.layout == "per-unit":
        fix = ((f"Thêm {_and(d.lacks)} vào sheet \"{d.sheet}\" và " if d.lacks else "")
               + "làm mỗi đơn vị một sheet như vậy (ít nhất hai sheet), hoặc dùng lệnh "
               "\"thidua-xl merge\" để gộp các phiếu vào sổ của khối.")
    else:
        fix = (f"Thêm {_and(d.lacks)} vào hàng tiêu đề của sheet \"{d.sheet}\"; hoặc "
               f"{template}." if d.lacks else f"Kiểm tra hàng tiêu đề của sheet "
               f"\"{d.sheet}\"; hoặc {template}.")
    return message, fix[0].upper() + fix[1:]
