"""The wheel carries what the commands read besides code: the example workbooks (`demo`),
the add-in sources (`addin build`) and the user guide (the ribbon's "Hướng dẫn"), under
thidua_xl/data/ — a `pip install` without the source tree must still run them."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_the_bundled_files(tmp_path):
    # as pip builds it for users: in an isolated environment with pyproject's setuptools
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                           "-w", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("thidua_xl-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    examples = sorted(p.name for p in (ROOT / "workbooks" / "examples").glob("*.xlsx"))
    assert examples and all(f"thidua_xl/data/examples/{n}" in names for n in examples)
    assert {"thidua_xl/data/addin/customUI.xml", "thidua_xl/data/addin/RibbonThidua.bas",
            "thidua_xl/data/huong-dan.md", "thidua_xl/data/json-schema.json"} <= names
    # every module of the source tree ships (pyproject lists the packages one by one: a new
    # subpackage left out of that list would work in a checkout and fail after pip install)
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "thidua_xl").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules and not modules - names, sorted(modules - names)
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
