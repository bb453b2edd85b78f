"""The "Chấm điểm" sheet: the header row, the unit groups and their sub-columns, the
units joined with the "Đơn vị" list, and every criterion row with its left block and the
units' cells (the value priority is :data:`thidua_xl.core.vocab.SUB_PRIORITY`).
"""
from __future__ import annotations

from ..core.record import field, record
from ..core.findings import Report
from ..core.hierarchy import HierarchyBuilder, has_roman, normalize_code
from ..core.models import Bloc, Criterion, CriterionType, Unit
from ..core.scoring import criterion_type
from ..core.text import clean, fold, unit_key
from ..core.vocab import (
    CRITERION_TYPE_WORDS,
    HEADER_SCAN_ROWS,
    NON_UNIT_HEADERS,
    REQUIRED_SCORE_COLUMNS,
    SCORE_COLUMNS,
    SUB_LABELS,
    SUB_NOTE,
    SUB_TARGET,
    is_total_label,
)
from ..core.suggest import nearest
from ..core.values import is_blank, parse_number, vn_number
from .grid import SheetGrid, col_letter
from .parse_v2 import own_target
from .pick import _pick, unit_cells
from .root_causes import CodeRows, join_units
from .sheet_index import _Sheet, _find_header, _folded


@record
class _Group:
    """A unit's column group on the score sheet: the unit, its header cell, its columns."""

    name: str
    key: str
    header_ref: str
    columns: dict[str, int] = field(default_factory=dict)  # role -> column
    #: (role, column, Tự chấm column or None) in priority order, made at the first row read
    order: list[tuple[str, int, int | None]] | None = None


def _parse_scores(sg: SheetGrid, bloc: Bloc, listed: list[Unit] | None,
                  report: Report) -> bool:
    sh = _Sheet(sg, merge_rows=None)
    found = _find_header(sh, SCORE_COLUMNS, REQUIRED_SCORE_COLUMNS)
    if found is None:
        report.emit("score-header-missing", rows=HEADER_SCAN_ROWS, name=sg.name,
                    sheet=sg.name)
        return False
    hr, cols = found
    left_end = max(cols.values())
    label_row = hr
    hr = unit_names_row(sh, hr, left_end)  # below a super-header ("ĐIỂM CHẤM CỦA ...")
    bloc.header_row = hr

    groups, sub_row, has_sub_row = _unit_groups(sh, hr, left_end, report)
    groups = [g for g in groups if any(r not in (SUB_NOTE, SUB_TARGET) for r in g.columns)]
    if not groups:
        report.emit("no-unit-columns", name=sg.name, hr=hr, ref=sh.ref(hr, left_end + 1))
        return False

    by_key = _join_units(sh, bloc, hr, groups, listed, report)

    # criteria rows
    first_data = sub_row + 1 if has_sub_row else hr + 1
    # left-block headers merged over two rows also push the data down
    for key, c in cols.items():
        span = sh.span(label_row, c)
        if span and span[2] > hr:
            first_data = max(first_data, span[2] + 1)
    group_list = list(by_key.values())
    criteria, crit_rows, builder = _criteria_rows(sh, bloc, cols, first_data, group_list,
                                                  report)
    return _finish_criteria(sh, bloc, criteria, crit_rows, group_list, builder, report)


def _unit_groups(sh: _Sheet, hr: int, left_end: int, report: Report
                 ) -> tuple[list[_Group], int, bool]:
    """The unit groups right of the left block: (groups, sub-label row, has sub-labels)."""
    sg = sh.sg
    # unit groups: header row right of the left block, sub-labels in the row below
    sub_row = hr + 1
    sub_folds = {role: _folded(v) for role, v in SUB_LABELS.items()}

    def sub_role(c: int) -> str | None:
        f = fold(sh.get(sub_row, c))
        if not f:
            return None
        for role, fs in sub_folds.items():
            if f in fs:
                return role
        return "?"

    last_col = max(sh.max_col, max((m.max_col for m in sg.merges if m.min_row <= sub_row),
                                   default=0))
    has_sub_row = any(sub_role(c) not in (None, "?") for c in range(left_end + 1, last_col + 1))
    groups: list[_Group] = []
    non_unit = _folded(NON_UNIT_HEADERS)
    current: _Group | None = None
    for c in range(left_end + 1, last_col + 1):
        top = sh.top_left(hr, c)
        raw = sh.get(*top)
        if top == (hr, c) and not is_blank(raw):
            name = clean(raw)
            if fold(name) in non_unit:
                current = None
                continue
            current = _Group(name=name, key=unit_key(name), header_ref=sh.ref(hr, c))
            groups.append(current)
        elif top != (hr, c) and current is not None and top == _rc(current.header_ref):
            pass  # inside the merged header of the current group
        elif is_blank(raw) and current is not None and has_sub_row and sub_role(c) not in (None,):
            pass  # unmerged group: sub-labels continue under a blank header
        else:
            current = None
            continue
        if current is None:
            continue
        role = sub_role(c) if has_sub_row else ""
        if role is None:
            role = ""
        if role == "?":
            report.emit("unknown-sub-label", sub_label=sh.get(sub_row, c), name=current.name,
                        ref=sh.ref(sub_row, c))
            continue
        if role in current.columns:
            report.emit("duplicate-sub-label", name=current.name, what=role or "điểm",
                        ref=sh.ref(sub_row if role else hr, c))
            continue
        current.columns[role] = c

    return groups, sub_row, has_sub_row


