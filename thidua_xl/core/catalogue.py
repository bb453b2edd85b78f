"""The catalogue of finding codes: one entry per code (in the spirit of frictionless' error
classes), with its severity, its Vietnamese message template and its fix template.

A finding is made from its entry: ``report.emit("bad-year", raw=raw, ref=ref)`` renders
``message`` and ``fix`` with the given fields (``str.format``; a field the template does
not use is ignored, one it lacks is shown as ``{name}`` rather than failing) and takes the
entry's severity. A code whose wording differs with the place it is found in has named
``variants`` (``emit("bad-number", variant="criterion", ...)``). To change what users read,
change the entry here; tests/core/test_catalogue.py renders every entry and fails when the
source uses a code the catalogue lacks.

Entries whose message is ``"{message}"`` are made elsewhere as a whole (the readers'
unreadable-file texts of :mod:`thidua_xl.io.sniff`, the rule-schema reasons of
:mod:`thidua_xl.core.rules_schema`, the succession notes): they are listed for their code and
severity. Pure data: imports nothing of the package.
"""
from __future__ import annotations

from .record import field, record

ERROR = "error"
WARNING = "warning"


@record(frozen=True)
class Entry:
    """One finding code of the catalogue: severity, message and fix templates, variants."""

    code: str
    severity: str  # "error" | "warning"
    message: str
    fix: str = ""
    #: variant name -> (message, fix): the same problem found somewhere else
    variants: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: the message of many findings of this code with one fix, as one grouped finding
    #: (:mod:`thidua_xl.core.grouping`; fields ``n``, ``sheet``, ``cells``); "" = never grouped
    group: str = ""

    def templates(self, variant: str = "") -> tuple[str, str]:
        if variant:
            return self.variants[variant]
        return self.message, self.fix


class _Missing(str):
    def __format__(self, spec: str) -> str:  # "{value:g}" of a field not given
        return str(self)


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return _Missing("{" + key + "}")


def _e(code: str, severity: str, message: str, fix: str = "", *,
       variants: dict[str, tuple[str, str]] | None = None, group: str = "") -> Entry:
    return Entry(code, severity, message, fix, variants or {}, group)


def render(code: str, variant: str = "", **fields: object) -> tuple[str, str, str]:
    """``(severity, message, fix)`` of ``code`` with ``fields`` filled in."""
    entry = CATALOGUE[code]
    message, fix = entry.templates(variant)
    values = _Fields(fields)
    return entry.severity, message.format_map(values), fix.format_map(values)


_CODE_FIX = ("Dùng số La Mã (I, II ...) cho phần, số (1, 2) hoặc số có dấu chấm (1.1, 1.2) cho "
             "tiêu chí, chữ thường (a, b) hoặc dấu - cho ý nhỏ; mỗi mã chỉ một lần trong một phần.")
#: one fix for every formula without a cached result (a unit's cell, a criterion's cell, a
#: unit's own target): one cause, so they group into one finding (#12)
_SAVE_IN_EXCEL = "Mở tệp bằng Excel, để Excel tính lại công thức rồi lưu (Ctrl+S), sau đó chạy lại."
_OWN_TARGET_FIX = ("Ghi chỉ tiêu giao cho đơn vị là một số lớn hơn 0 (hoặc để trống để dùng "
                   "chỉ tiêu chung của dòng).")
_TYPES = ("Chấm điểm, Định tính, Định lượng, Định lượng dẫn đầu, Chấm thẳng, Điểm thưởng, "
          "Điểm trừ (để trống = Chấm điểm)")
_UNREADABLE = "{message}"  # the reader's own sentence (io.sniff.unreadable_message)

