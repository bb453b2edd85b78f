"""While calamine reads a large sheet on the calling thread, giving up the GIL, a second
thread completes the sheet's scan and imports what the command runs next (read_calamine's
``meanwhile``). The grid, the scan and every refusal must be those of the one-thread read;
only the order of the work changes. Sheets here are small: ``LATER_CELLS`` is lowered so
that they take that path."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import Workbook

from thidua_xl.errors import UnreadableWorkbook
from thidua_xl.io import ooxml_meta, ooxml_sparse
from thidua_xl.io import read_calamine as rc
from thidua_xl.io.readers import read_grid

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "workbooks" / "examples" / "000_thanh_hoa_2021_khoi_tham_muu_kinh_te.xlsx"


def _book(path: Path, *, error_text: str = "#DIV/0!") -> Path:
    """A sheet with what the scan reports: percent cells, a formula without a cached value,
    an error cell, a hidden row and column; and a small second sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chấm điểm"
    for r in range(1, 41):
        for c in range(1, 9):
            ws.cell(r, c, r * 10 + c)
    ws["B3"].number_format = "0%"
    ws["C4"].number_format = "0.00%"
    ws["D5"] = "=SUM(A1:A4)"  # openpyxl writes no cached value
    ws["E6"] = error_text
    ws.row_dimensions[7].hidden = True
    ws.column_dimensions["F"].hidden = True
    ws2 = wb.create_sheet("Đơn vị")
    ws2["A1"] = "Sở A"
    wb.save(path)
    return path


def _facts(grid):
    return [(sg.name, [list(r) for r in sg.dense] if sg.dense is not None else sg.values,
             sorted(sg.percent), sorted(sg.uncached), sorted(sg.hidden_rows),
             sorted(sg.hidden_cols)) for sg in grid.sheets]


@pytest.fixture
def small_later(monkeypatch):
    monkeypatch.setattr(ooxml_meta, "LATER_CELLS", 100)  # the 40 × 8 sheet, not the other


def test_beside_returns_work_and_tasks_in_order():
    """Work runs here (calamine allocates from this thread's heap), the tasks beside."""
    here = threading.current_thread().name
    value, results = rc.beside(lambda: threading.current_thread().name,
                               (lambda: threading.current_thread().name, lambda: "b"))
    assert value == here and results == ["thidua-xl-scan", "b"]


def test_beside_raises_a_task_error_first_and_after_the_work_ended():
    ended = threading.Event()

    def work():
        ended.wait(5)
        raise ValueError("work")

    def task():
        ended.set()
        raise KeyError("task")

    with pytest.raises(KeyError):
        rc.beside(work, (task,))
    assert not [t for t in threading.enumerate() if t.name == "thidua-xl-scan"]
    with pytest.raises(ValueError):
        rc.beside(work, ())


def test_beside_without_threads_runs_the_work_after_the_tasks(monkeypatch):
    order = []

    def no_start(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_start)
    value, results = rc.beside(lambda: order.append("work") or 1,
                               (lambda: order.append("task") or 2,))
    assert (value, results, order) == (1, [2], ["task", "work"])


@pytest.mark.parametrize("error_text", ["#DIV/0!", "#N/A"])
def test_scan_later_completes_to_the_scan_of_one_pass(tmp_path, small_later, error_text):
    path = _book(tmp_path / "b.xlsx", error_text=error_text)
    whole = ooxml_meta.scan(path, merges=False, sparse=True)
    later: dict = {}
    first = ooxml_meta.scan(path, merges=False, sparse=True, later=later)
    assert list(later) == ["Chấm điểm"]  # the small sheet was scanned whole
    bounds = first["Chấm điểm"]
    assert not bounds.percent and not bounds.uncached and not bounds.errors
    assert (bounds.bbox, bounds.cells) == (whole["Chấm điểm"].bbox, whole["Chấm điểm"].cells)
    done = later["Chấm điểm"]()
    for field in ("percent", "uncached", "errors", "hidden_rows", "hidden_cols", "bbox",
                  "cells", "shared_cells", "shared_max_len", "exact"):
        assert getattr(done, field) == getattr(whole["Chấm điểm"], field), field
    assert done.percent == {(3, 2), (4, 3)} and done.uncached == {(5, 4)}
    assert done.errors == {(6, 5): error_text} and done.hidden_rows == {7}
    assert first["Đơn vị"] == whole["Đơn vị"]


