"""(d) one TD_TONGDIEM call (thidua_xl.udfs, as plain Python) on an 80×30 range
(goal ≤ 5 ms per call). Also shows one 80×1 column for reference.

    python benchmarks/bench_udf.py [--calls 20]
"""
from __future__ import annotations

import argparse

from common import Row, median_call_ms, print_rows


def run(calls: int = 20) -> tuple[list[Row], dict]:
    from thidua_xl.udfs import TD_TONGDIEM

    maxes = [float(1 + i % 3) for i in range(80)]
    scores = [[max(0.0, m - 0.25 * ((i + u) % 4)) for u in range(30)] for i, m in enumerate(maxes)]
    max_grid = [[m] * 30 for m in maxes]
    result = TD_TONGDIEM(scores, max_grid)
    assert isinstance(result, float), result
    grid_ms = median_call_ms(lambda: TD_TONGDIEM(scores, max_grid), calls)
    col = [r[0] for r in scores]
    col_ms = median_call_ms(lambda: TD_TONGDIEM(col, maxes), calls)
    return [Row("d", "TD_TONGDIEM on an 80×30 range, per call (median)", grid_ms, "ms",
                "≤ 5 ms", grid_ms <= 5.0, f"80×1 column: {col_ms:.2f} ms")], \
        {"grid_ms": grid_ms, "column_ms": col_ms}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20)
    print_rows(run(ap.parse_args().calls)[0])
