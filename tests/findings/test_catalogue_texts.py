"""The catalogue's texts as a clerk reads them: every code and variant renders a message
and a separate fix (the fix never repeats the message), and every group message renders
with its count, sheet and cells."""
from __future__ import annotations

import string

import pytest

from thidua_xl.core.catalogue import CATALOGUE, render
from thidua_xl.core.findings import Finding, Severity
from thidua_xl.core.grouping import SHOWN_CELLS, expand, group_findings, groupable

_PASSTHROUGH = "{message}"  # texts made elsewhere as a whole


def _fields(*templates: str) -> dict[str, str]:
    return {name: f"<{name}>" for t in templates
            for _, name, _, _ in string.Formatter().parse(t) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_message_and_fix_are_two_texts(code):
    entry = CATALOGUE[code]
    for variant in ("", *entry.variants):
        message, fix = entry.templates(variant)
        if message == _PASSTHROUGH:
            continue
        _, text, fix_text = render(code, variant, **_fields(message, fix))
        assert fix_text.strip(), (code, variant)
        assert fix_text not in text and text not in fix_text, (code, variant)


@pytest.mark.parametrize("code", sorted(c for c in CATALOGUE if groupable(c)))
def test_group_messages_render(code):
    cells = [f"F{r}" for r in range(12, 12 + SHOWN_CELLS + 7)]
    members = [Finding(severity=Severity(CATALOGUE[code].severity), code=code,
                       message=f"một ô {c}", fix="cùng một cách sửa", sheet="Chấm điểm", cell=c)
               for c in cells]
    [g] = group_findings(members)
    assert g.message.startswith(f"{len(cells)} ô ") and "F12, F13" in g.message
    assert g.message.endswith(", ….") and cells[-1] not in g.message  # all are in JSON
    assert g.to_json()["cells"] == cells and g.cell == "F12"
    assert expand([g]) == members


def test_different_fixes_are_not_grouped():
    a = Finding(severity=Severity.ERROR, code="yes-no-in-score", message="m", fix="ô D8",
                sheet="Chấm điểm", cell="H8")
    b = Finding(severity=Severity.ERROR, code="yes-no-in-score", message="m", fix="ô D9",
                sheet="Chấm điểm", cell="H9")
    assert group_findings([a, b]) == [a, b]


def test_codes_without_a_group_message_are_never_grouped():
    same = [Finding(severity=Severity.ERROR, code="score-above-max", message=f"m{i}", fix="f",
                    sheet="Chấm điểm", cell=f"H{i}") for i in range(2, 6)]
    assert not groupable("score-above-max") and group_findings(same) == same


def test_a_group_keeps_what_its_members_share():
    row = [Finding(severity=Severity.ERROR, code="yes-no-in-score", message="m", fix="ô D8",
                   sheet="Chấm điểm", cell=c, unit=u, criterion="II.1")
           for c, u in (("H8", "Sở A"), ("I8", "Sở B"))]
    [g] = group_findings(row)
    assert g.criterion == "II.1" and g.unit is None
