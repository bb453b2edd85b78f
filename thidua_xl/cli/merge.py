"""``thidua-xl merge BLOC_FILE UNIT_FILE... [-o OUT] [--json]``."""
from __future__ import annotations

import json

from .argv import EXIT_UNREADABLE
from .consoles import console


def run(args) -> int:
    from ..errors import ThiduaError
    from ..merge import merge_files

    as_json = bool(getattr(args, "json", False))
    try:
        outcome = merge_files(args.bloc, list(args.units or []), getattr(args, "output", None))
    except ThiduaError as e:
        if as_json:
            print(json.dumps({"file": str(args.bloc), "out": None, "status": "unreadable",
                              "findings": [{"severity": "error", "sheet": None, "cell": None,
                                            "code": e.code, "message": e.message,
                                            "fix": e.fix}]}, ensure_ascii=False))
        else:
            con = console(stderr=True)
            con.print(con.escape(f"Lỗi: {e.message}"))
        return EXIT_UNREADABLE
    if as_json:
        print(json.dumps(outcome.to_json(), ensure_ascii=False))
        return outcome.exit_code
    con = console()
    if outcome.report.findings:
        con.print("[bold]Kết quả gộp phiếu tự chấm[/bold]")
        con.table(("Mức độ", "Ô", "Mã lỗi", "Nội dung"),
                  [(f.severity.label, f.ref or "", f.code, f.message) for f in outcome.report],
                  aligned=3)
    if outcome.out:
        con.print(f"Đã gộp {len(outcome.matched)} phiếu ({len(outcome.writes)} ô) vào "
                  f"[bold]{con.escape(str(outcome.out))}[/bold]; "
                  f"{outcome.report.error_count} lỗi, {outcome.report.warning_count} cảnh báo.")
    else:
        con.print("Không gộp được: sổ khối không đọc được.")
    return outcome.exit_code
