"""`thidua-xl template`: a blank standard bloc workbook with input validation.

The workbook follows shared/spec/bloc-workbook.md exactly (Thông tin, Đơn vị, Chấm điểm,
Quy định) plus a short "Hướng dẫn" sheet, so a workbook made from it and filled in by
hand is read by ``check``/``score`` without complaint. Input cells carry Excel data
validation: drop-downs for Loại, Xếp loại năm trước, Kỷ luật, Có/Không, and numeric limits
on every score cell (0 … the row's "Điểm tối đa" cell, by a formula, so a changed max
moves the limit with it); the v2 columns of Đơn vị (Tỷ lệ nữ, Xếp loại năm nay, Đang xem
xét kỷ luật/thanh tra, Danh hiệu năm trước) have theirs.

:func:`build_template` describes the workbook as a :class:`~thidua_xl.io.plan.WritePlan`
(cells, styles, merges, widths, frozen panes, print titles, data validation);
:func:`write_template` renders it like every other file the product writes
(``io.writer.write_plan_only``). No cell holds a formula: a written file has no cached
results, and the reader would (rightly) report uncached formulas.
"""
from __future__ import annotations

from pathlib import Path

from .core.vocab import (
    CRITERION_TYPE_LABELS,
    DEFAULT_THRESHOLDS,
    DISCIPLINE_CHOICES,
    RULE_LABELS,
    SCORE_COLUMNS,
    SCORE_SUBCOLUMNS,
    TIEBREAK_PENALTY,
    UNIT_COLUMNS,
)
from .errors import UsageError
from .io.grid import col_letter
from .io.plan import (Align, PrintSetup, SheetPlan, Style, Validation, WritePlan, fonts,
                      styled)
from .template_inputs import TemplateCriterion, load_criteria, parse_units_arg

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Iterable

__all__ = ["TemplateCriterion", "load_criteria", "parse_units_arg", "sample_criteria",
           "computed_max", "build_template", "write_template"]

FONT_NAME = "Times New Roman"

#: the seven criterion types, canonical labels (core.models.CriterionType values)
TYPE_LABELS = CRITERION_TYPE_LABELS
CLASS_CHOICES = ("HTXS", "HTT", "HT", "KHT", "Hoàn thành xuất sắc nhiệm vụ",
                 "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ")
YES_NO = ("Có", "Không")
SUBCOLS = SCORE_SUBCOLUMNS
#: the left block of the score sheet: the first (written) label of each column
LEFT_LABELS = tuple(SCORE_COLUMNS[k][0] for k in ("code", "text", "max", "type", "weight",
                                                   "target", "per_time"))
DEFAULT_UNIT_COUNT = 6
#: rows of the score sheet above the criteria: title, note, header, sub-labels
SCORE_TITLE_ROW, SCORE_NOTE_ROW, SCORE_HEADER_ROW, SCORE_SUB_ROW = 1, 2, 3, 4
SCORE_FIRST_ROW = 5
#: rows of "Đơn vị" with validation (room for units added later by hand)
UNIT_ROWS = 60


def _c(code, text, max=None, type="", weight=None, target=None, per_time=None):
    return TemplateCriterion(code, text, max, type, weight, target, per_time)


