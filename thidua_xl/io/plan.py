"""The writer plan: output sheets described as data, rendered by openpyxl or xlwings.

``thidua_xl.io.outputs`` turns a :class:`~thidua_xl.core.models.BlocResult` into a
:class:`WritePlan`; ``thidua_xl.io.render_openpyxl`` renders it to a file and
``thidua_xl.excel.render_xlwings`` into a live book. Both renderers must honour every
field, so the CLI, the ribbon and the UDFs show the same thing.

Rows and columns are 1-based. Colours are "RRGGBB" hex strings. Lengths: column widths in
Excel character units, row heights in points, margins in millimetres.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import repeat

from ..core.record import field, record, replace

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

#: text starting with these would be a formula: it is always written as text
FORMULA_PREFIXES = ("=", "+", "-", "@")
MM_PER_INCH = 25.4
PAPER_SIZES = {"A4": 9, "A3": 8, "LETTER": 1}  # SpreadsheetML paperSize codes
_EXTERNAL = ("http:", "https:", "ftp:", "file:", "mailto:", "\\\\", "//")

OUTPUT_RESULTS = "Kết quả"
OUTPUT_SUBMISSION = "Tờ trình"
OUTPUT_PROPOSALS = "Đề nghị khen thưởng"
OUTPUT_FINDINGS = "Kiểm tra"
OUTPUT_MINUTES = "Biên bản họp bình xét"
OUTPUT_DETAIL = "Chi tiết điểm"
OUTPUT_ANALYSIS = "Phân tích"
#: every sheet the product writes; replaced (never duplicated) on each run
OUTPUT_SHEETS = (OUTPUT_RESULTS, OUTPUT_SUBMISSION, OUTPUT_PROPOSALS, OUTPUT_FINDINGS,
                 OUTPUT_MINUTES, OUTPUT_DETAIL, OUTPUT_ANALYSIS)
#: the documents the bloc sends, in the order they are printed (``score --pdf``)
OUTPUT_DOCUMENTS = (OUTPUT_SUBMISSION, OUTPUT_PROPOSALS, OUTPUT_MINUTES)
#: the sheets traced from the parsed workbook (io.analysis_sheets; none for a result
#: built without one)
AUDIT_SHEETS = (OUTPUT_DETAIL, OUTPUT_ANALYSIS)


@record(frozen=True)
class Style:
    """How a cell looks: font, colours, borders, alignment, number format."""

    font_name: str | None = None
    font_size: float | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: str | None = None  # font colour
    fill: str | None = None  # background colour
    h_align: str | None = None  # "left" | "center" | "right"
    v_align: str | None = None  # "top" | "center" | "bottom"
    wrap: bool = False
    border: bool = False  # thin border on all four sides
    number_format: str | None = None  # e.g. "0.00"
    border_color: str | None = None  # the thin border's colour (None: black)
    indent: int = 0  # left indent of the text, in Excel indent levels


@record(slots=True)
class CellSpec:
    """One cell to write: position, value, style and an internal link."""

    row: int
    col: int
    value: Any  # str | float | int | None; text is always written as text, never a formula
    style: Style | None = None
    #: internal link only: a "Sheet!A1" reference inside the same workbook
    link: str | None = None


@record
class ChartSpec:
    """A native clustered bar/column chart from ranges of the same sheet, or a line chart
    with one series per row of ``values`` (``series_titles`` names them; rendered by
    render_openpyxl, for the files written whole — the history workbook)."""

    kind: str = "bar"  # "bar" (horizontal) | "col" | "line"
    title: str = ""
    categories: str = ""  # A1 range on this sheet, e.g. "B5:B13"
    values: str = ""  # A1 range on this sheet, e.g. "H5:H13"
    series_title: str = ""
    series_titles: str = ""  # "line": A1 range of one title per row of values
    anchor: str = "A1"  # top-left cell
    width_cm: float = 16.0
    height_cm: float = 9.0


@record
class ConditionalFill:
    """Fill cells of ``range`` whose text equals ``equals`` with ``fill`` (and font colour)."""

    range: str
    equals: str
    fill: str
    color: str | None = None


#: Validation.kind values (SpreadsheetML's ``type``; "any" = no rule, the input prompt only)
VALIDATION_KINDS = ("list", "whole", "decimal", "any")
#: Validation.operator values (SpreadsheetML's names)
VALIDATION_OPERATORS = ("between", "notBetween", "equal", "notEqual", "greaterThan",
                        "lessThan", "greaterThanOrEqual", "lessThanOrEqual")


@record
class Validation:
    """Excel data validation on the cells of ``ranges`` (A1 ranges of this sheet).

    ``kind`` "list": a drop-down of ``choices`` (literal words, none holding a comma) or of
    the cells of ``source`` (an absolute range, e.g. "'Đơn vị'!$B$2:$B$61"); "whole" /
    "decimal": ``formula1`` [and ``formula2`` for between] compared by ``operator`` — a
    number as text ("0") or a reference ("$C$5"); "any": no rule, only the input prompt.
    The prompt shows while a cell is selected (``prompt_title``/``prompt``), the error on a
    wrong entry (``error_title``/``error``; ``error_style`` "stop" refuses it, "warning" and
    "information" ask). Texts are the user's words: Vietnamese.
    """

    kind: str
    ranges: list[str] = field(default_factory=list)
    choices: tuple[str, ...] = ()
    source: str | None = None
    operator: str | None = None
    formula1: str | None = None
    formula2: str | None = None
    allow_blank: bool = True
    error_style: str = "stop"  # | "warning" | "information"
    error_title: str | None = None
    error: str | None = None
    prompt_title: str | None = None
    prompt: str | None = None

    def add(self, ref: str) -> "Validation":
        self.ranges.append(ref)
        return self

    @property
    def sqref(self) -> str:
        return " ".join(self.ranges)

    @property
    def list_formula(self) -> str | None:
        """formula1 of a list rule: '"a,b,c"' or the source range."""
        if self.kind != "list":
            return None
        return self.source if self.source else '"' + ",".join(self.choices) + '"'

    @property
    def show_error(self) -> bool:
        return bool(self.error or self.error_title)

    @property
    def show_prompt(self) -> bool:
        return bool(self.prompt or self.prompt_title)


@record
class PrintSetup:
    """A sheet's page setup: paper, orientation, margins, fit, print area, title rows."""

    paper: str = "A4"
    orientation: str = "portrait"  # | "landscape"
    margin_top_mm: float = 20.0
    margin_bottom_mm: float = 20.0
    margin_left_mm: float = 30.0
    margin_right_mm: float = 15.0
    fit_width: bool = True  # fit all columns on one page width
    print_area: str | None = None  # "A1:G40"
    title_rows: str | None = None  # "5:6" repeated on every page
    center_horizontally: bool = False


