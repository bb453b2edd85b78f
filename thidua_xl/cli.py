"""The command line: ``thidua-xl`` (also ``python -m thidua_xl``).

Thin by design: parse arguments → one library call → render (rich) or ``--json``.
Heavy modules are imported inside the commands so that ``thidua-xl --help`` is fast.
Exit status (shared/spec/interfaces.md): 0 no errors, 1 some file has errors,
2 a file could not be read or bad usage.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Sequence

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

#: argparse's own words, in Vietnamese (users read the help and the usage errors)
_ARGPARSE_VI = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "show program's version number and exit": "hiện phiên bản rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "expected one argument": "cần một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
}


def _vi(message: str) -> str:
    return _ARGPARSE_VI.get(message, message)


argparse._ = _vi  # type: ignore[attr-defined]  # argparse looks its strings up at call time


class _Parser(argparse.ArgumentParser):
    """argparse with Vietnamese error lines (exit 2 on bad usage, as the spec says)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"{self.prog}: lỗi cú pháp lệnh: {message}\n"
                                   f"Gõ \"{self.prog} --help\" để xem hướng dẫn.\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="thidua-xl",
        description="Chấm điểm thi đua khối: kiểm tra sổ chấm điểm, tính tổng điểm, xếp hạng, "
                    "xếp loại, đề nghị khen thưởng và viết các sheet kết quả.",
        epilog="Mã thoát: 0 = không có lỗi, 1 = có lỗi trong sổ, 2 = không đọc được tệp hoặc "
               "sai cú pháp lệnh.",
    )
    p.add_argument("--version", action="version", version=_version())
    sub = p.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)

    c = sub.add_parser("check", help="kiểm tra sổ, in mọi lỗi và cảnh báo",
                       description="Kiểm tra từng sổ chấm điểm và in mọi lỗi, cảnh báo.")
    c.add_argument("files", nargs="+", metavar="TỆP", help="sổ chấm điểm (.xlsx, .xlsm)")
    c.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    s = sub.add_parser("score", help="tính điểm, xếp hạng, đề nghị khen thưởng, ghi tệp kết quả",
                       description="Kiểm tra, tính điểm, xếp hạng, xếp loại, đề nghị khen thưởng, "
                                   "suy tôn Khối trưởng; ghi tệp kết quả (sổ gốc + các sheet "
                                   "kết quả). Sổ gốc không bao giờ bị sửa.")
    s.add_argument("file", metavar="TỆP")
    s.add_argument("-o", "--output", metavar="TỆP_RA",
                   help="tệp kết quả (mặc định: <tên>_ketqua.xlsx cạnh tệp gốc)")
    s.add_argument("--pdf", action="store_true", help="xuất thêm tờ đề nghị và biên bản ra PDF")
    s.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    b = sub.add_parser("batch", help="chấm nhiều sổ (cả thư mục), lập bảng tổng hợp toàn tỉnh",
                       description="Chấm mọi sổ trong các thư mục/tệp đã cho (song song), ghi kết "
                                   "quả từng sổ và OUTDIR/tong-hop.xlsx.")
    b.add_argument("inputs", nargs="+", metavar="THƯ_MỤC_HOẶC_TỆP")
    b.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="thư mục kết quả")
    b.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="số tiến trình song song (mặc định: số lõi CPU)")
    b.add_argument("--timeout", type=float, default=120.0, metavar="GIÂY",
                   help="thời gian tối đa cho một sổ (mặc định 120 giây)")
    b.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    m = sub.add_parser("merge", help="gộp phiếu tự chấm của các đơn vị vào sổ của khối",
                       description="Điền cột Tự chấm của sổ khối từ phiếu tự chấm của các đơn vị "
                                   "(ghi ra tệp mới; sổ gốc không bị sửa).")
    m.add_argument("bloc", metavar="SỔ_KHỐI")
    m.add_argument("units", nargs="+", metavar="PHIẾU_TỰ_CHẤM")
    m.add_argument("-o", "--output", metavar="TỆP_RA")
    m.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    t = sub.add_parser("template", help="tạo sổ chấm điểm mẫu (trống)",
                       description="Tạo sổ chấm điểm mẫu theo định dạng chuẩn, có danh sách chọn "
                                   "và kiểm tra dữ liệu nhập.")
    t.add_argument("-o", "--output", required=True, metavar="TỆP")
    t.add_argument("--units", metavar="TỆP_HOẶC_DANH_SÁCH",
                   help="danh sách đơn vị: tệp (mỗi dòng một đơn vị, hoặc .xlsx) hoặc "
                        "\"Sở A; Sở B\"")
    t.add_argument("--criteria", metavar="TỆP", help="tệp tiêu chí (.xlsx/.csv)")
    t.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    d = sub.add_parser("demo", help="chạy thử trên các sổ ví dụ kèm theo",
                       description="Chấm các sổ ví dụ kèm theo và cho biết kết quả nằm ở đâu.")
    d.add_argument("-o", "--output", default="thidua-demo", metavar="THƯ_MỤC",
                   help="thư mục ghi kết quả (mặc định ./thidua-demo)")
    d.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    a = sub.add_parser("addin", help="tạo / cài / gỡ add-in Excel (tab \"Thi đua\")",
                       description="Tạo add-in Excel thidua_xl.xlam từ mã nguồn, cài vào thư "
                                   "mục khởi động của Excel, hoặc gỡ ra.")
    a.add_argument("action", choices=["install", "remove", "build"], metavar="install|remove|build")
    a.add_argument("-o", "--output", metavar="THƯ_MỤC", help="thư mục ghi .xlam (build)")
    return p


