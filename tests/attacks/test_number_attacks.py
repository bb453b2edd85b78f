"""Numbers under attack (issue #16, items 4 and 7): valid Excel numbers whose sum
overflows, numbers of 400 digits — a finding at the cell, never decimal.InvalidOperation;
the worksheet functions answer "#GIÁ TRỊ! …" for the same inputs; TD_XEPHANG in
O(n log n)."""
from __future__ import annotations

import math

import pytest

from . import gen
from ._run import run_cli


@pytest.mark.parametrize("values", [(b"9e307", b"9e307"), (b"1" * 400, b"2"),
                                    (b"1e300", b"1e300")])
def test_huge_maxima_are_findings_at_their_cells(tmp_path, values):
    # two max cells of 9e307: InvalidOperation, exit 2, no JSON, no cell named
    r = run_cli("score", gen.big_number(tmp_path / "big.xlsx", values), "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code == 1, (r.code, r.err[-1500:])
    bad = [f for f in r.json()["findings"] if f["code"] == "bad-number"]
    assert bad and bad[0]["sheet"] == "Chấm điểm" and bad[0]["cell"] == "C7"
    assert "quá lớn" in bad[0]["message"]


def test_a_huge_score_is_a_finding_at_its_cell(tmp_path):
    from thidua_xl.api import check_path

    bloc, _ = check_path(gen.EXAMPLE)
    cell = next(iter(next(iter(bloc.scores.values())).values())).ref.split("!")[1]

    def fn(data: bytes) -> bytes:
        import re

        m = re.search(rb'<c r="%s"[^>]*><v>([^<]*)</v>' % cell.encode(), data)
        return data.replace(m.group(0), m.group(0).replace(b"<v>" + m.group(1), b"<v>9e307"))
    p = gen.patch(tmp_path / "score.xlsx", {gen.SCORES: fn})
    r = run_cli("check", p, "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code == 1, r.err[-1500:]
    f = next(f for f in r.json()["findings"] if f["code"] == "number-too-large")
    assert (f["sheet"], f["cell"]) == ("Chấm điểm", cell)


@pytest.mark.parametrize("args", [
    ("TD_TONGDIEM", ([9e307, 9e307], [1e308, 1e308])),
    ("TD_TONGDIEM", (["1" * 400], [10])),
    ("TD_XEPHANG", (1, [9e307, 1])),
    ("TD_XEPHANG", (math.inf, [1, 2])),
    ("TD_DINHLUONG", (1e300, 1, 10)),
    ("TD_XEPLOAI", (9e307, 100)),
    ("TD_KHENTHUONG", (["A", "B"], [9e307, 50])),
])
def test_udfs_answer_gia_tri_for_the_same_inputs(args):
    # in the UDFs the same numbers became inf/nan
    pytest.importorskip("xlwings")
    from thidua_xl.excel import udfs

    name, a = args
    got = getattr(udfs, name)(*a)
    assert isinstance(got, str) and got.startswith("#GIÁ TRỊ! ") and "quá lớn" in got, got


def test_competition_ranks_compare_n_log_n_times():
    # TD_XEPHANG compared every value with every other (10⁵ values: 244 s)
    from thidua_xl.core.ranking import competition_ranks

    count = 0

    class Key(float):
        def __lt__(self, other):
            nonlocal count
            count += 1
            return float.__lt__(self, other)

        def __gt__(self, other):
            nonlocal count
            count += 1
            return float.__gt__(self, other)

    n = 20_000
    keys = [Key((i * 7919) % 1000) for i in range(n)]
    ranks = competition_ranks(keys)
    assert count < 40 * n * math.log2(n)  # n² would be 4·10⁸
    # and the ranks are the rule's: 1 + the keys strictly higher
    s = sorted(float(k) for k in keys)
    import bisect

    assert all(r == 1 + n - bisect.bisect_right(s, float(k)) for k, r in zip(keys, ranks))
