"""(h) `score` and `check` against the floor: the least a Python tool can do with the file.

The floor is a fresh Python process that reads every sheet with python-calamine, sums each
column of numbers (one total per unit column), copies every part of the input's zip and
adds one sheet of those totals (the script is FLOOR below). Goals (issue #18): score/floor
≤ 2.0 at 30×80 and at 200×800 (units × criteria, 3 sub-columns per unit), and peak RSS of
`score` ≤ 2× the floor's at 200×800. Beside it, a reference: the floor that also writes
"Chi tiết điểm" (FLOOR_DETAIL, the sheet of one row per unit and criterion the spec asks
for, 136 MB of XML at 200×800) as plainly as Python can, so that what that sheet alone
costs is seen apart from the score's own work. Every command is a fresh process; the sides
run one after the other in each round (floor, floor + Chi tiết điểm, score, check, floor,
...), medians of the rounds.

What is measured is a REGULAR install of this checkout in a venv of its own
(benchmarks/_work/venv: made once with the package's dependencies, the package itself
reinstalled from the checkout at every run, byte-compiled), not the editable one: an
editable install adds its import hook to every process (~15 ms). `--python PY` measures
the thidua_xl that PY already has installed instead.

    python benchmarks/bench_floor.py [--repeat 5] [--sizes 30x80,200x800] [--python PY]
"""
from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import zipfile

from common import PY, ROOT, WORK, Row, big_workbook, print_rows

FLOOR = r'''
import sys, zipfile
from python_calamine import CalamineWorkbook
src, out = sys.argv[1], sys.argv[2]
wb = CalamineWorkbook.from_path(src)
sums = {}
for name in wb.sheet_names:
    for row in wb.get_sheet_by_name(name).to_python():
        for j, v in enumerate(row):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                sums[j] = sums.get(j, 0.0) + v
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
    for info in zi.infolist():
        zo.writestr(info, zi.read(info.filename))
    body = "".join(f'<row r="{i + 1}"><c r="A{i + 1}"><v>{v}</v></c></row>'
                   for i, v in enumerate(sums.values()))
    zo.writestr("xl/worksheets/floor.xml",
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                "<sheetData>" + body + "</sheetData></worksheet>")
'''

#: the floor, then also the one sheet the spec asks for per unit and leaf criterion ("Chi
#: tiết điểm", interfaces.md: 10 cells a row, an "Ô nguồn" hyperlink each), from the rows
#: calamine read, as directly as plain Python writes it: no checking, every row's bytes one
#: join of pieces encoded once a unit or criterion, the deflate level the product uses (3)
#: on this one thread. A reference, not the issue's floor: what writing that sheet costs
#: any Python tool, next to which the score's own work is read
_READ = "    for row in wb.get_sheet_by_name(name).to_python():\n"
assert _READ in FLOOR
FLOOR_DETAIL = FLOOR.replace(_READ, (  # the floor keeping the rows it read, not reading twice
    "    sheets[name] = read = wb.get_sheet_by_name(name).to_python()\n"
    "    for row in read:\n")).replace("sums = {}\n", "sums, sheets = {}, {}\n") + r"""
import time
rows = sheets["Chấm điểm"]
def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
def col(c):
    s = ""
    while c:
        c, m = divmod(c - 1, 26)
        s = chr(65 + m) + s
    return s
units = [(esc(v), col(j + 3).encode(), j + 2) for j, v in enumerate(rows[1])
         if j >= 7 and v not in ("", None)]  # each unit: its 3 sub-columns, the last scored
leaves, section = [], ""
for i, r in enumerate(rows[3:], start=4):
    if isinstance(r[2], float):
        leaves.append((esc(f"{section}.{r[0]}"), esc(r[1]), str(i).encode(), i - 1))
    elif r[0] != "":
        section = r[0]
T = b'" s="33" t="inlineStr"><is><t xml:space="preserve">'
E = b"</t></is></c><c r=\""
KIND, COLUMN, SHEET = esc("Chấm điểm"), esc("Thống nhất"), esc("Chấm điểm!")
LOC = esc("'Chấm điểm'!")
def num(v):
    return repr(v).encode() if isinstance(v, float) else b"0"
body, links, n = [], [], 4
for name, letter, j in units:
    for code, text, rn, i in leaves:
        rs, v = str(n).encode(), num(rows[i][j])
        body.append(b"".join((
            b'<row r="', rs, b'"><c r="A', rs, T, name, E, b"B", rs, T, code, E, b"C", rs, T,
            text, E, b"D", rs, T, KIND, E, b"E", rs, b'" s="34"><v>', v, b"</v></c><c r=\"F",
            rs, T, COLUMN, E, b"G", rs, b'" s="35" t="inlineStr"><is><t xml:space="preserve">',
            SHEET, letter, rn, E, b"H", rs, b'" s="34"><v>', v, b"</v></c><c r=\"I", rs,
            b'" s="36"><v>1</v></c><c r="J', rs, b'" s="34"><v>', v, b"</v></c></row>")))
        links.append(b"".join((b'<hyperlink ref="G', rs, b'" location="', LOC, letter, rn,
                               b'" display="', SHEET, letter, rn, b'"/>')))
        n += 1
info = zipfile.ZipInfo("xl/worksheets/detail.xml", time.localtime()[:6])
info.compress_type, info._compresslevel = zipfile.ZIP_DEFLATED, 3
with zipfile.ZipFile(out, "a") as zo, zo.open(info, "w") as f:
    f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>")
    for k in range(0, len(body), 2000):
        f.write(b"".join(body[k:k + 2000]))
    f.write(b"</sheetData><hyperlinks>" + b"".join(links) + b"</hyperlinks></worksheet>")
"""

