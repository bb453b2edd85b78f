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
    for pkg in ("core", "io", "excel"):
        assert f"thidua_xl/{pkg}/__init__.py" in names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
