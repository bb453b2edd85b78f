"""(e) peak memory of `thidua-xl batch` over 50 vs 500 files (goal: flat).

Each batch runs under a fresh helper process that reports ``ru_maxrss`` of its children:
the peak resident size of the largest process of the batch (the parent or a worker).

    python benchmarks/bench_memory.py [--small 50] [--large 500] [-j 2]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess

from common import PY, ROOT, WORK, Row, big_workbook, env, print_rows

HELPER = """
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(kb // 1024 if sys.platform == "darwin" else kb)
"""


def peak_kb(folder, out, jobs: int) -> int:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [PY, "-c", HELPER, PY, "-m", "thidua_xl", "batch", str(folder), "-o", str(out),
           "-j", str(jobs), "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env(), cwd=ROOT, check=True)
    shutil.rmtree(out, ignore_errors=True)
    return int(p.stdout.strip().splitlines()[-1])


def run(small: int = 50, large: int = 500, jobs: int = 2) -> tuple[list[Row], dict]:
    from gen import make_copies

    src = big_workbook()
    res = {}
    for n in (small, large):
        folder = WORK / f"batch-{n}"
        make_copies(src, folder, n)
        res[n] = peak_kb(folder, WORK / f"mem-{n}-out", jobs)
    ratio = res[large] / res[small]
    return [Row("e", f"peak RSS batch {large} files / {small} files (-j {jobs})", ratio, "×",
                "flat (≤ 1.2)", ratio <= 1.2,
                f"{res[small] / 1024:.0f} MB vs {res[large] / 1024:.0f} MB")], \
        {"small_kb": res[small], "large_kb": res[large]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=50)
    ap.add_argument("--large", type=int, default=500)
    ap.add_argument("-j", type=int, default=2)
    a = ap.parse_args()
    print_rows(run(a.small, a.large, a.j)[0])
