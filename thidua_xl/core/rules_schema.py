"""The "Quy định" rule set, validated with pydantic.

The parser turns what people typed into values ("95%", "0,95", "Có", "HTXS" ...) and names
the cell of anything it cannot read; this schema then decides whether the values make a
valid rule set: thresholds between 0 and 100 and falling (HTXS ≥ HTT ≥ HT), whole
non-negative counts, a quota for every form, no form listed twice. Every violation comes
back as a :class:`RuleProblem` whose ``loc`` the parser maps to the cell it came from.

The schema runs on pydantic's validation engine (pydantic-core: its validators, error
types and locations) and is written with its ``core_schema`` builders rather than as
``BaseModel`` classes: the rest of pydantic would cost a fresh ``thidua-xl`` process about
0.15 s more to import than the whole scoring of a 30-unit workbook. Imported only when a
workbook has a "Quy định" sheet.
"""
from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from .record import defaults, record
from .models import AwardForm, Classification, Rules, Succession, form_key
from .vocab import DEFAULT_THRESHOLDS

THRESHOLDS = tuple(DEFAULT_THRESHOLDS)  # htxs_percent, htt_percent, ht_percent: falling
#: what a field left out becomes: the models' own defaults (one home; io.parse_rules'
#: shortcut for a plainly valid sheet takes the same)
_RULE = defaults(Rules)
_FORM_DEFAULT = defaults(AwardForm)


def _optional(schema: dict, default: Any = None) -> dict:
    """A field that may be left out (→ ``default``)."""
    return cs.typed_dict_field(cs.with_default_schema(schema, default=default), required=False)


def _percent(default: float | None) -> dict:
    number = cs.float_schema(ge=0, le=100, allow_inf_nan=False)
    return _optional(number if default is not None else cs.nullable_schema(number), default)


def _has_quota(form: dict) -> dict:
    if form["max_count"] is None and form["max_percent"] is None:
        raise PydanticCustomError("form_quota_missing",
                                  "không có số lượng tối đa hay tỷ lệ tối đa")
    return form


def _falling(rules: dict) -> dict:
    htxs, htt, ht = (rules[k] for k in THRESHOLDS)
    if not htxs >= htt >= ht:
        raise PydanticCustomError(
            "thresholds_order",
            "các ngưỡng xếp loại phải giảm dần: Hoàn thành xuất sắc ≥ Hoàn thành tốt ≥ "
            f"Hoàn thành (đang là {htxs:g}, {htt:g}, {ht:g})")
    return rules


#: one row of the award forms table (the fields of :class:`~.models.AwardForm`)
FORM_SCHEMA = cs.no_info_after_validator_function(_has_quota, cs.typed_dict_schema({
    "name": cs.typed_dict_field(cs.str_schema(min_length=1, strip_whitespace=True)),
    "max_count": _optional(cs.nullable_schema(cs.int_schema(ge=0))),
    "max_percent": _percent(None),
    "min_class": _optional(cs.nullable_schema(cs.is_instance_schema(Classification)),
                           _FORM_DEFAULT["min_class"]),
    "no_discipline": _optional(cs.bool_schema(), _FORM_DEFAULT["no_discipline"]),
    "last_year_htxs": _optional(cs.bool_schema(), _FORM_DEFAULT["last_year_htxs"]),
    "ref": _optional(cs.nullable_schema(cs.str_schema())),
}, extra_behavior="forbid"))

#: the key/value part of the sheet (the fields of :class:`~.models.Rules` but the forms)
RULES_SCHEMA = cs.no_info_after_validator_function(_falling, cs.typed_dict_schema({
    "htxs_percent": _percent(_RULE["htxs_percent"]),
    "htt_percent": _percent(_RULE["htt_percent"]),
    "ht_percent": _percent(_RULE["ht_percent"]),
    "tiebreak": _optional(cs.nullable_schema(cs.list_schema(cs.str_schema(min_length=1)))),
    "succession": _optional(cs.is_instance_schema(Succession), _RULE["succession"]),
    "zero_forbids": _optional(cs.is_instance_schema(frozenset), _RULE["zero_forbids"]),
}, extra_behavior="forbid"))

_FORM = SchemaValidator(FORM_SCHEMA)
_RULES = SchemaValidator(RULES_SCHEMA)


@record(frozen=True)
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
    "is_instance_of": "không nhận ra",
    "list_type": "không nhận ra",
    "extra_forbidden": "không có trong mẫu",
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
    good: list[dict] = []
    seen: dict[str, str] = {}  # folded name -> the cell of its first row
    for i, fd in enumerate(forms or ()):
        try:
            form = _FORM.validate_python(fd)
        except ValidationError as e:
            problems.extend(_problem(err, ("forms", i)) for err in e.errors())
            continue
        key = form_key(form["name"])
        if key in seen:
            first = seen[key]
            where = f"ô {first.rsplit('!', 1)[-1]}" if first else "dòng trên"
            problems.append(RuleProblem(("forms", i, "name"), "form-duplicate",
                                        f"đã có ở {where}"))
            continue
        seen[key] = form.get("ref") or ""
        good.append(form)

    values = {k: v for k, v in values.items() if v is not None}
    valid = None
    for _ in range(len(values) + 2):  # each round drops at least one value
        try:
            valid = _RULES.validate_python(values)
            break
        except ValidationError as e:
            for err in e.errors():
                problems.append(_problem(err))
                dropped = err["loc"][0] if err["loc"] else None
                for k in (THRESHOLDS if dropped is None else (dropped,)):
                    values.pop(k, None)
    if valid is None:  # pragma: no cover - every round removes what failed
        return Rules(from_sheet=True), problems

    rules = Rules(**valid, from_sheet=True)
    if good:
        rules.forms = [AwardForm(**f) for f in good]
    return rules, problems
