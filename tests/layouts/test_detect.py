"""Layout detection is one step before parsing: what each layout found and lacks
(io.layouts.candidates / closest, for the message of a workbook in none of them)."""
from __future__ import annotations

from openpyxl import Workbook

from thidua_xl import api
from thidua_xl.io.layouts import candidates, closest, detect

from .builders import write_matrix, write_per_unit, write_summary


def _grid(path):
    return api.read_grid(path)


def test_each_book_is_detected_as_its_layout(tmp_path):
    books = {"matrix": write_matrix(tmp_path / "m.xlsx", sheet="Bảng điểm"),
             "per-unit-sheets": write_per_unit(tmp_path / "p.xlsx"),
             "summary": write_summary(tmp_path / "s.xlsx")}
    for layout, path in books.items():
        grid = _grid(path)
        assert detect(grid).layout == layout
        usable = [c.layout for c in candidates(grid) if c.usable]
        assert usable[0] == layout  # the order of detection: matrix, per-unit, summary


def test_a_book_in_no_layout_says_what_came_closest(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.append(["STT", "Tên đơn vị", "Ghi chú"])
    ws.append([1, "Sở A", "đã nộp"])
    wb.save(tmp_path / "b.xlsx")
    grid = _grid(tmp_path / "b.xlsx")
    assert detect(grid) is None
    best = closest(grid)
    assert best.layout == "summary" and not best.usable
    assert best.lacks == ["sheet \"Tổng hợp\" có cột Tên đơn vị nhưng không có cột điểm "
                          "theo mục"]
    doc = api.check_file(tmp_path / "b.xlsx").to_json()
    assert doc["layout"] is None and doc["findings"][0]["code"] == "missing-score-sheet"


def test_one_self_score_sheet_is_not_a_bloc(tmp_path):
    p = write_per_unit(tmp_path / "p.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(p)
    for name in ("Phiếu 2", "Phiếu 3", "Phiếu 4"):
        wb.remove(wb[name])
    wb.save(p)
    grid = _grid(p)
    assert detect(grid) is None
    [per_unit] = [c for c in candidates(grid) if c.layout == "per-unit-sheets"]
    assert "hai sheet" in per_unit.lacks[0] and "Phiếu 1" in per_unit.found[0]
