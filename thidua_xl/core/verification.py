"""What the bloc must still verify before it sends the file: "Cần xác minh" notes as
warnings.

A proposal whose condition could not be checked (the workbook lacks the data) carries a
note "Cần xác minh: …" (:mod:`thidua_xl.core.awards`). Such a note is for the bloc, not for
the province (shared/spec/domain.md "Award proposals"): it is reported as a warning in
"Kiểm tra" — one per thing to verify, naming the units — and stays in the unit's notes in
"Kết quả"; the documents never print it.
"""
from __future__ import annotations

from collections.abc import Iterable

from .findings import Report
from .models import Proposal, Unit

VERIFY_PREFIX = "Cần xác minh"
CODE = "proposal-needs-verification"
#: a book of section totals only (the summary layout): the zero-leaf rule is unchecked
NO_CRITERIA_NOTE = f"{VERIFY_PREFIX}: không có điểm từng tiêu chí"


def is_verification(note: str) -> bool:
    return (note or "").lstrip().startswith(VERIFY_PREFIX)


def report_verifications(proposals: Iterable[Proposal], units: Iterable[Unit],
                         report: Report) -> None:
    """One warning per verification note, naming every proposed unit that carries it."""
    by_name = {u.name: u for u in units}
    grouped: dict[str, list[Proposal]] = {}
    for p in proposals:
        for note in p.notes:
            if is_verification(note):
                grouped.setdefault(note, []).append(p)
    for note, props in grouped.items():
        what = note.split(":", 1)[1].strip() if ":" in note else note
        names = ", ".join(f"{p.unit} ({p.form})" for p in props)
        first = by_name.get(props[0].unit)
        where = first.ref if first is not None and first.ref else None
        report.emit(CODE, what=what, units=names, ref=where,
                    sheet=None if where else "Đơn vị")
