"""Read every file of a folder (the shared corpora) and tally the outcomes.

Each file is read in a worker process (``workers`` of them, reused) with a per-file time
limit: a file that hangs only costs its worker, which is killed and replaced. Outcomes:

- ``ok``                 the reader returned a Grid
- ``unreadable:<code>``  it raised UnreadableWorkbook (a clear Vietnamese message)
- ``crash:<Type>``       any other exception (a bug)
- ``timeout`` / ``died`` the worker exceeded the time limit / exited (e.g. a native abort)

Usage: ``python tests/corpus_sweep.py [FOLDER] [--workers N] [--timeout S] [--reader R]``;
the same :func:`sweep` is meant to run ``check`` over the corpora later (``target=``).
"""
from __future__ import annotations

import argparse
import importlib
import multiprocessing as mp
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

DEFAULT_TARGET = "thidua_xl.io.readers:read_grid"
#: What kind of file it is (by content), recorded next to each outcome.
DEFAULT_CLASSIFY = "thidua_xl.io.sniff:sniff"
#: Address-space limit of a worker: a runaway allocation fails inside the worker instead of
#: exhausting the machine.
WORKER_MEMORY_LIMIT = 3 * 1024**3


def corpora_root() -> Path:
    """../shared/corpora relative to the repository root."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


@dataclass
class FileResult:
    path: str
    outcome: str
    seconds: float
    rss_kb: int = 0          # worker's peak RSS after this file
    rss_growth_kb: int = 0   # how much this file raised the worker's peak
    detail: str = ""
    kind: str = ""           # sniff kind ("xlsx", "encrypted", "corrupt-zip" ...)


@dataclass
class SweepResult:
    results: list[FileResult] = field(default_factory=list)
    wall_seconds: float = 0.0

    def by_outcome(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.outcome] = out.get(r.outcome, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def by_kind(self) -> dict[str, dict[str, int]]:
        """kind → outcome → count."""
        out: dict[str, dict[str, int]] = {}
        for r in self.results:
            d = out.setdefault(r.kind or "?", {})
            d[r.outcome] = d.get(r.outcome, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -sum(kv[1].values())))

    def failures(self) -> list[FileResult]:
        """Outcomes that are bugs: not a Grid and not an UnreadableWorkbook."""
        return [r for r in self.results
                if not (r.outcome == "ok" or r.outcome.startswith(("unreadable:", "exit")))]

    def slowest(self, n: int = 1) -> list[FileResult]:
        return sorted(self.results, key=lambda r: -r.seconds)[:n]

    def peak_rss_kb(self) -> int:
        return max((r.rss_kb for r in self.results), default=0)

    def biggest_growth(self) -> FileResult | None:
        return max(self.results, key=lambda r: r.rss_growth_kb, default=None)

    def table(self, root: Path | None = None) -> str:
        def rel(p: str) -> str:
            try:
                return str(Path(p).relative_to(root)) if root else p
            except ValueError:
                return p

        lines = [f"{'outcome':<40} {'files':>6}", "-" * 47]
        for k, v in self.by_outcome().items():
            lines.append(f"{k:<40} {v:>6}")
        lines.append("-" * 47)
        lines.append(f"{'total':<40} {len(self.results):>6}")
        lines.append("")
        lines.append(f"{'kind (by content)':<22} outcomes")
        for kind, outs in self.by_kind().items():
            lines.append(f"{kind:<22} " + ", ".join(f"{k} {v}" for k, v in outs.items()))
        lines.append("")
        lines.append(f"wall time: {self.wall_seconds:.1f} s")
        for r in self.slowest(3):
            lines.append(f"slow: {r.seconds:6.2f} s  {r.outcome:<24} {rel(r.path)}")
        lines.append(f"peak RSS of a worker: {self.peak_rss_kb() / 1024:.0f} MiB")
        g = self.biggest_growth()
        if g is not None:
            lines.append(f"largest RSS growth by one file: {g.rss_growth_kb / 1024:.0f} MiB "
                         f"({rel(g.path)})")
        for r in self.failures():
            lines.append(f"FAIL {r.outcome}: {rel(r.path)} {r.detail}")
        return "\n".join(lines)


def list_files(root: Path) -> list[Path]:
    """Every regular file under ``root`` except READMEs, sorted."""
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and p.name.lower() not in ("readme.md", "readme"))


# --------------------------------------------------------------------------- worker
def _resolve(target: str):
    mod, _, attr = target.partition(":")
    return getattr(importlib.import_module(mod), attr)


def _maxrss_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _worker(conn, target: str, kwargs: dict[str, Any], mem_limit: int,
            classify: str | None = DEFAULT_CLASSIFY) -> None:
    try:
        import resource

        if mem_limit:
            resource.setrlimit(resource.RLIMIT_AS, (mem_limit, mem_limit))
    except (ImportError, ValueError, OSError):
        pass
    from thidua_xl.errors import UnreadableWorkbook

    fn = _resolve(target)
    kind_of = _resolve(classify) if classify else None
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        idx, path = msg
        before = _maxrss_kb()
        t0 = time.perf_counter()
        detail = ""
        kind = ""
        try:
            if kind_of is not None:
                kind = str(kind_of(path))
        except Exception as exc:  # noqa: BLE001
            kind = f"classify-crash:{type(exc).__name__}"
        try:
            returned = fn(path, **kwargs)
            # a target may name its own outcome (e.g. "exit1:missing-score-sheet")
            outcome = returned if isinstance(returned, str) else "ok"
        except UnreadableWorkbook as exc:
            outcome = f"unreadable:{exc.code}"
            detail = exc.message[:200]
        except Exception as exc:  # noqa: BLE001 - that is what we are looking for
            outcome = f"crash:{type(exc).__name__}"
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300]
        dt = time.perf_counter() - t0
        after = _maxrss_kb()
        conn.send((idx, outcome, dt, after, after - before, detail, kind))


class _Slot:
    def __init__(self, ctx, target: str, kwargs: dict, mem_limit: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, target, kwargs, mem_limit),
                                daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[int, str] | None = None
        self.deadline = 0.0
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()  # our own child, by its handle
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


def sweep(root: Path | None = None, *, files: list[Path] | None = None, workers: int = 2,
          timeout: float = 60.0, target: str = DEFAULT_TARGET,
          kwargs: dict[str, Any] | None = None, mem_limit: int = WORKER_MEMORY_LIMIT,
          progress: bool = False) -> SweepResult:
    """Run ``target(path, **kwargs)`` on every file (``files`` or all under ``root``)."""
    root = root or corpora_root()
    todo = list(files) if files is not None else list_files(root)
    kwargs = kwargs or {}
    kind_of = _resolve(DEFAULT_CLASSIFY)
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    res = SweepResult()
    results: dict[int, FileResult] = {}
    queue = list(enumerate(str(p) for p in todo))[::-1]
    t_start = time.perf_counter()
    slots = [_Slot(ctx, target, kwargs, mem_limit) for _ in range(max(1, min(workers, len(todo))))]
    try:
        while queue or any(s.task for s in slots):
            for i, s in enumerate(slots):
                if s.task is None and queue:
                    s.task = queue.pop()
                    s.started = time.perf_counter()
                    s.deadline = s.started + timeout
                    try:
                        s.conn.send(s.task)
                    except (BrokenPipeError, OSError):
                        pass
            busy = [s for s in slots if s.task]
            now = time.perf_counter()
            wait_for = max(0.0, min(s.deadline for s in busy) - now) if busy else 0.0
            ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy],
                         timeout=wait_for)
            for i, s in enumerate(slots):
                if s.task is None:
                    continue
                idx, path = s.task
                done: FileResult | None = None
                if s.conn in ready:
                    try:
                        _, outcome, dt, rss, growth, detail, kind = s.conn.recv()
                        done = FileResult(path, outcome, dt, rss, growth, detail, kind)
                    except (EOFError, OSError):
                        pass
                if done is None and (s.proc.sentinel in ready or not s.proc.is_alive()):
                    done = FileResult(path, "died", time.perf_counter() - s.started,
                                      detail=f"exit code {s.proc.exitcode}")
                    s.stop(kill=True)
                    slots[i] = s = _Slot(ctx, target, kwargs, mem_limit)
                elif done is None and time.perf_counter() >= s.deadline:
                    done = FileResult(path, "timeout", timeout)
                    s.stop(kill=True)
                    slots[i] = s = _Slot(ctx, target, kwargs, mem_limit)
                if done is not None:
                    if not done.kind:  # the worker was killed: classify here (cheap)
                        try:
                            done.kind = str(kind_of(path))
                        except Exception as exc:  # noqa: BLE001
                            done.kind = f"classify-crash:{type(exc).__name__}"
                    results[idx] = done
                    s.task = None
                    if progress:
                        print(f"{len(results):4d}/{len(todo)} {done.outcome:<28} "
                              f"{done.seconds:6.2f}s {path}", file=sys.stderr)
    finally:
        for s in slots:
            s.stop(kill=s.task is not None)
    res.results = [results[i] for i in sorted(results)]
    res.wall_seconds = time.perf_counter() - t_start
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=None)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--reader", default="auto")
    ap.add_argument("--target", default=DEFAULT_TARGET)
    ap.add_argument("--progress", action="store_true")
    a = ap.parse_args(argv)
    root = a.folder or corpora_root()
    if not root.is_dir():
        print(f"no such folder: {root}", file=sys.stderr)
        return 2
    kwargs = {"reader": a.reader} if a.target == DEFAULT_TARGET else {}
    res = sweep(root, workers=a.workers, timeout=a.timeout, target=a.target, kwargs=kwargs,
                progress=a.progress)
    print(res.table(root))
    return 1 if res.failures() else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
