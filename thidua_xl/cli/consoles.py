"""The consoles of the command line: rich on a terminal, aligned plain lines otherwise.

Same two calls on both (``print`` with ``[bold]``/``[red]``... markup, ``table``); the plain
one never imports rich.
"""
from __future__ import annotations

import os
import re
import sys

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Sequence

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
