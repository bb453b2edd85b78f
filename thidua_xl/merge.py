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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .core.findings import Finding, Report, Severity
from .core.text import clean, fold, unit_key
from .core.vocab import SELF_SCORE_COLUMNS, SELF_SCORE_UNIT_LABELS, SUB_SELF
from .errors import ThiduaError, UnreadableWorkbook

SELF_SCORE_SUBCOL = SUB_SELF

# --------------------------------------------------------------------------------------
# criterion codes → paths (bloc-workbook.md "Criterion hierarchy")
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
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
    from .core.hierarchy import HierarchyBuilder

    builder = HierarchyBuilder(implicit_section)
    out: list[CodeNode] = []
    for raw in codes:
        code = normalize_code(raw)
        node, problem = builder.add(raw)
        if node is None:
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


@dataclass
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


@dataclass
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
        report.error("self-score-no-table",
                     f"Phiếu tự chấm '{name}' không có bảng Mã | Nội dung tiêu chí | Điểm tối đa"
                     " | Tự chấm.",
                     "Thêm dòng tiêu đề bảng với các cột Mã, Nội dung tiêu chí, Điểm tối đa, "
                     "Tự chấm.")
        return SelfScore(file=file, findings=report.findings)
    sheet, (hrow, cols, first) = chosen
    unit, unit_ref = _unit_name(sheet, hrow)
    if not unit:
        report.error("self-score-unit-missing",
                     f"Phiếu tự chấm '{name}' không ghi tên đơn vị.",
                     "Ghi tên đơn vị ở một dòng 'Đơn vị' phía trên bảng, hoặc trong tiêu đề "
                     "'… của <tên đơn vị>'.", sheet=sheet.name, cell="A1")
    raw_rows: list[tuple[int, str]] = []
    for r in range(first, sheet.max_row + 1):
        code = normalize_code(sheet.get(r, cols["code"]))
        text = clean(sheet.get(r, cols["text"])) if "text" in cols else ""
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
            report.error("self-score-bad-code",
                         f"Phiếu tự chấm '{name}': mã tiêu chí '{code}' ở ô "
                         f"{sheet.ref(r, cols['code'])} không đúng cấu trúc ({node.problem}).",
                         "Dùng mã như trong sổ khối: I, II (mục), 1, 2, 1.1, a, b, -.",
                         ref=sheet.ref(r, cols["code"]))
            continue
        rows.append(SelfScoreRow(
            code=code, path=node.path,
            text=clean(sheet.get(r, cols["text"])) if "text" in cols else "",
            max=mx, value=sheet.get(r, c_self), percent=(r, c_self) in sheet.percent,
            ref=sheet.ref(r, c_self),
            note=clean(sheet.get(r, cols["note"])) if "note" in cols else "",
            is_leaf=node.path not in parents))
        if (r, c_self) in sheet.uncached:
            report.error("self-score-uncached-formula",
                         f"Phiếu tự chấm '{name}': ô {sheet.ref(r, c_self)} là công thức chưa "
                         "có kết quả.", "Mở tệp trong Excel, lưu lại rồi gộp lại.",
                         ref=sheet.ref(r, c_self))
    if not rows:
        report.error("self-score-no-rows", f"Phiếu tự chấm '{name}' không có tiêu chí nào.",
                     "Ghi mã tiêu chí ở cột Mã.", sheet=sheet.name)
    return SelfScore(file=file, unit=unit, unit_ref=unit_ref, sheet=sheet.name, rows=rows,
                     findings=report.findings)


def read_self_score(path: str | Path) -> SelfScore:
    """Read one self-score workbook. Raises :class:`UnreadableWorkbook` for a bad file."""
    grid = _read_grid(path)
    return parse_self_score_grid(grid, file=str(path))


def _read_grid(path: str | Path):
    try:
        from .io.readers import read_grid
    except ImportError:  # pragma: no cover - before the readers exist
        return _openpyxl_grid(path)
    return read_grid(path)


