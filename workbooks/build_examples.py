"""Build the bundled example workbooks, one per seed bloc (see workbooks/README.md).

    python workbooks/build_examples.py            # writes workbooks/examples/*.xlsx
    python workbooks/build_examples.py --out DIR  # writes them into DIR

Each workbook follows shared/spec/bloc-workbook.md ("Sổ chấm điểm thi đua", format v1) and
carries plausible scores and a "Quy định" sheet such that the product's rules
(shared/spec/domain.md) reproduce every outcome the seed article states. The generator is
deterministic (no randomness): scores are derived from each unit's stated loss of points by
a fixed round-robin, and an independent hand calculation below (:func:`evaluate`, written
from the spec, not from the product) checks at build time that the stated outcomes follow
from the rules; a build whose data would not give them fails.

Only openpyxl and the standard library are used, so the script runs without the product.
"""
from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "examples"

# canonical criterion types (shared/spec/bloc-workbook.md, "Criterion types")
SCORE, QUAL, QUANT, LEAD, COUNT, BONUS, PENALTY = (
    "Chấm điểm", "Định tính", "Định lượng", "Định lượng dẫn đầu", "Chấm thẳng",
    "Điểm thưởng", "Điểm trừ")
SCORED = {SCORE, QUAL, QUANT, LEAD, COUNT}

HTXS = "Hoàn thành xuất sắc nhiệm vụ"
HTT = "Hoàn thành tốt nhiệm vụ"
HT = "Hoàn thành nhiệm vụ"
KHT = "Không hoàn thành nhiệm vụ"
CLASS_LEVEL = {HTXS: 3, HTT: 2, HT: 1, KHT: 0}
ABBR = {"HTXS": HTXS, "HTT": HTT, "HT": HT, "KHT": KHT}

GOV = "Cờ thi đua của Chính phủ"
PROV = "Cờ thi đua của UBND tỉnh"
MERIT = "Bằng khen của Chủ tịch UBND tỉnh"
#: older wordings a covenant may still use (domain.md v2: read, and written in the current one)
GOV_OLD = "Cờ thi đua của Thủ tướng Chính phủ"
MERIT_OLD = "Bằng khen của UBND tỉnh"
CURRENT_NAME = {GOV_OLD: GOV, MERIT_OLD: MERIT}

ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}


# ======================================================================================
# data model of an example
# ======================================================================================
@dataclass
class Row:
    """One row of the criteria table. Leaves have a ``key``; parents' max is computed."""

    code: str
    text: str
    max: float | None = None
    type: str = SCORE
    weight: float | None = None
    target: float | None = None
    per_time: float | None = None
    key: str | None = None
    label: str | None = None  # what is written in "Loại" (a variant); default: the type


@dataclass
class UnitSpec:
    name: str
    last_year: str | None = None
    discipline: str | None = None
    women: str | None = None
    rotation: int | None = None
    #: "Danh hiệu năm trước" (v2; a basis shown with a proposal, never a condition)
    title: str | None = None
    #: points the unit lost on its "Chấm điểm" leaves (a multiple of 0.25), spread over them
    loss: float = 0.0
    #: values of typed leaves (Định tính / Định lượng / Chấm thẳng / thưởng / trừ) by key
    values: dict[str, Any] = field(default_factory=dict)
    #: the total aimed at: ``loss`` is set to reach it (to the 0.25 below)
    aim: float | None = None


@dataclass
class FormRule:
    name: str
    count: int | None = None
    percent: float | None = None
    min_class: str = HTXS
    no_discipline: bool = True
    last_year_htxs: bool = False


@dataclass
class Layout:
    """How the "Chấm điểm" sheet is laid out (variations the format tolerates)."""

    subcols: tuple[str, ...] = ()  # () = one column per unit
    sparse_final: bool = False  # "Thống nhất" only where the meeting changed the verified score
    group_order: list[str] | None = None  # unit groups in another order than "Đơn vị"
    left: tuple[str, ...] = ("Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại", "Hệ số",
                             "Chỉ tiêu", "Điểm mỗi lần")
    labels: dict[str, str] = field(default_factory=dict)  # label variants
    negative_penalty: bool = False  # penalties typed as "-1" (which means 1)
    comma_text_units: tuple[int, ...] = ()  # units (index) whose decimals are typed as "9,5"
    percent_keys: tuple[str, ...] = ()  # Định lượng leaves typed as 0.985 with a % format
    blank_zero_bonus: bool = True  # 0 bonus/penalty left blank (else typed 0)
    note_subcol: str | None = None  # an ignored text sub-column ("Ghi chú")
    units_title: bool = False  # a title row above the "Đơn vị" table
    qual_yes: str = "Đạt"  # how an achieved Định tính criterion is typed
    int_codes: bool = False  # Arabic codes typed as numbers (1, 2 ...), dotted ones as text


@dataclass
class Example:
    file: str
    seed: str
    bloc: str
    province: str
    year: int
    head: str | None
    deputy: str | None
    units: list[UnitSpec]
    rows: list[Row]
    layout: Layout
    thresholds: tuple[float, float, float] = (95, 85, 75)
    tiebreak: str = "Điểm trừ; I; II; III"
    succession: str = "Xếp hạng"
    forms: list[FormRule] = field(default_factory=list)
    head_label: str = "Khối trưởng"
    deputy_label: str = "Khối phó"
    name_label: str = "Tên khối thi đua"
    issuer: str = ""  # top-left line of the score sheet


