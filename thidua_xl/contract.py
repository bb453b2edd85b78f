"""The ``--json`` output of shared/spec/interfaces.md as pydantic models: the contract
scripts rely on, checkable and exportable as a JSON Schema.

Not used to produce the output (``BlocResult.to_json`` does, without pydantic on the
command path); used to *check* it — the tests validate every JSON document the commands
print — and by integrators::

    from thidua_xl.contract import validate_output, json_schema
    validate_output(json.loads(text))   # raises pydantic.ValidationError when off-contract
    json_schema()                       # the JSON Schema (docs/json-schema.json)
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from .core.models import Classification

#: the four classification phrases of the domain spec, exactly
ClassificationText = Literal[tuple(c.value for c in Classification)]  # type: ignore[valid-type]


_CELL = r"^\$?[A-Z]{1,3}\$?[0-9]{1,7}(:\$?[A-Z]{1,3}\$?[0-9]{1,7})?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class FindingJSON(_Strict):
    severity: Literal["error", "warning"]
    sheet: Optional[str]
    cell: Optional[str] = Field(pattern=_CELL)
    code: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    message: str = Field(min_length=1)
    fix: str
    #: a grouped finding (many cells, one cause) lists every cell it stands for, in
    #: ``sheet``; ``cell`` is the first of them. Absent on a finding of one cell.
    cells: Optional[list[Annotated[str, Field(pattern=_CELL)]]] = Field(default=None,
                                                                       min_length=2)


class UnitJSON(_Strict):
    name: str = Field(min_length=1)
    total: Optional[float]
    percent: Optional[float]
    rank: Optional[int] = Field(ge=1)
    tie: bool
    #: the class by score ("Xếp loại theo điểm")
    classification: Optional[ClassificationText]
    #: the official rating of this year ("Xếp loại năm nay"), used for award eligibility
    official_classification: Optional[ClassificationText]
    #: last year's classification as read ("Xếp loại năm trước", or score --nam-truoc)
    last_year: Optional[ClassificationText]
    award: Optional[str]
    notes: list[str]
    #: Vietnamese sentences: which tie-break key decided the rank, why the class is capped,
    #: the proposal's basis or why there is none
    reasons: list[str]
    sections: dict[str, float]
    bonus: float
    penalty: float


class WorkbookJSON(_Strict):
    """The JSON of one workbook."""

    file: str
    bloc: str
    year: Optional[int]
    max_total: Optional[float]
    units: list[UnitJSON]
    next_head: Optional[str]
    next_deputy: Optional[str]
    findings: list[FindingJSON]
    #: ``demo --json`` adds where each result was written
    output: Optional[str] = None
    #: v2: how the workbook keeps its scores, and the sheet(s) they were read from (null
    #: when the workbook could not be read or is in none of the layouts)
    layout: Optional[Literal["matrix", "per-unit-sheets", "summary"]] = None
    score_sheet: Optional[str | list[str]] = None

    @model_validator(mode="after")
    def _rank_order(self) -> "WorkbookJSON":
        ranks = [u.rank for u in self.units if u.rank is not None]
        if ranks != sorted(ranks):
            raise ValueError("units are not in rank order")
        if any(u.rank is not None for u in self.units) and any(
                f.severity == "error" for f in self.findings):
            raise ValueError("a workbook with errors has no ranks")
        return self


_ONE = TypeAdapter(WorkbookJSON)
_MANY = TypeAdapter(list[WorkbookJSON])


def validate_output(doc: dict | list) -> WorkbookJSON | list[WorkbookJSON]:
    """Check one JSON document printed by ``check``/``score``/``demo``/``batch --json``
    (one workbook or a list of them) against the contract."""
    return _MANY.validate_python(doc) if isinstance(doc, list) else _ONE.validate_python(doc)


def json_schema() -> dict:
    """The JSON Schema of one workbook's JSON (a list of these for several files)."""
    schema = _ONE.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "thidua-xl --json (one workbook)"
    return schema


__all__ = ["FindingJSON", "UnitJSON", "WorkbookJSON", "json_schema", "validate_output"]
