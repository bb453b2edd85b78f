"""The ribbon's "Tính điểm & xếp hạng" writes "Chi tiết điểm" and "Phân tích" into the live
book, with the numbers of the file path (xlwings' remote engine, no Excel needed)."""
from __future__ import annotations

from tests.excel.conftest import standard_bloc
from tests.excel.test_live import actions, sheet_names_after, written_cells
from thidua_xl.excel import handlers
from thidua_xl.io.plan import OUTPUT_ANALYSIS, OUTPUT_DETAIL


def test_tinh_diem_writes_the_audit_sheets(tmp_path, remote):
    path = standard_bloc(tmp_path / "khoi.xlsx")
    book = remote(path)
    result = handlers.tinh_diem(book=book)
    names = sheet_names_after(book)
    assert OUTPUT_DETAIL in names and OUTPUT_ANALYSIS in names
    cells = written_cells(book, OUTPUT_DETAIL)
    header = next(r for (r, c), v in cells.items() if v == "Điểm tính")
    col = {v: c for (r, c), v in cells.items() if r == header}
    sums: dict[str, float] = {}
    for (r, c), v in cells.items():
        if r > header and c == col["Điểm tính"]:
            unit = cells[(r, col["Đơn vị"])]
            sums[unit] = sums.get(unit, 0.0) + float(v)
    assert {u: round(s, 2) for u, s in sums.items()} == {u.name: u.total for u in result.units}
    # every "Ô nguồn" is a link into the scoring sheet
    links = [a for a in actions(book, "addHyperlink")]
    assert sum(1 for a in links if "Chấm điểm" in str(a["args"])) >= len(sums)