# ======================================================================================
# the hand calculation (shared/spec/bloc-workbook.md "Unit totals", domain.md)
# ======================================================================================
def r2(x: float | Decimal) -> float:
    """Round half-up to 2 decimals (exact, via Decimal)."""
    return float(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def paths(rows: list[Row]) -> list[str]:
    """Full identity of each row: "I", "I.1", "I.1.2" ..."""
    out, section = [], ""
    for r in rows:
        if r.code in ROMAN:
            section = r.code
            out.append(r.code)
        else:
            out.append(f"{section}.{r.code}")
    return out


def parent_max(rows: list[Row]) -> dict[int, float]:
    """Max of every parent row = Σ of its children's (weighted) max."""
    ps = paths(rows)
    out: dict[int, float] = {}
    for i, r in enumerate(rows):
        if r.key:
            continue
        total = Decimal(0)
        for j, r2_ in enumerate(rows):
            if r2_.key and ps[j].startswith(ps[i] + "."):
                total += Decimal(str(r2_.max)) * Decimal(str(r2_.weight or 1))
        out[i] = float(total)
    return out


def leaf_score(row: Row, value: Any, best: float | None = None) -> float:
    """Score of a leaf from the value used for the cell (before weight)."""
    t = row.type
    if t == SCORE:
        return float(value)
    if t == QUAL:
        return row.max if str(value).strip().lower() in {"đạt", "x", "1", "có"} else 0.0
    if t == QUANT:
        return row.max * min(float(value) / row.target, 1.0)
    if t == LEAD:
        a = float(value)
        if a <= row.target:
            return 0.5 * row.max * a / row.target
        assert best is not None and a == best, "examples keep one unit above the target"
        return row.max
    if t == COUNT:
        return min(int(value) * row.per_time, row.max)
    if t in (BONUS, PENALTY):
        return abs(float(value or 0))
    raise ValueError(t)


def max_total(ex: Example) -> float:
    return r2(sum(Decimal(str(r.max)) * Decimal(str(r.weight or 1))
                  for r in ex.rows if r.key and r.type in SCORED))


def column_total(ex: Example, values: dict[str, Any]) -> tuple[float, bool, Decimal]:
    """(total, has a scored leaf at 0, exact total) for one column of values."""
    best = {}
    for r in ex.rows:
        if r.type == LEAD:
            best[r.key] = max(float(u.values.get(r.key, r.target)) for u in ex.units)
    total, zero = Decimal(0), False
    for r in ex.rows:
        if not r.key:
            continue
        s = leaf_score(r, values.get(r.key), best.get(r.key))
        exact = Decimal(repr(s))
        if r.type in SCORED:
            total += exact * Decimal(str(r.weight or 1))
            zero = zero or s == 0
        elif r.type == BONUS:
            total += exact
        else:
            total -= exact
    return r2(total), zero, total


def classify(ex: Example, u: UnitSpec, total: float, zero: bool) -> str:
    pct = total / max_total(ex) * 100
    hx, ht_, h = ex.thresholds
    for th in ex.thresholds:  # keep clear of the thresholds (no rounding question)
        assert abs(pct - th) > 0.05, (u.name, pct)
    # v2 (default QĐ 2579/QĐ-UBND Cần Thơ): a scored leaf at 0 bars HTXS and HTT
    if pct >= hx and not zero:
        c = HTXS
    elif pct >= ht_ and not zero:
        c = HTT
    elif pct >= h:
        c = HT
    else:
        c = KHT
    d = (u.discipline or "").strip()
    if d and d != "Không":
        cap = {"Khiển trách": HTT, "Cảnh cáo": HT}.get(d, KHT)
        if CLASS_LEVEL[c] > CLASS_LEVEL[cap]:
            c = cap
    return c


def evaluate(ex: Example) -> dict:
    """Ranks, classifications, proposals and next head/deputy of an example, by hand."""
    res = {}
    for u in ex.units:
        total, zero, exact = column_total(ex, u_final(ex, u))
        # no total may sit on a rounding tie (summation order must not matter)
        assert (exact * 100) % 1 != Decimal("0.5"), (u.name, exact)
        res[u.name] = dict(total=total, cls=classify(ex, u, total, zero), unit=u)
    order = sorted(res, key=lambda n: -res[n]["total"])
    totals = [res[n]["total"] for n in order]
    assert len(set(totals)) == len(totals), f"{ex.file}: tied totals {totals}"
    for i, n in enumerate(order, 1):
        res[n]["rank"] = i
    awards: dict[str, str] = {}
    for f in ex.forms:
        seats = []
        if f.count is not None:
            seats.append(f.count)
        if f.percent is not None:
            seats.append(int(len(ex.units) * f.percent / 100 + 1e-9))
        quota = min(seats) if seats else 0
        for n in order:
            if quota <= 0:
                break
            u = res[n]["unit"]
            if n in awards or CLASS_LEVEL[res[n]["cls"]] < CLASS_LEVEL[f.min_class]:
                continue
            if f.no_discipline and (u.discipline or "Không") != "Không":
                continue
            if f.last_year_htxs and ABBR.get(u.last_year, u.last_year) != HTXS:
                continue
            awards[n] = CURRENT_NAME.get(f.name, f.name)
            quota -= 1
    if ex.succession == "Luân phiên":
        rot = sorted(ex.units, key=lambda u: u.rotation)
        i = [u.name for u in rot].index(ex.head)
        nxt, dep = rot[(i + 1) % len(rot)].name, rot[(i + 2) % len(rot)].name
    else:
        rest = [n for n in order if n != ex.head]
        nxt, dep = rest[0], rest[1]
    return dict(units=res, order=order, awards=awards, next_head=nxt, next_deputy=dep,
                max_total=max_total(ex))


# ======================================================================================
# deriving every unit's cell values (deterministic)
# ======================================================================================
def _score_leaves(ex: Example) -> list[Row]:
    """The "Chấm điểm" leaves that take a unit's loss (weighted ones are set explicitly)."""
    return [r for r in ex.rows if r.key and r.type == SCORE and (r.weight or 1) == 1]


def tune(ex: Example) -> None:
    """Set each unit's ``loss`` from its ``aim``: full marks minus the aim, to the 0.25."""
    for u in ex.units:
        if u.aim is None:
            continue
        u.loss = 0.0
        _FINAL_CACHE.pop((ex.file, u.name), None)
        full = column_total(ex, u_final(ex, u))[0]
        _FINAL_CACHE.pop((ex.file, u.name), None)
        u.loss = math.floor((full - u.aim) * 4 + 1e-9) / 4
        assert u.loss >= 0, (u.name, full, u.aim)


def _default_value(r: Row) -> Any:
    if r.type == QUAL:
        return "Đạt"
    if r.type in (QUANT, LEAD):
        return r.target
    if r.type == COUNT:
        return math.ceil(r.max / r.per_time)
    return 0


_FINAL_CACHE: dict[tuple[str, str], dict[str, Any]] = {}


def u_final(ex: Example, u: UnitSpec) -> dict[str, Any]:
    """The agreed value of each leaf: "Chấm điểm" leaves lose ``u.loss`` in 0.25/0.5 steps,
    round-robin from a leaf that depends on the unit's position (so units differ)."""
    ck = (ex.file, u.name)
    if ck in _FINAL_CACHE:
        return _FINAL_CACHE[ck]
    vals: dict[str, Any] = {}
    for r in ex.rows:
        if r.key:
            v = u.values.get(r.key, r.max if r.type == SCORE else _default_value(r))
            vals[r.key] = ex.layout.qual_yes if (r.type == QUAL and v == "Đạt") else v
    leaves = [r for r in _score_leaves(ex) if r.key not in u.values]
    idx = [x.name for x in ex.units].index(u.name)
    left = Decimal(str(u.loss))
    assert left % Decimal("0.25") == 0, (u.name, u.loss)
    taken = {r.key: Decimal(0) for r in leaves}
    i = (idx * 3) % len(leaves)
    guard = 0
    while left > 0:
        r = leaves[i % len(leaves)]
        step = Decimal("0.5") if (left >= Decimal("0.5") and r.max >= 6) else Decimal("0.25")
        if taken[r.key] + step <= Decimal(str(r.max)) * Decimal("0.3"):
            taken[r.key] += step
            left -= step
        i += 1
        guard += 1
        assert guard < 10000, f"{u.name}: loss {u.loss} too large for the covenant"
    for r in leaves:
        vals[r.key] = float(Decimal(str(r.max)) - taken[r.key])
    _FINAL_CACHE[ck] = vals
    return vals


def u_columns(ex: Example, u: UnitSpec) -> dict[str, dict[str, Any]]:
    """Values of the unit's sub-columns: self-score (a little higher on a few leaves), the
    bloc's verified score (0.25 lower on one leaf, restored at the meeting) and the agreed
    score (the final values)."""
    final = u_final(ex, u)
    idx = [x.name for x in ex.units].index(u.name)
    leaves = _score_leaves(ex)
    self_ = dict(final)
    for k in (idx % len(leaves), (idx + 4) % len(leaves), (idx + 7) % len(leaves)):
        r = leaves[k]
        self_[r.key] = min(r.max, final[r.key] + 0.5)
    verified = dict(final)
    changed = []
    for k in range(len(leaves)):
        r = leaves[(idx * 2 + 1 + k) % len(leaves)]
        if final[r.key] >= 0.25:
            verified[r.key] = final[r.key] - 0.25
            changed.append(r.key)
            break
    return {"Tự chấm": self_, "Khối chấm": verified, "Thống nhất": final, "": final,
            "changed": changed}


# ======================================================================================
# writing
# ======================================================================================
FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _font(size=12, bold=False, italic=False, underline=None) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline)


def _sub_kind(label: str) -> str:
    """Canonical sub-label of a written variant."""
    low = label.lower()
    if "tự chấm" in low or low == "đtc":
        return "Tự chấm"
    if "thẩm định" in low or "khối chấm" in low or "chéo" in low:
        return "Khối chấm"
    if "ghi chú" in low or "giải trình" in low:
        return "note"
    return "Thống nhất"


def _fmt_num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def write_example(ex: Example, out_dir: Path) -> Path:
    tune(ex)
    calc = evaluate(ex)
    wb = Workbook()
    wb.properties.creator = ex.head or ex.bloc
    wb.properties.title = f"Sổ chấm điểm thi đua năm {ex.year} – {ex.bloc}"
    _sheet_info(wb.active, ex, calc)
    _sheet_units(wb.create_sheet("Đơn vị"), ex)
    _sheet_scores(wb.create_sheet("Chấm điểm"), ex, calc)
    _sheet_rules(wb.create_sheet("Quy định"), ex)
    for ws in wb.worksheets:  # every sheet prints one page wide on A4
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if ws.title == "Quy định":
            ws.page_setup.orientation = "landscape"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ex.file
    wb.save(path)
    return path


def _sheet_info(ws, ex: Example, calc: dict) -> None:
    ws.title = "Thông tin"
    ws["A1"] = ("THÔNG TIN CỤM THI ĐUA" if ex.bloc.lower().startswith("cụm")
                else "THÔNG TIN KHỐI THI ĐUA")
    ws["A1"].font = _font(13, bold=True)
    ws.merge_cells("A1:B1")
    ws["A1"].alignment = CENTER
    rows = [(ex.name_label, ex.bloc), ("Năm thi đua", ex.year),
            ("Tỉnh/Thành phố", ex.province)]
    if ex.head:
        rows.append((ex.head_label, ex.head))
    if ex.deputy:
        rows.append((ex.deputy_label, ex.deputy))
    rows.append(("Tổng điểm tối đa", _fmt_num(calc["max_total"])))
    for i, (k, v) in enumerate(rows, 3):
        a, b = ws.cell(row=i, column=1, value=k), ws.cell(row=i, column=2, value=v)
        a.font, b.font = _font(12, bold=True), _font(12)
        a.border = b.border = BOX
        a.alignment, b.alignment = LEFT, LEFT
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 70


