"""Every word of the bloc workbook, defined once (shared/spec/bloc-workbook.md).

Sheet names, column and sub-column labels with their accepted variants, totals-row labels,
tie-break words, discipline words, criterion-type words, the notes written on results, the
default thresholds and the output file's name. The parser, the engine, the worksheet
functions, the self-score merge, the template and the output writers all import them from
here, so a word accepted on one path is accepted on every path. Labels are compared with
:func:`thidua_xl.core.text.fold` (no case, no diacritics); the first variant of a group is
the one the program writes.

Pure data and fold-based look-ups: this module imports only :mod:`.text` and :mod:`.values`.
"""
from __future__ import annotations

import re

from .text import fold
from .values import is_blank

# --------------------------------------------------------------------------------------
# sheets
# --------------------------------------------------------------------------------------
SHEET_INFO = ("Thông tin",)
SHEET_UNITS = ("Đơn vị",)
SHEET_SCORES = ("Chấm điểm",)
SHEET_RULES = ("Quy định",)
#: the sheets the readers load (folded names); every other sheet is skipped
INPUT_SHEETS = tuple(fold(s[0]) for s in (SHEET_INFO, SHEET_UNITS, SHEET_SCORES, SHEET_RULES))

#: how many rows from the top a header row is searched in
HEADER_SCAN_ROWS = 15

# --------------------------------------------------------------------------------------
# "Thông tin"
# --------------------------------------------------------------------------------------
INFO_LABELS = {
    "name": ("Tên khối thi đua", "Tên khối", "Khối thi đua", "Tên cụm thi đua", "Cụm thi đua"),
    "year": ("Năm thi đua", "Năm"),
    "province": ("Tỉnh/Thành phố", "Tỉnh", "Thành phố", "Tỉnh / Thành phố"),
    "head": ("Khối trưởng", "Cụm trưởng", "Trưởng khối", "Trưởng cụm"),
    "deputy": ("Khối phó", "Cụm phó", "Phó trưởng khối", "Phó trưởng cụm", "Khối phó khối"),
    "max": ("Tổng điểm tối đa", "Điểm tối đa"),
}

# --------------------------------------------------------------------------------------
# "Đơn vị"
# --------------------------------------------------------------------------------------
UNIT_COLUMNS = {
    "stt": ("STT", "TT"),
    "name": ("Tên đơn vị", "Đơn vị", "Tên cơ quan"),
    "last_year": ("Xếp loại năm trước", "Xếp loại năm"),
    "discipline": ("Kỷ luật", "Hình thức kỷ luật"),
    "women": ("Tập thể nữ", "Nữ"),
    "rotation": ("Thứ tự luân phiên", "Luân phiên"),
    "note": ("Ghi chú",),
}

# --------------------------------------------------------------------------------------
# "Chấm điểm"
# --------------------------------------------------------------------------------------
SCORE_COLUMNS = {
    "code": ("Mã", "STT", "TT", "Mã tiêu chí", "Số TT"),
    "text": ("Nội dung tiêu chí", "Tiêu chí", "Nội dung", "Tên tiêu chí"),
    "max": ("Điểm tối đa", "Điểm chuẩn", "Thang điểm", "Điểm tối đa (điểm)"),
    "type": ("Loại", "Loại tiêu chí", "Cách chấm"),
    "weight": ("Hệ số", "Trọng số"),
    "target": ("Chỉ tiêu", "Chỉ tiêu giao"),
    "per_time": ("Điểm mỗi lần", "Điểm/lần", "Điểm / lần"),
}
REQUIRED_SCORE_COLUMNS = ("code", "text", "max")

SUB_SELF = "Tự chấm"
SUB_BLOC = "Khối chấm"
SUB_AGREED = "Thống nhất"
SUB_NOTE = "Giải trình"
SUB_LABELS = {
    SUB_SELF: ("Tự chấm", "Điểm tự chấm", "ĐTC"),
    SUB_BLOC: ("Khối chấm", "Thẩm định", "Điểm thẩm định", "Khối thẩm định", "Điểm Khối chấm",
               "Chấm chéo"),
    SUB_AGREED: ("Thống nhất", "Điểm thống nhất", "Kết quả", "Điểm cuối cùng"),
    SUB_NOTE: ("Giải trình", "Ghi chú", "Minh chứng"),
}
#: THE score priority inside a unit group: the first non-blank wins ("" = a unit with a
#: single unlabelled column)
SUB_PRIORITY = (SUB_AGREED, SUB_BLOC, SUB_SELF, "")
#: the score sub-columns a template writes for each unit, in sheet order
SCORE_SUBCOLUMNS = (SUB_SELF, SUB_BLOC, SUB_AGREED)

