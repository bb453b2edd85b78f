"""(a) `thidua-xl score` / `check` of a 30-unit × 80-criterion workbook vs a bare openpyxl
load+save of the same file, each a fresh subprocess. Goal: score ≤ 1.0 × load+save.

    python benchmarks/bench_score.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics

from common import PY, WORK, Row, big_workbook, print_rows, run_timed, thidua

BASELINE = ("import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); "
            "wb.save(sys.argv[2])")


def run(repeat: int = 5) -> tuple[list[Row], dict]:
    src = big_workbook()
    out = WORK / "score-out.xlsx"
    cmds = {"base": [PY, "-c", BASELINE, str(src), str(WORK / "resave.xlsx")],
            "score": thidua("score", src, "-o", out), "check": thidua("check", src)}
    # interleaved (base, score, check, base, ...) so a drifting machine load hits all
    # three alike; the median of each
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for k, cmd in cmds.items():
            times[k].append(run_timed(cmd))
    base, score, check = (statistics.median(times[k]) for k in ("base", "score", "check"))
    rows = [
        Row("a", "score 30×80 / openpyxl load+save (fresh processes)", score / base, "×",
            "≤ 1.0", score / base <= 1.0, f"score {score:.2f}s, load+save {base:.2f}s"),
        Row("a", "check 30×80 / openpyxl load+save (fresh processes)", check / base, "×",
            "≤ 1.0", check / base <= 1.0, f"check {check:.2f}s"),
    ]
    return rows, {"score_s": score, "check_s": check, "baseline_s": base}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    print_rows(run(ap.parse_args().repeat)[0])
