"""``thidua-xl lich-su FILE_OR_DIR... -o OUT.xlsx [--json]``: the history workbook.

The files are read one by one by :func:`thidua_xl.history.read_history`; on a terminal a
progress bar (stderr) follows them. Exit 2 when a file could not be read, 1 when one has
errors (both are listed and skipped), else 0.
"""
from __future__ import annotations

import json
import sys

from .argv import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE
from .commands import _print_json
from .consoles import console

_FILE_STATUS = {"errors": "sổ còn lỗi", "unreadable": "không đọc được",
                "no-year": "không rõ năm", "duplicate": "trùng khối và năm"}


def run(args) -> int:
    from ..history import counts, read_history, write_history

    bar = None

    def progress(done: int, total: int, name: str) -> None:
        nonlocal bar
        if bar is None and not args.json and sys.stderr.isatty():
            from .batch import ProgressBar

            bar = ProgressBar(total)
        if bar is not None:
            bar.update(done, [name])

    try:
        frame = read_history(args.inputs, on_file=progress)
    finally:
        if bar is not None:
            bar.stop()
    notes = frame.attrs["files"]
    if not notes:
        console(stderr=True).print("[red]Không tìm thấy sổ chấm điểm nào.[/red]")
        return EXIT_UNREADABLE
    out = write_history(frame, args.output)
    code = (EXIT_UNREADABLE if any(n.status == "unreadable" for n in notes)
            else EXIT_ERRORS if any(n.status == "errors" for n in notes) else EXIT_OK)
    n_units, n_blocs, years = counts(frame)
    if args.json:
        rows = json.loads(frame.to_json(orient="records", force_ascii=False))
        _print_json({"output": str(out), "years": years, "rows": rows,
                     "files": [{"file": n.file, "status": n.status, "message": n.message,
                                "rows": n.rows} for n in notes]})
        return code
    con = console()
    for n in notes:
        if n.status != "ok":
            mark = "[red]✘[/red]" if n.status in ("errors", "unreadable") else "[yellow]![/yellow]"
            con.print(f"{mark} {con.escape(n.file)}: {_FILE_STATUS.get(n.status, n.status)}"
                      + (f" — {con.escape(n.message)}" if n.message else ""))
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "—")
    con.print(f"Đã ghi [bold]{con.escape(str(out))}[/bold]: {len(frame)} dòng, "
              f"{n_units} đơn vị, {n_blocs} khối, năm {span}.")
    return code
