"""The "Quy định" rule set, validated with pydantic.

The parser turns what people typed into values ("95%", "0,95", "Có", "HTXS" ...) and names
the cell of anything it cannot read; this schema then decides whether the values make a
valid rule set: thresholds between 0 and 100 and falling (HTXS ≥ HTT ≥ HT), whole
non-negative counts, a quota for every form, no form listed twice. Every violation comes
back as a :class:`RuleProblem` whose ``loc`` the parser maps to the cell it came from.

Imported only when a workbook has a "Quy định" sheet: pydantic costs a fresh process about
0.2 s to import, so the rest of the command path does not use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from .models import AwardForm, Classification, Rules, Succession

THRESHOLDS = ("htxs_percent", "htt_percent", "ht_percent")
Percent = Annotated[float, Field(ge=0, le=100)]


class FormSpec(BaseModel):
    """One row of the award forms table."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    max_count: int | None = Field(default=None, ge=0)
    max_percent: float | None = Field(default=None, ge=0, le=100)
    min_class: Classification | None = Classification.HTXS
    no_discipline: bool = True
    last_year_htxs: bool = False
    ref: str | None = None

    @model_validator(mode="after")
    def _has_quota(self) -> "FormSpec":
        if self.max_count is None and self.max_percent is None:
            raise PydanticCustomError(
                "form_quota_missing", "không có số lượng tối đa hay tỷ lệ tối đa")
        return self


class RuleSpec(BaseModel):
    """The key/value part of the sheet plus the validated forms."""

    model_config = ConfigDict(extra="forbid")

    htxs_percent: Percent = 95.0
    htt_percent: Percent = 85.0
    ht_percent: Percent = 75.0
    tiebreak: list[str] | None = None
    succession: Succession = Succession.RANK
    forms: list[FormSpec] | None = None

    @model_validator(mode="after")
    def _falling_thresholds(self) -> "RuleSpec":
        if not self.htxs_percent >= self.htt_percent >= self.ht_percent:
            raise PydanticCustomError(
                "thresholds_order",
                "các ngưỡng xếp loại phải giảm dần: Hoàn thành xuất sắc ≥ Hoàn thành tốt ≥ "
                f"Hoàn thành (đang là {self.htxs_percent:g}, {self.htt_percent:g}, "
                f"{self.ht_percent:g})")
        return self


@dataclass(frozen=True)
class RuleProblem:
    """One violation: where (a pydantic location such as ``("forms", 2, "max_count")``),
    a stable finding code and the Vietnamese reason."""

    loc: tuple
    code: str
    reason: str


#: pydantic's error types → the reason in Vietnamese ({...} from the error's context)
_REASONS = {
    "greater_than_equal": "phải từ {ge:g} trở lên",
    "less_than_equal": "phải không quá {le:g}",
    "int_from_float": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "float_parsing": "phải là số",
    "float_type": "phải là số",
    "bool_parsing": "cần Có hoặc Không",
    "bool_type": "cần Có hoặc Không",
    "enum": "không nhận ra",
    "string_too_short": "đang để trống",
    "missing": "đang để trống",
}
_CODES = {"form_quota_missing": "form-quota-missing", "form_duplicate": "form-duplicate"}


def _problem(err: dict, prefix: tuple = ()) -> RuleProblem:
    kind = err["type"]
    template = _REASONS.get(kind)
    reason = template.format(**err.get("ctx", {})) if template else err["msg"]
    return RuleProblem(prefix + tuple(err["loc"]), _CODES.get(kind, "bad-rule"), reason)


def validate_rules(values: dict[str, Any], forms: list[dict] | None = None
                   ) -> tuple[Rules, list[RuleProblem]]:
    """Validate the sheet's values; return the rules to use and every problem.

    What is wrong is left out and the default stands in its place: a bad threshold falls
    back to its default (all three when they do not fall), a bad form row is skipped, and
    with no valid form the default forms apply (shared/spec/domain.md).
    """
    problems: list[RuleProblem] = []
    good: list[FormSpec] = []
    seen: dict[str, int] = {}
    for i, fd in enumerate(forms or ()):
        try:
            spec = FormSpec.model_validate(fd)
        except ValidationError as e:
            problems.extend(_problem(err, ("forms", i)) for err in e.errors())
            continue
        key = " ".join(spec.name.casefold().split())
        if key in seen:
            problems.append(RuleProblem(("forms", i, "name"), "form-duplicate",
                                        f"đã có ở dòng trên (hình thức thứ {seen[key] + 1})"))
            continue
        seen[key] = i
        good.append(spec)

    values = {k: v for k, v in values.items() if v is not None and k != "forms"}
    spec = None
    for _ in range(len(values) + 2):  # each round drops at least one value
        try:
            spec = RuleSpec.model_validate({**values, "forms": good or None})
            break
        except ValidationError as e:
            for err in e.errors():
                problems.append(_problem(err))
                dropped = err["loc"][0] if err["loc"] else None
                if dropped == "forms":
                    good = []
                for k in (THRESHOLDS if dropped is None else (dropped,)):
                    values.pop(k, None)
    if spec is None:  # pragma: no cover - every round removes what failed
        return Rules(from_sheet=True), problems

    rules = Rules(htxs_percent=spec.htxs_percent, htt_percent=spec.htt_percent,
                  ht_percent=spec.ht_percent, tiebreak=spec.tiebreak,
                  succession=spec.succession, from_sheet=True)
    if spec.forms:
        rules.forms = [AwardForm(**f.model_dump()) for f in spec.forms]
    return rules, problems
