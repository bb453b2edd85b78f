"""Every file of ../shared/corpora: read_grid returns a Grid or raises UnreadableWorkbook.

Any other exception, a hang (per-file time limit) or a dying worker fails the test. A file
declaring 1,048,576 rows must not make the reader allocate per declared row. The summary
table is printed (``pytest -s``); the same sweep runs as ``python tests/corpus_sweep.py``.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.corpus_sweep import corpora_root, sweep

PER_FILE_SECONDS = 60.0
#: A file may raise its worker's peak RSS by at most this much (a dense read of a declared
#: 1,048,576-row sheet would take gigabytes).
MAX_GROWTH_MB = 400
_DIM = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\$?[0-9]*:?\$?[A-Z]+\$?([0-9]+)\"")

ROOT = corpora_root()
pytestmark = pytest.mark.skipif(not ROOT.is_dir(), reason="../shared/corpora is absent")


def declares_million_rows(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                n = info.filename.replace("\\", "/").lower()
                if n.startswith("xl/worksheets/") and n.endswith(".xml"):
                    with z.open(info) as f:
                        m = _DIM.search(f.read(4096))
                    if m and int(m.group(1)) >= 1_000_000:
                        return True
    except Exception:  # noqa: BLE001 - broken files are simply not such files
        return False
    return False


@pytest.fixture(scope="module")
def corpus_result():
    return sweep(ROOT, workers=2, timeout=PER_FILE_SECONDS)


def test_every_file_is_a_grid_or_a_clear_error(corpus_result):
    print()
    print(corpus_result.table(ROOT))
    assert corpus_result.results, "no files found"
    bad = corpus_result.failures()
    assert not bad, "\n".join(f"{r.outcome} {r.path} {r.detail}" for r in bad)
    # the readable kinds are mostly read, the unreadable kinds are all refused
    for r in corpus_result.results:
        if r.kind in ("encrypted", "empty", "corrupt-zip", "unsafe-xml", "missing-parts"):
            assert r.outcome.startswith("unreadable:"), (r.path, r.outcome)
    ok = sum(1 for r in corpus_result.results if r.outcome == "ok")
    assert ok >= 0.9 * len(corpus_result.results)


def test_declared_million_rows_do_not_allocate_per_row(corpus_result):
    big = {str(p) for p in ROOT.rglob("*.xls*") if declares_million_rows(p)}
    assert big, "the corpus no longer has a file declaring 1,048,576 rows"
    for r in corpus_result.results:
        if r.path in big:
            assert r.outcome == "ok", (r.path, r.outcome, r.detail)
            assert r.rss_growth_kb / 1024 < MAX_GROWTH_MB, (r.path, r.rss_growth_kb)
            assert r.seconds < 20, (r.path, r.seconds)
    assert corpus_result.peak_rss_kb() / 1024 < 1500