def sample_criteria() -> list[TemplateCriterion]:
    """A plausible covenant (giao ước thi đua): 3 scored sections (100 points), bonus, penalty."""
    return [
        _c("I", "Thực hiện nhiệm vụ chính trị, chuyên môn được giao"),
        _c("1", "Hoàn thành các chỉ tiêu, nhiệm vụ trọng tâm theo kế hoạch năm (tỷ lệ %)", 15,
           "Định lượng", target=100),
        _c("2", "Tham mưu ban hành văn bản, đề án đúng tiến độ, bảo đảm chất lượng", 10),
        _c("3", "Cải cách hành chính, chuyển đổi số"),
        _c("3.1", "Kết quả Chỉ số cải cách hành chính (PAR Index) của cơ quan", 8),
        _c("3.2", "Tỷ lệ hồ sơ giải quyết trực tuyến toàn trình (%)", 7,
           "Định lượng dẫn đầu", target=80),
        _c("II", "Công tác thi đua, khen thưởng"),
        _c("1", "Xây dựng kế hoạch, phát động phong trào thi đua trong cơ quan", 5, "Định tính"),
        _c("2", "Tham gia đầy đủ các hoạt động do Khối tổ chức (mỗi lần tham gia)", 5,
           "Chấm thẳng", per_time=1),
        _c("3", "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", 10),
        _c("4", "Gửi báo cáo thi đua, khen thưởng đúng thời hạn", 5, "Định tính"),
        _c("III", "Xây dựng Đảng, đoàn thể và cơ quan"),
        _c("1", "Tổ chức cơ sở đảng được xếp loại Hoàn thành tốt nhiệm vụ trở lên", 10,
           "Định tính"),
        _c("2", "Phòng, chống tham nhũng, thực hành tiết kiệm, chống lãng phí", 10),
        _c("3", "Hoạt động của Công đoàn, Đoàn Thanh niên, Hội Cựu chiến binh", 5),
        _c("4", "Bảo đảm an ninh trật tự, an toàn cơ quan", 10),
        _c("IV", "Điểm thưởng", type="Điểm thưởng"),
        _c("1", "Được cấp có thẩm quyền khen thưởng đột xuất trong năm", 3, "Điểm thưởng"),
        _c("2", "Có sáng kiến, mô hình mới được cấp có thẩm quyền công nhận", 2, "Điểm thưởng"),
        _c("V", "Điểm trừ", type="Điểm trừ"),
        _c("1", "Chậm gửi báo cáo, văn bản theo yêu cầu của Khối (mỗi lần trừ 1 điểm)", 3,
           "Điểm trừ"),
        _c("2", "Cán bộ, công chức, viên chức vi phạm pháp luật, bị xử lý kỷ luật", 5,
           "Điểm trừ"),
    ]


# --------------------------------------------------------------------------------------
# hierarchy helpers
# --------------------------------------------------------------------------------------
def _tree(criteria: list[TemplateCriterion]):
    """(paths, parents, is_leaf) using the same code rules as the bloc workbook."""
    from .merge import code_paths

    nodes = code_paths([c.code for c in criteria])
    for c, n in zip(criteria, nodes):
        if n.problem:
            raise UsageError(f"Mã tiêu chí '{c.code}' ({c.text[:40]}) không đúng cấu trúc "
                             f"({n.problem}).",
                             fix="Dùng mã I, II (mục), 1, 2 (tiêu chí), 1.1 (tiêu chí con), "
                                 "a, b hoặc - (ý nhỏ), không trùng nhau.")
    paths = [n.path for n in nodes]
    parents = [n.parent for n in nodes]
    has_child = {p for p in parents if p is not None}
    leaves = [n.path not in has_child for n in nodes]
    levels = [n.level for n in nodes]
    return paths, parents, leaves, levels


def _core_tree(criteria: list[TemplateCriterion]):
    """The criteria as the engine sees them (:class:`thidua_xl.core.engine.Tree`): the same
    effective types and computed maxima as scoring the written workbook gives. A leaf without
    a max counts 0 (the template writes it blank, to be filled in)."""
    from .core.engine import Tree
    from .core.models import Bloc, Criterion, CriterionType
    from .merge import code_paths

    _tree(criteria)  # raises on a code that cannot be placed
    nodes = code_paths([c.code for c in criteria])
    has_child = {n.parent for n in nodes if n.parent is not None}
    crits = [Criterion(path=n.path, code=n.code, text=c.text, level=n.level, parent=n.parent,
                       section=n.section,
                       type=CriterionType(c.type or CriterionType.SCORE.value),
                       max=c.max if c.max is not None or n.path in has_child else 0.0,
                       weight=c.weight, is_leaf=n.path not in has_child)
             for c, n in zip(criteria, nodes)]
    return Tree.build(Bloc(file="", criteria=crits)), crits


def _effective_types(criteria: list[TemplateCriterion]) -> list[str]:
    """Each row's effective type label (the engine's: a row under a Điểm thưởng / Điểm trừ
    section takes the section's type)."""
    tree, crits = _core_tree(criteria)
    return [tree.types[c.path].value for c in crits]


