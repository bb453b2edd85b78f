"""The argument parser of ``thidua-xl``: every subcommand's arguments, in Vietnamese.

argparse's own words (usage, group titles, help of -h, usage errors) are translated where
they are produced — a parser subclass and a help formatter — not by replacing argparse's
translation function for the whole process.
"""
from __future__ import annotations

import argparse
import re
import sys

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
#: ``score --pdf``: the workbook was written but the PDFs were not (e.g. no LibreOffice)
EXIT_NO_PDF = 3

#: argparse's error messages, in Vietnamese (the English templates argparse formats)
_ERRORS_VI = {
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "expected one argument": "cần một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
}
_USAGE_VI = "Cách dùng: "
_TITLES_VI = {"positional arguments": "tham số", "options": "tùy chọn",
              "optional arguments": "tùy chọn"}
_HELP_VI = "hiện hướng dẫn này rồi thoát"
_VERSION_HELP_VI = "hiện số phiên bản rồi thoát"


_FIELD = re.compile(r"%(?:\((\w+)\))?[sr]")


def _compile(template: str) -> re.Pattern:
    """An English template as a regex with one group per %-field."""
    parts = _FIELD.split(template)[::2]  # split() also returns the groups: keep the texts
    return re.compile("^" + "(.*?)".join(re.escape(x) for x in parts) + "$", re.S)


_COMPILED: list[tuple[re.Pattern, list, str]] = []  # on the first error (most runs have none)


def translate_error(message: str) -> str:
    """An argparse error message in Vietnamese (unknown messages stay as they are)."""
    if not _COMPILED:
        _COMPILED.extend((_compile(en), _FIELD.findall(en), vi) for en, vi in _ERRORS_VI.items())
    for rx, names, vi in _COMPILED:
        m = rx.match(message)
        if not m:
            continue
        named = {n: translate_error(v) if n == "message" else v
                 for n, v in zip(names, m.groups()) if n}
        plain = iter(v for n, v in zip(names, m.groups()) if not n)
        return _FIELD.sub(lambda f: named[f.group(1)] if f.group(1) else next(plain), vi)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D401
        super().add_usage(usage, actions, groups, _USAGE_VI if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in Vietnamese: usage, group titles, -h, and error lines (exit 2 on bad
    usage, as the spec says)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        for group in self._action_groups:
            group.title = _TITLES_VI.get(group.title, group.title)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=_HELP_VI)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"{self.prog}: lỗi cú pháp lệnh: {translate_error(message)}\n"
                                   f"Gõ \"{self.prog} --help\" để xem hướng dẫn.\n")


