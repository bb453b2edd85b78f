"""(b) `thidua-xl batch` of N copies of the 30×80 workbook: -j 2 vs -j 1 throughput
(goal ≥ 1.6×) and the per-file cost inside a batch vs one `thidua-xl score` process per
file (goal ≤ 0.25×).

    python benchmarks/bench_batch.py [--files 200]
"""
from __future__ import annotations

import argparse
import shutil
import statistics

from common import WORK, Row, big_workbook, print_rows, run_timed, thidua


def run(files: int = 200) -> tuple[list[Row], dict]:
    from gen import make_copies

    src = big_workbook()
    folder = WORK / f"batch-{files}"
    make_copies(src, folder, files)
    one = thidua("score", src, "-o", WORK / "one.xlsx")
    singles = [run_timed(one) for _ in range(3)]  # around the batches: a drifting machine
    times = {}                                     # load weighs on both sides alike
    for j in (1, 2):
        out = WORK / f"batch-{files}-out-j{j}"
        shutil.rmtree(out, ignore_errors=True)
        times[j] = run_timed(thidua("batch", folder, "-o", out, "-j", j, "--json"))
        shutil.rmtree(out, ignore_errors=True)
        singles += [run_timed(one) for _ in range(3)]
    single_score_s = statistics.median(singles)
    speedup = times[1] / times[2]
    per_file = times[1] / files
    rows = [
        Row("b", f"batch {files} files: throughput -j 2 / -j 1", speedup, "×", "≥ 1.6",
            speedup >= 1.6, f"-j1 {times[1]:.1f}s, -j2 {times[2]:.1f}s"),
        Row("b", "per-file cost in batch (-j 1) / one score process", per_file / single_score_s,
            "×", "≤ 0.25", per_file / single_score_s <= 0.25,
            f"{per_file:.2f}s vs {single_score_s:.2f}s"),
    ]
    return rows, {"j1_s": times[1], "j2_s": times[2], "per_file_s": per_file}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    print_rows(run(ap.parse_args().files)[0])
