"""Live-book fixtures: a bloc workbook turned into an xlwings remote-engine Book.

``xw.Book(json=payload)`` is the engine xlwings Server and xlwings Lite use: the payload
is what the Office.js client sends (sheets with their used-range values from A1), and
``book.json()["actions"]`` is what Python asks Excel to do. The handlers run through the
real xlwings code path with it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.builders import crit, write_bloc


def payload_from_file(path: Path | str) -> dict:
    """The Office.js payload of a workbook file (values of every sheet from A1)."""
    import xlwings as xw
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows(min_row=1, max_row=max(ws.max_row, 1), min_col=1,
                                max_col=max(ws.max_column, 1)):
            vals = []
            for c in row:
                v = c.value
                if isinstance(v, (dt.datetime, dt.date)):
                    v = v.isoformat()
                vals.append(v)
            rows.append(vals)
        sheets.append({"name": ws.title, "values": rows, "pictures": [], "tables": []})
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


@pytest.fixture
def remote(monkeypatch):
    """Factory: workbook path → remote-engine Book (the licence key is set for tests only)."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    if "remote" not in xw.engines.engines_by_name:
        # xlwings registers the remote engine at import time only when the key is set;
        # it may have been imported before this fixture ran
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        xw.engines.add(Engine(impl=_xlremote.engine))

    def make(path):
        return xw.Book(json=payload_from_file(path))

    return make


def standard_bloc(path: Path, **kw) -> Path:
    """A clean bloc: 4 units, two sections, bonus and penalty, Thông tin sheet."""
    units = ["Sở Tư pháp", "Ban Dân tộc tỉnh", "Sở Nội vụ", "Thanh tra tỉnh"]
    criteria = [
        crit("I", "Thực hiện nhiệm vụ chuyên môn"),
        crit("1", "Kết quả nhiệm vụ trọng tâm", 30,
             scores={"Sở Tư pháp": 29, "Ban Dân tộc tỉnh": "28,5", "Sở Nội vụ": 30,
                     "Thanh tra tỉnh": 25}),
        crit("2", "Cải cách hành chính", 20,
             scores={"Sở Tư pháp": 19, "Ban Dân tộc tỉnh": 20, "Sở Nội vụ": 18.5,
                     "Thanh tra tỉnh": 16}),
        crit("II", "Công tác thi đua"),
        crit("1", "Phong trào thi đua", 50,
             scores={"Sở Tư pháp": 48, "Ban Dân tộc tỉnh": 47, "Sở Nội vụ": 49,
                     "Thanh tra tỉnh": 40}),
        crit("III", "Điểm thưởng", type="Điểm thưởng"),
        crit("1", "Sáng kiến", 3, type="Điểm thưởng", scores={"Sở Tư pháp": 2}),
        crit("IV", "Điểm trừ", type="Điểm trừ"),
        crit("1", "Chậm báo cáo", 2, type="Điểm trừ", scores={"Sở Nội vụ": "-1"}),
    ]
    info = {"Tên khối thi đua": "Khối các cơ quan tổng hợp", "Năm thi đua": 2024,
            "Tỉnh/Thành phố": "Thanh Hóa", "Khối trưởng": "Sở Tư pháp",
            "Khối phó": "Sở Nội vụ"}
    args = dict(units=units, criteria=criteria, info=info, subcols=("Tự chấm", "Thống nhất"),
                title_rows=1)
    args.update(kw)
    return write_bloc(path, **args)
