"""Benchmark workbooks: a realistic large bloc (30 units × 80 criteria, 3 sub-columns per unit).

    python benchmarks/gen.py OUT.xlsx [--units 30] [--criteria 80]

Built with tests/builders.py (the same builder the tests use), so it is a workbook the
product must read without complaint: 4 sections, leaves of max 1 or 2 summing to 100,
a few Định tính leaves, every unit's Tự chấm / Khối chấm / Thống nhất filled.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.builders import crit, write_bloc  # noqa: E402

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


#: a "Quy định" sheet as blocs write it (``make_workbook(..., rules=True)``)
RULES = {"Ngưỡng Hoàn thành xuất sắc (%)": 95, "Ngưỡng Hoàn thành tốt (%)": 85,
         "Ngưỡng Hoàn thành (%)": 75, "Thứ tự phân định đồng hạng": "Điểm trừ; I; II; III; IV",
         "Suy tôn Khối trưởng": "Xếp hạng"}
FORMS = [
    {"Hình thức khen thưởng": "Cờ thi đua của Chính phủ", "Số lượng tối đa": 1,
     "Xếp loại tối thiểu": "HTXS", "Không bị kỷ luật": "Có", "Năm trước HTXS": "Không"},
    {"Hình thức khen thưởng": "Cờ thi đua của UBND tỉnh", "Số lượng tối đa": 2,
     "Xếp loại tối thiểu": "HTXS", "Không bị kỷ luật": "Có", "Năm trước HTXS": "Không"},
    {"Hình thức khen thưởng": "Bằng khen của Chủ tịch UBND tỉnh", "Tỷ lệ tối đa (%)": 20,
     "Xếp loại tối thiểu": "HTXS", "Không bị kỷ luật": "Có", "Năm trước HTXS": "Có"},
]


def make_workbook(path: str | Path, units: int = 30, criteria: int = 80,
                  name: str = "Khối thi đua thử tải", year: int = 2025,
                  rules: bool = False) -> Path:
    """Write the benchmark workbook; ``criteria`` counts every row (sections included);
    ``rules`` adds a filled "Quy định" sheet."""
    names = [f"Sở thử nghiệm số {i + 1}" for i in range(units)]
    sections = 4
    leaves_per = max(1, (criteria - sections) // sections)
    n_leaves = leaves_per * sections
    # leaves of max 2 and 1 summing to 100 (when possible)
    twos = max(0, min(n_leaves, 100 - n_leaves))
    rows = []
    k = 0
    for s in range(sections):
        rows.append(crit(ROMAN[s], f"Mục {ROMAN[s]}: nhóm tiêu chí {s + 1}"))
        for j in range(leaves_per):
            mx = 2.0 if k < twos else 1.0
            qualitative = (j % 9 == 8)
            scores = {}
            for u, n in enumerate(names):
                if qualitative:
                    v = "Đạt" if (u * 5 + k) % 31 else "Không đạt"
                    scores[n] = {"Tự chấm": "Đạt", "Khối chấm": v, "Thống nhất": v}
                else:
                    # most criteria met in full, a few marked down: totals 90-100 as in a
                    # real bloc, so classification, awards and tie groups all have work
                    cut = 0.25 * (1 + (u + k) % 3) if (u * 7 + k) % 9 == 0 else 0.0
                    final = max(0.0, mx - cut)
                    scores[n] = {"Tự chấm": mx, "Khối chấm": final, "Thống nhất": final}
            rows.append(crit(str(j + 1), f"Tiêu chí {ROMAN[s]}.{j + 1}: nội dung đánh giá "
                             "theo giao ước thi đua", mx,
                             type="Định tính" if qualitative else None, scores=scores))
            k += 1
    units_rows = [{"name": n, "last_year": "HTXS" if i % 3 else "HTT", "discipline": "Không",
                   "women": "Có" if i % 4 == 0 else "Không"} for i, n in enumerate(names)]
    return write_bloc(path, units=units_rows, criteria=rows,
                      info={"Tên khối thi đua": name, "Năm thi đua": year,
                            "Tỉnh/Thành phố": "Tỉnh Thử nghiệm", "Khối trưởng": names[0],
                            "Khối phó": names[1]},
                      subcols=("Tự chấm", "Khối chấm", "Thống nhất"), title_rows=1,
                      rules=RULES if rules else None, forms=FORMS if rules else None)


def _cells_rewritten(src: Path, dest: Path, cell, styles=None) -> Path:
    """``src`` with each numeric cell of its unit columns (H on, rows of criteria) of the
    "Chấm điểm" sheet (its largest) rewritten by ``cell(col, match)`` (the cell's column
    index and its match: reference, row, value; None keeps it) and styles.xml by
    ``styles``; the other members as they are."""
    import re
    import zipfile

    from thidua_xl.io.grid import col_index

    number = re.compile(rb'<c r="([A-Z]+)([0-9]+)" t="n"><v>([^<]*)</v></c>')

    def sub(m):
        col = col_index(m.group(1).decode())
        got = cell(col, m) if col >= 8 and int(m.group(2)) >= 4 else None
        return m.group(0) if got is None else got

    with zipfile.ZipFile(src) as zi:
        sheet = max((i for i in zi.infolist() if i.filename.startswith("xl/worksheets/")),
                    key=lambda i: i.file_size).filename  # the score sheet: the largest
        tmp = dest.with_name(dest.name + ".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zo:
            for info in zi.infolist():
                data = zi.read(info)
                if info.filename == sheet:
                    data = number.sub(sub, data)
                elif info.filename == "xl/styles.xml" and styles is not None:
                    data = styles(data)
                zo.writestr(info.filename, data)
    os.replace(tmp, dest)
    return dest


def percent_variant(src: Path, dest: Path) -> Path:
    """``src`` with every "Tự chấm" score (the first sub-column) formatted "0%" (a new
    cell style of built-in format 9): a book whose scores a percent format marks."""
    import re

    def styles(data: bytes) -> bytes:
        m = re.search(rb'<cellXfs count="([0-9]+)">', data)
        end = data.index(b"</cellXfs>")
        xf = b'<xf numFmtId="9" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
        return (data[:m.start(1)] + str(int(m.group(1)) + 1).encode() + data[m.end(1):end]
                + xf + data[end:])

    mark = b' s="%d"' % _styles_count(src)
    return _cells_rewritten(src, dest, lambda col, m: (
        m.group(0).replace(b' t="n"', mark + b' t="n"', 1) if col % 3 == 2 else None),
        styles)


def formula_variant(src: Path, dest: Path) -> Path:
    """``src`` with every "Thống nhất" score (the third sub-column) a formula on the
    "Khối chấm" beside it, its value cached as Excel saves it."""
    from thidua_xl.io.grid import col_letter

    return _cells_rewritten(src, dest, lambda col, m: (
        b'<c r="%s%s" t="n"><f>%s%s</f><v>%s</v></c>' % (
            m.group(1), m.group(2), col_letter(col - 1).encode(), m.group(2), m.group(3))
        if col % 3 == 1 else None))


def _styles_count(src: Path) -> int:
    """The number of cell styles of ``src``: the index a new one takes."""
    import re
    import zipfile

    with zipfile.ZipFile(src) as z:
        return int(re.search(rb'<cellXfs count="([0-9]+)">', z.read("xl/styles.xml")).group(1))


def make_copies(src: Path, folder: Path, n: int) -> list[Path]:
    """``n`` copies of ``src`` in ``folder``: real copies, never hard links — a batch counts
    hard links of one file as that one file (it is named twice), so linked copies would
    measure a batch of a single workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        dst = folder / f"khoi-{i + 1:04d}.xlsx"
        if dst.exists() and dst.stat().st_nlink > 1:  # left by an older make_copies
            dst.unlink()
        if not dst.exists():
            shutil.copyfile(src, dst)
        out.append(dst)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--units", type=int, default=30)
    ap.add_argument("--criteria", type=int, default=80)
    a = ap.parse_args()
    print(make_workbook(a.out, a.units, a.criteria))