def _seconds(text: str) -> float:
    """A time limit: a finite number of seconds above 0 ("nan", "inf", 0 or -5 would
    disable the limit or stop every file at once)."""
    import math

    try:
        v = float(text.replace(",", "."))
    except ValueError:
        v = math.nan
    if not (math.isfinite(v) and 0 < v <= 7 * 24 * 3600):
        raise argparse.ArgumentTypeError(
            f"thời gian \"{text}\" không hợp lệ: cần một số giây lớn hơn 0 (tối đa một tuần), "
            "ví dụ 120")
    return v


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``thidua-xl``; given the subcommand that will be parsed (the first
    argument), only that subcommand's parser is added: a ``check`` or a ``score`` builds two
    parsers instead of nine (argparse's construction, its gettext look-ups and formatters,
    cost a few ms of every run). Anything else — no command, ``--help``, a mistyped one —
    builds them all, so that help and "invalid choice" list every command."""
    p = _Parser(
        prog="thidua-xl",
        description="Chấm điểm thi đua khối: kiểm tra sổ chấm điểm, tính tổng điểm, xếp hạng, "
                    "xếp loại, đề nghị khen thưởng và ghi các trang kết quả vào sổ.",
        epilog="Mã thoát: 0 = không có lỗi, 1 = có lỗi trong sổ, 2 = không đọc được tệp hoặc "
               "sai cú pháp lệnh.",
    )
    p.add_argument("--version", action="version", version=_version(), help=_VERSION_HELP_VI)
    sub = p.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    for name, add in SUBCOMMANDS.items():
        if command not in SUBCOMMANDS or command == name:
            add(sub)
    return p


def _check(sub) -> None:
    c = sub.add_parser("check", help="kiểm tra sổ, in mọi lỗi và cảnh báo",
                       description="Kiểm tra từng sổ chấm điểm và in mọi lỗi, cảnh báo.")
    c.add_argument("files", nargs="+", metavar="TỆP",
                   help="một hay nhiều sổ chấm điểm (.xlsx, .xlsm)")
    c.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _score(sub) -> None:
    s = sub.add_parser("score", help="tính điểm, xếp hạng, đề nghị khen thưởng, ghi tệp kết quả",
                       description="Kiểm tra, tính điểm, xếp hạng, xếp loại, đề nghị khen thưởng, "
                                   "suy tôn Khối trưởng; ghi tệp kết quả (sổ gốc thêm các trang "
                                   "kết quả). Sổ gốc không bao giờ bị sửa.")
    s.add_argument("file", metavar="TỆP", help="sổ chấm điểm (.xlsx, .xlsm)")
    s.add_argument("-o", "--output", metavar="TỆP_RA",
                   help="tệp kết quả (mặc định: <tên>_ketqua.xlsx cạnh tệp gốc)")
    s.add_argument("--pdf", action="store_true",
                   help="xuất thêm tờ trình, danh sách đề nghị và biên bản ra PDF "
                        "(cần LibreOffice; mã thoát 3 nếu không xuất được)")
    s.add_argument("--nam-truoc", metavar="TỆP_NĂM_TRƯỚC", dest="nam_truoc",
                   help="sổ chấm điểm năm trước (hoặc tệp _ketqua của nó): lấy xếp loại năm "
                        "trước của các đơn vị")
    s.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _batch(sub) -> None:
    b = sub.add_parser("batch", help="chấm nhiều sổ (cả thư mục), lập bảng tổng hợp toàn tỉnh",
                       description="Chấm mọi sổ trong các thư mục/tệp đã cho (song song), ghi kết "
                                   "quả từng sổ vào THƯ_MỤC_RA và bảng tổng hợp "
                                   "THƯ_MỤC_RA/tong-hop.xlsx.")
    b.add_argument("inputs", nargs="+", metavar="THƯ_MỤC_HOẶC_TỆP",
                   help="thư mục chứa các sổ (đọc cả thư mục con) hoặc từng sổ chấm điểm")
    b.add_argument("-o", "--output", required=True, metavar="THƯ_MỤC_RA",
                   help="thư mục ghi kết quả từng sổ và bảng tổng hợp")
    b.add_argument("-j", "--jobs", type=int, default=None, metavar="SỐ",
                   help="số tiến trình song song (mặc định: số lõi CPU)")
    b.add_argument("--timeout", type=_seconds, default=120.0, metavar="GIÂY",
                   help="thời gian tối đa cho một sổ (mặc định 120 giây)")
    b.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _lich_su(sub) -> None:
    h = sub.add_parser("lich-su", help="lịch sử kết quả qua các năm (nhiều sổ, nhiều năm)",
                       description="Đọc sổ chấm điểm (hoặc tệp _ketqua) của nhiều năm, một khối "
                                   "hoặc cả tỉnh, và ghi sổ lịch sử: trang \"Lịch sử\" và "
                                   "\"Theo đơn vị\" (xếp hạng, xếp loại từng năm, biểu đồ).")
    h.add_argument("inputs", nargs="+", metavar="TỆP_HOẶC_THƯ_MỤC",
                   help="sổ chấm điểm hoặc tệp _ketqua của các năm, hoặc thư mục chứa chúng")
    h.add_argument("-o", "--output", required=True, metavar="TỆP_RA",
                   help="sổ lịch sử (.xlsx)")
    h.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _merge(sub) -> None:
    m = sub.add_parser("merge", help="gộp phiếu tự chấm của các đơn vị vào sổ của khối",
                       description="Điền cột Tự chấm của sổ khối từ phiếu tự chấm của các đơn vị "
                                   "(ghi ra tệp mới; sổ gốc không bị sửa).")
    m.add_argument("bloc", metavar="SỔ_KHỐI", help="sổ chấm điểm của khối (.xlsx, .xlsm)")
    m.add_argument("units", nargs="+", metavar="PHIẾU_TỰ_CHẤM",
                   help="phiếu tự chấm của từng đơn vị (mỗi đơn vị một tệp)")
    m.add_argument("-o", "--output", metavar="TỆP_RA",
                   help="tệp ghi kết quả (mặc định: <tên>_gop.xlsx cạnh sổ khối)")
    m.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _template(sub) -> None:
    t = sub.add_parser("template", help="tạo sổ chấm điểm mẫu (trống)",
                       description="Tạo sổ chấm điểm mẫu theo định dạng chuẩn, có danh sách chọn "
                                   "và kiểm tra dữ liệu nhập.")
    t.add_argument("-o", "--output", required=True, metavar="TỆP_RA",
                   help="tệp sổ mẫu sẽ tạo (.xlsx)")
    t.add_argument("--units", metavar="TỆP_HOẶC_DANH_SÁCH",
                   help="danh sách đơn vị: tệp (mỗi dòng một đơn vị, hoặc .xlsx) hoặc "
                        "\"Sở A; Sở B\"")
    t.add_argument("--criteria", metavar="TỆP", help="tệp tiêu chí (.xlsx/.csv)")
    t.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _demo(sub) -> None:
    d = sub.add_parser("demo", help="chạy thử trên các sổ ví dụ kèm theo",
                       description="Chấm các sổ ví dụ kèm theo và cho biết kết quả nằm ở đâu.")
    d.add_argument("-o", "--output", default="thidua-demo", metavar="THƯ_MỤC",
                   help="thư mục ghi kết quả (mặc định ./thidua-demo)")
    d.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _addin(sub) -> None:
    a = sub.add_parser("addin", help="tạo, cài hoặc gỡ phần bổ trợ Excel (thẻ \"Thi đua\")",
                       description="Tạo phần bổ trợ Excel thidua_xl.xlam từ mã nguồn, cài vào thư "
                                   "mục khởi động của Excel, hoặc gỡ ra.")
    a.add_argument("action", choices=["install", "remove", "build"], metavar="install|remove|build",
                   help="install: tạo rồi cài vào Excel; remove: gỡ khỏi Excel; build: chỉ tạo "
                        "tệp .xlam")
    a.add_argument("-o", "--output", metavar="THƯ_MỤC",
                   help="thư mục ghi .xlam (build; install trên máy không có Excel, mặc định "
                        "thư mục dữ liệu của người dùng)")


#: the subcommands (name → what adds its parser), in the order help lists them
SUBCOMMANDS = {"check": _check, "score": _score, "batch": _batch, "lich-su": _lich_su,
            "merge": _merge, "template": _template, "demo": _demo, "addin": _addin}


def _version() -> str:
    from .. import __version__

    return f"thidua-xl {__version__}"
