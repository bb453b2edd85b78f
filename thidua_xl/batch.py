"""`thidua-xl batch`: score every workbook of some folders in parallel, then write the
province summary (``OUTDIR/tong-hop.xlsx``).

The workers (:mod:`thidua_xl.pool`) are warm processes that score file after file: each
writes its file's result workbook itself and sends back only what the parent keeps (the
file's JSON text and the summary's fields, compressed: :func:`compact`). A file that
exceeds the per-file time limit gets a "timeout" finding while only its own worker is
killed and replaced — one slow or hanging file never stops the batch. A bad file is a
result with findings (unreadable, errors), never an exception.

The progress bar (rich) goes to stderr; with ``--json`` stdout holds only the JSON list.
"""
from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

from .core.record import field, record, replace

if TYPE_CHECKING:  # pragma: no cover
    from .core.findings import Finding
    from .core.models import BlocResult

#: extensions found when walking a folder: workbooks, and spreadsheet-like files that are
#: outside the format (reported as unreadable rather than silently ignored)
WORKBOOK_EXTS = {".xlsx", ".xlsm"}
SPREADSHEET_LIKE_EXTS = {".xls", ".xlsb", ".ods", ".csv"}
DEFAULT_TIMEOUT = 120.0


@record
class Job:
    src: Path  # the file
    display: str  # the path as the user would name it (JSON "file")
    out: Path | None  # where its result workbook goes
    index: int = 0


@record
class BatchOutcome:
    #: per file, in order (a lazy sequence); units keep name/total/rank/classification/award
    #: only (see :func:`compact`); the full data is in ``docs`` and the result workbooks
    results: Sequence["BlocResult"]
    outputs: dict[str, str] = field(default_factory=dict)  # result.file → written workbook
    summary: Path | None = None
    cross: list["Finding"] = field(default_factory=list)
    #: each file's JSON document (``BlocResult.to_json()``, indented), in order (lazy)
    docs: Sequence[str] = ()

    @property
    def exit_code(self) -> int:
        if any(r.status == "unreadable" for r in self.results):
            return 2
        if any(r.has_errors for r in self.results):
            return 1
        return 0  # cross-bloc findings are for the board: shown in tong-hop.xlsx, not here


# --------------------------------------------------------------------------------------
# discovery
# --------------------------------------------------------------------------------------
def _skip(p: Path) -> bool:
    n = p.name
    return n.startswith("~$") or n.startswith(".")  # Excel lock files, hidden temp files


def _inside(p: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        p.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def result_name(rel: Path) -> Path:
    from .api import default_output

    return default_output(rel)


def discover(inputs: list[str | Path], outdir: Path | None = None) -> list[Job]:
    """Every file to process, in a stable order: folders are walked recursively (workbooks
    and spreadsheet-like files); a file named explicitly is always included, whatever it
    is, so that it is reported. Files inside ``outdir`` are skipped (our own results)."""
    from .core.text import display_path
    from .io.atomic import InputFiles

    entries: list[tuple[Path, str, Path]] = []
    sources = InputFiles()
    multi = len(inputs) > 1

    def add(src: Path, display: str, rel: Path) -> None:
        if src in sources:  # the same file named twice (or through a link)
            return
        sources.add(src)
        # shown and written as text: a name that is not UTF-8, or holds ESC, is made safe
        entries.append((src, display_path(display), Path(display_path(rel))))

    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                (f for f in p.rglob("*")
                 if f.is_file() and f.suffix.lower() in WORKBOOK_EXTS | SPREADSHEET_LIKE_EXTS
                 and not any(_skip(Path(part)) for part in f.relative_to(p).parts)
                 and not _inside(f, outdir)),
                key=lambda f: [s.casefold() for s in f.relative_to(p).parts])
            for f in found:
                rel = f.relative_to(p)
                if multi:
                    rel = Path(p.resolve().name or "goc") / rel
                add(f, str(Path(raw) / f.relative_to(p)), rel)
        else:
            add(p, str(raw), Path(p.name))
    # results named after their inputs, never one of the inputs (an input may be called
    # X_ketqua.xlsx) nor the province summary
    jobs: list[Job] = []
    taken: set[str] = set()
    reserved = {summary_name(outdir, sources)} if outdir is not None else set()
    for src, display, rel in entries:
        out = None
        if outdir is not None:
            out = outdir / result_name(rel)
            k = 2
            while os.path.normcase(str(out)) in taken or out in sources or out in reserved:
                out = outdir / result_name(rel.with_name(f"{rel.stem}_{k}{rel.suffix}"))
                k += 1
            taken.add(os.path.normcase(str(out)))
        jobs.append(Job(src, display, out, len(jobs)))
    return jobs


