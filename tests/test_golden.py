"""Every bundled example's outputs are identical to the golden snapshot (tests/golden).

The snapshot is the JSON result and the cell values of every output sheet, made by
``tests/golden/make_golden.py``. A change meant to alter outputs regenerates it with that
script (and the diff of tests/golden shows what changed); any other difference is a bug.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
make_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_golden)


@pytest.mark.parametrize("example", make_golden.examples(), ids=lambda p: p.stem[:3])
def test_outputs_equal_golden(example: Path, tmp_path: Path) -> None:
    golden = GOLDEN / f"{example.stem}.json"
    assert golden.exists(), f"no golden file: run python tests/golden/make_golden.py"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    got = json.loads(make_golden.render(make_golden.snapshot(example, tmp_path)))
    assert got["result"] == expected["result"]
    assert sorted(got["sheets"]) == sorted(expected["sheets"])
    for name, cells in expected["sheets"].items():
        assert got["sheets"][name] == cells, name


def test_every_example_has_a_golden_file() -> None:
    stems = {p.stem for p in make_golden.examples()}
    assert stems and stems == {p.stem for p in GOLDEN.glob("*.json")}
