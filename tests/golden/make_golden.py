"""Golden snapshot of every bundled example's outputs (the "outputs identical" proof).

For each ``workbooks/examples/*.xlsx`` this scores the file through the library
(``thidua_xl.api.score_file``) on a copy and stores, in ``tests/golden/<stem>.json``:

- ``result``: the JSON result (``BlocResult.to_json()``, the ``--json`` contract), with the
  file path reduced to its name;
- ``sheets``: for every output sheet written (Kết quả, Đề nghị khen thưởng, Kiểm tra,
  Biên bản họp bình xét), its cell values as ``{"A1": value}`` (dates as ISO text,
  the temporary folder as ``<dir>``).

``tests/test_golden.py`` re-scores each example and compares with these files. A change that
alters outputs ON PURPOSE regenerates them::

    python tests/golden/make_golden.py          # rewrite tests/golden/*.json
    git diff tests/golden                       # review: only the intended changes
"""
from __future__ import annotations

import datetime as _dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "workbooks" / "examples"
GOLDEN = Path(__file__).resolve().parent


def _value(v, workdir: Path):
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, str):  # the scored copy's folder changes every run
        return v.replace(str(workdir), "<dir>")
    return v


def snapshot(example: Path, workdir: Path) -> dict:
    """Score a copy of ``example`` in ``workdir``; the result JSON and output cell values."""
    from openpyxl import load_workbook

    from thidua_xl.api import score_file
    from thidua_xl.io.plan import OUTPUT_SHEETS

    src = workdir / example.name
    shutil.copyfile(example, src)
    outcome = score_file(src, workdir / f"{example.stem}_out.xlsx")
    result = outcome.result.to_json()
    result["file"] = Path(result.get("file") or "").name
    sheets: dict[str, dict] = {}
    if outcome.out is not None:
        wb = load_workbook(outcome.out, data_only=False)
        for name in wb.sheetnames:
            if name not in OUTPUT_SHEETS:
                continue
            cells = {}
            for row in wb[name].iter_rows():
                for c in row:
                    if c.value is not None:
                        cells[c.coordinate] = _value(c.value, workdir)
            sheets[name] = cells
    return {"result": result, "sheets": sheets}


def render(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.xlsx"))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for ex in examples():
            (GOLDEN / f"{ex.stem}.json").write_text(render(snapshot(ex, Path(tmp))),
                                                   encoding="utf-8")
            print(f"{ex.stem}.json")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
