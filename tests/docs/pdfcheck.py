"""Reading PDFs back with poppler (pdftotext, pdfinfo), as a person would read the page."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest

from thidua_xl.io.pdf import find_soffice

needs_lo = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) missing")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None
                                   or shutil.which("pdfinfo") is None,
                                   reason="poppler-utils (pdftotext, pdfinfo) missing")
#: a number written with a decimal point, as "98.50" (never in a Vietnamese document);
#: not a date, a document number ("06/2022/QH15") or a section code ("I.1")
DECIMAL_POINT = re.compile(r"(?<![\d./])\d{1,4}\.\d{1,2}(?![\d./])")
DECIMAL_COMMA = re.compile(r"(?<![\d,])\d{1,4},\d{2}(?!\d)")


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    return " ".join(out.split())


def pdf_pages(path, *, layout: bool = False) -> list[str]:
    """The text of each page: in reading order (-raw: a table cell's lines stay together)
    or as laid out (-layout: one printed line per text line, to count them)."""
    mode = "-layout" if layout else "-raw"
    out = subprocess.run(["pdftotext", mode, "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [unicodedata.normalize("NFC", p) for p in pages]


def lines(page: str) -> list[str]:
    return [ln for ln in page.splitlines() if ln.strip()]


def squash(s: str) -> str:
    """pdftotext breaks lines inside table cells: compare without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", s))


def page_sizes(path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)],
                          capture_output=True, check=True).stdout.decode("utf-8")
    return [(float(w), float(h)) for w, h in
            re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def is_a4(size: tuple[float, float]) -> bool:
    w, h = sorted(size)
    return abs(w - 595.3) < 3 and abs(h - 841.9) < 3


def fonts(path) -> set[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True,
                         check=True).stdout.decode("utf-8")
    return {ln.split()[0].split("+")[-1] for ln in out.splitlines()[2:] if ln.strip()}
