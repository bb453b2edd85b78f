"""Build bloc workbooks in tests (openpyxl), following shared/spec/bloc-workbook.md.

Every knob is a variation the format tolerates, so a test states the variation it checks::

    path = write_bloc(tmp_path / "b.xlsx",
        units=["Sở A", "Sở B"],
        criteria=[crit("I", "Công tác chung"),
                  crit("1", "Tiêu chí 1", 10, scores={"Sở A": 9, "Sở B": "8,5"}),
                  crit("II", "Điểm thưởng", type="Điểm thưởng"),
                  crit("1", "Thưởng", 5, type="Điểm thưởng", scores={"Sở A": 2})])

A score may be a dict {sub-label: value} when ``subcols`` is given (e.g.
("Tự chấm", "Khối chấm", "Thống nhất")); plain values go to the last sub-column.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def crit(code: str, text: str = "", max: Any = None, *, type: str | None = None,
         weight: Any = None, target: Any = None, per_time: Any = None,
         scores: dict | None = None) -> dict:
    return dict(code=code, text=text or f"Tiêu chí {code}", max=max, type=type,
                weight=weight, target=target, per_time=per_time, scores=scores or {})


def write_bloc(
    path: Path | str,
    *,
    units: list[str] | list[dict],
    criteria: list[dict],
    info: dict | None = None,
    rules: dict | None = None,
    forms: list[dict] | None = None,
    subcols: tuple[str, ...] = (),
    title_rows: int = 0,
    start_col: int = 1,
    group_order: list[str] | None = None,
    units_sheet: bool = True,
    totals_row: dict | bool | None = None,
    sheet_names: dict | None = None,
    labels: dict | None = None,
    extra_columns: bool = True,
    percent_cells: set | None = None,
    merge_headers: bool = True,
    blank_row_after_header: bool = False,
    blank_col_between_groups: bool = False,
    hidden_rows: tuple[int, ...] = (),
    other_sheet: bool = False,
    keep_vba: bool = False,
) -> Path:
    """Write a bloc workbook and return its path.

    - ``units``: names, or dicts with keys of the "Đơn vị" sheet (name, last_year,
      discipline, women, women_ratio, official, review, last_title, rotation).
    - ``info``: Thông tin rows, e.g. {"Tên khối thi đua": "Khối X", "Năm thi đua": 2024,
      "Khối trưởng": "Sở A"}; None = no sheet.
    - ``rules``: Quy định key/value rows; ``forms``: rows of its forms table (dicts with the
      six column labels as keys).
    - ``labels``: replace left-block header labels, e.g. {"Mã": "STT", "Điểm tối đa": "Điểm chuẩn"}.
    - ``sheet_names``: e.g. {"Chấm điểm": "CHAM_DIEM"}.
    - ``totals_row``: {unit: value} to write a "Tổng cộng" row, or True for a label-only row.
    """
    path = Path(path)
    sheet_names = sheet_names or {}
    labels = labels or {}
    unit_dicts = [u if isinstance(u, dict) else {"name": u} for u in units]
    names = [u["name"] for u in unit_dicts]
    wb = Workbook()
    ws_first = wb.active

    if info is not None:
        ws = wb.create_sheet(sheet_names.get("Thông tin", "Thông tin"))
        ws.append(["THÔNG TIN KHỐI THI ĐUA"])
        for k, v in info.items():
            ws.append([k, v])

    if units_sheet:
        ws = wb.create_sheet(sheet_names.get("Đơn vị", "Đơn vị"))
        cols = ["STT", "Tên đơn vị"]
        head = {"last_year": "Xếp loại năm trước", "discipline": "Kỷ luật",
                "women": "Tập thể nữ", "women_ratio": "Tỷ lệ nữ (%)",
                "official": "Xếp loại năm nay", "review": "Đang xem xét kỷ luật, thanh tra",
                "last_title": "Danh hiệu năm trước", "rotation": "Thứ tự luân phiên"}
        extra = [k for k in head if any(k in u for u in unit_dicts)]
        ws.append(cols + [labels.get(head[k], head[k]) for k in extra]
                  + (["Ghi chú"] if extra_columns else []))
        for i, u in enumerate(unit_dicts, 1):
            ws.append([i, u["name"]] + [u.get(k) for k in extra])

    ws = wb.create_sheet(sheet_names.get("Chấm điểm", "Chấm điểm"))
    r0 = 1
    for t in range(title_rows):
        ws.cell(row=r0, column=start_col, value=f"BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2024 ({t + 1})")
        if merge_headers:
            ws.merge_cells(start_row=r0, start_column=start_col, end_row=r0,
                           end_column=start_col + 6)
        r0 += 1
    left = ["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại", "Hệ số", "Chỉ tiêu", "Điểm mỗi lần"]
    head_row = r0
    sub_row = r0 + 1 if subcols else None
    c = start_col
    for lab in left:
        ws.cell(row=head_row, column=c, value=labels.get(lab, lab))
        if sub_row and merge_headers:
            ws.merge_cells(start_row=head_row, start_column=c, end_row=sub_row, end_column=c)
        c += 1
    group_cols: dict[str, list[int]] = {}
    for name in (group_order or names):
        if blank_col_between_groups:
            c += 1
        width = max(1, len(subcols))
        ws.cell(row=head_row, column=c, value=name)
        if width > 1 and merge_headers:
            ws.merge_cells(start_row=head_row, start_column=c, end_row=head_row,
                           end_column=c + width - 1)
        cols = list(range(c, c + width))
        for j, sl in enumerate(subcols):
            ws.cell(row=sub_row, column=c + j, value=sl)
        group_cols[name] = cols
        c += width
    r = (sub_row or head_row) + 1
    if blank_row_after_header:
        r += 1
    for cr in criteria:
        vals = [cr["code"], cr["text"], cr["max"], cr["type"], cr["weight"], cr["target"],
                cr["per_time"]]
        for j, v in enumerate(vals):
            if v is not None:
                ws.cell(row=r, column=start_col + j, value=v)
        for uname, v in cr["scores"].items():
            cols = group_cols[uname]
            if isinstance(v, dict):
                for sl, sv in v.items():
                    ws.cell(row=r, column=cols[list(subcols).index(sl)], value=sv)
            else:
                cell = ws.cell(row=r, column=cols[-1], value=v)
                if percent_cells and (cr["code"], uname) in percent_cells:
                    cell.number_format = "0%"
        r += 1
    if totals_row:
        ws.cell(row=r, column=start_col + 1, value="Tổng cộng")
        if isinstance(totals_row, dict):
            for uname, v in totals_row.items():
                ws.cell(row=r, column=group_cols[uname][-1], value=v)
    for hr in hidden_rows:
        ws.row_dimensions[hr].hidden = True
    for col in range(1, c + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14

    if rules is not None or forms is not None:
        ws = wb.create_sheet(sheet_names.get("Quy định", "Quy định"))
        for k, v in (rules or {}).items():
            ws.append([k, v])
        if forms is not None:
            ws.append([])
            hdr = ["Hình thức khen thưởng", "Số lượng tối đa", "Tỷ lệ tối đa (%)",
                   "Xếp loại tối thiểu", "Không bị kỷ luật", "Năm trước HTXS"]
            ws.append(hdr)
            for f in forms:
                ws.append([f.get(h) for h in hdr])

    if other_sheet:
        ws = wb.create_sheet("Ghi chép riêng")
        ws["A1"] = "Sổ tay của người dùng — không được sửa"
    wb.remove(ws_first)
    wb.save(path)
    return path


def to_xlsm(src: Path | str, dest: Path | str, vba: bytes | None = None) -> Path:
    """Copy a workbook as a macro-enabled package (.xlsm), optionally with a vbaProject.bin."""
    import zipfile

    dest = Path(dest)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                if vba is not None:
                    data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                        b'"application/vnd.ms-office.vbaProject"/></Types>')
            zout.writestr(item, data)
        if vba is not None:
            zout.writestr("xl/vbaProject.bin", vba)
    return dest
