"""(i) What `check` and `score` import: `python -X importtime`, fresh processes.

For each command (on the 30×80 workbook, a regular install as in bench_floor.py): the
modules imported, the sum of their own import times (the smallest of N runs per module:
the least a module costs here), split into thidua_xl's modules and the rest, and the
largest ones. The floor (bench_floor.FLOOR) is measured alike: what it imports is what any
tool that reads the file with calamine and writes a zip pays anyway.

    python benchmarks/bench_imports.py [--repeat 7] [--top 15]
"""
from __future__ import annotations

import argparse
import os
import subprocess
from collections import defaultdict

from bench_floor import FLOOR, regular_install
from common import WORK, Row, big_workbook, print_rows


def import_times(py: str, args: list[str], repeat: int, env: dict) -> dict[str, int]:
    """module → its own import time in µs (the least of ``repeat`` fresh runs)."""
    best: dict[str, int] = defaultdict(lambda: 1 << 62)
    for _ in range(repeat):
        err = subprocess.run([py, "-X", "importtime", *args], capture_output=True, text=True,
                             env=env, cwd=WORK).stderr
        for line in err.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            own, _, name = line[len("import time:"):].split("|")
            best[name.strip()] = min(best[name.strip()], int(own))
    return dict(best)


def run(repeat: int = 7, top: int = 15, python: str | None = None
        ) -> tuple[list[Row], dict]:
    py = python or regular_install()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    src = big_workbook()
    floor = import_times(py, ["-c", FLOOR, str(src), str(WORK / "imports-floor.xlsx")],
                         repeat, env)
    rows, extra = [], {}
    for what, args in (("check", ["-m", "thidua_xl", "check", str(src)]),
                       ("score", ["-m", "thidua_xl", "score", str(src), "-o",
                                  str(WORK / "imports-score.xlsx")])):
        t = import_times(py, args, repeat, env)
        ours = {k: v for k, v in t.items() if k.split(".")[0] == "thidua_xl"}
        beyond = {k: v for k, v in t.items() if k not in floor and k not in ours}
        total = sum(t.values()) / 1000
        rows.append(Row("i", f"{what}: import self-time, all modules ({len(t)})", total,
                        "ms", "measured", True,
                        f"thidua_xl {sum(ours.values()) / 1000:.1f} ms in {len(ours)} modules; "
                        f"beyond the floor's own imports {sum(beyond.values()) / 1000:.1f} ms "
                        f"in {len(beyond)}; the floor {sum(floor.values()) / 1000:.1f} ms"))
        extra[what] = sorted(t.items(), key=lambda kv: -kv[1])[:top]
    return rows, extra


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--python", help="measure the thidua_xl installed in this interpreter")
    a = ap.parse_args()
    rows, extra = run(a.repeat, a.top, a.python)
    print_rows(rows)
    for what, items in extra.items():
        print(f"\n{what}: the largest own import times (µs)")
        for name, us in items:
            print(f"  {us:7d}  {name}")