class _SelfLink:
    """The link of a cell that shows its own "Sheet!A1" target (see :data:`SELF_LINK`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SELF_LINK"


#: in ``put_row``'s ``links``: this cell's value is its link ("Ô nguồn" of "Chi tiết điểm"),
#: so that a table's rows share one links tuple instead of one each
SELF_LINK = _SelfLink()


def cut_values(values: tuple, cut: Callable[[str], str] | None, over: int) -> tuple:
    """A row's values as written: its texts over ``over`` characters ``cut`` (a
    :class:`RowBlock`'s ``cut``; None: as they are)."""
    if cut is None:
        return values
    return tuple(cut(v) if v.__class__ is str and len(v) > over else v for v in values)


@record(slots=True)
class RowBlock:
    """Rows ``first``, ``first + 1``, ... ``first + count - 1`` put whole, read from
    ``source`` only when the sheet is written (:meth:`SheetPlan.put_rows`): a table of
    160,000 rows is never held as tuples in the plan.

    ``source()`` gives a fresh iterator of ``(values, styles, links)``, one a row, each as
    :meth:`SheetPlan.put_row` takes them (the rows of a table share a few ``styles`` and
    ``links`` tuples: the renderers look them up once a tuple); it is called once for every
    pass a renderer makes (render_xml: styles, then cells and links), so it must give the same
    rows, with the same styles, each time.
    A text longer than ``cut_over`` characters is written as ``cut(text)`` (set by
    ``io.outputs``: Excel's limit), cut as it is written rather than by a pass of its own
    over the rows; ``cut`` keeps a text's first character (whether it is written quoted,
    as a formula-like text, is decided on the text as given)."""

    first: int
    count: int
    source: Callable[[], Iterator[tuple[tuple, tuple, tuple | None]]]
    col: int = 1
    #: how many ``cells`` were put before it (the write order: the last write to a cell
    #: wins)
    before: int = 0
    cut: Callable[[str], str] | None = None
    cut_over: int = 0
    #: the same rows as columns (:meth:`SheetPlan.put_columns`; ``source`` is then their
    #: rows, :func:`rows_of_parts`), read by render_xml a column at a time; None: rows only
    parts: Callable[[], Iterator[tuple[tuple[list, ...], Any, Any]]] | None = None

    @property
    def last(self) -> int:
        return self.first + self.count - 1


