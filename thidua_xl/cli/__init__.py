"""``thidua-xl``: the command line. This package alone owns argparse, rich and printing.

Thin by design: parse arguments (:mod:`.argv`) → one library call → text (:mod:`.consoles`)
or ``--json``; exit codes 0 (no error), 1 (errors in a workbook), 2 (unreadable file or bad
usage). Each command lives in its module: :mod:`.commands` (check, score, demo),
:mod:`.batch`, :mod:`.history` (lich-su), :mod:`.merge`, :mod:`.template`, :mod:`.addin`.
"""
from __future__ import annotations

import gc
import os
import sys

from ..api import example_workbooks
from ..stdio import utf8_streams
from .argv import EXIT_ERRORS, EXIT_NO_PDF, EXIT_OK, EXIT_UNREADABLE, build_parser
from .consoles import PlainConsole, RichConsole, console

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Sequence

__all__ = ["main", "entry", "build_parser", "console", "PlainConsole", "RichConsole",
           "utf8_streams", "example_workbooks", "EXIT_OK", "EXIT_ERRORS", "EXIT_UNREADABLE",
           "EXIT_NO_PDF", "COMMANDS"]


def _command(module: str, name: str = "run"):
    def run(args) -> int:
        import importlib

        return getattr(importlib.import_module(f"thidua_xl.cli.{module}"), name)(args)

    return run


COMMANDS = {
    "check": _command("commands", "cmd_check"),
    "score": _command("commands", "cmd_score"),
    "demo": _command("commands", "cmd_demo"),
    "batch": _command("batch"),
    "lich-su": _command("history"),
    "merge": _command("merge"),
    "template": _command("template"),
    "addin": _command("addin"),
}


#: commands that read a few workbooks and exit: the cyclic garbage collector only costs
#: them time (full collections of a heap that keeps growing: ~20 % of a 200-unit ×
#: 800-criterion score when every cell was an object, ~2-5 % since the cells are kept as
#: columns; the peak memory is the same without it: the results hold no cycles worth
#: collecting). batch and lich-su, which go through any number of files, keep it.
_ONE_SHOT = frozenset({"check", "score", "demo"})


def main(argv: Sequence[str] | None = None) -> int:
    utf8_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv[0] if argv else None)  # only the parser the command needs
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_UNREADABLE
    from ..errors import ThiduaError

    paused = args.command in _ONE_SHOT and gc.isenabled()
    if paused:
        gc.disable()
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
    finally:
        if paused:  # main() called in a process that goes on (tests, a host program)
            gc.enable()


def entry() -> None:
    """The ``thidua-xl`` program (its console script and ``python -m thidua_xl``):
    :func:`main`, then the exit. After a one-shot command (check, score, demo) the process
    leaves without Python's teardown — a full collection and every module's dictionary
    cleared, ≈ 15 ms of a 30 × 80 ``score`` (a tenth of it) for memory the system frees at
    once — once what the teardown does that matters is done: the standard streams flushed
    and logging's handlers closed. Such a command leaves no thread or child behind (its
    outputs are written and closed, LibreOffice waited for); the other commands (batch,
    lich-su, merge …: workers, progress bars) exit as Python does."""
    one_shot = len(sys.argv) > 1 and sys.argv[1] in _ONE_SHOT
    try:
        code = main()
    except SystemExit as exc:  # argparse: --help, a usage error
        if not one_shot:
            raise
        code = exc.code
    if not one_shot:
        raise SystemExit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("text"): the text on stderr, status 1
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left: as main() answers it
        code = 141
    except (OSError, ValueError):
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.shutdown()
    os._exit(code)
