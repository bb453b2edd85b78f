"""Results as pandas DataFrames, for analysts: ``thidua_xl.to_frame(result, detail=False)``.

pandas is imported when a frame is asked for, never on the command path (``check`` and
``score`` start as fast without it; tests/test_cli.py checks).

- ``detail=False``: one row per unit in rank order, the columns of the unit's JSON
  (shared/spec/interfaces.md: name, total, percent, rank, tie, classification, award, notes,
  bonus, penalty, …) with ``sections`` spread into one column per section, named by its path
  ("I", "II", …);
- ``detail=True``: the rows of the "Chi tiết điểm" sheet (:data:`DETAIL_COLUMNS`), one per
  unit and leaf criterion, whose ``contribution`` add up to each unit's total.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported at run time

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .core.models import BlocResult

#: the unit columns first, in the order of interfaces.md; sections follow them
UNIT_COLUMNS = ("name", "total", "percent", "rank", "tie", "classification", "award",
                "bonus", "penalty")
#: "Chi tiết điểm" as columns: Đơn vị, Mã, Nội dung, Loại, Giá trị nhập, Cột, Ô nguồn,
#: Điểm, Hệ số, Điểm tính
DETAIL_COLUMNS = ("unit", "path", "text", "type", "value", "column", "cell", "score",
                  "weight", "contribution")


def to_frame(result: "BlocResult", detail: bool = False) -> "pd.DataFrame":
    """A DataFrame of ``result`` (see the module's doc)."""
    import pandas as pd

    if detail:
        from .core.audit import audit_table

        columns = audit_table(result).columns
        # a column of objects, as a frame of rows infers them (a column of numbers and
        # None is float with NaN either way)
        return pd.DataFrame({c: pd.Series(columns[c], dtype=object).infer_objects()
                             for c in DETAIL_COLUMNS}, columns=list(DETAIL_COLUMNS))
    sections = [path for path, _ in result.sections]
    records = []
    extra: list[str] = []
    for u in result.units:
        doc = u.to_json()
        per_section = doc.pop("sections", {})
        for k in doc:
            if k not in UNIT_COLUMNS and k not in extra:
                extra.append(k)
        for path in per_section:
            if path not in sections:
                sections.append(path)
        records.append(doc | {f"section:{p}": v for p, v in per_section.items()})
    columns = [*UNIT_COLUMNS, *extra]
    frame = pd.DataFrame.from_records(records, columns=columns + [f"section:{p}"
                                                                  for p in sections])
    return frame.rename(columns={f"section:{p}": p for p in sections})
