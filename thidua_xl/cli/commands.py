"""The commands ``check``, ``score`` and ``demo``: one library call each, then the result
as text (:mod:`.consoles`) or as JSON (the contract of shared/spec/interfaces.md)."""
from __future__ import annotations

import sys
from pathlib import Path

from .argv import EXIT_ERRORS, EXIT_NO_PDF, EXIT_OK, EXIT_UNREADABLE
from .consoles import console

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Sequence


def _status_code(results: Sequence[Any]) -> int:
    if any(r.status == "unreadable" for r in results):
        return EXIT_UNREADABLE
    if any(r.has_errors for r in results):
        return EXIT_ERRORS
    return EXIT_OK


def _print_json(doc: Any) -> None:
    import json  # only for --json: not on every command's path

    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.2f}".replace(",", " ").replace(".", ",")


def render_findings(console, result) -> None:
    errors = [f for f in result.findings if f.severity.value == "error"]
    warnings = [f for f in result.findings if f.severity.value == "warning"]
    title = f"{result.file}"
    if not result.findings:
        console.print(f"[green]✔[/green] {title}: không có lỗi, không có cảnh báo.")
        return
    mark = "[red]✘[/red]" if errors else "[yellow]![/yellow]"
    console.print(f"{mark} {title}: {len(errors)} lỗi, {len(warnings)} cảnh báo.")
    rows = [("[red]Lỗi[/red]" if f.severity.value == "error" else "[yellow]Cảnh báo[/yellow]",
             f.ref or "—", f.code, f.message, f.fix) for f in result.findings]
    console.table(("Mức độ", "Ô", "Mã lỗi", "Nội dung", "Cách sửa"), rows, aligned=3)


def render_result(console, result) -> None:
    head = result.bloc or result.file
    year = f" năm {result.year}" if result.year else ""
    console.print(f"[bold]{head}[/bold]{year} — {len(result.units)} đơn vị, "
                  f"tổng điểm tối đa {_fmt(result.max_total)}")
    rows = [("—" if u.rank is None else (f"{u.rank}=" if u.tie else str(u.rank)), u.name,
             _fmt(u.total), _fmt(u.percent),
             u.classification.value if u.classification else "—", u.award or "",
             "; ".join(u.notes)) for u in result.units]
    console.table(("Hạng", "Đơn vị", "Tổng điểm", "%", "Xếp loại", "Đề nghị khen thưởng",
                   "Ghi chú"), rows, aligned=6)
    for g in result.tie_groups:
        console.print(f"[yellow]{g.form}: {', '.join(g.units)} — {g.note}[/yellow]")
    if result.next_head or result.next_deputy or result.succession_note:
        console.print(f"Đề xuất suy tôn Khối trưởng: [bold]{result.next_head or '—'}[/bold]; "
                      f"Khối phó: [bold]{result.next_deputy or '—'}[/bold]"
                      + (f" ({result.succession_note})" if result.succession_note else ""))


# --------------------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------------------
def cmd_check(args) -> int:
    from ..api import check_file

    results = [check_file(f) for f in args.files]
    if args.json:
        docs = [r.to_json() for r in results]
        _print_json(docs[0] if len(docs) == 1 else docs)
    else:
        con = console()
        for r in results:
            render_findings(con, r)
    return _status_code(results)


def cmd_score(args) -> int:
    from ..api import score_file

    outcome = score_file(args.file, args.output, pdf=args.pdf,
                         last_year=getattr(args, "nam_truoc", None))
    r = outcome.result
    if args.json:
        _print_json(r.to_json())
    else:
        con = console()
        render_findings(con, r)
        if r.status != "unreadable" and not r.has_errors:
            render_result(con, r)
        if outcome.out:
            what = "chỉ có sheet \"Kiểm tra\" (sổ còn lỗi)" if r.has_errors else "các sheet kết quả"
            con.print(f"Đã ghi [bold]{outcome.out}[/bold] ({what}).")
        for p in outcome.pdfs:
            con.print(f"Đã xuất PDF: [bold]{p}[/bold]")
    code = _status_code([r])
    if outcome.pdf_error:
        console(stderr=True).print(f"[yellow]Không xuất được PDF:[/yellow] {outcome.pdf_error}")
        code = max(code, EXIT_NO_PDF)
    return code


def cmd_demo(args) -> int:
    from ..api import default_output, score_file

    from ..api import example_workbooks

    files = example_workbooks()
    if not files:
        console(stderr=True).print("[red]Không tìm thấy sổ ví dụ kèm theo.[/red]")
        return EXIT_UNREADABLE
    outdir = Path(args.output)
    if outdir.exists() and not outdir.is_dir():
        from ..errors import UsageError

        raise UsageError(f"'{outdir}' là một tệp, không phải thư mục: lệnh demo ghi nhiều "
                         "tệp kết quả vào một thư mục.",
                         fix="Chọn một thư mục (mới hoặc có sẵn) cho -o, ví dụ -o thidua-demo.")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from ..io.atomic import output_error

        raise output_error(outdir / "demo", exc) from exc
    outcomes = []
    for f in files:
        out = outdir / default_output(f).name
        outcomes.append(score_file(f, out))
    if args.json:
        _print_json([o.result.to_json() | {"output": str(o.out) if o.out else None}
                     for o in outcomes])
    else:
        con = console()
        con.print("[bold]Chạy thử trên các sổ ví dụ kèm theo[/bold]")
        for o in outcomes:
            r = o.result
            year = f" năm {r.year}" if r.year else ""
            con.print(f"\n• [bold]{r.bloc}[/bold]{year} — {len(r.units)} đơn vị → {o.out}")
            if r.has_errors:
                con.print(f"  [red]{len(r.findings)} lỗi/cảnh báo — xem sheet \"Kiểm tra\"[/red]")
                continue
            for p in r.proposals:
                con.print(f"  {p.form}: [bold]{p.unit}[/bold] (hạng {p.rank})")
            for g in r.tie_groups:
                con.print(f"  {g.form}: {', '.join(g.units)} — {g.note}")
            if r.next_head:
                con.print(f"  Đề xuất suy tôn Khối trưởng: [bold]{r.next_head}[/bold]"
                          + (f", Khối phó: [bold]{r.next_deputy}[/bold]" if r.next_deputy else ""))
        con.print(f"\nKết quả nằm trong thư mục [bold]{outdir.resolve()}[/bold]. Mở các tệp "
                  "*_ketqua.xlsx để xem sheet \"Kết quả\" và \"Đề nghị khen thưởng\".")
    return _status_code([o.result for o in outcomes])