def _join_units(sh: _Sheet, bloc: Bloc, hr: int, groups: list[_Group], listed: list[Unit] | None,
                report: Report) -> dict[str, _Group]:
    """Match the unit groups with the "Đơn vị" list; set ``bloc.units``."""
    sg = sh.sg
    by_key: dict[str, _Group] = {}
    for g in groups:
        if g.key in by_key:
            report.emit("duplicate-unit-column", name=g.name,
                        first_ref=by_key[g.key].header_ref, ref=g.header_ref)
            continue
        by_key[g.key] = g
    if listed is not None:
        units = listed
        join_units(by_key, units, sg.name, hr, report)
    else:
        units = [Unit(name=g.name, key=g.key, ref=g.header_ref) for g in by_key.values()]
    for u in units:
        g = by_key.get(u.key)
        if g is not None:
            u.column_ref = g.header_ref
            u.score_columns = {role: col_letter(c) for role, c in g.columns.items()}
    bloc.units = units
    return by_key


def _criteria_rows(sh: _Sheet, bloc: Bloc, cols: dict[str, int], first_data: int,
                   group_list: list[_Group], report: Report):
    """Every criterion row: (criteria, unit key -> path -> cell, the hierarchy builder)."""
    sg = sh.sg
    builder = HierarchyBuilder(sg.name, letters=not has_roman(
        sh.get(r, cols["code"]) for r in range(first_data, sh.max_row + 1)))
    rows = CodeRows(builder, bloc, report)
    criteria: list[Criterion] = []
    crit_rows: list[int] = []  # the sheet row of each criterion
    unit_cols = {c for g in group_list for c in g.columns.values()}

    for r in range(first_data, sh.max_row + 1):
        if not sh.has_row(r) and not any((r, c) in sg.uncached for c in unit_cols):
            continue
        code_raw = sh.get(r, cols["code"])
        text = clean(sh.get(r, cols["text"]))
        max_raw = sh.get(r, cols["max"])
        code = normalize_code(code_raw)
        if code and is_total_label(code) and not text:
            # "Tổng cộng" written in the code column (often merged over Mã and Nội dung)
            code, text = "", code
        if not code:
            if text and is_total_label(text):
                for g in group_list:
                    cell = _pick(sh, r, g)
                    if cell is not None:
                        bloc.stated_totals[g.key] = cell
                continue
            has_scores = any(not is_blank(sh.get(r, c)) for c in unit_cols)
            if is_blank(max_raw) and not has_scores:
                continue  # a note or blank row inside the table
            report.emit("missing-code", r=r,
                        what="điểm tối đa" if not is_blank(max_raw) else "điểm",
                        ref=sh.ref(r, cols["code"]))
            continue
        node = rows.add(code_raw, code, sh.ref(r, cols["code"]))
        if node is None:
            continue
        crit = Criterion(path=node.path, code=node.code, text=text, level=node.level,
                         parent=node.parent, section=node.section,
                         ref=sh.ref(r, cols["code"]), max_ref=sh.ref(r, cols["max"]))
        # type
        if "type" in cols:
            traw = sh.get(r, cols["type"])
            if not is_blank(traw):
                t = criterion_type(traw)
                if t is None:
                    crit.definition_error = True
                    near = nearest(clean(traw), [v for vs in CRITERION_TYPE_WORDS.values()
                                                 for v in vs if v])
                    report.emit("bad-type", variant="near" if near else "",
                                type_text=clean(traw), path=crit.path, near=near,
                                ref=sh.ref(r, cols["type"]), criterion=crit.path)
                else:
                    crit.type = t
        _left_numbers(sh, r, cols, crit, report)
        if "type" in cols:
            crit.type_ref = sh.ref(r, cols["type"])
        if "target" in cols:
            crit.target_ref = sh.ref(r, cols["target"])
        if "per_time" in cols:
            crit.per_time_ref = sh.ref(r, cols["per_time"])
        # the units' cells are picked column by column once the rows are known
        for g in group_list:
            if SUB_TARGET in g.columns and crit.type in (CriterionType.QUANTITATIVE,
                                                          CriterionType.LEADING):
                own_target(sh, r, g, crit, bloc, report)  # the unit's own Chỉ tiêu (v2)
        crit_rows.append(r)
        criteria.append(crit)
    return criteria, crit_rows, builder