def _version() -> str:
    from . import __version__

    return f"thidua-xl {__version__}"


# --------------------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------------------
#: the markup our own lines use (data is never passed through markup on the plain path)
_MARKUP = re.compile(r"\[/?(?:bold|red|green|yellow)?\]")


class PlainConsole:
    """What the commands print when the stream is not a terminal (a file, a pipe, a
    scheduler's log): the same lines without colours, tables as aligned text with one line
    a row instead of boxes wrapped to 80 columns — and no rich import, which with its table
    layout is a fifth of a one-workbook run (benchmarks/bench_score.py)."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def print(self, text: str = "") -> None:
        self.stream.write(_MARKUP.sub("", text) + "\n")

    def escape(self, data: str) -> str:
        """``data`` (a file name, a message) to put in a line with markup."""
        return data

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
              aligned: int) -> None:
        """The first ``aligned`` columns padded to one width; the rest (long texts)
        follow, separated by " | "."""
        lines = [[_MARKUP.sub("", x) for x in row] for row in (headers, *rows)]
        widths = [max(len(line[i]) for line in lines) for i in range(aligned)]
        for cells in lines:
            head = "  ".join(c.ljust(w) for c, w in zip(cells[:aligned], widths))
            tail = " | ".join(c for c in cells[aligned:] if c)
            self.stream.write((head + ("  " + tail if tail else "")).rstrip() + "\n")


class RichConsole:
    """A rich console with the same two calls as :class:`PlainConsole`."""

    def __init__(self, stderr: bool = False) -> None:
        from rich.console import Console

        self.rich = Console(stderr=stderr, highlight=False, soft_wrap=False)

    def print(self, text: str = "") -> None:
        self.rich.print(text)

    def escape(self, data: str) -> str:
        from rich.markup import escape

        return escape(data)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
              aligned: int) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(show_header=True, header_style="bold")
        for i, h in enumerate(headers):
            # short aligned columns (ranks, cells, codes) never wrap; long ones may
            longest = max((len(_MARKUP.sub("", row[i])) for row in rows), default=0)
            short = i < aligned and longest <= 24
            # a long file name has no spaces: fold it rather than cut it to "workbook…"
            table.add_column(h, no_wrap=short, overflow="ellipsis" if short else "fold")
        for row in rows:
            # data as Text: a "[" in a message is text, not markup
            table.add_row(*(Text.from_markup(c) if c.startswith("[") and c.endswith("]")
                            and _MARKUP.match(c) else Text(c) for c in row))
        self.rich.print(table)


def console(stderr: bool = False) -> "PlainConsole | RichConsole":
    """The console of a command's text output: rich on a terminal, plain lines otherwise."""
    stream = sys.stderr if stderr else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return RichConsole(stderr) if tty or os.environ.get("FORCE_COLOR") else PlainConsole(stream)



