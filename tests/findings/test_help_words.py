"""Every `--help` of the command line is Vietnamese: apart from what is typed (flags,
command and choice names, file names) and a few proper names, each word is Vietnamese —
has a Vietnamese letter, or is a Vietnamese syllable written without marks ("tin", "in").
An English word ("show", "OUTDIR", "version") fails the syllable pattern."""
from __future__ import annotations

import argparse
import re

import pytest

from thidua_xl.cli import build_parser

#: proper names and abbreviations the help may name as they are
NAMES = {"Excel", "LibreOffice", "JSON", "PDF", "CPU", "thidua-xl"}
_INITIAL = r"(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
_VOWEL = (r"(uye|uya|uyu|ieu|yeu|oai|oay|uoi|uou|ai|ao|au|ay|eo|ia|iu|oa|oe|oi|ua|ue|ui|uy|"
          r"ie|uo|ye|a|e|i|o|u|y)")
_FINAL = r"(ch|ng|nh|c|m|n|p|t)?"
SYLLABLE = re.compile(f"^{_INITIAL}{_VOWEL}{_FINAL}$")
_VIETNAMESE_LETTER = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụư"
                                r"ừứửữựỳýỷỹỵ]", re.I)


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    top = build_parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return [("thidua-xl", top)] + [(f"thidua-xl {n}", p) for n, p in sub.choices.items()]


def _typed(parser: argparse.ArgumentParser) -> set[str]:
    """What a user types: flags, command names, choices."""
    out: set[str] = set()
    for a in parser._actions:
        out.update(a.option_strings)
        if a.choices:
            out.update(map(str, a.choices))
    return out


def english_words(text: str, typed: set[str]) -> list[str]:
    bad = []
    for token in text.split():
        token = token.strip("()[],;:\"'“”").rstrip(".")
        if not token or token.startswith("-") or token in typed or token in NAMES:
            continue
        if any(ch in token for ch in "./_<>*\\"):  # a file name or a path (.xlsx, a/b.xlsx)
            continue
        for word in re.split(r"[|=+]", token):
            word = word.strip("()[],;:.\"'")
            if (not word or word in typed or word in NAMES or word.isdigit() or len(word) == 1
                    or _VIETNAMESE_LETTER.search(word)):
                continue
            if not SYLLABLE.match(word.lower()):
                bad.append(word)
    return bad


@pytest.mark.parametrize("prog,parser", _parsers(), ids=lambda x: x if isinstance(x, str) else "")
def test_help_has_no_english_word(prog, parser):
    top = build_parser()
    typed = _typed(parser) | _typed(top) | {
        n for a in top._actions if isinstance(a, argparse._SubParsersAction) for n in a.choices}
    assert english_words(parser.format_help(), typed) == [], prog


@pytest.mark.parametrize("prog,parser", _parsers(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_argument_is_described(prog, parser):
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            assert all(c.help for c in a._choices_actions), prog
            continue
        assert a.help and a.help != argparse.SUPPRESS, (prog, a.dest)
        if a.metavar is not None and a.option_strings:
            assert _VIETNAMESE_LETTER.search(a.metavar) or a.metavar.isupper(), a.metavar


def test_the_check_catches_english():
    """The pattern is not vacuous: argparse's own English fails it."""
    assert english_words("show program's version number and exit", set()) == [
        "show", "program's", "version", "number", "and", "exit"]
    assert english_words("-o OUTDIR, --output OUTDIR", {"-o", "--output"}) == ["OUTDIR", "OUTDIR"]
    assert english_words("in kết quả dạng JSON; tin theo khi", set()) == []
