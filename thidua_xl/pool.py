"""The batch's worker processes ("lanes"): warm, long-lived, fed ahead, results streamed.

A lane is one process that imports the scoring modules once and then scores file after
file: it reads ``(index, args)`` from its pipe, runs ``worker(*args)``, turns the result
into the small thing the parent keeps (``pack``, in the worker: JSON text, summary
fields) and sends that back. The parent only hands out jobs and stores what arrives.

- Start: on Linux lanes are forked from a multiprocessing fork server that has imported
  the scoring modules (:data:`PRELOAD`) once, so a lane is ready in milliseconds, however
  many lanes a batch starts or replaces; elsewhere they are spawned and import them.
- Fed ahead: a lane holds up to :data:`DEPTH` jobs, so the next file is waiting in it
  when one ends (never while idle lanes could take it: the last files go to free lanes).
- One bad file never stops the batch: a file over the time limit gets a "timeout"
  result and only its lane is killed and replaced; a lane that dies gives its file a
  "worker-crashed" result; jobs queued behind either go back to the front of the queue.
- Memory stays flat: a lane is replaced after :data:`RECYCLE_AFTER` files.
- Lifecycle (:mod:`thidua_xl.lifecycle`): lanes start with Ctrl-C ignored and die with
  the batch; SIGTERM/SIGHUP of the batch kill them on the way out.
"""
from __future__ import annotations

import os
import time
from collections import deque
from typing import Any, Callable, Sequence

#: jobs a lane holds at most (the one it scores and the next)
DEPTH = 2
#: a lane is replaced after this many files (bounds memory growth of workers)
RECYCLE_AFTER = 250
#: a lane that cannot even start this many times in a row gives up (broken installation)
MAX_START_FAILURES = 3
#: what scoring a workbook imports (openpyxl is only the writer's fallback: not loaded)
PRELOAD = ("thidua_xl.batch", "thidua_xl.api", "thidua_xl.io.readers", "thidua_xl.io.parser",
           "thidua_xl.core.engine", "thidua_xl.io.outputs", "thidua_xl.io.writer",
           "thidua_xl.io.render_xml", "thidua_xl.io.package", "thidua_xl.io.analysis_sheets")


# --------------------------------------------------------------------------------------
# worker side
# --------------------------------------------------------------------------------------
def warm() -> None:
    """Import what scoring uses, then move everything imported out of the garbage
    collector's way (``gc.freeze``): its passes during a file then skip the modules'
    objects (and a forked lane keeps sharing their memory pages)."""
    import gc

    for mod in PRELOAD:
        try:
            __import__(mod)
        except ImportError:
            pass
    gc.freeze()


def _leave_fork_server() -> None:
    """A lane forked by the fork server holds the server's "alive" pipe, which would keep
    the server (and so, through PDEATHSIG, the lane) alive after the batch died: close it,
    so the batch's death ends the server and the server's death ends the lane."""
    try:
        from multiprocessing import forkserver

        server = forkserver._forkserver
        fd = server._forkserver_alive_fd
        if fd is not None and forkserver._forkserver.get_inherited_fds() is not None:
            server._forkserver_alive_fd = None
            os.close(fd)
    except Exception:  # noqa: BLE001 - private details of multiprocessing; best effort
        pass


