"""read_xlwings on a desktop-like engine (number formats and merges readable), with a fake
xlwings Book built from an openpyxl workbook: the grid equals the file reader's, percent
cells and merged areas included. Plus the remote engine's percent-format warning."""
from __future__ import annotations

from openpyxl import load_workbook

from tests.builders import crit, write_bloc
from thidua_xl import api
from thidua_xl.excel import handlers
from thidua_xl.excel.read_xlwings import _is_percent_format, read_book


class FakeRange:
    def __init__(self, sheet, r1, c1, r2=None, c2=None):
        self.sheet, self.row, self.column = sheet, r1, c1
        self.r2, self.c2 = (r2 or r1), (c2 or c1)
        self.shape = (self.r2 - r1 + 1, self.c2 - c1 + 1)

    def _cells(self):
        return [(r, c) for r in range(self.row, self.r2 + 1)
                for c in range(self.column, self.c2 + 1)]

    def options(self, **kw):
        return self

    @property
    def value(self):
        return [[self.sheet.values.get((r, c)) for c in range(self.column, self.c2 + 1)]
                for r in range(self.row, self.r2 + 1)]

    @property
    def number_format(self):  # COM: None when the cells disagree
        fmts = {self.sheet.formats.get(k, "General") for k in self._cells()}
        return fmts.pop() if len(fmts) == 1 else None

    def _merge(self, r, c):
        for m in self.sheet.merges:
            if m[0] <= r <= m[2] and m[1] <= c <= m[3]:
                return m
        return None

    @property
    def merge_cells(self):
        flags = {self._merge(r, c) is not None for r, c in self._cells()}
        return flags.pop() if len(flags) == 1 else None

    @property
    def merge_area(self):
        m = self._merge(self.row, self.column)
        return FakeRange(self.sheet, *m) if m else self


class FakeSheet:
    def __init__(self, ws):
        self.name = ws.title
        self.values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                       if c.value is not None}
        self.formats = {(c.row, c.column): c.number_format for row in ws.iter_rows()
                        for c in row}
        self.merges = [(m.min_row, m.min_col, m.max_row, m.max_col)
                       for m in ws.merged_cells.ranges]

    @property
    def used_range(self):
        rows = [r for r, _ in self.values] or [1]
        cols = [c for _, c in self.values] or [1]
        return FakeRange(self, 1, 1, max(rows), max(cols))

    def range(self, a, b=None):
        if b is None:
            return FakeRange(self, *a)
        return FakeRange(self, a[0], a[1], b[0], b[1])


class FakeBook:
    def __init__(self, path):
        wb = load_workbook(path)
        self.sheets = [FakeSheet(ws) for ws in wb.worksheets]
        self.name = path.name


def _bloc_with_percent(tmp_path):
    return write_bloc(
        tmp_path / "pt.xlsx", units=["Sở A", "Sở B"],
        criteria=[crit("I", "Chung"),
                  crit("1", "Tỷ lệ hồ sơ đúng hạn", 10, type="Định lượng", target=100,
                       scores={"Sở A": 0.95, "Sở B": 0.8}),
                  crit("2", "Nhiệm vụ", 10, scores={"Sở A": 9, "Sở B": 8})],
        percent_cells={("1", "Sở A"), ("1", "Sở B")}, subcols=("Tự chấm", "Khối chấm"),
        title_rows=1)


def test_desktop_grid_equals_the_file_grid(tmp_path):
    path = _bloc_with_percent(tmp_path)
    file_grid = api.read_grid(path)
    live = read_book(FakeBook(path))
    assert getattr(live, "percent_formats_known") is True
    for sg in file_grid.sheets:
        lg = next(s for s in live.sheets if s.name == sg.name)
        assert lg.values == sg.values, sg.name
        assert lg.percent == sg.percent, sg.name
        assert {m.ref for m in lg.merges} >= {m.ref for m in sg.merges
                                             if isinstance(sg.values.get((m.min_row, m.min_col)), str)}
    assert any(s.percent for s in live.sheets)


def test_desktop_analysis_equals_the_cli(tmp_path):
    path = _bloc_with_percent(tmp_path)
    cli = api.check_file(path).to_json()
    _, live = handlers.analyze_book(FakeBook(path))
    assert live.to_json()["units"] == cli["units"]
    assert not [f for f in live.findings if f.code == "percent-format-unknown"]


def test_remote_engine_warns_about_unknown_percent_formats(tmp_path, remote):
    path = _bloc_with_percent(tmp_path)
    _, live = handlers.analyze_book(remote(path))
    warn = [f for f in live.findings if f.code == "percent-format-unknown"]
    assert len(warn) == 1 and warn[0].severity.value == "warning"
    assert warn[0].sheet == "Chấm điểm" and "%" in warn[0].message and warn[0].fix
    # the same cause is not said again cell by cell (issue #12: root causes only)
    assert not [f for f in live.findings if f.code == "result-looks-like-fraction"]


def test_percent_format_detection():
    assert _is_percent_format("0%") and _is_percent_format("0.00%")
    assert not _is_percent_format('0" %"') and not _is_percent_format("General")
    assert not _is_percent_format(None)
