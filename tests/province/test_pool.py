"""The batch's worker processes (thidua_xl.pool): warm workers, fed ahead, results packed
in the worker; a file over the time limit or a worker that dies costs only its own file,
the files queued behind it are scored; workers are replaced after RECYCLE_AFTER files."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from thidua_xl import batch, pool

from .pool_workers import never_starts, packed_by, unpicklable, who


def _jobs(tmp_path, names):
    jobs = []
    for i, name in enumerate(names):
        p = tmp_path / name
        p.write_bytes(b"")
        jobs.append(batch.Job(p, name, None, i))
    return jobs


def _failed(job, code, detail):
    return {"file": job.display, "failed": code}


def test_workers_are_warm_and_pack_in_the_worker(tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_POOL_TEST", "seen")
    jobs = _jobs(tmp_path, [f"f{i}.xlsx" for i in range(5)])
    out = batch.run_jobs(jobs, workers=2, worker=who, pack=packed_by)
    assert [r["file"] for r, _ in out] == [j.display for j in jobs]  # in job order
    for result, packer in out:
        assert packer == result["pid"] != os.getpid()  # packed where it was scored
        # the scoring modules were imported before the first file; gc spares them
        assert result["engine_loaded"] and result["writer_loaded"]
        assert result["frozen"] > 0
        assert result["env"] == "seen"  # the batch's environment, however the worker started
    assert len({r["pid"] for r, _ in out}) == 2


def test_workers_are_replaced_after_recycle_after_files(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "RECYCLE_AFTER", 2)
    jobs = _jobs(tmp_path, [f"f{i}.xlsx" for i in range(5)])
    out = batch.run_jobs(jobs, workers=1, worker=who)
    pids = [r["pid"] for r in out]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]  # two files each, no more


@pytest.mark.parametrize("bad", ["slow", "abort"])
def test_the_files_queued_behind_a_lost_one_are_scored(tmp_path, bad):
    # one worker, fed ahead: the file after the bad one is already in the lost worker
    jobs = _jobs(tmp_path, [f"{bad}.xlsx", "a.xlsx", "b.xlsx", "c.xlsx"])
    out = pool.run_lanes(jobs, n=1, timeout=3, args=batch._job_args, worker=who,
                         pack=None, init=None, fail=_failed)
    code = {"slow": "timeout", "abort": "worker-crashed"}[bad]
    assert out[0] == {"file": f"{bad}.xlsx", "failed": code}
    assert [out[i]["file"] for i in (1, 2, 3)] == ["a.xlsx", "b.xlsx", "c.xlsx"]
    assert len({out[i]["pid"] for i in (1, 2, 3)}) == 1  # the replacement worker


def test_workers_that_cannot_start_give_every_file_a_finding(tmp_path, monkeypatch):
    jobs = _jobs(tmp_path, ["a.xlsx", "b.xlsx", "c.xlsx"])
    out = pool.run_lanes(jobs, n=2, timeout=30, args=batch._job_args, worker=who,
                         pack=None, init=never_starts, fail=_failed)
    assert [out[j.index] for j in jobs] == [
        {"file": j.display, "failed": "worker-start-failed"} for j in jobs]

    def no_process(*a, **k):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(pool, "_Lane", no_process)  # fork itself fails
    out = batch.run_jobs(jobs, workers=2, worker=who)
    assert [f.code for r in out for f in r.findings] == ["worker-start-failed"] * 3


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork server on Linux")
def test_no_fork_server_is_left_after_a_batch(tmp_path):
    from multiprocessing import forkserver

    jobs = _jobs(tmp_path, ["a.xlsx", "b.xlsx"])
    batch.run_jobs(jobs, workers=2, worker=who)
    assert forkserver._forkserver._forkserver_pid is None
    children = [p for p in Path("/proc").iterdir() if p.name.isdigit()
                and _ppid(p) == os.getpid() and b"forkserver" in _cmdline(p)]
    assert not children


def _ppid(p: Path) -> int:
    try:
        return int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _cmdline(p: Path) -> bytes:
    try:
        return (p / "cmdline").read_bytes()
    except OSError:
        return b""


def test_a_result_that_cannot_be_sent_back_is_an_internal_error(tmp_path):
    jobs = _jobs(tmp_path, ["a.xlsx", "b.xlsx"])
    out = batch.run_jobs(jobs, workers=1, worker=unpicklable)
    assert [f.code for r in out for f in r.findings] == ["internal-error"] * 2
    assert all("pickle" in r.findings[0].message.lower() for r in out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork server on Linux")
def test_ctrl_c_while_the_workers_start_stops_the_batch(tmp_path, monkeypatch):
    # a worker's start waits for the fork server's imports (made slow here): Ctrl-C then
    # was ignored (SIGINT was set aside around the start) and the batch ran to its end
    import signal
    import threading
    import time

    monkeypatch.setattr(pool, "PRELOAD", pool.PRELOAD + ("tests.province.slow_import",))
    jobs = _jobs(tmp_path, ["a.xlsx"])
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            batch.run_jobs(jobs, workers=1, worker=who)
        assert time.monotonic() - t0 < 2.5  # not after the server's 3 s of imports
    finally:
        timer.cancel()


def test_a_lane_collects_a_files_garbage_in_cycles_before_the_next(monkeypatch):
    """A file's workbook model is garbage in reference cycles: a lane collects it after each
    job (its memory stays one file's), not when the collector next gets round to it."""
    import gc
    import weakref

    monkeypatch.setattr(pool, "warm", lambda: None)  # (no gc.freeze of the test process)
    monkeypatch.setattr(pool, "_ignore_ctrl_c", lambda: None)
    monkeypatch.setattr(pool, "_leave_fork_server", lambda: None)

    class Node:
        pass

    refs: list = []

    def worker():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle, as a criteria tree with its parents
        refs.append(weakref.ref(a))
        return len(refs)

    alive: list[bool] = []

    class Conn:
        def __init__(self):
            self.todo, self.sent = [(0, ()), (1, ()), None], []

        def recv(self):
            if len(self.sent) >= 2:  # "ready", then a job's reply: its garbage is gone
                alive.append(refs[-1]() is not None)
            return self.todo.pop(0)

        def send(self, msg):
            self.sent.append(msg)

    conn = Conn()
    gc.disable()  # the collector's own passes would free the cycles at any time
    try:
        pool.lane_main(conn, os.getpid(), dict(os.environ), None, worker, None)
    finally:
        gc.enable()
    assert [m[0] for m in conn.sent] == ["ready", "done", "done"]
    assert alive == [False, False]
