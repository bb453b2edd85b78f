""""Biên bản họp bình xét": draft minutes of the year-end meeting, with blanks for what only
the meeting knows (time, place, attendees, votes) and its number line "Số: …/BB-…".

The results table is kept on one page with its heading when it fits one; a table longer
than a page repeats its header row on every page (print titles).
"""
from __future__ import annotations

from ...core.verification import is_verification
from ..context import OutputContext, num, vn_date
from ..layout import BLANK, SheetBuilder, keep_together, page_capacity, st
from ..plan import OUTPUT_MINUTES, SheetPlan
from .common import close_document, open_document, signature, title

# columns: STT | Tên đơn vị | Tổng điểm | Xếp hạng | Xếp loại
WIDTHS = {1: 6, 2: 33, 3: 10, 4: 9, 5: 31}
HEADERS = ["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại"]


def _closing(s: SheetBuilder, ctx: OutputContext, left, right) -> int:
    """Closing time and the two signatures; returns the last row."""
    s.line(f"Cuộc họp kết thúc vào {BLANK} giờ {BLANK} phút cùng ngày. Biên bản đã được "
           f"đọc lại cho hội nghị nghe và thông qua với {BLANK}/{BLANK} đơn vị nhất trí.",
           st(13))
    s.skip(1)
    sig = s.row
    s.put(sig, left[0], "THƯ KÝ", st(13, bold=True, h="center"), left[1])
    s.put(sig + 5, left[0], BLANK * 3, st(13, bold=True, h="center"), left[1])
    return signature(s, sig, right, ["CHỦ TRÌ"], ctx.signer or BLANK * 3, gap=4)


def _table(s: SheetBuilder, ctx: OutputContext) -> int:
    """The heading and the results table at the current row; returns the header's row."""
    s.line("NỘI DUNG", st(13, bold=True, h="center"), keep_next=True)
    s.line(f"1. Kết quả chấm điểm, xếp hạng thi đua năm {ctx.year_text}", st(13, bold=True),
           keep_next=True)
    s.line("Hội nghị thống nhất kết quả chấm điểm, xếp hạng của các đơn vị như sau:", st(13),
           keep_next=True)
    hdr_row = s.row
    hstyle = st(12, bold=True, h="center", border=True)
    for c, label in enumerate(HEADERS, start=1):
        s.put(hdr_row, c, label, hstyle)
    s.row += 1
    for i, u in enumerate(ctx.result.units, start=1):
        row = s.row
        s.put(row, 1, i, st(12, border=True, h="center", fmt="0", wrap=False))
        s.put(row, 2, u.name, st(12, border=True))
        s.put(row, 3, num(u.total) if u.total is not None else "",
              st(12, border=True, h="center", wrap=False))
        s.put(row, 4, u.rank, st(12, border=True, h="center", fmt="0", wrap=False))
        s.put(row, 5, u.classification.value if u.classification else "",
              st(12, border=True, h="center"))
        s.row += 1
    return hdr_row


def _table_end(s: SheetBuilder, ctx: OutputContext) -> int:
    _table(s, ctx)
    return s.row - 1


def minutes_sheet(ctx: OutputContext) -> SheetPlan:
    r, w = ctx.result, ctx.words
    left = (1, 2)
    s = open_document(OUTPUT_MINUTES, "7030A0", WIDTHS, ctx, left, ctx.number_line("BB"))
    last_col = s.last_col
    right = (3, last_col)
    title(s, f"BIÊN BẢN HỌP BÌNH XÉT THI ĐUA NĂM {ctx.year_text}".upper(),
          f"của {w.display}")
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
    if ctx.signer:
        title_ = f", {ctx.signer_title}" if ctx.signer_title else ""
        chair = f"{ctx.signer}{title_} (đại diện {head})"
    else:
        chair = f"đại diện {head}"
    s.line(f"Chủ trì: {chair} – {w.word} trưởng năm {ctx.year_text}.", body)
    s.line(f"Thư ký: {BLANK}{BLANK}{BLANK}", body)
    s.skip(1)
    # the heading and the table on one page when they fit one
    keep_together(s, lambda t: _table_end(t, ctx))
    hdr_row = _table(s, ctx)
    spans = s.height_upto(s.row - 1, start=hdr_row) > page_capacity(s) * 0.9
    ties: dict[int, list[str]] = {}
    for u in r.units:
        if u.tie and u.rank is not None:
            ties.setdefault(u.rank, []).append(u.name)
    for rank, names in sorted(ties.items()):
        s.line(f"Đồng hạng {rank}: {', '.join(names)}.", ital)
    s.skip(1)
    s.line("2. Đề nghị khen thưởng", bold, keep_next=True)
    props = ctx.sorted_proposals()
    if not props:
        s.line("Không có đơn vị đủ điều kiện đề nghị khen thưởng.", body)
    for p in props:
        basis = f" ({p.basis})" if p.basis else ""
        s.line(f"- {p.form}: {p.unit}{basis}.", body, keep_next=True)
        for note in p.notes:
            if not is_verification(note):
                s.line(f"  {note}", ital, keep_next=True)
        s.line(f"  Số phiếu đồng ý: {BLANK}/{BLANK}", body)
    for g in r.tie_groups:
        s.line(f"- {g.form} (còn {g.seats} suất) – {g.note}:", body, keep_next=True)
        for name in g.units:
            s.line(f"  + {name}: số phiếu đồng ý {BLANK}/{BLANK}", body)
    s.skip(1)
    s.line(f"3. Suy tôn {w.word} trưởng, {w.word} phó năm {ctx.next_year_text}", bold,
           keep_next=True)
    s.line(f"- Đề xuất suy tôn {w.word} trưởng: {r.next_head or 'chưa xác định'}. "
           f"Số phiếu đồng ý: {BLANK}/{BLANK}", body)
    s.line(f"- {w.word} phó: {r.next_deputy or 'chưa xác định'}. "
           f"Số phiếu đồng ý: {BLANK}/{BLANK}", body)
    if r.succession_note:
        s.line(f"  {r.succession_note}", ital)
    s.skip(1)
    s.line("4. Ý kiến khác", bold, keep_next=True)
    s.line(BLANK * 20, body)
    s.skip(1)
    return close_document(s, lambda t: _closing(t, ctx, left, right),
                          title_row=hdr_row if spans else None)
