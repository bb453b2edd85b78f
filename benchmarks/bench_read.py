"""Time read_grid on a realistic bloc workbook: calamine (+scan) vs openpyxl.

    python benchmarks/bench_read.py [--units 30] [--criteria 80] [--repeat 5]

Builds (with openpyxl, in a temporary folder) a workbook of ``units`` unit column groups ×
``criteria`` criteria with 3 sub-columns per unit (Tự chấm, Khối chấm, Thống nhất), merged
unit headers, a few percent cells and a totals row of formulas, then reads it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def build(path: Path, units: int, criteria: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.builders import crit, write_bloc

    names = [f"Sở {i:02d}" for i in range(1, units + 1)]
    rows = []
    per_section = 10
    for s in range(criteria // per_section):
        rows.append(crit(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][s % 10],
                         f"Phần {s + 1}"))
        for k in range(1, per_section + 1):
            rows.append(crit(str(k), f"Tiêu chí {s + 1}.{k}", 10, scores={
                n: {"Tự chấm": 9, "Khối chấm": "8,5", "Thống nhất": 8.75} for n in names}))
    write_bloc(path, units=names, criteria=rows, subcols=("Tự chấm", "Khối chấm", "Thống nhất"),
               info={"Tên khối thi đua": "Khối bench", "Năm thi đua": 2024}, title_rows=1,
               totals_row={n: "=SUM(A1:A2)" for n in names})
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=30)
    ap.add_argument("--criteria", type=int, default=80)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    from thidua_xl.core.text import fold
    from thidua_xl.io.readers import read_grid

    wanted = {fold(x) for x in ("Thông tin", "Đơn vị", "Chấm điểm", "Quy định")}
    with tempfile.TemporaryDirectory() as d:
        p = build(Path(d) / "bench.xlsx", a.units, a.criteria)
        g = read_grid(p)
        s = g.find_sheet("Chấm điểm")
        print(f"workbook: {p.stat().st_size / 1024:.0f} KiB, Chấm điểm {s.max_row}×{s.max_col}, "
              f"{len(s.values)} values, {len(s.merges)} merges, {len(s.uncached)} uncached")
        for label, kw in (("calamine (auto)", {}), ("calamine, only parser sheets",
                                                    {"only": lambda n: fold(n) in wanted}),
                          ("openpyxl", {"reader": "openpyxl"})):
            times = []
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                read_grid(p, **kw)
                times.append(time.perf_counter() - t0)
            print(f"{label:<30} median {statistics.median(times) * 1000:7.1f} ms  "
                  f"min {min(times) * 1000:7.1f} ms  ({a.repeat} runs)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
