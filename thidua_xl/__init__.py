"""thidua_xl — chấm điểm thi đua khối: read a bloc's score workbook, validate it, score,
rank, classify, propose awards and write the recommendation sheets.

The public API is small; everything heavy is imported lazily so that the command line
starts fast::

    import thidua_xl
    result = thidua_xl.check_file("khoi.xlsx")      # BlocResult, never raises for content
    outcome = thidua_xl.score_file("khoi.xlsx")     # also writes khoi_ketqua.xlsx
    frame = thidua_xl.to_frame(result)              # pandas: one row per unit
    history = thidua_xl.read_history(["2023.xlsx", "2024_ketqua.xlsx"])
"""
from __future__ import annotations

from .errors import OutputError, ThiduaError, UnreadableWorkbook, UsageError

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "ThiduaError",
    "UnreadableWorkbook",
    "OutputError",
    "UsageError",
    "check_file",
    "score_file",
    "analyze_grid",
    "read_grid",
    "to_frame",
    "read_history",
    "Finding",
    "BlocResult",
]

_LAZY = {
    "check_file": ("thidua_xl.api", "check_file"),
    "score_file": ("thidua_xl.api", "score_file"),
    "analyze_grid": ("thidua_xl.api", "analyze_grid"),
    "read_grid": ("thidua_xl.api", "read_grid"),
    "to_frame": ("thidua_xl.frames", "to_frame"),
    "read_history": ("thidua_xl.history", "read_history"),
    "Finding": ("thidua_xl.core.findings", "Finding"),
    "BlocResult": ("thidua_xl.core.models", "BlocResult"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .api import analyze_grid, check_file, read_grid, score_file
    from .core.findings import Finding
    from .core.models import BlocResult
    from .frames import to_frame
    from .history import read_history


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(name)
