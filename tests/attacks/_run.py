"""Run ``thidua-xl`` as a fresh process under a 4 GB address-space cap (as the attack sweep
of issue #16 did), and measure it: exit code, output, wall time, peak RSS of that process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CAP = 4 * 1024**3


def _cap() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    rss_mb: float

    def json(self):
        return json.loads(self.out)

    def codes(self) -> list[str]:
        doc = self.json()
        docs = doc if isinstance(doc, list) else [doc]
        return [f["code"] for d in docs for f in d.get("findings", [])]

    def clean_exit(self) -> bool:
        """No abort, no Rust panic, no Python traceback."""
        return (self.code in (0, 1, 2) and "Traceback" not in self.err
                and "panicked" not in self.err and "stack backtrace" not in self.err)


def run_cli(*args: str | os.PathLike, cwd: Path, timeout: float = 300,
            env: dict | None = None, new_session: bool = False) -> Run:
    """``python -m thidua_xl ARGS`` in ``cwd`` under the cap; its own rusage via wait4."""
    out_f, err_f = cwd / ".run.out", cwd / ".run.err"
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("THIDUA_DEBUG", None)
    with open(out_f, "wb") as so, open(err_f, "wb") as se:
        t0 = time.monotonic()
        p = subprocess.Popen([sys.executable, "-m", "thidua_xl", *map(str, args)], cwd=cwd,
                             stdout=so, stderr=se, stdin=subprocess.DEVNULL, env=full_env,
                             preexec_fn=_cap, start_new_session=new_session)
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t0
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(p.returncode, out_f.read_text("utf-8", "replace"),
               err_f.read_text("utf-8", "replace"), seconds, rss)


def long_attacks() -> bool:
    """The long attacks (a 1.9 GB shared-strings part, 4 million cells) run only with
    THIDUA_ATTACKS_LONG=1 (see DEVELOPERS.md)."""
    return os.environ.get("THIDUA_ATTACKS_LONG") == "1"
