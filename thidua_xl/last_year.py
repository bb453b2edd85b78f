"""Reading last year's classifications for ``score --nam-truoc LAST``.

``LAST`` is last year's bloc workbook or its ``_ketqua`` output. It is scored by the same
parser and engine as this year's (a ``_ketqua`` output still holds its input sheets), and
each unit's class is the one award eligibility used (the official rating where the
workbook records one). A workbook that cannot be scored but has a "Kết quả" sheet (an
older output) gives the classes written there. Anything else is one warning: this year's
scoring never stops because of last year's file.

:func:`join_last_year` reads and joins (:func:`thidua_xl.core.last_year.apply_last_year`).
"""
from __future__ import annotations

import os
from pathlib import Path

from .core.findings import Report
from .core.last_year import LastYearClass, apply_last_year
from .core.models import Bloc

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Callable

RESULTS_SHEET = "Kết quả"


def _from_results_sheet(path: Path) -> list[LastYearClass]:
    """The (name, class) rows of an output's "Kết quả" sheet (none when it has none)."""
    from .core.classify import parse_classification
    from .core.models import Classification
    from .core.text import fold, unit_key
    from .errors import UnreadableWorkbook
    from .io.readers import read_grid

    try:
        grid = read_grid(path, only=lambda n: fold(n) == fold(RESULTS_SHEET))
    except UnreadableWorkbook:
        return []
    sg = grid.find_sheet(RESULTS_SHEET)
    if sg is None:
        return []
    name_col = class_col = header = None
    for r in range(1, min(sg.max_row, 15) + 1):
        labels = {fold(sg.get(r, c)): c for c in range(1, sg.max_col + 1) if sg.get(r, c)}
        if "ten don vi" in labels and "xep loai" in labels:
            header, name_col, class_col = r, labels["ten don vi"], labels["xep loai"]
            break
    if header is None:
        return []
    out = []
    for r in range(header + 1, sg.max_row + 1):
        name, cls = sg.get(r, name_col), parse_classification(sg.get(r, class_col))
        if not name:
            continue
        if isinstance(cls, Classification):
            out.append(LastYearClass(name=str(name).strip(), key=unit_key(name),
                                     classification=cls,
                                     where=f"{path.name}, {sg.ref(r, class_col)}"))
    return out


def read_last_year(path: str | os.PathLike, report: Report, check_path: Callable
                   ) -> list[LastYearClass]:
    """Each unit's class in last year's workbook ``path`` (problems → warnings);
    ``check_path`` is :func:`thidua_xl.api.check_path` (path → (bloc, result))."""
    from .core.text import unit_key

    path = Path(path)
    shown = path.name
    if not path.is_file():
        report.emit("last-year-unreadable", source=str(path), reason="không có tệp này.")
        return []
    bloc, result = check_path(path)
    if result.status == "unreadable":
        reason = result.findings[0].message if result.findings else ""
        report.emit("last-year-unreadable", source=shown, reason=reason)
        return []
    if not result.has_errors and bloc is not None:
        refs = {u.key: u.ref for u in bloc.units}
        out = []
        for u in result.units:
            cls = getattr(u, "official", None) or u.classification
            if cls is not None:
                where = f"{shown}, {refs.get(u.key) or result.file}"
                out.append(LastYearClass(name=u.name, key=unit_key(u.name),
                                         classification=cls, where=where))
        return out
    written = _from_results_sheet(path)
    if not written:
        n = sum(1 for f in result.findings if f.severity.value == "error")
        report.emit("last-year-unusable", source=shown, errors=n)
    return written


def join_last_year(bloc: Bloc, path: str | os.PathLike, report: Report,
                   check_path: Callable) -> int:
    """Read ``path`` and fill the units' last-year classes; returns how many were filled."""
    found = read_last_year(path, report, check_path)
    return apply_last_year(bloc, found, report, source=Path(path).name)
