"""The process's standard streams (used by the command line and by batch workers)."""
from __future__ import annotations

import sys


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
