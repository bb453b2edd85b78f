""""Đề nghị khen thưởng": the list of proposals, the annex of the Tờ trình.

Its Ghi chú carries the basis of each proposal only (rank, total, classification, and the
women priority or the tie when that decided a seat); what must still be verified
("Cần xác minh …") is for the bloc, not for the province: it is in "Kiểm tra" (a warning)
and in "Kết quả" (the unit's notes), never here.
"""
from __future__ import annotations

from ...core.models import Proposal
from ...core.verification import is_verification
from ...core.vocab import TIE_GROUP_NOTE as TIE_NOTE
from ..context import OutputContext, num, vn_date
from ..layout import SheetBuilder, page_capacity, st
from ..plan import OUTPUT_PROPOSALS, SheetPlan
from .common import close_document, closing_block, open_document, title

# columns: STT | Tên đơn vị | Tổng điểm | Xếp hạng | Xếp loại | Hình thức | Ghi chú
WIDTHS = {1: 5, 2: 20, 3: 7, 4: 6, 5: 12, 6: 14, 7: 25}
HEADERS = ["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại",
           "Hình thức đề nghị khen thưởng", "Ghi chú"]


def basis_note(ctx: OutputContext, p: Proposal) -> str:
    """The Ghi chú of a proposal: its basis, never a verification note."""
    parts = [p.basis] if p.basis else []
    parts += [n for n in p.notes if n and n not in parts and not is_verification(n)]
    u = ctx.by_name.get(p.unit)
    if u is not None and u.tie and not any("đồng hạng" in n.lower() for n in parts):
        parts.append("Đồng hạng")
    return "; ".join(parts)


def annex_line(ctx: OutputContext) -> str:
    return (f"(Kèm theo Tờ trình số {ctx.doc_number('TTr')} {vn_date(None)} "
            f"của {ctx.words.display})")


def _closing(s: SheetBuilder, ctx: OutputContext, left, right) -> int:
    """Next head/deputy, "Nơi nhận" and the signature; returns the last row."""
    r, w = ctx.result, ctx.words
    s.skip(1)
    s.line(f"Đề xuất suy tôn {w.word} trưởng năm {ctx.next_year_text}: "
           f"{r.next_head or 'chưa xác định'}", st(13, bold=True))
    s.line(f"{w.word} phó: {r.next_deputy or 'chưa xác định'}", st(13, bold=True))
    if r.succession_note:
        s.line(r.succession_note, st(13, italic=True))
    s.skip(1)
    end = closing_block(s, s.row, ctx, left, right, addressee=False)
    s.row = end + 1
    return end


def _tie_lines(s: SheetBuilder, ctx: OutputContext) -> None:
    r = ctx.result
    if not r.tie_groups:
        return
    s.skip(1)
    s.line(f"{TIE_NOTE}:", st(13, bold=True), keep_next=True)
    for g in r.tie_groups:
        names = []
        for name in g.units:
            u = ctx.by_name.get(name)
            if u is not None and u.total is not None:
                names.append(f"{name} (tổng điểm {num(u.total)}"
                             + (f", xếp hạng {u.rank})" if u.rank else ")"))
            else:
                names.append(name)
        note = "" if g.note.strip(" .") == TIE_NOTE else f" {g.note.rstrip('.')}."
        s.line(f"- {g.form} (còn {g.seats} suất): {', '.join(names)}.{note}", st(13))


def proposals_sheet(ctx: OutputContext) -> SheetPlan:
    left = (1, 4)
    s = open_document(OUTPUT_PROPOSALS, "C00000", WIDTHS, ctx, left)
    last_col = s.last_col
    right = (5, last_col)
    title(s, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", f"Năm {ctx.year_text}")
    s.line(annex_line(ctx), st(13, italic=True, h="center"))
    s.skip(1)
    hdr_row = s.row
    hstyle = st(12, bold=True, h="center", border=True)
    for c, label in enumerate(HEADERS, start=1):
        s.put(hdr_row, c, label, hstyle)
    s.row += 1
    text_c = st(12, border=True)
    center_c = st(12, border=True, h="center")
    num_c = st(12, border=True, h="center", wrap=False)
    rank_c = st(12, border=True, h="center", fmt="0", wrap=False)
    note_c = st(11, border=True)
    props = ctx.sorted_proposals()
    for i, p in enumerate(props, start=1):
        row = s.row
        cls = p.classification.value if p.classification else None
        for c, (v, style) in enumerate([(i, rank_c), (p.unit, text_c),
                                        (num(p.total), num_c), (p.rank, rank_c),
                                        (cls, center_c), (p.form, center_c),
                                        (basis_note(ctx, p), note_c)], start=1):
            s.put(row, c, v, style)
        s.row += 1
    if not props:
        s.put(s.row, 1, "Không có đơn vị đủ điều kiện đề nghị khen thưởng.",
              st(12, italic=True, h="center", border=True), last_col)
        s.row += 1
    # repeat the table's header on every page only when the table may run past the
    # first page (Excel repeats title rows on all pages, even under the signature)
    spans = s.height_upto(s.row - 1) > page_capacity(s) * 0.97
    _tie_lines(s, ctx)
    return close_document(s, lambda t: _closing(t, ctx, left, right),
                          title_row=hdr_row if spans else None)
