"""Batch workers for the attack tests (module level: the pool spawns them)."""
from __future__ import annotations

import os
from pathlib import Path


def aborting_worker(src: str, out: str | None, display: str):
    """Aborts the process (as calamine did on XFE100000) for files named abort*.xlsx."""
    if Path(src).name.startswith("abort"):
        os.abort()
    from thidua_xl.batch import score_job

    return score_job(src, out, display)
