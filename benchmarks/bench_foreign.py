"""(f) Reading an .xls or .ods costs at most 1.5× reading the same book as .xlsx (issue
#14); the LibreOffice conversion that carries the user's sheets into the output is
measured apart, against the whole `score` of the .xlsx.

The 30-unit × 80-criterion workbook of bench_score.py is converted once by LibreOffice to
.xls and .ods; then, in this process and interleaved, ``api.read_grid`` (what `check`,
`score` and `batch` call) and ``api.check_file`` (read + layout + parse + engine) of each
format, median of ``--repeat`` runs; then ``io.foreign.xlsx_base`` (the headless
conversion of a copy) of the .xls and .ods.

    python benchmarks/bench_foreign.py [--repeat 7]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import WORK, Row, big_workbook, median_call, print_rows  # noqa: E402


def _converted(src: Path, fmt: str) -> Path:
    from thidua_xl.io.pdf import find_soffice

    out = WORK / f"{src.stem}.{fmt}"
    if out.exists() and out.stat().st_mtime >= src.stat().st_mtime:
        return out
    exe = find_soffice()
    if exe is None:
        raise SystemExit("LibreOffice (soffice) is needed to make the .xls/.ods books")
    with tempfile.TemporaryDirectory() as prof:
        filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[fmt]
        subprocess.run([exe, f"-env:UserInstallation={Path(prof).as_uri()}", "--headless",
                        "--norestore", "--convert-to", filt, "--outdir", str(WORK), str(src)],
                       check=True, capture_output=True, timeout=300)
    return out


def run(repeat: int = 7) -> tuple[list[Row], dict]:
    from thidua_xl import api
    from thidua_xl.io.foreign import xlsx_base

    src = big_workbook()
    books = {"xlsx": src, "xls": _converted(src, "xls"), "ods": _converted(src, "ods")}
    for p in books.values():  # warm: imports, page cache
        api.check_file(p)
    read = {k: [] for k in books}
    check = {k: [] for k in books}
    for _ in range(repeat):  # interleaved, so a drifting load hits every format alike
        for k, p in books.items():
            read[k].append(median_call(lambda p=p: api.read_grid(p), 1))
            check[k].append(median_call(lambda p=p: api.check_file(p), 1))
    r = {k: statistics.median(v) for k, v in read.items()}
    c = {k: statistics.median(v) for k, v in check.items()}
    rows, extra = [], {}
    for k in ("xls", "ods"):
        rows.append(Row("f", f"read_grid 30×80 .{k} / .xlsx", r[k] / r["xlsx"], "×", "≤ 1.5",
                        r[k] / r["xlsx"] <= 1.5,
                        f".{k} {r[k] * 1000:.0f} ms, .xlsx {r['xlsx'] * 1000:.0f} ms"))
        rows.append(Row("f", f"check_file 30×80 .{k} / .xlsx", c[k] / c["xlsx"], "×", "≤ 1.5",
                        c[k] / c["xlsx"] <= 1.5,
                        f".{k} {c[k] * 1000:.0f} ms, .xlsx {c['xlsx'] * 1000:.0f} ms"))
        extra[f"read_{k}_s"], extra[f"check_{k}_s"] = r[k], c[k]
    extra["read_xlsx_s"], extra["check_xlsx_s"] = r["xlsx"], c["xlsx"]
    score_xlsx = median_call(lambda: api.score_file(src, WORK / "foreign-score.xlsx"), 3)
    for k in ("xls", "ods"):
        def convert(p=books[k]):
            with tempfile.TemporaryDirectory() as d:
                assert xlsx_base(p, d).converted
        t = median_call(convert, 3)
        rows.append(Row("f", f"LibreOffice conversion of the .{k} / score of the .xlsx",
                        t / score_xlsx, "×", "(measured)", True,
                        f"conversion {t:.2f}s, score .xlsx {score_xlsx:.2f}s"))
        extra[f"convert_{k}_s"] = t
    return rows, extra


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    print_rows(run(ap.parse_args().repeat)[0])
