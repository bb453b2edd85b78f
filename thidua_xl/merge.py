"""`thidua-xl merge`: fill a bloc workbook's "Tự chấm" columns from the units' self-score
workbooks ("Phiếu tự chấm", shared/spec/bloc-workbook.md, last section).

Three layers:
- :func:`parse_self_score_grid` / :func:`read_self_score` read one self-score workbook;
- :func:`merge_into_grid` is pure: bloc grid + self-scores → the list of cell writes and a
  report (used as is by the Excel ribbon button, which applies the writes to the live book);
- :func:`merge_files` reads files and writes a NEW bloc workbook (the input is untouched).

Every unmatched unit, unmatched criterion (both directions), value above its max or not a
number is a finding; nothing stops at the first problem.
"""
from __future__ import annotations

import re
from pathlib import Path

from .core.record import field, record
from .core.findings import Finding, Report, Severity
from .core.text import clean, fold, unit_key
from .core.values import vn_number
from .core.vocab import SELF_SCORE_COLUMNS, SELF_SCORE_UNIT_LABELS, SUB_SELF
from .errors import ThiduaError

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

SELF_SCORE_SUBCOL = SUB_SELF

# --------------------------------------------------------------------------------------
# criterion codes → paths (bloc-workbook.md "Criterion hierarchy")
# --------------------------------------------------------------------------------------
@record(frozen=True)
class CodeNode:
    code: str  # normalised code
    path: str
    level: int
    parent: str | None
    section: str
    problem: str | None = None  # "bad-code" | "duplicate-code" | "orphan-code"


def normalize_code(raw: Any) -> str:
    from .core.hierarchy import normalize_code as _norm

    return _norm(raw)


def code_paths(codes: list[Any], implicit_section: str = "") -> list[CodeNode]:
    """Criterion paths for a column of codes, with the bloc workbook's hierarchy rules
    (``thidua_xl.core.hierarchy``, the parser's own builder, so a self-score and a bloc
    workbook always agree on a criterion's identity). A row whose code cannot be placed
    gets ``problem`` set and its code as path."""
    from .core.hierarchy import HierarchyBuilder, has_roman

    builder = HierarchyBuilder(implicit_section, letters=not has_roman(codes))
    out: list[CodeNode] = []
    for raw in codes:
        code = normalize_code(raw)
        node, problem = builder.add(raw)
        if node is None or problem:
            out.append(CodeNode(code, code, 0, None, "", problem))
        else:
            out.append(CodeNode(code, node.path, node.level, node.parent, node.section))
    return out


# --------------------------------------------------------------------------------------
# the self-score workbook
# --------------------------------------------------------------------------------------
_FOLDED = {k: {fold(x) for x in v} for k, v in SELF_SCORE_COLUMNS.items()}
_UNIT_LABELS = {fold(x) for x in SELF_SCORE_UNIT_LABELS}
_OF = re.compile(r"\s(?:của|cua)\s+(.+)$", re.IGNORECASE)
_TRAILING_YEAR = re.compile(r"\s*[-–(,]?\s*năm\s+\d{4}\)?\s*$", re.IGNORECASE)


@record
class SelfScoreRow:
    code: str
    path: str
    text: str
    max: float | None
    value: Any  # as read (None = blank)
    percent: bool = False
    ref: str = ""  # "Sheet!D12" (the Tự chấm cell)
    note: str = ""
    is_leaf: bool = True


