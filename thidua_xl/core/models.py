"""The domain's data: the parsed bloc workbook (input) and its results (output).

Plain ``dataclasses`` (slots, keyword-only), not pydantic models: importing pydantic costs a
fresh ``thidua-xl`` process about 0.23 s — more than reading, scoring and writing a 30-unit
workbook — and the parser builds thousands of these per workbook. Validation of what users
type lives where the input is read (``thidua_xl.io.parser`` names the cell of every
problem); the "Quy định" rule set is validated by pydantic's engine in
:mod:`thidua_xl.core.rules_schema`, imported only when a workbook has that sheet.

These models are the contract between the reader (``thidua_xl.io.parser``), the engine
(``thidua_xl.core.engine``), the writers (``thidua_xl.io.outputs``) and the adapters (CLI,
ribbon, UDFs). Positions are kept in Excel terms ("Chấm điểm!F12") everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .findings import Finding, count_errors
from .vocab import CRITERION_TYPE_WORDS, DEFAULT_THRESHOLDS, SHEET_SCORES, TIE_GROUP_NOTE


# --------------------------------------------------------------------------------------
# vocabularies
# --------------------------------------------------------------------------------------
class CriterionType(str, Enum):
    """Loại tiêu chí; the value is the canonical Vietnamese label."""

    SCORE = "Chấm điểm"
    QUALITATIVE = "Định tính"
    QUANTITATIVE = "Định lượng"
    LEADING = "Định lượng dẫn đầu"
    COUNT = "Chấm thẳng"
    BONUS = "Điểm thưởng"
    PENALTY = "Điểm trừ"

    @property
    def is_scored(self) -> bool:
        """Part of the maximum total (everything but bonus and penalty)."""
        return self not in (CriterionType.BONUS, CriterionType.PENALTY)


#: the words of each type (:data:`thidua_xl.core.vocab.CRITERION_TYPE_WORDS`)
CRITERION_TYPE_VARIANTS: dict[CriterionType, tuple[str, ...]] = {
    CriterionType(label): words for label, words in CRITERION_TYPE_WORDS.items()}


class Classification(str, Enum):
    """Xếp loại; ordered from best to worst (see :data:`CLASS_ORDER`)."""

    HTXS = "Hoàn thành xuất sắc nhiệm vụ"
    HTT = "Hoàn thành tốt nhiệm vụ"
    HT = "Hoàn thành nhiệm vụ"
    KHT = "Không hoàn thành nhiệm vụ"

    @property
    def abbr(self) -> str:
        return self.name

    @property
    def level(self) -> int:
        """3 = HTXS ... 0 = KHT (higher is better)."""
        return {"HTXS": 3, "HTT": 2, "HT": 1, "KHT": 0}[self.name]


class Discipline(str, Enum):
    """Heaviest discipline of the unit's leader in the year, by effect on classification."""

    NONE = "Không"
    REPRIMAND = "Khiển trách"  # caps at HTT
    WARNING = "Cảnh cáo"  # caps at HT (and everything heavier)
    HEAVIER = "Nặng hơn"  # Cách chức, Giáng chức, Bãi nhiệm, Buộc thôi việc ...

    @property
    def cap(self) -> "Classification | None":
        return {
            "NONE": None,
            "REPRIMAND": Classification.HTT,
            "WARNING": Classification.HT,
            "HEAVIER": Classification.HT,
        }[self.name]


class Succession(str, Enum):
    RANK = "Xếp hạng"
    ROTATION = "Luân phiên"


# --------------------------------------------------------------------------------------
# input model: what the parser reads from a workbook
# --------------------------------------------------------------------------------------
_model = dataclass(slots=True, kw_only=True)


@_model
class Criterion:
    """One row of the scoring table."""

    path: str  # full identity, e.g. "II.1.2" (implicit section: "" + code)
    code: str  # as written (trimmed, trailing "." removed)
    text: str = ""
    level: int  # 1 = section
    parent: str | None = None  # parent's path
    section: str  # path of the level-1 ancestor (itself for a section)
    type: CriterionType = CriterionType.SCORE
    max: float | None = None  # as given (None = blank)
    weight: float = 1.0
    target: float | None = None  # Chỉ tiêu (Định lượng, dẫn đầu)
    per_time: float | None = None  # Điểm mỗi lần (Chấm thẳng)
    is_leaf: bool = True
    ref: str | None = None  # the row's code cell, e.g. "Chấm điểm!A12"
    max_ref: str | None = None  # the max cell
    target_ref: str | None = None
    per_time_ref: str | None = None