def computed_max(criteria: list[TemplateCriterion]) -> tuple[list[float | None], float]:
    """Each row's max (a parent blank in the input gets the engine's computed max: its
    scored children, weighted) and the maximum total (scored leaves only) — the numbers
    the engine computes for the written workbook."""
    from .core.engine import _max_total

    tree, crits = _core_tree(criteria)
    out: list[float | None] = []
    for c, crit in zip(criteria, crits):
        if crit.is_leaf or c.max is not None:
            out.append(c.max)
        elif tree.types[crit.path].is_scored:
            out.append(tree.computed_max(crit))
        else:  # a Điểm thưởng / Điểm trừ group: its ceiling, the sum of its rows
            out.append(sum(float(ch.max or 0) for ch in tree.children.get(crit.path, [])))
    return out, _max_total(tree) or 0.0


# --------------------------------------------------------------------------------------
# the workbook, as a write plan
# --------------------------------------------------------------------------------------
GREY = "808080"  # the cells' thin border
F = fonts(FONT_NAME, head_color="1F3864", note_color="595959")
FILL_HEAD, FILL_PARENT, FILL_INPUT = "DDEBF7", "F2F2F2", "FFFFFF"
CENTER: Align = ("center", "center", True)
LEFT_WRAP: Align = ("left", "center", True)


def _put(sp: SheetPlan, row: int, col: int, value, font: Style = F["body"],
         fill: str | None = None, align: Align | None = None, bdr: bool = True,
         fmt: str | None = None, indent: int = 0) -> None:
    sp.put(row, col, value, styled(font, fill=fill, align=align, border=GREY if bdr else None,
                                   fmt=fmt, indent=indent))


def _list(sp: SheetPlan, items: Iterable[str], title: str, msg: str, *ranges: str,
          **kw) -> Validation:
    return sp.validate("list", *ranges, choices=tuple(items), error_title=title, error=msg, **kw)


def _at_least(sp: SheetPlan, kind: str, minimum: int, title: str, msg: str, *ranges: str,
              operator: str = "greaterThanOrEqual") -> Validation:
    return sp.validate(kind, *ranges, operator=operator, formula1=str(minimum),
                       error_title=title, error=msg)


def _between(sp: SheetPlan, kind: str, lo: str, hi: str, title: str, msg: str, *ranges: str,
             **kw) -> Validation:
    return sp.validate(kind, *ranges, operator="between", formula1=lo, formula2=hi,
                       error_title=title, error=msg, **kw)


def _info_sheet() -> SheetPlan:
    sp = SheetPlan(name="Thông tin", col_widths={1: 22, 2: 48})
    _put(sp, 1, 1, "THÔNG TIN KHỐI THI ĐUA", F["title"], bdr=False)
    info_rows = [("Tên khối thi đua", "Ví dụ: Khối thi đua các cơ quan Tổng hợp."),
                 ("Năm thi đua", "Năm chấm điểm, số nguyên, ví dụ 2025."),
                 ("Tỉnh/Thành phố", "Tên tỉnh hoặc thành phố."),
                 ("Khối trưởng", "Đơn vị làm Khối trưởng năm nay (chọn trong danh sách)."),
                 ("Khối phó", "Đơn vị làm Khối phó năm nay (chọn trong danh sách).")]
    for i, (label, hint) in enumerate(info_rows, 2):
        _put(sp, i, 1, label, F["bold"], align=LEFT_WRAP)
        _put(sp, i, 2, None, fill=FILL_INPUT, align=LEFT_WRAP)
        if i in (2, 4):  # rows 3, 5, 6 carry their validation (with the same tip) below
            sp.validate("any", f"B{i}", prompt_title=label[:32], prompt=hint)
    _between(sp, "whole", "2000", "2100", "Năm không hợp lệ",
             "Năm thi đua là số nguyên từ 2000 đến 2100.", "B3", prompt_title="Năm thi đua",
             prompt=info_rows[1][1])
    sp.validate("list", "B5:B6", source=f"'Đơn vị'!$B$2:$B${UNIT_ROWS + 1}",
                error_style="warning", error_title="Đơn vị không có trong danh sách",
                error="Tên đơn vị nên chọn trong sheet Đơn vị.",
                prompt_title="Khối trưởng, Khối phó",
                prompt="Đơn vị năm nay (chọn trong danh sách của sheet Đơn vị).")
    return sp


