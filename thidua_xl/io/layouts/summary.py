"""The summary table ("Bảng tổng hợp"), bloc-workbook.md v2 "two more layouts", 2.

Units as rows; columns STT, Tên đơn vị, one per section (I, II … or the sections' names),
Điểm thưởng, Điểm trừ, and optionally Tổng điểm (cross-checked), Xếp loại năm trước, Kỷ
luật (and the other "Đơn vị" columns). A section's maximum comes from its header ("I (40
điểm)") or from a row "Điểm tối đa"; without any, the percent-based classification is
impossible: one error. Each section becomes one criterion of a synthetic matrix (its
score: the unit's section total), so ranks, ties with section tie-breaks, classification,
awards and succession work as usual; the zero-leaf rule cannot be checked, and every
HTXS/HTT carries "Cần xác minh: không có điểm từng tiêu chí".
"""
from __future__ import annotations

import re
from ...core.record import field, record
from ...core.findings import Report
from ...core.text import clean, fold
from ...core.values import is_blank, parse_number
from ...core.verification import NO_CRITERIA_NOTE
from ..grid import Grid, SheetGrid
from .base import SYNTHETIC_UNITS, Synthetic, header_row

#: the note on every HTXS/HTT unit of a summary (its criteria are not known)
UNVERIFIED_NOTE = NO_CRITERIA_NOTE  # the engine adds it (Bloc.per_criterion = False)

_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
#: "(40 điểm)", "(tối đa 40 điểm)", "[40đ]", "- 40 điểm" at the end of a header
_MAX_IN_HEADER = re.compile(
    r"\s*(?:[(\[]\s*(?:tối đa|max)?\s*(\d+(?:[.,]\d+)?)\s*(?:điểm|đ)?\s*[)\]]"
    r"|[-–:]\s*(\d+(?:[.,]\d+)?)\s*(?:điểm|đ))\s*$", re.IGNORECASE)


def _words():
    from ...core import vocab as V

    return {
        "stt": V.folded(V.UNIT_COLUMNS["stt"]),
        "name": V.folded(V.UNIT_COLUMNS["name"]),
        "bonus": V.folded(V.CRITERION_TYPE_WORDS["Điểm thưởng"] + ("Điểm cộng",)),
        "penalty": V.folded(V.CRITERION_TYPE_WORDS["Điểm trừ"]),
        "total": V.folded(V.TOTAL_LABELS + ("Tổng số điểm", "Tổng điểm đạt được",
                                            "Tổng điểm thi đua")),
        "max_row": V.folded(V.SCORE_COLUMNS["max"] + ("Tối đa",)),
        "ignore": V.folded(("Xếp hạng", "Xếp loại", "Hạng", "Ghi chú", "Hình thức khen thưởng",
                            "Đề nghị khen thưởng", "Tỷ lệ (%)", "Tỷ lệ", "% điểm tối đa")),
        "unit_attrs": {k: V.folded(v) for k, v in V.UNIT_COLUMNS.items()
                       if k not in ("stt", "name", "note")},
    }


@record
class Column:
    col: int
    kind: str  # "section" | "bonus" | "penalty" | "total" | unit attribute key
    label: str = ""
    code: str = ""
    text: str = ""
    max: float | None = None
    max_ref: str | None = None


@record
class Table:
    sg: SheetGrid
    header: int
    name_col: int
    columns: list[Column] = field(default_factory=list)
    units: list[tuple[int, str]] = field(default_factory=list)  # (row, name)
    max_row: int | None = None

    def of(self, kind: str) -> list[Column]:
        return [c for c in self.columns if c.kind == kind]