#: a totals row's label (also skipped as a unit name in "Đơn vị")
TOTAL_LABELS = ("Tổng cộng", "Tổng điểm", "Cộng", "Tổng")
_TOTAL_RE = re.compile(r"^(" + "|".join(fold(x) for x in TOTAL_LABELS) + r")\s*([(\[:].*)?$")
#: header texts right of the left block that are not units
NON_UNIT_HEADERS = ("Ghi chú", "Giải trình", "Minh chứng", "Tổng", "Tổng cộng", "Tổng điểm",
                    "Xếp hạng", "Xếp loại")

#: the self-score workbook ("Phiếu tự chấm") reads the same columns, plus a few of its own
SELF_SCORE_COLUMNS = {
    "code": SCORE_COLUMNS["code"] + ("Mã số",),
    "text": SCORE_COLUMNS["text"],
    "max": SCORE_COLUMNS["max"],
    "self": SUB_LABELS[SUB_SELF][:2] + ("ĐTC", "Đơn vị tự chấm", "Tự chấm điểm"),
    "note": SUB_LABELS[SUB_NOTE],
}
SELF_SCORE_UNIT_LABELS = ("Đơn vị", "Tên đơn vị", "Cơ quan", "Tên cơ quan", "Đơn vị tự chấm")

# --------------------------------------------------------------------------------------
# criterion types (keys: the canonical label, CriterionType's value)
# --------------------------------------------------------------------------------------
CRITERION_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "Chấm điểm": ("Chấm điểm", "Điểm", ""),
    "Định tính": ("Định tính", "Đạt/Không đạt"),
    "Định lượng": ("Định lượng", "Tỷ lệ"),
    "Định lượng dẫn đầu": ("Định lượng dẫn đầu", "Dẫn đầu"),
    "Chấm thẳng": ("Chấm thẳng", "Số lần"),
    "Điểm thưởng": ("Điểm thưởng", "Cộng điểm", "Thưởng"),
    "Điểm trừ": ("Điểm trừ", "Trừ điểm", "Trừ"),
}
#: further spellings seen in real workbooks, accepted by every path
CRITERION_TYPE_EXTRA = {
    "Điểm cộng": "Điểm thưởng",
    "Cộng": "Điểm thưởng",
    "Đạt / Không đạt": "Định tính",
    "Đạt-Không đạt": "Định tính",
    "Định lượng (dẫn đầu)": "Định lượng dẫn đầu",
}
#: the type labels a template offers (canonical labels, in order)
CRITERION_TYPE_LABELS = tuple(CRITERION_TYPE_WORDS)


def criterion_type_label(text: object) -> str | None:
    """The canonical type label a "Loại" cell names (blank → "Chấm điểm"), or None."""
    return _TYPE_BY_FOLD.get(fold(text))


_TYPE_BY_FOLD: dict[str, str] = {fold(w): t for t, ws in CRITERION_TYPE_WORDS.items()
                                 for w in (*ws, t)}
for _w, _t in CRITERION_TYPE_EXTRA.items():
    _TYPE_BY_FOLD.setdefault(fold(_w), _t)

# --------------------------------------------------------------------------------------
# "Quy định"
# --------------------------------------------------------------------------------------
RULE_LABELS = {
    "htxs_percent": ("Ngưỡng Hoàn thành xuất sắc (%)", "Ngưỡng Hoàn thành xuất sắc",
                     "Ngưỡng HTXS (%)", "Ngưỡng HTXS"),
    "htt_percent": ("Ngưỡng Hoàn thành tốt (%)", "Ngưỡng Hoàn thành tốt", "Ngưỡng HTT (%)",
                    "Ngưỡng HTT"),
    "ht_percent": ("Ngưỡng Hoàn thành (%)", "Ngưỡng Hoàn thành", "Ngưỡng HT (%)", "Ngưỡng HT"),
    "tiebreak": ("Thứ tự phân định đồng hạng", "Phân định đồng hạng", "Thứ tự ưu tiên đồng hạng"),
    "succession": ("Suy tôn Khối trưởng", "Suy tôn Cụm trưởng", "Cách suy tôn Khối trưởng"),
}
FORM_COLUMNS = {
    "name": ("Hình thức khen thưởng", "Hình thức"),
    "max_count": ("Số lượng tối đa", "Số lượng"),
    "max_percent": ("Tỷ lệ tối đa (%)", "Tỷ lệ tối đa", "Tỷ lệ (%)", "Tỷ lệ"),
    "min_class": ("Xếp loại tối thiểu",),
    "no_discipline": ("Không bị kỷ luật",),
    "last_year_htxs": ("Năm trước HTXS", "Năm trước Hoàn thành xuất sắc nhiệm vụ"),
}
#: default thresholds (% of the maximum total) when "Quy định" gives none
DEFAULT_THRESHOLDS = {"htxs_percent": 95.0, "htt_percent": 85.0, "ht_percent": 75.0}