def _units_sheet(units: list[str]) -> SheetPlan:
    sp = SheetPlan(name="Đơn vị", freeze="C2", col_widths=dict(enumerate(
        (6, 44, 20, 16, 12, 12, 12, 20, 20, 30, 24), 1)))
    heads = ["STT", "Tên đơn vị", "Xếp loại năm trước", "Kỷ luật", "Tập thể nữ",
             "Thứ tự luân phiên", UNIT_COLUMNS["women_ratio"][0], UNIT_COLUMNS["official"][0],
             UNIT_COLUMNS["review"][0], UNIT_COLUMNS["last_title"][0], "Ghi chú"]
    for j, h in enumerate(heads, 1):
        _put(sp, 1, j, h, F["head"], FILL_HEAD, CENTER)
    for i in range(UNIT_ROWS):
        r = i + 2
        name = units[i] if i < len(units) else None
        _put(sp, r, 1, i + 1 if name else None, align=CENTER)
        _put(sp, r, 2, name, align=LEFT_WRAP)
        for j in range(3, len(heads) + 1):
            _put(sp, r, j, None, align=CENTER if j < 10 else LEFT_WRAP)
    last = UNIT_ROWS + 1
    _list(sp, CLASS_CHOICES, "Xếp loại không hợp lệ",
          "Chọn HTXS, HTT, HT, KHT hoặc ghi đầy đủ cụm từ xếp loại.", f"C2:C{last}")
    _list(sp, DISCIPLINE_CHOICES, "Kỷ luật", "Chọn hình thức kỷ luật trong danh sách.",
          f"D2:D{last}", error_style="warning")
    _list(sp, YES_NO, "Tập thể nữ", "Chọn Có hoặc Không.", f"E2:E{last}")
    _at_least(sp, "whole", 1, "Thứ tự luân phiên",
              "Thứ tự luân phiên là số nguyên từ 1 trở lên.", f"F2:F{last}")
    # v2: Tỷ lệ nữ (%), Xếp loại năm nay, Đang xem xét kỷ luật/thanh tra, Danh hiệu năm trước
    _between(sp, "decimal", "0", "100", "Tỷ lệ nữ",
             "Tỷ lệ nữ là phần trăm từ 0 đến 100 (từ 70 là tập thể nữ).", f"G2:G{last}")
    _list(sp, CLASS_CHOICES, "Xếp loại năm nay không hợp lệ",
          "Chọn HTXS, HTT, HT, KHT (xếp loại của cấp có thẩm quyền) hoặc để trống.",
          f"H2:H{last}")
    _list(sp, YES_NO, "Đang xem xét kỷ luật, thanh tra", "Chọn Có hoặc Không.", f"I2:I{last}")
    return sp


