"""The documents the bloc sends to the province (shared/spec/domain.md "Documents"): the
"Tờ trình", its annex "Đề nghị khen thưởng" and the "Biên bản họp bình xét" — one module
each, their shared layout (national header, signature, pagination) in :mod:`.common`."""
from __future__ import annotations

from .minutes import minutes_sheet
from .proposals import proposals_sheet
from .submission import submission_sheet

__all__ = ["minutes_sheet", "proposals_sheet", "submission_sheet"]