def _sheet_units(ws, ex: Example) -> None:
    r0 = 1
    if ex.layout.units_title:
        ws.cell(row=1, column=1, value=f"DANH SÁCH ĐƠN VỊ THÀNH VIÊN NĂM {ex.year}")
        ws.cell(row=1, column=1).font = _font(13, bold=True)
        r0 = 3
    heads = ["STT", "Tên đơn vị", "Xếp loại năm trước", "Kỷ luật", "Tập thể nữ"]
    titles = any(u.title for u in ex.units)
    if titles:
        heads.append("Danh hiệu năm trước")
    if ex.succession == "Luân phiên":
        heads.append("Thứ tự luân phiên")
    heads.append("Ghi chú")
    for j, h in enumerate(heads, 1):
        c = ws.cell(row=r0, column=j, value=h)
        c.font, c.alignment, c.border, c.fill = _font(12, bold=True), CENTER, BOX, HEAD_FILL
    for i, u in enumerate(ex.units, 1):
        note = ""
        if u.name == ex.head:
            note = "Khối trưởng năm " + str(ex.year) if "Khối" in ex.head_label \
                else "Cụm trưởng năm " + str(ex.year)
        elif u.name == ex.deputy:
            note = "Khối phó năm " + str(ex.year) if "Khối" in ex.deputy_label \
                else "Cụm phó năm " + str(ex.year)
        vals = [i, u.name, u.last_year, u.discipline, u.women]
        if titles:
            vals.append(u.title)
        if ex.succession == "Luân phiên":
            vals.append(u.rotation)
        vals.append(note or None)
        for j, v in enumerate(vals, 1):
            c = ws.cell(row=r0 + i, column=j, value=v)
            c.font, c.border = _font(12), BOX
            c.alignment = LEFT if j in (2, len(vals)) else CENTER
    widths = ([6, 46, 18, 14, 11] + ([30] if titles else [])
              + ([12] if ex.succession == "Luân phiên" else []) + [24])
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = ws.cell(row=r0 + 1, column=1)


def _written(ex: Example, r: Row, v: Any, unit_idx: int, percent: bool) -> Any:
    """A value as the office types it."""
    lay = ex.layout
    if v is None:
        return None
    if r.type in (BONUS, PENALTY):
        if not v and lay.blank_zero_bonus:
            return None
        if r.type == PENALTY and lay.negative_penalty and v:
            return -_fmt_num(abs(v))
        return _fmt_num(v)
    if percent:
        return float(Decimal(str(v)) / 100)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if r.type == SCORE and unit_idx in lay.comma_text_units and not float(v).is_integer():
            return str(v).replace(".", ",")
        return _fmt_num(v)
    return v


