"""Rebuild workbooks/mau-trong.xlsx, the blank standard workbook shipped with the project.

    python workbooks/build_template.py

tests/province/test_template.py checks that the committed file has the structure of a
fresh render, so run this after changing thidua_xl/template.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from thidua_xl.template import write_template  # noqa: E402

if __name__ == "__main__":
    out = write_template(HERE / "mau-trong.xlsx")
    print(f"wrote {out.relative_to(HERE.parent)}")
