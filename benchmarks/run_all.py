"""Run every province benchmark (a)–(k) and print one table of ratios.

    python benchmarks/run_all.py            # full sizes (several minutes)
    python benchmarks/run_all.py --quick    # small sizes, to try the scripts

Ratios only: both sides of each ratio are measured in this run, on this machine.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batch  # noqa: E402
import bench_floor  # noqa: E402
import bench_imports  # noqa: E402
import bench_foreign  # noqa: E402
import bench_ketqua  # noqa: E402
import bench_memory  # noqa: E402
import bench_score  # noqa: E402
import bench_shapes  # noqa: E402
import bench_since  # noqa: E402
import bench_startup  # noqa: E402
import bench_udf  # noqa: E402
from common import print_rows  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    ap.add_argument("--only", default="abcdefghijk",
                    help="which benchmarks, e.g. 'acd' (f: .xls/.ods reading, g: TD_KETQUA, "
                         "h: score/check against the floor, i: imports, j: cold start against the "
                         "commit before issue 17, k: the 200×800 book with percent formats "
                         "and with formulas)")
    a = ap.parse_args()
    files, small, large, repeat = (20, 10, 40, 1) if a.quick else (200, 50, 500, 3)
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(f"machine: {platform.machine()} {platform.system()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {load:.2f}")
    rows = []
    t0 = time.time()
    for key in a.only:
        if key == "a":
            r, _ = bench_score.run(repeat)
        elif key == "b":
            r, _ = bench_batch.run(files, 3 if not a.quick else 1)  # paired rounds
        elif key == "c":
            r, _ = bench_startup.run(7 if not a.quick else 3)
        elif key == "d":
            r, _ = bench_udf.run(20 if not a.quick else 5)
        elif key == "e":
            r, _ = bench_memory.run(small, large, 2)
        elif key == "f":
            r, _ = bench_foreign.run(7 if not a.quick else 2)
        elif key == "g":
            r, _ = bench_ketqua.run(20 if not a.quick else 5)
        elif key == "i":
            r, _ = bench_imports.run(7 if not a.quick else 2)
        elif key == "h":
            r, _ = bench_floor.run(5 if not a.quick else 1,
                                   ((30, 80), (200, 800)) if not a.quick else ((30, 80),))
        elif key == "j":
            r, _ = bench_since.run(rounds=11 if not a.quick else 2)
        elif key == "k":
            r, _ = bench_shapes.run(3 if not a.quick else 1,
                                    (200, 800) if not a.quick else (30, 80))
        else:
            continue
        rows += r
        print_rows(r)
        sys.stdout.flush()
    print()
    print(f"== summary ({os.cpu_count()} cores, {time.time() - t0:.0f}s) ==")
    print_rows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
