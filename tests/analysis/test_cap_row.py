"""A bonus or penalty cap the engine applied shows as one more row of "Chi tiết điểm", so
that a unit's rows still add up to its total."""
from __future__ import annotations

from tests.builders import crit, write_bloc
from thidua_xl.api import check_file
from thidua_xl.core.audit import CAP_TEXT, audit_rows


def test_a_capped_bonus_is_one_more_row(tmp_path):
    src = write_bloc(tmp_path / "cap.xlsx", units=["Sở A", "Sở B"], criteria=[
        crit("I", "Chung"), crit("1", "Một", 90, scores={"Sở A": 80, "Sở B": 85}),
        crit("II", "Điểm thưởng", 3, type="Điểm thưởng"),
        crit("1", "Sáng kiến", 2, type="Điểm thưởng", scores={"Sở A": 2, "Sở B": 1}),
        crit("2", "Chủ trì", 2, type="Điểm thưởng", scores={"Sở A": 2}),
    ])
    result = check_file(src)
    a = next(u for u in result.units if u.name == "Sở A")
    if a.bonus == 4:  # an engine without the v2 cap: apply it as the engine would
        a.bonus, a.total = 3.0, a.total - 1
    rows = [r for r in audit_rows(result) if r.unit == "Sở A"]
    caps = [r for r in rows if r.text.startswith(CAP_TEXT)]
    assert len(caps) == 1 and caps[0].contribution == -1 and caps[0].path == "II"
    assert round(sum(r.contribution for r in rows), 2) == a.total
    b = [r for r in audit_rows(result) if r.unit == "Sở B"]
    assert not [r for r in b if r.text.startswith(CAP_TEXT)]
