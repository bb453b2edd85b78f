"""THE parser: a :class:`~thidua_xl.io.grid.Grid` → a :class:`~thidua_xl.core.models.Bloc`.

Every reader (calamine, openpyxl, a live xlwings book, a JSON book) produces a grid, and
this module alone turns a grid into the model, so the command line, the ribbon and the
worksheet functions see the same workbook the same way. It follows
shared/spec/bloc-workbook.md; every problem is a finding in the returned report, named by
sheet and cell, and nothing stops at the first problem.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.classify import parse_classification as _core_classification
from ..core.findings import Report
from ..core.hierarchy import HierarchyBuilder, normalize_code
from ..core.models import (
    Bloc,
    BlocInfo,
    Classification,
    Criterion,
    Discipline,
    RawCell,
    Rules,
    Succession,
    Unit,
)
from ..core.scoring import criterion_type, shown_value
from ..core.text import MAX_CELL_TEXT, clean, fold, unit_key
from ..core.vocab import (
    FORM_COLUMNS,
    HEADER_SCAN_ROWS,
    INFO_LABELS,
    NON_UNIT_HEADERS,
    REQUIRED_SCORE_COLUMNS,
    RULE_LABELS,
    SCORE_COLUMNS,
    SHEET_INFO,
    SHEET_RULES,
    SHEET_SCORES,
    SHEET_UNITS,
    SUB_LABELS,
    SUB_NOTE,
    SUB_PRIORITY,
    TIEBREAK_BONUS,
    TIEBREAK_PENALTY,
    TOTAL_LABELS,
    UNIT_COLUMNS,
    discipline_name,
    is_total_label,
    split_tiebreak,
)
from ..core.values import is_blank, parse_number, parse_yes_no
from .grid import Grid, SheetGrid, a1, col_letter

def _folded(labels: tuple[str, ...]) -> set[str]:
    return {fold(x) for x in labels}




def parse_classification(raw: Any) -> Classification | None | str:
    """Full phrase or abbreviation → Classification; blank → None; anything else "bad"."""
    if is_blank(raw):
        return None
    return _core_classification(str(raw).replace(".", "")) or "bad"


def parse_discipline(raw: Any) -> Discipline | None:
    """Blank/"Không" → NONE; Khiển trách; Cảnh cáo; known heavier forms; unknown → None
    (an unknown word must not silently cap a unit's classification). The words are
    :mod:`thidua_xl.core.vocab`'s, as for the worksheet functions."""
    name = discipline_name(raw)
    return None if name is None else Discipline[name]


# --------------------------------------------------------------------------------------
# sheet helpers
# --------------------------------------------------------------------------------------
class _Sheet:
    """Row index and merge lookup over one SheetGrid (built once per sheet)."""

    def __init__(self, sg: SheetGrid, merge_rows: int | None = None) -> None:
        self.sg = sg
        self.name = sg.name
        rows: dict[int, list[int]] = {}
        for (r, c) in sg.values:
            rows.setdefault(r, []).append(c)
        for r in rows:
            rows[r].sort()
        self.rows = rows
        self._merge_top: dict[tuple[int, int], tuple[int, int]] = {}
        self._merge_span: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for m in sg.merges:
            if merge_rows is not None and m.min_row > merge_rows:
                continue
            self._merge_span[(m.min_row, m.min_col)] = (m.min_row, m.min_col, m.max_row,
                                                       m.max_col)
            # index covered cells only for small merges (header cells); huge ones are data
            if (m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1) <= 400:
                for r in range(m.min_row, m.max_row + 1):
                    for c in range(m.min_col, m.max_col + 1):
                        self._merge_top[(r, c)] = (m.min_row, m.min_col)

    def get(self, r: int, c: int) -> Any:
        return self.sg.values.get((r, c))

    def get_merged(self, r: int, c: int) -> Any:
        """The value shown at (r, c): a merged cell shows its top-left value."""
        top = self._merge_top.get((r, c))
        if top is not None:
            return self.sg.values.get(top)
        return self.sg.values.get((r, c))

    def top_left(self, r: int, c: int) -> tuple[int, int]:
        return self._merge_top.get((r, c), (r, c))

    def span(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        return self._merge_span.get((r, c))

    def ref(self, r: int, c: int) -> str:
        return f"{self.name}!{a1(r, c)}"

    @property
    def max_row(self) -> int:
        return max(self.rows, default=0)

    @property
    def max_col(self) -> int:
        return max((cols[-1] for cols in self.rows.values()), default=0)

    def row_cols(self, r: int) -> list[int]:
        return self.rows.get(r, [])

    def is_uncached(self, r: int, c: int) -> bool:
        return (r, c) in self.sg.uncached


def _match_columns(sh: _Sheet, row: int, labels: dict[str, tuple[str, ...]],
                   max_col: int | None = None) -> dict[str, int]:
    """Columns of ``row`` whose (merge-aware) text matches a label group; first match wins."""
    found: dict[str, int] = {}
    folded = {k: _folded(v) for k, v in labels.items()}
    last = max_col or sh.max_col
    cols = set(sh.row_cols(row))
    # merged header cells spanning this row from above (vertical merges)
    for c in range(1, last + 1):
        if c not in cols and sh.top_left(row, c) != (row, c):
            cols.add(c)
    for c in sorted(cols):
        f = fold(sh.get_merged(row, c))
        if not f:
            continue
        for key, fs in folded.items():
            if key not in found and f in fs:
                found[key] = c
                break
    return found


def _find_header(sh: _Sheet, labels: dict[str, tuple[str, ...]],
                 required: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    for r in range(1, HEADER_SCAN_ROWS + 1):
        if r not in sh.rows:
            continue
        cols = _match_columns(sh, r, labels)
        if all(k in cols for k in required):
            return r, cols
    return None


def _key_values(sh: _Sheet, labels: dict[str, tuple[str, ...]]) -> dict[str, tuple[Any, str, str]]:
    """Key/value rows: label cell → first non-blank cell to its right.

    Returns key -> (value, value_ref, label_ref); value may be None (label present, blank).
    """
    folded = {k: _folded(v) for k, v in labels.items()}
    out: dict[str, tuple[Any, str, str]] = {}
    for r in sorted(sh.rows):
        cols = sh.row_cols(r)
        for i, c in enumerate(cols):
            f = fold(sh.get(r, c)).rstrip(":").strip()
            key = next((k for k, fs in folded.items() if f in fs), None)
            if key is None or key in out:
                continue
            value, vref = None, sh.ref(r, c + 1)
            span = sh.span(r, c)
            start = (span[3] + 1) if span else c + 1
            for c2 in cols[i + 1:]:
                if c2 < start:
                    continue
                v = sh.get(r, c2)
                if not is_blank(v):
                    value, vref = v, sh.ref(r, c2)
                    break
            out[key] = (value, vref, sh.ref(r, c))
            break
    return out


# --------------------------------------------------------------------------------------
# the parser
# --------------------------------------------------------------------------------------
@dataclass
class _Group:
    name: str
    key: str
    header_ref: str
    columns: dict[str, int] = field(default_factory=dict)  # role -> column
    #: (role, column) in priority order, made at the first row read
    order: list[tuple[str, int]] | None = None


def _note_truncated(grid: Grid, report: Report, most: int = 10) -> None:
    """A warning per text cell the reader cut at Excel's limit (the first ``most``)."""
    cells = [(sg, rc) for sg in grid.sheets for rc in sorted(sg.truncated)]
    limit = f"{MAX_CELL_TEXT:,}".replace(",", ".")
    for sg, (r, c) in cells[:most]:
        report.warning("text-truncated",
                       f"Ô {sg.ref(r, c)} có văn bản dài hơn {limit} ký tự (giới hạn của "
                       "Excel) nên chỉ đọc phần đầu (kết thúc bằng \"…\").",
                       "Rút gọn nội dung ô này (đặt ghi chú dài ở tệp khác).",
                       ref=sg.ref(r, c))


def parse_grid(grid: Grid, *, file: str = "") -> tuple[Bloc | None, Report]:
    """Parse a grid into a Bloc. Returns ``(None, report)`` when there is nothing to score
    (no "Chấm điểm" sheet or no recognisable table); the report says why."""
    report = Report()
    file = file or grid.source
    _note_truncated(grid, report)
    score_sg = grid.find_sheet(*SHEET_SCORES)
    if score_sg is None:
        report.error(
            "missing-score-sheet",
            "Sổ không có sheet \"Chấm điểm\" (bảng chấm điểm các tiêu chí). Các sheet hiện có: "
            + ", ".join(f"\"{n}\"" for n in grid.sheet_names()) + ".",
            "Đổi tên sheet chứa bảng chấm điểm thành \"Chấm điểm\", hoặc dùng lệnh "
            "\"thidua-xl template\" để tạo sổ mẫu.",
        )
        return None, report

    bloc = Bloc(file=file, score_sheet=score_sg.name)
    info_sg = grid.find_sheet(*SHEET_INFO)
    units_sg = grid.find_sheet(*SHEET_UNITS)
    rules_sg = grid.find_sheet(*SHEET_RULES)

    # -- Thông tin ----------------------------------------------------------------------
    info, head_refs = _parse_info(info_sg, file, report)
    bloc.info = info

    # -- Đơn vị -------------------------------------------------------------------------
    listed: list[Unit] | None = None
    if units_sg is not None:
        listed = _parse_units(units_sg, bloc, report)

    # -- Chấm điểm ----------------------------------------------------------------------
    ok = _parse_scores(score_sg, bloc, listed, report)
    if not ok:
        return None, report

    # -- head/deputy are units -----------------------------------------------------------
    keys = {u.key for u in bloc.units}
    for role, name, ref in (("Khối trưởng", info.head, info.head_ref),
                            ("Khối phó", info.deputy, info.deputy_ref)):
        if name and unit_key(name) not in keys:
            report.error(
                "head-not-a-unit",
                f"{role} \"{name}\" không có trong danh sách đơn vị của khối.",
                "Ghi đúng tên một đơn vị như trong sheet \"Đơn vị\" / hàng tên đơn vị của "
                "sheet \"Chấm điểm\".",
                ref=ref,
            )
        elif name:
            canonical = next(u.name for u in bloc.units if u.key == unit_key(name))
            if role == "Khối trưởng":
                bloc.info.head = canonical
            else:
                bloc.info.deputy = canonical

    # -- Quy định -----------------------------------------------------------------------
    if rules_sg is not None:
        bloc.rules = _parse_rules(rules_sg, bloc, report)
    if bloc.rules.succession is Succession.ROTATION and not bloc.has_rotation:
        report.error(
            "rotation-missing",
            "Quy định suy tôn Khối trưởng theo \"Luân phiên\" nhưng sheet \"Đơn vị\" không có "
            "cột \"Thứ tự luân phiên\".",
            "Thêm cột \"Thứ tự luân phiên\" vào sheet \"Đơn vị\", hoặc đổi quy định thành "
            "\"Xếp hạng\".",
            sheet=rules_sg.name if rules_sg else None,
        )
    return bloc, report


# -- Thông tin --------------------------------------------------------------------------
def _parse_info(sg: SheetGrid | None, file: str, report: Report) -> tuple[BlocInfo, dict]:
    stem = Path(file).stem if file else ""
    info = BlocInfo(name=stem)
    if sg is None:
        report.warning(
            "no-info-sheet",
            "Sổ không có sheet \"Thông tin\": tên khối lấy theo tên tệp"
            + (f" (\"{stem}\")" if stem else "") + ", năm thi đua chưa rõ.",
            "Thêm sheet \"Thông tin\" với các dòng \"Tên khối thi đua\", \"Năm thi đua\", "
            "\"Tỉnh/Thành phố\", \"Khối trưởng\", \"Khối phó\".",
        )
        return info, {}
    sh = _Sheet(sg)
    kv = _key_values(sh, INFO_LABELS)
    if "name" in kv and not is_blank(kv["name"][0]):
        info.name = clean(kv["name"][0])
    if "province" in kv and not is_blank(kv["province"][0]):
        info.province = clean(kv["province"][0])
    if "year" in kv and not is_blank(kv["year"][0]):
        raw, ref, _ = kv["year"]
        p = parse_number(raw)
        if p.value is None or not float(p.value).is_integer() or not 2000 <= p.value <= 2100:
            report.error("bad-year", f"Năm thi đua \"{raw}\" không hợp lệ.",
                         "Ghi năm thi đua là một số nguyên từ 2000 đến 2100, ví dụ 2024.", ref=ref)
        else:
            info.year = int(p.value)
    else:
        report.warning("year-missing", "Sheet \"Thông tin\" không ghi năm thi đua.",
                       "Thêm dòng \"Năm thi đua\" với năm được chấm, ví dụ 2024.",
                       sheet=sg.name)
    for key in ("head", "deputy"):
        if key in kv and not is_blank(kv[key][0]):
            setattr(info, key, clean(kv[key][0]))
            setattr(info, f"{key}_ref", kv[key][1])
    if "max" in kv and not is_blank(kv["max"][0]):
        raw, ref, _ = kv["max"]
        p = parse_number(raw)
        if p.value is None:
            report.error("bad-number", f"Tổng điểm tối đa \"{raw}\" không phải là số.",
                         "Ghi tổng điểm tối đa là một số, ví dụ 100.", ref=ref)
        else:
            info.declared_max = p.value
            info.declared_max_ref = ref
    return info, {}


# -- Đơn vị -----------------------------------------------------------------------------
def _parse_units(sg: SheetGrid, bloc: Bloc, report: Report) -> list[Unit] | None:
    sh = _Sheet(sg)
    found = _find_header(sh, UNIT_COLUMNS, ("name",))
    if found is None:
        report.error(
            "units-header-missing",
            f"Sheet \"{sg.name}\" không có hàng tiêu đề với cột \"Tên đơn vị\" trong "
            f"{HEADER_SCAN_ROWS} hàng đầu.",
            "Thêm hàng tiêu đề có cột \"Tên đơn vị\" (và tùy chọn \"Xếp loại năm trước\", "
            "\"Kỷ luật\", \"Tập thể nữ\", \"Thứ tự luân phiên\").",
            sheet=sg.name,
        )
        return None
    hr, cols = found
    bloc.has_last_year = "last_year" in cols
    bloc.has_discipline = "discipline" in cols
    bloc.has_rotation = "rotation" in cols
    units: list[Unit] = []
    seen: dict[str, str] = {}
    for r in range(hr + 1, sh.max_row + 1):
        raw = sh.get(r, cols["name"])
        name = clean(raw)
        if not name:
            continue
        if fold(name) in _folded(TOTAL_LABELS):
            continue
        ref = sh.ref(r, cols["name"])
        key = unit_key(name)
        if key in seen:
            report.error("duplicate-unit",
                         f"Đơn vị \"{name}\" được ghi hai lần (đã có ở ô {seen[key]}).",
                         "Xóa dòng trùng trong sheet \"Đơn vị\".", ref=ref)
            continue
        seen[key] = ref
        unit = Unit(name=name, key=key, ref=ref)
        if "last_year" in cols:
            v = sh.get(r, cols["last_year"])
            c = parse_classification(v)
            if c == "bad":
                report.error(
                    "bad-classification",
                    f"Xếp loại năm trước của \"{name}\" là \"{v}\": không phải một xếp loại.",
                    "Ghi một trong: HTXS, HTT, HT, KHT hoặc cụm từ đầy đủ (\"Hoàn thành xuất "
                    "sắc nhiệm vụ\" ...).", ref=sh.ref(r, cols["last_year"]))
            else:
                unit.last_year = c
        if "discipline" in cols:
            v = sh.get(r, cols["discipline"])
            d = parse_discipline(v)
            if d is None:
                report.error(
                    "bad-discipline",
                    f"Hình thức kỷ luật của \"{name}\" là \"{v}\": không nhận ra.",
                    "Để trống hoặc ghi \"Không\" khi không bị kỷ luật; nếu có ghi \"Khiển "
                    "trách\", \"Cảnh cáo\", \"Cách chức\" ...", ref=sh.ref(r, cols["discipline"]))
            else:
                unit.discipline = d
                unit.discipline_text = clean(v)
        if "women" in cols:
            v = sh.get(r, cols["women"])
            yn, problem = parse_yes_no(v)
            if problem:
                report.error("bad-yes-no",
                             f"Cột \"Tập thể nữ\" của \"{name}\" là \"{v}\": cần Có hoặc Không.",
                             "Ghi \"Có\" hoặc \"Không\".", ref=sh.ref(r, cols["women"]))
            unit.women = yn
        if "rotation" in cols:
            v = sh.get(r, cols["rotation"])
            p = parse_number(v)
            if p.value is not None and float(p.value).is_integer() and p.value >= 0:
                unit.rotation = int(p.value)
            elif not is_blank(v):
                report.error("bad-rotation",
                             f"Thứ tự luân phiên của \"{name}\" là \"{v}\": cần một số nguyên.",
                             "Ghi thứ tự luân phiên là số nguyên 1, 2, 3 ...",
                             ref=sh.ref(r, cols["rotation"]))
        units.append(unit)
    if not units:
        report.error("no-units", f"Sheet \"{sg.name}\" không có đơn vị nào.",
                     "Ghi tên từng đơn vị dưới cột \"Tên đơn vị\".", sheet=sg.name)
    return units


# -- Chấm điểm --------------------------------------------------------------------------
def _parse_scores(sg: SheetGrid, bloc: Bloc, listed: list[Unit] | None,
                  report: Report) -> bool:
    sh = _Sheet(sg, merge_rows=None)
    found = _find_header(sh, SCORE_COLUMNS, REQUIRED_SCORE_COLUMNS)
    if found is None:
        report.error(
            "score-header-missing",
            f"Không tìm thấy hàng tiêu đề của bảng chấm điểm trong {HEADER_SCAN_ROWS} hàng đầu "
            f"của sheet \"{sg.name}\" (cần các cột \"Mã\", \"Nội dung tiêu chí\", "
            "\"Điểm tối đa\").",
            "Thêm hàng tiêu đề với các cột Mã | Nội dung tiêu chí | Điểm tối đa | (Loại | Hệ số "
            "| Chỉ tiêu | Điểm mỗi lần) rồi một nhóm cột cho mỗi đơn vị.",
            sheet=sg.name,
        )
        return False
    hr, cols = found
    bloc.header_row = hr
    left_end = max(cols.values())

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
            report.warning(
                "unknown-sub-label",
                f"Cột \"{sh.get(sub_row, c)}\" của đơn vị \"{current.name}\" không phải Tự chấm, "
                "Khối chấm, Thống nhất hay Giải trình: cột này không được dùng.",
                "Đổi nhãn cột thành \"Tự chấm\", \"Khối chấm\" hoặc \"Thống nhất\".",
                ref=sh.ref(sub_row, c))
            continue
        if role in current.columns:
            report.warning(
                "duplicate-sub-label",
                f"Đơn vị \"{current.name}\" có hai cột \"{role or 'điểm'}\": chỉ dùng cột đầu.",
                "Xóa hoặc đổi nhãn cột trùng.", ref=sh.ref(sub_row if role else hr, c))
            continue
        current.columns[role] = c

    groups = [g for g in groups if any(r != SUB_NOTE for r in g.columns)]
    if not groups:
        report.error(
            "no-unit-columns",
            f"Sheet \"{sg.name}\" không có cột điểm của đơn vị nào bên phải các cột tiêu chí "
            f"(hàng tiêu đề {hr}).",
            "Thêm mỗi đơn vị một nhóm cột: tên đơn vị ở hàng tiêu đề, bên dưới là các cột "
            "Tự chấm / Khối chấm / Thống nhất (hoặc một cột điểm).",
            ref=sh.ref(hr, left_end + 1))
        return False

    # join groups with the unit list
    by_key: dict[str, _Group] = {}
    for g in groups:
        if g.key in by_key:
            report.error("duplicate-unit-column",
                         f"Đơn vị \"{g.name}\" có hai nhóm cột điểm (đã có ở ô "
                         f"{by_key[g.key].header_ref}).",
                         "Xóa nhóm cột trùng hoặc sửa tên đơn vị.", ref=g.header_ref)
            continue
        by_key[g.key] = g
    if listed is not None:
        units = listed
        listed_keys = {u.key for u in units}
        for g in by_key.values():
            if g.key not in listed_keys:
                report.error(
                    "unit-not-in-list",
                    f"Đơn vị \"{g.name}\" (ô {g.header_ref}) có cột điểm nhưng không có trong "
                    "sheet \"Đơn vị\".",
                    "Thêm đơn vị này vào sheet \"Đơn vị\" hoặc sửa tên cho khớp.",
                    ref=g.header_ref)
        for u in units:
            if u.key not in by_key:
                report.error(
                    "unit-without-scores",
                    f"Đơn vị \"{u.name}\" (ô {u.ref}) không có nhóm cột điểm trong sheet "
                    f"\"{sg.name}\" (hàng tiêu đề {hr}).",
                    "Thêm cột điểm cho đơn vị này, hoặc sửa tên cho khớp với tên ở hàng tiêu "
                    "đề của bảng chấm điểm.", ref=u.ref)
    else:
        units = [Unit(name=g.name, key=g.key, ref=g.header_ref) for g in by_key.values()]
    for u in units:
        g = by_key.get(u.key)
        if g is not None:
            u.column_ref = g.header_ref
            u.score_columns = {role: col_letter(c) for role, c in g.columns.items()}
    bloc.units = units

    # criteria rows
    first_data = sub_row + 1 if has_sub_row else hr + 1
    # left-block headers merged over two rows also push the data down
    for key, c in cols.items():
        span = sh.span(hr, c)
        if span and span[2] > hr:
            first_data = max(first_data, span[2] + 1)
    builder = HierarchyBuilder(sg.name)
    criteria: list[Criterion] = []
    raw_scores: dict[str, dict[str, RawCell]] = {}
    group_list = list(by_key.values())
    unit_cols = {c for g in group_list for c in g.columns.values()}

    for r in range(first_data, sh.max_row + 1):
        row_cols = sh.row_cols(r)
        if not row_cols and not any((r, c) in sg.uncached for c in unit_cols):
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
            report.error(
                "missing-code",
                f"Dòng {r} có {'điểm tối đa' if not is_blank(max_raw) else 'điểm'} nhưng không "
                "có mã tiêu chí.",
                "Ghi mã tiêu chí ở cột \"Mã\" (I, II ... cho phần; 1, 2 hoặc 1.1 cho tiêu chí; "
                "a, b hoặc - cho ý nhỏ).", ref=sh.ref(r, cols["code"]))
            continue
        node, problem = builder.add(code_raw)
        if problem:
            msg = {
                "bad-code": f"Mã tiêu chí \"{code}\" không đúng dạng.",
                "duplicate-code": f"Mã tiêu chí \"{code}\" bị trùng trong cùng phần.",
                "orphan-code": f"Mã \"{code}\" không có mục cha \"{code.rsplit('.', 1)[0]}\" ở "
                               "phía trên trong cùng phần.",
            }[problem]
            report.error(problem, msg,
                         "Dùng số La Mã (I, II ...) cho phần, số (1, 2) hoặc số có dấu chấm "
                         "(1.1, 1.2) cho tiêu chí, chữ thường (a, b) hoặc dấu - cho ý nhỏ; "
                         "mỗi mã chỉ một lần trong một phần.", ref=sh.ref(r, cols["code"]))
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
                    report.error(
                        "bad-type", f"Loại tiêu chí \"{clean(traw)}\" (mã {code}) không nhận ra.",
                        "Ghi một trong: Chấm điểm, Định tính, Định lượng, Định lượng dẫn đầu, "
                        "Chấm thẳng, Điểm thưởng, Điểm trừ (để trống = Chấm điểm).",
                        ref=sh.ref(r, cols["type"]))
                else:
                    crit.type = t
        # numbers of the left block
        for key, attr, label in (("max", "max", "Điểm tối đa"), ("weight", "weight", "Hệ số"),
                                 ("target", "target", "Chỉ tiêu"),
                                 ("per_time", "per_time", "Điểm mỗi lần")):
            if key not in cols:
                continue
            c = cols[key]
            raw = sh.get(r, c)
            if sh.is_uncached(r, c):
                report.error("uncached-formula",
                             f"Ô {label} của tiêu chí {code} là công thức chưa có kết quả tính.",
                             "Mở tệp trong Excel, nhấn Lưu (Ctrl+S) để Excel tính công thức, rồi "
                             "chạy lại.", ref=sh.ref(r, c))
                continue
            p = parse_number(raw, percent_format=(r, c) in sg.percent and key == "target")
            if p.problem:
                what = ("số quá lớn (phải nhỏ hơn 10^15)" if p.problem == "number-too-large"
                        else "không phải là số")
                report.error("bad-number",
                             f"{label} của tiêu chí {code} là \"{p.text}\": {what}.",
                             f"Ghi {label.lower()} là một số (dùng dấu phẩy hoặc dấu chấm thập "
                             "phân, ví dụ 8,5).", ref=sh.ref(r, c))
                continue
            if p.value is None:
                continue
            if key == "weight" and p.value <= 0:
                report.error("bad-weight", f"Hệ số của tiêu chí {code} là {p.value:g}: phải lớn "
                             "hơn 0.", "Ghi hệ số là số dương (để trống = 1).", ref=sh.ref(r, c))
                continue
            if key in ("max", "per_time") and p.value < 0:
                report.error("negative-max", f"{label} của tiêu chí {code} là số âm ({p.value:g}).",
                             f"Ghi {label.lower()} là số không âm.", ref=sh.ref(r, c))
                continue
            setattr(crit, attr, p.value)
        if "target" in cols:
            crit.target_ref = sh.ref(r, cols["target"])
        if "per_time" in cols:
            crit.per_time_ref = sh.ref(r, cols["per_time"])
        # scores of every unit group
        for g in group_list:
            cell = _pick(sh, r, g)
            if cell is not None:
                raw_scores.setdefault(g.key, {})[crit.path] = cell
        criteria.append(crit)

    # leaves: rows without children
    parents = {c.parent for c in criteria if c.parent}
    by_path = {c.path: c for c in criteria}
    for c in criteria:
        c.is_leaf = c.path not in parents
    # effective types (a leaf under a "Điểm thưởng"/"Điểm trừ" section) are the engine's job
    if builder.implicit_used and builder.implicit not in by_path:
        # rows before the first section: an implicit section named after the sheet
        criteria.insert(0, Criterion(path=builder.implicit, code="", text=sg.name, level=1,
                                     section=builder.implicit, is_leaf=False))
    if not any(c.is_leaf for c in criteria):
        report.error("no-criteria", f"Sheet \"{sg.name}\" không có tiêu chí nào để chấm.",
                     "Ghi các tiêu chí dưới hàng tiêu đề, mỗi tiêu chí một dòng có mã và điểm "
                     "tối đa.", sheet=sg.name)
        return False
    leaf_paths = {c.path for c in criteria if c.is_leaf}
    bloc.criteria = criteria
    bloc.scores = {k: {p: v for p, v in d.items() if p in leaf_paths}
                   for k, d in raw_scores.items()}
    return True


def _rc(ref: str) -> tuple[int, int]:
    from .grid import parse_a1

    return parse_a1(ref.rsplit("!", 1)[1])


def _pick(sh: _Sheet, r: int, g: _Group) -> RawCell | None:
    """The value of a unit's group in row r: the first non-blank by priority."""
    values, uncached = sh.sg.values, sh.sg.uncached
    order = g.order
    if order is None:
        order = g.order = [(role, g.columns[role]) for role in SUB_PRIORITY
                           if role in g.columns]
    for role, c in order:
        v = values.get((r, c))
        unc = bool(uncached) and (r, c) in uncached
        if (v is None or is_blank(v)) and not unc:
            continue
        return RawCell(value=v, percent=(r, c) in sh.sg.percent, uncached_formula=unc,
                       ref=sh.ref(r, c), source=role)
    return None


# -- Quy định ---------------------------------------------------------------------------
_THRESHOLD_LABELS = {"htxs_percent": "Ngưỡng Hoàn thành xuất sắc",
                     "htt_percent": "Ngưỡng Hoàn thành tốt", "ht_percent": "Ngưỡng Hoàn thành"}
_FORM_FIELD_LABELS = {"name": "Tên hình thức", "max_count": "Số lượng tối đa",
                      "max_percent": "Tỷ lệ tối đa", "min_class": "Xếp loại tối thiểu",
                      "no_discipline": "Không bị kỷ luật", "last_year_htxs": "Năm trước HTXS"}
_FORM_FIXES = {"max_count": "Ghi số lượng là số nguyên không âm (0 để không đề nghị hình thức "
                            "này).",
               "max_percent": "Ghi tỷ lệ là phần trăm từ 0 đến 100.",
               "min_class": "Ghi HTXS, HTT, HT hoặc cụm từ đầy đủ.",
               "no_discipline": "Ghi \"Có\" hoặc \"Không\".",
               "last_year_htxs": "Ghi \"Có\" hoặc \"Không\"."}


def _parse_rules(sg: SheetGrid, bloc: Bloc, report: Report) -> Rules:
    """Read the "Quy định" sheet: turn what was typed into values here (naming every cell
    that cannot be read), then validate the rule set with the pydantic schema of
    :mod:`thidua_xl.core.rules_schema` and name the cell of every violation."""
    from ..core.rules_schema import validate_rules

    sh = _Sheet(sg)
    values: dict[str, Any] = {}
    where: dict[str, tuple[Any, str]] = {}  # key -> (as typed, cell)
    kv = _key_values(sh, RULE_LABELS)
    for key in ("htxs_percent", "htt_percent", "ht_percent"):
        if key in kv and not is_blank(kv[key][0]):
            raw, ref, _ = kv[key]
            where[key] = (raw, ref)
            p = parse_number(raw, percent_format=False)
            if p.value is None:
                report.error("bad-rule", f"{_THRESHOLD_LABELS[key]} \"{raw}\" không phải là số.",
                             "Ghi ngưỡng là phần trăm từ 0 đến 100, ví dụ 95.", ref=ref)
            else:
                values[key] = p.value * 100 if 0 < p.value <= 1 else p.value  # 0,95 = 95 %
    if "tiebreak" in kv and not is_blank(kv["tiebreak"][0]):
        raw, ref, _ = kv["tiebreak"]
        values["tiebreak"] = _tiebreak_keys(raw, ref, bloc, report)
    if "succession" in kv and not is_blank(kv["succession"][0]):
        raw, ref, _ = kv["succession"]
        f = fold(raw)
        if "luan phien" in f:
            values["succession"] = Succession.ROTATION
        elif "xep hang" in f or "diem" in f:
            values["succession"] = Succession.RANK
        else:
            report.error("bad-rule", f"Cách suy tôn Khối trưởng \"{raw}\" không nhận ra.",
                         "Ghi \"Xếp hạng\" hoặc \"Luân phiên\".", ref=ref)

    forms, form_cells = _read_forms(sh, report)
    rules, problems = validate_rules(values, forms)
    for pr in problems:
        if pr.loc and pr.loc[0] == "forms":
            i = pr.loc[1]
            cells, name = form_cells[i], forms[i]["name"]
            field_ = pr.loc[2] if len(pr.loc) > 2 else None
            if field_ in cells and field_ != "name":
                raw, ref = cells[field_]
                raw = shown_value(raw)  # "2,5", not "2.5"
                report.error(pr.code, f"{_FORM_FIELD_LABELS[field_]} của \"{name}\" là "
                             f"\"{raw}\": {pr.reason}.", _FORM_FIXES.get(field_, ""), ref=ref)
            elif pr.code == "form-duplicate":
                report.error(pr.code, f"Hình thức \"{name}\" ghi hai lần: {pr.reason}.",
                             "Mỗi hình thức ghi một dòng; xóa dòng trùng.",
                             ref=cells["name"][1])
            else:
                report.error(pr.code, f"Hình thức \"{name}\" {pr.reason}.",
                             "Ghi số lượng tối đa (0 để không đề nghị hình thức này) hoặc tỷ lệ "
                             "tối đa (%).", ref=cells["name"][1])
        elif pr.loc and pr.loc[0] in where:
            raw, ref = where[pr.loc[0]]
            raw = shown_value(raw)
            report.error(pr.code, f"{_THRESHOLD_LABELS[pr.loc[0]]} \"{raw}\" {pr.reason}.",
                         "Ghi ngưỡng là phần trăm từ 0 đến 100, ví dụ 95.", ref=ref)
        else:
            report.error(pr.code, pr.reason[:1].upper() + pr.reason[1:] + ".",
                         "Sửa các ngưỡng trong sheet \"Quy định\".", sheet=sg.name)
    return rules


def _tiebreak_keys(raw: Any, ref: str, bloc: Bloc, report: Report) -> list[str]:
    """The tie-break items as keys ("Điểm trừ", "Điểm thưởng" or a section path), read with
    the engine's own resolver (:func:`thidua_xl.core.ranking.resolve_tiebreak`) so that
    every word the engine accepts is accepted here and nothing else."""
    from ..core.ranking import resolve_tiebreak

    sections = [(c.path, c.text) for c in bloc.criteria if c.level == 1]
    keys: list[str] = []
    for it in split_tiebreak(raw):
        found, unknown = resolve_tiebreak([it], sections)
        if unknown or not found:
            report.error("bad-tiebreak",
                         f"Thứ tự phân định đồng hạng có mục \"{it}\" không phải \"Điểm trừ\", "
                         "\"Điểm thưởng\" hay mã một phần (I, II ...).",
                         "Ghi các mục cách nhau bởi dấu chấm phẩy, ví dụ: Điểm trừ; I; II.",
                         ref=ref)
            continue
        key = found[0]
        keys.append({"penalty": TIEBREAK_PENALTY, "bonus": TIEBREAK_BONUS}.get(key.kind,
                                                                            key.section))
    return keys


def _read_forms(sh: _Sheet, report: Report) -> tuple[list[dict], list[dict]]:
    """The forms table as typed values (one dict a row) and, a row each, field ->
    (as typed, cell). Cells that cannot be read are reported and their row left out."""
    found = _find_header_anywhere(sh, FORM_COLUMNS, ("name",))
    if found is None:
        return [], []
    hr, cols = found
    forms: list[dict] = []
    cells: list[dict] = []
    seen = False
    for r in range(hr + 1, sh.max_row + 1):
        name = clean(sh.get(r, cols["name"]))
        if not name:
            if seen:  # the table ends at its first blank row
                break
            continue
        ok = True
        fd: dict[str, Any] = {"name": name, "ref": sh.ref(r, cols["name"])}
        fc: dict[str, tuple[Any, str]] = {"name": (name, sh.ref(r, cols["name"]))}
        for key, c in cols.items():
            if key == "name":
                continue
            raw = sh.get(r, c)
            fc[key] = (raw, sh.ref(r, c))
            if is_blank(raw):
                continue
            label = _FORM_FIELD_LABELS[key]
            if key in ("max_count", "max_percent"):
                p = parse_number(raw, percent_format=(r, c) in sh.sg.percent)
                if p.problem or p.value is None:
                    report.error("bad-rule", f"{label} của \"{name}\" là \"{raw}\": không phải "
                                 "là số.", _FORM_FIXES[key], ref=sh.ref(r, c))
                    ok = False
                else:
                    fd[key] = p.value
            elif key == "min_class":
                v = parse_classification(raw)
                if v == "bad":
                    report.error("bad-rule", f"{label} \"{raw}\" của \"{name}\" không nhận ra.",
                                 _FORM_FIXES[key], ref=sh.ref(r, c))
                    ok = False
                else:
                    fd[key] = v
            else:
                yn, problem = parse_yes_no(raw)
                if problem:
                    report.error("bad-rule", f"Cột \"{FORM_COLUMNS[key][0]}\" của \"{name}\" "
                                 f"là \"{raw}\": cần Có hoặc Không.", _FORM_FIXES[key],
                                 ref=sh.ref(r, c))
                    ok = False
                elif yn is not None:
                    fd[key] = yn
        seen = True
        if ok:
            forms.append(fd)
            cells.append(fc)
    return forms, cells


def _find_header_anywhere(sh: _Sheet, labels, required) -> tuple[int, dict[str, int]] | None:
    for r in sorted(sh.rows):
        cols = _match_columns(sh, r, labels)
        if all(k in cols for k in required) and len(cols) >= 2:
            return r, cols
    return None