def _openpyxl_grid(path: str | Path):  # pragma: no cover - fallback only
    from openpyxl import load_workbook

    from .io.grid import Grid, Merge, SheetGrid

    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:  # noqa: BLE001
        raise UnreadableWorkbook(f"Không đọc được tệp {Path(path).name}: {e}") from None
    grid = Grid(source=str(path), reader="openpyxl")
    for ws in wb.worksheets:
        sg = SheetGrid(name=ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sg.values[(cell.row, cell.column)] = cell.value
                    if "%" in (cell.number_format or ""):
                        sg.percent.add((cell.row, cell.column))
        for m in ws.merged_cells.ranges:
            sg.merges.append(Merge(m.min_row, m.min_col, m.max_row, m.max_col))
        grid.sheets.append(sg)
    return grid


# --------------------------------------------------------------------------------------
# the pure merge
# --------------------------------------------------------------------------------------
@dataclass
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
    from .core.models import CriterionType
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
            rep.error("bloc-unreadable", "Không đọc được bảng Chấm điểm của sổ khối.",
                      "Kiểm tra sổ bằng lệnh thidua-xl check.")
        return out
    score_sheet = grid.find_sheet(bloc.score_sheet) or next(
        (s for s in grid.sheets if s.name == bloc.score_sheet), None)
    units = {u.key: u for u in bloc.units}
    crits = {c.path: c for c in bloc.criteria}
    leaves = [c for c in bloc.criteria if c.is_leaf]
    seen_units: dict[str, str] = {}

    for ss in self_scores:
        name = Path(ss.file).name if ss.file else "?"
        for f in ss.findings:
            rep.append(f)
        if not ss.unit or not ss.rows:
            continue
        key = unit_key(ss.unit)
        unit = units.get(key) or _fuzzy_unit(units, ss.unit)
        if unit is None:
            rep.error("self-score-unknown-unit",
                      f"Phiếu tự chấm '{name}': đơn vị '{ss.unit}' không có trong sổ khối.",
                      "Sửa tên đơn vị trong phiếu cho trùng với tên trong sheet Đơn vị / "
                      "Chấm điểm của sổ khối.", ref=ss.unit_ref)
            continue
        if unit.key in seen_units:
            rep.error("self-score-duplicate-unit",
                      f"Đơn vị '{unit.name}' có hai phiếu tự chấm: '{seen_units[unit.key]}' và "
                      f"'{name}'. Chỉ gộp phiếu thứ nhất.",
                      "Bỏ phiếu thừa khỏi danh sách gộp.", ref=ss.unit_ref)
            continue
        seen_units[unit.key] = name
        out.matched[ss.file] = unit.name
        col = unit.score_columns.get(SELF_SCORE_SUBCOL)
        if not col:
            rep.error("no-self-score-column",
                      f"Nhóm cột của đơn vị '{unit.name}' trong sheet {bloc.score_sheet} không có "
                      "cột Tự chấm.",
                      "Thêm các cột con Tự chấm / Khối chấm / Thống nhất dưới tên đơn vị "
                      "(có thể tạo sổ mẫu bằng thidua-xl template).",
                      ref=unit.column_ref)
            continue
        ss_paths: dict[str, SelfScoreRow] = {}
        for row in ss.rows:
            if row.path in ss_paths:
                rep.error("self-score-duplicate-criterion",
                          f"Phiếu tự chấm '{name}': tiêu chí {row.path} ghi hai lần.",
                          "Xóa dòng trùng.", ref=row.ref)
                continue
            ss_paths[row.path] = row
        for row in ss.rows:
            crit = crits.get(row.path)
            if crit is None:
                rep.error("self-score-unknown-criterion",
                          f"Phiếu tự chấm '{name}' ({unit.name}): tiêu chí mã {row.code} "
                          f"({row.path}{' – ' + row.text[:60] if row.text else ''}) không có "
                          "trong sổ khối.",
                          "Sửa mã tiêu chí trong phiếu cho trùng với bảng Chấm điểm của sổ khối.",
                          ref=row.ref)
                continue
            if not crit.is_leaf:
                continue  # a parent's subtotal: computed, never written
            row_no, _ = parse_a1((crit.ref or "").split("!")[-1] or "A1")
            target = f"{col}{row_no}"
            target_ref = f"{bloc.score_sheet}!{target}"
            if (crit.max is not None and row.max is not None
                    and abs(float(crit.max) - float(row.max)) > 1e-9):
                rep.warning("self-score-max-differs",
                            f"Phiếu tự chấm '{name}' ({unit.name}): tiêu chí {crit.path} có điểm "
                            f"tối đa {row.max:g}, sổ khối ghi {crit.max:g}.",
                            "Kiểm tra lại phiếu theo giao ước thi đua của Khối.", ref=row.ref)
            raw = row.value
            if is_blank(raw):
                rep.warning("self-score-blank",
                            f"Phiếu tự chấm '{name}' ({unit.name}): tiêu chí {crit.path} chưa có "
                            "điểm tự chấm.", "Đề nghị đơn vị bổ sung điểm tự chấm.", ref=row.ref)
                continue
            value, problem = _check_value(crit, raw, row.percent)
            if problem == "not-a-number":
                rep.error("self-score-not-a-number",
                          f"Phiếu tự chấm '{name}' ({unit.name}): điểm tự chấm '{clean(raw)}' "
                          f"của tiêu chí {crit.path} không phải là số.",
                          "Sửa thành một số (ví dụ 8,5).", ref=row.ref)
            elif problem == "not-yes-no":
                rep.error("self-score-not-yes-no",
                          f"Phiếu tự chấm '{name}' ({unit.name}): tiêu chí định tính {crit.path} "
                          f"ghi '{clean(raw)}'.", "Ghi Đạt hoặc Không đạt.", ref=row.ref)
            elif problem == "above-max":
                rep.error("self-score-above-max",
                          f"Phiếu tự chấm '{name}' ({unit.name}): điểm tự chấm {value:g} của tiêu "
                          f"chí {crit.path} vượt điểm tối đa {crit.max:g}.",
                          "Sửa điểm tự chấm trong phạm vi từ 0 đến điểm tối đa.", ref=row.ref)
            elif problem == "negative":
                rep.error("self-score-negative",
                          f"Phiếu tự chấm '{name}' ({unit.name}): điểm tự chấm {value:g} của tiêu "
                          f"chí {crit.path} là số âm.", "Sửa thành số không âm.", ref=row.ref)
            existing = score_sheet.get(row_no, _col_index(col)) if score_sheet else None
            if not is_blank(existing) and existing != value:
                rep.warning("self-score-overwritten",
                            f"Ô {target_ref} ({unit.name}, tiêu chí {crit.path}) đã có giá trị "
                            f"'{existing}', được thay bằng '{value}' từ phiếu '{name}'.",
                            "Kiểm tra lại nếu giá trị cũ là điểm đúng.", ref=target_ref)
            out.writes.append((target_ref, value))
        for crit in leaves:
            if crit.path in ss_paths:
                continue
            scored = CriterionType(crit.type).is_scored
            (rep.error if scored else rep.warning)(
                "self-score-missing-criterion",
                f"Phiếu tự chấm '{name}' ({unit.name}) thiếu tiêu chí {crit.path}"
                f"{' – ' + crit.text[:60] if crit.text else ''}.",
                "Bổ sung tiêu chí vào phiếu, hoặc nhập điểm tự chấm trực tiếp vào sổ khối.",
                ref=crit.ref)
    for u in bloc.units:
        if u.key not in seen_units:
            rep.warning("unit-without-self-score",
                        f"Đơn vị '{u.name}' chưa có phiếu tự chấm trong lần gộp này.",
                        "Gộp thêm phiếu của đơn vị khi nhận được.", ref=u.ref)
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
@dataclass
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
                     f"Không đọc được sổ khối '{bloc_path.name}': {e.message}", e.fix)
        return MergeOutcome(None, report, status="unreadable", file=str(bloc_path))
    scores: list[SelfScore] = []
    for up in unit_paths:
        try:
            scores.append(read_self_score(up))
        except ThiduaError as e:
            unreadable = True
            report.error("unreadable-self-score",
                         f"Không đọc được phiếu tự chấm '{Path(up).name}': {e.message}", e.fix)
    result = merge_into_grid(grid, scores, file=str(bloc_path))
    report.extend(result.report)
    if result.bloc is None:
        return MergeOutcome(None, report, status="unreadable", file=str(bloc_path))
    target = Path(out) if out else default_out(bloc_path)
    from .io.atomic import ensure_not_input

    # neither the bloc's workbook nor a unit's own form is ever replaced
    ensure_not_input(target, [bloc_path, *map(Path, unit_paths)])
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

    try:
        with atomic_write(dst) as tmp:
            _patch_package(src, tmp, writes)
        return
    except _Unpatchable:
        pass
    from openpyxl import load_workbook

    from .core.findings import split_ref
    from .template import _save_atomic

    keep_vba = src.suffix.lower() == ".xlsm"
    wb = load_workbook(src, keep_vba=keep_vba)
    for ref, value in writes:
        sheet, cell = split_ref(ref)
        c = wb[sheet][cell]
        c.value = value
        if isinstance(value, str) and value.startswith("="):
            c.data_type = "s"
    _save_atomic(wb, dst)


