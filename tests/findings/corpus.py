"""A clean bloc workbook and the mistakes clerks make in it (issue #12's test corpus).

``base()`` describes a small, correct bloc (three units, every criterion type that needs a
special reading); each mistake is a function that edits the description or the saved
workbook the way a clerk would, and states the one finding it must produce: code, sheet,
cell and words its fix must contain. ``build(tmp_path, *mistakes)`` writes the workbook
with the mistakes applied (alone or combined; they touch different cells).

Layout of the "Chấm điểm" sheet (write_bloc, no sub-columns): header row 1, left block
A..G (Mã, Nội dung, Điểm tối đa, Loại, Hệ số, Chỉ tiêu, Điểm mỗi lần), one score column a
unit from H (Sở Tư pháp), I (Sở Tài chính), J (Sở Y tế); criteria from row 2 in the order
of ``CRITERIA`` below.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from openpyxl import load_workbook

from tests.builders import crit, write_bloc

UNITS = ["Sở Tư pháp", "Sở Tài chính", "Sở Y tế"]
COL = {"Sở Tư pháp": "H", "Sở Tài chính": "I", "Sở Y tế": "J"}
SHEET = "Chấm điểm"


def _criteria() -> list[dict]:
    return [
        crit("I", "Công tác chung", 30),                                            # row 2
        crit("1", "Xây dựng kế hoạch", 10,
             scores={"Sở Tư pháp": 9, "Sở Tài chính": 8, "Sở Y tế": 10}),          # row 3
        crit("2", "Tổ chức thực hiện", 20),                                         # row 4
        crit("2.1", "Ban hành văn bản", 12,
             scores={"Sở Tư pháp": 11, "Sở Tài chính": 12, "Sở Y tế": 10}),        # row 5
        crit("2.2", "Kiểm tra, giám sát", 8,
             scores={"Sở Tư pháp": 7, "Sở Tài chính": 8, "Sở Y tế": 6}),           # row 6
        crit("II", "Nhiệm vụ chuyên môn", 40),                                      # row 7
        crit("1", "Hoàn thành báo cáo đúng hạn", 10, type="Định tính",
             scores={"Sở Tư pháp": "Đạt", "Sở Tài chính": "Đạt",
                     "Sở Y tế": "Không đạt"}),                                      # row 8
        crit("2", "Tỷ lệ hồ sơ giải quyết đúng hạn", 20, type="Định lượng", target=100,
             scores={"Sở Tư pháp": 95, "Sở Tài chính": 100, "Sở Y tế": 80}),       # row 9
        crit("3", "Cải cách hành chính", 10,
             scores={"Sở Tư pháp": 9, "Sở Tài chính": 9.5, "Sở Y tế": 8}),         # row 10
        crit("III", "Điểm thưởng", 5, type="Điểm thưởng"),                          # row 11
        crit("1", "Sáng kiến được công nhận", 5, scores={"Sở Tư pháp": 2}),         # row 12
        crit("IV", "Điểm trừ", 5, type="Điểm trừ"),                                 # row 13
        crit("1", "Chậm gửi báo cáo", 5),                                           # row 14
    ]


#: row of each criterion path in the "Chấm điểm" sheet
ROW = {"I": 2, "I.1": 3, "I.2": 4, "I.2.1": 5, "I.2.2": 6, "II": 7, "II.1": 8, "II.2": 9,
       "II.3": 10, "III": 11, "III.1": 12, "IV": 13, "IV.1": 14}


def cell(path: str, unit: str) -> str:
    """The A1 address of ``unit``'s score of criterion ``path``."""
    return f"{COL[unit]}{ROW[path]}"


@dataclass
class Spec:
    """What write_bloc gets, plus edits made on the saved workbook (openpyxl)."""

    kwargs: dict = field(default_factory=dict)
    edits: list[Callable] = field(default_factory=list)  # fn(workbook)


def base() -> Spec:
    return Spec(kwargs=dict(
        units=list(UNITS),
        criteria=_criteria(),
        info={"Tên khối thi đua": "Khối các cơ quan tổng hợp", "Năm thi đua": 2024,
              "Khối trưởng": "Sở Tư pháp", "Khối phó": "Sở Tài chính",
              "Tổng điểm tối đa": 70},
    ))


def build(tmp_path: Path, *mistakes: "Mistake", name: str = "so.xlsx") -> Path:
    spec = base()
    for m in mistakes:
        m.apply(spec)
    path = write_bloc(tmp_path / name, **spec.kwargs)
    if spec.edits:
        wb = load_workbook(path)
        for edit in spec.edits:
            edit(wb)
        wb.save(path)
    return path


@dataclass(frozen=True)
class Expect:
    """The one finding a mistake must produce."""

    code: str
    sheet: str | None
    cell: str | None
    severity: str = "error"
    #: words the fix must contain (each, case-sensitive)
    fix: tuple[str, ...] = ()
    #: words the message must contain
    message: tuple[str, ...] = ()
    #: every cell of a grouped finding (its JSON "cells"), when grouped
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mistake:
    name: str
    apply: Callable[[Spec], None]
    expect: Expect


# --------------------------------------------------------------------------------------
# editing helpers
# --------------------------------------------------------------------------------------
def _row(spec: Spec, path: str) -> dict:
    return spec.kwargs["criteria"][ROW[path] - 2]


def _score(path: str, unit: str, value) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        scores = _row(spec, path)["scores"]
        if value is None:
            scores.pop(unit, None)
        else:
            scores[unit] = value
    return apply


def _field(path: str, key: str, value) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        _row(spec, path)[key] = value
    return apply


def _edit(fn: Callable) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        spec.edits.append(fn)
    return apply


def _percent_cell(path: str, unit: str, value: float) -> Callable[[Spec], None]:
    """The clerk types ``value`` in a cell formatted as a percentage."""
    def edit(wb) -> None:
        c = wb[SHEET][cell(path, unit)]
        c.value = value
        c.number_format = "0%"
    return _edit(edit)


def _formulas(cells: list[str]) -> Callable[[Spec], None]:
    """Formulas saved by a program that does not compute them (no cached value)."""
    def edit(wb) -> None:
        for a in cells:
            wb[SHEET][a].value = "=8+1"
    return _edit(edit)


def _rename_unit_header(old: str, new: str) -> Callable[[Spec], None]:
    def edit(wb) -> None:
        ws = wb[SHEET]
        ws[f"{COL[old]}1"].value = new
    return _edit(edit)


def _info(key: str, value) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        spec.kwargs["info"][key] = value
    return apply


def _both(*fns: Callable[[Spec], None]) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        for fn in fns:
            fn(spec)
    return apply
