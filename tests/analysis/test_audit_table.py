"""core.audit.AuditTable: the rows of "Chi tiết điểm" kept as columns read the same row by
row, by index, by slice and as plain tuples; a capped group's row closes its unit's rows."""
from __future__ import annotations

import dataclasses

from tests.builders import crit, write_bloc
from thidua_xl.api import check_file
from thidua_xl.core.audit import CAP_TEXT, FIELDS, AuditRow, audit_rows, audit_table


def _capped(tmp_path):
    return check_file(write_bloc(tmp_path / "cap.xlsx", units=["Sở A", "Sở B"], criteria=[
        crit("I", "Chung"), crit("1", "Một", 90, scores={"Sở A": 80, "Sở B": 85}),
        crit("2", "Hai", 5, scores={"Sở A": 4.5, "Sở B": 5}),
        crit("II", "Điểm thưởng", 3, type="Điểm thưởng"),
        crit("1", "Sáng kiến", 2, type="Điểm thưởng", scores={"Sở A": 2, "Sở B": 1}),
        crit("2", "Chủ trì", 2, type="Điểm thưởng", scores={"Sở A": 2}),
    ]))


def test_rows_by_index_slice_and_tuples(tmp_path):
    result = _capped(tmp_path)
    t = audit_table(result)
    rows = list(t)
    assert FIELDS == tuple(f.name for f in dataclasses.fields(AuditRow))
    assert len(t) == len(rows) == 2 * 4 + 1  # two units × four leaves, one cap row
    assert [t[i] for i in range(len(t))] == rows == audit_rows(result)
    assert t[2:5] == rows[2:5] and t[-1] == rows[-1]
    assert [dataclasses.astuple(r) for r in rows] == list(t.tuples())
    assert all(len(col) == len(t) for col in t.columns.values())


def test_each_unit_in_rank_order_then_its_cap_row(tmp_path):
    result = _capped(tmp_path)
    rows = audit_rows(result)
    order = [u.name for u in result.units]
    by_unit: dict[str, list[AuditRow]] = {}
    for r in rows:
        by_unit.setdefault(r.unit, []).append(r)
    assert list(by_unit) == order
    a = by_unit["Sở A"]
    assert [r.path for r in a] == ["I.1", "I.2", "II.1", "II.2", "II"]
    assert a[-1].text.startswith(CAP_TEXT) and a[-1].contribution == -1
    assert a[-1].score is None and a[-1].cell is None and a[-1].percent is False
    total = next(u.total for u in result.units if u.name == "Sở A")
    assert round(sum(r.contribution for r in a), 2) == total
    assert not any(r.text.startswith(CAP_TEXT) for r in by_unit["Sở B"])