@record
class SelfScore:
    file: str
    unit: str | None = None
    unit_ref: str | None = None
    sheet: str = ""
    rows: list[SelfScoreRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.unit is not None and bool(self.rows)


def _header(sheet) -> tuple[int, dict[str, int], int] | None:
    """(header row, {key: column}, first data row) of the self-score table."""
    for r in range(1, min(sheet.max_row, 25) + 1):
        found: dict[str, int] = {}
        for rr in (r, r + 1):
            for c in range(1, sheet.max_col + 1):
                f = fold(sheet.get(rr, c))
                if not f:
                    continue
                for key, labs in _FOLDED.items():
                    if key not in found and f in labs and c not in found.values():
                        found[key] = c
            if rr == r and not ("code" in found and ("self" in found or "text" in found)):
                break
        if "code" in found and "self" in found:
            second = any(fold(sheet.get(r + 1, c)) in labs for key, labs in _FOLDED.items()
                         for c in [found[key]] if key in found)
            return r, found, r + (2 if second else 1)
    return None


def _unit_name(sheet, header_row: int) -> tuple[str | None, str | None]:
    for r in range(1, header_row):
        for c in range(1, sheet.max_col + 1):
            v = sheet.get(r, c)
            if v is None:
                continue
            text = clean(v)
            f = fold(text)
            # "Đơn vị: Sở Tư pháp" in one cell
            if ":" in text:
                label, _, rest = text.partition(":")
                if fold(label) in _UNIT_LABELS and clean(rest):
                    return clean(rest), sheet.ref(r, c)
            if f in _UNIT_LABELS or f.rstrip(":").strip() in _UNIT_LABELS:
                for cc in range(c + 1, sheet.max_col + 1):
                    name = clean(sheet.get(r, cc))
                    if name:
                        return name, sheet.ref(r, cc)
    for r in range(1, header_row):
        for c in range(1, sheet.max_col + 1):
            text = clean(sheet.get(r, c))
            m = _OF.search(text) if text else None
            if m:
                name = _TRAILING_YEAR.sub("", m.group(1)).strip(" .:")
                if name:
                    return name, sheet.ref(r, c)
    return None, None


def parse_self_score_grid(grid, file: str = "") -> SelfScore:
    """Read a self-score workbook's grid (never raises for content)."""
    from .core.values import is_blank

    report = Report()
    name = Path(file).name if file else (grid.source or "")
    chosen = None
    preferred = [s for s in grid.sheets if "tu cham" in fold(s.name)]
    for sheet in preferred + [s for s in grid.sheets if s not in preferred]:
        h = _header(sheet)
        if h:
            chosen = (sheet, h)
            break
    if chosen is None:
        report.emit("self-score-no-table", name=name)
        return SelfScore(file=file, findings=report.findings)
    sheet, (hrow, cols, first) = chosen
    unit, unit_ref = _unit_name(sheet, hrow)
    if not unit:
        report.emit("self-score-unit-missing", name=name, sheet=sheet.name, cell='A1')
    raw_rows: list[tuple[int, str]] = []
    for r in range(first, sheet.max_row + 1):
        code = normalize_code(sheet.get(r, cols["code"]))
        if not code:  # a totals row, a note or a blank row
            continue
        raw_rows.append((r, code))
    nodes = code_paths([c for _, c in raw_rows], sheet.name)
    parents = {n.parent for n in nodes if n.parent is not None}
    rows: list[SelfScoreRow] = []
    from .core.values import parse_number

    for (r, code), node in zip(raw_rows, nodes):
        max_raw = sheet.get(r, cols["max"]) if "max" in cols else None
        mx = parse_number(max_raw).value if not is_blank(max_raw) else None
        c_self = cols["self"]
        if node.problem:
            report.emit("self-score-bad-code", name=name, code_=code,
                        cell_ref=sheet.ref(r, cols['code']),
                        node_problem=node.problem, ref=sheet.ref(r, cols['code']))
            continue
        rows.append(SelfScoreRow(
            code=code, path=node.path,
            text=clean(sheet.get(r, cols["text"])) if "text" in cols else "",
            max=mx, value=sheet.get(r, c_self), percent=(r, c_self) in sheet.percent,
            ref=sheet.ref(r, c_self),
            note=clean(sheet.get(r, cols["note"])) if "note" in cols else "",
            is_leaf=node.path not in parents))
        if (r, c_self) in sheet.uncached:
            report.emit("self-score-uncached-formula", name=name,
                        cell_ref=sheet.ref(r, c_self), ref=sheet.ref(r, c_self))
    if not rows:
        report.emit("self-score-no-rows", name=name, sheet=sheet.name)
    return SelfScore(file=file, unit=unit, unit_ref=unit_ref, sheet=sheet.name, rows=rows,
                     findings=report.findings)


def read_self_score(path: str | Path) -> SelfScore:
    """Read one self-score workbook. Raises :class:`UnreadableWorkbook` for a bad file."""
    grid = _read_grid(path)
    return parse_self_score_grid(grid, file=str(path))


def _read_grid(path: str | Path):
    from .io.readers import read_grid

    return read_grid(path)


# --------------------------------------------------------------------------------------
# the pure merge
# --------------------------------------------------------------------------------------
@record
class MergeResult:
    """What merging gives: the writes ("Sheet!H12", value) and the findings."""

    writes: list[tuple[str, Any]] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    bloc: Any = None  # core.models.Bloc | None
    matched: dict[str, str] = field(default_factory=dict)  # self-score file → bloc unit name

    @property
    def has_errors(self) -> bool:
        return self.report.has_errors


def merge_into_grid(grid, self_scores: list[SelfScore], file: str = "") -> MergeResult:
    """Merge self-scores into a bloc grid without touching any file.

    Returns the cell writes as ``("Chấm điểm!H12", value)`` pairs (sheet-qualified, the
    unit's "Tự chấm" column at the criterion's row) and a report. The Excel ribbon button
    applies the writes to the live workbook; :func:`merge_files` to a copy of the file.
    """
    from .core.values import is_blank
    from .io.grid import parse_a1
    from .io.parser import parse_grid

    out = MergeResult()
    rep = out.report
    bloc, parse_report = parse_grid(grid, file=file)
    out.bloc = bloc
    if bloc is None:
        for f in parse_report:
            if f.severity is Severity.ERROR:
                rep.append(f)
        if not rep.has_errors:
            rep.emit("bloc-unreadable")
        return out
    score_sheet = grid.find_sheet(bloc.score_sheet) or next(
        (s for s in grid.sheets if s.name == bloc.score_sheet), None)
    from .core.engine import effective_types
    from .core.suggest import nearest

    units = {u.key: u for u in bloc.units}
    crits = {c.path: c for c in bloc.criteria}
    #: bonus/penalty leaves: blank (or absent from a form) is 0, nothing to say
    unscored = {p for p, t in effective_types(bloc).items() if not t.is_scored}
    leaves = [c for c in bloc.criteria if c.is_leaf]
    seen_units: dict[str, str] = {}
    meant: set[str] = set()  # units a misspelt form's name is near

    for ss in self_scores:
        name = Path(ss.file).name if ss.file else "?"
        for f in ss.findings:
            rep.append(f)
        if not ss.unit or not ss.rows:
            continue
        key = unit_key(ss.unit)
        unit = units.get(key) or _fuzzy_unit(units, ss.unit)
        if unit is None:
            near = nearest(ss.unit, [u.name for u in units.values()])
            if near:  # the form is that unit's: no "no form" warning follows for it
                meant.add(unit_key(near))
            rep.emit("self-score-unknown-unit", variant="near" if near else "", name=name,
                     self_unit=ss.unit, near=near, ref=ss.unit_ref)
            continue
        if unit.key in seen_units:
            rep.emit("self-score-duplicate-unit", name=unit.name,
                     first_file=seen_units[unit.key], name2=name, ref=ss.unit_ref)
            continue
        seen_units[unit.key] = name
        out.matched[ss.file] = unit.name
        col = unit.score_columns.get(SELF_SCORE_SUBCOL)
        if not col:
            rep.emit("no-self-score-column", name=unit.name, score_sheet=bloc.score_sheet,
                     ref=unit.column_ref)
            continue
        ss_paths: dict[str, SelfScoreRow] = {}
        for row in ss.rows:
            if row.path in ss_paths:
                rep.emit("self-score-duplicate-criterion", name=name, row_path=row.path,
                         ref=row.ref)
                continue
            ss_paths[row.path] = row
        for row in ss.rows:
            crit = crits.get(row.path)
            if crit is None:
                rep.emit("self-score-unknown-criterion", name=name, name2=unit.name,
                         row_code=row.code, row_path=row.path,
                         text=' – ' + row.text[:60] if row.text else '',
                         ref=row.ref)
                continue
            if not crit.is_leaf:
                continue  # a parent's subtotal: computed, never written
            row_no, _ = parse_a1((crit.ref or "").split("!")[-1] or "A1")
            target = f"{col}{row_no}"
            target_ref = f"{bloc.score_sheet}!{target}"
            if (crit.max is not None and row.max is not None
                    and abs(float(crit.max) - float(row.max)) > 1e-9):
                rep.emit("self-score-max-differs", name=name, name2=unit.name,
                         crit_path=crit.path, row_max=vn_number(row.max),
                         crit_max=vn_number(crit.max), ref=row.ref)
            raw = row.value
            if is_blank(raw) and crit.path in unscored:
                continue  # a blank bonus/penalty row counts 0
            if is_blank(raw):
                rep.emit("self-score-blank", name=name, name2=unit.name, crit_path=crit.path,
                         ref=row.ref)
                continue
            value, problem = _check_value(crit, raw, row.percent)
            if problem == "not-a-number":
                rep.emit("self-score-not-a-number", name=name, name2=unit.name,
                         clean_raw=clean(raw), crit_path=crit.path, ref=row.ref)
            elif problem == "not-yes-no":
                rep.emit("self-score-not-yes-no", name=name, name2=unit.name,
                         crit_path=crit.path, clean_raw=clean(raw), ref=row.ref)
            elif problem == "above-max":
                rep.emit("self-score-above-max", name=name, name2=unit.name,
                         value=vn_number(value), crit_path=crit.path,
                         crit_max=vn_number(crit.max), ref=row.ref)
            elif problem == "negative":
                rep.emit("self-score-negative", name=name, name2=unit.name,
                         value=vn_number(value), crit_path=crit.path, ref=row.ref)
            existing = score_sheet.get(row_no, _col_index(col)) if score_sheet else None
            if not is_blank(existing) and existing != value:
                rep.emit("self-score-overwritten", target_ref=target_ref, name=unit.name,
                         crit_path=crit.path, existing=existing, value=value, name2=name,
                         ref=target_ref)
            out.writes.append((target_ref, value))
        for crit in leaves:
            if crit.path in ss_paths or crit.path in unscored:
                continue  # an absent bonus/penalty row counts 0
            rep.emit("self-score-missing-criterion", name=name, name2=unit.name,
                     crit_path=crit.path, text=f" – {crit.text[:60]}" if crit.text else "",
                     ref=crit.ref)
    for u in bloc.units:
        if u.key not in seen_units and u.key not in meant:
            rep.emit("unit-without-self-score", unit_name=u.name, ref=u.ref)
    return out


def _fuzzy_unit(units: dict, name: str):
    """Tolerate diacritics-free or differently spaced names ("So Tu phap")."""
    f = fold(name)
    hits = [u for u in units.values() if fold(u.name) == f]
    return hits[0] if len(hits) == 1 else None


def _col_index(letters: str) -> int:
    from .io.grid import col_index

    return col_index(letters)


def _check_value(crit, raw, percent):
    """(value to write, problem or None) for one self-score against its bloc criterion.

    The validation is the engine's own (:func:`thidua_xl.core.scoring.check_value`), so a
    self-score is judged exactly as the bloc's cell will be; this only shapes what is written.
    """
    from .core.models import CriterionType
    from .core.scoring import check_value

    t = CriterionType(crit.type)
    check = check_value(t, raw, max=crit.max, percent=percent)
    as_written = clean(raw) if isinstance(raw, str) else raw
    if t is CriterionType.QUALITATIVE:
        return as_written, check.problem
    if check.value is None or check.problem in ("not-a-number", "ambiguous-number",
                                                "excel-error"):
        return as_written, "not-a-number"
    v = check.value
    if v == int(v) and abs(v) < 1e15:
        v = int(v) if not isinstance(raw, float) else float(v)
    # a fractional count is written as given: the bloc's own check names it at its cell
    return v, {"score-negative": "negative", "score-above-max": "above-max"}.get(check.problem)


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------
@record
class MergeOutcome:
    out: Path | None
    report: Report
    writes: list[tuple[str, Any]] = field(default_factory=list)
    status: str = "ok"  # "ok" | "mismatches" | "unreadable"
    matched: dict[str, str] = field(default_factory=dict)
    file: str = ""

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "mismatches": 1, "unreadable": 2}[self.status]

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "out": str(self.out) if self.out else None,
            "status": self.status,
            "writes": len(self.writes),
            "units": [{"file": f, "unit": u} for f, u in self.matched.items()],
            "findings": [f.to_json() for f in self.report],
        }


