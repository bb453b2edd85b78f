"""Workers for the pool tests (module level: the lanes import them)."""
from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path


def who(src: str, out: str | None, display: str):
    """Which process scored the file, and how warm it was when the file arrived."""
    if Path(src).name.startswith("slow"):
        time.sleep(60)
    if Path(src).name.startswith("abort"):
        os.abort()
    return {"file": display, "pid": os.getpid(),
            "engine_loaded": "thidua_xl.core.engine" in sys.modules,
            "writer_loaded": "thidua_xl.io.writer" in sys.modules,
            "frozen": gc.get_freeze_count(), "env": os.environ.get("THIDUA_POOL_TEST")}


def packed_by(result):
    """A ``pack`` that says in which process it ran."""
    return (result, os.getpid())


def never_starts(parent: int) -> None:
    """A worker start that fails (a broken installation)."""
    os._exit(3)


def unpicklable(src: str, out: str | None, display: str):
    """A result that cannot be sent back."""
    return lambda: display
