"""``thidua-xl template -o FILE [--units FILE_OR_LIST] [--criteria FILE] [--json]``."""
from __future__ import annotations

import json
import sys

from .argv import EXIT_UNREADABLE
from .consoles import console


def run(args) -> int:
    from ..errors import ThiduaError, UsageError
    from ..template import DEFAULT_UNIT_COUNT, parse_units_arg, write_template

    as_json = bool(getattr(args, "json", False))
    out = getattr(args, "output", None)
    try:
        if not out:
            raise UsageError("Thiếu tên tệp mẫu cần tạo (-o TỆP.xlsx).")
        units = parse_units_arg(getattr(args, "units", None))
        criteria_path = getattr(args, "criteria", None)
        path = write_template(out, units, criteria_path)
    except ThiduaError as e:
        if as_json:
            print(json.dumps({"file": str(out) if out else None, "error": e.message,
                              "code": e.code}, ensure_ascii=False))
        else:
            con = console(stderr=True)
            con.print(con.escape(f"Lỗi: {e.message}" + (f"\nCách sửa: {e.fix}" if e.fix else "")))
        return EXIT_UNREADABLE
    n_units = len(units) if units else DEFAULT_UNIT_COUNT
    if as_json:
        print(json.dumps({"file": str(out), "units": n_units, "criteria_file": criteria_path},
                         ensure_ascii=False))
    else:
        con = console()
        con.print(f"Đã tạo sổ mẫu [bold]{con.escape(str(path))}[/bold] với {n_units} đơn vị. "
                  "Mở tệp, điền thông tin và điểm, rồi chạy: thidua-xl check "
                  f"\"{con.escape(str(path))}\"")
    sys.stdout.flush()
    return 0
