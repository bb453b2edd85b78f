"""How the batch's worker processes live and die.

- :func:`die_with_parent` (in each worker): the kernel kills the worker when the batch (or
  the fork server, which ends with the batch) dies (Linux ``PR_SET_PDEATHSIG``, even after
  SIGKILL of the batch); elsewhere a thread watching the parent's pid does it. No worker
  (nor, then, multiprocessing's resource tracker) is left holding the batch's output pipe.
- :func:`sigint_ignored` (around a spawn): workers start with Ctrl-C ignored, so Ctrl-C
  stops the batch alone (which kills its workers) without worker tracebacks.
- :func:`terminate_as_exit` (around the pool): SIGTERM/SIGHUP become ``SystemExit`` in the
  batch, whose clean-up kills the workers.
"""
from __future__ import annotations

import contextlib
import os
import time


def die_with_parent(parent: int) -> None:
    """A worker never outlives the batch ``parent``: on Linux the kernel kills it when its
    parent process dies (PR_SET_PDEATHSIG, even after SIGKILL); elsewhere, and for a parent
    already gone before that was set, a daemon thread watches the parent's pid. The parent
    process is the batch, or the fork server that forked the worker for it (which ends when
    the batch does, see :mod:`thidua_xl.pool`)."""
    import sys
    import threading

    from .io.atomic import pid_alive

    ppid = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PDEATHSIG
        except Exception:  # noqa: BLE001 - the watcher below still works
            pass
    if os.getppid() != ppid or (ppid != parent and not pid_alive(parent)):
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != ppid:
                os._exit(1)

    threading.Thread(target=watch, name="thidua-parent-watch", daemon=True).start()


@contextlib.contextmanager
def sigint_ignored():
    """Ignore SIGINT while a worker is spawned: the child inherits "ignored", and Python
    keeps it so. Ctrl-C then reaches the batch alone, which kills its workers — no
    KeyboardInterrupt traceback from a worker still importing."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):  # pragma: no cover - no signals here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@contextlib.contextmanager
def terminate_as_exit():
    """While the pool runs, SIGTERM (and SIGHUP) raise SystemExit in the batch, so its
    workers are killed on the way out instead of being left behind."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        raise SystemExit(128 + signum)

    saved = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                saved[sig] = signal.signal(sig, handler)
            except (ValueError, OSError):  # pragma: no cover
                pass
    try:
        yield
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)