VENV = WORK.parent / "venv"


@functools.cache  # (h, i and j each ask; run_all installs once)
def regular_install() -> str:
    """The python of a venv whose `import thidua_xl` is a regular install of ROOT."""
    py = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    quiet = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if not py.exists():
        subprocess.run([PY, "-m", "venv", str(VENV)], **quiet)
        subprocess.run([str(py), "-m", "pip", "install", "-q", str(ROOT)], **quiet)
    else:
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps",
                        "--force-reinstall", str(ROOT)], **quiet)
    subprocess.run([str(py), "-m", "compileall", "-q", str(VENV)], **quiet)
    return str(py)


#: runs one command and prints its wall time, peak RSS and CPU time (all its threads): a
#: small process of its own, so that the measured child's peak is not the benchmark's own
#: size, which a child has between fork and exec
TIMER = r'''
import os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(time.perf_counter() - t0, usage.ru_maxrss, usage.ru_utime + usage.ru_stime,
      os.waitstatus_to_exitcode(status))
'''


def timed(cmd: list[str], env: dict) -> tuple[float, int, float]:
    """Wall time (s), peak RSS (KB) and CPU time (s) of one fresh process (exit 0 or 1)."""
    p = subprocess.run([PY, "-c", TIMER, *map(str, cmd)], capture_output=True, text=True,
                       env=env, cwd=WORK)
    dt, rss, cpu, code = p.stdout.split()
    if int(code) not in (0, 1):
        raise RuntimeError(f"{' '.join(map(str, cmd))} → {code}")
    return float(dt), int(rss), float(cpu)


def run(repeat: int = 5, sizes: tuple[tuple[int, int], ...] = ((30, 80), (200, 800)),
        python: str | None = None) -> tuple[list[Row], dict]:
    py = python or regular_install()
    WORK.mkdir(parents=True, exist_ok=True)  # the cwd of every process below
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([py, "-c", "import thidua_xl; print(thidua_xl.__file__)"],
                           capture_output=True, text=True, env=env, check=True,
                           cwd=WORK).stdout.strip()
    rows, extra = [], {"measured": where}
    for units, criteria in sizes:
        src = big_workbook(units, criteria)
        cmds = {"floor": [py, "-c", FLOOR, str(src), str(WORK / "floor-out.xlsx")],
                "floor+detail": [py, "-c", FLOOR_DETAIL, str(src),
                                 str(WORK / "floor-detail-out.xlsx")],
                "score": [py, "-m", "thidua_xl", "score", str(src), "-o",
                          str(WORK / "floor-score.xlsx")],
                "check": [py, "-m", "thidua_xl", "check", str(src)]}
        samples: dict[str, list[tuple[float, int, float]]] = {k: [] for k in cmds}
        (WORK / "floor-detail-out.xlsx").unlink(missing_ok=True)  # checked after the rounds
        for _ in range(repeat):
            for k, cmd in cmds.items():
                samples[k].append(timed(cmd, env))
        with zipfile.ZipFile(WORK / "floor-detail-out.xlsx") as z:  # a reference that failed
            if "xl/worksheets/detail.xml" not in z.namelist():  # (exit 1, as check's may)
                raise RuntimeError("the reference wrote no Chi tiết điểm")
        t = {k: statistics.median(s[0] for s in v) for k, v in samples.items()}
        rss = {k: max(s[1] for s in v) for k, v in samples.items()}
        size = f"{units}×{criteria}"
        for what in ("score", "check"):
            r = t[what] / t["floor"]
            goal = "≤ 2.0" if what == "score" else "measured"
            rows.append(Row("h", f"{what} {size} / floor (median of {repeat})", r, "×", goal,
                            r <= 2.0, f"{what} {t[what] * 1000:.0f} ms, floor "
                            f"{t['floor'] * 1000:.0f} ms"))
        r = t["score"] / t["floor+detail"]
        rows.append(Row("h", f"score {size} / floor + Chi tiết điểm (reference)", r, "×",
                        "measured", True, f"floor + Chi tiết điểm "
                        f"{t['floor+detail'] * 1000:.0f} ms = "
                        f"{t['floor+detail'] / t['floor']:.2f} × the floor"))
        r = rss["score"] / rss["floor"]
        rows.append(Row("h", f"peak RSS score {size} / floor", r, "×",
                        "≤ 2.0" if (units, criteria) == sizes[-1] else "measured", r <= 2.0,
                        f"score {rss['score'] / 1024:.0f} MB, check "
                        f"{rss['check'] / 1024:.0f} MB, floor {rss['floor'] / 1024:.0f} MB"))
        extra[size] = {"seconds": t, "rss_kb": rss}
    return rows, extra


def _sizes(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(tuple(int(n) for n in s.split("x")) for s in text.split(","))  # type: ignore


def command_line(doc: str, sizes: str) -> argparse.Namespace:
    """The options of a benchmark of fresh processes of the regular install (h, k):
    ``--repeat``, ``--sizes`` (parsed: ((units, criteria), ...)), ``--python``."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", default=sizes, help="units×criteria, comma-separated")
    ap.add_argument("--python", help="measure the thidua_xl installed in this interpreter")
    a = ap.parse_args()
    a.sizes = _sizes(a.sizes)
    return a


if __name__ == "__main__":
    a = command_line(__doc__, "30x80,200x800")
    rows, extra = run(a.repeat, a.sizes, a.python)
    print(f"{os.cpu_count()} cores; measured: {extra['measured']}")
    print_rows(rows)
    sys.exit(0)
