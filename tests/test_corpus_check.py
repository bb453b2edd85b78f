"""Issue "Robustness": every real workbook of ../shared/corpora through `check`.

Each file ends with a status (exit 0 only for a real bloc workbook, 1 with findings,
2 unreadable) and a Vietnamese finding — never a crash — within a per-file time bound and
bounded memory. A sample also goes through the command line itself (no traceback).
The sweep table is printed with ``pytest -s``.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.corpus_sweep import corpora_root, list_files, sweep

ROOT = corpora_root()
pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not ROOT.is_dir(), reason="../shared/corpora is absent")]
PER_FILE_SECONDS = 60.0
_VI = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def check_target(path: str) -> str:
    """Run check_file and verify the result's invariants; name the outcome by exit status."""
    from thidua_xl.api import check_file

    r = check_file(path)
    json.dumps(r.to_json(), ensure_ascii=False)  # the --json document can always be written
    assert r.status in ("ok", "errors", "unreadable"), r.status
    for f in r.findings:
        assert f.code and f.message, f
        assert set(f.message.lower()) & _VI, f"not Vietnamese: {f.message}"
    if r.status == "ok":
        assert not r.has_errors
        return "exit0"
    errors = [f for f in r.findings if f.severity.value == "error"]
    assert errors, "a failing status without an error finding"
    return f"exit{2 if r.status == 'unreadable' else 1}:{errors[0].code}"


@pytest.fixture(scope="module")
def swept():
    return sweep(ROOT, workers=2, timeout=PER_FILE_SECONDS,
                 target="tests.test_corpus_check:check_target")


def test_every_corpus_file_gets_a_status_and_a_vietnamese_finding(swept):
    print()
    print(swept.table(ROOT))
    assert swept.results
    bad = swept.failures()
    assert not bad, "\n".join(f"{r.outcome} {r.path} {r.detail}" for r in bad)
    # none of these public test files is a bloc workbook
    assert all(not r.outcome.startswith("exit0") for r in swept.results)
    assert swept.peak_rss_kb() < 2_500_000


def test_a_sample_through_the_command_line_has_no_traceback(tmp_path):
    files = list_files(ROOT)[:: max(1, len(list_files(ROOT)) // 25)]
    proc = subprocess.run([sys.executable, "-m", "thidua_xl", "check", "--json", *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode in (1, 2)
    docs = json.loads(proc.stdout)
    assert len(docs) == len(files)
    assert all(d["findings"] for d in docs)


def every_sheet_as_score_sheet(path: str) -> str:
    """Harder than `check`: read every sheet and parse each as if it were "Chấm điểm"
    (odd headers, merges, errors, dates ...): the parser and engine must never crash."""
    from thidua_xl.api import analyze_grid
    from thidua_xl.io.grid import Grid
    from thidua_xl.io.readers import read_grid

    grid = read_grid(path)
    codes = set()
    for sg in grid.sheets[:6]:
        sg.name = "Chấm điểm"
        r = analyze_grid(Grid(sheets=[sg], source=path, reader=grid.reader), path)
        json.dumps(r.to_json(), ensure_ascii=False)
        codes.update(f.code for f in r.findings if f.severity.value == "error")
    return "exit1" if codes else "exit0"


def test_every_sheet_parsed_as_a_score_sheet_never_crashes():
    res = sweep(ROOT, workers=2, timeout=PER_FILE_SECONDS,
                target="tests.test_corpus_check:every_sheet_as_score_sheet")
    print()
    print(res.table(ROOT))
    bad = res.failures()
    assert not bad, "\n".join(f"{r.outcome} {r.path} {r.detail}" for r in bad)
