"""Render the documents the bloc sends to PNG, every page, so a person can look at them.

    python benchmarks/render_preview.py [OUTDIR]      (default: benchmarks/_work/preview)

For each bundled example workbook, and for a sample book whose proposals carry long notes
(tests/docs/samples.py ``long_notes_result``, with a named signer), scores it like ``thidua-xl score --pdf``
(the Tờ trình, the Đề nghị khen thưởng and the Biên bản, one PDF each) and writes one PNG
per page (pdftoppm -png -r 60): OUTDIR/<book>/<document>-<page>.png. Prints the time of
each step and the pages written.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.docs.samples import info_bloc, long_notes_result  # noqa: E402
from thidua_xl.api import score_file  # noqa: E402
from thidua_xl.api import example_workbooks  # noqa: E402
from thidua_xl.io.outputs import build_plan  # noqa: E402
from thidua_xl.io.pdf import export_documents  # noqa: E402
from thidua_xl.io.render_openpyxl import render_to_file  # noqa: E402


def _pngs(pdfs: list[Path], outdir: Path, dpi: int) -> list[Path]:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm missing: PDFs only")
        return []
    out: list[Path] = []
    for pdf in pdfs:
        slug = pdf.stem.rsplit("_ketqua_", 1)[-1]
        subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(outdir / slug)],
                       check=True)
        out += sorted(outdir.glob(f"{slug}-*.png"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", nargs="?", default=str(ROOT / "benchmarks" / "_work" / "preview"))
    ap.add_argument("--dpi", type=int, default=60)
    args = ap.parse_args(argv)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    books: list[tuple[str, Path | None]] = [(p.stem[:3], p) for p in example_workbooks()]
    books.append(("long_notes", None))
    for name, path in books:
        book_dir = out / name
        shutil.rmtree(book_dir, ignore_errors=True)
        book_dir.mkdir()
        t = time.perf_counter()
        if path is not None:
            with tempfile.TemporaryDirectory() as tmp:
                src = Path(tmp) / path.name
                shutil.copyfile(path, src)
                outcome = score_file(src, book_dir / f"{name}_ketqua.xlsx", pdf=True)
            if outcome.pdf_error:
                print(f"{name}: {outcome.pdf_error}")
                return 1
            pdfs = outcome.pdfs
        else:
            bloc = info_bloc(signer="Nguyễn Văn An", signer_title="Giám đốc Sở Tài chính",
                             regulation="Quyết định số 86/2025/QĐ-UBND của UBND tỉnh")
            plan = build_plan(long_notes_result(), bloc=bloc, today=date(2021, 12, 5))
            xlsx = render_to_file(plan, book_dir / f"{name}_ketqua.xlsx")
            pdfs = export_documents(plan, xlsx)
        print(f"{name:11s} {time.perf_counter() - t:6.2f} s  {len(pdfs)} PDF")
        for png in _pngs(pdfs, book_dir, args.dpi):
            print(f"            {png.relative_to(out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