def default_out(bloc_path: str | Path) -> Path:
    p = Path(bloc_path)
    ext = ".xlsm" if p.suffix.lower() == ".xlsm" else ".xlsx"
    return p.with_name(f"{p.stem}_gop{ext}")


def unreadable_message(message: str, what: str) -> str:
    """The reader's "Không đọc được tệp "x.xlsx": …" said of the bloc or a unit's form (not
    "Không đọc được sổ khối 'x': Không đọc được tệp "x": …")."""
    head = "Không đọc được tệp "
    return (f"Không đọc được {what} " + message[len(head):] if message.startswith(head)
            else f"Không đọc được {what}: {message}")


def merge_files(bloc_path: str | Path, unit_paths: list[str | Path],
                out: str | Path | None = None) -> MergeOutcome:
    """Merge the units' self-score workbooks into a NEW copy of the bloc workbook."""
    bloc_path = Path(bloc_path)
    report = Report()
    unreadable = False
    try:
        from .api import read_grid as read_input_sheets  # the four input sheets only

        grid = read_input_sheets(bloc_path)
    except ThiduaError as e:
        report.error(getattr(e, "code", "unreadable-workbook"),
                     unreadable_message(e.message, "sổ khối"), e.fix)
        return MergeOutcome(None, report, status="unreadable", file=str(bloc_path))
    scores: list[SelfScore] = []
    for up in unit_paths:
        try:
            scores.append(read_self_score(up))
        except ThiduaError as e:
            unreadable = True
            report.error("unreadable-self-score", unreadable_message(e.message, "phiếu tự chấm"), e.fix)
    result = merge_into_grid(grid, scores, file=str(bloc_path))
    report.extend(result.report)
    if result.bloc is None:
        return MergeOutcome(None, report, status="unreadable", file=str(bloc_path))
    target = Path(out) if out else default_out(bloc_path)
    from .io.atomic import ensure_not_input
    from .io.foreign import is_foreign

    foreign = is_foreign(bloc_path)
    if foreign:  # an .xls/.ods bloc: the merged copy is an .xlsx of it
        target = target.with_suffix(".xlsx")
    # neither the bloc's workbook nor a unit's own form is ever replaced (the final path)
    ensure_not_input(target, [bloc_path, *map(Path, unit_paths)])
    if foreign:
        from .io.foreign import scratch_dir, values_only_finding, xlsx_base

        with scratch_dir() as tmp:
            base = xlsx_base(bloc_path, tmp)
            if not base.converted:
                report.append(values_only_finding(bloc_path, base.reason))
            _write_copy(base.path, target, result.writes)
    else:
        _write_copy(bloc_path, target, result.writes)
    status = "unreadable" if unreadable else ("mismatches" if report.has_errors else "ok")
    return MergeOutcome(target, report, result.writes, status, result.matched,
                        file=str(bloc_path))


def _write_copy(src: Path, dst: Path, writes: list[tuple[str, Any]]) -> None:
    """Copy ``src`` to ``dst`` (atomically) with the writes applied.

    First choice: patch only the cells in the sheet's XML and copy every other part of
    the package as is (cached formula results, images, charts, macros all kept) and ask
    Excel to recalculate on open. Fallback (a package this patcher does not handle, or a
    target cell holding a formula): an openpyxl load/save with ``keep_vba``.
    """
    from .io.atomic import atomic_write

    from .io.patch import Unpatchable, patch_cells

    try:
        with atomic_write(dst) as tmp:
            patch_cells(src, tmp, writes)
        return
    except Unpatchable:
        pass
    from openpyxl import load_workbook

    from .core.findings import split_ref
    from .io.atomic import save_workbook

    keep_vba = src.suffix.lower() == ".xlsm"
    wb = load_workbook(src, keep_vba=keep_vba)
    for ref, value in writes:
        sheet, cell = split_ref(ref)
        c = wb[sheet][cell]
        c.value = value
        if isinstance(value, str) and value.startswith("="):
            c.data_type = "s"
    save_workbook(wb, dst)
