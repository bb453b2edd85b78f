"""Render a sample result to xlsx → PDF → PNG, so a person can look at the documents.

    python benchmarks/render_preview.py [OUTDIR]      (default: benchmarks/_work/preview)

Writes OUTDIR/preview.xlsx, one PDF per output sheet and the PNG of each PDF's first page
(pdftoppm -png -r 80), and prints the time of each step.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.docs.samples import realistic_result  # noqa: E402
from thidua_xl.io.outputs import build_plan  # noqa: E402
from thidua_xl.io.pdf import export_pdf  # noqa: E402
from thidua_xl.io.plan import OUTPUT_SHEETS  # noqa: E402
from thidua_xl.io.render_openpyxl import render_to_file  # noqa: E402

SLUGS = {"Kết quả": "ket-qua", "Đề nghị khen thưởng": "de-nghi-khen-thuong",
         "Kiểm tra": "kiem-tra", "Biên bản họp bình xét": "bien-ban"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", nargs="?", default=str(ROOT / "benchmarks" / "_work" / "preview"))
    ap.add_argument("--dated", action="store_true", help="fill the date line (today)")
    args = ap.parse_args(argv)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    plan = build_plan(realistic_result(), today=date.today() if args.dated else None)
    xlsx = render_to_file(plan, out / "preview.xlsx")
    print(f"xlsx  {time.perf_counter() - t0:6.2f} s  {xlsx}")
    pdftoppm = shutil.which("pdftoppm")
    for name in OUTPUT_SHEETS:
        if plan.sheet(name) is None:
            continue
        slug = SLUGS.get(name, name)
        t = time.perf_counter()
        pdf = export_pdf(xlsx, out / f"{slug}.pdf", sheets=[name])
        print(f"pdf   {time.perf_counter() - t:6.2f} s  {pdf}")
        if pdftoppm:
            subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1",
                            "-singlefile", str(pdf), str(out / slug)], check=True)
            print(f"png            {out / (slug + '.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
