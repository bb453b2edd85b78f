"""The bloc of tests/office_books.py written in the other layouts and variations offices
keep (bloc-workbook.md v2): a scoring sheet under another name, a three-row header,
lettered or prefixed section codes, one sheet per unit, a summary table."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..office_books import INFO, NAMES, ROWS, SUBCOLS, UNITS, final

ROMANS = ["I", "II", "III", "IV", "V", "VI"]


def _info_and_units(wb: Workbook, *, units: bool = True) -> None:
    ws = wb.create_sheet("Thông tin")
    ws.append(["THÔNG TIN KHỐI THI ĐUA"])
    for k, v in INFO.items():
        ws.append([k, v])
    if units:
        ws = wb.create_sheet("Đơn vị")
        ws.append(["STT", "Tên đơn vị", "Xếp loại năm trước"])
        for i, u in enumerate(UNITS, 1):
            ws.append([i, u["name"], u["last_year"]])


def _section_codes(style: str) -> list[str]:
    """The section codes of ROWS written in a style: roman, letters, or a prefix."""
    n = sum(1 for code, *_ in ROWS if code in ROMANS)
    if style == "roman":
        return ROMANS[:n]
    if style == "letters":
        return ["A", "B", "C", "D"][:n]
    if style == "prefixed":
        return ["Phần I", "Mục II", "Chương III", "Phần IV"][:n]
    if style == "tieu-chi":
        return [f"Tiêu chí {i}" for i in range(1, n + 1)]
    raise ValueError(style)


def write_matrix(path: Path, *, sheet: str = "Chấm điểm", super_header: bool = False,
                 sections: str = "roman", title: bool = True, duplicate: bool = False) -> Path:
    """The canonical matrix with the variations of the v2 "Tolerance" list."""
    wb = Workbook()
    wb.remove(wb.active)
    _info_and_units(wb)
    ws = wb.create_sheet(sheet)
    r = 1
    if title:
        ws.cell(r, 1, "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2024")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=9)
        r += 1
    left = ["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại"]
    depth = 3 if super_header else 2
    for j, lab in enumerate(left, 1):
        ws.cell(r, j, lab)
        ws.merge_cells(start_row=r, start_column=j, end_row=r + depth - 1, end_column=j)
    first = len(left) + 1
    name_row = r + 1 if super_header else r
    if super_header:
        ws.cell(r, first, "ĐIỂM CHẤM CỦA CÁC ĐƠN VỊ")
        ws.merge_cells(start_row=r, start_column=first, end_row=r,
                       end_column=first + len(NAMES) * len(SUBCOLS) - 1)
    for i, name in enumerate(NAMES):
        c = first + i * len(SUBCOLS)
        ws.cell(name_row, c, name)
        ws.merge_cells(start_row=name_row, start_column=c, end_row=name_row,
                       end_column=c + len(SUBCOLS) - 1)
        for j, sub in enumerate(SUBCOLS):
            ws.cell(name_row + 1, c + j, sub)
    r = name_row + 2
    codes = iter(_section_codes(sections))
    for code, text, mx, typ, scores in ROWS:
        shown = next(codes) if code in ROMANS else code
        for j, v in enumerate([shown, text, mx, typ], 1):
            if v is not None:
                ws.cell(r, j, v)
        for i, triple in enumerate(scores or []):
            for j, v in enumerate(triple):
                if v is not None:
                    ws.cell(r, first + i * len(SUBCOLS) + j, v)
        r += 1
        if duplicate and code == "2" and text == "Cải cách hành chính":
            ws.cell(r, 1, "2")  # typed twice: the row is still a criterion of section I
            ws.cell(r, 2, "Cải cách hành chính (nhập lại)")
            ws.cell(r, 3, 0)
            r += 1
    wb.save(path)
    return path


def write_per_unit(path: Path, *, naming: str = "label", units_sheet: bool = True,
                   drop: tuple[str, str] | None = None, extra: str | None = None,
                   max_differs: str | None = None, mixed: bool = False) -> Path:
    """One "Phiếu chấm điểm" sheet per unit. ``naming``: the unit is named on a row
    "Đơn vị:" ("label"), in the title "… của <unit>" ("title") or by the sheet ("sheet").
    ``drop`` = (unit, text of a criterion) left out of that unit's sheet; ``extra`` = a unit
    whose sheet has one more criterion; ``max_differs`` = a unit whose sheet has another
    maximum for the first criterion; ``mixed``: sheets laid out differently — the second
    and fourth with a two-row header ("Điểm chấm" merged over the sub-labels), the third
    starting in column B and with the rows of section I in another order."""
    wb = Workbook()
    wb.remove(wb.active)
    _info_and_units(wb, units=units_sheet)
    for i, name in enumerate(NAMES):
        ws = wb.create_sheet(name if naming == "sheet" else f"Phiếu {i + 1}")
        title = "PHIẾU CHẤM ĐIỂM THI ĐUA NĂM 2024"
        ws.cell(1, 1, f"{title} CỦA {name}" if naming == "title" else title)
        ws.merge_cells("A1:H1")
        if naming == "label":
            ws.cell(2, 1, "Đơn vị:")
            ws.cell(2, 2, name)
        r = 4
        two_rows = mixed and i in (1, 3)
        shift = 1 if mixed and i == 2 else 0
        left = ["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Loại"]
        for j, lab in enumerate(left, 1 + shift):
            ws.cell(r, j, lab)
            if two_rows:
                ws.merge_cells(start_row=r, start_column=j, end_row=r + 1, end_column=j)
        first_sub = len(left) + 1 + shift
        if two_rows:
            ws.cell(r, first_sub, "Điểm chấm")
            ws.merge_cells(start_row=r, start_column=first_sub, end_row=r,
                           end_column=first_sub + len(SUBCOLS) - 1)
            r += 1
        for j, lab in enumerate([*SUBCOLS, "Giải trình"], first_sub):
            ws.cell(r, j, lab)
        r += 1
        first_leaf = True
        rows = list(ROWS)
        if shift:  # the two criteria of section I the other way round
            rows[1], rows[2] = rows[2], rows[1]
        for code, text, mx, typ, scores in rows:
            if drop == (name, text):
                continue
            if max_differs == name and mx is not None and first_leaf:
                mx += 5
            if mx is not None:
                first_leaf = False
            for j, v in enumerate([code, text, mx, typ], 1 + shift):
                if v is not None:
                    ws.cell(r, j, v)
            for j, v in enumerate(scores[i] if scores else ()):
                if v is not None:
                    ws.cell(r, first_sub + j, v)
            r += 1
            if extra == name and code == "2" and text == "Cải cách hành chính":
                for j, v in enumerate(["3", "Tiêu chí chỉ có ở sheet này", 5, None, 5], 1):
                    ws.cell(r, j, v)
                r += 1
        ws.cell(r, 2, "Tổng cộng")
    wb.save(path)
    return path


def section_totals() -> dict[str, dict[str, float]]:
    """unit → {"I": …, "II": …, "bonus": …, "penalty": …} from ROWS' final values."""
    out: dict[str, dict[str, float]] = {n: {} for n in NAMES}
    section = ""
    for code, _text, _mx, typ, scores in ROWS:
        if code in ROMANS:
            section = {"Điểm thưởng": "bonus", "Điểm trừ": "penalty"}.get(typ, code)
            continue
        for name, triple in zip(NAMES, scores or []):
            out[name][section] = out[name].get(section, 0) + final(triple)
    return out