def _left_numbers(sh: _Sheet, r: int, cols: dict[str, int], crit: Criterion,
                  report: Report) -> None:
    """The numbers of a criterion row's left block (max, weight, target, per time). A cell
    that cannot be read marks the row (``definition_error``): nothing follows from it."""
    code = crit.path  # messages name the criterion by its full path ("II.1")
    for key, attr, label in (("max", "max", "Điểm tối đa"), ("weight", "weight", "Hệ số"),
                             ("target", "target", "Chỉ tiêu"),
                             ("per_time", "per_time", "Điểm mỗi lần")):
        if key not in cols:
            continue
        c = cols[key]
        raw = sh.get(r, c)
        if sh.is_uncached(r, c):
            crit.definition_error = True
            report.emit("uncached-formula", variant="criterion", label=label, code_=code,
                        ref=sh.ref(r, c), criterion=code)
            continue
        p = parse_number(raw, percent_format=(r, c) in sh.sg.percent and key == "target")
        if p.problem:
            crit.definition_error = True
            if p.problem == "number-too-large":
                report.emit("bad-number", variant="large_criterion", label=label, code_=code,
                            text=p.text, label_lower=label.lower(), ref=sh.ref(r, c),
                            criterion=code)
            else:
                report.emit("bad-number", variant="criterion", label=label, code_=code,
                            text=p.text, label_lower=label.lower(), ref=sh.ref(r, c),
                            criterion=code)
            continue
        if p.value is None:
            continue
        if key == "weight" and p.value <= 0:
            crit.definition_error = True
            report.emit("bad-weight", code_=code, value=vn_number(p.value), ref=sh.ref(r, c),
                        criterion=code)
            continue
        if key in ("max", "per_time") and p.value < 0:
            crit.definition_error = True
            report.emit("negative-max", label=label, code_=code, value=vn_number(p.value),
                        label_lower=label.lower(), ref=sh.ref(r, c), criterion=code)
            continue
        setattr(crit, attr, p.value)


def _finish_criteria(sh: _Sheet, bloc: Bloc, criteria: list[Criterion], crit_rows: list[int],
                     group_list: list[_Group], builder: HierarchyBuilder,
                     report: Report) -> bool:
    """Leaves, the implicit section, the leaf scores of every unit; False without criteria."""
    sg = sh.sg
    # leaves: rows without children
    parents = {c.parent for c in criteria if c.parent}
    by_path = {c.path: c for c in criteria}
    for c in criteria:
        c.is_leaf = c.path not in parents
    # effective types (a leaf under a "Điểm thưởng"/"Điểm trừ" section) are the engine's job
    rows_of = list(zip((c.path for c in criteria), crit_rows))  # before the implicit section
    if builder.implicit_used and builder.implicit not in by_path:
        # rows before the first section: an implicit section named after the sheet
        criteria.insert(0, Criterion(path=builder.implicit, code="", text=sg.name, level=1,
                                     section=builder.implicit, is_leaf=False))
    if not any(c.is_leaf for c in criteria):
        report.emit("no-criteria", name=sg.name, sheet=sg.name)
        return False
    leaf_paths = {c.path for c in criteria if c.is_leaf}
    bloc.criteria = criteria
    bloc.scores = unit_cells(sh, rows_of, group_list, leaf_paths)
    return True


def unit_names_row(sh: _Sheet, hr: int, left_end: int) -> int:
    """The row of the unit names, at or below the header row ``hr``: a row whose cells
    right of the left block each span (merged) several named cells of the row below is a
    title above the unit groups (v2 three-row header), not a row of units."""
    sub_folds = {fold(x) for v in SUB_LABELS.values() for x in v}
    for _ in range(2):
        below = hr + 1
        tops = [c for c in sh.row_cols(hr) if c > left_end and not is_blank(sh.get(hr, c))]
        if not tops:
            return hr
        if len(tops) == 1 and sh.span(hr, tops[0]) is None:
            # one title cell, not merged (a live book in Excel on the web gives no merges):
            # a title when the row below names several groups from its column on
            names = [c for c in sh.row_cols(below) if c >= tops[0]
                     and isinstance(sh.get(below, c), str)
                     and fold(sh.get(below, c)) not in sub_folds]
            if len(names) < 2:
                return hr
            hr = below
            continue
        for c in tops:
            span = sh.span(hr, c)
            if span is None or span[2] != hr:
                return hr  # a plain or vertically merged cell: unit names are here
            named = [cc for cc in range(span[1], span[3] + 1)
                     if not is_blank(sh.get(below, cc))]
            if len(named) < 2 or any(fold(sh.get(below, cc)) in sub_folds for cc in named):
                return hr  # a unit's merged name over its sub-labels
        hr = below
    return hr


def _rc(ref: str) -> tuple[int, int]:
    from .grid import parse_a1

    return parse_a1(ref.rsplit("!", 1)[1])
