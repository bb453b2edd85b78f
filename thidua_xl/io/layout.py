"""Cell layout shared by every output sheet: styles, text measurement, a sheet builder,
page simulation.

Row heights are estimated here (openpyxl and Excel do not auto-fit wrapped text when a file
is opened), from an approximate Times New Roman advance width per character. The same
estimates simulate the printed pages (:func:`page_capacity`, :func:`keep_together`), so the
documents can keep a block (a signature, a table with its heading) on one page.
"""
from __future__ import annotations

from functools import lru_cache

from ..core.record import field, record
from .grid import a1
from .plan import PrintSetup, SheetPlan, Style

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Callable

FONT = "Times New Roman"
BLANK = "……"  # a blank to fill in by hand
MAX_ROW_HEIGHT = 409.0
HEADER_FILL = "D9E1F2"


@lru_cache(maxsize=512)
def st(size: float = 13, *, bold: bool = False, italic: bool = False,
       underline: bool = False, h: str | None = "left", v: str | None = "center",
       wrap: bool = True, border: bool = False, fmt: str | None = None,
       fill: str | None = None, color: str | None = None) -> Style:
    """A Times New Roman style (every output cell uses one); one object for equal
    arguments (a Style is frozen): the documents ask for the same few styles hundreds of
    times, and the writer registers a style once an object, hashing it."""
    return Style(font_name=FONT, font_size=size, bold=bold, italic=italic,
                 underline=underline, color=color, fill=fill, h_align=h, v_align=v,
                 wrap=wrap, border=border, number_format=fmt)


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


def text_width_pt(text: str, size: float, bold: bool = False) -> float:
    """Approximate printed width of ``text`` on one line, in points."""
    scale = size * (1.07 if bold else 1.0)
    words = text.split(" ")
    return sum(_word_em(w) for w in words) * scale + 0.25 * scale * (len(words) - 1)


def col_px(width: float) -> float:
    """Excel column width (character units, Calibri 11 default font) → pixels."""
    return width * 7 + 5


def cell_text_pt(width_units: float) -> float:
    """Points available for text in a cell ``width_units`` wide (padding and a margin off)."""
    return col_px(width_units) * 0.75 - 8


@lru_cache(maxsize=4096)
def text_lines(text: str, width_units: float, size: float, bold: bool = False) -> int:
    """How many lines ``text`` takes, word-wrapped in a cell ``width_units`` wide (cached:
    classes, award forms and names repeat on every sheet, and in a batch on every file)."""
    # points, minus the cell's padding, with a margin: an extra line is better than a cut
    avail_pt = cell_text_pt(width_units)
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


# --------------------------------------------------------------------------------------
# the sheet builder
# --------------------------------------------------------------------------------------
@record
class SheetBuilder:
    """A SheetPlan under construction: cells with merges and estimated row heights."""

    plan: SheetPlan
    widths: dict[int, float]
    row: int = 1
    need: dict[int, float] = field(default_factory=dict)  # row -> points needed
    #: rows that must print on the same page as the row after them (headings)
    keep_next: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.plan.col_widths.update(self.widths)

    @property
    def last_col(self) -> int:
        return max(self.widths)

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

    def line(self, value, style: Style, c1: int = 1, c2: int | None = None, *,
             keep_next: bool = False) -> int:
        """A full-width line at the current row; returns its row and moves down.

        ``keep_next``: the line is a heading, printed on the page of the line after it.
        """
        r = self.row
        self.put(r, c1, value, style, c2 or self.last_col)
        if keep_next:
            self.keep_next.add(r)
        self.row += 1
        return r

    def skip(self, n: int = 1, height: float | None = 9.0) -> None:
        for _ in range(n):
            if height is not None:
                self.need[self.row] = height
            self.row += 1

    def height(self, row: int, min_height: float = 15.0) -> float:
        h = self.need.get(row)
        if h is None:
            return min_height
        return round(max(min_height if h > 9.0 else h, h), 1)

    def height_upto(self, row: int, start: int = 1) -> float:
        """Points from the top of ``start`` to the bottom of ``row``."""
        return sum(self.height(r) for r in range(start, row + 1))

    def scratch(self) -> "SheetBuilder":
        """An empty builder with the same columns (to measure a block before writing it)."""
        return SheetBuilder(SheetPlan("~"), dict(self.widths))

    def finish(self, min_height: float = 15.0) -> SheetPlan:
        for r in self.need:
            # Excel's largest row height is 409 pt (a larger one is a "problem" on open)
            self.plan.row_heights[r] = min(MAX_ROW_HEIGHT, self.height(r, min_height))
        return self.plan