def _score_sheet(units: list[str], criteria: list[TemplateCriterion]) -> SheetPlan:
    paths, parents, leaves, levels = _tree(criteria)
    types = _effective_types(criteria)
    maxes, max_total = computed_max(criteria)
    n_left = len(LEFT_LABELS)
    first_unit_col = n_left + 1
    last_col = n_left + len(units) * len(SUBCOLS)
    first_score, last_score = col_letter(first_unit_col), col_letter(last_col)
    sp = SheetPlan(name="Chấm điểm", freeze=f"{first_score}{SCORE_FIRST_ROW}",
                   col_widths=dict(enumerate((7, 58, 9, 14, 7, 9, 9), 1)),
                   row_heights={SCORE_HEADER_ROW: 36},
                   print_setup=_print_setup(f"{SCORE_HEADER_ROW}:{SCORE_SUB_ROW}", fit=False))
    sp.col_widths.update({col: 9.5 for col in range(first_unit_col, last_col + 1)})
    _put(sp, SCORE_TITLE_ROW, 1, "BẢNG CHẤM ĐIỂM THI ĐUA NĂM ......", F["title"], bdr=False,
         align=("center", None, False))
    sp.merges.append(f"A{SCORE_TITLE_ROW}:{col_letter(min(last_col, n_left + 3))}"
                     f"{SCORE_TITLE_ROW}")
    _put(sp, SCORE_NOTE_ROW, 1,
         f"(Tổng điểm tối đa: {_fmt(max_total)} điểm. Nhập điểm vào các ô trắng; "
         "ô xám là tiêu chí mẹ, không nhập.)", F["note"], bdr=False)
    for j, lab in enumerate(LEFT_LABELS, 1):
        _put(sp, SCORE_HEADER_ROW, j, lab, F["head"], FILL_HEAD, CENTER)
        _put(sp, SCORE_SUB_ROW, j, None, F["head"], FILL_HEAD, CENTER)
        sp.merges.append(f"{col_letter(j)}{SCORE_HEADER_ROW}:{col_letter(j)}{SCORE_SUB_ROW}")
    for u, name in enumerate(units):
        c0 = first_unit_col + u * len(SUBCOLS)
        for k, sl in enumerate(SUBCOLS):
            _put(sp, SCORE_HEADER_ROW, c0 + k, name if k == 0 else None, F["head"], FILL_HEAD,
                 CENTER)
            _put(sp, SCORE_SUB_ROW, c0 + k, sl, F["bold"], FILL_HEAD, CENTER)
        sp.merges.append(f"{col_letter(c0)}{SCORE_HEADER_ROW}:"
                         f"{col_letter(c0 + len(SUBCOLS) - 1)}{SCORE_HEADER_ROW}")
    dv_type = _list(sp, TYPE_LABELS, "Loại tiêu chí không hợp lệ",
                    "Chọn một trong bảy loại tiêu chí trong danh sách.")
    dv_num = _at_least(sp, "decimal", 0, "Giá trị không hợp lệ", "Nhập một số không âm.")
    dv_weight = _at_least(sp, "decimal", 0, "Hệ số không hợp lệ", "Hệ số là số lớn hơn 0.",
                          operator="greaterThan")
    dv_yes = _list(sp, ("Đạt", "Không đạt"), "Tiêu chí định tính", "Chọn Đạt hoặc Không đạt.")
    dv_count = _at_least(sp, "whole", 0, "Số lần", "Nhập số lần là số nguyên không âm.")
    r = SCORE_FIRST_ROW
    for i, c in enumerate(criteria):
        leaf = leaves[i]
        font = F["body"] if leaf else F["bold"]
        fill = None if leaf else FILL_PARENT
        _put(sp, r, 1, c.code, font, fill, CENTER)
        _put(sp, r, 2, c.text, font, fill, LEFT_WRAP, indent=max(0, levels[i] - 1))
        _put(sp, r, 3, maxes[i], font, fill, CENTER, fmt="0.##")
        for col, v in enumerate((c.type or None, c.weight, c.target, c.per_time), 4):
            _put(sp, r, col, v, font, fill, CENTER)
        for col in range(first_unit_col, last_col + 1):
            _put(sp, r, col, None, font, FILL_INPUT if leaf else FILL_PARENT, CENTER)
        rng = f"{first_score}{r}:{last_score}{r}"
        t = types[i] or "Chấm điểm"
        if leaf:
            if t == "Định tính":
                dv_yes.add(rng)
            elif t in ("Định lượng", "Định lượng dẫn đầu"):
                dv_num.add(rng)
            elif t == "Chấm thẳng":
                dv_count.add(rng)
            else:
                _between(sp, "decimal", "0", f"$C${r}", "Điểm không hợp lệ",
                         "Điểm phải từ 0 đến Điểm tối đa của tiêu chí (cột C).", rng)
        r += 1
    last_crit = r - 1
    _put(sp, r, 1, None, F["bold"], FILL_HEAD)
    _put(sp, r, 2, "Tổng cộng", F["bold"], FILL_HEAD, CENTER)
    for col in range(3, last_col + 1):
        _put(sp, r, col, None, F["bold"], FILL_HEAD, CENTER)
    dv_type.add(f"D{SCORE_FIRST_ROW}:D{last_crit}")
    dv_num.add(f"C{SCORE_FIRST_ROW}:C{last_crit}")
    dv_num.add(f"F{SCORE_FIRST_ROW}:G{last_crit}")
    dv_weight.add(f"E{SCORE_FIRST_ROW}:E{last_crit}")
    return sp