# --------------------------------------------------------------------------------------
# tie-break words ("Thứ tự phân định đồng hạng")
# --------------------------------------------------------------------------------------
TIEBREAK_PENALTY = "Điểm trừ"
TIEBREAK_BONUS = "Điểm thưởng"
TIEBREAK_PENALTY_WORDS = ("Điểm trừ", "Trừ điểm", "Trừ", "Ít điểm trừ hơn", "Điểm trừ ít hơn")
TIEBREAK_BONUS_WORDS = ("Điểm thưởng", "Cộng điểm", "Thưởng", "Điểm cộng",
                        "Điểm thưởng cao hơn")
#: a section may be named "Mục II", "Phần II" ... as well as "II" or its title
TIEBREAK_SECTION_PREFIXES = ("Mục", "Phần", "Nhóm", "Tiêu chí")
#: items that only say "and so on"
TIEBREAK_FILLERS = ("...", "…")


def split_tiebreak(raw: object) -> list[str]:
    """The items of a tie-break cell: separated by ";", "," or new lines; no filler."""
    items = [" ".join(str(x).split()) for x in
             str(raw).replace("\n", ";").replace(",", ";").split(";")]
    return [x.rstrip(".") for x in items if x and x not in TIEBREAK_FILLERS]


# --------------------------------------------------------------------------------------
# discipline words ("Kỷ luật"); values are Discipline member names
# --------------------------------------------------------------------------------------
DISCIPLINE_NONE_WORDS = ("Không", "Không có", "0", "-", "none", "no")
DISCIPLINE_REPRIMAND_WORDS = ("Khiển trách",)
DISCIPLINE_WARNING_WORDS = ("Cảnh cáo",)
DISCIPLINE_HEAVIER_WORDS = ("Cách chức", "Giáng chức", "Bãi nhiệm", "Buộc thôi việc",
                            "Hạ bậc lương", "Giải tán")
#: what a template offers in its "Kỷ luật" list
DISCIPLINE_CHOICES = ("Không", "Khiển trách", "Cảnh cáo", "Cách chức", "Giáng chức",
                      "Bãi nhiệm")


def discipline_name(text: object) -> str | None:
    """The Discipline member a "Kỷ luật" text names: blank/"Không" → "NONE", a text holding
    "Khiển trách" → "REPRIMAND", "Cảnh cáo" → "WARNING", a heavier form → "HEAVIER";
    an unknown word → None (it must never silently cap a classification)."""
    if is_blank(text):
        return "NONE"
    f = fold(text)
    if not f or f in {fold(w) for w in DISCIPLINE_NONE_WORDS}:
        return "NONE"
    for name, words in (("REPRIMAND", DISCIPLINE_REPRIMAND_WORDS),
                        ("WARNING", DISCIPLINE_WARNING_WORDS),
                        ("HEAVIER", DISCIPLINE_HEAVIER_WORDS)):
        if any(fold(w) in f for w in words):
            return name
    return None


# --------------------------------------------------------------------------------------
# notes and outputs
# --------------------------------------------------------------------------------------
#: the note of a unit sharing its rank
TIE_NOTE = "Đồng hạng"
#: the note of a tie group at an award quota's edge (and its heading in the minutes)
TIE_GROUP_NOTE = "Đồng hạng – Hội nghị bình xét, bỏ phiếu"
#: ``<stem>_ketqua.xlsx``: the scored workbook's name beside the input
OUTPUT_SUFFIX = "_ketqua"


def is_total_label(text: object) -> bool:
    """"Tổng cộng", "TỔNG ĐIỂM:", "Tổng cộng (I+II+III)" ... (a totals row's label)."""
    return bool(_TOTAL_RE.match(fold(text)))


def folded(labels: tuple[str, ...]) -> set[str]:
    return {fold(x) for x in labels}