def _status_code(results: Sequence[Any]) -> int:
    if any(r.status == "unreadable" for r in results):
        return EXIT_UNREADABLE
    if any(r.has_errors for r in results):
        return EXIT_ERRORS
    return EXIT_OK


def _print_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.2f}".replace(",", " ").replace(".", ",")


def render_findings(console, result) -> None:
    errors = [f for f in result.findings if f.severity.value == "error"]
    warnings = [f for f in result.findings if f.severity.value == "warning"]
    title = f"{result.file}"
    if not result.findings:
        console.print(f"[green]✔[/green] {title}: không có lỗi, không có cảnh báo.")
        return
    mark = "[red]✘[/red]" if errors else "[yellow]![/yellow]"
    console.print(f"{mark} {title}: {len(errors)} lỗi, {len(warnings)} cảnh báo.")
    rows = [("[red]Lỗi[/red]" if f.severity.value == "error" else "[yellow]Cảnh báo[/yellow]",
             f.ref or "—", f.code, f.message, f.fix) for f in result.findings]
    console.table(("Mức độ", "Ô", "Mã lỗi", "Nội dung", "Cách sửa"), rows, aligned=3)


def render_result(console, result) -> None:
    head = result.bloc or result.file
    year = f" năm {result.year}" if result.year else ""
    console.print(f"[bold]{head}[/bold]{year} — {len(result.units)} đơn vị, "
                  f"tổng điểm tối đa {_fmt(result.max_total)}")
    rows = [("—" if u.rank is None else (f"{u.rank}=" if u.tie else str(u.rank)), u.name,
             _fmt(u.total), _fmt(u.percent),
             u.classification.value if u.classification else "—", u.award or "",
             "; ".join(u.notes)) for u in result.units]
    console.table(("Hạng", "Đơn vị", "Tổng điểm", "%", "Xếp loại", "Đề nghị khen thưởng",
                   "Ghi chú"), rows, aligned=6)
    for g in result.tie_groups:
        console.print(f"[yellow]{g.form}: {', '.join(g.units)} — {g.note}[/yellow]")
    if result.next_head or result.next_deputy or result.succession_note:
        console.print(f"Đề xuất suy tôn Khối trưởng: [bold]{result.next_head or '—'}[/bold]; "
                      f"Khối phó: [bold]{result.next_deputy or '—'}[/bold]"
                      + (f" ({result.succession_note})" if result.succession_note else ""))


# --------------------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------------------
def cmd_check(args) -> int:
    from .api import check_file

    results = [check_file(f) for f in args.files]
    if args.json:
        docs = [r.to_json() for r in results]
        _print_json(docs[0] if len(docs) == 1 else docs)
    else:
        con = console()
        for r in results:
            render_findings(con, r)
    return _status_code(results)


def cmd_score(args) -> int:
    from .api import score_file

    outcome = score_file(args.file, args.output, pdf=args.pdf)
    r = outcome.result
    if args.json:
        _print_json(r.to_json())
    else:
        con = console()
        render_findings(con, r)
        if r.status != "unreadable" and not r.has_errors:
            render_result(con, r)
        if outcome.out:
            what = "chỉ có sheet \"Kiểm tra\" (sổ còn lỗi)" if r.has_errors else "các sheet kết quả"
            con.print(f"Đã ghi [bold]{outcome.out}[/bold] ({what}).")
        for p in outcome.pdfs:
            con.print(f"Đã xuất PDF: [bold]{p}[/bold]")
    if outcome.pdf_error:
        console(stderr=True).print(f"[yellow]Không xuất được PDF:[/yellow] {outcome.pdf_error}")
    return _status_code([r])


