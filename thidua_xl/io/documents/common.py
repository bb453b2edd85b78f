"""What the three documents share (Nghị định 30/2020 layout): the national header with the
issuing body, the number line, "Nơi nhận", the signature block, and the closing that never
stands alone on a page.

Numbers a person reads in a document are written as text with a decimal comma ("98,50"):
an Excel number format cannot choose the decimal separator (the "." of "0.00" is the
reader's locale separator), so only text shows "98,50" on every machine. The documents are
for printing and sending; the numbers to compute with stay real numbers in "Kết quả".
"""
from __future__ import annotations

from collections.abc import Callable

from ...core.text import fold
from ..context import OutputContext
from ..grid import col_letter
from ..layout import (
    BLANK,
    SheetBuilder,
    cell_text_pt,
    keep_headings,
    line_height,
    page_capacity,
    paginate,
    st,
    text_width_pt,
)
from ..plan import PrintSetup, SheetPlan

RULE = "__________"  # the short rule under the issuing body and the subject
ISSUER_SIZE = 13

#: Vietnamese words of two syllables that appear in bloc names: the issuing body is never
#: broken inside one of these (the rest of a name breaks between syllables)
_COMPOUNDS = {
    "thi đua", "cơ quan", "tham mưu", "tổng hợp", "quản lý", "nhà nước", "kinh tế",
    "kỹ thuật", "hành chính", "văn hóa", "xã hội", "doanh nghiệp", "nội chính",
    "khoa giáo", "tài chính", "ngân hàng", "giáo dục", "đào tạo", "y tế", "tư pháp",
    "nông nghiệp", "phát triển", "nông thôn", "công nghiệp", "dịch vụ", "xây dựng",
    "giao thông", "vận tải", "đơn vị", "sự nghiệp", "công lập", "thị xã", "thành phố",
    "đoàn thể", "chính trị", "mặt trận", "tổ quốc", "lực lượng", "vũ trang", "thương mại",
    "du lịch", "khoa học", "công nghệ", "tài nguyên", "môi trường", "thông tin",
    "truyền thông", "nội vụ", "ngoại vụ", "dân tộc", "tôn giáo", "lao động", "thương binh",
    "an ninh", "quốc phòng", "kế hoạch", "đầu tư", "công thương", "chuyên môn",
    "địa phương", "huyện thị", "quận huyện", "thanh tra", "kiểm sát", "tòa án",
    "công an", "quân sự", "hải quan", "thuế vụ", "bảo hiểm", "kho bạc", "điện lực",
    "viễn thông", "bưu điện", "sản xuất", "kinh doanh", "hợp tác", "cơ sở", "đảng ủy",
    "liên minh", "hợp tác xã", "ban ngành", "sở ngành", "trung ương",
    "văn phòng", "ủy ban", "nhân dân", "hội đồng",
}
_FOLDED = {fold(c) for c in _COMPOUNDS}
#: breaking just before one of these is natural ("… CƠ QUAN / THAM MƯU", "KHỐI / CÁC SỞ")
_GOOD_BEFORE = {"cac", "khoi", "cum", "so", "ve", "thuoc", "truc"}
#: never end a line with one of these ("CÁC / SỞ" is bad)
_NO_END = {"cac", "cua", "va", "ve", "so", "thuoc", "truc", "-", "–"}


def _groups(text: str) -> list[str]:
    """The word groups of ``text``: known compounds glued, words joined by a dash glued."""
    syl = text.split()
    out: list[str] = []
    i = 0
    while i < len(syl):
        for n in (3, 2):
            window = syl[i:i + n]
            if (len(window) == n and all(any(ch.isalpha() for ch in w) for w in window)
                    and fold(" ".join(window)) in _FOLDED):
                out.append(" ".join(syl[i:i + n]))
                i += n
                break
        else:
            out.append(syl[i])
            i += 1
    # "THAM MƯU - TỔNG HỢP" is one group: a line never starts or ends with a dash
    merged: list[str] = []
    dash = ""
    for g in out:
        if g in ("-", "–"):
            dash = g
            continue
        if dash and merged:
            merged[-1] = f"{merged[-1]} {dash} {g}"
        else:
            merged.append(f"{dash} {g}".strip())
        dash = ""
    if dash:
        merged.append(dash)
    return merged


def _fit_groups(groups: list[str], width_pt: float, size: float) -> list[str]:
    """Groups wider than a line are cut at their dashes ("… -" / "…")."""
    out: list[str] = []
    for g in groups:
        if text_width_pt(g, size, True) <= width_pt:
            out.append(g)
            continue
        parts = [p for p in g.replace(" – ", " - ").split(" - ")]
        dashes = [d for d in (" – ", " - ") if d in g]
        sep = dashes[0].strip() if dashes else "-"
        out += [f"{p} {sep}" for p in parts[:-1]] + parts[-1:]
    return out


