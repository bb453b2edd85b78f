"""The bundled examples, scored with ``--pdf`` and printed through LibreOffice (our
stand-in for a real client): the three documents the bloc sends, read back page by page
with pdftotext — every required element, every proposed unit, decimal commas, A4 pages,
Times New Roman, and no page that is almost empty (a signature block alone)."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.docs.pdfcheck import (DECIMAL_COMMA, DECIMAL_POINT, fonts, is_a4, lines,
                                 page_sizes, pdf_pages, squash)
from thidua_xl.api import score_file
from thidua_xl.api import example_workbooks
from thidua_xl.io.pdf import find_soffice

EXAMPLES = example_workbooks()
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(find_soffice() is None or not shutil.which("pdftotext"),
                       reason="LibreOffice or pdftotext missing"),
    pytest.mark.skipif(not EXAMPLES, reason="no bundled examples"),
]
HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem[:3] for p in EXAMPLES])
def test_example_documents_print_as_is(tmp_path, path):
    src = tmp_path / path.name
    shutil.copyfile(path, src)
    out = tmp_path / "out.xlsx"
    outcome = score_file(src, out, pdf=True)
    assert outcome.pdf_error is None, outcome.pdf_error
    names = [p.name for p in outcome.pdfs]
    assert names == ["out_to_trinh.pdf", "out_danh_sach_de_nghi.pdf", "out_bien_ban.pdf"]
    r = outcome.result
    submission, annex, minutes = (pdf_pages(p) for p in outcome.pdfs)
    for pdf in outcome.pdfs:
        assert os.stat(pdf).st_mode & 0o777 == os.stat(out).st_mode & 0o777
        assert all(is_a4(s) and s[1] > s[0] for s in page_sizes(pdf)), pdf.name
        # Times New Roman in the workbook → Liberation Serif (its metric twin) or itself
        assert fonts(pdf) and all("Serif" in f or "Times" in f for f in fonts(pdf)), pdf
    for doc, pages in (("to_trinh", submission), ("danh_sach", annex), ("bien_ban", minutes)):
        flat = squash("".join(pages))
        for phrase in HEADER:
            assert squash(phrase) in flat, (doc, phrase)
        laid_out = pdf_pages(outcome.pdfs[["to_trinh", "danh_sach", "bien_ban"].index(doc)],
                             layout=True)
        assert len(laid_out) == len(pages)
        for k, page in enumerate(laid_out):
            assert len(lines(page)) >= 10, (doc, k, page)
            assert not DECIMAL_POINT.search(page), (doc, k, DECIMAL_POINT.findall(page))
        assert "Cần xác minh" not in "".join(pages)
    # the Tờ trình
    flat = squash("".join(submission))
    for phrase in ("TỜ TRÌNH", "Về việc đề nghị khen thưởng", "Kính gửi:",
                   "Hội đồng Thi đua – Khen thưởng tỉnh", "Sở Nội vụ (Phòng Thi đua, khen thưởng)",
                   "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15",
                   "Nghị định số 152/2025/NĐ-CP", "Nơi nhận:", "TM. KHỐI THI ĐUA"
                   if "Khối" in r.bloc or not r.bloc.startswith("Cụm") else "TM. CỤM THI ĐUA"):
        assert squash(phrase) in flat, phrase
    assert "/TTr-" in "".join(submission) and "Số:" in "".join(submission)
    for p in r.proposals:
        assert squash(p.unit) in flat and squash(p.form) in flat, (p.unit, p.form)
    # the annex and the minutes
    flat = squash("".join(annex))
    assert squash("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG") in flat and squash("Kèm theo Tờ trình") in flat
    for p in r.proposals:
        assert squash(p.unit) in flat and squash(p.form) in flat, (p.unit, p.form)
    flat = squash("".join(minutes))
    assert squash("BIÊN BẢN HỌP BÌNH XÉT") in flat and "/BB-" in "".join(minutes)
    for u in r.units:
        assert squash(u.name) in flat, u.name
    if r.next_head:
        assert squash(r.next_head) in flat
    # decimal commas where the totals are printed
    totals = [u.total for u in r.units if u.total is not None and u.total != int(u.total)]
    if totals:
        assert DECIMAL_COMMA.search("".join(minutes))
