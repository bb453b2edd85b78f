"""(f) one TD_KETQUA call (thidua_xl.udfs, as plain Python) on the scoring table of the
30-unit × 80-criterion workbook (3 sub-columns per unit), values as Excel hands them over
(goal ≤ 20 ms per call). Also shows the same table scored by ``thidua_xl.check_file`` in
this process (reading the file included) for reference: the UDF skips the file, not the
parser or the engine.

    python benchmarks/bench_ketqua.py [--calls 20]
"""
from __future__ import annotations

import argparse

from common import Row, big_workbook, median_call_ms, print_rows


def run(calls: int = 20) -> tuple[list[Row], dict]:
    from openpyxl import load_workbook

    from thidua_xl import check_file
    from thidua_xl.udfs import TD_KETQUA

    path = big_workbook()
    ws = load_workbook(path, data_only=True)["Chấm điểm"]
    values = [[float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row]
              for row in ws.iter_rows(values_only=True)]
    table = TD_KETQUA(values)
    assert isinstance(table, list) and len(table) == 31, table
    expect = check_file(path)
    assert [r[1] for r in table[1:]] == [u.total for u in expect.units]
    udf_ms = median_call_ms(lambda: TD_KETQUA(values), calls)
    file_ms = median_call_ms(lambda: check_file(path), max(3, calls // 4))
    return [Row("f", "TD_KETQUA on a 30×80 scoring table, per call (median)", udf_ms, "ms",
                "≤ 20 ms", udf_ms <= 20.0,
                f"check_file of the same workbook: {file_ms:.1f} ms "
                f"({udf_ms / file_ms:.2f}×)")], {"udf_ms": udf_ms, "check_file_ms": file_ms}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20)
    print_rows(run(ap.parse_args().calls)[0])
