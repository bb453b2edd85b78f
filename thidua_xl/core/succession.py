"""Next year's head and deputy ("Đề xuất suy tôn" — a proposal for the meeting).

Spec: shared/spec/domain.md "Next head and deputy".

- Xếp hạng (default): the highest-ranked unit that is not this year's head becomes next
  year's head, the highest-ranked of the rest (not this year's head either) the deputy. A
  tie at the deciding place gives no proposal (``None``) and a note that the meeting votes.
- Luân phiên: units ordered by "Thứ tự luân phiên"; the unit after this year's head
  (wrapping) is head, the one after it deputy. Missing or repeated rotation numbers, or an
  unknown head, give no proposal, a note and a warning "rotation-incomplete".
- Khối phó kế nhiệm (v2): this year's deputy becomes head; the highest-ranked of the rest
  (neither this year's head nor the new head) the deputy, a tie there giving no deputy and a
  note. No deputy this year (or one not in the unit list): no proposal, a note and a
  warning "deputy-unknown".
"""
from __future__ import annotations

from .record import field, record
from .findings import Report
from .models import Succession, Unit, UnitResult
from .text import unit_key

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Sequence


@record
class SuccessionResult:
    """Next year's head and deputy, the note that explains them and the warnings."""

    head: str | None = None
    deputy: str | None = None
    note: str = ""
    #: (code, message, fix, ref) warnings for the report
    warnings: list[tuple[str, str, str, str | None]] = field(default_factory=list)


def _names(units: Sequence[UnitResult]) -> str:
    return ", ".join(u.name for u in units)


def by_rank(results: Sequence[UnitResult], current_head: str | None) -> SuccessionResult:
    """Head and deputy from the ranks (units without a rank are not candidates)."""
    head_key = unit_key(current_head) if current_head else None
    cands = sorted((r for r in results if r.rank is not None and r.key != head_key
                    and unit_key(r.name) != head_key),
                   key=lambda r: r.rank)
    out = SuccessionResult()
    if not cands:
        out.note = "Không có đơn vị nào đủ điều kiện để đề xuất suy tôn Khối trưởng."
        return out
    top = [r for r in cands if r.rank == cands[0].rank]
    if len(top) > 1:
        out.note = (f"Các đơn vị đồng hạng {top[0].rank}: {_names(top)} – Hội nghị bỏ phiếu "
                    "suy tôn Khối trưởng và Khối phó.")
        return out
    out.head = top[0].name
    _deputy_among(cands[1:], out)
    return out


def _deputy_among(cands: Sequence[UnitResult], out: SuccessionResult) -> None:
    if not cands:
        out.note = "Không có đơn vị nào khác để đề xuất suy tôn Khối phó."
        return
    second = [r for r in cands if r.rank == cands[0].rank]
    if len(second) > 1:
        out.note = (f"Các đơn vị đồng hạng {second[0].rank}: {_names(second)} – Hội nghị bỏ "
                    "phiếu suy tôn Khối phó.")
        return
    out.deputy = second[0].name


def by_deputy(results: Sequence[UnitResult], current_head: str | None,
              current_deputy: str | None, deputy_ref: str | None = None) -> SuccessionResult:
    """Khối phó kế nhiệm: this year's deputy becomes head, the best-ranked other the deputy."""
    out = SuccessionResult()
    dep_key = unit_key(current_deputy) if current_deputy else None
    deputy = next((r for r in results if dep_key and (r.key == dep_key
                                                       or unit_key(r.name) == dep_key)), None)
    if deputy is None:
        problem = ("chưa biết Khối phó năm nay" if not current_deputy else
                   f"Khối phó năm nay “{current_deputy}” không có trong danh sách đơn vị")
        out.note = f"Không đề xuất được Khối trưởng theo Khối phó kế nhiệm: {problem}."
        out.warnings.append(("deputy-unknown", out.note,
                             "Ghi tên Khối phó năm nay ở sheet \"Thông tin\" (đúng tên một đơn "
                             "vị của sheet \"Đơn vị\").", deputy_ref))
        return out
    out.head = deputy.name
    head_key = unit_key(current_head) if current_head else None
    cands = sorted((r for r in results if r.rank is not None and r.key != deputy.key
                    and r.key != head_key and unit_key(r.name) != head_key),
                   key=lambda r: r.rank)
    _deputy_among(cands, out)
    return out


def by_rotation(units: Sequence[Unit], current_head: str | None,
                head_ref: str | None = None) -> SuccessionResult:
    """Head and deputy from the "Thứ tự luân phiên" order (wrapping)."""
    out = SuccessionResult()
    fix = ("Điền số thứ tự luân phiên (1, 2, 3 …, không trùng) cho mọi đơn vị ở cột "
           "\"Thứ tự luân phiên\" của sheet \"Đơn vị\" và tên Khối trưởng năm nay ở sheet "
           "\"Thông tin\".")
    missing = [u for u in units if u.rotation is None]
    problem = ""
    if not units:
        problem = "không có đơn vị"
    elif len(missing) == len(units):
        problem = "sổ không có thứ tự luân phiên của các đơn vị"
    elif missing:
        problem = "chưa có thứ tự luân phiên của " + ", ".join(u.name for u in missing)
    else:
        seen: dict[int, list[str]] = {}
        for u in units:
            seen.setdefault(int(u.rotation), []).append(u.name)  # type: ignore[arg-type]
        dup = [names for names in seen.values() if len(names) > 1]
        if dup:
            problem = "thứ tự luân phiên bị trùng: " + "; ".join(", ".join(d) for d in dup)
    ordered = sorted(units, key=lambda u: (u.rotation or 0))
    idx = None
    if not problem:
        head_key = unit_key(current_head) if current_head else None
        if head_key is None:
            problem = "chưa biết Khối trưởng năm nay"
        else:
            for i, u in enumerate(ordered):
                if u.key == head_key or unit_key(u.name) == head_key:
                    idx = i
                    break
            if idx is None:
                problem = f"Khối trưởng năm nay “{current_head}” không có trong danh sách đơn vị"
    if problem:
        out.note = ("Không đề xuất được Khối trưởng, Khối phó theo luân phiên: "
                    f"{problem}.")
        out.warnings.append(("rotation-incomplete", out.note, fix, head_ref))
        return out
    assert idx is not None
    n = len(ordered)
    out.head = ordered[(idx + 1) % n].name
    if n >= 3:
        out.deputy = ordered[(idx + 2) % n].name
    elif n == 2:
        out.deputy = ordered[idx].name
    return out


def next_head(
    policy: Succession,
    results: Sequence[UnitResult],
    units: Sequence[Unit],
    current_head: str | None,
    *,
    report: Report | None = None,
    head_ref: str | None = None,
    current_deputy: str | None = None,
    deputy_ref: str | None = None,
) -> SuccessionResult:
    """Next head/deputy by ``policy``; warnings are added to ``report`` when given."""
    if policy is Succession.ROTATION:
        out = by_rotation(units, current_head, head_ref)
    elif policy is Succession.DEPUTY:
        out = by_deputy(results, current_head, current_deputy, deputy_ref)
    else:
        out = by_rank(results, current_head)
    if report is not None:
        for code, message, fix, ref in out.warnings:
            report.warning(code, message, fix, ref=ref)
    return out
