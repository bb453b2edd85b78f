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

from enum import Enum

from .record import field, record
from .findings import Finding, count_errors
from .text import fold
from .vocab import CRITERION_TYPE_WORDS, DEFAULT_THRESHOLDS, SHEET_SCORES, TIE_GROUP_NOTE

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

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
    WARNING = "Cảnh cáo"  # caps at HT
    HEAVIER = "Nặng hơn"  # Cách chức, Giáng chức, Bãi nhiệm, Buộc thôi việc ...: caps at KHT

    @property
    def cap(self) -> "Classification | None":
        return {
            "NONE": None,
            "REPRIMAND": Classification.HTT,
            "WARNING": Classification.HT,
            "HEAVIER": Classification.KHT,
        }[self.name]


class Succession(str, Enum):
    RANK = "Xếp hạng"
    ROTATION = "Luân phiên"
    DEPUTY = "Khối phó kế nhiệm"  # this year's deputy becomes head (v2)


# --------------------------------------------------------------------------------------
# input model: what the parser reads from a workbook
# --------------------------------------------------------------------------------------
_model = record(slots=True, kw_only=True)


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
    type_ref: str | None = None  # the "Loại" cell (None: the sheet has no such column)
    #: the row's own cells (Mã, Loại, Điểm tối đa ...) hold an error already reported: its
    #: unit cells are not checked and its parent's maximum is not compared with its
    #: children's (nothing that follows from that error is reported again)
    definition_error: bool = False


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
    #: the value of the unit's own Tự chấm cell on the same row when ``value`` came from
    #: another column (the self-score "Phân tích" compares; None: blank or no such column)
    self_value: Any = None
    self_percent: bool = False  # that cell has a percent format


@_model
class Unit:
    """A unit of the bloc as the Đơn vị sheet (or its v2 columns) describes it."""

    name: str  # display name as written (NFC, trimmed)
    key: str  # thidua_xl.core.text.unit_key(name)
    last_year: Classification | None = None
    discipline: Discipline = Discipline.NONE
    discipline_text: str = ""  # as written
    women: bool | None = None  # at least 70 % of the staff are women ("Tập thể nữ")
    women_ratio: float | None = None  # "Tỷ lệ nữ (%)", 0–100
    #: the official rating of this year ("Xếp loại năm nay"): award eligibility uses it
    official: Classification | None = None
    official_ref: str | None = None
    #: "Đang xem xét kỷ luật, thanh tra": no proposal (Nghị định 152/2025 Điều 4 khoản 4)
    under_review: bool | None = None
    last_title: str = ""  # "Danh hiệu năm trước" (a basis, never required)
    rotation: int | None = None
    ref: str | None = None  # where the name is ("Đơn vị!B5" or the group's header cell)
    column_ref: str | None = None  # the unit group's first header cell in "Chấm điểm"
    #: the unit group's columns in "Chấm điểm": sub-label ("Tự chấm", "Khối chấm",
    #: "Thống nhất", "Giải trình", or "" for a single column) -> column letter
    score_columns: dict[str, str] = field(default_factory=dict)


@_model
class BlocInfo:
    """The Thông tin sheet: the bloc's name, year, province, head and deputy, declared
    maximum."""

    name: str = ""
    year: int | None = None
    province: str = ""
    head: str | None = None  # this year's head (unit name as written)
    deputy: str | None = None
    declared_max: float | None = None
    head_ref: str | None = None
    deputy_ref: str | None = None
    declared_max_ref: str | None = None
    # v2: who signs and where the file goes (the documents; shared/spec/bloc-workbook.md)
    signer: str | None = None  # Người ký: full name of the head unit's leader
    signer_title: str | None = None  # Chức vụ người ký, e.g. "Giám đốc Sở Tài chính"
    recipient: str | None = None  # Nơi nhận hồ sơ: the province's emulation office
    regulation: str | None = None  # Quy định của tỉnh: the regulation the Tờ trình cites
    abbrev: str | None = None  # Ký hiệu văn bản: "KTĐKT" in "…/TTr-KTĐKT"


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
#: older wordings of the forms (still in covenants) → the current name, which is written
FORM_OLD_NAMES: dict[str, str] = {
    "Cờ thi đua của Thủ tướng Chính phủ": FORM_GOV_FLAG,
    "Cờ thi đua Chính phủ": FORM_GOV_FLAG,
    "Cờ thi đua cấp tỉnh": FORM_PROV_FLAG,
    "Cờ thi đua của Ủy ban nhân dân tỉnh": FORM_PROV_FLAG,
    "Cờ thi đua của Uỷ ban nhân dân tỉnh": FORM_PROV_FLAG,
    "Cờ thi đua UBND tỉnh": FORM_PROV_FLAG,
    "Bằng khen của UBND tỉnh": FORM_MERIT,
    "Bằng khen UBND tỉnh": FORM_MERIT,
    "Bằng khen của Ủy ban nhân dân tỉnh": FORM_MERIT,
    "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh": FORM_MERIT,
    "Bằng khen của Chủ tịch UBND tỉnh": FORM_MERIT,
}


def form_key(name: str) -> str:
    """What makes two rows of the forms table the same form (case and spacing aside)."""
    return " ".join(name.casefold().split())