def section_maxima() -> dict[str, float]:
    out: dict[str, float] = {}
    section = ""
    for code, _text, mx, typ, _scores in ROWS:
        if code in ROMANS:
            section = {"Điểm thưởng": "bonus", "Điểm trừ": "penalty"}.get(typ, code)
        else:
            out[section] = out.get(section, 0) + mx
    return out


def write_summary(path: Path, *, maxima: str = "header", sheet: str = "Bảng tổng hợp",
                  units_sheet: bool = False, total: bool = True, names: bool = False,
                  grouped: bool = False) -> Path:
    """The bloc as a "Bảng tổng hợp": units as rows, one column per section. ``maxima``:
    "header" ("I (50 điểm)"), "row" (a row "Điểm tối đa") or "none"; ``units_sheet``:
    a sheet "Đơn vị" (else the summary's own "Xếp loại năm trước" column); ``names``: the
    sections' names as headers instead of their codes; ``grouped``: a two-row header, the
    sections under a merged "ĐIỂM CÁC MỤC" and the other headers merged over both rows."""
    wb = Workbook()
    wb.remove(wb.active)
    _info_and_units(wb, units=units_sheet)
    ws = wb.create_sheet(sheet)
    ws.cell(1, 1, "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2024")
    ws.merge_cells("A1:H1")
    mx = section_maxima()
    titles = {code: text for code, text, *_ in ROWS if code in ROMANS}
    head = ["STT", "Tên đơn vị"]
    for sec in ("I", "II"):
        label = titles[sec] if names else sec
        head.append(f"{label} ({mx[sec]:g} điểm)" if maxima == "header" else label)
    head += ["Điểm thưởng", "Điểm trừ"] + (["Tổng điểm"] if total else [])
    if not units_sheet:
        head.append("Xếp loại năm trước")
    head.append("Ghi chú")
    r = 4
    if grouped:
        for j, v in enumerate(head, 1):
            if j in (3, 4):
                ws.cell(4, j, v)
            else:
                ws.cell(3, j, v)
                ws.merge_cells(start_row=3, start_column=j, end_row=4, end_column=j)
        ws.cell(3, 3, "ĐIỂM CÁC MỤC")
        ws.merge_cells("C3:D3")
        r = 5
    else:
        for j, v in enumerate(head, 1):
            ws.cell(3, j, v)
    if maxima == "row":
        for j, v in enumerate(["", "Điểm tối đa", mx["I"], mx["II"], mx["bonus"],
                               mx["penalty"]], 1):
            ws.cell(r, j, v)
        r += 1
    totals = section_totals()
    for i, u in enumerate(UNITS, 1):
        t = totals[u["name"]]
        row = [i, u["name"], t["I"], t["II"], t["bonus"], t["penalty"]]
        if total:
            row.append(t["I"] + t["II"] + t["bonus"] - t["penalty"])
        if not units_sheet:
            row.append(u["last_year"])
        for j, v in enumerate(row, 1):
            ws.cell(r, j, v)
        r += 1
    wb.save(path)
    return path


