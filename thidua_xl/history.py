"""Looking back over the years: ``thidua-xl lich-su FILES... -o OUT`` and
``thidua_xl.read_history(paths)``.

Each file (a bloc workbook or its ``_ketqua`` output, of any year, of one bloc or a whole
province; folders are walked as ``batch`` walks them) is scored by the same parser and
engine as ``score``, one at a time: only its rows are kept, so any number of files streams
through in little memory. The rows (one per bloc, year and unit) are a pandas DataFrame —
:data:`COLUMNS`, what sheet "Lịch sử" holds; sheet "Theo đơn vị" is its pivot of units ×
years (ranks and classifications, with the years a unit was HTXS in a row) and a line chart
of each unit's rank by year, one per bloc.

A file that cannot be read, has errors, or whose year is unknown is reported in
``frame.attrs["files"]`` and skipped; so is a second file for a bloc and year already read
(a workbook and its own ``_ketqua`` output). pandas is imported by these calls only.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from .core.record import record

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Callable, Iterable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .core.models import BlocResult
    from .io.plan import WritePlan

COLUMNS = ("Khối", "Năm", "Đơn vị", "Tổng điểm", "% tối đa", "Xếp hạng", "Xếp loại",
           "Hình thức đề nghị", "Tệp")
SHEET_HISTORY, SHEET_BY_UNIT = "Lịch sử", "Theo đơn vị"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@record
class FileNote:
    """What happened to one input file."""

    file: str
    status: str  # "ok" | "errors" | "unreadable" | "no-year" | "duplicate"
    message: str = ""
    rows: int = 0


def _year(result: "BlocResult", display: str) -> int | None:
    if result.year:
        return result.year
    m = _YEAR.findall(Path(display).name)
    return int(m[-1]) if m else None


def result_rows(result: "BlocResult", year: int, display: str) -> list[dict]:
    """The "Lịch sử" rows of one scored workbook."""
    return [{"Khối": result.bloc, "Năm": year, "Đơn vị": u.name, "Tổng điểm": u.total,
             "% tối đa": u.percent, "Xếp hạng": u.rank,
             "Xếp loại": u.classification.value if u.classification else None,
             "Hình thức đề nghị": u.award, "Tệp": display} for u in result.units]


def iter_history(paths: Iterable[str | os.PathLike], notes: list[FileNote], *,
                 on_file: Callable[[int, int, str], None] | None = None
                 ) -> Iterator[dict]:
    """The rows of every file, file by file; ``notes`` gets one :class:`FileNote` each.
    ``on_file(done, total, name)`` is called after each file (the CLI's progress bar)."""
    from .api import check_file
    from .batch import discover
    from .core.text import fold

    jobs = discover(list(paths))
    seen: dict[tuple[str, int], str] = {}
    for i, job in enumerate(jobs, 1):
        result = check_file(job.src)
        note = FileNote(job.display, result.status)
        notes.append(note)
        if result.status == "unreadable" or result.has_errors:
            first = next((f for f in result.findings if f.severity.value == "error"), None)
            note.message = first.message if first else ""
        elif (year := _year(result, job.display)) is None:
            note.status = "no-year"
            note.message = ("Không rõ năm thi đua: ghi \"Năm thi đua\" ở sheet Thông tin, "
                            "hoặc đặt năm trong tên tệp.")
        elif (key := (fold(result.bloc), year)) in seen:
            note.status = "duplicate"
            note.message = f"Đã đọc {result.bloc} năm {year} từ {seen[key]}; bỏ qua tệp này."
        else:
            seen[key] = job.display
            rows = result_rows(result, year, job.display)
            note.rows = len(rows)
            yield from rows
        if on_file:
            on_file(i, len(jobs), job.display)


def read_history(paths: Iterable[str | os.PathLike], *,
                 on_file: Callable[[int, int, str], None] | None = None) -> "pd.DataFrame":
    """A DataFrame of what ``lich-su`` writes in "Lịch sử" (:data:`COLUMNS`), sorted by bloc,
    year and rank; ``frame.attrs["files"]`` lists a :class:`FileNote` per input file."""
    import pandas as pd

    notes: list[FileNote] = []
    frame = pd.DataFrame.from_records(list(iter_history(paths, notes, on_file=on_file)),
                                      columns=list(COLUMNS))
    frame = frame.sort_values(["Khối", "Năm", "Xếp hạng"], kind="stable",
                              na_position="last").reset_index(drop=True)
    frame.attrs["files"] = notes
    return frame


def counts(frame: "pd.DataFrame") -> tuple[int, int, list[int]]:
    """(units, blocs, years) of a history frame (units matched by the name rule)."""
    from .core.text import fold, unit_key

    return (frame["Đơn vị"].map(unit_key).nunique(), frame["Khối"].map(fold).nunique(),
            sorted(int(y) for y in frame["Năm"].dropna().unique()))


# --------------------------------------------------------------------------------------
# units × years
# --------------------------------------------------------------------------------------
def htxs_runs(years_htxs: list[int]) -> list[tuple[int, int]]:
    """Consecutive years (first, last) of at least two years in a row."""
    runs: list[tuple[int, int]] = []
    for y in sorted(set(years_htxs)):
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return [r for r in runs if r[1] > r[0]]


def by_unit(frame: "pd.DataFrame") -> tuple["pd.DataFrame", list[int]]:
    """Units × years: one row per unit (latest bloc and name), a rank and a class column per
    year, and the HTXS runs. Returns ``(pivot, years)``."""
    import pandas as pd

    from .core.models import Classification
    from .core.text import unit_key

    years = sorted(int(y) for y in frame["Năm"].dropna().unique())
    if frame.empty:
        return pd.DataFrame(columns=["Khối", "Đơn vị"]), years
    f = frame.assign(_key=frame["Đơn vị"].map(unit_key)).sort_values("Năm", kind="stable")
    latest = f.groupby("_key").tail(1).set_index("_key")[["Khối", "Đơn vị"]]
    ranks = f.pivot_table(index="_key", columns="Năm", values="Xếp hạng", aggfunc="first")
    classes = f.pivot_table(index="_key", columns="Năm", values="Xếp loại", aggfunc="first")
    out = latest.copy()
    for y in years:
        out[f"Hạng {y}"] = ranks[y] if y in ranks else None
    for y in years:
        out[f"Xếp loại {y}"] = classes[y] if y in classes else None
    htxs = Classification.HTXS.value
    runs = {k: htxs_runs([int(y) for y in g.loc[g["Xếp loại"] == htxs, "Năm"]])
            for k, g in f.groupby("_key")}
    out["Năm HTXS liên tiếp"] = ["; ".join(f"{a}–{b} ({b - a + 1} năm)" for a, b in runs[k])
                                 for k in out.index]
    last = years[-1] if years else None
    out["HTXS liên tiếp đến năm cuối"] = [
        next((b - a + 1 for a, b in runs[k] if b == last), 0) for k in out.index]
    out["_rank"] = out[f"Hạng {last}"] if last is not None else None
    out = out.sort_values(["Khối", "_rank", "Đơn vị"], kind="stable", na_position="last")
    return out.drop(columns="_rank").reset_index(drop=True), years


def _cell(v):
    """A frame value as a cell value (NaN and pandas' missing values → blank)."""
    try:
        import pandas as pd

        if v is None or pd.isna(v):
            return None
    except (TypeError, ValueError):
        return v
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def history_plan(frame: "pd.DataFrame") -> "WritePlan":
    """The history workbook's sheets: "Lịch sử" and "Theo đơn vị" (with the rank charts)."""
    from .io.grid import col_letter
    from .io.analysis_sheets import CENTER, HEADER, NOTE, NUM, TEXT, TITLE
    from .io.plan import ChartSpec, PrintSetup, SheetPlan, WritePlan

    hist = SheetPlan(SHEET_HISTORY, tab_color="2E75B6")
    hist.put(1, 1, "LỊCH SỬ KẾT QUẢ THI ĐUA QUA CÁC NĂM", TITLE)
    hist.put(2, 1, "Mỗi dòng là một đơn vị trong một năm của một khối.", NOTE)
    widths = (34, 7, 34, 10, 9, 8, 28, 30, 40)
    styles = (TEXT, CENTER, TEXT, NUM, NUM, CENTER, TEXT, TEXT, TEXT)
    for c, (label, w) in enumerate(zip(COLUMNS, widths), start=1):
        hist.put(3, c, label, HEADER)
        hist.col_widths[c] = w
    for r, row in enumerate(frame.itertuples(index=False), start=4):
        for c, (v, st) in enumerate(zip(row, styles), start=1):
            hist.put(r, c, _cell(v), st)
    hist.freeze = "A4"
    hist.autofilter = f"A3:{col_letter(len(COLUMNS))}{max(3, 3 + len(frame))}"

    pivot, years = by_unit(frame)
    units = SheetPlan(SHEET_BY_UNIT, tab_color="548235")
    units.put(1, 1, "XẾP HẠNG, XẾP LOẠI THEO ĐƠN VỊ QUA CÁC NĂM", TITLE)
    n = len(years)
    units.put(3, 1, "Khối", HEADER)
    units.put(3, 2, "Đơn vị", HEADER)
    units.col_widths.update({1: 30, 2: 34})
    if n:
        units.put(3, 3, "Xếp hạng", HEADER)
        units.put(3, 3 + n, "Xếp loại", HEADER)
        if n > 1:
            units.merges += [f"{col_letter(3)}3:{col_letter(2 + n)}3",
                             f"{col_letter(3 + n)}3:{col_letter(2 + 2 * n)}3"]
    for i, y in enumerate(years):
        units.put(4, 3 + i, str(y), HEADER)
        units.put(4, 3 + n + i, str(y), HEADER)
        units.col_widths[3 + i] = 7
        units.col_widths[3 + n + i] = 14
    tail = 3 + 2 * n
    units.put(3, tail, "Năm HTXS liên tiếp", HEADER)
    units.put(3, tail + 1, "Số năm HTXS liên tiếp đến năm cuối", HEADER)
    units.col_widths.update({tail: 26, tail + 1: 14})
    for c in (1, 2, tail, tail + 1):
        units.put(4, c, None, HEADER)
        units.merges.append(f"{col_letter(c)}3:{col_letter(c)}4")
    units.row_heights[3] = 30.0
    first = 5
    row_styles = [TEXT, TEXT] + [CENTER] * n + [TEXT] * n + [TEXT, CENTER]
    for r, row in enumerate(pivot.itertuples(index=False), start=first):
        for c, (v, st) in enumerate(zip(row, row_styles), start=1):
            units.put(r, c, _cell(v), st)
    units.freeze = f"C{first}"
    # one line chart of ranks by year per bloc (its units are consecutive rows)
    anchor = first + len(pivot) + 2
    if n:
        for bloc, group in pivot.groupby("Khối", sort=False):
            r1 = first + int(group.index[0])
            r2 = first + int(group.index[-1])
            height = 9.0
            units.charts.append(ChartSpec(
                kind="line", title=f"Xếp hạng qua các năm – {bloc}",
                categories=f"{col_letter(3)}4:{col_letter(2 + n)}4",
                values=f"{col_letter(3)}{r1}:{col_letter(2 + n)}{r2}",
                series_titles=f"B{r1}:B{r2}", anchor=f"B{anchor}", width_cm=20.0,
                height_cm=height))
            anchor += int(height / 0.5) + 2
    for sp in (hist, units):
        sp.print_setup = PrintSetup(orientation="landscape", margin_left_mm=15,
                                    margin_right_mm=15, fit_width=True, title_rows="3:4"
                                    if sp is units else "3:3")
    return WritePlan(sheets=[hist, units], replace=(SHEET_HISTORY, SHEET_BY_UNIT),
                     select=SHEET_BY_UNIT)


def write_history(frame: "pd.DataFrame", out: str | os.PathLike) -> Path:
    """Write the history workbook (atomically: the old file or the new one, never half)."""
    from .io.render_openpyxl import render_to_file

    from .io.atomic import ensure_not_input, ensure_regular_target

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_suffix(".xlsx")
    # never over a workbook the history was read from, nor over a device or a folder
    ensure_not_input(out, [n.file for n in frame.attrs.get("files", ())])
    ensure_regular_target(out)
    render_to_file(history_plan(frame), out)
    return out
