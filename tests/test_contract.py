"""Every JSON document the commands print follows the contract of interfaces.md, checked
with the pydantic models of thidua_xl.contract; docs/json-schema.json is their schema."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest

from tests.builders import crit, write_bloc
from thidua_xl.contract import json_schema, validate_output

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "workbooks" / "examples").glob("*.xlsx"))
SCHEMA_FILE = ROOT / "docs" / "json-schema.json"


def cli(*args) -> dict | list:
    proc = subprocess.run([sys.executable, "-m", "thidua_xl", *map(str, args), "--json"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1, 2), proc.stderr
    return json.loads(proc.stdout)


def test_check_score_demo_and_batch_json_follow_the_contract(tmp_path):
    bad = write_bloc(tmp_path / "loi.xlsx", units=[{"name": "Sở A"}, {"name": "Sở B"}],
                     criteria=[crit("I", "Chung"), crit("1", "a", 10,
                                                        scores={"Sở A": 12, "Sở B": "abc"})])
    junk = tmp_path / "hong.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    docs = cli("check", *EXAMPLES, bad, junk)
    checked = validate_output(docs)
    assert len(checked) == len(EXAMPLES) + 2
    assert all(d.units and d.units[0].rank == 1 for d in checked[:len(EXAMPLES)])
    assert checked[-2].findings and checked[-1].findings[0].severity == "error"
    validate_output(cli("score", EXAMPLES[0], "-o", tmp_path / "o.xlsx"))
    demo = validate_output(cli("demo", "-o", tmp_path / "demo"))
    assert len(demo) == len(EXAMPLES) and all(d.output for d in demo)
    folder = tmp_path / "in"
    folder.mkdir()
    for p in (EXAMPLES[0], bad, junk):
        (folder / p.name).write_bytes(p.read_bytes())
    assert len(validate_output(cli("batch", folder, "-o", tmp_path / "out", "-j", "1"))) == 3


@pytest.mark.parametrize("change", [
    lambda d: d["units"][0].update(classification="Xuất sắc"),      # not one of the four
    lambda d: d["units"].reverse(),                                    # not in rank order
    lambda d: d["findings"].append({"severity": "fatal", "sheet": None, "cell": None,
                                    "code": "x", "message": "m", "fix": ""}),
    lambda d: d["findings"].append({"severity": "error", "sheet": "S", "cell": "F12",
                                    "code": "Bad Code", "message": "m", "fix": ""}),
    lambda d: d.update(extra=1),                                       # unknown key
    lambda d: d["units"][0].update(total="98,5"),                      # a number as text
])
def test_off_contract_documents_are_refused(change):
    doc = cli("check", EXAMPLES[1])
    validate_output(doc)
    change(doc)
    with pytest.raises(pydantic.ValidationError):
        validate_output(doc)


def test_json_schema_file_is_current():
    """docs/json-schema.json is generated: python -c "import json, thidua_xl.contract as c;
    print(json.dumps(c.json_schema(), ensure_ascii=False, indent=2))" > docs/json-schema.json"""
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema()