def _rules_sheet(criteria: list[TemplateCriterion]) -> SheetPlan:
    from .core.models import default_forms

    _, _, _, levels = _tree(criteria)
    types = _effective_types(criteria)
    sp = SheetPlan(name="Quy định", col_widths=dict(enumerate((36, 22, 16, 30, 16, 16), 1)))
    sections = [c.code for c, lv, t in zip(criteria, levels, types)
                if lv == 1 and t not in ("Điểm thưởng", "Điểm trừ")]
    rules = [(RULE_LABELS[k][0], int(DEFAULT_THRESHOLDS[k]))
             for k in ("htxs_percent", "htt_percent", "ht_percent")]
    rules += [(RULE_LABELS["tiebreak"][0], "; ".join([TIEBREAK_PENALTY, *sections])),
              (RULE_LABELS["succession"][0], "Xếp hạng"),
              (RULE_LABELS["zero_forbids"][0], "HTXS; HTT")]
    for i, (k, v) in enumerate(rules, 1):
        _put(sp, i, 1, k, F["bold"], align=LEFT_WRAP)
        _put(sp, i, 2, v, align=LEFT_WRAP)
    _between(sp, "decimal", "0", "100", "Ngưỡng", "Ngưỡng là tỷ lệ phần trăm từ 0 đến 100.",
             "B1:B3")
    _list(sp, ("Xếp hạng", "Luân phiên", "Khối phó kế nhiệm"), "Suy tôn Khối trưởng",
          "Chọn Xếp hạng, Luân phiên hoặc Khối phó kế nhiệm.", "B5")
    form_head = ["Hình thức khen thưởng", "Số lượng tối đa", "Tỷ lệ tối đa (%)",
                 "Xếp loại tối thiểu", "Không bị kỷ luật", "Năm trước HTXS"]
    hr = len(rules) + 2
    for j, h in enumerate(form_head, 1):
        _put(sp, hr, j, h, F["head"], FILL_HEAD, CENTER)
    forms = default_forms()
    for i, f in enumerate(forms, hr + 1):
        vals = [f.name, f.max_count, f.max_percent,
                f.min_class.value if f.min_class else None,
                "Có" if f.no_discipline else "Không", "Có" if f.last_year_htxs else "Không"]
        for j, v in enumerate(vals, 1):
            _put(sp, i, j, v, align=LEFT_WRAP if j in (1, 4) else CENTER)
    lo, hi = hr + 1, hr + len(forms) + 3
    for i in range(hr + len(forms) + 1, hi + 1):  # two spare rows for another form
        for j in range(1, len(form_head) + 1):
            _put(sp, i, j, None)
    _list(sp, ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
               "Hoàn thành nhiệm vụ", "HTXS", "HTT", "HT"), "Xếp loại tối thiểu",
          "Chọn xếp loại trong danh sách.", f"D{lo}:D{hi}")
    _list(sp, YES_NO, "Có/Không", "Chọn Có hoặc Không.", f"E{lo}:F{hi}")
    _at_least(sp, "whole", 0, "Số lượng",
              "Số lượng là số nguyên không âm (0 = không đề nghị hình thức này).", f"B{lo}:B{hi}")
    return sp


