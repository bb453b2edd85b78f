"""The sheets that say why: "Chi tiết điểm" (the audit trail) and "Phân tích" (self-score
against final score, gap to the unit above, the tie-break that decided a place).

:func:`analysis_sheets` gives their :class:`~thidua_xl.io.plan.SheetPlan` for a result
without errors (``io.outputs.build_plan`` appends them); the numbers come from
:mod:`thidua_xl.core.audit`.

"Chi tiết điểm" is a flat table for filtering (autofilter, frozen header, no merged cells,
no totals rows): the "Điểm tính" of a unit's rows add up to its "Tổng điểm" in "Kết quả";
"Ô nguồn" links to the exact input cell the value was read from.
"""
from __future__ import annotations

from ..core.audit import AuditTable, UnitAnalysis, analyse, audit_table, difference_text
from ..core.models import BlocResult
from .grid import col_letter
from .plan import (OUTPUT_ANALYSIS, OUTPUT_DETAIL, SELF_LINK, ChartSpec, PrintSetup, SheetPlan,
                   Style)

_FONT = "Times New Roman"
_HEADER_FILL = "D9E1F2"
_LINK_COLOR = "0563C1"


def _st(*, bold: bool = False, italic: bool = False, h: str = "left", fmt: str | None = None,
        wrap: bool = False, size: float = 11, fill: str | None = None,
        color: str | None = None, underline: bool = False, border: bool = False) -> Style:
    return Style(font_name=_FONT, font_size=size, bold=bold, italic=italic,
                 underline=underline, color=color, fill=fill, h_align=h, v_align="center",
                 wrap=wrap, border=border, number_format=fmt)


TITLE = _st(bold=True, size=14)
NOTE = _st(italic=True, size=11)
HEADER = _st(bold=True, h="center", wrap=True, fill=_HEADER_FILL, border=True)
TEXT = _st()
WRAP = _st(wrap=True)
CENTER = _st(h="center")
NUM = _st(h="right", fmt="0.00")
NUM_SIGNED = _st(h="right", fmt="+0.00;-0.00;0.00")
WEIGHT = _st(h="right", fmt="0.##")
PERCENT = _st(h="right", fmt="0.##%")
LINK = _st(color=_LINK_COLOR, underline=True)

DETAIL_HEADERS: tuple[tuple[str, float], ...] = (
    ("Đơn vị", 30), ("Mã", 9), ("Nội dung", 46), ("Loại", 15), ("Giá trị nhập", 11),
    ("Cột", 13), ("Ô nguồn", 17), ("Điểm", 9), ("Hệ số", 7), ("Điểm tính", 10))
ANALYSIS_HEADERS: tuple[tuple[str, float], ...] = (
    ("Xếp hạng", 8), ("Đơn vị", 30), ("Tổng tự chấm", 10), ("Tổng điểm", 10),
    ("Chênh lệch", 10), ("Tiêu chí chênh lệch nhiều nhất (tự chấm − điểm cuối)", 46),
    ("Đơn vị xếp trên", 26), ("Khoảng cách", 10),
    ("Tiêu chí bị kém nhiều nhất so với đơn vị xếp trên", 46),
    ("Phân định đồng hạng", 40), ("Ghi chú", 30))
_FIRST = 4  # first data row (title, note, header above)


def analysis_sheets(result: BlocResult) -> list[SheetPlan]:
    """ "Chi tiết điểm" and "Phân tích" of a result without errors (none otherwise)."""
    if result.has_errors or result.parsed is None:
        return []
    return [detail_sheet(result, audit_table(result)),
            analysis_sheet(result, analyse(result))]


def _header(plan: SheetPlan, headers, title: str, note: str) -> None:
    plan.put(1, 1, title, TITLE)
    plan.put(2, 1, note, NOTE)
    for c, (label, width) in enumerate(headers, start=1):
        plan.put(_FIRST - 1, c, label, HEADER)
        plan.col_widths[c] = width
    plan.row_heights[_FIRST - 1] = 32.0
    plan.freeze = f"C{_FIRST}"


def _year(result: BlocResult) -> str:
    return f" NĂM {result.year}" if result.year else ""


# ----------------------------------------------------------------------- Chi tiết điểm
#: the links of a row: only "Ô nguồn" (column 7), to the cell it shows (one tuple for all)
_LINKS = (None,) * 6 + (SELF_LINK,)


class _Kinds(dict):
    """(type of an entered value, its percent flag) → the index of its row's styles: 0 a
    percentage (a number with a percent format), 1 a text, 2 anything else (a number, a
    blank); once a pair, so that a column of them is looked up in C."""

    __slots__ = ()

    def __missing__(self, key: tuple) -> int:
        tp, pct = key
        got = self[key] = (0 if pct and issubclass(tp, (int, float)) else
                           1 if issubclass(tp, str) else 2)
        return got


_KINDS = _Kinds()