def summary_name(outdir: Path, sources) -> Path:
    """``OUTDIR/tong-hop.xlsx``, or ``tong-hop_2.xlsx`` ... when an input has that name."""
    from .summary import SUMMARY_NAME

    out = outdir / SUMMARY_NAME
    k = 2
    while out in sources:
        stem, dot, ext = SUMMARY_NAME.rpartition(".")
        out = outdir / f"{stem}_{k}{dot}{ext}"
        k += 1
    return out


# --------------------------------------------------------------------------------------
# worker side (runs in the worker processes)
# --------------------------------------------------------------------------------------
def _init_worker(parent: int | None = None) -> None:
    """Worker start: die with the batch, keep stdout clean (JSON lives there)."""
    import sys

    from .stdio import utf8_streams

    if parent is not None:
        from .lifecycle import die_with_parent

        die_with_parent(parent)

    try:
        os.dup2(2, 1)
    except OSError:  # pragma: no cover
        pass
    sys.stdout = sys.stderr
    utf8_streams()  # a worker's warnings are Vietnamese too


def score_job(src: str, out: str | None, display: str) -> "BlocResult":
    """Score one file (in a worker). Never raises: every failure is a result."""
    from .api import score_file
    from .errors import OutputError, ThiduaError

    try:
        if out is None:
            from .api import check_file

            result = check_file(src)
        else:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            result = score_file(src, out).result
    except OutputError as e:
        return _failure(display, "output-error", e.message, e.fix, status="errors")
    except ThiduaError as e:
        status = "unreadable" if e.code in ("unreadable-workbook",) or "unreadable" in e.code \
            else "errors"
        return _failure(display, e.code, e.message, e.fix, status=status)
    except MemoryError:
        return _failure(display, "out-of-memory", "Không đủ bộ nhớ để xử lý sổ này.",
                        "Chạy riêng sổ này bằng thidua-xl check để xem chi tiết.")
    except Exception as e:  # noqa: BLE001 - a bug must not stop the batch
        return _failure(display, "internal-error",
                        f"Lỗi không mong đợi khi xử lý sổ: {type(e).__name__}: {e}",
                        "Gửi tệp này cho người phát triển.")
    result.file = display
    return slim(result)


def slim(result: "BlocResult") -> "BlocResult":
    """Drop what neither the JSON nor the summary uses (per-leaf scores), so the parent's
    memory stays flat however many files a batch holds."""
    for u in result.units:
        u.leaf_scores = {}
    result.parsed = None
    return result


def compact(result: "BlocResult", docs: bool = True) -> tuple[bytes | None, bytes]:
    """What the parent keeps of a result, so its memory stays flat over hundreds of files:
    the file's JSON text (zlib; None without ``docs``) and a light copy for the summary
    (units keep name, total, rank, classification, award), pickled and compressed. Made
    in the worker: the parent only stores the bytes."""
    import json
    import pickle
    import zlib

    from .core.models import UnitResult

    doc = json.dumps(result.to_json(), ensure_ascii=False, indent=2) if docs else None
    units = [UnitResult(name=u.name, key=u.key, total=u.total, percent=u.percent, rank=u.rank,
                        tie=u.tie, classification=u.classification, award=u.award)
             for u in result.units]
    small = replace(result, units=units, sections=[], parsed=None)
    return (zlib.compress(doc.encode("utf-8"), 3) if doc is not None else None,
            zlib.compress(pickle.dumps(small, protocol=pickle.HIGHEST_PROTOCOL), 3))


