"""The finding catalogue: every code has one entry, every entry renders, every code the
source uses is catalogued, and every ``emit`` call gives the fields its template names."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from thidua_xl.core.catalogue import CATALOGUE, ERROR, WARNING, render
from thidua_xl.core.findings import Report, Severity

SRC = Path(__file__).resolve().parents[2] / "thidua_xl"
_CODE = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_entry_renders(code):
    entry = CATALOGUE[code]
    assert entry.severity in (ERROR, WARNING)
    for variant in ("", *entry.variants):
        message, fix = entry.templates(variant)
        specs = {name for t in (message, fix) for _, name, spec, _ in string.Formatter().parse(t)
                 if name and spec}
        values = {n: 1.5 if n in specs else f"<{n}>" for n in _fields(message) | _fields(fix)}
        severity, text, fix_text = render(code, variant, **values)
        assert severity == entry.severity and text.strip()
        assert "{" not in text.replace("{{", "") and "}" not in fix_text.replace("}}", "")
        for n, v in values.items():
            assert (f"<{n}>" if isinstance(v, str) else "1.5") in text + fix_text


def _source_codes() -> dict[str, str]:
    """Every finding code the package's source names, with where."""
    found: dict[str, str] = {}
    pats = [
        rf"\.(?:emit|error|warning)\(\s*\"({_CODE})\"",
        rf"\bcode=\"({_CODE})\"",
        rf"\bcode = \"({_CODE})\"",
        rf"_failure\([^,]+,\s*\"({_CODE})\"",
        rf"^\s*\"({_CODE})\": \(",  # io.sniff's table of unreadable files
        rf"return None, \"({_CODE})\"",  # core.hierarchy's problems
    ]
    for p in SRC.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        for pat in pats:
            for m in re.finditer(pat, text, re.M):
                found.setdefault(m.group(1), f"{p.relative_to(SRC)}:{text[:m.start()].count(chr(10)) + 1}")
    from thidua_xl.core import rules_schema, scoring

    for code in (*scoring.CELL_PROBLEMS, *rules_schema._CODES.values(), "bad-rule"):
        found.setdefault(code, "core")
    return found


def test_every_code_of_the_source_is_catalogued():
    codes = _source_codes()
    assert len(codes) > 60
    missing = {c: w for c, w in codes.items() if c not in CATALOGUE}
    assert not missing, f"add these codes to core/catalogue.py: {missing}"


def test_every_emit_gives_its_template_fields():
    problems = []
    for p in SRC.rglob("*.py"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "emit" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                continue
            code = node.args[0].value
            kw = {k.arg: k.value for k in node.keywords}
            variant = kw.get("variant")
            variant = variant.value if isinstance(variant, ast.Constant) else ""
            entry = CATALOGUE.get(code)
            if entry is None or (variant and variant not in entry.variants):
                problems.append(f"{p.name}:{node.lineno} {code} {variant}")
                continue
            message, fix = entry.templates(variant)
            lacking = (_fields(message) | _fields(fix)) - set(kw)
            if lacking:
                problems.append(f"{p.name}:{node.lineno} {code} lacks {sorted(lacking)}")
    assert not problems


def test_emit_makes_the_catalogued_finding_with_its_position():
    report = Report()
    f = report.emit("bad-year", raw="20x4", ref="Thông tin!B3")
    assert f.severity is Severity.ERROR and f.code == "bad-year"
    assert "20x4" in f.message and f.fix
    assert (f.sheet, f.cell, f.row, f.column, f.ref) == ("Thông tin", "B3", 3, 2, "Thông tin!B3")
    w = report.emit("year-missing", sheet="Thông tin")
    assert w.severity is Severity.WARNING and w.row is None and w.ref == "Thông tin"
    assert (report.error_count, report.warning_count) == (1, 1)
    cell = report.emit("not-a-number", who="đơn vị A", shown="x", ref="Chấm điểm!AB12",
                       unit="A", criterion="I.1")
    assert (cell.row, cell.column, cell.unit, cell.criterion) == (12, 28, "A", "I.1")
    assert set(cell.to_json()) == {"severity", "sheet", "cell", "code", "message", "fix"}