def _ignore_ctrl_c() -> None:
    """Ctrl-C stops the batch, which kills its workers: a worker itself ignores it."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):  # pragma: no cover
        pass


def lane_main(conn, parent: int, env: dict, init: Callable[[int], None] | None,
              worker: Callable[..., Any], pack: Callable[[Any], Any] | None) -> None:
    """A lane's life: start, then one job after another until told to stop (None) or the
    batch is gone (its pipe closed)."""
    import gc

    try:
        _ignore_ctrl_c()
        _leave_fork_server()
        if init is not None:
            init(parent)
        if dict(os.environ) != env:  # forked from a server started earlier
            os.environ.clear()
            os.environ.update(env)
        warm()
        conn.send(("ready", os.getpid()))
        while True:
            msg = conn.recv()
            if msg is None:
                break
            index, args = msg
            reply = _run(index, worker, pack, args)
            try:
                conn.send(reply)
            except (EOFError, OSError):
                raise
            except Exception as e:  # noqa: BLE001 - e.g. a result that cannot be pickled
                conn.send(("raised", index, f"{type(e).__name__}: {e}"))
            # a file's workbook model is garbage in reference cycles (its criteria tree,
            # about 1 MB at 30 × 80): collected now, not when the collector's heuristics
            # next reach the oldest generation, so that a lane's memory is one file's
            # however many it scores (about 1 ms, the modules frozen out of its way)
            gc.collect()
    except (EOFError, OSError):  # the batch has gone: nothing to report to
        os._exit(1)


def _run(index: int, worker, pack, args) -> tuple:
    try:
        result = worker(*args)
        return ("done", index, pack(result) if pack is not None else result)
    except Exception as e:  # noqa: BLE001 - a bug must not stop the batch
        return ("raised", index, f"{type(e).__name__}: {e}")


# --------------------------------------------------------------------------------------
# parent side
# --------------------------------------------------------------------------------------
def context():
    """The multiprocessing context of lanes: a fork server with :data:`PRELOAD` imported
    on Linux, spawn elsewhere."""
    import multiprocessing
    import sys

    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


def start_server(ctx) -> None:
    """Start the fork server now (it imports :data:`PRELOAD` while the caller goes on,
    e.g. walking folders), with Ctrl-C ignored like every process of the batch."""
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    from .lifecycle import sigint_ignored

    with sigint_ignored():
        forkserver.ensure_running()


def stop_server(ctx, at_once: bool = False) -> None:
    """Stop the fork server and reap it (its lanes' resource use then counts for the
    batch); a server that does not end within seconds (or ``at_once``: the batch is being
    stopped) is killed."""
    if ctx.get_start_method() != "forkserver":
        return
    try:
        from multiprocessing import forkserver

        server = forkserver._forkserver
        with server._lock:
            pid, fd = server._forkserver_pid, server._forkserver_alive_fd
            if pid is None:
                return
            server._forkserver_pid = server._forkserver_alive_fd = None
            address, server._forkserver_address = server._forkserver_address, None
            os.close(fd)  # its "alive" pipe: the server sees it closed and ends
            _reap(pid, 0.0 if at_once else 5.0)
            if isinstance(address, str) and not address.startswith("\0"):
                try:
                    os.unlink(address)
                except OSError:
                    pass
    except Exception:  # noqa: BLE001 - private API; the server also ends with the batch
        pass


def _reap(pid: int, within: float) -> None:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.005)
    os.kill(pid, 9)
    os.waitpid(pid, 0)


class _Lane:
    """One worker process and the jobs sent to it (the first is the one it scores)."""

    def __init__(self, ctx, spec: tuple) -> None:
        from .lifecycle import sigint_ignored

        here, there = ctx.Pipe()
        self.proc = ctx.Process(target=lane_main, name="thidua-lane", daemon=True,
                                args=(there, os.getpid(), dict(os.environ), *spec))
        if ctx.get_start_method() == "forkserver":
            # the server was started with Ctrl-C ignored, and so start its children; the
            # start may wait for the server's imports: Ctrl-C must stop the batch meanwhile
            start_server(ctx)
            self.proc.start()
        else:
            with sigint_ignored():  # the worker starts (here) with Ctrl-C ignored
                self.proc.start()
        there.close()
        self.conn = here
        self.ready = False
        self.sent: deque = deque()
        self.deadline = float("inf")
        self.count = 0  # files it has scored
        self.stopped = False

    def send(self, job, args: tuple) -> None:
        self.conn.send((job.index, args))
        self.sent.append(job)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass
        self._reap()

    def stop(self) -> None:
        """Ask the worker to exit when its jobs are done."""
        if self.stopped:
            return
        self.stopped = True
        try:
            self.conn.send(None)
        except OSError:
            pass

    def close(self) -> None:
        """Let the worker finish and exit (reaping it keeps rusage honest)."""
        self.stop()
        self.proc.join(timeout=5)
        if self.proc.exitcode is None:
            self.proc.kill()
        self._reap()

    def _reap(self) -> None:
        try:
            self.proc.join(timeout=5)
        except Exception:  # noqa: BLE001
            pass
        try:
            self.conn.close()
        except OSError:
            pass


def run_lanes(jobs: Sequence, *, n: int, timeout: float, args: Callable[[Any], tuple],
              worker, pack, init, fail: Callable[[Any, str], Any],
              on_progress: Callable[[int, list], None] | None = None, ctx=None) -> dict:
    """Run every job on ``n`` lanes; ``{job.index: packed result}``.

    ``args(job)`` gives ``worker``'s arguments; ``worker``, ``pack`` and ``init(parent)``
    must be importable module-level functions. ``fail(job, code, detail)`` makes the
    packed result of a job the worker could not give one for ("timeout",
    "worker-crashed", "internal-error", "worker-start-failed").
    """
    from multiprocessing.connection import wait

    ctx = ctx or context()
    spec = (init, worker, pack)
    pending = deque(jobs)
    results: dict[int, Any] = {}
    lanes: list[_Lane | None] = []
    start_failures = 0

    def fresh() -> _Lane | None:
        """A new lane (None when lanes cannot even be started: no process left, ...)."""
        nonlocal start_failures
        while start_failures < MAX_START_FAILURES:
            try:
                return _Lane(ctx, spec)
            except Exception:  # noqa: BLE001 - e.g. fork failed: the files say so
                start_failures += 1
        return None

    def lost(lane: _Lane, i: int) -> None:
        """``lane`` is gone: its queued jobs go back, a new lane takes its place."""
        pending.extendleft(reversed(lane.sent))
        lane.sent.clear()
        lane.kill()
        lanes[i] = fresh() if pending else None

    def receive(lane: _Lane, i: int, now: float) -> None:
        nonlocal start_failures
        try:
            while lane.conn.poll():
                msg = lane.conn.recv()
                if msg[0] == "ready":
                    lane.ready, start_failures = True, 0
                    lane.deadline = now + timeout
                    continue
                job = lane.sent.popleft()
                results[job.index] = msg[2] if msg[0] == "done" else \
                    fail(job, "internal-error", msg[2])
                lane.count += 1
                lane.deadline = now + timeout
        except (EOFError, OSError):
            if lane.ready:
                if lane.sent:
                    job = lane.sent.popleft()
                    results[job.index] = fail(job, "worker-crashed", "")
            else:
                start_failures += 1
            lost(lane, i)
            return
        if lane.count >= RECYCLE_AFTER and not lane.sent:
            lane.close()
            lanes[i] = fresh() if pending else None

    def give(lane: _Lane) -> None:
        job = pending.popleft()
        try:
            lane.send(job, args(job))
        except OSError:  # the lane has died: seen (and replaced) by receive()
            pending.appendleft(job)
            return
        if len(lane.sent) == 1:
            lane.deadline = time.monotonic() + timeout

    def takes(lane: _Lane | None, depth: int) -> bool:
        return lane is not None and len(lane.sent) < depth \
            and lane.count + len(lane.sent) < RECYCLE_AFTER

    def feed() -> None:
        for lane in lanes:
            if pending and takes(lane, 1):
                give(lane)
        # a second job each, as long as none would be taken from a lane left idle
        for lane in lanes:
            if len(pending) > n and takes(lane, DEPTH):
                give(lane)

    def report() -> None:
        if on_progress:
            current = [ln.sent[0].display for ln in lanes
                       if ln is not None and ln.ready and ln.sent]
            on_progress(len(results), current)

    try:
        lanes.extend(fresh() for _ in range(n))
        report()
        while len(results) < len(jobs):
            live = [(i, ln) for i, ln in enumerate(lanes) if ln is not None]
            if not live or not (pending or any(ln.sent for _, ln in live)):
                break
            feed()
            now = time.monotonic()
            wait_for = max(0.0, min([0.5] + [ln.deadline - now for _, ln in live
                                              if ln.ready and ln.sent]))
            wait([ln.conn for _, ln in live] + [ln.proc.sentinel for _, ln in live],
                 timeout=wait_for)
            now = time.monotonic()
            for i, lane in live:
                receive(lane, i, now)
                lane = lanes[i]
                if lane is not None and lane.ready and lane.sent and now >= lane.deadline:
                    job = lane.sent.popleft()
                    results[job.index] = fail(job, "timeout", "")
                    lost(lane, i)
            report()
        # lanes could not start: every remaining job says so
        started = any(ln is not None for ln in lanes)
        for job in jobs:
            if job.index not in results:
                results[job.index] = fail(job, "internal-error" if started else
                                          "worker-start-failed", "")
        report()
    except BaseException:
        for lane in lanes:
            if lane is not None:
                lane.kill()
        raise
    idle = [ln for ln in lanes if ln is not None]
    for lane in idle:
        lane.stop()
    for lane in idle:
        lane.close()
    return results