def break_issuer(text: str, width_pt: float, size: float = ISSUER_SIZE) -> list[str]:
    """The issuing body in lines no wider than ``width_pt``, broken between word groups.

    No line ends in "CÁC", "CỦA", "VÀ" … when avoidable, then fewest lines, then the most
    even lines (a break before "CÁC"/"SỐ" preferred). A group wider than a line stands
    alone.
    """
    groups = _fit_groups(_groups(" ".join(text.split())), width_pt, size)
    n = len(groups)
    if n == 0:
        return [""]

    def width(i: int, j: int) -> float:
        return text_width_pt(" ".join(groups[i:j]), size, True)

    def cost(i: int, j: int, last: bool) -> tuple[int, float] | None:
        """(bad break?, raggedness) of a line of groups[i:j]; None when too wide."""
        w = width(i, j)
        if w > width_pt and j - i > 1:
            return None
        c = 0.0 if last else ((width_pt - w) / width_pt) ** 2 * 10
        bad = 0
        if not last:
            bad = int(fold(groups[j - 1].split()[-1]) in _NO_END)
            if fold(groups[j].split()[0]) in _GOOD_BEFORE:
                c -= 2
        return bad, c

    # best[i] = (bad breaks, lines, raggedness, next break) for groups[i:]: a bad break
    # ("CÁC" ending a line) weighs more than one more line
    best: list[tuple[int, int, float, int]] = [(0, 0, 0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        cand = []
        for j in range(i + 1, n + 1):
            c = cost(i, j, j == n)
            if c is None:
                break
            bad, lines, rest, _ = best[j]
            cand.append((bad + c[0], lines + 1, c[1] + rest, j))
        best[i] = min(cand)
    lines, i = [], 0
    while i < n:
        j = best[i][3]
        lines.append(" ".join(groups[i:j]))
        i = j
    return lines


def national_header(s: SheetBuilder, ctx: OutputContext, left: tuple[int, int],
                    right: tuple[int, int], number: str | None = None) -> None:
    """Issuing body (left) and the national header (right), Nghị định 30 layout.

    The issuing body is broken by :func:`break_issuer` (explicit line breaks, the cell is
    wide enough for each line) and shares one merged cell with its short rule, so the rule
    sits right under the name. ``number`` ("Số: …/TTr-…") goes under it, on the place and
    date line's row.
    """
    top = s.row
    width = cell_text_pt(s.span_width(*left)) * 0.96
    size = ISSUER_SIZE
    issuer = break_issuer(ctx.words.issuer, width, size)
    if len(issuer) > 3:  # a long name: 12 pt (the smallest Nghị định 30 allows)
        size = ISSUER_SIZE - 1
        issuer = break_issuer(ctx.words.issuer, width, size)
    rows = max(3, len(issuer) + 1)
    s.put(top, left[0], "\n".join(issuer + [RULE]),
          st(size, bold=True, h="center", v="top"), left[1], rows=rows)
    one = line_height(size) + 1
    for r in range(top, top + rows):
        s.need[r] = one
    s.put(top, right[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          st(12, bold=True, h="center", v="top", wrap=False), right[1])
    s.put(top + 1, right[0], "Độc lập - Tự do - Hạnh phúc",
          st(13, bold=True, underline=True, h="center", v="top", wrap=False), right[1])
    s.row = top + rows
    if number:
        s.put(s.row, left[0], number, st(13, h="center"), left[1])
    s.put(s.row, right[0], ctx.place_date(), st(13, italic=True, h="center"), right[1])
    s.row += 1


def title(s: SheetBuilder, text: str, *subtitles: str, italic_sub: bool = False) -> None:
    """The document's title (capitals, bold, centred) and its subject lines."""
    s.line(text, st(14, bold=True, h="center"))
    for sub in subtitles:
        s.line(sub, st(13, bold=not italic_sub, italic=italic_sub, h="center"))


def recipients(ctx: OutputContext, *, addressee: bool) -> list[str]:
    """The "Nơi nhận" list: the addressee ("Như trên") or the province's office, the
    bloc's units, the archive."""
    first = ["- Như trên;"] if addressee else []
    return first + [f"- {ctx.recipient};", f"- Các đơn vị trong {ctx.words.word};",
                    "- Lưu: VT."]


def signer_lines(ctx: OutputContext) -> tuple[list[str], str]:
    """(lines above the signature, the name below it): a person signs, not a unit."""
    w = ctx.words
    lines = [f"TM. {w.upper} THI ĐUA", f"{w.upper} TRƯỞNG"]
    lines.append(ctx.signer_title.upper() if ctx.signer_title else BLANK * 4)
    return lines, ctx.signer or BLANK * 4


def signature(s: SheetBuilder, row: int, right: tuple[int, int], lines: list[str],
              name: str, gap: int = 4) -> int:
    """The signature block on the right from ``row``; returns the row of the name."""
    bold = st(13, bold=True, h="center")
    r = row
    for text in lines:
        s.put(r, right[0], text, bold, right[1])
        r += 1
    r += gap
    s.put(r, right[0], name, bold, right[1])
    return r


def closing_block(s: SheetBuilder, row: int, ctx: OutputContext, left: tuple[int, int],
                  right: tuple[int, int], *, addressee: bool) -> int:
    """"Nơi nhận" (left) beside the signature (right) from ``row``; returns the last row."""
    small = st(11)
    s.put(row, left[0], "Nơi nhận:", st(12, bold=True, italic=True), left[1])
    items = recipients(ctx, addressee=addressee)
    for k, item in enumerate(items, start=1):
        s.put(row + k, left[0], item, small, left[1])
    lines, name = signer_lines(ctx)
    end = signature(s, row, right, lines, name)
    return max(end, row + len(items))


#: a page that holds the closing holds at least this many printed lines (earlier rows move
#: with the closing until it does); above the ten lines a reader expects, for the estimate
MIN_LINES_WITH_CLOSING = 12


def _lines(s: SheetBuilder, rows) -> int:
    """Printed lines of ``rows`` (estimated from their heights; blank rows count none)."""
    one = line_height(13)
    return sum(max(1, round((s.need[r] - 2) / one)) for r in rows
               if r in s.need and s.need[r] > 9.0)


def keep_closing(s: SheetBuilder, build, *, title_row: int | None = None) -> None:
    """Place a page break so that the closing ``build`` writes never stands alone.

    When the closing does not fit under what is on the current page, the break goes
    before as many of the last rows as bring the new page to
    :data:`MIN_LINES_WITH_CLOSING` lines (as many as fit, never leaving a heading behind);
    when the table's header row is given, the new page repeats it (it counts in the
    page's height).
    """
    title = (title_row, s.height(title_row)) if title_row else None
    page = page_capacity(s) * 0.98
    scratch = s.scratch()
    block = scratch.height_upto(build(scratch))
    block_lines = _lines(scratch, range(1, scratch.row))
    lead = title[1] if title else 0.0
    if s.row <= 1 or block >= page - lead:
        return
    pages, used = paginate(s, s.row - 1, page=page, title=title)
    if used + block <= page:  # it fits where it is: enough lines on its page?
        last = pages.get(s.row - 1, 0)
        with_it = [r for r, k in pages.items() if k == last]
        if last == 0 or _lines(s, with_it) + block_lines >= MIN_LINES_WITH_CLOSING:
            return
    floor = max([title_row or 0] + list(s.plan.page_breaks)) + 1

    def fits(first: int) -> bool:  # rows first.. and the closing on one page
        return lead + s.height_upto(s.row - 1, start=first) + block <= page

    brk = s.row - 1
    for r in range(s.row - 1, floor, -1):
        # rows from r to the closing move together (blank rows between them too)
        if not fits(r):
            break
        brk = r - 1
        if _lines(s, range(r, s.row)) + block_lines >= MIN_LINES_WITH_CLOSING:
            break
    while brk in s.keep_next and brk - 1 > floor and fits(brk):
        brk -= 1  # a heading goes with what follows it
    s.plan.page_breaks.append(brk)


def open_document(name: str, tab: str, widths: dict[int, float], ctx: OutputContext,
                  left: tuple[int, int], number: str | None = None) -> SheetBuilder:
    """A document's sheet with its national header (the issuing body over ``left``, the
    rest of the width on the right), then a blank row."""
    s = SheetBuilder(SheetPlan(name, tab_color=tab, show_gridlines=False), dict(widths))
    national_header(s, ctx, left, (left[1] + 1, s.last_col), number=number)
    s.skip(1)
    return s


def close_document(s: SheetBuilder, closing: Callable[[SheetBuilder], int], *,
                   title_row: int | None = None) -> SheetPlan:
    """Write the closing where no heading and no closing stands alone on a page, and set
    the print setup (A4 portrait, fit to width, the table's header row repeated when
    ``title_row`` is given)."""
    keep_headings(s, title=(title_row, s.height(title_row)) if title_row else None)
    keep_closing(s, closing, title_row=title_row)
    end = closing(s)
    s.plan.print_setup = PrintSetup(orientation="portrait", fit_width=True,
                                    print_area=f"A1:{col_letter(s.last_col)}{end}",
                                    title_rows=f"{title_row}:{title_row}" if title_row
                                    else None)
    return s.finish()


__all__ = ["RULE", "break_issuer", "close_document", "closing_block", "keep_closing",
           "open_document",
           "national_header", "recipients", "signature", "signer_lines", "title"]