GUIDE = [
    "HƯỚNG DẪN SỬ DỤNG SỔ CHẤM ĐIỂM THI ĐUA",
    "1. Sheet \"Thông tin\": ghi tên khối, năm thi đua, tỉnh, Khối trưởng và Khối phó năm nay.",
    "2. Sheet \"Đơn vị\": mỗi dòng một đơn vị. Xếp loại năm trước chọn HTXS, HTT, HT, KHT; "
    "Kỷ luật để trống hoặc \"Không\" nếu không có; Tập thể nữ chọn Có/Không (hoặc ghi "
    "Tỷ lệ nữ: từ 70% là tập thể nữ); Xếp loại năm nay (nếu có) là xếp loại của cấp có "
    "thẩm quyền, dùng để xét khen thưởng; đơn vị đang xem xét kỷ luật, thanh tra không "
    "được đề nghị khen thưởng.",
    "3. Sheet \"Chấm điểm\": mỗi đơn vị có ba cột Tự chấm, Khối chấm, Thống nhất. "
    "Điểm dùng để xếp hạng là cột Thống nhất, nếu trống thì Khối chấm, rồi Tự chấm.",
    "   Mã tiêu chí: I, II, III là mục lớn; 1, 2 là tiêu chí; 1.1, 1.2 là tiêu chí con; "
    "a, b hoặc -, + là ý nhỏ của dòng trên.",
    "   Loại tiêu chí: Chấm điểm (nhập điểm 0 đến điểm tối đa), Định tính (Đạt/Không đạt), "
    "Định lượng (nhập kết quả thực hiện, so với Chỉ tiêu), Định lượng dẫn đầu, "
    "Chấm thẳng (nhập số lần, nhân Điểm mỗi lần), Điểm thưởng, Điểm trừ.",
    "   Ô màu xám là tiêu chí mẹ: không nhập điểm. Điểm tối đa của tiêu chí mẹ bằng tổng "
    "điểm các tiêu chí con.",
    "4. Sheet \"Quy định\": ngưỡng xếp loại (mặc định, theo QĐ 2579/QĐ-UBND tỉnh Cần "
    "Thơ), thứ tự phân định đồng hạng, cách suy tôn Khối trưởng, các xếp loại mà đơn vị "
    "có tiêu chí 0 điểm không được xếp, và các hình thức khen thưởng. Số lượng tối đa 0 "
    "là không đề nghị.",
    "5. Kiểm tra sổ: thidua-xl check <tệp>; tính điểm và lập danh sách đề nghị: "
    "thidua-xl score <tệp> (hoặc các nút trên tab \"Thi đua\" trong Excel).",
    "6. Gộp phiếu tự chấm của các đơn vị: thidua-xl merge <sổ khối> <phiếu 1> <phiếu 2> ...",
    "Không đổi tên các sheet và các tiêu đề cột. Có thể thêm sheet riêng: "
    "chương trình không sửa các sheet đó.",
]


def _guide_sheet() -> SheetPlan:
    sp = SheetPlan(name="Hướng dẫn", col_widths={1: 110})
    for i, text in enumerate(GUIDE, 1):
        font = F["title"] if i == 1 else F["note"] if i == len(GUIDE) else F["body"]
        _put(sp, i, 1, text, font, bdr=False, align=(None, "top", True))
    return sp


def _print_setup(title_rows: str, *, fit: bool) -> PrintSetup:
    """A4 landscape with Excel's default margins (0.75" sides, 1" top and bottom)."""
    return PrintSetup(orientation="landscape", margin_top_mm=25.4, margin_bottom_mm=25.4,
                      margin_left_mm=19.05, margin_right_mm=19.05, fit_width=fit,
                      title_rows=title_rows)


def build_template(units: list[str] | None = None,
                   criteria: list[TemplateCriterion] | None = None) -> WritePlan:
    """The template as a write plan (rendered by :func:`thidua_xl.io.writer.write_plan_only`)."""
    units = list(units) if units else [f"Đơn vị {i}" for i in range(1, DEFAULT_UNIT_COUNT + 1)]
    criteria = list(criteria) if criteria else sample_criteria()
    sheets = [_info_sheet(), _units_sheet(units), _score_sheet(units, criteria),
              _rules_sheet(criteria), _guide_sheet()]
    return WritePlan(sheets=sheets, replace=(), select="Chấm điểm")


def _fmt(x: float) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


def write_template(out: str | Path, units: list[str] | None = None,
                   criteria_path: str | Path | None = None) -> Path:
    """Write the blank standard workbook to ``out`` (atomically) and return its path."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":  # no macros to put in an .xlsm
        raise UsageError(f"Tệp mẫu phải có đuôi .xlsx: {out.name}",
                         fix="Đặt tên tệp kết thúc bằng .xlsx, ví dụ so-cham-diem.xlsx.")
    from .io.writer import write_plan_only

    criteria = load_criteria(criteria_path) if criteria_path else None
    return write_plan_only(build_template(units, criteria), out)