def cmd_demo(args) -> int:
    from .api import default_output, score_file

    files = example_workbooks()
    if not files:
        console(stderr=True).print("[red]Không tìm thấy sổ ví dụ kèm theo.[/red]")
        return EXIT_UNREADABLE
    outdir = Path(args.output)
    outdir.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for f in files:
        out = outdir / default_output(f).name
        outcomes.append(score_file(f, out))
    if args.json:
        _print_json([o.result.to_json() | {"output": str(o.out) if o.out else None}
                     for o in outcomes])
    else:
        con = console()
        con.print("[bold]Chạy thử trên các sổ ví dụ kèm theo[/bold]")
        for o in outcomes:
            r = o.result
            year = f" năm {r.year}" if r.year else ""
            con.print(f"\n• [bold]{r.bloc}[/bold]{year} — {len(r.units)} đơn vị → {o.out}")
            if r.has_errors:
                con.print(f"  [red]{len(r.findings)} lỗi/cảnh báo — xem sheet \"Kiểm tra\"[/red]")
                continue
            for p in r.proposals:
                con.print(f"  {p.form}: [bold]{p.unit}[/bold] (hạng {p.rank})")
            for g in r.tie_groups:
                con.print(f"  {g.form}: {', '.join(g.units)} — {g.note}")
            if r.next_head:
                con.print(f"  Đề xuất suy tôn Khối trưởng: [bold]{r.next_head}[/bold]"
                          + (f", Khối phó: [bold]{r.next_deputy}[/bold]" if r.next_deputy else ""))
        con.print(f"\nKết quả nằm trong thư mục [bold]{outdir.resolve()}[/bold]. Mở các tệp "
                  "*_ketqua.xlsx để xem sheet \"Kết quả\" và \"Đề nghị khen thưởng\".")
    return _status_code([o.result for o in outcomes])


def example_workbooks() -> list[Path]:
    """The bundled example workbooks (package data, or the repository's workbooks/)."""
    here = Path(__file__).resolve().parent
    for folder in (here / "data" / "examples", here.parent / "workbooks" / "examples"):
        if folder.is_dir():
            files = sorted(p for p in folder.iterdir()
                           if p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith("~"))
            if files:
                return files
    return []


def _delegate(module: str):
    def run(args) -> int:
        import importlib

        return importlib.import_module(f"thidua_xl.{module}").run_cli(args)

    return run


COMMANDS = {
    "check": cmd_check,
    "score": cmd_score,
    "demo": cmd_demo,
    "batch": _delegate("batch"),
    "merge": _delegate("merge"),
    "template": _delegate("template"),
    "addin": _delegate("addin"),
}


def utf8_streams() -> None:
    """Vietnamese on any stdout/stderr: a stream whose encoding cannot write it (Windows
    sends redirected output through the ANSI code page, cp1252 ...) is switched to UTF-8,
    instead of the first "ắ" failing the command."""
    for stream in (sys.stdout, sys.stderr):
        try:
            "Đạt ✔".encode(stream.encoding or "ascii")
        except (LookupError, UnicodeEncodeError):
            try:
                stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_UNREADABLE
    from .errors import ThiduaError

    try:
        return COMMANDS[args.command](args)
    except ThiduaError as err:
        con = console(stderr=True)
        con.print(f"[red]Lỗi:[/red] {err.message}")
        if err.fix:
            con.print(f"Cách sửa: {err.fix}")
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        console(stderr=True).print("[yellow]Đã dừng theo yêu cầu.[/yellow]")
        return 130
    except BrokenPipeError:  # "thidua-xl score ... | head": the reader left, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # and no second error when Python flushes
        return 141
    except Exception as err:  # never a traceback for users; keep it for developers
        import logging

        con = console(stderr=True)
        con.print(f"[red]Lỗi không mong đợi:[/red] {type(err).__name__}: {err}")
        con.print("Vui lòng gửi tệp và thông báo này cho người phát triển. "
                  "Đặt biến môi trường THIDUA_DEBUG=1 để xem chi tiết.")
        if os.environ.get("THIDUA_DEBUG"):
            logging.exception("thidua-xl")
        return EXIT_UNREADABLE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
