"""Shared bits of the benchmark scripts: timing fresh subprocesses, medians, result rows.

Benchmarks print RATIOS measured in one run on this machine (never absolute goals in
tests): a ratio is robust to a slow or busy machine because both sides run under the
same conditions, one after the other.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work" / "province"
PY = sys.executable
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _precompile() -> None:
    """Byte-compile the package once, as `pip install` does: with PYTHONDONTWRITEBYTECODE
    set (some shells and CI images set it) an editable checkout would otherwise recompile
    every module in every measured process, while the openpyxl baseline runs from the
    .pyc files its installer wrote."""
    import compileall

    compileall.compile_dir(str(ROOT / "thidua_xl"), quiet=1)


_precompile()


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


def median_call(fn, repeat: int) -> float:
    """The median wall time of ``repeat`` in-process calls of ``fn``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_timed(cmd: list[str], *, check_codes=(0, 1), extra_env: dict | None = None) -> float:
    """Wall time of one fresh subprocess (output discarded)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=env() | (extra_env or {}), cwd=ROOT)
    dt = time.perf_counter() - t0
    if p.returncode not in check_codes:
        raise RuntimeError(f"{' '.join(cmd)} → {p.returncode}: {p.stderr.decode()[-2000:]}")
    return dt


def median_time(cmd: list[str], repeat: int, **kw) -> float:
    return statistics.median(run_timed(cmd, **kw) for _ in range(repeat))


def median_call_ms(fn, calls: int) -> float:
    """Median wall time of ``calls`` in-process calls of ``fn`` (after one warm call), ms."""
    fn()  # warm (imports, caches)
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def thidua(*args: str) -> list[str]:
    return [PY, "-m", "thidua_xl", *map(str, args)]


@dataclass
class Row:
    bench: str
    what: str
    value: float
    unit: str
    goal: str
    ok: bool
    detail: str = ""

    def cells(self) -> list[str]:
        v = f"{self.value:.3f}" if abs(self.value) < 100 else f"{self.value:.0f}"
        return [self.bench, self.what, f"{v} {self.unit}".strip(), self.goal,
                "đạt" if self.ok else "CHƯA ĐẠT", self.detail]


def big_workbook(units: int = 30, criteria: int = 80, rules: bool = False) -> Path:
    """The 30-unit × 80-criterion workbook (built once, reused); ``rules`` adds a filled
    "Quy định" sheet."""
    from benchmarks.gen import make_workbook

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"khoi-{units}x{criteria}{'-quy-dinh' if rules else ''}.xlsx"
    if not path.exists():
        make_workbook(path, units, criteria, rules=rules)
    return path


def print_rows(rows: list[Row]) -> None:
    print(f"{'bench':6} {'measure':58} {'value':>14}  goal")
    for r in rows:
        c = r.cells()
        print(f"{c[0]:6} {c[1]:58} {c[2]:>14}  {c[3]}  [{c[4]}] {c[5]}")