_ENTRIES = [
    _e("bad-classification", ERROR,
       "Xếp loại năm trước của \"{name}\" là \"{v}\": không phải một xếp loại.",
       "Ghi một trong: HTXS, HTT, HT, KHT hoặc cụm từ đầy đủ (\"Hoàn thành xuất sắc "
        "nhiệm vụ\" ...).",
       variants={"official": (
        "Xếp loại năm nay của \"{name}\" là \"{v}\": không phải một xếp loại.",
        "Ghi một trong: HTXS, HTT, HT, KHT hoặc cụm từ đầy đủ, hoặc để trống nếu chưa có "
        "xếp loại của cấp có thẩm quyền.")}),
    _e("bad-discipline", ERROR,
       "Hình thức kỷ luật của \"{name}\" là \"{v}\": không nhận ra.",
       "Để trống hoặc ghi \"Không\" khi không bị kỷ luật; nếu có ghi \"Khiển trách\", "
        "\"Cảnh cáo\", \"Cách chức\" ..."),
    _e("bad-number", ERROR,
       "Tổng điểm tối đa \"{raw}\" không phải là số.",
       "Ghi tổng điểm tối đa là một số, ví dụ 100.",
       variants={"criterion": (
        "{label} của tiêu chí {code_} là \"{text}\": không phải là số.",
        "Ghi {label_lower} là một số (dùng dấu phẩy hoặc dấu chấm thập phân, ví dụ "
        "8,5)."), "own-target": (
        "Chỉ tiêu của đơn vị {name}, tiêu chí {code_} là \"{text}\": không phải là số.",
        _OWN_TARGET_FIX),
        "large_criterion": (
        "{label} của tiêu chí {code_} là \"{text}\": số quá lớn (phải nhỏ hơn 10^15).",
        "Ghi {label_lower} là một số đúng của tiêu chí (nhỏ hơn 10^15), ví dụ 10.")}),
    _e("bad-rotation", ERROR,
       "Thứ tự luân phiên của \"{name}\" là \"{v}\": cần một số nguyên.",
       "Ghi thứ tự luân phiên là số nguyên 1, 2, 3 ..."),
    _e("bad-rule", ERROR,
       "{threshold} \"{raw}\" không phải là số.",
       "Ghi ngưỡng là phần trăm từ 0 đến 100, ví dụ 95.",
       variants={"succession": (
        "Cách suy tôn Khối trưởng \"{raw}\" không nhận ra.",
        "Ghi \"Xếp hạng\", \"Luân phiên\" hoặc \"Khối phó kế nhiệm\"."), "zero-rule": (
        "Tiêu chí 0 điểm hạ xếp loại có mục \"{item}\" không phải một xếp loại.",
        "Ghi các xếp loại mà đơn vị có tiêu chí 0 điểm không được xếp, cách nhau bằng dấu "
        "chấm phẩy (ví dụ: HTXS; HTT), hoặc \"Không\".")}),
    _e("bad-tiebreak", ERROR,
       "Thứ tự phân định đồng hạng có mục \"{it}\" không phải \"Điểm trừ\", \"Điểm "
        "thưởng\" hay mã một phần (I, II ...).",
       "Ghi các mục cách nhau bởi dấu chấm phẩy, ví dụ: Điểm trừ; I; II."),
    _e("bad-type", ERROR,
       "Loại \"{type_text}\" của tiêu chí {path} không nhận ra.",
       "Ghi một trong: " + _TYPES + ".",
       variants={"near": (
        "Loại \"{type_text}\" của tiêu chí {path} không nhận ra: có phải \"{near}\"?",
        "Sửa thành \"{near}\", hoặc ghi một trong: " + _TYPES + ".")}),
    _e("bad-weight", ERROR,
       "Hệ số của tiêu chí {code_} là {value}: phải lớn hơn 0.",
       "Ghi hệ số là số dương (để trống = 1)."),
    _e("bad-year", ERROR,
       "Năm thi đua \"{raw}\" không hợp lệ.",
       "Ghi năm thi đua là một số nguyên từ 2000 đến 2100, ví dụ 2024."),
    _e("bad-yes-no", ERROR,
       "Cột \"Tập thể nữ\" của \"{name}\" là \"{v}\": cần Có hoặc Không.",
       "Ghi \"Có\" hoặc \"Không\".",
       variants={"review": (
        "Cột \"Đang xem xét kỷ luật, thanh tra\" của \"{name}\" là \"{v}\": cần Có hoặc "
        "Không.", "Ghi \"Có\" hoặc \"Không\".")}),
    _e("bad-women-ratio", ERROR,
       "Tỷ lệ nữ của \"{name}\" là \"{v}\": cần một số từ 0 đến 100.",
       "Ghi tỷ lệ nữ trong tổng số cán bộ của đơn vị, ví dụ 72 hoặc 72%."),
    _e("women-columns-disagree", WARNING,
       "\"{name}\": cột Tập thể nữ ghi \"{women}\" nhưng tỷ lệ nữ là {ratio}% (tập thể nữ là "
        "từ 70% trở lên); chương trình dùng tỷ lệ nữ.",
       "Sửa một trong hai cột cho khớp (hoặc xóa cột Tập thể nữ)."),
    _e("official-rating-differs", WARNING,
       "Xếp loại năm nay của {name} ghi ở ô {official_ref} là {official}, khác xếp loại theo "
        "điểm {by_score} tính từ bảng chấm điểm{where}.",
       "Kiểm tra lại xếp loại của cấp có thẩm quyền hoặc điểm của đơn vị; chương trình xét "
        "khen thưởng theo xếp loại năm nay."),
    _e("bloc-unreadable", ERROR,
       "Không đọc được bảng Chấm điểm của sổ khối.",
       "Kiểm tra sổ bằng lệnh thidua-xl check."),
    _e("declared-max-mismatch", ERROR,
       "Tổng điểm tối đa ghi ở sheet Thông tin là {declared} "
        "nhưng tổng điểm tối đa các tiêu chí (đã nhân hệ số, không tính điểm "
        "thưởng, điểm trừ) là {max_total}.",
       "Sửa tổng điểm tối đa thành {max_total}, hoặc sửa điểm tối đa các "
        "tiêu chí."),
    _e("duplicate-sub-label", WARNING,
       "Đơn vị \"{name}\" có hai cột \"{what}\": chỉ dùng cột đầu.",
       "Xóa hoặc đổi nhãn cột trùng."),
    _e("duplicate-unit", ERROR,
       "Đơn vị \"{name}\" được ghi hai lần (đã có ở ô {first_ref}).",
       "Xóa dòng trùng trong sheet \"Đơn vị\"."),
    _e("duplicate-unit-column", ERROR,
       "Đơn vị \"{name}\" có hai nhóm cột điểm (đã có ở ô {first_ref}).",
       "Xóa nhóm cột trùng hoặc sửa tên đơn vị."),
    _e("head-not-a-unit", ERROR,
       "{role} \"{name}\" không có trong danh sách đơn vị của khối.",
       "Ghi đúng tên một đơn vị như trong sheet \"Đơn vị\" / hàng tên đơn vị của "
        "sheet \"Chấm điểm\".",
       variants={"near": (
        "{role} \"{name}\" không có trong danh sách đơn vị của khối: có phải \"{near}\"?",
        "Sửa thành \"{near}\" (đúng như tên trong danh sách đơn vị).")}),
    _e("max-missing", ERROR,
       "Tiêu chí {crit} chưa có điểm tối đa.",
       "Nhập điểm tối đa (điểm chuẩn) của tiêu chí ở cột \"Điểm tối đa\"."),
    _e("missing-code", ERROR,
       "Dòng {r} có {what} nhưng không có mã tiêu chí.",
       "Ghi mã tiêu chí ở cột \"Mã\" (I, II ... cho phần; 1, 2 hoặc 1.1 cho tiêu "
        "chí; a, b hoặc - cho ý nhỏ)."),
    _e("missing-score", ERROR,
       "Đơn vị {name} chưa có điểm ở tiêu chí nào của sheet \"{score_sheet}\".",
       "Nhập điểm của đơn vị (Tự chấm, Khối chấm hoặc Thống nhất), hoặc gộp phiếu "
        "tự chấm của đơn vị vào sổ.",
       variants={"cell": (
        "Chưa có điểm của đơn vị {name} ở tiêu chí {crit}: ô trống ở mọi cột điểm.",
        "Nhập điểm (Tự chấm, Khối chấm hoặc Thống nhất); nhập 0 nếu đơn vị không "
        "đạt điểm nào."),}),
    _e("negative-max", ERROR,
       "{label} của tiêu chí {code_} là số âm ({value}).",
       "Ghi {label_lower} là số không âm."),
    _e("no-criteria", ERROR,
       "Sheet \"{name}\" không có tiêu chí nào để chấm.",
       "Ghi các tiêu chí dưới hàng tiêu đề, mỗi tiêu chí một dòng có mã và điểm "
        "tối đa."),
    _e("no-self-score-column", ERROR,
       "Nhóm cột của đơn vị '{name}' trong sheet {score_sheet} không có cột Tự chấm.",
       "Thêm các cột con Tự chấm / Khối chấm / Thống nhất dưới tên đơn vị (có thể "
        "tạo sổ mẫu bằng thidua-xl template)."),
    _e("no-unit-columns", ERROR,
       "Sheet \"{name}\" không có cột điểm của đơn vị nào bên phải các cột tiêu chí "
        "(hàng tiêu đề {hr}).",
       "Thêm mỗi đơn vị một nhóm cột: tên đơn vị ở hàng tiêu đề, bên dưới là các "
        "cột Tự chấm / Khối chấm / Thống nhất (hoặc một cột điểm)."),
    _e("no-units", ERROR,
       "Sheet \"{name}\" không có đơn vị nào.",
       "Ghi tên từng đơn vị dưới cột \"Tên đơn vị\"."),
    _e("parent-max-mismatch", ERROR,
       "Điểm tối đa của tiêu chí {crit} là {max} nhưng tổng điểm "
        "tối đa các tiêu chí con (đã nhân hệ số) là {computed}.",
       "Sửa điểm tối đa của dòng {path} thành {computed}, hoặc sửa điểm "
        "tối đa của các tiêu chí con; để trống thì chương trình tự cộng."),
    _e("proposal-needs-verification", WARNING,
       "Cần xác minh trước khi gửi hồ sơ: {what}. Đơn vị được đề nghị: {units}.",
       "Bổ sung dữ liệu còn thiếu vào sheet \"Đơn vị\" (hoặc xác minh với đơn vị) rồi "
        "chạy lại; ghi chú này không in trong danh sách đề nghị gửi tỉnh."),
    _e("per-time-missing", ERROR,
       "Tiêu chí chấm thẳng {crit} chưa có điểm mỗi lần.",
       "Nhập số điểm cho mỗi lần ở cột \"Điểm mỗi lần\"."),
    _e("rotation-missing", ERROR,
       "Quy định suy tôn Khối trưởng theo \"Luân phiên\" nhưng sheet \"Đơn vị\" không "
        "có cột \"Thứ tự luân phiên\".",
       "Thêm cột \"Thứ tự luân phiên\" vào sheet \"Đơn vị\", hoặc đổi quy định thành "
        "\"Xếp hạng\"."),
    _e("score-header-missing", ERROR,
       "Không tìm thấy hàng tiêu đề của bảng chấm điểm trong {rows} "
        "hàng đầu của sheet \"{name}\" (cần các cột \"Mã\", \"Nội dung tiêu chí\", \"Điểm "
        "tối đa\").",
       "Thêm hàng tiêu đề với các cột Mã | Nội dung tiêu chí | Điểm tối đa | (Loại "
        "| Hệ số | Chỉ tiêu | Điểm mỗi lần) rồi một nhóm cột cho mỗi đơn vị."),
    _e("self-score-above-max", ERROR,
       "Phiếu tự chấm '{name}' ({name2}): điểm tự chấm {value} của tiêu chí "
        "{crit_path} vượt điểm tối đa {crit_max}.",
       "Sửa điểm tự chấm trong phạm vi từ 0 đến điểm tối đa."),
    _e("self-score-bad-code", ERROR,
       "Phiếu tự chấm '{name}': mã tiêu chí '{code_}' ở ô {cell_ref} "
        "không đúng cấu trúc ({node_problem}).",
       "Dùng mã như trong sổ khối: I, II (mục), 1, 2, 1.1, a, b, -."),
    _e("self-score-blank", WARNING,
       "Phiếu tự chấm '{name}' ({name2}): tiêu chí {crit_path} chưa có điểm tự chấm.",
       "Đề nghị đơn vị bổ sung điểm tự chấm."),
    _e("self-score-duplicate-criterion", ERROR,
       "Phiếu tự chấm '{name}': tiêu chí {row_path} ghi hai lần.",
       "Xóa dòng trùng."),
    _e("self-score-duplicate-unit", ERROR,
       "Đơn vị '{name}' có hai phiếu tự chấm: '{first_file}' và "
        "'{name2}'. Chỉ gộp phiếu thứ nhất.",
       "Bỏ phiếu thừa khỏi danh sách gộp."),
    _e("self-score-max-differs", WARNING,
       "Phiếu tự chấm '{name}' ({name2}): tiêu chí {crit_path} có điểm tối đa "
        "{row_max}, sổ khối ghi {crit_max}.",
       "Kiểm tra lại phiếu theo giao ước thi đua của Khối."),
    _e("self-score-negative", ERROR,
       "Phiếu tự chấm '{name}' ({name2}): điểm tự chấm {value} của tiêu chí "
        "{crit_path} là số âm.",
       "Sửa thành số không âm."),
    _e("self-score-no-rows", ERROR,
       "Phiếu tự chấm '{name}' không có tiêu chí nào.",
       "Ghi mã tiêu chí ở cột Mã."),
    _e("self-score-no-table", ERROR,
       "Phiếu tự chấm '{name}' không có bảng Mã | Nội dung tiêu chí | Điểm tối đa "
        "| Tự chấm.",
       "Thêm dòng tiêu đề bảng với các cột Mã, Nội dung tiêu chí, Điểm tối đa, Tự "
        "chấm."),
    _e("self-score-not-a-number", ERROR,
       "Phiếu tự chấm '{name}' ({name2}): điểm tự chấm '{clean_raw}' của tiêu chí "
        "{crit_path} không phải là số.",
       "Sửa thành một số (ví dụ 8,5)."),
    _e("self-score-not-yes-no", ERROR,
       "Phiếu tự chấm '{name}' ({name2}): tiêu chí định tính {crit_path} ghi "
        "'{clean_raw}'.",
       "Ghi Đạt hoặc Không đạt."),
    _e("self-score-overwritten", WARNING,
       "Ô {target_ref} ({name}, tiêu chí {crit_path}) đã có giá trị '{existing}', "
        "được thay bằng '{value}' từ phiếu '{name2}'.",
       "Kiểm tra lại nếu giá trị cũ là điểm đúng."),
    _e("self-score-uncached-formula", ERROR,
       "Phiếu tự chấm '{name}': ô {cell_ref} là công thức chưa có kết quả.",
       "Mở tệp trong Excel, lưu lại rồi gộp lại."),
    _e("self-score-unit-missing", ERROR,
       "Phiếu tự chấm '{name}' không ghi tên đơn vị.",
       "Ghi tên đơn vị ở một dòng 'Đơn vị' phía trên bảng, hoặc trong tiêu đề '… "
        "của <tên đơn vị>'."),
    _e("self-score-unknown-criterion", ERROR,
       "Phiếu tự chấm '{name}' ({name2}): tiêu chí mã {row_code} "
        "({row_path}{text}) không có trong sổ khối.",
       "Sửa mã tiêu chí trong phiếu cho trùng với bảng Chấm điểm của sổ khối."),
    _e("self-score-unknown-unit", ERROR,
       "Phiếu tự chấm '{name}': đơn vị '{self_unit}' không có trong sổ khối.",
       "Sửa tên đơn vị trong phiếu cho trùng với tên trong sheet Đơn vị / Chấm "
        "điểm của sổ khối.",
       variants={"near": (
        "Phiếu tự chấm '{name}': đơn vị '{self_unit}' không có trong sổ khối; có phải "
        "'{near}'?",
        "Sửa tên đơn vị trong phiếu thành '{near}' (như trong sổ khối).")}),
    _e("self-score-missing-criterion", ERROR,
       "Phiếu tự chấm '{name}' ({name2}) thiếu tiêu chí {crit_path}{text}.",
       "Bổ sung tiêu chí vào phiếu, hoặc nhập điểm tự chấm trực tiếp vào sổ khối."),
    _e("stated-total-mismatch", WARNING,
       "Tổng điểm ghi trong sổ của đơn vị {name} là {stated}, khác tổng "
        "tính lại từ các tiêu chí là {total}.",
       "Kiểm tra công thức hoặc số ở dòng tổng cộng (có thể thiếu hoặc thừa dòng, "
        "hoặc chưa trừ điểm trừ); chương trình dùng tổng tính lại."),
    _e("target-missing", ERROR,
       "Tiêu chí {kind} {crit} chưa có chỉ tiêu hợp lệ (chỉ tiêu "
        "{shown}); không tính được điểm của đơn vị nào.",
       "Nhập chỉ tiêu (một số lớn hơn 0, cùng đơn vị với kết quả thực hiện) ở cột "
        "\"Chỉ tiêu\".",
       variants={"own": (
        "Chỉ tiêu của đơn vị {name}, tiêu chí {code_} là {shown}: phải lớn hơn 0.",
        _OWN_TARGET_FIX)}),
    _e("tiebreak-unknown", WARNING,
       "Không hiểu tiêu chí phân định đồng hạng “{label}” (không phải Điểm trừ, "
        "Điểm thưởng hay mã một mục của sheet chấm điểm); bỏ qua.",
       "Ghi các mục cách nhau bằng dấu chấm phẩy, ví dụ: Điểm trừ; I; II."),
    _e("unit-not-in-list", ERROR,
       "Đơn vị \"{name}\" (ô {header_ref}) có cột điểm nhưng không có trong sheet "
        "\"Đơn vị\".",
       "Thêm đơn vị này vào sheet \"Đơn vị\" hoặc sửa tên cho khớp.",
       variants={"near": (
        "Tên đơn vị \"{name}\" ở hàng tiêu đề của sheet \"{sheet_name}\" không có trong "
        "sheet \"Đơn vị\": có phải \"{near}\" (ô {near_ref})?",
        "Sửa tên ở ô {at} thành \"{near}\" cho khớp với sheet \"Đơn vị\" (điểm của cột "
        "này đã được đọc là của đơn vị đó)."),
        "pair": (
        "Đơn vị \"{name}\" (ô {header_ref}) có cột điểm nhưng không có trong sheet "
        "\"Đơn vị\", còn \"{other}\" (ô {other_ref}) chưa có cột điểm.",
        "Nếu là một đơn vị, sửa tên ở một trong hai ô cho giống nhau; nếu không, thêm "
        "\"{name}\" vào sheet \"Đơn vị\" và thêm cột điểm cho \"{other}\".")}),
    _e("unit-without-scores", ERROR,
       "Đơn vị \"{unit_name}\" (ô {u_ref}) không có nhóm cột điểm trong sheet \"{name}\" "
        "(hàng tiêu đề {hr}).",
       "Thêm cột điểm cho đơn vị này, hoặc sửa tên cho khớp với tên ở hàng tiêu đề "
        "của bảng chấm điểm."),
    _e("unit-without-self-score", WARNING,
       "Đơn vị '{unit_name}' chưa có phiếu tự chấm trong lần gộp này.",
       "Gộp thêm phiếu của đơn vị khi nhận được."),
    _e("units-header-missing", ERROR,
       "Sheet \"{name}\" không có hàng tiêu đề với cột \"Tên đơn vị\" trong "
        "{rows} hàng đầu.",
       "Thêm hàng tiêu đề có cột \"Tên đơn vị\" (và tùy chọn \"Xếp loại năm trước\", "
        "\"Kỷ luật\", \"Tập thể nữ\", \"Thứ tự luân phiên\")."),
    _e("unknown-sub-label", WARNING,
       "Cột \"{sub_label}\" của đơn vị \"{name}\" không phải Tự chấm, Khối chấm, "
        "Thống nhất hay Giải trình: cột này không được dùng.",
       "Đổi nhãn cột thành \"Tự chấm\", \"Khối chấm\" hoặc \"Thống nhất\"."),
    _e("year-missing", WARNING,
       "Sheet \"Thông tin\" không ghi năm thi đua.",
       "Thêm dòng \"Năm thi đua\" với năm được chấm, ví dụ 2024."),
    # -- per-cell problems (core.scoring.check_value), worded by the engine
    _e("not-a-number", ERROR, "Ô điểm của {who} không phải là số: “{shown}”.",
       "Nhập một số (ví dụ 8,5), hoặc để trống nếu chưa chấm."),
    _e("ambiguous-number", ERROR,
       "Giá trị “{shown}” của {who} không rõ là số có dấu phân cách hàng nghìn hay số "
       "thập phân.",
       "Nhập số không có dấu phân cách hàng nghìn, dùng dấu phẩy cho phần thập phân (ví dụ "
       "1000 hoặc 1,5)."),
    _e("number-too-large", ERROR, "Ô điểm của {who} có số quá lớn: “{shown}”.",
       "Nhập đúng điểm (một số nhỏ hơn 10^15), hoặc để trống nếu chưa chấm."),
    _e("text-truncated", WARNING,
       "Ô {ref} có văn bản dài hơn {limit} ký tự (giới hạn của Excel) nên chỉ đọc phần đầu "
       "(kết thúc bằng \"…\").",
       "Rút gọn nội dung ô này (đặt ghi chú dài ở tệp khác)."),
    _e("excel-error", ERROR, "Ô điểm của {who} có lỗi Excel {shown}.",
       "Sửa công thức hoặc nhập trực tiếp điểm để ô có một số."),
    _e("uncached-formula", ERROR,
       "Ô điểm của {who} là công thức chưa được tính (tệp được lưu bởi chương trình không "
       "tính công thức).",
       _SAVE_IN_EXCEL,
       variants={"criterion": (
           "Ô {label} của tiêu chí {code_} là công thức chưa có kết quả tính.",
           _SAVE_IN_EXCEL), "own-target": (
           "Ô chỉ tiêu của đơn vị {name}, tiêu chí {code_} là công thức chưa có kết quả tính.",
           _SAVE_IN_EXCEL)},
       # the file was saved by a program that does not compute: one save in Excel fixes all
       group="{n} ô công thức chưa có kết quả tính (sheet \"{sheet}\"): {cells}."),
    _e("score-above-max", ERROR, "Điểm {shown} của {who} vượt điểm tối đa {max}.",
       "Sửa điểm về trong khoảng 0–{max}, hoặc sửa điểm tối đa của tiêu chí nếu nhập nhầm.",
       variants={
        # a cell formatted as a percentage: "100%" is read as 100 points
        "percent": ("Điểm {shown} của {who} vượt điểm tối đa {max}.",
                    "Ô có định dạng phần trăm nên “{shown}” được đọc là {value} điểm: đổi định "
                    "dạng ô thành số (General / Number) rồi nhập số điểm từ 0 đến {max}."),
        # exactly max × 100: typed on the 100 scale
        "hundredfold": ("Điểm {shown} của {who} vượt điểm tối đa {max}.",
                      "{shown} đúng bằng 100 lần điểm tối đa {max}: có lẽ đã nhập theo phần "
                      "trăm; nhập số điểm từ 0 đến {max} (điểm đầy đủ là {max}).")}),
    _e("yes-no-in-score", ERROR,
       "Ô điểm của {who} ghi “{shown}” nhưng tiêu chí chưa ghi Loại nên được chấm bằng số "
       "điểm.",
       "Nếu tiêu chí {path} chấm Đạt/Không đạt, ghi Loại = \"Định tính\" ở ô {type_cell}; "
       "nếu không, nhập số điểm vào ô này.",
       variants={"no-column": (
        "Ô điểm của {who} ghi “{shown}” nhưng tiêu chí chưa ghi Loại nên được chấm bằng số "
        "điểm.",
        "Nếu tiêu chí {path} chấm Đạt/Không đạt, thêm cột \"Loại\" vào bảng chấm điểm và ghi "
        "\"Định tính\" ở dòng của tiêu chí; nếu không, nhập số điểm vào ô này.")},
       # one "Loại" cell fixes the row
       group="{n} ô ghi Đạt/Không đạt trong tiêu chí chấm bằng số điểm (sheet \"{sheet}\"): "
             "{cells}."),
    # -- plausibility (the value is scored; it is probably in the wrong unit)
    _e("result-looks-like-fraction", WARNING,
       "Kết quả {shown} của {who} rất nhỏ so với chỉ tiêu {target}: có lẽ là {percent}% ghi "
       "dạng số thập phân.",
       "Nếu là tỷ lệ, nhập {percent} (hoặc định dạng ô là phần trăm); nếu kết quả đúng là "
       "{shown} thì giữ nguyên."),
    _e("score-negative", ERROR, "Giá trị {what} {shown} của {who} là số âm.",
       "Nhập số từ 0 trở lên (điểm trừ ghi số điểm bị trừ, ví dụ 2)."),
    _e("not-yes-no", ERROR,
       "Tiêu chí định tính: giá trị “{shown}” của {who} không phải Đạt/Không đạt.",
       "Nhập Đạt hoặc Không đạt (cũng nhận x, 1, 0, Có, Không)."),
    _e("count-not-integer", ERROR,
       "Tiêu chí chấm thẳng: số lần {shown} của {who} không phải số nguyên.",
       "Nhập số lần là số nguyên (0, 1, 2 …)."),
    # -- criterion codes (core.hierarchy), worded by the parser
    _e("bad-code", ERROR, "Mã tiêu chí \"{code_}\" không đúng dạng.", _CODE_FIX),
    # a code typed twice: one error naming both cells (the second row is still read)
    _e("duplicate-code", ERROR,
       "Mã \"{code_}\" ghi hai lần: ô {first} (tiêu chí {first_path}) và ô {at}.",
       "Sửa mã ở ô {at} hoặc ô {first}; mỗi mã chỉ ghi một lần trong một phần.",
       variants={"next": (
        "Mã \"{code_}\" ghi hai lần: ô {first} (tiêu chí {first_path}) và ô {at}.",
        "Sửa mã ở ô {at} (có lẽ là \"{proposal}\", mã kế tiếp); mỗi mã chỉ ghi một lần "
        "trong một phần.")}),
    _e("orphan-code", ERROR,
       "Mã \"{code_}\" không có mục cha \"{parent}\" ở phía trên trong cùng phần.", _CODE_FIX),
    # -- layouts (io.layouts) and formats (io.foreign), bloc-workbook.md v2
    _e("score-sheet-found", WARNING,
       "Sổ không có sheet \"Chấm điểm\"; bảng chấm điểm được đọc từ sheet \"{name}\" (hàng "
       "tiêu đề {row}, {units} đơn vị).",
       "Nếu đúng, có thể đổi tên sheet \"{name}\" thành \"Chấm điểm\" để khỏi thấy cảnh báo "
       "này; nếu sai, đổi tên sheet chứa bảng chấm điểm thành \"Chấm điểm\"."),
    _e("unit-sheet-criterion-missing", ERROR,
       "Sheet \"{name}\" (đơn vị {unit_}) không có tiêu chí {code_} (\"{text}\", ô {first} "
       "của sheet đầu tiên \"{reference}\").",
       "Thêm dòng tiêu chí {code_} vào sheet \"{name}\" như ở sheet \"{reference}\"; các sheet "
       "phiếu chấm phải có cùng các tiêu chí."),
    _e("unit-sheet-criterion-extra", ERROR,
       "Tiêu chí {code_} (\"{text}\") của sheet \"{name}\" không có trong sheet đầu tiên "
       "\"{reference}\" (bảng làm chuẩn, hàng tiêu đề ô {first}).",
       "Xóa dòng này hoặc thêm tiêu chí {code_} vào mọi sheet phiếu chấm."),
    _e("unit-sheet-max-differs", ERROR,
       "Điểm tối đa của tiêu chí {code_} ở sheet \"{name}\" là {max}, khác sheet đầu tiên "
       "\"{reference}\" ({first_max}, ô {first}).",
       "Sửa điểm tối đa cho giống nhau ở mọi sheet phiếu chấm."),
    _e("summary-max-missing", ERROR,
       "Bảng tổng hợp \"{name}\" không cho biết điểm tối đa của các mục: không tính được tỷ lệ "
       "phần trăm để xếp loại.",
       "Ghi điểm tối đa vào tiêu đề cột từng mục, ví dụ \"I (40 điểm)\", hoặc thêm một dòng "
       "\"Điểm tối đa\" dưới hàng tiêu đề."),
    _e("foreign-values-only", WARNING,
       "Tệp \"{file}\" ở định dạng {format}; tệp kết quả là .xlsx và các sheet của người dùng "
       "được chép sang dưới dạng giá trị (không giữ định dạng, công thức, độ rộng cột) vì "
       "{why}.",
       "Cài LibreOffice (miễn phí) để giữ nguyên định dạng các sheet khi chuyển sang .xlsx, "
       "hoặc mở tệp bằng Excel, chọn File > Save As, kiểu \"Excel Workbook (*.xlsx)\" rồi chạy "
       "lại với tệp .xlsx."),
    # -- made elsewhere as a whole
    *(_e(code, severity, "{message}", "{fix}") for code, severity in (
        ("missing-score-sheet", ERROR), ("no-info-sheet", WARNING),
        ("form-quota-missing", ERROR), ("form-duplicate", ERROR),
        ("rotation-incomplete", WARNING), ("deputy-unknown", WARNING),
        ("percent-format-unknown", WARNING),
        ("unreadable-self-score", ERROR))),
    # -- across the blocs of a province (summary.cross_checks)
    _e("duplicate-bloc", ERROR, "Có {n} sổ của cùng khối '{bloc}'{when}: {files}.",
       "Giữ lại một sổ (bản cuối cùng) cho mỗi khối và mỗi năm, bỏ các bản còn lại khỏi thư "
       "mục tổng hợp."),
    _e("unit-in-two-blocs", ERROR, "Đơn vị '{name}' có mặt ở {n} khối{when}: {where}.",
       "Mỗi đơn vị chỉ thuộc một khối thi đua: kiểm tra lại danh sách đơn vị của các khối "
       "này."),
    _e("mixed-years", WARNING, "Các sổ thuộc nhiều năm thi đua khác nhau ({detail}).",
       "Tổng hợp riêng từng năm: để sổ của mỗi năm trong một thư mục."),
    _e("mixed-provinces", WARNING,
       "Các sổ thuộc nhiều tỉnh khác nhau: {provinces}. Các phép kiểm tra toàn tỉnh được tính "
       "riêng cho từng tỉnh và từng năm.",
       "Tổng hợp riêng từng tỉnh: để sổ của mỗi tỉnh trong một thư mục."),
    _e("gov-flag-over-20-percent", WARNING,
       "{where}{when}: có {n_gov} đề nghị {gov_flag} trong {leading} tập thể dẫn đầu khối, cụm "
       "(đề nghị {prov_flag} hoặc {gov_flag}): vượt 20% (tối đa {limit}). Các đề nghị: {who}.",
       "Chỉ đề nghị {gov_flag} cho tối đa 20% số tập thể dẫn đầu các khối, cụm thi đua: Hội "
       "đồng thi đua tỉnh chọn các tập thể tiêu biểu nhất."),
    # -- a file that cannot be read or written (errors.ThiduaError codes, batch failures)
    *(_e(code, ERROR, _UNREADABLE, "{fix}") for code in (
        "thidua-error", "unreadable-workbook", "output-error", "usage-error",
        "file-not-found", "not-a-file", "file-access-denied", "empty-file",
        "encrypted-workbook", "xls-not-supported", "xlsb-not-supported", "ods-not-supported",
        "not-a-workbook", "not-a-zip", "corrupt-zip", "missing-parts", "unsafe-xml",
        "malformed-xml", "workbook-too-large", "strict-ooxml-not-supported", "read-failed",
        "sheet-too-large", "bad-reader", "access-denied", "out-of-memory", "internal-error",
        "worker-crashed", "worker-start-failed", "has-errors", "not-saved",
        "libreoffice-missing", "pdf-sheet-missing", "reader-not-installed",
        "addin-sources-missing", "cell-out-of-grid", "too-many-cells", "output-is-input",
        "output-not-a-file", "temp-folder-unusable", "bad-units-file")),
    # -- score --nam-truoc (core/last_year.py, last_year.py) --------------------------
    _e("last-year-unit-missing", WARNING,
       "Không tìm thấy đơn vị {name} trong tệp năm trước {source}: chưa có xếp loại năm "
       "trước của đơn vị này.",
       "Kiểm tra tên đơn vị ở hai tệp (viết giống nhau), hoặc ghi xếp loại năm trước ở cột "
       "\"Xếp loại năm trước\" của sheet Đơn vị."),
    _e("last-year-conflict", WARNING,
       "Xếp loại năm trước của {name} ở sổ này là {here}, nhưng tệp năm trước ({where}) "
       "ghi {there}; dùng xếp loại ở sổ này.",
       "Sửa cột \"Xếp loại năm trước\" của sheet Đơn vị cho đúng, hoặc để trống để lấy "
       "theo tệp năm trước."),
    _e("last-year-unit-extra", WARNING,
       "Đơn vị {name} có trong tệp năm trước ({where}) nhưng không có trong sổ năm nay; "
       "bỏ qua.",
       "Nếu là cùng một đơn vị đã đổi tên, sửa tên cho giống nhau ở hai tệp."),
    _e("last-year-unreadable", WARNING,
       "Không đọc được tệp năm trước {source}: {reason}",
       "Dùng sổ chấm điểm năm trước (.xlsx, .xlsm) hoặc tệp _ketqua của nó; kiểm tra "
       "đường dẫn ghi sau --nam-truoc."),
    _e("last-year-unusable", WARNING,
       "Tệp năm trước {source} còn {errors} lỗi và không có sheet \"Kết quả\": chưa lấy "
       "được xếp loại năm trước.",
       "Chạy thidua-xl check {source} để xem lỗi, hoặc dùng tệp _ketqua của năm trước."),
]

CATALOGUE: dict[str, Entry] = {}
for _entry in _ENTRIES:
    if _entry.code in CATALOGUE:  # pragma: no cover - caught by the tests
        raise ValueError(f"finding code twice in the catalogue: {_entry.code}")
    CATALOGUE[_entry.code] = _entry