def _split(label: str) -> tuple[str, str, float | None]:
    """"I (40 điểm)" → ("I", "", 40); "II. Xây dựng Đảng (30 điểm)" → ("II", "Xây dựng
    Đảng", 30); "Công tác chuyên môn" → ("", "Công tác chuyên môn", None)."""
    from ...core.hierarchy import normalize_code, section_code

    text = clean(label)
    mx = None
    m = _MAX_IN_HEADER.search(text)
    if m:
        mx = parse_number(m.group(1) or m.group(2)).value
        text = text[:m.start()].strip()
    words = text.split()
    for n in (2, 1, 3):  # "Phần I", "I.", "Nhóm tiêu chí 1"
        if len(words) >= n:
            code = section_code(normalize_code(" ".join(words[:n]).rstrip(".:")))
            if code:
                return code, " ".join(words[n:]).lstrip(".:-– ").strip(), mx
    return "", text, mx


def _table(sg: SheetGrid) -> Table | None:
    from ...core.vocab import is_total_label
    from ..sheet_index import _Sheet

    W = _words()
    sh = _Sheet(sg)
    for r in range(1, 16):
        name_col = next((c for c in sh.row_cols(r) if fold(sh.get(r, c)) in W["name"]), None)
        if name_col is None:
            continue
        t = Table(sg, r, name_col)
        sub = r + 1
        any_sub = False
        last = max(sh.max_col, max((m.max_col for m in sg.merges if m.min_row <= sub),
                                   default=0))
        for c in range(1, last + 1):
            if c == name_col:
                continue
            top = sh.top_left(r, c)
            span = sh.span(*top)
            label, at = sh.get(*top), top
            if span and span[3] > span[1] and not is_blank(sh.get(sub, c)):
                label, at = sh.get(sub, c), (sub, c)  # a title over several columns
                any_sub = True
            elif top[1] != c:
                continue  # inside a merged header
            f = fold(label)
            if not f or f in W["stt"] or f in W["ignore"]:
                continue
            kind = next((k for k, fs in W["unit_attrs"].items() if f in fs), None)
            code, text, mx = _split(str(label))
            base = fold(text)
            if kind is None:
                kind = ("bonus" if base in W["bonus"] else
                        "penalty" if base in W["penalty"] else
                        "total" if base in W["total"] else "section")
            t.columns.append(Column(c, kind, clean(label), code, text, mx,
                                    sg.ref(*at) if mx is not None else None))
        for rr in range(sub + 1 if any_sub else sub, sh.max_row + 1):
            name = clean(sh.get(rr, name_col))
            if any(fold(sh.get(rr, c)) in W["max_row"] for c in range(1, name_col + 1)):
                t.max_row = rr
                continue
            if not name or is_total_label(name):
                continue
            t.units.append((rr, name))
        # a section column holds numbers: others (an unknown text column) are not sections
        t.columns = [col for col in t.columns if col.kind != "section" or any(
            parse_number(sg.get(rr, col.col)).value is not None for rr, _ in t.units)]
        return t
    return None


def _tables(grid: Grid) -> list[Table]:
    from . import score_candidates

    out = []
    for sg in score_candidates(grid):
        t = _table(sg)
        if t is not None:
            out.append(t)
    return out


def candidate(grid: Grid):
    from . import Candidate

    best = Candidate("summary", [], [], ["không sheet nào có cột Tên đơn vị"])
    for t in _tables(grid):
        name = t.sg.name
        if t.of("section") and t.units:
            return Candidate("summary", [name], [f"sheet \"{name}\" có cột Tên đơn vị và "
                                                 f"{len(t.of('section'))} cột điểm theo mục"],
                             [], 70)
        lacks = (f"sheet \"{name}\" có cột Tên đơn vị nhưng không có cột điểm theo mục"
                 if not t.of("section") else f"sheet \"{name}\" không có đơn vị nào")
        best = Candidate("summary", [], [f"sheet \"{name}\" có cột Tên đơn vị"], [lacks], 20)
    return best


