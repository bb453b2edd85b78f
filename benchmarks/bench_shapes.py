"""(k) `score` of the 200×800 workbook in the shapes real books take, against the floor of
the same book and against the plain book's score: every "Tự chấm" score formatted "0%"
(141,600 percent cells: the scan's percent pass), every "Thống nhất" score a formula on the
"Khối chấm" beside it with its value cached (141,600 formulas: the formula pass). What the
plain book does not show: the work that grows with the marks a sheet carries. Fresh
processes of a regular install (bench_floor's), the three books' floor and score
interleaved in each round; medians of the rounds.

    python benchmarks/bench_shapes.py [--repeat 5] [--sizes 200x800]
"""
from __future__ import annotations

import os
import statistics
import sys

from bench_floor import FLOOR, command_line, regular_install, timed
from common import WORK, Row, big_workbook, print_rows
from gen import formula_variant, percent_variant


def books(units: int, criteria: int) -> dict:
    src = big_workbook(units, criteria)
    out = {"plain": src}
    for shape, make in (("percent", percent_variant), ("formulas", formula_variant)):
        dest = WORK / f"{src.stem}-{shape}.xlsx"
        if not dest.exists():
            make(src, dest)
        out[shape] = dest
    return out


def run(repeat: int = 5, size: tuple[int, int] = (200, 800),
        python: str | None = None) -> tuple[list[Row], dict]:
    py = python or regular_install()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    shapes = books(*size)
    t: dict[tuple[str, str], list[float]] = {}
    for _ in range(repeat):
        for shape, src in shapes.items():
            for side, cmd in (("floor", [py, "-c", FLOOR, str(src), str(WORK / "k-floor.xlsx")]),
                              ("score", [py, "-m", "thidua_xl", "score", str(src), "-o",
                                         str(WORK / "k-score.xlsx")])):
                t.setdefault((shape, side), []).append(timed(cmd, env)[0])
    med = {k: statistics.median(v) for k, v in t.items()}
    label = f"{size[0]}×{size[1]}"
    rows = []
    for shape in ("percent", "formulas"):
        r = med[(shape, "score")] / med[(shape, "floor")]
        rows.append(Row("k", f"score {label} {shape} / its floor (median of {repeat})", r, "×",
                        "measured", True, f"score {med[(shape, 'score')] * 1000:.0f} ms, floor "
                        f"{med[(shape, 'floor')] * 1000:.0f} ms"))
        r = med[(shape, "score")] / med[("plain", "score")]
        rows.append(Row("k", f"score {label} {shape} / score of the plain book", r, "×",
                        "measured", True, f"plain {med[('plain', 'score')] * 1000:.0f} ms, "
                        f"plain floor {med[('plain', 'floor')] * 1000:.0f} ms"))
    return rows, {"seconds": {f"{a} {b}": v for (a, b), v in med.items()}}


if __name__ == "__main__":
    a = command_line(__doc__, "200x800")
    print(f"{os.cpu_count()} cores")
    for size in a.sizes:
        print_rows(run(a.repeat, size, a.python)[0])
    sys.exit(0)
