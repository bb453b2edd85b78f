""""Tờ trình": the bloc's submission to the province's council (the form of Mẫu số 01 of
the annex of Nghị định 152/2025/NĐ-CP; shared/spec/domain.md "Documents").

Number line with blanks, place and date, title and subject, "Kính gửi" the council through
the province's emulation office ("Nơi nhận hồ sơ" of "Thông tin"), the bases, the
proposals by form with counts and names, the next head and deputy, what is attached,
"Nơi nhận" and the signature of the person who signs for the bloc.
"""
from __future__ import annotations

from ...core.text import fold
from ..context import COUNCIL, OutputContext, num
from ..layout import SheetBuilder, st
from ..plan import OUTPUT_SUBMISSION, SheetPlan
from .common import RULE, close_document, closing_block, open_document, title

WIDTHS = {1: 13, 2: 13, 3: 13, 4: 16, 5: 16, 6: 16}
LAW = "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;"
DECREE = ("Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy "
          "định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;")


def council(province: str) -> str:
    """ "Hội đồng Thi đua – Khen thưởng tỉnh Thanh Hóa" (or "… thành phố Hà Nội")."""
    p = " ".join((province or "").split())
    base = COUNCIL.rsplit(" ", 1)[0]  # without "tỉnh"
    words = p.split(" ", 2)
    f = fold(p)
    if f.startswith("tinh "):
        return f"{base} tỉnh {p.split(' ', 1)[1]}"
    if f.startswith("thanh pho ") and len(words) == 3:
        return f"{base} thành phố {words[2]}"
    if f.startswith("tp") and len(words) >= 2 and fold(words[0]).strip(". ") == "tp":
        return f"{base} thành phố {p.split(' ', 1)[1]}"
    return f"{COUNCIL} {p}" if p else COUNCIL


def _body(s: SheetBuilder, ctx: OutputContext) -> None:
    r, w = ctx.result, ctx.words
    body, bold = st(13), st(13, bold=True)
    year = ctx.year_text
    bases = [LAW, DECREE]
    if ctx.regulation:
        reg = ctx.regulation.strip().rstrip(";.")
        bases.append(reg if fold(reg).startswith("can cu") else f"Căn cứ {reg};")
        if not bases[-1].endswith(";"):
            bases[-1] += ";"
    bases.append(f"Căn cứ Giao ước thi đua năm {year} của {w.display};")
    bases.append(f"Căn cứ Biên bản họp bình xét thi đua năm {year} của {w.display} "
                 f"(Biên bản số {ctx.doc_number('BB')}),")
    for text in bases:
        s.line(text, st(13, italic=True))
    props = ctx.sorted_proposals()
    to = council(ctx.province)
    if props:
        s.line(f"{w.display} kính trình {to} xem xét, đề nghị khen thưởng {len(props)} tập "
               f"thể có thành tích xuất sắc trong phong trào thi đua năm {year}, cụ thể như "
               f"sau:", body)
    else:
        s.line(f"Căn cứ kết quả bình xét, năm {year} {w.display} không có đơn vị đủ điều "
               f"kiện đề nghị khen thưởng.", body)
    for k, (form, group) in enumerate(ctx.proposals_by_form(), start=1):
        s.line(f"{k}. {form}: {len(group)} tập thể", bold, keep_next=True)
        for p in group:
            where = [f"xếp hạng {p.rank}" if p.rank else "",
                     f"tổng điểm {num(p.total)}" if p.total is not None else ""]
            detail = ", ".join(x for x in where if x)
            s.line(f"- {p.unit}" + (f" ({detail})" if detail else "") + ";", body)
    for g in r.tie_groups:
        s.line(f"Đối với {g.form} (còn {g.seats} suất), các đơn vị đồng hạng "
               f"{', '.join(g.units)}: hội nghị bình xét, bỏ phiếu.", st(13, italic=True))
    if r.next_head or r.next_deputy:
        s.line(f"Hội nghị thống nhất suy tôn {r.next_head or 'chưa xác định'} làm {w.word} "
               f"trưởng, {r.next_deputy or 'chưa xác định'} làm {w.word} phó năm "
               f"{ctx.next_year_text}.", body)
    s.line(f"(Gửi kèm: Danh sách đề nghị khen thưởng; Biên bản họp bình xét thi đua năm "
           f"{year}; báo cáo thành tích của các tập thể được đề nghị.)", st(13, italic=True))
    s.line(f"Kính trình {to} xem xét, quyết định./.", body)


def _closing(s: SheetBuilder, ctx: OutputContext, left, right) -> int:
    s.skip(1)
    end = closing_block(s, s.row, ctx, left, right, addressee=True)
    s.row = end + 1
    return end


def submission_sheet(ctx: OutputContext) -> SheetPlan:
    left = (1, 3)
    s = open_document(OUTPUT_SUBMISSION, "833C0B", WIDTHS, ctx, left, ctx.number_line("TTr"))
    right = (4, s.last_col)
    title(s, "TỜ TRÌNH", f"Về việc đề nghị khen thưởng thành tích thi đua năm "
          f"{ctx.year_text}", RULE)
    s.skip(1)
    s.line(f"Kính gửi: {council(ctx.province)}", st(13, h="center"))
    s.line(f"(qua {ctx.recipient})", st(13, italic=True, h="center"))
    s.skip(1)
    _body(s, ctx)
    return close_document(s, lambda t: _closing(t, ctx, left, right))