def write_all(folder: Path) -> dict[str, Path]:
    """name → path of every layout variation that is also converted to .xls/.ods."""
    return {
        "bang-diem": write_matrix(folder / "bang-diem.xlsx", sheet="Bảng điểm",
                                  super_header=True, sections="prefixed"),
        "per-unit": write_per_unit(folder / "per-unit.xlsx"),
        "summary": write_summary(folder / "summary.xlsx"),
        "self-score": write_self_score_of(folder / "self-score.xlsx", "Sở Nội vụ",
                                          bump=0.5),
        "percent": write_percent(folder / "percent.xlsx"),
    }


def write_percent(path: Path) -> Path:
    """A Định lượng criterion whose results are typed as percent cells (0.9 shown 90%)."""
    from ..builders import crit, write_bloc

    results = {"Sở A": 0.9, "Sở B": 0.95, "Sở C": 0.76}
    return write_bloc(path, units=list(results), criteria=[
        crit("I", "Chung"), crit("1", "Tiêu chí", 10, scores={u: 9 for u in results}),
        crit("2", "Tỷ lệ hồ sơ đúng hạn", 10, type="Định lượng", target=95, scores=results)],
        percent_cells={("2", u) for u in results})


def write_self_score_of(path: Path, unit: str, *, bump: float = 0.0) -> Path:
    """The unit's "Phiếu tự chấm" (tests/province/helpers.py) with its Tự chấm values of
    ROWS, each leaf lowered by ``bump`` (so a merge visibly changes the bloc's cells)."""
    from ..province.helpers import write_self_score

    i = NAMES.index(unit)
    rows = [(code, text, mx, (max(scores[i][0] - bump, 0) if scores else None))
            for code, text, mx, _typ, scores in ROWS]
    return write_self_score(path, unit, rows)


def final_scores() -> dict[str, list[float]]:
    """unit → its final value per leaf row of ROWS (for the layouts that keep only those)."""
    out: dict[str, list[float]] = {n: [] for n in NAMES}
    for _code, _text, _mx, _typ, scores in ROWS:
        for name, triple in zip(NAMES, scores or []):
            out[name].append(final(triple))
    return out