def _detail_parts(rows: AuditTable, plain: tuple, linked: tuple):
    """The rows of "Chi tiết điểm" as ``SheetPlan.put_columns`` reads them: a part a unit
    (the audit's own columns, in :data:`~thidua_xl.core.audit.FIELDS` order but the last,
    the percent flag);
    ``plain``/``linked``: the styles of a row without/with a source cell, by the kind of
    its entered value (:class:`_Kinds`; by index: a Style's hash is a Python call). A row
    without a source cell has no "Ô nguồn" cell at all."""
    for columns in rows.column_parts():
        cells = columns[6]
        kinds = list(map(_KINDS.__getitem__, zip(map(type, columns[4]), columns[10])))
        if all(cells):  # the usual: every row links to its source cell
            if kinds.count(kinds[0]) == len(kinds):
                yield columns[:10], linked[kinds[0]], _LINKS
            else:
                yield columns[:10], list(map(linked.__getitem__, kinds)), _LINKS
            continue
        yield ((*columns[:6], [c or None for c in cells], *columns[7:10]),
               [linked[k] if c else plain[k] for k, c in zip(kinds, cells)],
               [_LINKS if c else None for c in cells])


def detail_sheet(result: BlocResult, rows: AuditTable) -> SheetPlan:
    plan = SheetPlan(OUTPUT_DETAIL, tab_color="548235")
    _header(plan, DETAIL_HEADERS, f"CHI TIẾT ĐIỂM THI ĐUA{_year(result)}",
            "Mỗi dòng là một tiêu chí của một đơn vị; cộng cột \"Điểm tính\" của một đơn vị "
            "được tổng điểm ở sheet \"Kết quả\" (điểm trừ ghi số âm). Bấm vào \"Ô nguồn\" "
            "để tới ô đã nhập điểm.")
    # one styles tuple per kind of row (shared: the renderers look them up once a tuple)
    plain, linked = (tuple((TEXT, TEXT, TEXT, TEXT, fmt, TEXT, link, NUM, WEIGHT, NUM)
                           for fmt in (PERCENT, TEXT, NUM)) for link in (None, LINK))
    # read from the audit table as the sheet is written (its columns are kept anyway): no
    # tuple a row held in the plan meanwhile, none made where it is written by columns
    plan.put_columns(_FIRST, len(rows), lambda: _detail_parts(rows, plain, linked))
    last = _FIRST - 1 + len(rows)
    plan.autofilter = f"A{_FIRST - 1}:{col_letter(len(DETAIL_HEADERS))}{last}"
    plan.print_setup = PrintSetup(orientation="landscape", margin_left_mm=15,
                                  margin_right_mm=15, fit_width=True,
                                  title_rows=f"{_FIRST - 1}:{_FIRST - 1}")
    return plan


# --------------------------------------------------------------------------- Phân tích
def _lines(text: str, width: float) -> int:
    """Wrapped lines of ``text`` in a column ``width`` characters wide (an estimate)."""
    per_line = max(1, int(width * 1.1))
    return max(1, -(-len(text) // per_line))


def analysis_sheet(result: BlocResult, rows: list[UnitAnalysis]) -> SheetPlan:
    plan = SheetPlan(OUTPUT_ANALYSIS, tab_color="BF8F00")
    has_self = any(a.self_total is not None for a in rows)
    note = ("Chênh lệch = tổng tự chấm − tổng điểm cuối cùng (dương: đơn vị tự chấm cao hơn). "
            "Khoảng cách = số điểm kém đơn vị xếp ngay trên.")
    if not has_self:
        note += " Sổ không có cột Tự chấm: không so sánh được điểm tự chấm."
    _header(plan, ANALYSIS_HEADERS, f"PHÂN TÍCH KẾT QUẢ CHẤM ĐIỂM{_year(result)}", note)
    widths = dict(enumerate((w for _, w in ANALYSIS_HEADERS), start=1))
    r = _FIRST
    for a in rows:
        notes = []
        if a.unscored_self:
            notes.append(f"{a.unscored_self} tiêu chí không có điểm tự chấm hợp lệ "
                         "(tính bằng điểm cuối cùng)")
        values = [
            (a.rank, CENTER), (a.name, TEXT), (a.self_total, NUM), (a.total, NUM),
            (a.difference, NUM_SIGNED), (difference_text(a.differences), WRAP),
            (a.above or "", TEXT), (a.gap, NUM),
            (difference_text(a.losses, signed=False), WRAP), (a.tiebreak, WRAP),
            ("; ".join(notes), WRAP)]
        lines = 1
        for c, (v, style) in enumerate(values, start=1):
            plan.put(r, c, v, style)
            if style.wrap and isinstance(v, str) and v:
                lines = max(lines, _lines(v, widths[c]))
        if lines > 1:
            plan.row_heights[r] = 15.0 * lines + 2
        r += 1
    last = r - 1
    if rows:
        plan.autofilter = f"A{_FIRST - 1}:{col_letter(len(ANALYSIS_HEADERS))}{last}"
    if has_self and rows:
        height = max(6.0, 1.6 + 0.75 * len(rows))
        plan.charts.append(ChartSpec(
            kind="bar", title="Chênh lệch giữa tổng tự chấm và tổng điểm",
            categories=f"B{_FIRST}:B{last}", values=f"E{_FIRST}:E{last}",
            series_title="Chênh lệch", anchor=f"B{last + 2}", width_cm=18.0,
            height_cm=height))
    plan.print_setup = PrintSetup(orientation="landscape", margin_left_mm=15,
                                  margin_right_mm=15, fit_width=True,
                                  title_rows=f"{_FIRST - 1}:{_FIRST - 1}")
    return plan
