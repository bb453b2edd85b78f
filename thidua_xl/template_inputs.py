"""What ``thidua-xl template`` is given: the units (a file or "Sở A; Sở B") and the criteria
file (.xlsx/.csv with the score sheet's left-block labels, read as the parser reads them)."""
from __future__ import annotations

import csv
from pathlib import Path

from .core.record import record
from .core.vocab import SCORE_COLUMNS, criterion_type_label, is_total_label
from .errors import UnreadableWorkbook, UsageError
from .core.vocab import CRITERION_TYPE_LABELS as TYPE_LABELS

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any


@record
class TemplateCriterion:
    code: str
    text: str
    max: float | None = None
    type: str = ""  # "" = Chấm điểm
    weight: float | None = None
    target: float | None = None
    per_time: float | None = None


#: a list of units is a few KB; anything this large is the wrong file
UNITS_FILE_LIMIT = 16 * 1024**2


def parse_units_arg(value: str | None) -> list[str] | None:
    """``--units``: a text file (one per line), an .xlsx/.xlsm (a "Tên đơn vị" column or the
    first column), or a list separated by commas or semicolons. None when not given."""
    if value is None:
        return None
    from .core.text import clean, fold, unit_key

    p = Path(value)
    names: list[str]
    looks_like_file = p.suffix.lower() in {".txt", ".csv", ".xlsx", ".xlsm"} or p.exists()
    if p.exists() and not p.is_file():  # /dev/zero, a FIFO, a folder: never a unit's name
        raise UsageError(f"\"{value}\" không phải là một tệp danh sách đơn vị thông thường "
                         "(thư mục, thiết bị hoặc đường ống).",
                         fix="Chỉ ra một tệp .txt/.csv/.xlsx, hoặc ghi danh sách đơn vị cách "
                             "nhau bằng dấu phẩy.", code="bad-units-file")
    if looks_like_file and p.is_file() and p.stat().st_size > UNITS_FILE_LIMIT:
        raise UsageError(f"Tệp danh sách đơn vị \"{value}\" quá lớn "
                         f"({p.stat().st_size // 1024**2} MB).",
                         fix="Một danh sách đơn vị chỉ cần vài KB: kiểm tra lại tên tệp.",
                         code="bad-units-file")
    if looks_like_file and p.is_file():
        if p.suffix.lower() in {".xlsx", ".xlsm"}:
            rows = _read_xlsx_rows(p)
            col = 0
            start = 0
            for i, row in enumerate(rows[:15]):
                hit = [j for j, v in enumerate(row)
                       if fold(v) in {fold("Tên đơn vị"), fold("Đơn vị"), fold("Tên cơ quan")}]
                if hit:
                    col, start = hit[0], i + 1
                    break
            names = [clean(r[col]) for r in rows[start:] if len(r) > col]
        else:
            try:
                text = p.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError:
                text = p.read_text(encoding="cp1258", errors="replace")
            names = [clean(line.split(";")[0] if p.suffix.lower() == ".csv" else line)
                     for line in text.splitlines()]
    elif looks_like_file and p.suffix and not p.exists() and ("," not in value and ";" not in value):
        raise UsageError(f"Không tìm thấy tệp danh sách đơn vị: {value}",
                         fix="Kiểm tra lại đường dẫn, hoặc ghi danh sách cách nhau bởi dấu phẩy.")
    else:
        import re

        names = [clean(x) for x in re.split(r"[;,\n]", value)]
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        if not n or n.isdigit() or fold(n) in {fold("Tên đơn vị"), fold("Đơn vị")}:
            continue
        k = unit_key(n)
        if k not in seen:
            seen.add(k)
            out.append(n)
    if not out:
        raise UsageError("Danh sách đơn vị trống.",
                         fix="Ghi ít nhất một tên đơn vị (mỗi dòng một đơn vị).")
    return out


def _read_xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any failure means "not a workbook we can read"
        raise UnreadableWorkbook(f"Không đọc được tệp {path.name}: {e}",
                                 fix="Lưu tệp dưới dạng .xlsx rồi thử lại.") from None
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


# the criteria file uses the left-block labels of the score sheet, read the same way
_CRIT_LABELS = SCORE_COLUMNS


def load_criteria(path: str | Path) -> list[TemplateCriterion]:
    """Criteria from an .xlsx/.xlsm/.csv with columns Mã | Nội dung tiêu chí | Điểm tối đa |
    Loại | Hệ số | Chỉ tiêu | Điểm mỗi lần (only Mã and Nội dung required)."""
    from .core.text import clean, fold
    from .core.values import parse_number

    p = Path(path)
    if not p.is_file():
        raise UsageError(f"Không tìm thấy tệp tiêu chí: {path}")
    ext = p.suffix.lower()
    if ext in {".xlsx", ".xlsm"}:
        rows = _read_xlsx_rows(p)
    elif ext in {".csv", ".txt"}:
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1258", errors="replace")
        first = text.splitlines()[0] if text else ""
        delim = max((";", ",", "\t"), key=first.count)
        rows = [list(r) for r in csv.reader(text.splitlines(), delimiter=delim)]
    else:
        raise UsageError(f"Tệp tiêu chí phải là .xlsx hoặc .csv: {p.name}")

    wanted = {key: {fold(x) for x in labels} for key, labels in _CRIT_LABELS.items()}
    cols: dict[str, int] = {}
    start = None
    for i, row in enumerate(rows[:15]):
        found: dict[str, int] = {}
        for j, v in enumerate(row):
            f = fold(v)
            for key, labs in wanted.items():
                if f in labs and key not in found:
                    found[key] = j
        if "code" in found and "text" in found:
            cols, start = found, i + 1
            break
    if start is None:
        raise UsageError(
            f"Tệp tiêu chí {p.name} không có dòng tiêu đề Mã | Nội dung tiêu chí | Điểm tối đa.",
            fix="Thêm dòng tiêu đề với các cột: Mã, Nội dung tiêu chí, Điểm tối đa, Loại, "
                "Hệ số, Chỉ tiêu, Điểm mỗi lần.")

    def cell(row, key):
        j = cols.get(key)
        return row[j] if j is not None and j < len(row) else None

    def num(row, key, i):
        v = cell(row, key)
        parsed = parse_number(v)
        if parsed.problem:
            raise UsageError(f"Tệp tiêu chí {p.name}, dòng {i}: giá trị '{v}' ở cột "
                             f"{_CRIT_LABELS[key][0]} không phải là số.")
        return parsed.value

    out: list[TemplateCriterion] = []
    for i, row in enumerate(rows[start:], start + 1):
        code = clean(cell(row, "code")).rstrip(".")
        text = clean(cell(row, "text"))
        if not code:
            if text and is_total_label(text):
                continue
            if text:
                raise UsageError(f"Tệp tiêu chí {p.name}, dòng {i}: tiêu chí '{text}' chưa có Mã.")
            continue
        t_raw = clean(cell(row, "type"))
        t = criterion_type_label(t_raw)
        if t is None:
            raise UsageError(f"Tệp tiêu chí {p.name}, dòng {i}: Loại '{t_raw}' không hợp lệ.",
                             fix="Loại là một trong: " + ", ".join(TYPE_LABELS) + ".")
        out.append(TemplateCriterion(
            code=code, text=text, max=num(row, "max", i),
            type="" if t == "Chấm điểm" and not t_raw else t,
            weight=num(row, "weight", i), target=num(row, "target", i),
            per_time=num(row, "per_time", i)))
    if not out:
        raise UsageError(f"Tệp tiêu chí {p.name} không có tiêu chí nào.")
    return out
