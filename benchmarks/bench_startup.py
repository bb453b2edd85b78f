"""(c) cold `thidua-xl --help` vs bare `python -c pass` (goal: ≤ +0.25 s).

    python benchmarks/bench_startup.py [--repeat 7]
"""
from __future__ import annotations

import argparse

from common import PY, Row, median_time, print_rows, thidua


def run(repeat: int = 7) -> tuple[list[Row], dict]:
    bare = median_time([PY, "-c", "pass"], repeat)
    helped = median_time(thidua("--help"), repeat)
    extra = helped - bare
    return [Row("c", "thidua-xl --help minus python -c pass (median)", extra, "s", "≤ +0.25 s",
                extra <= 0.25, f"--help {helped:.3f}s, bare {bare:.3f}s")], \
        {"help_s": helped, "bare_s": bare}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    print_rows(run(ap.parse_args().repeat)[0])
