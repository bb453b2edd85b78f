"""Text normalisation used for every comparison of labels, sheet names and unit names."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SEP = re.compile(r"[\s_\-\u2010-\u2015]+")
_SPACES = re.compile(r"\s+")


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
