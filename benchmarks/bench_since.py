"""(j) Cold start against an earlier commit: `check` and `score` of the same workbooks as
fresh processes, this checkout vs REV (default 02e4099, the commit before issue 17 added
the audit sheets, `--nam-truoc`, `lich-su`, `to_frame` and TD_KETQUA, whose goal is that
check/score start no slower than before).

Both sides run on the same interpreter (the regular install of bench_floor, so that the
dependencies are the same; each side's package comes first on PYTHONPATH, byte-compiled),
one after the other in every round, workbook by workbook; medians of the rounds, of wall
time and of CPU time (user + system of the child, steadier on a busy machine).

    python benchmarks/bench_since.py [--rev 02e4099] [--rounds 11] [--python PY]

REV is checked out with `git worktree add --detach` under benchmarks/_work/ (kept for the
next run; `git worktree prune` after deleting it).
"""
from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys

from common import ROOT, WORK, Row, big_workbook, print_rows

EXAMPLE = ROOT / "workbooks" / "examples" / "000_thanh_hoa_2021_khoi_tham_muu_kinh_te.xlsx"


def checkout(rev: str) -> str:
    """A detached worktree of ``rev`` (made once), byte-compiled."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    where = WORK.parent / f"rev-{sha}"
    if not (where / "thidua_xl").is_dir():
        subprocess.run(["git", "worktree", "add", "--detach", "-f", str(where), sha],
                       cwd=ROOT, check=True, capture_output=True)
    compileall.compile_dir(str(where / "thidua_xl"), quiet=1)
    return str(where)


def _once(py: str, root: str, cmd: str, book, out) -> tuple[float, float]:
    """Wall and CPU time of one fresh ``cmd`` process of the checkout at ``root``."""
    from bench_floor import timed

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": root}
    args = [py, "-m", "thidua_xl", cmd, str(book)] + (["-o", str(out)] if cmd == "score" else [])
    wall, _, cpu = timed(args, env)
    return wall, cpu


def run(rev: str = "02e4099", rounds: int = 11, python: str | None = None
        ) -> tuple[list[Row], dict]:
    from bench_floor import regular_install

    py = python or regular_install()
    WORK.mkdir(parents=True, exist_ok=True)
    old = checkout(rev)  # (this checkout was compiled when common was imported)
    books = {"example 000": EXAMPLE, "30×80": big_workbook(30, 80)}
    sides = {"before": old, "now": str(ROOT)}
    samples: dict[tuple, list[tuple[float, float]]] = {}
    for _ in range(rounds):
        for label, book in books.items():
            for cmd in ("check", "score"):
                for side, root in sides.items():
                    out = WORK / f"since-{side}.xlsx"
                    samples.setdefault((label, cmd, side), []).append(
                        _once(py, root, cmd, book, out))
    rows, extra = [], {}
    for label in books:
        for cmd in ("check", "score"):
            med = {side: (statistics.median(w for w, _ in samples[(label, cmd, side)]),
                          statistics.median(c for _, c in samples[(label, cmd, side)]))
                   for side in sides}
            r_wall = med["now"][0] / med["before"][0]
            r_cpu = med["now"][1] / med["before"][1]
            rows.append(Row("j", f"{cmd} {label}: now / {rev} (CPU; median of {rounds})",
                            r_cpu, "×", "≤ 1.0", r_cpu <= 1.0,
                            f"CPU {med['before'][1] * 1000:.0f} → {med['now'][1] * 1000:.0f} ms,"
                            f" wall {med['before'][0] * 1000:.0f} → {med['now'][0] * 1000:.0f}"
                            f" ms ({r_wall:.2f}×)"))
            extra[f"{cmd} {label}"] = med
    return rows, extra


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rev", default="02e4099")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--python", help="the interpreter (default: bench_floor's regular install)")
    a = ap.parse_args()
    rows, _ = run(a.rev, a.rounds, a.python)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    print_rows(rows)
    sys.exit(0)
