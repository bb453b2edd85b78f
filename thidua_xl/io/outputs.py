"""Result → write plan: the four output sheets as data (see shared/spec/bloc-workbook.md).

:func:`build_plan` turns a :class:`~thidua_xl.core.models.BlocResult` into a
:class:`~thidua_xl.io.plan.WritePlan` that both renderers (openpyxl for files, xlwings for
the live book) draw the same way:

- "Kết quả": the scoring table in rank order, a bar chart of totals;
- "Đề nghị khen thưởng": the formal recommendation list (Nghị định 30/2020 layout);
- "Kiểm tra": every finding, with an internal link to its cell;
- "Biên bản họp bình xét": draft minutes of the year-end meeting.

When the result has errors only "Kiểm tra" is planned (the stale output sheets of an
earlier run are still replaced). All user text is passed as plain ``str``: the renderers
write it as text, never as a formula.

Row heights are estimated here (openpyxl and Excel do not auto-fit wrapped text when a file
is opened), from an approximate Times New Roman advance width per character.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ..core.findings import Finding, Severity
from ..core.models import Bloc, BlocResult, Classification, Proposal, UnitResult
from ..core.text import MAX_CELL_TEXT, cap_text, fold
from ..core.values import vn_number as _vn_number
from ..core.vocab import TIE_GROUP_NOTE as TIE_NOTE
from .grid import a1, col_letter
from .plan import (
    OUTPUT_FINDINGS,
    OUTPUT_MINUTES,
    OUTPUT_PROPOSALS,
    OUTPUT_RESULTS,
    OUTPUT_SHEETS,
    ChartSpec,
    ConditionalFill,
    PrintSetup,
    SheetPlan,
    Style,
    WritePlan,
)

FONT = "Times New Roman"
BLANK = "……"  # a blank to fill in by hand
MAX_ROW_HEIGHT = 409.0

#: fill and font colour of each classification (Kết quả, conditional formatting)
CLASS_COLORS: dict[Classification, tuple[str, str]] = {
    Classification.HTXS: ("C6EFCE", "006100"),
    Classification.HTT: ("DDEBF7", "1F4E78"),
    Classification.HT: ("FFEB9C", "9C5700"),
    Classification.KHT: ("FFC7CE", "9C0006"),
}

HEADER_FILL = "D9E1F2"
ERROR_FILL, ERROR_COLOR = "FFC7CE", "9C0006"
WARNING_FILL, WARNING_COLOR = "FFEB9C", "9C5700"
LINK_COLOR = "0563C1"


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------
def st(size: float = 13, *, bold: bool = False, italic: bool = False,
       underline: bool = False, h: str | None = "left", v: str | None = "center",
       wrap: bool = True, border: bool = False, fmt: str | None = None,
       fill: str | None = None, color: str | None = None) -> Style:
    """A Times New Roman style (every output cell uses one)."""
    return Style(font_name=FONT, font_size=size, bold=bold, italic=italic,
                 underline=underline, color=color, fill=fill, h_align=h, v_align=v,
                 wrap=wrap, border=border, number_format=fmt)


def vn_number(x: float | None, digits: int = 2) -> str:
    """98.5 → "98,50" (the core's :func:`~thidua_xl.core.values.vn_number`; blank → BLANK)."""
    return BLANK if x is None else _vn_number(x, digits)


def vn_date(d: date | None) -> str:
    """ "ngày 05 tháng 12 năm 2021" (Nghị định 30: day < 10 and month < 3 get a 0)."""
    if d is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


@dataclass(frozen=True)
class Wording:
    """"Khối" or "Cụm" wording of a bloc's documents."""

    word: str  # "Khối" | "Cụm"
    display: str  # "Khối thi đua các cơ quan ..." (as used in a sentence)
    issuer: str  # "KHỐI THI ĐUA CÁC CƠ QUAN ..."

    @property
    def upper(self) -> str:
        return self.word.upper()


def wording(name: str) -> Wording:
    """The issuing body and the words of a bloc named ``name``.

    A name that already starts with "Khối"/"Cụm" is used as is; otherwise "Khối thi đua"
    is put in front. "Cụm …" blocs get "Cụm" wording (Cụm trưởng, TM. CỤM THI ĐUA ...).
    """
    name = " ".join((name or "").split())
    f = fold(name)
    word = "Cụm" if f.startswith("cum") else "Khối"
    if f.startswith("khoi") or f.startswith("cum"):
        display = name
    elif name:
        display = f"Khối thi đua {name}"
    else:
        display = "Khối thi đua"
    return Wording(word=word, display=display, issuer=display.upper())


# --------------------------------------------------------------------------------------
# text measurement (for row heights)
# --------------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _word_em(word: str) -> float:
    """Advance of a word in em (names and words repeat on every sheet)."""
    return sum(_char_em(c) for c in word)


def _char_em(ch: str) -> float:
    """Approximate advance of a Times New Roman character, in em."""
    if ch == " ":
        return 0.25
    if ch in "il.,;:'!|":
        return 0.28
    if ch in "ftrjI()[]-":
        return 0.34
    if ch.isdigit():
        return 0.5
    if ch.isupper():
        return 0.70 if ch not in "MWĐ" else 0.85
    if ch in "mw":
        return 0.76
    return 0.48


def col_px(width: float) -> float:
    """Excel column width (character units, Calibri 11 default font) → pixels."""
    return width * 7 + 5


def text_lines(text: str, width_units: float, size: float, bold: bool = False) -> int:
    """How many lines ``text`` takes, word-wrapped in a cell ``width_units`` wide."""
    # points, minus the cell's padding, with a margin: an extra line is better than a cut
    avail_pt = col_px(width_units) * 0.75 - 8
    scale = size * (1.07 if bold else 1.0)
    lines = 0
    for para in str(text).split("\n"):
        n, cur = 1, 0.0
        for i, word in enumerate(para.split(" ")):
            w = _word_em(word) * scale
            gap = 0.25 * scale if i and cur else 0.0  # _char_em(" ")
            if cur and cur + gap + w > avail_pt:
                n += 1
                cur = w
                while cur > avail_pt:  # a word longer than the line
                    n += 1
                    cur -= avail_pt
            else:
                cur += gap + w
        lines += n
    return max(1, lines)


def line_height(size: float) -> float:
    """Points per line of wrapped text (Excel's spacing for Times New Roman)."""
    return round(size * 1.15 + 0.5, 1)


@dataclass
class _Sheet:
    """A SheetPlan under construction: cells with merges and estimated row heights."""

    plan: SheetPlan
    widths: dict[int, float]
    row: int = 1
    need: dict[int, float] = field(default_factory=dict)  # row -> points needed

    def __post_init__(self) -> None:
        self.plan.col_widths.update(self.widths)

    def span_width(self, c1: int, c2: int) -> float:
        units = sum(self.widths.get(c, 8.43) for c in range(c1, c2 + 1))
        # merged cells are as wide as their columns together (pixels add up)
        return units + (c2 - c1) * 5 / 7

    def put(self, row: int, c1: int, value, style: Style, c2: int | None = None,
            *, rows: int = 1, link: str | None = None, fill_range: bool = True) -> None:
        """Write ``value`` at (row, c1), merged to (row + rows - 1, c2) if larger."""
        c2 = c2 or c1
        self.plan.put(row, c1, value, style, link)
        if c2 > c1 or rows > 1:
            self.plan.merges.append(f"{a1(row, c1)}:{a1(row + rows - 1, c2)}")
            if fill_range and style.border:
                # every cell of a bordered merge carries the style (both renderers)
                for r in range(row, row + rows):
                    for c in range(c1, c2 + 1):
                        if (r, c) != (row, c1):
                            self.plan.put(r, c, None, style)
        if value not in (None, "") and style.wrap:
            n = text_lines(str(value), self.span_width(c1, c2), style.font_size or 11,
                           style.bold)
            need = n * line_height(style.font_size or 11) + (4 if n > 1 else 2)
            per_row = need / rows
            for r in range(row, row + rows):
                self.need[r] = max(self.need.get(r, 0.0), per_row)
        elif value not in (None, ""):
            need = line_height(style.font_size or 11) + 2
            self.need[row] = max(self.need.get(row, 0.0), need / rows)

    def line(self, value, style: Style, c1: int = 1, c2: int | None = None) -> int:
        """A full-width line at the current row; returns its row and moves down."""
        r = self.row
        self.put(r, c1, value, style, c2 or max(self.widths))
        self.row += 1
        return r

    def skip(self, n: int = 1, height: float | None = 9.0) -> None:
        for _ in range(n):
            if height is not None:
                self.need[self.row] = height
            self.row += 1

    def _height(self, row: int, min_height: float = 15.0) -> float:
        h = self.need.get(row)
        if h is None:
            return min_height
        return round(max(min_height if h > 9.0 else h, h), 1)

    def height_upto(self, row: int) -> float:
        """Points from the top of the sheet to the bottom of ``row``."""
        return sum(self._height(r) for r in range(1, row + 1))

    def finish(self, min_height: float = 15.0) -> SheetPlan:
        for r in self.need:
            # Excel's largest row height is 409 pt (a larger one is a "problem" on open)
            self.plan.row_heights[r] = min(MAX_ROW_HEIGHT, self._height(r, min_height))
        return self.plan


# --------------------------------------------------------------------------------------
# the plan
# --------------------------------------------------------------------------------------
def build_plan(result: BlocResult, *, bloc: Bloc | None = None,
               today: date | None = None) -> WritePlan:
    """The output sheets of ``result`` (only "Kiểm tra" when it has errors).

    ``bloc`` (optional) gives the award forms' order and the units' list order;
    ``today`` fills the date line of the documents (blank for the meeting otherwise).
    """
    ctx = _Context.make(result, bloc, today)
    if result.has_errors:
        return _capped(WritePlan(sheets=[_findings_sheet(ctx)], replace=OUTPUT_SHEETS,
                                 select=OUTPUT_FINDINGS))
    sheets = [_results_sheet(ctx), _proposals_sheet(ctx), _findings_sheet(ctx),
              _minutes_sheet(ctx)]
    select = OUTPUT_FINDINGS if result.findings else OUTPUT_RESULTS
    return _capped(WritePlan(sheets=sheets, replace=OUTPUT_SHEETS, select=select))


#: ends a generated text cut at Excel's cell limit (a 3,000-unit tie note ...)
CUT_NOTE = " (đã cắt bớt: một ô Excel chứa tối đa 32.767 ký tự)"


def _capped(plan: WritePlan) -> WritePlan:
    """Every text cell of ``plan`` within Excel's 32,767 characters (cut with a note)."""
    for sheet in plan.sheets:
        for cell in sheet.cells:
            v = cell.value
            if type(v) is str and len(v) > MAX_CELL_TEXT:
                cell.value = cap_text(v, note=CUT_NOTE)
    return plan


@dataclass
class _Context:
    result: BlocResult
    bloc: Bloc | None
    today: date | None
    words: Wording
    year: int | None
    province: str
    head: str | None
    form_order: list[str]
    unit_order: list[str]
    by_name: dict[str, UnitResult]

    @classmethod
    def make(cls, result: BlocResult, bloc: Bloc | None, today: date | None) -> "_Context":
        info = bloc.info if bloc is not None else None
        name = result.bloc or (info.name if info else "")
        year = result.year or (info.year if info else None)
        province = (result.province or (info.province if info else "")).strip()
        head = result.head or (info.head if info else None)
        forms: list[str] = []
        if bloc is not None:
            forms = [f.name for f in bloc.rules.forms]
        for p in result.proposals:
            if p.form not in forms:
                forms.append(p.form)
        if bloc is not None and bloc.units:
            units = [u.name for u in bloc.units]
        else:
            units = [u.name for u in result.units]
        return cls(result=result, bloc=bloc, today=today, words=wording(name), year=year,
                   province=province, head=head, form_order=forms, unit_order=units,
                   by_name={u.name: u for u in result.units})

    @property
    def year_text(self) -> str:
        return str(self.year) if self.year else BLANK

    @property
    def next_year_text(self) -> str:
        return str(self.year + 1) if self.year else BLANK

    def place_date(self) -> str:
        return f"{self.province or BLANK}, {vn_date(self.today)}"

    def sorted_proposals(self) -> list[Proposal]:
        order = {f: i for i, f in enumerate(self.form_order)}
        return sorted(self.result.proposals,
                      key=lambda p: (order.get(p.form, len(order)),
                                     p.rank if p.rank is not None else 10**6))

    def shared_notes(self) -> list[str]:
        """Notes carried by every proposal (2 or more): said once under the table."""
        props = self.result.proposals
        if len(props) < 2:
            return []
        return [n for n in props[0].notes if n and all(n in p.notes for p in props[1:])]

    def proposal_note(self, p: Proposal, shared: list[str] | None = None) -> str:
        parts = [p.basis] if p.basis else []
        shared = shared or []
        parts += [n for n in p.notes if n and n not in parts and n not in shared]
        if shared:
            parts.append("Cần xác minh (xem ghi chú dưới bảng)"
                         if any(n.startswith("Cần xác minh") for n in shared)
                         else "Xem ghi chú dưới bảng")
        u = self.by_name.get(p.unit)
        if u is not None and u.tie and not any("đồng hạng" in n.lower() for n in parts):
            parts.append("Đồng hạng")
        return "; ".join(parts)


def _unit_notes(u: UnitResult) -> str:
    notes = [n for n in u.notes if n]
    if u.tie and not any("đồng hạng" in n.lower() for n in notes):
        notes.insert(0, "Đồng hạng")
    return "; ".join(notes)


# -------------------------------------------------------------------------------- Kết quả
def _results_sheet(ctx: _Context) -> SheetPlan:
    r = ctx.result
    sections = list(r.sections)
    headers: list[tuple[str, float]] = [("STT", 5), ("Tên đơn vị", 32)]
    for path, text in sections:
        label = f"{path}. {text}".strip() if text else path
        headers.append((label, 14))
    headers += [("Điểm thưởng", 9), ("Điểm trừ", 9), ("Tổng điểm", 10), ("% tối đa", 9),
                ("Xếp hạng", 8), ("Xếp loại", 27), ("Hình thức đề nghị", 27),
                ("Ghi chú", 40)]
    ncol = len(headers)
    s = _Sheet(SheetPlan(OUTPUT_RESULTS, tab_color="2E75B6"),
               {i + 1: w for i, (_, w) in enumerate(headers)})
    s.line(f"KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM {ctx.year_text}".upper(),
           st(14, bold=True, h="center"))
    sub = ctx.words.display
    if ctx.province:
        sub += f" – {ctx.province}"
    s.line(sub, st(12, italic=True, h="center"))
    extra = [f"Số đơn vị: {len(r.units)}"]
    if r.max_total is not None:
        extra.append(f"Tổng điểm tối đa: {vn_number(r.max_total)}")
    if ctx.today is not None:
        extra.append(f"Ngày lập: {ctx.today:%d/%m/%Y}")
    s.line("; ".join(extra), st(11, italic=True, h="center"))
    hdr_row = s.row
    hstyle = st(11, bold=True, h="center", border=True, fill=HEADER_FILL)
    for c, (label, _) in enumerate(headers, start=1):
        s.put(hdr_row, c, label, hstyle)
    s.row += 1
    first = s.row
    text_c = st(11, border=True, v="center")
    center_c = st(11, border=True, h="center")
    num_c = st(11, border=True, h="right", fmt="0.00", wrap=False)
    int_c = st(11, border=True, h="center", fmt="0", wrap=False)
    nsec = len(sections)
    total_col = 2 + nsec + 3  # STT, name, sections, bonus, penalty, TOTAL
    class_col = total_col + 3  # total, %, rank, CLASS
    col_styles = ([int_c, text_c] + [num_c] * (nsec + 4)
                  + [int_c, center_c, text_c, text_c])
    for i, u in enumerate(r.units, start=1):
        row = s.row
        vals: list = [i, u.name]
        vals += [u.sections.get(path) for path, _ in sections]
        vals += [u.bonus, u.penalty, u.total, u.percent, u.rank,
                 u.classification.value if u.classification else None,
                 u.award or "", _unit_notes(u)]
        for c, (v, style) in enumerate(zip(vals, col_styles), start=1):
            s.put(row, c, v, style)
        s.row += 1
    last = s.row - 1
    plan = s.plan
    if r.units:
        rng = f"{col_letter(class_col)}{first}:{col_letter(class_col)}{last}"
        for cls, (fill, color) in CLASS_COLORS.items():
            plan.conditional.append(ConditionalFill(rng, cls.value, fill, color))
    plan.freeze = a1(first, 3)
    s.row += 1
    end_row = last
    if r.units:
        height = max(6.0, 1.6 + 0.75 * len(r.units))
        anchor_row = s.row
        plan.charts.append(ChartSpec(
            kind="bar", title=f"Tổng điểm thi đua năm {ctx.year_text}",
            categories=f"B{first}:B{last}",
            values=f"{col_letter(total_col)}{first}:{col_letter(total_col)}{last}",
            series_title="Tổng điểm", anchor=f"B{anchor_row}", width_cm=18.0,
            height_cm=height))
        end_row = anchor_row + math.ceil(height / 0.53) + 1
    plan.print_setup = PrintSetup(orientation="landscape", margin_left_mm=20,
                                  margin_right_mm=15, fit_width=True,
                                  print_area=f"A1:{col_letter(ncol)}{end_row}",
                                  title_rows=f"{hdr_row}:{hdr_row}",
                                  center_horizontally=True)
    return s.finish()


def _page_height_pt(ps: PrintSetup) -> float:
    """Printable height of a portrait A4 page, in points."""
    return (297 - ps.margin_top_mm - ps.margin_bottom_mm) / 25.4 * 72


def _page_capacity(s: _Sheet, ps: PrintSetup | None = None) -> float:
    """Sheet points that fit on one portrait A4 page once fit-to-width has scaled it."""
    ps = ps or PrintSetup()
    width_pt = (210 - ps.margin_left_mm - ps.margin_right_mm) / 25.4 * 72
    sheet_pt = sum(col_px(w) for w in s.widths.values()) * 0.75
    scale = min(1.0, width_pt / sheet_pt) if sheet_pt else 1.0
    return _page_height_pt(ps) / scale


def _keep_together(s: _Sheet, build, *, title_height: float = 0.0,
                   page: float | None = None) -> None:
    """Break the page before the block ``build`` would write when it would straddle one.

    ``build(sheet)`` writes the block on a scratch sheet to measure it; the pages are
    simulated with the estimated row heights (a row that does not fit goes to the next
    page, which starts with the repeated title rows).
    """
    page = page or _page_capacity(s) * 0.98
    scratch = _Sheet(SheetPlan("~"), dict(s.widths))
    block = scratch.height_upto(build(scratch))
    if block >= page - title_height or s.row <= 1:
        return
    used = 0.0
    for r in range(1, s.row):
        h = s._height(r)
        if used + h > page:
            used = title_height
        used += h
        if r in s.plan.page_breaks:
            used = title_height
    if used + block > page:
        s.plan.page_breaks.append(s.row - 1)


# ------------------------------------------------------------------- Đề nghị khen thưởng
# columns: STT | Tên đơn vị | Tổng điểm | Xếp hạng | Xếp loại | Hình thức | Ghi chú
_DOC_WIDTHS = {1: 5, 2: 20, 3: 7, 4: 6, 5: 12, 6: 14, 7: 25}


RULE = "__________"  # the short rule under the issuing body


def _national_header(s: _Sheet, ctx: _Context, left: tuple[int, int],
                     right: tuple[int, int]) -> None:
    """Issuing body (left) and the national header (right), Nghị định 30 layout.

    The issuing body and its short rule share one merged cell (the rule is the cell's
    last line), so the rule sits right under the name however the name wraps.
    """
    top = s.row
    issuer_style = st(13, bold=True, h="center", v="top")
    lines = text_lines(ctx.words.issuer, s.span_width(*left), 13, True) + 1
    rows = max(3, lines)
    s.put(top, left[0], f"{ctx.words.issuer}\n{RULE}", issuer_style, left[1], rows=rows)
    one = line_height(13) + 1
    for r in range(top, top + rows):
        s.need[r] = one
    s.put(top, right[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          st(12, bold=True, h="center", v="top", wrap=False), right[1])
    s.put(top + 1, right[0], "Độc lập - Tự do - Hạnh phúc",
          st(13, bold=True, underline=True, h="center", v="top", wrap=False), right[1])
    s.row = top + rows
    s.put(s.row, right[0], ctx.place_date(), st(13, italic=True, h="center"), right[1])
    s.row += 1


def _signature(s: _Sheet, ctx: _Context, row: int, right: tuple[int, int],
               lines: list[str], name: str | None, gap: int = 4) -> int:
    bold = st(13, bold=True, h="center")
    r = row
    for text in lines:
        s.put(r, right[0], text, bold, right[1])
        r += 1
    r += gap
    s.put(r, right[0], name or BLANK, bold, right[1])
    return r


def _proposal_closing(s: _Sheet, ctx: _Context, left: tuple[int, int],
                      right: tuple[int, int]) -> int:
    """Next head/deputy, "Nơi nhận" and the signature; returns the last row."""
    r, w = ctx.result, ctx.words
    s.skip(1)
    s.line(f"Đề xuất suy tôn {w.word} trưởng năm {ctx.next_year_text}: "
           f"{r.next_head or 'chưa xác định'}", st(13, bold=True))
    s.line(f"{w.word} phó: {r.next_deputy or 'chưa xác định'}", st(13, bold=True))
    if r.succession_note:
        s.line(r.succession_note, st(13, italic=True))
    s.skip(1)
    sig = s.row
    small = st(11, wrap=True)
    s.put(sig, 1, "Nơi nhận:", st(12, bold=True, italic=True), left[1])
    for k, item in enumerate(["- Ban Thi đua – Khen thưởng tỉnh;",
                              f"- Các đơn vị trong {w.word};", "- Lưu: VT."], start=1):
        s.put(sig + k, 1, item, small, left[1])
    end = _signature(s, ctx, sig, right, [f"TM. {w.upper} THI ĐUA", f"{w.upper} TRƯỞNG"],
                     ctx.head)
    s.row = end + 1
    return end


def _proposals_sheet(ctx: _Context) -> SheetPlan:
    r, w = ctx.result, ctx.words
    s = _Sheet(SheetPlan(OUTPUT_PROPOSALS, tab_color="C00000", show_gridlines=False),
               dict(_DOC_WIDTHS))
    last_col = max(_DOC_WIDTHS)
    left, right = (1, 3), (4, last_col)
    _national_header(s, ctx, left, right)
    s.skip(1)
    s.line("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", st(14, bold=True, h="center"))
    s.line(f"Năm {ctx.year_text}", st(13, bold=True, h="center"))
    s.skip(1)
    n_units = len(r.units)
    props = ctx.sorted_proposals()
    maxi = f" (tổng điểm tối đa {vn_number(r.max_total)} điểm)" if r.max_total else ""
    if props:
        ask = (f"đề nghị Hội đồng Thi đua – Khen thưởng tỉnh xem xét, khen thưởng "
               f"{len(props)} tập thể có thành tích xuất sắc như sau:")
    else:
        ask = "không có đơn vị đủ điều kiện đề nghị khen thưởng."
    s.line(f"Căn cứ kết quả chấm điểm, xếp hạng thi đua năm {ctx.year_text} của "
           f"{n_units} đơn vị thành viên{maxi}, {w.display} {ask}",
           st(13))
    s.skip(1)
    headers = ["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại",
               "Hình thức đề nghị khen thưởng", "Ghi chú"]
    hdr_row = s.row
    hstyle = st(12, bold=True, h="center", border=True)
    for c, label in enumerate(headers, start=1):
        s.put(hdr_row, c, label, hstyle)
    s.row += 1
    text_c = st(12, border=True)
    center_c = st(12, border=True, h="center")
    num_c = st(12, border=True, h="center", fmt="0.00", wrap=False)
    rank_c = st(12, border=True, h="center", fmt="0", wrap=False)
    note_c = st(11, border=True)
    shared = ctx.shared_notes()
    for i, p in enumerate(props, start=1):
        row = s.row
        cls = p.classification.value if p.classification else None
        for c, (v, style) in enumerate([(i, rank_c), (p.unit, text_c), (p.total, num_c),
                                        (p.rank, rank_c), (cls, center_c),
                                        (p.form, center_c),
                                        (ctx.proposal_note(p, shared), note_c)],
                                       start=1):
            s.put(row, c, v, style)
        s.row += 1
    if not props:
        s.put(s.row, 1, "Không có đơn vị đủ điều kiện đề nghị khen thưởng.",
              st(12, italic=True, h="center", border=True), last_col)
        s.row += 1
    # repeat the table's header on every page only when the table may run past the
    # first page (Excel repeats title rows on all pages, even under the signature)
    spans = s.height_upto(s.row - 1) > _page_capacity(s) * 0.97
    body = st(13)
    for note in shared:
        s.line(f"Ghi chú: {note} (đối với tất cả các đơn vị đề nghị).", st(12, italic=True))
    if r.tie_groups:
        s.skip(1)
        s.line(f"{TIE_NOTE}:", st(13, bold=True))
        for g in r.tie_groups:
            names = []
            for name in g.units:
                u = ctx.by_name.get(name)
                if u is not None and u.total is not None:
                    names.append(f"{name} (tổng điểm {vn_number(u.total)}"
                                 + (f", xếp hạng {u.rank})" if u.rank else ")"))
                else:
                    names.append(name)
            note = "" if g.note.strip(" .") == TIE_NOTE else f" {g.note.rstrip('.')}."
            s.line(f"- {g.form} (còn {g.seats} suất): {', '.join(names)}.{note}", body)
    title_rows = f"{hdr_row}:{hdr_row}" if spans else None
    # the election proposal, "Nơi nhận" and the signature stay on one page
    _keep_together(s, lambda t: _proposal_closing(t, ctx, left, right),
                   title_height=s._height(hdr_row) if spans else 0.0)
    end = _proposal_closing(s, ctx, left, right)
    s.plan.print_setup = PrintSetup(orientation="portrait", fit_width=True,
                                    print_area=f"A1:{col_letter(last_col)}{end}",
                                    title_rows=title_rows)
    return s.finish()


# ------------------------------------------------------------------------------ Kiểm tra
def _summary(findings: list[Finding]) -> str:
    n_err = sum(1 for f in findings if f.severity is Severity.ERROR)
    n_warn = len(findings) - n_err
    err = f"Có {n_err} lỗi" if n_err else "Không có lỗi"
    warn = f"{n_warn} cảnh báo" if n_warn else "không có cảnh báo"
    return f"{err}, {warn}."


def _link_target(f: Finding) -> str | None:
    if not f.sheet:
        return None
    cell = (f.cell or "A1").split(":")[0].replace("$", "")
    return f"{f.sheet}!{cell}"


def _findings_sheet(ctx: _Context) -> SheetPlan:
    findings = sorted(ctx.result.findings, key=lambda f: f.severity is not Severity.ERROR)
    n_err = sum(1 for f in findings if f.severity is Severity.ERROR)
    tab = "C00000" if n_err else ("FFC000" if findings else "00B050")
    widths = {1: 11, 2: 16, 3: 9, 4: 24, 5: 60, 6: 50}
    s = _Sheet(SheetPlan(OUTPUT_FINDINGS, tab_color=tab), widths)
    color = ERROR_COLOR if n_err else ("9C5700" if findings else "006100")
    s.line(_summary(findings), st(14, bold=True, color=color, wrap=False))
    where = ctx.words.display
    if ctx.result.file:
        where += f" – tệp {ctx.result.file}"
    s.line(f"Kết quả kiểm tra sổ chấm điểm: {where}", st(11, italic=True, wrap=False))
    if n_err:
        s.line("Sổ có lỗi nên chưa tính điểm, xếp hạng và đề nghị khen thưởng. Bấm vào ô ở "
               "cột «Ô» để đến chỗ cần sửa, sửa xong thì chạy lại.", st(11, italic=True))
    else:
        s.line("Cảnh báo không chặn việc tính điểm nhưng nên xem lại.", st(11, italic=True))
    hdr_row = s.row
    hstyle = st(11, bold=True, h="center", border=True, fill=HEADER_FILL)
    for c, label in enumerate(["Mức độ", "Sheet", "Ô", "Mã lỗi", "Nội dung", "Cách sửa"],
                              start=1):
        s.put(hdr_row, c, label, hstyle)
    s.row += 1
    text_c = st(11, border=True, v="top")
    link_c = st(11, border=True, v="top", h="center", underline=True, color=LINK_COLOR)
    for f in findings:
        row = s.row
        is_err = f.severity is Severity.ERROR
        sev = st(11, bold=True, border=True, v="top", h="center",
                 fill=ERROR_FILL if is_err else WARNING_FILL,
                 color=ERROR_COLOR if is_err else WARNING_COLOR)
        s.put(row, 1, f.severity.label, sev)
        s.put(row, 2, f.sheet or "", text_c)
        target = _link_target(f)
        s.put(row, 3, f.cell or ("(sheet)" if f.sheet else ""),
              link_c if target else text_c, link=target)
        s.put(row, 4, f.code, text_c)
        s.put(row, 5, f.message, text_c)
        s.put(row, 6, f.fix, text_c)
        s.row += 1
    if not findings:
        s.put(s.row, 1, "Không có lỗi hay cảnh báo nào.",
              st(11, italic=True, border=True, h="center"), 6)
        s.row += 1
    s.plan.freeze = a1(hdr_row + 1, 1)
    s.plan.print_setup = PrintSetup(orientation="landscape", margin_left_mm=20,
                                    fit_width=True,
                                    print_area=f"A1:F{max(s.row - 1, hdr_row)}",
                                    title_rows=f"{hdr_row}:{hdr_row}")
    return s.finish()


# -------------------------------------------------------------------------------- Biên bản
# columns: STT | Tên đơn vị | Tổng điểm | Xếp hạng | Xếp loại
_MIN_WIDTHS = {1: 6, 2: 30, 3: 10, 4: 9, 5: 34}


def _minutes_closing(s: _Sheet, ctx: _Context, left: tuple[int, int],
                     right: tuple[int, int], head: str) -> int:
    """Closing time and the two signatures; returns the last row."""
    body = st(13)
    s.line(f"Cuộc họp kết thúc vào {BLANK} giờ {BLANK} phút cùng ngày. Biên bản đã được "
           f"đọc lại cho hội nghị nghe và thông qua với {BLANK}/{BLANK} đơn vị nhất trí.",
           body)
    s.skip(1)
    sig = s.row
    sig_style = st(13, bold=True, h="center")
    s.put(sig, 1, "THƯ KÝ", sig_style, left[1])
    s.put(sig + 5, 1, BLANK * 3, st(13, h="center"), left[1])
    end = _signature(s, ctx, sig, right, ["CHỦ TRÌ"], head, gap=4)
    return end


def _minutes_sheet(ctx: _Context) -> SheetPlan:
    r, w = ctx.result, ctx.words
    s = _Sheet(SheetPlan(OUTPUT_MINUTES, tab_color="7030A0", show_gridlines=False),
               dict(_MIN_WIDTHS))
    last_col = max(_MIN_WIDTHS)
    left, right = (1, 2), (3, last_col)
    _national_header(s, ctx, left, right)
    s.skip(1)
    s.line(f"BIÊN BẢN HỌP BÌNH XÉT THI ĐUA NĂM {ctx.year_text}".upper(),
           st(14, bold=True, h="center"))
    s.line(f"của {w.display}", st(13, bold=True, h="center"))
    s.skip(1)
    body, bold, ital = st(13), st(13, bold=True), st(13, italic=True)
    s.line(f"Thời gian bắt đầu: {BLANK} giờ {BLANK} phút, {vn_date(ctx.today)}.", body)
    s.line(f"Địa điểm: {BLANK}", body)
    n = len(ctx.unit_order)
    s.line(f"Thành phần tham dự: đại diện lãnh đạo {n} đơn vị thành viên {w.display}:",
           body)
    for i, name in enumerate(ctx.unit_order, start=1):
        row = s.row
        s.put(row, 1, f"{i}.", st(13, h="right"))
        s.put(row, 2, name, body, 3)
        s.put(row, 4, f"Người dự: {BLANK}{BLANK}{BLANK}", body, last_col)
        s.row += 1
    head = ctx.head or BLANK
    s.line(f"Chủ trì: đại diện {head} – {w.word} trưởng năm {ctx.year_text}.", body)
    s.line(f"Thư ký: {BLANK}{BLANK}{BLANK}", body)
    s.skip(1)
    s.line("NỘI DUNG", st(13, bold=True, h="center"))
    s.line(f"1. Kết quả chấm điểm, xếp hạng thi đua năm {ctx.year_text}", bold)
    s.line("Hội nghị thống nhất kết quả chấm điểm, xếp hạng của các đơn vị như sau:", body)
    hdr_row = s.row
    hstyle = st(12, bold=True, h="center", border=True)
    for c, label in enumerate(["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại"],
                              start=1):
        s.put(hdr_row, c, label, hstyle)
    s.row += 1
    for i, u in enumerate(r.units, start=1):
        row = s.row
        s.put(row, 1, i, st(12, border=True, h="center", fmt="0", wrap=False))
        s.put(row, 2, u.name, st(12, border=True))
        s.put(row, 3, u.total, st(12, border=True, h="center", fmt="0.00", wrap=False))
        s.put(row, 4, u.rank, st(12, border=True, h="center", fmt="0", wrap=False))
        s.put(row, 5, u.classification.value if u.classification else "",
              st(12, border=True, h="center"))
        s.row += 1
    ties: dict[int, list[str]] = {}
    for u in r.units:
        if u.tie and u.rank is not None:
            ties.setdefault(u.rank, []).append(u.name)
    for rank, names in sorted(ties.items()):
        s.line(f"Đồng hạng {rank}: {', '.join(names)}.", ital)
    s.skip(1)
    s.line("2. Đề nghị khen thưởng", bold)
    props = ctx.sorted_proposals()
    if not props:
        s.line("Không có đơn vị đủ điều kiện đề nghị khen thưởng.", body)
    for p in props:
        basis = f" ({p.basis})" if p.basis else ""
        s.line(f"- {p.form}: {p.unit}{basis}.", body)
        for note in p.notes:
            s.line(f"  {note}", ital)
        s.line(f"  Số phiếu đồng ý: {BLANK}/{BLANK}", body)
    for g in r.tie_groups:
        s.line(f"- {g.form} (còn {g.seats} suất) – {g.note}:", body)
        for name in g.units:
            s.line(f"  + {name}: số phiếu đồng ý {BLANK}/{BLANK}", body)
    s.skip(1)
    s.line(f"3. Suy tôn {w.word} trưởng, {w.word} phó năm {ctx.next_year_text}", bold)
    s.line(f"- Đề xuất suy tôn {w.word} trưởng: {r.next_head or 'chưa xác định'}. "
           f"Số phiếu đồng ý: {BLANK}/{BLANK}", body)
    s.line(f"- {w.word} phó: {r.next_deputy or 'chưa xác định'}. "
           f"Số phiếu đồng ý: {BLANK}/{BLANK}", body)
    if r.succession_note:
        s.line(f"  {r.succession_note}", ital)
    s.skip(1)
    s.line("4. Ý kiến khác", bold)
    s.line(BLANK * 20, body)
    s.skip(1)
    _keep_together(s, lambda t: _minutes_closing(t, ctx, left, right, head))
    end = _minutes_closing(s, ctx, left, right, head)
    s.plan.print_setup = PrintSetup(orientation="portrait", fit_width=True,
                                    print_area=f"A1:{col_letter(last_col)}{end}",
                                    title_rows=None)
    return s.finish()
