"""The bundled examples, scored and printed through LibreOffice (our stand-in for a real
client): the PDF of the recommendation and the minutes carries the national header, the
title, every unit name with its diacritics and every proposal, on A4 pages."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest

from thidua_xl.api import score_file
from thidua_xl.cli import example_workbooks
from thidua_xl.io.pdf import find_soffice

EXAMPLES = example_workbooks()
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(find_soffice() is None or not shutil.which("pdftotext"),
                       reason="LibreOffice or pdftotext missing"),
    pytest.mark.skipif(not EXAMPLES, reason="no bundled examples"),
]


def _squash(s: str) -> str:
    """pdftotext breaks lines inside table cells: compare without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", s))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem[:3] for p in EXAMPLES])
def test_example_documents_print_on_a4_with_every_unit_and_proposal(tmp_path, path):
    src = tmp_path / path.name
    shutil.copyfile(path, src)
    outcome = score_file(src, tmp_path / "out.xlsx", pdf=True)
    assert outcome.pdf_error is None and outcome.pdfs, outcome.pdf_error
    pdf = outcome.pdfs[0]
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = _squash(text)
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", "BIÊN BẢN"):
        assert _squash(phrase) in flat, phrase
    r = outcome.result
    for u in r.units:
        assert _squash(u.name) in flat, u.name
    for p in r.proposals:
        assert _squash(p.unit) in flat and _squash(p.form) in flat, (p.unit, p.form)
    if r.next_head:
        assert _squash(r.next_head) in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    w, h = sorted(float(x) for x in size.groups())
    assert abs(w - 595.3) < 3 and abs(h - 841.9) < 3, info
