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
        # "Kỷ luật: Không" for each unit: a correct bloc leaves nothing to verify (without the
        # column every proposal draws one "proposal-needs-verification" warning, #13)
        units=[{"name": u, "discipline": "Không"} for u in UNITS],
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


def _units_row(row: int, name: str) -> Callable[[Spec], None]:
    def edit(wb) -> None:
        wb["Đơn vị"][f"B{row}"].value = name
    return _edit(edit)


# --------------------------------------------------------------------------------------
# the mistakes
# --------------------------------------------------------------------------------------
S, INFO, UNITS_SHEET = SHEET, "Thông tin", "Đơn vị"

MISTAKES: dict[str, Mistake] = {m.name: m for m in (
    # a criterion code typed twice (2.1 for 2.2): one error naming both cells; the row is
    # still read, so the parent's max (I.2 = 12 + 8) gives no follow-on error
    Mistake("duplicate-code", _field("I.2.2", "code", "2.1"),
            Expect("duplicate-code", S, "A6", fix=("A6", "\"2.2\""), message=("A5", "A6"))),
    # a section code typed twice (I for II)
    Mistake("duplicate-section", _field("II", "code", "I"),
            Expect("duplicate-code", S, "A7", fix=("A7", "\"II\""), message=("A2", "A7"))),
    # a unit's name misspelt in the score sheet's header: one error, its scores still read
    Mistake("misspelt-unit-header", _rename_unit_header("Sở Tư pháp", "Sở Tư phá"),
            Expect("unit-not-in-list", S, "H1", fix=("H1", "\"Sở Tư pháp\""),
                   message=("có phải \"Sở Tư pháp\"",))),
    # a unit's header renamed to another name entirely: one finding naming both cells
    Mistake("renamed-unit-header", _rename_unit_header("Sở Y tế", "Sở Văn hóa"),
            Expect("unit-not-in-list", S, "J1", fix=("Sở Văn hóa", "Sở Y tế"),
                   message=("J1", "Đơn vị!B4"))),
    # Khối trưởng misspelt in "Thông tin"
    Mistake("misspelt-head", _info("Khối trưởng", "Sở Tư phá"),
            Expect("head-not-a-unit", INFO, "B4", fix=("\"Sở Tư pháp\"",),
                   message=("có phải \"Sở Tư pháp\"",))),
    # "100%" typed in a plain criterion's cell formatted as a percentage (read as 100)
    Mistake("percent-cell", _percent_cell("I.1", "Sở Y tế", 1),
            Expect("score-above-max", S, "J3", fix=("phần trăm", "từ 0 đến 10"),
                   message=("100%", "I.1"))),
    # a score typed on the 100 scale: exactly max × 100
    Mistake("score-times-100", _score("I.2.1", "Sở Tài chính", 1200),
            Expect("score-above-max", S, "I5", fix=("100 lần", "từ 0 đến 12"),
                   message=("1200", "I.2.1"))),
    # "Đạt" in a criterion whose Loại is blank (it is qualitative)
    Mistake("yes-no-in-score", _score("II.3", "Sở Y tế", "Đạt"),
            Expect("yes-no-in-score", S, "J10", fix=("Định tính", "D10"),
                   message=("Đạt", "II.3"))),
    # a whole row typed Đạt / Không đạt without its Loại: one grouped error, the fix at D10
    Mistake("qualitative-row-without-type",
            _both(_score("II.3", "Sở Tư pháp", "Đạt"), _score("II.3", "Sở Tài chính", "Đạt"),
                  _score("II.3", "Sở Y tế", "Không đạt")),
            Expect("yes-no-in-score", S, "H10", fix=("Định tính", "D10"),
                   message=("3 ô", "H10, I10, J10"), cells=("H10", "I10", "J10"))),
    # a Định lượng result typed as a fraction (0.95 for 95 %) against a target of 100
    Mistake("fraction-result", _score("II.2", "Sở Y tế", 0.95),
            Expect("result-looks-like-fraction", S, "J9", severity="warning",
                   fix=("nhập 95",), message=("0,95", "100", "II.2"))),
    # formulas saved without their results (three cells, one cause): one grouped error
    Mistake("uncached-formulas", _formulas(["H3", "I3", "H6"]),
            Expect("uncached-formula", S, "H3", fix=("Excel", "Ctrl+S"),
                   message=("3 ô", "H3, I3, H6"), cells=("H3", "I3", "H6"))),
    # text in a score cell
    Mistake("text-score", _score("II.3", "Sở Tư pháp", "tám"),
            Expect("not-a-number", S, "H10", fix=("Nhập một số",), message=("tám", "II.3"))),
    # a negative score
    Mistake("negative-score", _score("II.3", "Sở Tài chính", -3),
            Expect("score-negative", S, "I10", fix=("từ 0 trở lên",), message=("-3",))),
    # a score left blank
    Mistake("blank-score", _score("II.1", "Sở Tư pháp", None),
            Expect("missing-score", S, "H8", fix=("nhập 0",), message=("Sở Tư pháp", "II.1"))),
    # an Excel error in a score cell
    Mistake("excel-error", _score("I.2.1", "Sở Y tế", "#DIV/0!"),
            Expect("excel-error", S, "J5", fix=("công thức",), message=("#DIV/0!",))),
    # a criterion type misspelt: one error, its cells are not judged against another type
    Mistake("misspelt-type", _field("II.2", "type", "Định lượg"),
            Expect("bad-type", S, "D9", fix=("\"Định lượng\"",), message=("II.2",))),
    # a leaf's maximum left blank
    Mistake("max-missing", _field("II.3", "max", None),
            Expect("max-missing", S, "C10", fix=("Điểm tối đa",), message=("II.3",))),
    # a parent's maximum that is not the sum of its children's
    Mistake("parent-max-wrong", _field("I", "max", 31),
            Expect("parent-max-mismatch", S, "C2", fix=("thành 30",), message=("31", "30"))),
    # a Định lượng criterion without its target
    Mistake("target-missing", _field("II.2", "target", None),
            Expect("target-missing", S, "F9", fix=("Chỉ tiêu",), message=("II.2",))),
    # the declared maximum total disagrees with the criteria
    Mistake("declared-max-wrong", _info("Tổng điểm tối đa", 75),
            Expect("declared-max-mismatch", INFO, "B6", fix=("thành 70",), message=("75",))),
    # a year that is not a year
    Mistake("bad-year", _info("Năm thi đua", "2024a"),
            Expect("bad-year", INFO, "B3", fix=("2000", "2100"), message=("2024a",))),
    # a year typed with a decimal: shown the way the clerk sees it ("2024,5", not "2024.5")
    Mistake("decimal-year", _info("Năm thi đua", 2024.5),
            Expect("bad-year", INFO, "B3", fix=("số nguyên",), message=("\"2024,5\"",))),
    # a unit listed twice in "Đơn vị" (case differs)
    Mistake("duplicate-unit", _units_row(5, "Sở Y Tế"),
            Expect("duplicate-unit", UNITS_SHEET, "B5", fix=("Xóa dòng trùng",),
                   message=("B4",))),
)}

#: mistakes that touch different cells and do not hide each other: made all together,
#: each still yields its one finding (not "max-missing": without every maximum there is no
#: maximum total to compare with the declared one)
COMBINABLE = ("duplicate-code", "misspelt-unit-header", "misspelt-head", "percent-cell",
              "score-times-100", "yes-no-in-score", "fraction-result", "uncached-formulas",
              "text-score", "negative-score", "blank-score", "excel-error", "parent-max-wrong", "declared-max-wrong", "bad-year", "duplicate-unit")


def without_score_sheet(tmp_path: Path, sheets: dict[str, list[list]], name="x.xlsx") -> Path:
    """A workbook of the given sheets (rows of values) and no "Chấm điểm"."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path