# --------------------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------------------
def page_height_pt(ps: PrintSetup) -> float:
    """Printable height of a portrait A4 page, in points."""
    return (297 - ps.margin_top_mm - ps.margin_bottom_mm) / 25.4 * 72


def page_capacity(s: SheetBuilder, ps: PrintSetup | None = None) -> float:
    """Sheet points that fit on one portrait A4 page once fit-to-width has scaled it."""
    ps = ps or PrintSetup()
    width_pt = (210 - ps.margin_left_mm - ps.margin_right_mm) / 25.4 * 72
    sheet_pt = sum(col_px(w) for w in s.widths.values()) * 0.75
    scale = min(1.0, width_pt / sheet_pt) if sheet_pt else 1.0
    return page_height_pt(ps) / scale


def paginate(s: SheetBuilder, upto: int, *, page: float,
             title: tuple[int, float] | None = None) -> tuple[dict[int, int], float]:
    """Simulate printing rows 1..upto: the page of each row, and the points used on the
    last page.

    A row that does not fit goes to the next page; a page after the first starts with the
    repeated title row when ``title`` = (its row, its height) and that row has been passed;
    a manual break (``plan.page_breaks``) starts a new page after its row.
    """
    used, number = 0.0, 0
    pages: dict[int, int] = {}
    for r in range(1, upto + 1):
        h = s.height(r)
        lead = title[1] if title and r > title[0] else 0.0
        if used + h > page and used > lead:
            used, number = lead, number + 1
        pages[r] = number
        used += h
        if r in s.plan.page_breaks:
            used, number = lead, number + 1
    return pages, used


def page_fill(s: SheetBuilder, upto: int, *, page: float,
              title: tuple[int, float] | None = None) -> float:
    """Points used on the page holding row ``upto`` (rows 1..upto simulated)."""
    return paginate(s, upto, page=page, title=title)[1]


def keep_headings(s: SheetBuilder, *, title: tuple[int, float] | None = None,
                  page: float | None = None) -> None:
    """Break the page before a heading (:attr:`SheetBuilder.keep_next`) that would be the
    last row of its page, so it prints with what follows it."""
    page = page or page_capacity(s) * 0.98
    for r in sorted(s.keep_next):
        if r + 1 >= s.row or r - 1 < 1 or (r - 1) in s.plan.page_breaks:
            continue
        pages, _ = paginate(s, r + 1, page=page, title=title)
        if pages[r] != pages[r + 1]:
            top = r  # a run of headings moves together
            while top - 1 in s.keep_next and pages.get(top - 1) == pages[r]:
                top -= 1
            if top > 1:
                s.plan.page_breaks.append(top - 1)


def keep_together(s: SheetBuilder, build: Callable[[SheetBuilder], int], *,
                  title: tuple[int, float] | None = None,
                  page: float | None = None) -> bool:
    """Break the page before the block ``build`` would write when it would straddle one.

    ``build(sheet)`` writes the block on a scratch sheet to measure it (it returns its last
    row). Returns True when a page break was added.
    """
    page = page or page_capacity(s) * 0.98
    scratch = s.scratch()
    block = scratch.height_upto(build(scratch))
    lead = title[1] if title else 0.0
    if block >= page - lead or s.row <= 1:
        return False
    if page_fill(s, s.row - 1, page=page, title=title) + block > page:
        s.plan.page_breaks.append(s.row - 1)
        return True
    return False
