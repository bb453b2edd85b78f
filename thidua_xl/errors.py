"""The one exception hierarchy of thidua_xl.

Validation problems are *data* (:class:`thidua_xl.core.findings.Finding`), never
exceptions. Exceptions are raised only at the edges: a file that cannot be read at all,
an output that cannot be written, bad usage. Every message is Vietnamese and is shown to
users as is (never a traceback).
"""
from __future__ import annotations


class ThiduaError(Exception):
    """Base class of every error thidua_xl raises on purpose.

    ``code`` is a stable kebab-case identifier; ``message`` is Vietnamese.
    """

    code = "thidua-error"

    def __init__(self, message: str, *, code: str | None = None, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        if code:
            self.code = code

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class UnreadableWorkbook(ThiduaError):
    """The file is not a workbook this product can read (encrypted, .xls, broken zip...)."""

    code = "unreadable-workbook"


class OutputError(ThiduaError):
    """An output file could not be written (read-only folder, locked file...)."""

    code = "output-error"


class UsageError(ThiduaError):
    """Bad command-line usage or bad arguments to a library call."""

    code = "usage-error"