def rows_of_parts(parts: Iterable[tuple[tuple[list, ...], Any, Any]]
                  ) -> Iterator[tuple[tuple, tuple, tuple | None]]:
    """The rows of :meth:`SheetPlan.put_columns`' parts, each as :meth:`SheetPlan.put_row`
    takes it: a part's ``columns`` read across (in C), with its ``styles`` and ``links``
    (one tuple for every row of the part, or a list of them, one a row)."""
    for columns, styles, links in parts:
        n = len(columns[0])
        yield from zip(zip(*columns), styles if styles.__class__ is list else repeat(styles, n),
                       links if links.__class__ is list else repeat(links, n))


@record
class SheetPlan:
    """One sheet to write: its cells (one by one or rows whole), layout, charts and
    print setup."""

    name: str
    cells: list[CellSpec] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)  # "A1:C1"
    col_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None  # top-left cell of the scrolling pane, e.g. "C5"
    charts: list[ChartSpec] = field(default_factory=list)
    conditional: list[ConditionalFill] = field(default_factory=list)
    print_setup: PrintSetup | None = None
    tab_color: str | None = None
    show_gridlines: bool = True
    #: manual page breaks: a new printed page starts after each of these rows
    page_breaks: list[int] = field(default_factory=list)
    #: data validation (drop-downs, number limits, input prompts), in this order
    validations: list[Validation] = field(default_factory=list)
    autofilter: str | None = None  # filter buttons on the header row of this A1 range
    #: rows put whole (:meth:`put_row`, :meth:`put_rows`): read when the sheet is written,
    #: in the order put
    blocks: list[RowBlock] = field(default_factory=list)

    def validate(self, kind: str, *ranges: str, **kw: Any) -> Validation:
        v = Validation(kind, list(ranges), **kw)
        self.validations.append(v)
        return v

    def put(self, row: int, col: int, value: Any, style: Style | None = None,
            link: str | None = None) -> CellSpec:
        spec = CellSpec(row, col, value, style, link)
        self.cells.append(spec)
        return spec

    def put_row(self, row: int, values: tuple, styles: tuple, links: tuple | None = None,
                col: int = 1) -> None:
        """The cells (row, col), (row, col + 1), ... at once: ``values[i]`` styled
        ``styles[i]``, linked to ``links[i]`` (None, or a shorter tuple: no link;
        :data:`SELF_LINK`: to the value itself, a "Sheet!A1" text) — the same
        cells as :meth:`put` each, without a CellSpec per cell (a table's rows share one
        ``styles`` tuple: the renderers look its styles up once a tuple). A value None with
        the style None is no cell (a gap in the row). A block of one row."""
        self.put_rows(row, 1, lambda: iter(((values, styles, links),)), col)

    def put_rows(self, first: int, count: int,
                 source: Callable[[], Iterator[tuple[tuple, tuple, tuple | None]]],
                 col: int = 1) -> RowBlock:
        """``count`` rows from ``first`` on, each as :meth:`put_row` takes it, given by
        ``source()`` (called again for every pass over them: see :class:`RowBlock`) when
        the sheet is written, not held in the plan."""
        block = RowBlock(first, count, source, col, len(self.cells))
        self.blocks.append(block)
        return block

    def put_columns(self, first: int, count: int,
                    parts: Callable[[], Iterator[tuple[tuple[list, ...], Any, Any]]],
                    col: int = 1) -> RowBlock:
        """:meth:`put_rows` given as columns: ``parts()`` gives ``(columns, styles,
        links)`` for runs of the ``count`` rows in order — ``columns`` one list a cell of
        the rows (``columns[i][k]``: the value of cell ``i`` of the part's row ``k``, all of
        one length), ``styles`` and ``links`` one tuple for every row of the run (as
        :meth:`put_row` takes them) or a list of them, one a row. A table whose columns
        exist anyway (the audit's) is written a column at a time, without a tuple a row."""
        block = self.put_rows(first, count, lambda: rows_of_parts(parts()), col)
        block.parts = parts
        return block

    def whole_rows(self) -> Iterator[tuple[int, int, tuple, tuple, tuple | None, int]]:
        """Every row put whole (read from the blocks' sources, with their cut applied), as
        (row, first column, values, styles, links, how many ``cells`` were put before it),
        in the order put."""
        for e in self.blocks:
            cut, over, c0, before = e.cut, e.cut_over, e.col, e.before
            for r, (values, styles, links) in zip(range(e.first, e.last + 1), e.source()):
                yield r, c0, cut_values(values, cut, over), styles, links, before

    def all_cells(self) -> list[CellSpec]:
        """Every cell of the sheet as a CellSpec, in the order written (``put``,
        ``put_row`` and ``put_rows`` interleaved as they were called)."""
        if not self.blocks:
            return self.cells
        out: list[CellSpec] = []
        done = 0
        for r, c0, values, styles, links, before in self.whole_rows():
            out.extend(self.cells[done:before])
            done = max(done, before)
            for i, (v, st) in enumerate(zip(values, styles)):
                if v is not None or st is not None:
                    link = links[i] if links and i < len(links) else None
                    if link is SELF_LINK:
                        link = v if v.__class__ is str else None
                    out.append(CellSpec(r, c0 + i, v, st, link))
        out.extend(self.cells[done:])
        return out

    def value_at(self, row: int, col: int) -> Any:
        for c in reversed(self.all_cells()):
            if c.row == row and c.col == col:
                return c.value
        return None


