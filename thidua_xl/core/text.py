"""Text normalisation used for every comparison of labels, sheet names and unit names."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Excel's limit of characters in one cell
MAX_CELL_TEXT = 32_767
#: what ends a text cut at :data:`MAX_CELL_TEXT`
CUT_MARK = "…"
#: characters no output may carry: those XML 1.0 forbids (C0 controls but tab, line feed and
#: carriage return; U+FFFE, U+FFFF, lone surrogates) and those a terminal obeys (ESC, DEL,
#: the C1 controls such as CSI U+009B)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SEP = re.compile(r"[\s_\-\u2010-\u2015]+")
_SPACES = re.compile(r"\s+")


def safe_text(s: str) -> str:
    """``s`` without the characters of :data:`_UNSAFE` (Excel shows none of them; an XML
    part or a terminal must not receive them)."""
    if s.isprintable():  # the usual case, tested in C
        return s
    return _UNSAFE.sub("", s)


def boundary_text(s: str) -> tuple[str, bool]:
    """A workbook's text as the readers hand it on: :func:`safe_text`, then cut to Excel's
    :data:`MAX_CELL_TEXT` characters (ending with :data:`CUT_MARK`). Returns the text and
    whether it was cut (the parser then notes the cell)."""
    s = safe_text(s)
    if len(s) <= MAX_CELL_TEXT:
        return s, False
    return cap_text(s), True


def cap_text(s: str, limit: int = MAX_CELL_TEXT, note: str = "") -> str:
    """``s`` cut to ``limit`` characters, ending with "…" (and ``note``) when cut."""
    if len(s) <= limit:
        return s
    tail = CUT_MARK + note
    return s[:limit - len(tail)] + tail


def display_path(path: object) -> str:
    """A file name fit to print or to write into a workbook: bytes that are not UTF-8
    (kept by Python as surrogate escapes) become "\ufffd", control characters go."""
    s = str(path)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return safe_text(s)


def clean(value: object) -> str:
    """A cell's text: NFC, non-breaking spaces as spaces, trimmed and spaces collapsed."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    return _SPACES.sub(" ", s).strip()


def strip_diacritics(s: str) -> str:
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D")


def fold(value: object) -> str:
    """Label key: NFC, case-folded, diacritics removed (đ→d), spaces/_/- collapsed to one space.

    ``fold("Chấm_điểm") == fold("CHAM DIEM") == fold("cham-diem") == "cham diem"``.
    """
    if type(value) is str:  # labels and "Đạt"/"x" repeat thousands of times a workbook
        return _fold_text(value)
    return _fold(value)


def _fold(value: object) -> str:
    s = strip_diacritics(clean(value)).casefold()
    return _SEP.sub(" ", s).strip()


@lru_cache(maxsize=8192)
def _fold_text(value: str) -> str:
    return _fold(value)


def unit_key(value: object) -> str:
    """Key of a unit name: NFC, case-folded, spaces collapsed (diacritics kept)."""
    return clean(value).casefold()


def label_in(value: object, *labels: str) -> bool:
    """True when ``value`` names one of ``labels`` (compared with :func:`fold`)."""
    f = fold(value)
    return bool(f) and any(f == fold(label) for label in labels)


def column_letters(col: int) -> str:
    """A column's letters: 1 → "A", 27 → "AA"."""
    s = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s