@_model
class RawCell:
    """A unit's cell for one criterion as read (already the chosen column of the group).

    ``value`` is what the reader gave (number, text, bool, date, None); ``percent`` is True
    when the cell has a percent number format; ``uncached_formula`` when the cell holds a
    formula without a cached result.
    """

    value: Any = None
    percent: bool = False
    uncached_formula: bool = False
    ref: str | None = None  # "Chấm điểm!F12"
    source: str = ""  # "Thống nhất" | "Khối chấm" | "Tự chấm" | "" (single column)


@_model
class Unit:
    name: str  # display name as written (NFC, trimmed)
    key: str  # thidua_xl.core.text.unit_key(name)
    last_year: Classification | None = None
    discipline: Discipline = Discipline.NONE
    discipline_text: str = ""  # as written
    women: bool | None = None
    rotation: int | None = None
    ref: str | None = None  # where the name is ("Đơn vị!B5" or the group's header cell)
    column_ref: str | None = None  # the unit group's first header cell in "Chấm điểm"
    #: the unit group's columns in "Chấm điểm": sub-label ("Tự chấm", "Khối chấm",
    #: "Thống nhất", "Giải trình", or "" for a single column) -> column letter
    score_columns: dict[str, str] = field(default_factory=dict)


@_model
class BlocInfo:
    name: str = ""
    year: int | None = None
    province: str = ""
    head: str | None = None  # this year's head (unit name as written)
    deputy: str | None = None
    declared_max: float | None = None
    head_ref: str | None = None
    deputy_ref: str | None = None
    declared_max_ref: str | None = None


@_model
class AwardForm:
    """One award form of the rule set (a row of the "Quy định" table)."""

    name: str
    max_count: int | None = None  # quota as a count
    max_percent: float | None = None  # quota as % of the bloc's units (rounded down)
    min_class: Classification | None = Classification.HTXS
    no_discipline: bool = True
    last_year_htxs: bool = False
    ref: str | None = None

    def quota(self, n_units: int) -> int:
        """Seats for a bloc of ``n_units``: the smaller of count and percentage when both."""
        seats: list[int] = []
        if self.max_count is not None:
            seats.append(max(0, int(self.max_count)))
        if self.max_percent is not None:
            seats.append(max(0, int(n_units * self.max_percent / 100.0 + 1e-9)))
        return min(seats) if seats else 0


FORM_GOV_FLAG = "Cờ thi đua của Chính phủ"
FORM_PROV_FLAG = "Cờ thi đua của UBND tỉnh"
FORM_MERIT = "Bằng khen của Chủ tịch UBND tỉnh"


def default_forms() -> list[AwardForm]:
    return [
        AwardForm(name=FORM_GOV_FLAG, max_count=1, min_class=Classification.HTXS,
                  no_discipline=True, last_year_htxs=False),
        AwardForm(name=FORM_PROV_FLAG, max_count=1, min_class=Classification.HTXS,
                  no_discipline=True, last_year_htxs=False),
        AwardForm(name=FORM_MERIT, max_count=2, min_class=Classification.HTXS,
                  no_discipline=True, last_year_htxs=True),
    ]


@_model
class Rules:
    """The bloc's rules ("Quy định" sheet), defaults from shared/spec/domain.md."""

    htxs_percent: float = DEFAULT_THRESHOLDS["htxs_percent"]
    htt_percent: float = DEFAULT_THRESHOLDS["htt_percent"]
    ht_percent: float = DEFAULT_THRESHOLDS["ht_percent"]
    #: tie-break keys in order: "Điểm trừ", "Điểm thưởng" or a section path ("I", "II");
    #: None = default (Điểm trừ, then every section in order)
    tiebreak: list[str] | None = None
    succession: Succession = Succession.RANK
    forms: list[AwardForm] = field(default_factory=default_forms)
    from_sheet: bool = False  # True when a "Quy định" sheet was read