@record
class WritePlan:
    """Sheets to (re)write. Every name in ``replace`` is removed first if it exists."""

    sheets: list[SheetPlan] = field(default_factory=list)
    replace: tuple[str, ...] = OUTPUT_SHEETS
    select: str | None = None  # sheet to activate after writing

    def sheet(self, name: str) -> SheetPlan | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None


def argb(rgb: str) -> str:
    """"2E75B6" → "FF2E75B6" (SpreadsheetML colours are ARGB)."""
    rgb = rgb.lstrip("#").upper()
    return rgb if len(rgb) == 8 else "FF" + rgb


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def internal_location(link: str) -> str | None:
    """ "Chấm điểm!F12" → "'Chấm điểm'!F12"; None for anything that is not internal
    (hyperlinks only ever point inside the workbook)."""
    link = (link or "").strip()
    if not link or link.lower().startswith(_EXTERNAL) or "://" in link:
        return None
    if "!" not in link:
        return None
    sheet, cell = link.rsplit("!", 1)
    sheet = sheet.strip()
    if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
        sheet = sheet[1:-1].replace("''", "'")
    if not sheet or any(ch in sheet for ch in "[]"):
        return None
    cell = cell.replace("$", "").strip() or "A1"
    return f"{quote_sheet(sheet)}!{cell}"


#: alignments of the cells the builders style: (horizontal, vertical, wrap)
Align = tuple[str | None, str | None, bool]


def fonts(name: str, *, head_color: str, note_color: str | None = None) -> dict[str, Style]:
    """body, bold, head, title and note fonts of one family (the template and the summary)."""
    return {"body": Style(font_name=name, font_size=12),
            "bold": Style(font_name=name, font_size=12, bold=True),
            "head": Style(font_name=name, font_size=12, bold=True, color=head_color),
            "title": Style(font_name=name, font_size=14, bold=True),
            "note": Style(font_name=name, font_size=11, italic=True, color=note_color)}


@lru_cache(maxsize=256)
def styled(font: Style, *, fill: str | None = None, align: Align | None = None,
           border: str | None = None, fmt: str | None = None, indent: int = 0) -> Style:
    """A font style with a fill, an alignment, a thin border of colour ``border`` (None: no
    border) and a number format. Cached: the cells of a table share a few styles (and the
    renderers' caches are keyed by them)."""
    h, v, wrap = align or (None, None, False)
    return replace(font, fill=fill, h_align=h, v_align=v, wrap=wrap, border=border is not None,
                   border_color=border, number_format=fmt, indent=indent)
