""""Cần xác minh" notes of proposals become warnings (Kiểm tra) and stay unit notes
(Kết quả); shared/spec/domain.md "Award proposals"."""
from __future__ import annotations

from tests.core.factory import totals_bloc, unit
from thidua_xl.core.engine import evaluate
from thidua_xl.core.findings import Severity
from thidua_xl.core.models import Classification
from thidua_xl.core.verification import CODE, is_verification


def test_missing_discipline_column_is_one_warning_naming_every_proposed_unit():
    r = evaluate(totals_bloc({"A": 99, "B": 98, "C": 60}))
    warnings = [f for f in r.findings if f.code == CODE]
    assert r.proposals and len(warnings) == len({n for p in r.proposals for n in p.notes
                                                 if is_verification(n)})
    for f in warnings:
        assert f.severity is Severity.WARNING
        assert f.message.startswith("Cần xác minh trước khi gửi hồ sơ:")
        assert "Kỷ luật" in f.message or "Xếp loại năm trước" in f.message
        for p in r.proposals:
            if any(is_verification(n) and n.split(":", 1)[1].strip() in f.message
                   for n in p.notes):
                assert f"{p.unit} ({p.form})" in f.message
    # Kết quả keeps the note on the unit
    proposed = {p.unit for p in r.proposals}
    for u in r.units:
        if u.name in proposed:
            assert any(is_verification(n) for n in u.notes)


def test_no_warning_when_the_data_is_there():
    units = [unit("A", last_year=Classification.HTXS), unit("B", last_year=Classification.HTXS)]
    r = evaluate(totals_bloc({"A": 99, "B": 98}, units=units, has_discipline=True,
                             has_last_year=True))
    assert r.proposals
    assert not any(is_verification(n) for p in r.proposals for n in p.notes)
    assert CODE not in [f.code for f in r.findings]