@_model
class Bloc:
    """A parsed bloc workbook: everything the engine needs, nothing about files."""

    file: str = ""
    info: BlocInfo = field(default_factory=BlocInfo)
    units: list[Unit] = field(default_factory=list)  # in "Đơn vị" order (or group order)
    criteria: list[Criterion] = field(default_factory=list)  # in sheet order
    #: scores[unit.key][criterion.path] -> the raw cell (missing = blank in every column)
    scores: dict[str, dict[str, RawCell]] = field(default_factory=dict)
    #: totals row of "Chấm điểm" as typed/cached: unit.key -> raw cell
    stated_totals: dict[str, RawCell] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    #: which optional data the workbook has (for "Cần xác minh" notes)
    has_last_year: bool = False
    has_discipline: bool = False
    has_rotation: bool = False
    score_sheet: str = SHEET_SCORES[0]  # the actual sheet name in the workbook
    header_row: int | None = None  # 1-based row of the unit names in the score sheet

    def sections(self) -> list[Criterion]:
        return [c for c in self.criteria if c.level == 1]

    def leaves(self) -> list[Criterion]:
        return [c for c in self.criteria if c.is_leaf]


# --------------------------------------------------------------------------------------
# output model: what the engine computes
# --------------------------------------------------------------------------------------
@_model
class UnitResult:
    name: str
    key: str
    total: float | None = None
    percent: float | None = None
    rank: int | None = None
    tie: bool = False
    classification: Classification | None = None
    award: str | None = None
    notes: list[str] = field(default_factory=list)
    sections: dict[str, float] = field(default_factory=dict)  # section path -> subtotal
    bonus: float = 0.0
    penalty: float = 0.0
    has_zero_leaf: bool = False
    #: leaf scores after type rules and before weight: criterion path -> score
    leaf_scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "total": self.total,
            "percent": self.percent,
            "rank": self.rank,
            "tie": self.tie,
            "classification": self.classification.value if self.classification else None,
            "award": self.award,
            "notes": list(self.notes),
            "sections": dict(self.sections),
            "bonus": self.bonus,
            "penalty": self.penalty,
        }


@_model
class Proposal:
    """One proposed award (the bloc proposes; the council decides)."""

    unit: str  # unit name
    form: str  # award form name
    rank: int | None = None
    total: float | None = None
    classification: Classification | None = None
    basis: str = ""  # Vietnamese: "Xếp hạng 1, tổng điểm 98,50, Hoàn thành xuất sắc nhiệm vụ"
    notes: list[str] = field(default_factory=list)  # "Cần xác minh: ...", women priority ...


TIE_NOTE = TIE_GROUP_NOTE  # the tie group's note (core.vocab)


@_model
class TieGroup:
    """Tied units at a quota's edge: the meeting decides by vote."""

    form: str
    units: list[str]
    seats: int  # seats left for the group
    note: str = TIE_NOTE


@_model
class BlocResult:
    """Everything computed for one workbook (the JSON of shared/spec/interfaces.md)."""

    file: str = ""
    bloc: str = ""
    year: int | None = None
    province: str = ""
    head: str | None = None
    deputy: str | None = None
    max_total: float | None = None
    units: list[UnitResult] = field(default_factory=list)  # rank order
    proposals: list[Proposal] = field(default_factory=list)
    tie_groups: list[TieGroup] = field(default_factory=list)
    next_head: str | None = None
    next_deputy: str | None = None
    succession_note: str = ""
    findings: list[Finding] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)  # (path, text) in order
    #: "ok" (no errors), "errors" (content errors), "unreadable" (file could not be read)
    status: str = "ok"

    @property
    def has_errors(self) -> bool:
        return any(f.severity.value == "error" for f in self.findings)

    @property
    def error_count(self) -> int:
        return count_errors(self.findings)

    @property
    def warning_count(self) -> int:
        return len(self.findings) - self.error_count

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "bloc": self.bloc,
            "year": self.year,
            "max_total": self.max_total,
            "units": [u.to_json() for u in self.units],
            "next_head": self.next_head,
            "next_deputy": self.next_deputy,
            "findings": [f.to_json() for f in self.findings],
        }