class Packed(Sequence):
    """A read-only list whose items are stored compressed and rebuilt on access; the first
    ``keep`` items are kept once rebuilt (the summary reads every result several times:
    a province's usual batch is rebuilt once, a huge one's memory stays bounded)."""

    def __init__(self, blobs: list[bytes], load: Callable[[bytes], Any], keep: int = 0) -> None:
        self._blobs = blobs
        self._load = load
        self._kept: dict[int, Any] = {}
        self._keep = keep

    def __len__(self) -> int:
        return len(self._blobs)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._blobs)))]
        if i < 0:
            i += len(self._blobs)
            if i < 0:
                raise IndexError("Packed index out of range")
        item = self._kept.get(i)
        if item is None:
            item = self._load(self._blobs[i])
            if i < self._keep:
                self._kept[i] = item
        return item


#: results the parent keeps rebuilt (≈ 30 kB each for 30 units): a province's blocs, while
#: the parent's memory stays flat over a batch of hundreds (bench_memory)
KEEP_REBUILT = 32


def _load_result(blob: bytes):
    import pickle
    import zlib

    return pickle.loads(zlib.decompress(blob))


def _load_doc(blob: bytes) -> str:
    import zlib

    return zlib.decompress(blob).decode("utf-8")


def _failure(display: str, code: str, message: str, fix: str = "",
             status: str = "errors") -> "BlocResult":
    from .core.findings import Finding, Severity
    from .core.models import BlocResult

    return BlocResult(file=display, bloc=Path(display).stem, status=status,
                      findings=[Finding(severity=Severity.ERROR, code=code, message=message,
                                        fix=fix)])


# --------------------------------------------------------------------------------------
# running the jobs (parent side)
# --------------------------------------------------------------------------------------
def _lost(job: Job, code: str, detail: str, timeout: float) -> "BlocResult":
    """The result of a file its worker gave none for."""
    if code == "timeout":
        return _failure(job.display, "timeout",
                        f"Sổ xử lý quá {timeout:g} giây nên bị dừng và bỏ qua.",
                        "Kiểm tra riêng sổ này (thidua-xl check); nếu sổ rất lớn, chạy lại "
                        "với --timeout lớn hơn.")
    if code == "worker-crashed":
        return _failure(job.display, "worker-crashed",
                        "Tiến trình xử lý sổ này bị dừng đột ngột (có thể do thiếu bộ nhớ "
                        "hoặc tệp hỏng); sổ bị bỏ qua.",
                        "Chạy riêng sổ này bằng thidua-xl check để xem chi tiết.")
    if code == "worker-start-failed":
        return _failure(job.display, "worker-start-failed",
                        "Không khởi động được tiến trình xử lý (cài đặt thidua_xl bị lỗi?).",
                        "Cài đặt lại thidua_xl rồi chạy lại.")
    return _failure(job.display, "internal-error", f"Lỗi không mong đợi: {detail}",
                    "Gửi tệp này cho người phát triển.")


def _job_args(job: Job) -> tuple:
    return (str(job.src), str(job.out) if job.out else None, job.display)


def run_jobs(jobs: list[Job], *, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT,
             worker: Callable[..., Any] = score_job, pack: Callable[[Any], Any] | None = None,
             on_progress: Callable[[int, int, list[str]], None] | None = None,
             ctx=None) -> list[Any]:
    """Run ``worker(src, out, display)`` for every job in parallel; results in job order.

    ``worker`` and ``pack`` must be importable module-level functions (or partials of
    them): ``pack`` turns each result, in the worker, into what the caller keeps (and the
    results made here: timeouts, crashes). A job over ``timeout`` seconds is a "timeout"
    result; its process is replaced. Workers die with the batch and ignore Ctrl-C
    (:mod:`thidua_xl.lifecycle`).
    """
    if not jobs:
        return []
    from . import pool
    from .lifecycle import terminate_as_exit

    n = max(1, min(int(workers or os.cpu_count() or 1), len(jobs)))
    keep = pack or (lambda r: r)
    progress = (lambda done, current: on_progress(done, len(jobs), current)) \
        if on_progress else None
    own = ctx is None
    ctx = ctx or pool.context()
    try:
        with terminate_as_exit():
            results = pool.run_lanes(
                jobs, n=n, timeout=timeout, args=_job_args, worker=worker, pack=pack,
                init=_init_worker, fail=lambda job, code, detail:
                keep(_lost(job, code, detail, timeout)), on_progress=progress, ctx=ctx)
    except BaseException:
        if own:  # (a caller's context is the caller's to stop: run_batch does)
            pool.stop_server(ctx, at_once=True)  # Ctrl-C, SIGTERM: nothing to wait for
        raise
    if own:
        pool.stop_server(ctx)
    return [results[j.index] for j in jobs]


