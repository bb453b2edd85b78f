"""(a) `thidua-xl score` / `check` of a 30-unit × 80-criterion workbook vs a bare openpyxl
load+save of the same file, each a fresh subprocess. Goal: both ≤ 1.0 × load+save.

Two workbooks: without a "Quy định" sheet (the defaults of shared/spec/domain.md apply) and
with a filled one, whose validation imports pydantic-core. Output is discarded (as in a
log); one more row renders it as for a terminal (the rich table).

    python benchmarks/bench_score.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics

from common import PY, WORK, Row, big_workbook, print_rows, run_timed, thidua

BASELINE = ("import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); "
            "wb.save(sys.argv[2])")


def run(repeat: int = 5) -> tuple[list[Row], dict]:
    books = {"": big_workbook(), " + Quy định": big_workbook(rules=True)}
    out = WORK / "score-out.xlsx"
    cmds = {}
    for tag, src in books.items():
        cmds[("base", tag)] = [PY, "-c", BASELINE, str(src), str(WORK / "resave.xlsx")]
        cmds[("score", tag)] = thidua("score", src, "-o", out)
        cmds[("check", tag)] = thidua("check", src)
    # as on a terminal: the rich table instead of plain lines (stdout is discarded either
    # way; FORCE_COLOR makes the command render as for a screen)
    cmds[("score-terminal", "")] = cmds[("score", "")]
    terminal = {"FORCE_COLOR": "1", "COLUMNS": "120"}
    # interleaved (base, score, check, base, ...) so a drifting machine load hits every
    # command alike; the median of each
    times: dict[tuple, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for k, cmd in cmds.items():
            times[k].append(run_timed(cmd, extra_env=terminal if k[0].endswith("terminal")
                                      else None))
    med = {k: statistics.median(v) for k, v in times.items()}
    rows, extra = [], {}
    for tag in books:
        base = med[("base", tag)]
        for what in ("score", "check"):
            t = med[(what, tag)]
            rows.append(Row("a", f"{what} 30×80{tag} / openpyxl load+save", t / base, "×",
                            "≤ 1.0", t / base <= 1.0,
                            f"{what} {t:.2f}s, load+save {base:.2f}s"))
            extra[f"{what}{tag.replace(' + Quy định', '_quy_dinh')}_s"] = t
        extra[f"baseline{tag.replace(' + Quy định', '_quy_dinh')}_s"] = base
    t, base = med[("score-terminal", "")], med[("base", "")]
    rows.append(Row("a", "score 30×80, output to a terminal / load+save", t / base, "×",
                    "≤ 1.0", t / base <= 1.0, f"score {t:.2f}s (rich table)"))
    return rows, extra


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    print_rows(run(ap.parse_args().repeat)[0])