def test_a_declined_completion_gives_the_exact_scan(tmp_path, small_later, monkeypatch):
    path = _book(tmp_path / "b.xlsx")
    exact = ooxml_meta.scan(path, merges=False, sparse=False)["Chấm điểm"]
    monkeypatch.setattr(ooxml_sparse, "sparse_details", lambda *a: None)
    later: dict = {}
    ooxml_meta.scan(path, merges=False, sparse=True, later=later)
    done = later["Chấm điểm"]()
    assert done.exact and done == exact


def test_the_threaded_read_gives_the_grid_of_one_thread(tmp_path, monkeypatch):
    path = _book(tmp_path / "b.xlsx")
    serial = read_grid(path, reader="calamine")
    monkeypatch.setattr(ooxml_meta, "LATER_CELLS", 100)
    calls, threads = [], []
    real = rc.beside

    def spy(work, tasks):
        threads.append(len(tasks))
        return real(work, tasks)

    monkeypatch.setattr(rc, "beside", spy)
    threaded = read_grid(path, reader="calamine", meanwhile=lambda: calls.append(1))
    assert threads == [2] and calls == [1]
    assert _facts(threaded) == _facts(serial)
    assert serial.sheets[0].percent == {(3, 2), (4, 3)}  # (what was compared is there)
    monkeypatch.setattr(ooxml_meta, "LATER_CELLS", 1)  # both sheets: ``meanwhile`` once
    calls.clear(), threads.clear()
    again = read_grid(path, reader="calamine", meanwhile=lambda: calls.append(1))
    assert threads == [2, 1] and calls == [1] and _facts(again) == _facts(serial)
    monkeypatch.setattr(ooxml_sparse, "sparse_details", lambda *a: None)  # the exact scans
    assert _facts(read_grid(path, reader="calamine")) == _facts(serial)


def test_a_scan_refusal_comes_before_what_calamine_says(tmp_path, small_later, monkeypatch):
    path = _book(tmp_path / "b.xlsx")

    def refuse(*a):
        raise UnreadableWorkbook("x", code="malformed-xml")

    monkeypatch.setattr(ooxml_sparse, "sparse_details", refuse)
    monkeypatch.setattr(rc, "_sheet", lambda *a: pytest.fail("a grid of a refused sheet"))
    with pytest.raises(UnreadableWorkbook) as err:
        read_grid(path, reader="calamine")
    assert err.value.code == "malformed-xml" and "b.xlsx" in err.value.message


def test_check_imports_what_it_runs_next_while_calamine_reads():
    """In a fresh process: the read of a large sheet leaves the writer's modules imported
    when ``score`` asks (api.AFTER_SCORE), and not when nothing is asked."""
    code = ("import sys; from thidua_xl.io import ooxml_meta; ooxml_meta.LATER_CELLS = 100\n"
            "from thidua_xl import api\n"
            f"api.check_path(r'{EXAMPLE}'{{}})\n"
            "print('thidua_xl.io.render_xml' in sys.modules)")

    def run(extra):
        return subprocess.run([sys.executable, "-c", code.format(extra)], capture_output=True,
                              text=True, check=True, cwd=REPO).stdout.strip()
    assert run(", after=api.AFTER_SCORE") == "True"
    assert run("") == "False"  # (check alone does not write)


def test_every_module_named_to_import_after_reading_exists():
    import importlib.util

    from thidua_xl import api

    for name in api.AFTER_SCORE:
        assert importlib.util.find_spec(name) is not None, name
    assert set(api.AFTER_READ) < set(api.AFTER_SCORE)
