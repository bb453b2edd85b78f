"""``thidua-xl batch DIR_OR_FILES... -o OUTDIR [-j N] [--timeout S] [--json]``.

The progress bar (rich) goes to stderr; with ``--json`` stdout holds only the JSON list.
"""
from __future__ import annotations

from pathlib import Path

from .consoles import console


class ProgressBar:
    """A rich progress bar on stderr showing the files being scored."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn)

        self.console = Console(stderr=True)
        self.progress = Progress(SpinnerColumn(), TextColumn("Đang chấm"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("{task.description}"), console=self.console,
                                 transient=False)
        self.task = self.progress.add_task("", total=total)
        self.progress.start()

    def update(self, done: int, current: list[str]) -> None:
        desc = ", ".join(Path(c).name for c in current[:3])
        if len(current) > 3:
            desc += f" (+{len(current) - 3})"
        self.progress.update(self.task, completed=done, description=desc)

    def stop(self) -> None:
        self.progress.update(self.task, description="")
        self.progress.stop()


def run(args) -> int:
    """``thidua-xl batch DIR_OR_FILES... -o OUTDIR [-j N] [--timeout S] [--json]``."""
    import sys

    from ..batch import DEFAULT_TIMEOUT, run_batch

    as_json = bool(getattr(args, "json", False))
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        from ..errors import UsageError

        raise UsageError("Số tiến trình (-j) phải từ 1 trở lên.")
    timeout = getattr(args, "timeout", None) or DEFAULT_TIMEOUT
    outcome = run_batch(list(args.inputs), args.output, jobs=jobs, timeout=float(timeout),
                        progress=ProgressBar, docs=as_json)
    if as_json:
        out = sys.stdout
        out.write("[")
        for i, doc in enumerate(outcome.docs):
            # indented JSON has no blank line: every line gets the list's indent
            out.write(("," if i else "") + "\n  " + doc.replace("\n", "\n  "))
        out.write("\n]\n" if len(outcome.docs) else "]\n")
        sys.stdout.flush()
    else:
        _render(outcome)
    return outcome.exit_code


def _render(outcome) -> None:
    from ..summary import STATUS_LABELS

    con = console()
    con.print("[bold]Kết quả chấm các sổ[/bold]")
    rows = []
    for i, r in enumerate(outcome.results, 1):
        e, w = r.error_count, r.warning_count
        label = STATUS_LABELS.get(r.status, r.status)
        style = {"ok": "green", "errors": "red", "unreadable": "red"}.get(r.status)
        rows.append((str(i), r.file, r.bloc or "—", str(r.year or "—"),
                     f"[{style}]{label}[/{style}]" if style else label, str(e), str(w),
                     outcome.outputs.get(r.file, "—")))
    con.table(("STT", "Tệp", "Khối thi đua", "Năm", "Trạng thái", "Lỗi", "Cảnh báo",
               "Tệp kết quả"), rows, aligned=8)
    for r in outcome.results:
        errs = [f for f in r.findings if f.severity.value == "error"]
        if not errs:
            continue
        con.print(f"[red]✘[/red] {con.escape(r.file)}: {len(errs)} lỗi")
        for f in errs[:5]:
            where = f" [{f.ref}]" if f.ref else ""
            con.print(con.escape(f"    {f.code}{where}: {f.message}"))
        if len(errs) > 5:
            con.print(f"    … và {len(errs) - 5} lỗi khác (xem sheet \"Kiểm tra\" của tệp kết quả).")
    if outcome.cross:
        con.print("[bold]Kiểm tra chéo giữa các khối:[/bold]")
        for f in outcome.cross:
            mark = "[red]Lỗi[/red]" if f.severity.value == "error" else "[yellow]Cảnh báo[/yellow]"
            con.print(f"  {mark} {f.code}: {con.escape(f.message)}")
    con.print(f"Đã ghi bảng tổng hợp: [bold]{con.escape(str(outcome.summary))}[/bold]")