class _Unpatchable(Exception):
    """The package cannot be patched in place: use openpyxl instead."""


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _resolve_part(base_dir: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def _patch_package(src: Path, out: Path, writes: list[tuple[str, Any]]) -> None:
    import posixpath
    import zipfile

    from .core.findings import split_ref
    from .io.grid import col_index, parse_a1
    from .io.package import parse_xml, serialize_xml

    def q(tag: str) -> str:
        return f"{{{_NS}}}{tag}"

    try:
        zin = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as e:
        raise _Unpatchable(str(e)) from None
    with zin:
        names = set(zin.namelist())
        try:
            root_rels = parse_xml(zin.read("_rels/.rels")).root
            wb_part = next(_resolve_part("", r.get("Target", "")) for r in root_rels
                           if r.get("Type", "").endswith("/officeDocument"))
            wb_dir = posixpath.dirname(wb_part)
            wb_doc = parse_xml(zin.read(wb_part))
            rels = parse_xml(zin.read(posixpath.join(wb_dir, "_rels",
                                                     posixpath.basename(wb_part) + ".rels"))).root
        except Exception as e:  # noqa: BLE001 - anything odd: let openpyxl handle it
            raise _Unpatchable(str(e)) from None
        targets = {r.get("Id"): _resolve_part(wb_dir, r.get("Target", "")) for r in rels}
        sheets_el = wb_doc.root.find(q("sheets"))
        part_of = {sh.get("name"): targets.get(sh.get(f"{{{_NS_R}}}id"))
                   for sh in (sheets_el if sheets_el is not None else [])}
        by_part: dict[str, list[tuple[int, int, Any]]] = {}
        for ref, value in writes:
            sheet, cell = split_ref(ref)
            part = part_of.get(sheet)
            if not part or part not in names:
                raise _Unpatchable(f"no part for sheet {sheet}")
            r, c = parse_a1(cell)
            by_part.setdefault(part, []).append((r, c, value))
        patched: dict[str, bytes] = {}
        for part, cells in by_part.items():
            doc = parse_xml(zin.read(part))
            data = doc.root.find(q("sheetData"))
            if data is None:
                raise _Unpatchable("no sheetData")
            rows = {}
            for row in data.findall(q("row")):
                if row.get("r") is None:
                    raise _Unpatchable("row without r")
                rows[int(row.get("r"))] = row
            for r, c, value in cells:
                row = rows.get(r)
                if row is None:
                    row = _et_element(q("row"), {"r": str(r)})
                    pos = sum(1 for k in rows if k < r)
                    children = list(data)
                    data.insert(children.index(rows[sorted(k for k in rows if k < r)[-1]]) + 1
                                if pos else 0, row)
                    rows[r] = row
                row.attrib.pop("spans", None)
                ref = _a1(r, c)
                cell = None
                index = 0
                for i, el in enumerate(list(row)):
                    if el.tag != q("c"):
                        continue
                    er = el.get("r")
                    if er is None:
                        raise _Unpatchable("cell without r")
                    ec = col_index("".join(ch for ch in er if ch.isalpha()))
                    if ec == c:
                        cell = el
                        break
                    if ec < c:
                        index = i + 1
                if cell is None:
                    cell = _et_element(q("c"), {"r": ref})
                    row.insert(index, cell)
                if cell.find(q("f")) is not None:
                    raise _Unpatchable("formula in a target cell")
                for child in list(cell):
                    cell.remove(child)
                cell.attrib.pop("t", None)
                cell.text = None
                if isinstance(value, bool):
                    cell.set("t", "b")
                    _et_sub(cell, q("v")).text = "1" if value else "0"
                elif isinstance(value, (int, float)):
                    _et_sub(cell, q("v")).text = repr(float(value)) if isinstance(value, float) \
                        and not value.is_integer() else str(int(value))
                elif value is None:
                    pass
                else:
                    cell.set("t", "inlineStr")
                    t = _et_sub(_et_sub(cell, q("is")), q("t"))
                    t.text = str(value)
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            patched[part] = serialize_xml(doc)
        # Excel recalculates formulas (totals of the self-scores) when the file is opened
        calc = wb_doc.root.find(q("calcPr"))
        if calc is None:
            calc = _et_element(q("calcPr"), {})
            order = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection",
                     "bookViews", "sheets", "functionGroups", "externalReferences",
                     "definedNames")
            idx = 0
            for i, el in enumerate(list(wb_doc.root)):
                if el.tag.rpartition("}")[2] in order:
                    idx = i + 1
            wb_doc.root.insert(idx, calc)
        calc.set("fullCalcOnLoad", "1")
        patched[wb_part] = serialize_xml(wb_doc)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = patched.get(info.filename)
                if data is None:
                    data = zin.read(info.filename)
                zi = zipfile.ZipInfo(info.filename, info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = info.external_attr
                zout.writestr(zi, data)


def _et_element(tag: str, attrib: dict):
    import xml.etree.ElementTree as ET

    return ET.Element(tag, attrib)


def _et_sub(parent, tag: str):
    import xml.etree.ElementTree as ET

    return ET.SubElement(parent, tag)


def _a1(row: int, col: int) -> str:
    from .io.grid import a1

    return a1(row, col)


# --------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------
def run_cli(args) -> int:
    """``thidua-xl merge BLOC_FILE UNIT_FILE... [-o OUT] [--json]``."""
    import json

    from rich.console import Console

    as_json = bool(getattr(args, "json", False))
    try:
        outcome = merge_files(args.bloc, list(args.units or []), getattr(args, "output", None))
    except ThiduaError as e:
        if as_json:
            print(json.dumps({"file": str(args.bloc), "out": None, "status": "unreadable",
                              "findings": [{"severity": "error", "sheet": None, "cell": None,
                                            "code": e.code, "message": e.message,
                                            "fix": e.fix}]}, ensure_ascii=False))
        else:
            Console(stderr=True).print(f"Lỗi: {e.message}", markup=False, highlight=False)
        return 2
    if as_json:
        print(json.dumps(outcome.to_json(), ensure_ascii=False))
        return outcome.exit_code
    console = Console()
    if outcome.report.findings:
        from rich.table import Table

        table = Table(title="Kết quả gộp phiếu tự chấm", show_lines=False)
        for h in ("Mức độ", "Ô", "Mã lỗi", "Nội dung"):
            table.add_column(h)
        for f in outcome.report:
            table.add_row(f.severity.label, f.ref or "", f.code, f.message)
        console.print(table)
    n_err = len(outcome.report.errors)
    if outcome.out:
        console.print(f"Đã gộp {len(outcome.matched)} phiếu ({len(outcome.writes)} ô) vào "
                      f"[bold]{outcome.out}[/]; {n_err} lỗi, "
                      f"{len(outcome.report.warnings)} cảnh báo.", highlight=False)
    else:
        console.print("Không gộp được: sổ khối không đọc được.", highlight=False)
    return outcome.exit_code