def current_form_name(name: str) -> str:
    """A form's name in its current wording ("Cờ thi đua của Thủ tướng Chính phủ" →
    "Cờ thi đua của Chính phủ"); other names are returned as given."""
    f = fold(name)
    for old, new in (*FORM_OLD_NAMES.items(), (FORM_GOV_FLAG, FORM_GOV_FLAG),
                     (FORM_PROV_FLAG, FORM_PROV_FLAG)):
        if f == fold(old):
            return new
    return name


def is_leading_form(name: str) -> bool:
    """Cờ thi đua của UBND tỉnh or của Chính phủ: the forms of a bloc's leading units."""
    return current_form_name(name) in (FORM_GOV_FLAG, FORM_PROV_FLAG)


def default_forms() -> list[AwardForm]:
    return [
        AwardForm(name=FORM_GOV_FLAG, max_count=1, min_class=Classification.HTXS,
                  no_discipline=True, last_year_htxs=False),
        AwardForm(name=FORM_PROV_FLAG, max_count=1, min_class=Classification.HTXS,
                  no_discipline=True, last_year_htxs=False),
        AwardForm(name=FORM_MERIT, max_count=2, min_class=Classification.HTXS,
                  no_discipline=True, last_year_htxs=False),
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
    #: the classes a scored leaf at 0 forbids ("Tiêu chí 0 điểm hạ xếp loại")
    zero_forbids: frozenset[Classification] = frozenset(
        {Classification.HTXS, Classification.HTT})
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
    #: a unit's own targets ("Chỉ tiêu" sub-column): unit.key -> criterion path -> the
    #: target (``value`` a float > 0, ``ref`` its cell); replaces the row's Chỉ tiêu
    unit_targets: dict[str, dict[str, RawCell]] = field(default_factory=dict)
    #: totals row of "Chấm điểm" as typed/cached: unit.key -> raw cell
    stated_totals: dict[str, RawCell] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    #: which optional data the workbook has (for "Cần xác minh" notes)
    has_last_year: bool = False
    has_discipline: bool = False
    has_rotation: bool = False
    has_official: bool = False
    has_review: bool = False
    #: False when only section totals are known (the summary layout): the zero-leaf rule
    #: of the classification cannot be checked
    per_criterion: bool = True
    score_sheet: str = SHEET_SCORES[0]  # the actual sheet name in the workbook
    header_row: int | None = None  # 1-based row of the unit names in the score sheet
    #: sections where a row could not be placed (a bad code): their maxima are not summed
    #: against the parents' (the missing row would make every sum wrong)
    incomplete_sections: set[str] = field(default_factory=set)

    def sections(self) -> list[Criterion]:
        return [c for c in self.criteria if c.level == 1]

    def leaves(self) -> list[Criterion]:
        return [c for c in self.criteria if c.is_leaf]


# --------------------------------------------------------------------------------------
# output model: what the engine computes
# --------------------------------------------------------------------------------------
@_model
class UnitResult:
    """Everything computed for one unit: total, percent, rank, classes, proposal, notes."""

    name: str
    key: str
    total: float | None = None
    percent: float | None = None
    rank: int | None = None
    tie: bool = False
    classification: Classification | None = None  # "Xếp loại theo điểm"
    #: the official rating ("Xếp loại năm nay"), and last year's class, as read
    official: Classification | None = None
    last_year: Classification | None = None  # as read ("Đơn vị" or score --nam-truoc)
    award: str | None = None
    notes: list[str] = field(default_factory=list)
    #: sentences explaining the rank, the classification and the proposal (or none);
    #: each is also a note (the "Kết quả" sheet shows the notes)
    reasons: list[str] = field(default_factory=list)
    sections: dict[str, float] = field(default_factory=dict)  # section path -> subtotal
    bonus: float = 0.0
    penalty: float = 0.0
    has_zero_leaf: bool = False
    zero_leaves: list[str] = field(default_factory=list)  # "II.5 (…)" of each leaf at 0
    #: leaf scores after type rules and before weight: criterion path -> score
    leaf_scores: dict[str, float] = field(default_factory=dict)

    @property
    def eligibility_class(self) -> "Classification | None":
        """The class award eligibility uses: the official rating when recorded."""
        return self.official if self.official is not None else self.classification

    def add_note(self, note: str) -> None:
        if note and note not in self.notes:
            self.notes.append(note)

    def add_reason(self, reason: str) -> None:
        """A reason (JSON ``reasons``), shown as a note too."""
        if reason and reason not in self.reasons:
            self.reasons.append(reason)
        self.add_note(reason)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "total": self.total,
            "percent": self.percent,
            "rank": self.rank,
            "tie": self.tie,
            "classification": self.classification.value if self.classification else None,
            "official_classification": self.official.value if self.official else None,
            "last_year": self.last_year.value if self.last_year else None,
            "award": self.award,
            "notes": list(self.notes),
            "reasons": list(self.reasons),
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
    #: how the workbook keeps its scores: "matrix" | "per-unit-sheets" | "summary" (None:
    #: not known — unreadable, or in none of the layouts)
    layout: str | None = None
    #: the sheet the scores were read from (a list: one sheet per unit)
    score_sheet: str | list[str] | None = None
    #: the parsed workbook the result was computed from (the audit trail reads its cells:
    #: thidua_xl.core.audit); not part of the JSON, dropped before a batch sends results on
    parsed: Bloc | None = field(default=None, repr=False, compare=False)

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
            "layout": self.layout,
            "score_sheet": list(self.score_sheet) if isinstance(self.score_sheet, list)
            else self.score_sheet,
        }