def _sheet_scores(ws, ex: Example, calc: dict) -> None:
    lay = ex.layout
    lab = lambda k: lay.labels.get(k, k)  # noqa: E731
    subs = list(lay.subcols) + ([lay.note_subcol] if lay.note_subcol else [])
    width = max(1, len(subs))
    order = lay.group_order or [u.name for u in ex.units]
    n_left = len(lay.left)
    last_col = n_left + width * len(order)

    # title rows (merged), as offices keep them
    ws.cell(row=1, column=1, value=ex.issuer or ex.bloc.upper()).font = _font(12, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    ws.cell(row=2, column=1,
            value=f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {ex.year}").font = \
        _font(14, bold=True)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
    ws.cell(row=3, column=1,
            value=f"(Kèm theo Biên bản hội nghị tổng kết công tác thi đua, khen thưởng "
                  f"năm {ex.year} của {ex.bloc})").font = _font(12, italic=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last_col)
    for rr in (2, 3):
        ws.cell(row=rr, column=1).alignment = Alignment(horizontal="center")
    head = 5
    sub = head + 1 if lay.subcols else None
    first = (sub or head) + 1

    for j, k in enumerate(lay.left, 1):
        c = ws.cell(row=head, column=j, value=lab(k))
        if sub:
            ws.merge_cells(start_row=head, start_column=j, end_row=sub, end_column=j)
    group_cols: dict[str, dict[str, int]] = {}
    col = n_left + 1
    for name in order:
        ws.cell(row=head, column=col, value=name)
        if width > 1:
            ws.merge_cells(start_row=head, start_column=col, end_row=head,
                           end_column=col + width - 1)
        group_cols[name] = {}
        for j, s in enumerate(subs):
            ws.cell(row=sub, column=col + j, value=s)
            group_cols[name][_sub_kind(s)] = col + j
        if not subs:
            group_cols[name][""] = col
        col += width
    for rr in range(head, (sub or head) + 1):
        for cc in range(1, last_col + 1):
            c = ws.cell(row=rr, column=cc)
            c.font, c.alignment, c.border, c.fill = _font(11, bold=True), CENTER, BOX, HEAD_FILL
    longest = max(len(n) for n in order)
    per_line = 30 if width > 1 else 13
    ws.row_dimensions[head].height = max(34, 16.5 * math.ceil(longest / per_line) + 6)
    if sub:
        ws.row_dimensions[sub].height = 34

    pmax = parent_max(ex.rows)
    cols = {u.name: u_columns(ex, u) for u in ex.units}
    col_of = {k: j for j, k in enumerate(lay.left, 1)}
    r = first
    for i, row in enumerate(ex.rows):
        is_parent = row.key is None
        left_vals = {
            "Mã": int(row.code) if (lay.int_codes and row.code.isdigit()) else row.code,
            "Nội dung tiêu chí": row.text,
            "Điểm tối đa": _fmt_num(pmax[i] if is_parent else row.max),
            "Loại": (row.label or row.type) if (row.type != SCORE or row.label) else None,
            "Hệ số": row.weight, "Chỉ tiêu": row.target, "Điểm mỗi lần": row.per_time,
        }
        for k, j in col_of.items():
            v = left_vals[k]
            c = ws.cell(row=r, column=j, value=v)
            c.border = BOX
            section = is_parent and row.code in ROMAN
            c.font = _font(12, bold=is_parent, italic=section and row.type in (BONUS, PENALTY))
            c.alignment = LEFT if k == "Nội dung tiêu chí" else CENTER
        for name in order:
            uidx = [x.name for x in ex.units].index(name)
            for kind, cc in group_cols[name].items():
                c = ws.cell(row=r, column=cc)
                c.border, c.alignment, c.font = BOX, CENTER, _font(12, bold=is_parent)
                if is_parent:
                    continue
                if kind == "note":
                    if row.key in cols[name]["changed"]:
                        c.value = "Hội nghị thống nhất"
                        c.font = _font(10, italic=True)
                    continue
                if kind == "Thống nhất" and lay.sparse_final and \
                        row.key not in cols[name]["changed"]:
                    continue
                v = cols[name][kind][row.key]
                pct = row.key in lay.percent_keys
                c.value = _written(ex, row, v, uidx, pct)
                if pct:
                    c.number_format = "0.0%"
        # Excel does not grow a row for wrapped text written by a program: size it
        lines = max(1, math.ceil(len(row.text) / 56))
        ws.row_dimensions[r].height = max(18, 16.5 * lines)
        r += 1

    # totals row: typed numbers equal to each column's total (the product cross-checks them)
    tc = col_of.get("Nội dung tiêu chí", 2)
    for cc in range(1, last_col + 1):
        c = ws.cell(row=r, column=cc)
        c.border, c.font, c.alignment = BOX, _font(12, bold=True), CENTER
    ws.cell(row=r, column=tc, value="Tổng cộng")
    for name in order:
        for kind, cc in group_cols[name].items():
            if kind == "note":
                continue
            vals = cols[name][kind if kind in ("Tự chấm", "Khối chấm") else "Thống nhất"]
            t = column_total(ex, vals)[0]
            c = ws.cell(row=r, column=cc, value=_fmt_num(t))
            c.number_format = "0.00"
    # widths, freeze, print
    widths = {"Mã": 7, "Nội dung tiêu chí": 52, "Điểm tối đa": 9, "Loại": 12, "Hệ số": 7,
              "Chỉ tiêu": 8, "Điểm mỗi lần": 8}
    for k, j in col_of.items():
        ws.column_dimensions[get_column_letter(j)].width = widths[k]
    for cc in range(n_left + 1, last_col + 1):
        ws.column_dimensions[get_column_letter(cc)].width = 10 if width > 1 else 13
    ws.freeze_panes = ws.cell(row=first, column=n_left + 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    ws.print_title_rows = f"{head}:{sub or head}"


def _sheet_rules(ws, ex: Example) -> None:
    ws["A1"] = f"QUY ĐỊNH BÌNH XÉT, ĐỀ NGHỊ KHEN THƯỞNG NĂM {ex.year}"
    ws["A1"].font = _font(13, bold=True)
    hx, ht_, h = ex.thresholds
    kv = [("Ngưỡng Hoàn thành xuất sắc (%)", hx), ("Ngưỡng Hoàn thành tốt (%)", ht_),
          ("Ngưỡng Hoàn thành (%)", h), ("Thứ tự phân định đồng hạng", ex.tiebreak),
          ("Suy tôn Khối trưởng", ex.succession)]
    r = 3
    for k, v in kv:
        a, b = ws.cell(row=r, column=1, value=k), ws.cell(row=r, column=2, value=v)
        a.font, b.font = _font(12, bold=True), _font(12)
        a.border = b.border = BOX
        a.alignment, b.alignment = LEFT, LEFT
        r += 1
    r += 1
    hdr = ["Hình thức khen thưởng", "Số lượng tối đa", "Tỷ lệ tối đa (%)",
           "Xếp loại tối thiểu", "Không bị kỷ luật", "Năm trước HTXS"]
    for j, h_ in enumerate(hdr, 1):
        c = ws.cell(row=r, column=j, value=h_)
        c.font, c.alignment, c.border, c.fill = _font(12, bold=True), CENTER, BOX, HEAD_FILL
    for f in ex.forms:
        r += 1
        vals = [f.name, f.count, f.percent, f.min_class,
                "Có" if f.no_discipline else "Không", "Có" if f.last_year_htxs else "Không"]
        for j, v in enumerate(vals, 1):
            c = ws.cell(row=r, column=j, value=v)
            c.font, c.border = _font(12), BOX
            c.alignment = LEFT if j in (1, 4) else CENTER
    for j, w in enumerate([40, 16, 16, 32, 16, 16], 1):
        ws.column_dimensions[get_column_letter(j)].width = w


# ======================================================================================
# the covenants (giao ước thi đua) — one per example, as each bloc would word it
# ======================================================================================
def covenant_tham_muu_kinh_te_2021() -> list[Row]:
    """Thanh Hóa 2021, 100 points, all seven columns of the left block."""
    return [
        Row("I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN"),
        Row("1", "Kết quả thực hiện nhiệm vụ chuyên môn"),
        Row("1.1", "Hoàn thành các chỉ tiêu, nhiệm vụ kế hoạch năm 2021 được UBND tỉnh giao "
                   "(% chỉ tiêu hoàn thành)", 12, QUANT, target=100, key="chi_tieu"),
        Row("1.2", "Tham mưu Tỉnh ủy, HĐND, UBND tỉnh ban hành cơ chế, chính sách thuộc lĩnh "
                   "vực quản lý; chất lượng, tiến độ tham mưu", 10, key="tham_muu"),
        Row("1.3", "Thực hiện nhiệm vụ trọng tâm, đột xuất được giao; tham gia phòng, chống "
                   "dịch COVID-19", 8, key="dot_xuat"),
        Row("2", "Cải cách hành chính"),
        Row("2.1", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng và trước hạn (%)", 6, QUANT,
            target=100, key="tthc"),
        Row("2.2", "Kết quả Chỉ số cải cách hành chính (PAR Index) của đơn vị", 6, key="par"),
        Row("2.3", "Ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của cơ quan",
            4, key="cntt"),
        Row("2.4", "Thực hiện kỷ luật, kỷ cương hành chính; văn hóa công sở", 4, key="ky_cuong"),
        Row("II", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG"),
        Row("1", "Ban hành kế hoạch, phát động phong trào thi đua năm 2021", 4, QUAL,
            key="ke_hoach"),
        Row("2", "Tổ chức ký kết giao ước thi đua; đăng ký danh hiệu thi đua đúng thời gian",
            3, QUAL, key="giao_uoc"),
        Row("3", "Tham gia đầy đủ các hoạt động do Khối tổ chức (mỗi lần tham gia: 1 điểm)",
            5, COUNT, per_time=1, key="hoat_dong"),
        Row("4", "Phát hiện, bồi dưỡng, tuyên truyền, nhân rộng điển hình tiên tiến", 7,
            key="dien_hinh"),
        Row("5", "Gửi báo cáo sơ kết, tổng kết thi đua đúng thời gian quy định", 3, QUAL,
            key="bao_cao"),
        Row("6", "Xét, đề nghị khen thưởng đúng quy định, kịp thời, đúng đối tượng", 3,
            key="khen_thuong"),
        Row("III", "XÂY DỰNG TỔ CHỨC ĐẢNG, ĐOÀN THỂ VÀ CƠ QUAN"),
        Row("1", "Tổ chức Đảng được xếp loại Hoàn thành tốt nhiệm vụ trở lên", 8, key="dang"),
        Row("2", "Công đoàn, Đoàn Thanh niên, Hội Cựu chiến binh cơ quan vững mạnh", 6,
            key="doan_the"),
        Row("3", "Thực hiện quy chế dân chủ ở cơ sở; phòng, chống tham nhũng, lãng phí", 6,
            key="dan_chu"),
        Row("4", "Bảo đảm an ninh trật tự, an toàn cơ quan; phòng cháy, chữa cháy", 5, QUAL,
            key="an_ninh"),
        Row("IV", "ĐIỂM THƯỞNG", type=BONUS),
        Row("1", "Được Khối giao chủ trì tổ chức hoạt động chung của Khối", 2, BONUS,
            key="thuong_chu_tri"),
        Row("2", "Có mô hình, sáng kiến được cấp có thẩm quyền công nhận", 3, BONUS,
            key="thuong_sang_kien"),
        Row("V", "ĐIỂM TRỪ", type=PENALTY),
        Row("1", "Chậm gửi báo cáo, văn bản theo yêu cầu của Khối (mỗi lần trừ 0,5 điểm)", 2,
            PENALTY, key="tru_cham"),
        Row("2", "Có cán bộ, công chức vi phạm pháp luật bị xử lý kỷ luật", 3, PENALTY,
            key="tru_ky_luat"),
    ]


def covenant_cum_8_2021() -> list[Row]:
    """Thanh Hóa 2021, cluster, 100 points; no weight column."""
    return [
        Row("I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN"),
        Row("1", "Thực hiện nhiệm vụ chính trị trọng tâm năm 2021"),
        Row("1.1", "Hoàn thành chương trình công tác năm được UBND tỉnh giao (% hoàn thành)",
            15, QUANT, target=100, key="chuong_trinh"),
        Row("1.2", "Chất lượng tham mưu, ban hành văn bản thuộc lĩnh vực được giao", 10,
            key="tham_muu"),
        Row("1.3", "Thực hiện mục tiêu kép: phòng, chống dịch COVID-19 và hoàn thành nhiệm vụ",
            10, key="covid"),
        Row("2", "Cải cách hành chính, chuyển đổi số"),
        Row("2.1", "Kết quả xếp hạng Chỉ số cải cách hành chính", 8, key="par"),
        Row("2.2", "Tỷ lệ văn bản đi được ký số, gửi nhận trên môi trường mạng (%)", 7, QUANT,
            target=100, key="ky_so"),
        Row("3", "Thực hành tiết kiệm, chống lãng phí; phòng, chống tham nhũng", 10,
            key="tiet_kiem"),
        Row("II", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG"),
        Row("1", "Xây dựng kế hoạch, phát động phong trào thi đua của đơn vị", 4, QUAL,
            key="ke_hoach"),
        Row("2", "Tham gia các hoạt động của Cụm (mỗi hoạt động: 1 điểm)", 4, COUNT,
            per_time=1, key="hoat_dong"),
        Row("3", "Xây dựng, nhân rộng điển hình tiên tiến", 6, key="dien_hinh"),
        Row("4", "Tin, bài tuyên truyền về thi đua trên Cổng thông tin (mỗi tin, bài: 0,5 điểm)",
            3, COUNT, per_time=0.5, key="tuyen_truyen"),
        Row("5", "Báo cáo thi đua, khen thưởng đúng hạn", 3, QUAL, key="bao_cao"),
        Row("III", "XÂY DỰNG ĐẢNG, ĐOÀN THỂ, VĂN HÓA CÔNG SỞ"),
        Row("1", "Xây dựng tổ chức Đảng trong sạch, vững mạnh", 8, key="dang"),
        Row("2", "Hoạt động của Công đoàn, Đoàn Thanh niên", 6, key="doan_the"),
        Row("3", "Thực hiện văn hóa công sở, quy tắc ứng xử", 6, QUAL, key="van_hoa"),
        Row("IV", "ĐIỂM CỘNG", type=BONUS, label="Cộng điểm"),
        Row("1", "Có thành tích đột xuất được cấp trên khen thưởng", 4, BONUS, key="cong",
            label="Cộng điểm"),
        Row("V", "ĐIỂM TRỪ", type=PENALTY, label="Trừ điểm"),
        Row("1", "Vi phạm quy chế hoạt động của Cụm thi đua", 4, PENALTY, key="tru",
            label="Trừ điểm"),
    ]


def covenant_tham_muu_tong_hop_2023() -> list[Row]:
    """Thanh Hóa 2023, 100 points, two criteria weighted ×2 (Hệ số)."""
    return [
        Row("I", "CÔNG TÁC THAM MƯU, TỔNG HỢP"),
        Row("1", "Tham mưu xây dựng, thực hiện chương trình, kế hoạch công tác"),
        Row("1.1", "Chất lượng, tiến độ tham mưu văn bản cho cấp có thẩm quyền", 5, weight=2,
            key="tham_muu"),
        Row("1.2", "Hoàn thành nhiệm vụ trong chương trình công tác năm 2023 (% hoàn thành)",
            5, QUANT, weight=2, target=100, key="chuong_trinh"),
        Row("2", "Thực hiện nhiệm vụ chuyên môn khác"),
        Row("2.1", "Phục vụ các kỳ họp, hội nghị, hoạt động giám sát, tiếp công dân", 10,
            key="phuc_vu"),
        Row("2.2", "Công tác thông tin, báo cáo, tổng hợp phục vụ chỉ đạo, điều hành", 10,
            key="tong_hop"),
        Row("II", "CẢI CÁCH HÀNH CHÍNH, CHUYỂN ĐỔI SỐ"),
        Row("1", "Kết quả Chỉ số cải cách hành chính năm 2023", 8, key="par"),
        Row("2", "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng (%)", 6, QUANT,
            target=100, key="so_hoa"),
        Row("3", "Thực hiện dân chủ cơ sở, văn hóa công vụ", 6, key="dan_chu"),
        Row("III", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG"),
        Row("1", "Ban hành kế hoạch, phát động các phong trào thi đua", 4, QUAL,
            key="ke_hoach"),
        Row("2", "Tham gia hoạt động của Khối (mỗi lần: 1 điểm)", 4, COUNT, per_time=1,
            key="hoat_dong"),
        Row("3", "Phát hiện, xây dựng, nhân rộng điển hình tiên tiến", 6, key="dien_hinh"),
        Row("4", "Báo cáo thi đua, khen thưởng đúng hạn, đúng nội dung", 3, QUAL,
            key="bao_cao"),
        Row("5", "Công tác khen thưởng đúng quy định, kịp thời", 3, key="khen_thuong"),
        Row("IV", "XÂY DỰNG ĐẢNG, ĐOÀN THỂ"),
        Row("1", "Tổ chức Đảng hoàn thành tốt nhiệm vụ trở lên", 10, key="dang"),
        Row("2", "Đoàn thể vững mạnh", 5, key="doan_the"),
        Row("3", "An ninh trật tự, an toàn cơ quan", 5, QUAL, key="an_ninh"),
        Row("V", "ĐIỂM THƯỞNG", type=BONUS),
        Row("1", "Chủ trì tổ chức hoạt động chung của Khối", 3, BONUS, key="thuong_chu_tri"),
        Row("2", "Sáng kiến, mô hình hay được công nhận", 2, BONUS, key="thuong_sang_kien"),
        Row("VI", "ĐIỂM TRỪ", type=PENALTY),
        Row("1", "Chậm thực hiện nhiệm vụ do Khối phân công", 3, PENALTY, key="tru_cham"),
        Row("2", "Để xảy ra vi phạm bị cấp có thẩm quyền nhắc nhở, phê bình", 2, PENALTY,
            key="tru_vi_pham"),
    ]


def covenant_kinh_te_ky_thuat_2022() -> list[Row]:
    """Nam Định 2022, 200 points, a third level (1.3.1), a "leading" criterion."""
    return [
        Row("I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN"),
        Row("1", "Kết quả thực hiện chỉ tiêu kinh tế - xã hội thuộc lĩnh vực được giao"),
        Row("1.1", "Hoàn thành các chỉ tiêu kế hoạch năm 2022 (% hoàn thành)", 30, QUANT,
            target=100, key="chi_tieu"),
        Row("1.2", "Giải ngân vốn đầu tư công được giao (% kế hoạch; đơn vị dẫn đầu Khối đạt "
                   "điểm tối đa)", 6, LEAD, target=100, key="giai_ngan"),
        Row("1.3", "Tham mưu triển khai nhiệm vụ trọng tâm của tỉnh"),
        Row("1.3.1", "Tham mưu cơ chế, chính sách, đề án thuộc lĩnh vực quản lý", 12,
            key="co_che"),
        Row("1.3.2", "Thu hút đầu tư, hỗ trợ doanh nghiệp thuộc lĩnh vực quản lý", 12,
            key="thu_hut"),
        Row("2", "Cải cách hành chính"),
        Row("2.1", "Tỷ lệ thủ tục hành chính giải quyết đúng hạn", 15, QUANT, target=100,
            key="tthc"),
        Row("2.2", "Chỉ số cải cách hành chính (PAR Index)", 15, key="par"),
        Row("2.3", "Xây dựng chính quyền điện tử, chuyển đổi số", 10, key="cds"),
        Row("3", "Thực hiện nhiệm vụ đột xuất do UBND tỉnh giao", 20, key="dot_xuat"),
        Row("II", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG"),
        Row("1", "Ban hành kế hoạch, phát động thi đua năm 2022", 8, QUAL, key="ke_hoach"),
        Row("2", "Tham gia hoạt động của Khối (mỗi lần: 2 điểm)", 10, COUNT, per_time=2,
            key="hoat_dong"),
        Row("3", "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", 12, key="dien_hinh"),
        Row("4", "Báo cáo thi đua, khen thưởng đúng hạn", 5, QUAL, key="bao_cao"),
        Row("5", "Tin, bài tuyên truyền gương điển hình (mỗi tin, bài: 1 điểm)", 5, COUNT,
            per_time=1, key="tuyen_truyen"),
        Row("III", "XÂY DỰNG ĐẢNG, ĐOÀN THỂ, VĂN HÓA CÔNG SỞ"),
        Row("1", "Tổ chức cơ sở Đảng trong sạch, vững mạnh", 15, key="dang"),
        Row("2", "Công đoàn, Đoàn Thanh niên vững mạnh", 10, key="doan_the"),
        Row("3", "Thực hiện văn hóa công sở, quy chế dân chủ", 10, QUAL, key="van_hoa"),
        Row("4", "Thực hành tiết kiệm, chống lãng phí", 5, key="tiet_kiem"),
        Row("IV", "ĐIỂM THƯỞNG", type=BONUS),
        Row("1", "Chủ trì, tổ chức hoạt động chung của Khối", 5, BONUS, key="thuong_chu_tri"),
        Row("2", "Đề tài, sáng kiến được công nhận cấp tỉnh", 5, BONUS, key="thuong_sang_kien"),
        Row("V", "ĐIỂM TRỪ", type=PENALTY),
        Row("1", "Chậm báo cáo, chậm thực hiện nhiệm vụ Khối phân công", 5, PENALTY,
            key="tru_cham"),
        Row("2", "Cán bộ, công chức bị xử lý kỷ luật", 5, PENALTY, key="tru_ky_luat"),
    ]


def covenant_hanh_chinh_tong_hop_2013() -> list[Row]:
    """Kon Tum 2013, 100 points, an older and simpler covenant."""
    return [
        Row("I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ"),
        Row("1", "Hoàn thành kế hoạch công tác năm 2013", 20, key="ke_hoach_nam"),
        Row("2", "Tham mưu UBND tỉnh chỉ đạo, điều hành thuộc lĩnh vực", 15, key="tham_muu"),
        Row("3", "Cải cách hành chính, thực hiện cơ chế một cửa", 10, key="cchc"),
        Row("4", "Tỷ lệ hồ sơ giải quyết đúng hẹn (%)", 5, QUANT, target=100, key="dung_hen"),
        Row("II", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG"),
        Row("1", "Xây dựng kế hoạch, phát động phong trào thi đua", 5, QUAL, key="ke_hoach"),
        Row("2", "Tham gia hoạt động của Khối (mỗi lần: 1 điểm)", 5, COUNT, per_time=1,
            key="hoat_dong"),
        Row("3", "Xây dựng và nhân rộng điển hình tiên tiến", 10, key="dien_hinh"),
        Row("4", "Thực hiện chế độ báo cáo thi đua, khen thưởng", 5, QUAL, key="bao_cao"),
        Row("5", "Công tác khen thưởng", 5, key="khen_thuong"),
        Row("III", "XÂY DỰNG ĐẢNG, ĐOÀN THỂ"),
        Row("1", "Tổ chức Đảng trong sạch, vững mạnh", 10, key="dang"),
        Row("2", "Công đoàn, Đoàn Thanh niên", 5, key="doan_the"),
        Row("3", "Thực hiện nếp sống văn minh, văn hóa công sở", 5, QUAL, key="van_hoa"),
        Row("IV", "ĐIỂM THƯỞNG", type=BONUS),
        Row("1", "Thành tích đột xuất được UBND tỉnh khen thưởng", 5, BONUS, key="thuong"),
        Row("V", "ĐIỂM TRỪ", type=PENALTY),
        Row("1", "Vi phạm quy chế hoạt động của Khối", 5, PENALTY, key="tru"),
    ]


# ======================================================================================
# the five examples
# ======================================================================================
def ex000() -> Example:
    # Seed 000 — Khối thi đua cơ quan tham mưu quản lý nhà nước về kinh tế, Thanh Hóa, 2021.
    # Stated: Cờ thi đua của Chính phủ → Sở Nông nghiệp và Phát triển nông thôn; Cờ thi đua
    # của UBND tỉnh → Liên minh HTX; Bằng khen → Sở Công thương (only); next head Sở Xây
    # dựng by rotation.
    # Why it follows (default forms 1 / 1 / 2, thresholds 95/85/75, 100 points):
    #   rank 1 Sở NN&PTNT 98.75 HTXS                  → Cờ Chính phủ (first eligible)
    #   rank 2 Liên minh HTX 98.22 HTXS               → Cờ UBND tỉnh (rank 1 already proposed)
    #   rank 3 Sở Công thương 97.67 HTXS, last HTXS   → Bằng khen (seat 1 of 2)
    #   rank 4 Sở Xây dựng 97.12 HTXS, last year HTT  → no Bằng khen (this bloc's "Quy định"
    #                                                    asks 2 years of HTXS: not a v2 default)
    #   rank 5 Sở TT&TT 96.50, "Không đạt" on II.5    → a scored leaf at 0: HT, not eligible
    #   rank 6 Sở GTVT 95.94, leader reprimanded      → Khiển trách caps at HTT; disciplined
    #   ranks 7–9: Sở TN&MT 94.45, Ban QL các KCN 92.25, Ban QLDA 90.77 (< 95 %) → HTT
    #   so the second Bằng khen seat stays empty and Sở Công thương is the only one.
    # Suy tôn Khối trưởng = Luân phiên: Liên minh HTX is 9th (last) in "Thứ tự luân phiên",
    # so the order wraps to Sở Xây dựng (1st) as head; deputy the 2nd, Sở Giao thông vận tải.
    units = [
        UnitSpec("Sở Công thương", "HTXS", "Không", "Không", 8, aim=97.6,
                 values={"tthc": 98.6, "thuong_sang_kien": 1},
                 title="Tập thể lao động xuất sắc"),
        UnitSpec("Sở Xây dựng", "HTT", "Không", "Không", 1, aim=97.05,
                 values={"tthc": 97.8}),
        UnitSpec("Sở Giao thông vận tải", "HTXS", "Khiển trách", "Không", 2, aim=95.8,
                 values={"tthc": 99, "tru_ky_luat": 1}),
        UnitSpec("Sở Thông tin và Truyền thông", "HTXS", "Không", "Không", 3, aim=96.4,
                 values={"bao_cao": "Không đạt", "thuong_sang_kien": 2,
                         "thuong_chu_tri": 1}),
        UnitSpec("Sở Tài nguyên và Môi trường", "HTXS", "Không", "Không", 4, aim=94.3,
                 values={"chi_tieu": 97.5, "tru_cham": 0.5}),
        UnitSpec("Sở Nông nghiệp và Phát triển nông thôn", "HTXS", "Không", "Không", 5,
                 aim=98.75, values={"thuong_sang_kien": 2},
                 title="Tập thể lao động xuất sắc"),
        UnitSpec("Ban Quản lý các khu công nghiệp", "HTT", "Không", "Không", 6, aim=92.15,
                 values={"hoat_dong": 4}),
        UnitSpec("Ban Quản lý dự án đầu tư xây dựng", "HTT", "Không", "Không", 7, aim=90.6,
                 values={"hoat_dong": 4, "chi_tieu": 96, "tru_cham": 1}),
        UnitSpec("Liên minh HTX", "HTXS", "Không", "Có", 9, aim=98.1,
                 values={"tthc": 99.5, "thuong_chu_tri": 2}),
    ]
    return Example(
        file="000_thanh_hoa_2021_khoi_tham_muu_kinh_te.xlsx", seed="000_97a97581a34cc3d4.txt",
        bloc="Khối thi đua cơ quan tham mưu quản lý nhà nước về kinh tế", province="Thanh Hóa",
        year=2021, head="Liên minh HTX", deputy=None, units=units,
        rows=covenant_tham_muu_kinh_te_2021(),
        layout=Layout(subcols=("Tự chấm", "Khối chấm", "Thống nhất"), negative_penalty=True,
                      units_title=True),
        succession="Luân phiên",
        # the 2021 covenant names the forms in the wording of the time
        forms=[FormRule(GOV_OLD, 1), FormRule(PROV, 1),
               FormRule(MERIT_OLD, 2, last_year_htxs=True)],
        issuer="KHỐI THI ĐUA CƠ QUAN THAM MƯU QLNN VỀ KINH TẾ",
    )


def ex001() -> Example:
    # Seed 001 — Cụm thi đua số 8, Thanh Hóa, 2021 (head Sở Ngoại vụ, deputy Ban Dân tộc).
    # Stated: ranks Ban Dân tộc tỉnh 1, Sở Tư pháp 2, Sở Nội vụ 3; next head Ban Dân tộc
    # tỉnh, deputy Sở Tư pháp.
    # Why it follows: totals Ban Dân tộc 98.50 > Sở Tư pháp 97.86 > Sở Nội vụ 97.00 >
    # Thanh tra 96.25 > VP UBND 95.68 > Sở Ngoại vụ 94.47 > VP Đoàn ĐBQH 93.50 > Đảng ủy
    # Khối 92.05 (100 points, all distinct); Suy tôn = Xếp hạng:
    # the highest-ranked unit that is not this year's head (Sở Ngoại vụ, rank 6) is Ban Dân
    # tộc tỉnh, the next one Sở Tư pháp.
    # Awards (not stated in the article; the cluster's rules here: no Cờ Chính phủ proposal
    # from the cluster, one Cờ UBND tỉnh, two Bằng khen): Cờ UBND tỉnh → Ban Dân tộc tỉnh;
    # Bằng khen → Sở Tư pháp and Sở Nội vụ (HTXS two years running). Thanh tra tỉnh (rank 4,
    # HTXS) and Văn phòng UBND tỉnh (rank 5) get none: the seats are filled.
    units = [
        UnitSpec("Sở Ngoại vụ", "HTXS", "Không", "Không", aim=94.4,
                 values={"tuyen_truyen": 5, "ky_so": 96}),
        UnitSpec("Ban Dân tộc tỉnh", "HTXS", "Không", "Không", aim=98.5,
                 values={"cong": 2}),
        UnitSpec("Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh", "HTT", "Không", "Không",
                 aim=91.9, values={"tuyen_truyen": 4, "chuong_trinh": 97}),
        UnitSpec("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "HTXS", "Không", "Có", aim=93.4,
                 values={"hoat_dong": 3}),
        UnitSpec("Văn phòng UBND tỉnh", "HTXS", "Không", "Không", aim=95.6,
                 values={"ky_so": 99}),
        UnitSpec("Sở Nội vụ", "HTXS", "Không", "Có", aim=97.0, values={"cong": 1}),
        UnitSpec("Thanh tra tỉnh", "HTT", "Không", "Không", aim=96.25,
                 values={"tuyen_truyen": 7}),
        UnitSpec("Sở Tư pháp", "HTXS", "Không", "Không", aim=97.75,
                 values={"ky_so": 98, "cong": 1.5}),
    ]
    return Example(
        file="001_thanh_hoa_2021_cum_thi_dua_so_8.xlsx", seed="001_37a5b977a4b97058.txt",
        bloc="Cụm thi đua số 8", province="Thanh Hóa", year=2021, head="Sở Ngoại vụ",
        deputy="Ban Dân tộc tỉnh", units=units, rows=covenant_cum_8_2021(),
        layout=Layout(left=("Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại", "Chỉ tiêu",
                            "Điểm mỗi lần"), int_codes=True),
        forms=[FormRule(GOV, 0), FormRule(PROV, 1), FormRule(MERIT, 2, last_year_htxs=True)],
        head_label="Cụm trưởng", deputy_label="Cụm phó", name_label="Tên cụm thi đua",
        issuer="CỤM THI ĐUA SỐ 8",
    )


def ex002() -> Example:
    # Seed 002 — Khối thi đua các cơ quan Tham mưu - Tổng hợp, Thanh Hóa, 2023 (head Văn
    # phòng Đoàn ĐBQH và HĐND tỉnh).
    # Stated: Cờ thi đua của Chính phủ → Sở Tài chính; Bằng khen → Văn phòng UBND tỉnh and Sở
    # Kế hoạch và Đầu tư; no Cờ UBND tỉnh; next head Sở Tài chính, deputy Văn phòng UBND tỉnh.
    # Why it follows (Quy định: Cờ Chính phủ 1, Cờ UBND tỉnh 0 — disabled —, Bằng khen 2):
    #   rank 1 Sở Tài chính 98.75 HTXS                     → Cờ Chính phủ
    #   rank 2 Văn phòng UBND tỉnh 98.00 HTXS, last HTXS   → Bằng khen (seat 1)
    #   rank 3 Văn phòng Đoàn ĐBQH và HĐND 97.32, last HTT → not eligible for Bằng khen
    #   rank 4 Sở Kế hoạch và Đầu tư 96.99, last HTXS      → Bằng khen (seat 2)
    #   rank 5 Sở Nội vụ 96.13 HTXS, last HTXS             → quota filled
    #   ranks 6–8: Thanh tra 94.25, Sở Tư pháp 93.50, Sở Ngoại vụ 91.85 (< 95 %) → HTT
    # Xếp hạng: head = best-ranked unit that is not this year's head → Sở Tài chính; deputy
    # → Văn phòng UBND tỉnh.
    units = [
        UnitSpec("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "HTT", "Không", "Có", aim=97.3,
                 values={"thuong_chu_tri": 3, "so_hoa": 97}),
        UnitSpec("Văn phòng UBND tỉnh", "HTXS", "Không", "Không", aim=97.9,
                 values={"thuong_sang_kien": 1}),
        UnitSpec("Sở Nội vụ", "HTXS", "Không", "Có", aim=96.1, values={"so_hoa": 98}),
        UnitSpec("Sở Tài chính", "HTXS", "Không", "Không", aim=98.6,
                 values={"thuong_sang_kien": 2}),
        UnitSpec("Sở Kế hoạch và Đầu tư", "Hoàn thành xuất sắc nhiệm vụ", "Không", "Không",
                 aim=96.8, values={"chuong_trinh": 98, "so_hoa": 99}),
        UnitSpec("Thanh tra tỉnh", "HTXS", "Không", "Không", aim=94.2,
                 values={"tham_muu": 4.5}),
        UnitSpec("Sở Tư pháp", "HTT", "Không", "Có", aim=93.5,
                 values={"hoat_dong": 3, "tru_cham": 1}),
        UnitSpec("Sở Ngoại vụ", "HTT", "Không", "Không", aim=91.8,
                 values={"tham_muu": 4.5, "chuong_trinh": 96}),
    ]
    order = ["Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Văn phòng UBND tỉnh",
             "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Sở Nội vụ", "Sở Tư pháp", "Thanh tra tỉnh",
             "Sở Ngoại vụ"]
    return Example(
        file="002_thanh_hoa_2023_khoi_tham_muu_tong_hop.xlsx", seed="002_d23b55dbdc873c98.txt",
        bloc="Khối thi đua các cơ quan Tham mưu - Tổng hợp", province="Thanh Hóa", year=2023,
        head="Văn phòng Đoàn ĐBQH và HĐND tỉnh", deputy="Sở Tài chính", units=units,
        rows=covenant_tham_muu_tong_hop_2023(),
        layout=Layout(subcols=("Điểm tự chấm", "Điểm thống nhất"), note_subcol="Ghi chú",
                      group_order=order, blank_zero_bonus=False, int_codes=True),
        forms=[FormRule(GOV, 1), FormRule(PROV, 0), FormRule(MERIT, 2, last_year_htxs=True)],
        issuer="KHỐI THI ĐUA CÁC CƠ QUAN THAM MƯU - TỔNG HỢP",
    )


def ex003() -> Example:
    # Seed 003 — Khối thi đua sở, ngành Kinh tế - Kỹ thuật, Nam Định, 2022 (head Ban Quản lý
    # dự án Đầu tư xây dựng tỉnh).
    # Stated: Cờ thi đua của Chính phủ ×1, Cờ thi đua của UBND tỉnh ×2, Bằng khen ×1; next head
    # Sở Công Thương, deputy Ban Quản lý các Khu công nghiệp tỉnh.
    # Why it follows (Quy định: Cờ Chính phủ 1, Cờ UBND tỉnh 2, Bằng khen 1; 200 points,
    # HTXS from 190):
    #   rank 1 Sở Công Thương 196.72 HTXS              → Cờ Chính phủ
    #   rank 2 Ban QL các Khu công nghiệp 195.25 HTXS  → Cờ UBND tỉnh
    #   rank 3 Ban QLDA ĐTXD tỉnh 194.19 HTXS          → Cờ UBND tỉnh (it leads giải ngân:
    #          the "dẫn đầu" criterion I.1.2 gives it the full 6 points, others ≤ 3)
    #   rank 4 Sở NN&PTNT 193.41 HTXS, last year HTT   → no Bằng khen
    #   rank 5 Sở Xây dựng 192.64 HTXS, last HTXS      → Bằng khen
    #   rank 6 Sở KH&CN 192.00 but 0 on II.5 (no tin, bài) → HT (zero rule)
    #   ranks 7–9: Sở TN&MT 188.41, Sở GTVT 186.34, Sở TT&TT 184.84 (< 190) → HTT
    # Xếp hạng: head = Sở Công Thương (rank 1, not this year's head), deputy = Ban QL các
    # Khu công nghiệp tỉnh (rank 2).
    units = [
        UnitSpec("Ban Quản lý dự án Đầu tư xây dựng tỉnh", "HTXS", "Không", "Không", aim=194.1,
                 values={"giai_ngan": 112.5, "thuong_chu_tri": 5, "tthc": 99.6}),
        UnitSpec("Sở Công Thương", "HTXS", "Không", "Không", aim=196.5,
                 values={"giai_ngan": 100, "thuong_sang_kien": 3, "tthc": 99.8}),
        UnitSpec("Sở Xây dựng", "HTXS", "Không", "Không", aim=192.6,
                 values={"giai_ngan": 96, "tthc": 98.4}),
        UnitSpec("Sở Giao thông vận tải", "HTT", "Không", "Không", aim=186.2,
                 values={"giai_ngan": 92, "tthc": 97.2, "tru_cham": 1}),
        UnitSpec("Sở Tài nguyên và Môi trường", "HTXS", "Không", "Không", aim=188.3,
                 values={"giai_ngan": 90, "tthc": 96.4, "hoat_dong": 4}),
        UnitSpec("Sở Nông nghiệp và Phát triển nông thôn", "HTT", "Không", "Không",
                 aim=193.4, values={"giai_ngan": 100, "thuong_sang_kien": 2, "tthc": 99.4}),
        UnitSpec("Sở Khoa học và Công nghệ", "HTXS", "Không", "Không", aim=191.9,
                 values={"giai_ngan": 100, "tuyen_truyen": 0, "thuong_sang_kien": 5,
                         "thuong_chu_tri": 2}),
        UnitSpec("Sở Thông tin và Truyền thông", "HTT", "Không", "Không", aim=184.75,
                 values={"giai_ngan": 88, "tthc": 98, "tru_cham": 2}),
        UnitSpec("Ban Quản lý các Khu công nghiệp tỉnh", "HTXS", "Không", "Không", aim=195.25,
                 values={"giai_ngan": 100, "thuong_sang_kien": 2, "tthc": 100}),
    ]
    order = ["Sở Công Thương", "Sở Xây dựng", "Sở Giao thông vận tải",
             "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn",
             "Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông",
             "Ban Quản lý các Khu công nghiệp tỉnh", "Ban Quản lý dự án Đầu tư xây dựng tỉnh"]
    return Example(
        file="003_nam_dinh_2022_khoi_kinh_te_ky_thuat.xlsx", seed="003_d7ac8fa57c44a6e5.txt",
        bloc="Khối thi đua sở, ngành Kinh tế - Kỹ thuật", province="Nam Định", year=2022,
        head="Ban Quản lý dự án Đầu tư xây dựng tỉnh", deputy=None, units=units,
        rows=covenant_kinh_te_ky_thuat_2022(),
        layout=Layout(subcols=("Tự chấm", "Thẩm định", "Thống nhất"), sparse_final=True,
                      group_order=order, percent_keys=("tthc",), negative_penalty=True,
                      labels={"Mã": "Mã tiêu chí", "Nội dung tiêu chí": "Tiêu chí",
                              "Điểm tối đa": "Thang điểm", "Loại": "Loại tiêu chí"},
                      left=("Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại", "Chỉ tiêu",
                            "Điểm mỗi lần")),
        thresholds=(95, 85, 75),
        forms=[FormRule(GOV, 1), FormRule(PROV, 2), FormRule(MERIT, 1, last_year_htxs=True)],
        issuer="KHỐI THI ĐUA SỞ, NGÀNH KINH TẾ - KỸ THUẬT",
    )


def ex004() -> Example:
    # Seed 004 — Khối thi đua Hành chính – Tổng hợp, Kon Tum, 2013 (head not stated; the
    # workbook names Sở Nội vụ, and no next head is asserted).
    # Stated: Cờ thi đua của UBND tỉnh → Văn phòng UBND tỉnh; Bằng khen → Văn phòng Đoàn
    # ĐBQH và HĐND tỉnh, Sở Công thương, Sở Tài nguyên và Môi trường; no Cờ Chính phủ.
    # Why it follows (Quy định: Cờ Chính phủ 0 — disabled —, Cờ UBND tỉnh 1, Bằng khen 30 %
    # of the 10 units = 3):
    #   rank 1 Văn phòng UBND tỉnh 98.50 HTXS                → Cờ UBND tỉnh
    #   rank 2 Văn phòng Đoàn ĐBQH và HĐND 97.75, last HTXS  → Bằng khen (seat 1)
    #   rank 3 Sở Kế hoạch và Đầu tư 97.25, last year HTT    → not eligible
    #   rank 4 Sở Công thương 96.50, last HTXS               → Bằng khen (seat 2)
    #   rank 5 Sở Tài nguyên và Môi trường 96.10, last HTXS  → Bằng khen (seat 3)
    #   rank 6 Sở Nội vụ 95.40 HTXS, last HTXS               → quota filled
    #   ranks 7–10: Sở NN&PTNT 94.30, Sở Xây dựng 93.20, Sở GTVT 91.75, Sở Ngoại vụ 89.75 → HTT
    # Next head (not in the article): by rank, Văn phòng UBND tỉnh; deputy Văn phòng Đoàn.
    units = [
        UnitSpec("Văn phòng UBND tỉnh", "HTXS", "Không", "Không", aim=98.4,
                 values={"thuong": 1.5}),
        UnitSpec("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "HTXS", "Không", "Có", aim=97.7,
                 values={"thuong": 1}),
        UnitSpec("Sở Nội vụ", "HTXS", "Không", "Có", aim=95.4, values={"dung_hen": 98}),
        UnitSpec("Sở Kế hoạch và Đầu tư", "HTT", "Không", "Không", aim=97.1,
                 values={"thuong": 1}),
        UnitSpec("Sở Giao thông – Vận tải", "HTT", "Không", "Không", aim=91.7,
                 values={"dung_hen": 95, "hoat_dong": 4}),
        UnitSpec("Sở Tài nguyên và Môi trường", "HTXS", "Không", "Không", aim=95.9,
                 values={"dung_hen": 97}),
        UnitSpec("Sở Công thương", "HTXS", "Không", "Không", aim=96.5),
        UnitSpec("Sở Nông nghiệp và Phát triển nông thôn", "HTT", "Không", "Không", aim=94.2,
                 values={"dung_hen": 96}),
        UnitSpec("Sở Xây dựng", "HTT", "Không", "Không", aim=93.1,
                 values={"dung_hen": 94, "tru": 1}),
        UnitSpec("Sở Ngoại vụ", "HTT", "Không", "Không", aim=89.6,
                 values={"hoat_dong": 3}),
    ]
    return Example(
        file="004_kon_tum_2013_khoi_hanh_chinh_tong_hop.xlsx", seed="004_49384100bbf68f00.txt",
        bloc="Khối thi đua Hành chính – Tổng hợp", province="Kon Tum", year=2013,
        head="Sở Nội vụ", deputy=None, units=units, rows=covenant_hanh_chinh_tong_hop_2013(),
        layout=Layout(left=("Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại", "Chỉ tiêu",
                            "Điểm mỗi lần"),
                      labels={"Mã": "STT", "Nội dung tiêu chí": "Nội dung",
                              "Điểm tối đa": "Điểm chuẩn", "Loại": "Cách chấm",
                              "Chỉ tiêu": "Chỉ tiêu giao", "Điểm mỗi lần": "Điểm/lần"},
                      comma_text_units=(1, 4), qual_yes="x", blank_zero_bonus=False,
                      int_codes=True),
        forms=[FormRule(GOV, 0), FormRule(PROV, 1),
               FormRule(MERIT, None, 30, last_year_htxs=True)],
        issuer="KHỐI THI ĐUA HÀNH CHÍNH – TỔNG HỢP",
    )


EXAMPLES = (ex000, ex001, ex002, ex003, ex004)

#: what each seed article states (what tests/test_examples.py checks against the product)
STATED = {
    "000": dict(awards={GOV: ["Sở Nông nghiệp và Phát triển nông thôn"],
                        PROV: ["Liên minh HTX"], MERIT: ["Sở Công thương"]},
                next_head="Sở Xây dựng"),
    "001": dict(ranks={"Ban Dân tộc tỉnh": 1, "Sở Tư pháp": 2, "Sở Nội vụ": 3},
                next_head="Ban Dân tộc tỉnh", next_deputy="Sở Tư pháp"),
    "002": dict(awards={GOV: ["Sở Tài chính"], PROV: [],
                        MERIT: ["Văn phòng UBND tỉnh", "Sở Kế hoạch và Đầu tư"]},
                next_head="Sở Tài chính", next_deputy="Văn phòng UBND tỉnh"),
    "003": dict(award_counts={GOV: 1, PROV: 2, MERIT: 1},
                next_head="Sở Công Thương",
                next_deputy="Ban Quản lý các Khu công nghiệp tỉnh"),
    "004": dict(awards={GOV: [], PROV: ["Văn phòng UBND tỉnh"],
                        MERIT: ["Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Sở Công thương",
                                "Sở Tài nguyên và Môi trường"]}),
}


def check_stated(ex: Example, calc: dict) -> None:
    """The hand calculation must give what the seed article states."""
    st = STATED[ex.file[:3]]
    by_form: dict[str, list[str]] = {}
    for n, f in calc["awards"].items():
        by_form.setdefault(f, []).append(n)
    for f, names in st.get("awards", {}).items():
        assert sorted(by_form.get(f, [])) == sorted(names), (ex.file, f, by_form)
    if "awards" in st:  # the article lists every award: nobody else gets one
        assert sum(len(v) for v in by_form.values()) == sum(
            len(v) for v in st["awards"].values()), (ex.file, by_form)
    for f, n in st.get("award_counts", {}).items():
        assert len(by_form.get(f, [])) == n, (ex.file, f, by_form)
    for n, rank in st.get("ranks", {}).items():
        assert calc["units"][n]["rank"] == rank, (ex.file, n, calc["units"][n]["rank"])
    for k in ("next_head", "next_deputy"):
        if k in st:
            assert calc[k] == st[k], (ex.file, k, calc[k])


def hand_calculation(prefix: str) -> dict:
    """The hand calculation of the example whose file starts with ``prefix`` ("000" ...)."""
    _FINAL_CACHE.clear()
    for make in EXAMPLES:
        ex = make()
        if ex.file.startswith(prefix):
            tune(ex)
            return evaluate(ex)
    raise KeyError(prefix)


def build(out_dir: Path, *, verbose: bool = False) -> list[Path]:
    out = []
    _FINAL_CACHE.clear()
    for make in EXAMPLES:
        ex = make()
        path = write_example(ex, out_dir)
        calc = evaluate(ex)
        check_stated(ex, calc)
        out.append(path)
        if verbose:
            print(f"{path.name}: max {calc['max_total']}, next head {calc['next_head']}, "
                  f"deputy {calc['next_deputy']}")
            for n in calc["order"]:
                u = calc["units"][n]
                print(f"  {u['rank']:>2} {u['total']:>7.2f} "
                      f"{u['total'] / calc['max_total'] * 100:6.2f}% {u['cls']:<30} "
                      f"{calc['awards'].get(n, '')}  {n}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the example bloc workbooks.")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the hand calculation")
    args = ap.parse_args(argv)
    build(args.out, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