def build(grid: Grid):
    """The summary layout of ``grid`` (a synthetic matrix), or None."""
    from . import Layout

    t = next((t for t in _tables(grid) if t.of("section") and t.units), None)
    if t is None:
        return None
    sg = t.sg
    report = Report()
    if t.max_row is not None:
        for col in t.columns:
            p = parse_number(sg.get(t.max_row, col.col)).value
            if p is not None:
                col.max, col.max_ref = p, sg.ref(t.max_row, col.col)
    syn = Synthetic(display=sg.name)
    _, groups = header_row(syn, ["code", "text", "max", "type"],
                           [(name, sg.ref(r, t.name_col), [""]) for r, name in t.units])
    rows: list[Column] = []
    romans = iter(_ROMANS)
    for col in t.of("section"):
        col.code = col.code or next(romans)
        rows.append(col)
    used = {c.code for c in rows}
    for kind, text in (("bonus", "Điểm thưởng"), ("penalty", "Điểm trừ")):
        for col in t.of(kind):
            col.code = next(r for r in _ROMANS if r not in used)
            used.add(col.code)
            col.text = text
            rows.append(col)
    row = 3
    for col in rows:
        syn.row_sheet[row] = sg.name
        syn.put(row, 1, col.code, sg.ref(t.header, col.col))
        syn.put(row, 2, col.text or col.label, sg.ref(t.header, col.col))
        syn.put(row, 3, col.max, col.max_ref or sg.ref(t.header, col.col))
        if col.kind != "section":
            syn.put(row, 4, col.text, sg.ref(t.header, col.col))
        for (r, _), g in zip(t.units, groups):
            syn.put(row, g[""], sg.get(r, col.col), src=sg, at=(r, col.col))
            syn.where(row, g[""], sg.ref(r, col.col))
        row += 1
    for col in t.of("total"):
        syn.put(row, 2, "Tổng cộng", sg.ref(t.header, col.col))
        for (r, _), g in zip(t.units, groups):
            syn.put(row, g[""], sg.get(r, col.col), src=sg, at=(r, col.col))
        row += 1
        break
    no_max = all(c.max is None for c in t.of("section"))
    if no_max:
        report.emit("summary-max-missing", name=sg.name, ref=sg.ref(t.header, t.name_col))
    from ...core.vocab import SHEET_UNITS

    # the workbook's own "Đơn vị" sheet, if any, is the parser's list of units
    units = None if grid.find_sheet(*SHEET_UNITS) else _units_sheet(t)
    grid2 = Grid(sheets=[syn.sheet] + list(grid.sheets), source=grid.source,
                 reader=grid.reader)

    def finish(bloc, result) -> None:
        if no_max:  # one error, not one per section
            result.findings = [f for f in result.findings if f.code != "max-missing"]

    layout = Layout("summary", [sg.name], grid2, syn.sheet, report, syn, finish,
                    units=units, per_criterion=False)
    return layout


def _units_sheet(t: Table) -> Synthetic | None:
    """The summary's unit attributes (Xếp loại năm trước, Kỷ luật ...) as a synthetic
    "Đơn vị" sheet, when the workbook has no sheet "Đơn vị" of its own (the parser reads
    that one first)."""
    from ...core import vocab as V

    attrs = [c for c in t.columns if c.kind in V.UNIT_COLUMNS]
    if not attrs:
        return None
    sg = t.sg
    syn = Synthetic(display=sg.name, name=SYNTHETIC_UNITS)
    syn.put(1, 1, V.UNIT_COLUMNS["name"][0], sg.ref(t.header, t.name_col))
    for j, col in enumerate(attrs, 2):
        syn.put(1, j, V.UNIT_COLUMNS[col.kind][0], sg.ref(t.header, col.col))
    for i, (r, name) in enumerate(t.units, 2):
        syn.row_sheet[i] = sg.name
        syn.put(i, 1, name, src=sg, at=(r, t.name_col))
        for j, col in enumerate(attrs, 2):
            syn.put(i, j, sg.get(r, col.col), src=sg, at=(r, col.col))
            syn.where(i, j, sg.ref(r, col.col))
    return syn