# --------------------------------------------------------------------------------------
# the batch
# --------------------------------------------------------------------------------------
def run_batch(inputs: list[str | Path], outdir: str | Path, *, jobs: int | None = None,
              timeout: float = DEFAULT_TIMEOUT, progress: Callable[[int], Any] | None = None,
              worker: Callable[..., Any] = score_job, docs: bool = True) -> BatchOutcome:
    """Score every workbook under ``inputs`` into ``outdir`` and write ``tong-hop.xlsx``.

    ``progress(total)`` (the command line's progress bar) makes an object with
    ``update(done, current_files)`` and ``stop()``; None (or False) shows nothing.
    ``docs=False``: no JSON documents are made (``BatchOutcome.docs`` is empty)."""
    from functools import partial

    from . import pool
    from .errors import UsageError
    from .io.atomic import output_error
    from .summary import SUMMARY_NAME, cross_checks, write_summary

    import math

    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise UsageError(f"Thời gian tối đa cho một sổ phải là số giây lớn hơn 0 "
                         f"(nhận được {timeout!r}).", fix="Ví dụ --timeout 120.")
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"'{outdir}' không phải là thư mục.", fix="Chọn một thư mục cho -o.")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(outdir / SUMMARY_NAME, exc) from exc
    ctx = pool.context()
    pool.start_server(ctx)  # the workers' modules load while the folders are walked
    try:
        work = discover(inputs, outdir)
        from .io.atomic import InputFiles

        summary_path = summary_name(outdir, InputFiles(j.src for j in work))
        if not work:
            raise UsageError("Không tìm thấy sổ chấm điểm nào (.xlsx, .xlsm) trong: "
                             + ", ".join(str(x) for x in inputs),
                             fix="Kiểm tra lại đường dẫn thư mục hoặc tệp.")
        missing = {j.index for j in work if not j.src.exists()}
        runnable = [j for j in work if j.index not in missing]
        pack = compact if docs else partial(compact, docs=False)

        bar = progress(len(work)) if progress else None
        try:
            done = run_jobs(runnable, workers=jobs, timeout=timeout, worker=worker, pack=pack,
                            on_progress=(lambda d, t, cur: bar.update(d + len(missing), cur))
                            if bar else None, ctx=ctx)
        finally:
            if bar:
                bar.stop()
    except BaseException:
        pool.stop_server(ctx, at_once=True)
        raise
    pool.stop_server(ctx)
    by_index = {j.index: r for j, r in zip(runnable, done)}
    del done
    blobs: list[bytes] = []
    doc_blobs: list[bytes] = []
    outputs: dict[str, str] = {}
    for j in work:
        if j.index in missing:
            doc, blob = pack(_failure(j.display, "file-not-found",
                                      f"Không tìm thấy tệp '{j.display}'.",
                                      "Kiểm tra lại đường dẫn.", status="unreadable"))
        else:
            doc, blob = by_index.pop(j.index)
        blobs.append(blob)
        if docs:
            doc_blobs.append(doc)
        if j.out is not None and j.out.exists():
            outputs[j.display] = str(j.out.relative_to(outdir))
    results = Packed(blobs, _load_result, KEEP_REBUILT)
    cross = cross_checks(results)
    summary = write_summary(results, summary_path, cross, outputs)
    return BatchOutcome(results, outputs, summary, cross,
                        Packed(doc_blobs, _load_doc) if docs else ())
