"""Findings: every problem of a workbook as data (severity, sheet, cell, code, message, fix).

A :class:`Report` collects findings lazily (like frictionless' Report or pandera's lazy
SchemaErrors): nothing stops at the first problem. Codes, severities and wordings are the
catalogue's (:mod:`thidua_xl.core.catalogue`): :meth:`Report.emit` makes a finding from its
entry. A finding's position is structured (sheet, cell → row and column, unit, criterion
path); the "Sheet!A1" text is derived from it (:attr:`Finding.ref`).
"""
from __future__ import annotations

from enum import Enum

from .record import record
from .catalogue import render

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Iterable, Iterator


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """Vietnamese label shown to users."""
        return "Lỗi" if self is Severity.ERROR else "Cảnh báo"


@record(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem. ``cell`` is an A1 address inside ``sheet`` (or None)."""

    severity: Severity
    code: str
    message: str
    fix: str = ""
    sheet: str | None = None
    cell: str | None = None
    #: the unit and the criterion path the finding is about, when it is about one
    unit: str | None = None
    criterion: str | None = None

    @property
    def row(self) -> int | None:
        """The 1-based row of :attr:`cell` (None without a cell)."""
        return _split_a1(self.cell)[0]

    @property
    def column(self) -> int | None:
        """The 1-based column of :attr:`cell` (None without a cell)."""
        return _split_a1(self.cell)[1]
    #: a grouped finding (many cells, one cause): the findings it stands for, each at its
    #: own cell; ``cell`` is the first of them (:mod:`thidua_xl.core.grouping`)
    members: tuple["Finding", ...] = ()

    @property
    def cells(self) -> list[str]:
        """Every cell this finding names: its members' cells, or its own."""
        if self.members:
            return [m.cell for m in self.members if m.cell]
        return [self.cell] if self.cell else []

    @property
    def ref(self) -> str:
        """Excel-style reference: ``Chấm điểm!F12`` (or the sheet, or '')."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or (self.cell or "")

    def to_json(self) -> dict:
        doc = {
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
        }
        if self.members:  # additive: only grouped findings carry the list of their cells
            doc["cells"] = self.cells
        return doc


def _split_a1(cell: str | None) -> tuple[int | None, int | None]:
    """``"F12"`` → ``(12, 6)``; anything else → ``(None, None)``."""
    if not cell:
        return None, None
    letters = cell.rstrip("0123456789").replace("$", "")
    digits = cell[len(cell.rstrip("0123456789")):]
    if not letters.isalpha() or not digits:
        return None, None
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(digits), col


def split_ref(ref: str | None) -> tuple[str | None, str | None]:
    """``"Chấm điểm!F12"`` → ``("Chấm điểm", "F12")``; ``None`` → ``(None, None)``."""
    if not ref:
        return None, None
    if "!" in ref:
        sheet, cell = ref.rsplit("!", 1)
        return sheet.strip("'"), cell or None
    return None, ref


class Report:
    """An ordered, de-duplicated collection of findings."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._items: list[Finding] = []
        self._seen: set[tuple] = set()
        for f in findings:
            self.append(f)

    # -- adding -----------------------------------------------------------------------
    def append(self, finding: Finding) -> Finding:
        key = (finding.severity, finding.code, finding.sheet, finding.cell, finding.message)
        if key not in self._seen:
            self._seen.add(key)
            self._items.append(finding)
        return finding

    def extend(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.append(f)

    def add(
        self,
        severity: Severity | str,
        code: str,
        message: str,
        fix: str = "",
        *,
        ref: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> Finding:
        """Add a finding; ``ref`` ("Sheet!A1") may be given instead of sheet/cell."""
        if ref is not None and sheet is None and cell is None:
            sheet, cell = split_ref(ref)
        return self.append(
            Finding(severity=Severity(severity), code=code, message=message, fix=fix,
                    sheet=sheet, cell=cell)
        )

    def emit(self, code: str, *, variant: str = "", ref: str | None = None,
             sheet: str | None = None, cell: str | None = None, unit: str | None = None,
             criterion: str | None = None, **fields: object) -> Finding:
        """Add the catalogue's finding ``code`` (its severity, its message and fix rendered
        with ``fields``) at the given position."""
        severity, message, fix = render(code, variant, **fields)
        if ref is not None and sheet is None and cell is None:
            sheet, cell = split_ref(ref)
        return self.append(Finding(severity=Severity(severity), code=code, message=message,
                                   fix=fix, sheet=sheet, cell=cell, unit=unit,
                                   criterion=criterion))

    def error(self, code: str, message: str, fix: str = "", **where) -> Finding:
        return self.add(Severity.ERROR, code, message, fix, **where)

    def warning(self, code: str, message: str, fix: str = "", **where) -> Finding:
        return self.add(Severity.WARNING, code, message, fix, **where)

    # -- reading ----------------------------------------------------------------------
    def __iter__(self) -> Iterator[Finding]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:  # a Report is truthy even when empty is confusing: be explicit
        return bool(self._items)

    @property
    def findings(self) -> list[Finding]:
        return list(self._items)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self._items if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self._items if f.severity is Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self._items)

    @property
    def error_count(self) -> int:
        return count_errors(self._items)

    @property
    def warning_count(self) -> int:
        return len(self._items) - count_errors(self._items)

    def codes(self) -> list[str]:
        return [f.code for f in self._items]


def count_errors(findings: Iterable[Finding]) -> int:
    """How many of ``findings`` are errors (the rest are warnings)."""
    return sum(1 for f in findings if f.severity is Severity.ERROR)
