"""One bloc's data, written as offices keep it: the canonical matrix and the other layouts
(tests/layouts/builders.py), and the same books converted by LibreOffice to .xls / .ods.

The data is chosen so every path of the engine shows: three sections with sub-criteria, a
bonus and a penalty section, three columns per unit (Tự chấm / Khối chấm / Thống nhất, the
last non-blank wins), last year's classifications (awards need HTXS last year), a tie
broken by a section, and a unit below the HTXS threshold.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .builders import crit, write_bloc

UNITS = [
    {"name": "Sở Tài chính", "last_year": "HTXS"},
    {"name": "Sở Tư pháp", "last_year": "HTXS"},
    {"name": "Sở Nội vụ", "last_year": "HTT"},
    {"name": "Ban Dân tộc", "last_year": "HTXS"},
]
NAMES = [u["name"] for u in UNITS]
SUBCOLS = ("Tự chấm", "Khối chấm", "Thống nhất")
INFO = {"Tên khối thi đua": "Khối thi đua các cơ quan tổng hợp", "Năm thi đua": 2024,
        "Khối trưởng": "Sở Nội vụ"}

#: (code, text, max, type) and each unit's (Tự chấm, Khối chấm, Thống nhất)
ROWS = [
    ("I", "Thực hiện nhiệm vụ chuyên môn", None, None, None),
    ("1", "Kết quả thực hiện kế hoạch", 30, None,
     [(30, 29, None), (29, None, 29.5), (28, 27, None), (30, 29, 29.5)]),
    ("2", "Cải cách hành chính", 20, None,
     [(20, None, None), (19.5, 19.5, None), (18, None, None), (19, None, None)]),
    ("II", "Công tác xây dựng Đảng, đoàn thể", None, None, None),
    ("1", "Xây dựng tổ chức", 25, None,
     [(25, 24.5, None), (25, None, None), (22, None, None), (25, None, None)]),
    ("2", "Phong trào thi đua", 25, None,
     [(24, None, None), (24.5, 24, None), (21, None, None), (24, None, None)]),
    ("III", "Điểm thưởng", None, "Điểm thưởng", None),
    ("1", "Sáng kiến được công nhận", 3, "Điểm thưởng",
     [(2, None, None), (1, None, None), (0, None, None), (2, None, None)]),
    ("IV", "Điểm trừ", None, "Điểm trừ", None),
    ("1", "Chậm báo cáo", 2, "Điểm trừ",
     [(0, None, None), (0.5, None, None), (1, None, None), (0, None, None)]),
]


def criteria() -> list[dict]:
    out = []
    for code, text, mx, typ, scores in ROWS:
        sc = {}
        for name, triple in zip(NAMES, scores or []):
            sc[name] = {lab: v for lab, v in zip(SUBCOLS, triple) if v is not None}
        out.append(crit(code, text, mx, type=typ, scores=sc))
    return out


def final(triple) -> float:
    """The value the matrix uses for a unit's cell: the last non-blank of the priority."""
    self_, bloc, agreed = triple
    return next(v for v in (agreed, bloc, self_) if v is not None)


def write_canonical(path: Path, **kw) -> Path:
    return write_bloc(path, units=UNITS, criteria=criteria(), info=INFO, subcols=SUBCOLS,
                      other_sheet=True, **kw)


def soffice() -> str | None:
    from thidua_xl.io.pdf import find_soffice

    return find_soffice()


def convert_all(books: list[Path], fmt: str, outdir: Path) -> dict[Path, Path]:
    """Every book converted by one LibreOffice run to ``fmt`` ("xls" or "ods")."""
    exe = soffice()
    assert exe is not None
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "profile"
    filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[fmt]
    subprocess.run([exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                    "--norestore", "--nolockcheck", "--convert-to", filt, "--outdir",
                    str(outdir), *map(str, books)], check=True, capture_output=True,
                   timeout=240)
    shutil.rmtree(profile, ignore_errors=True)
    out = {b: outdir / f"{b.stem}.{fmt}" for b in books}
    for b, o in out.items():
        assert o.is_file(), f"LibreOffice did not convert {b.name} to {fmt}"
    return out


def real(findings: list) -> list:
    """Findings of a JSON document without the one 'proposal-needs-verification' warning
    (#13) that a test book draws when it has no Kỷ luật column: these tests compare layouts
    and formats, not what a bloc left unchecked."""
    from thidua_xl.core.verification import CODE
    return [f for f in findings if (f["code"] if isinstance(f, dict) else f.code) != CODE]
