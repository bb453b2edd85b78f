"""`thidua-xl template`: a blank standard bloc workbook with input validation.

The workbook follows shared/spec/bloc-workbook.md exactly (Thông tin, Đơn vị, Chấm điểm,
Quy định) plus a short "Hướng dẫn" sheet, so a workbook made from it and filled in by
hand is read by ``check``/``score`` without complaint. Input cells carry Excel data
validation: drop-downs for Loại, Xếp loại năm trước, Kỷ luật, Có/Không, and numeric limits
on every score cell (0 … the row's "Điểm tối đa" cell, by a formula, so a changed max
moves the limit with it).

No cell holds a formula: a file written by openpyxl has no cached results, and the reader
would (rightly) report uncached formulas.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .core.vocab import (
    CRITERION_TYPE_LABELS,
    DEFAULT_THRESHOLDS,
    DISCIPLINE_CHOICES,
    RULE_LABELS,
    SCORE_COLUMNS,
    SCORE_SUBCOLUMNS,
    TIEBREAK_PENALTY,
)
from .errors import UsageError
from .io.atomic import save_workbook
from .io.openpyxl_style import fonts, style_cell, thin_border
from .template_inputs import TemplateCriterion, load_criteria, parse_units_arg

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
# the workbook
# --------------------------------------------------------------------------------------
def build_template(units: list[str] | None = None,
                   criteria: list[TemplateCriterion] | None = None):
    """The template as an openpyxl Workbook (not saved)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    units = list(units) if units else [f"Đơn vị {i}" for i in range(1, DEFAULT_UNIT_COUNT + 1)]
    criteria = list(criteria) if criteria else sample_criteria()
    paths, parents, leaves, levels = _tree(criteria)
    types = _effective_types(criteria)
    maxes, max_total = computed_max(criteria)

    border = thin_border()
    f = fonts(FONT_NAME, head_color="1F3864", note_color="595959")
    f_body, f_bold, f_head, f_title, f_note = (f[k] for k in ("body", "bold", "head", "title",
                                                              "note"))
    fill_head = PatternFill("solid", fgColor="DDEBF7")
    fill_parent = PatternFill("solid", fgColor="F2F2F2")
    fill_input = PatternFill("solid", fgColor="FFFFFF")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left_wrap = Alignment(horizontal="left", vertical="center", wrap_text=True)

    def put(ws, row, col, value, font=f_body, fill=None, align=None, bdr=True, fmt=None):
        return style_cell(ws.cell(row=row, column=col), value, font=font, fill=fill,
                          align=align, border=border if bdr else None, fmt=fmt)

    def dv_list(items: Iterable[str], title: str, msg: str) -> DataValidation:
        dv = DataValidation(type="list", formula1='"' + ",".join(items) + '"',
                            allow_blank=True, showErrorMessage=True,
                            errorTitle=title, error=msg)
        return dv

    def dv_whole(minimum: int, title: str, msg: str) -> DataValidation:
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(minimum),
                              allow_blank=True, showErrorMessage=True, errorTitle=title,
                              error=msg)

    def validate(ws, ref: str, dv: DataValidation) -> None:
        dv.add(ref)
        ws.add_data_validation(dv)

    wb = Workbook()
    # ---------------------------------------------------------------- Thông tin
    ws = wb.active
    ws.title = "Thông tin"
    put(ws, 1, 1, "THÔNG TIN KHỐI THI ĐUA", f_title, bdr=False)
    info_rows = [("Tên khối thi đua", "Ví dụ: Khối thi đua các cơ quan Tổng hợp."),
                 ("Năm thi đua", "Năm chấm điểm, số nguyên, ví dụ 2025."),
                 ("Tỉnh/Thành phố", "Tên tỉnh hoặc thành phố."),
                 ("Khối trưởng", "Đơn vị làm Khối trưởng năm nay (chọn trong danh sách)."),
                 ("Khối phó", "Đơn vị làm Khối phó năm nay (chọn trong danh sách).")]
    for i, (label, hint) in enumerate(info_rows, 2):
        put(ws, i, 1, label, f_bold, align=left_wrap)
        put(ws, i, 2, None, fill=fill_input, align=left_wrap)
        if i in (2, 4):  # rows 3, 5, 6 carry their validation (with the same tip) below
            tip = DataValidation(type=None, allow_blank=True, showInputMessage=True,
                                 promptTitle=label[:32], prompt=hint)
            tip.add(f"B{i}")
            ws.add_data_validation(tip)
    unit_range = f"'Đơn vị'!$B$2:$B${UNIT_ROWS + 1}"
    dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                        allow_blank=True, showErrorMessage=True, errorTitle="Năm không hợp lệ",
                        error="Năm thi đua là số nguyên từ 2000 đến 2100.",
                        showInputMessage=True, promptTitle="Năm thi đua", prompt=info_rows[1][1])
    validate(ws, "B3", dv)
    dv = DataValidation(type="list", formula1=unit_range, allow_blank=True,
                        showErrorMessage=True, errorStyle="warning",
                        errorTitle="Đơn vị không có trong danh sách",
                        error="Tên đơn vị nên chọn trong sheet Đơn vị.",
                        showInputMessage=True, promptTitle="Khối trưởng, Khối phó",
                        prompt="Đơn vị năm nay (chọn trong danh sách của sheet Đơn vị).")
    validate(ws, "B5:B6", dv)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 48

    # ---------------------------------------------------------------- Đơn vị
    ws = wb.create_sheet("Đơn vị")
    heads = ["STT", "Tên đơn vị", "Xếp loại năm trước", "Kỷ luật", "Tập thể nữ",
             "Thứ tự luân phiên", "Ghi chú"]
    for j, h in enumerate(heads, 1):
        put(ws, 1, j, h, f_head, fill_head, center)
    for i in range(UNIT_ROWS):
        r = i + 2
        name = units[i] if i < len(units) else None
        put(ws, r, 1, i + 1 if name else None, align=center)
        put(ws, r, 2, name, align=left_wrap)
        for j in range(3, len(heads) + 1):
            put(ws, r, j, None, align=center if j < 7 else left_wrap)
    last = UNIT_ROWS + 1
    dv = dv_list(CLASS_CHOICES, "Xếp loại không hợp lệ",
                 "Chọn HTXS, HTT, HT, KHT hoặc ghi đầy đủ cụm từ xếp loại.")
    validate(ws, f"C2:C{last}", dv)
    dv = dv_list(DISCIPLINE_CHOICES, "Kỷ luật", "Chọn hình thức kỷ luật trong danh sách.")
    dv.errorStyle = "warning"
    validate(ws, f"D2:D{last}", dv)
    validate(ws, f"E2:E{last}", dv_list(YES_NO, "Tập thể nữ", "Chọn Có hoặc Không."))
    validate(ws, f"F2:F{last}", dv_whole(1, "Thứ tự luân phiên",
                                         "Thứ tự luân phiên là số nguyên từ 1 trở lên."))
    for col, w in zip("ABCDEFG", (6, 44, 20, 16, 12, 12, 24)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C2"

    # ---------------------------------------------------------------- Chấm điểm
    ws = wb.create_sheet("Chấm điểm")
    n_left = len(LEFT_LABELS)
    first_unit_col = n_left + 1
    last_col = n_left + len(units) * len(SUBCOLS)
    put(ws, SCORE_TITLE_ROW, 1, "BẢNG CHẤM ĐIỂM THI ĐUA NĂM ......", f_title, bdr=False,
        align=Alignment(horizontal="center"))
    ws.merge_cells(start_row=SCORE_TITLE_ROW, start_column=1, end_row=SCORE_TITLE_ROW,
                   end_column=min(last_col, n_left + 3))
    put(ws, SCORE_NOTE_ROW, 1,
        f"(Tổng điểm tối đa: {_fmt(max_total)} điểm. Nhập điểm vào các ô trắng; "
        "ô xám là tiêu chí mẹ, không nhập.)", f_note, bdr=False)
    for j, lab in enumerate(LEFT_LABELS, 1):
        put(ws, SCORE_HEADER_ROW, j, lab, f_head, fill_head, center)
        put(ws, SCORE_SUB_ROW, j, None, f_head, fill_head, center)
        ws.merge_cells(start_row=SCORE_HEADER_ROW, start_column=j, end_row=SCORE_SUB_ROW,
                       end_column=j)
    for u, name in enumerate(units):
        c0 = first_unit_col + u * len(SUBCOLS)
        for k, sl in enumerate(SUBCOLS):
            put(ws, SCORE_HEADER_ROW, c0 + k, name if k == 0 else None, f_head, fill_head,
                center)
            put(ws, SCORE_SUB_ROW, c0 + k, sl, f_bold, fill_head, center)
        ws.merge_cells(start_row=SCORE_HEADER_ROW, start_column=c0, end_row=SCORE_HEADER_ROW,
                       end_column=c0 + len(SUBCOLS) - 1)
    dv_type = dv_list(TYPE_LABELS, "Loại tiêu chí không hợp lệ",
                      "Chọn một trong bảy loại tiêu chí trong danh sách.")
    ws.add_data_validation(dv_type)
    dv_num = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, showErrorMessage=True,
                            errorTitle="Giá trị không hợp lệ", error="Nhập một số không âm.")
    ws.add_data_validation(dv_num)
    dv_weight = DataValidation(type="decimal", operator="greaterThan", formula1="0",
                               allow_blank=True, showErrorMessage=True,
                               errorTitle="Hệ số không hợp lệ", error="Hệ số là số lớn hơn 0.")
    ws.add_data_validation(dv_weight)
    dv_yes = dv_list(("Đạt", "Không đạt"), "Tiêu chí định tính", "Chọn Đạt hoặc Không đạt.")
    ws.add_data_validation(dv_yes)
    dv_count = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True, showErrorMessage=True, errorTitle="Số lần",
                              error="Nhập số lần là số nguyên không âm.")
    ws.add_data_validation(dv_count)
    first_score = f"{get_column_letter(first_unit_col)}"
    last_score = f"{get_column_letter(last_col)}"
    r = SCORE_FIRST_ROW
    for i, c in enumerate(criteria):
        leaf = leaves[i]
        font = f_body if leaf else f_bold
        fill = None if leaf else fill_parent
        put(ws, r, 1, c.code, font, fill, center)
        put(ws, r, 2, c.text, font, fill, Alignment(horizontal="left", vertical="center",
                                                     wrap_text=True, indent=max(0, levels[i] - 1)))
        put(ws, r, 3, maxes[i], font, fill, center, fmt="0.##")
        put(ws, r, 4, c.type or None, font, fill, center)
        put(ws, r, 5, c.weight, font, fill, center)
        put(ws, r, 6, c.target, font, fill, center)
        put(ws, r, 7, c.per_time, font, fill, center)
        for col in range(first_unit_col, last_col + 1):
            put(ws, r, col, None, font, fill_input if leaf else fill_parent, center)
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
                dv = DataValidation(
                    type="decimal", operator="between", formula1="0", formula2=f"$C${r}",
                    allow_blank=True, showErrorMessage=True, errorTitle="Điểm không hợp lệ",
                    error="Điểm phải từ 0 đến Điểm tối đa của tiêu chí (cột C).")
                validate(ws, rng, dv)
        r += 1
    last_crit = r - 1
    put(ws, r, 1, None, f_bold, fill_head)
    put(ws, r, 2, "Tổng cộng", f_bold, fill_head, center)
    for col in range(3, last_col + 1):
        put(ws, r, col, None, f_bold, fill_head, center)
    dv_type.add(f"D{SCORE_FIRST_ROW}:D{last_crit}")
    dv_num.add(f"C{SCORE_FIRST_ROW}:C{last_crit}")
    dv_num.add(f"F{SCORE_FIRST_ROW}:G{last_crit}")
    dv_weight.add(f"E{SCORE_FIRST_ROW}:E{last_crit}")
    for col, w in zip("ABCDEFG", (7, 58, 9, 14, 7, 9, 9)):
        ws.column_dimensions[col].width = w
    for col in range(first_unit_col, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 9.5
    ws.row_dimensions[SCORE_HEADER_ROW].height = 36
    ws.freeze_panes = f"{first_score}{SCORE_FIRST_ROW}"
    ws.print_title_rows = f"{SCORE_HEADER_ROW}:{SCORE_SUB_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4

    # ---------------------------------------------------------------- Quy định
    ws = wb.create_sheet("Quy định")
    sections = [c.code for c, lv, t in zip(criteria, levels, types)
                if lv == 1 and t not in ("Điểm thưởng", "Điểm trừ")]
    rules = [(RULE_LABELS[k][0], int(DEFAULT_THRESHOLDS[k]))
             for k in ("htxs_percent", "htt_percent", "ht_percent")]
    rules += [(RULE_LABELS["tiebreak"][0], "; ".join([TIEBREAK_PENALTY, *sections])),
              (RULE_LABELS["succession"][0], "Xếp hạng")]
    for i, (k, v) in enumerate(rules, 1):
        put(ws, i, 1, k, f_bold, align=left_wrap)
        put(ws, i, 2, v, align=left_wrap)
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                        allow_blank=True, showErrorMessage=True, errorTitle="Ngưỡng",
                        error="Ngưỡng là tỷ lệ phần trăm từ 0 đến 100.")
    validate(ws, "B1:B3", dv)
    dv = dv_list(("Xếp hạng", "Luân phiên"), "Suy tôn Khối trưởng",
                 "Chọn Xếp hạng hoặc Luân phiên.")
    validate(ws, "B5", dv)
    from .core.models import default_forms

    form_head = ["Hình thức khen thưởng", "Số lượng tối đa", "Tỷ lệ tối đa (%)",
                 "Xếp loại tối thiểu", "Không bị kỷ luật", "Năm trước HTXS"]
    hr = len(rules) + 2
    for j, h in enumerate(form_head, 1):
        put(ws, hr, j, h, f_head, fill_head, center)
    forms = default_forms()
    for i, f in enumerate(forms, hr + 1):
        vals = [f.name, f.max_count, f.max_percent,
                f.min_class.value if f.min_class else None,
                "Có" if f.no_discipline else "Không", "Có" if f.last_year_htxs else "Không"]
        for j, v in enumerate(vals, 1):
            put(ws, i, j, v, align=left_wrap if j in (1, 4) else center)
    lo, hi = hr + 1, hr + len(forms) + 3
    for i in range(hr + len(forms) + 1, hi + 1):  # two spare rows for another form
        for j in range(1, len(form_head) + 1):
            put(ws, i, j, None)
    dv = dv_list(("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
                  "Hoàn thành nhiệm vụ", "HTXS", "HTT", "HT"), "Xếp loại tối thiểu",
                 "Chọn xếp loại trong danh sách.")
    validate(ws, f"D{lo}:D{hi}", dv)
    validate(ws, f"E{lo}:F{hi}", dv_list(YES_NO, "Có/Không", "Chọn Có hoặc Không."))
    validate(ws, f"B{lo}:B{hi}", dv_whole(
        0, "Số lượng", "Số lượng là số nguyên không âm (0 = không đề nghị hình thức này)."))
    for col, w in zip("ABCDEF", (36, 22, 16, 30, 16, 16)):
        ws.column_dimensions[col].width = w

    # ---------------------------------------------------------------- Hướng dẫn
    ws = wb.create_sheet("Hướng dẫn")
    lines = [
        ("HƯỚNG DẪN SỬ DỤNG SỔ CHẤM ĐIỂM THI ĐUA", f_title),
        ("1. Sheet \"Thông tin\": ghi tên khối, năm thi đua, tỉnh, Khối trưởng và Khối phó "
         "năm nay.", f_body),
        ("2. Sheet \"Đơn vị\": mỗi dòng một đơn vị. Xếp loại năm trước chọn HTXS, HTT, HT, KHT; "
         "Kỷ luật để trống hoặc \"Không\" nếu không có; Tập thể nữ chọn Có/Không.", f_body),
        ("3. Sheet \"Chấm điểm\": mỗi đơn vị có ba cột Tự chấm, Khối chấm, Thống nhất. "
         "Điểm dùng để xếp hạng là cột Thống nhất, nếu trống thì Khối chấm, rồi Tự chấm.", f_body),
        ("   Mã tiêu chí: I, II, III là mục lớn; 1, 2 là tiêu chí; 1.1, 1.2 là tiêu chí con; "
         "a, b hoặc -, + là ý nhỏ của dòng trên.", f_body),
        ("   Loại tiêu chí: Chấm điểm (nhập điểm 0 đến điểm tối đa), Định tính (Đạt/Không đạt), "
         "Định lượng (nhập kết quả thực hiện, so với Chỉ tiêu), Định lượng dẫn đầu, "
         "Chấm thẳng (nhập số lần, nhân Điểm mỗi lần), Điểm thưởng, Điểm trừ.", f_body),
        ("   Ô màu xám là tiêu chí mẹ: không nhập điểm. Điểm tối đa của tiêu chí mẹ bằng tổng "
         "điểm các tiêu chí con.", f_body),
        ("4. Sheet \"Quy định\": ngưỡng xếp loại, thứ tự phân định đồng hạng, cách suy tôn "
         "Khối trưởng và các hình thức khen thưởng. Số lượng tối đa 0 là không đề nghị.", f_body),
        ("5. Kiểm tra sổ: thidua-xl check <tệp>; tính điểm và lập danh sách đề nghị: "
         "thidua-xl score <tệp> (hoặc các nút trên tab \"Thi đua\" trong Excel).", f_body),
        ("6. Gộp phiếu tự chấm của các đơn vị: thidua-xl merge <sổ khối> <phiếu 1> <phiếu 2> ...",
         f_body),
        ("Không đổi tên các sheet và các tiêu đề cột. Có thể thêm sheet riêng: "
         "chương trình không sửa các sheet đó.", f_note),
    ]
    for i, (text, font) in enumerate(lines, 1):
        cell = put(ws, i, 1, text, font, bdr=False,
                   align=Alignment(wrap_text=True, vertical="top"))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110
    wb.active = wb.sheetnames.index("Chấm điểm")
    for s in wb.worksheets:
        s.sheet_view.tabSelected = s.title == "Chấm điểm"
    return wb


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
    criteria = load_criteria(criteria_path) if criteria_path else None
    wb = build_template(units, criteria)
    save_workbook(wb, out)
    return out
