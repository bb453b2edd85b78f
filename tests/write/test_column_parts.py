"""Rows put as columns (SheetPlan.put_columns, what "Chi tiết điểm" is written from): the
bytes of the same rows put whole (put_rows), styles part and links included, written a
column at a time where the rows allow it and as rows where they do not."""
from __future__ import annotations

import zipfile
from datetime import date

import pytest

from thidua_xl.io.outputs import _capped
from thidua_xl.io.plan import SELF_LINK, SheetPlan, Style, WritePlan, rows_of_parts
from thidua_xl.io.render_xml import write_donor
from thidua_xl.io.sheet_columns import _PART_ROWS
from thidua_xl.io.sheet_rows import RowsXml

TEXT = Style(font_name="Times New Roman", font_size=11)
NUM = Style(font_name="Times New Roman", font_size=11, number_format="0.00", h_align="right")
PCT = Style(font_name="Times New Roman", font_size=11, number_format="0.##%")
LINK = Style(font_name="Times New Roman", color="0563C1", underline=True)
#: the styles of a row by the kind of its value in column 2 (as "Chi tiết điểm" has them)
KINDS = tuple((TEXT, TEXT, fmt, LINK, NUM) for fmt in (PCT, TEXT, NUM))
LINKS = (None, None, None, SELF_LINK)


def _unit(name: str, n: int, kinds=(2,)) -> tuple[tuple[list, ...], object, tuple]:
    """A part like a unit's rows of "Chi tiết điểm": its name, a code, an entered value (a
    number, a text or a percentage as ``kinds`` cycle), its source cell, a score."""
    ks = [kinds[k % len(kinds)] for k in range(n)]
    value = [0.25 if k == 0 else "8,5" if k == 1 else (k % 3 or 1.5) for k in ks]
    styles = KINDS[ks[0]] if len(set(ks)) == 1 else [KINDS[k] for k in ks]
    return (([name] * n, [f"I.{i}" for i in range(n)], value,
             [f"Chấm điểm!B{i + 5}" for i in range(n)], [i * 0.5 for i in range(n)]),
            styles, LINKS)


def _odd() -> list[tuple]:
    """Parts the columns cannot all be written from: a quoted text met late, a date (the
    general path), links that differ from row to row, texts to escape, blanks, bools, a
    text longer than a cell holds, a cell there on some rows only."""
    n = 6
    return [
        _unit("Sở A", n),
        (([f"=Sở {i}" if i == 4 else "Sở B" for i in range(n)], ["a < b & c"] * n,
          [True, False, None, "", 3, 2.5], ["Chấm điểm!C9"] * n, [1.0] * n), KINDS[2], LINKS),
        ((["Sở C"] * n, ["x"] * n, [date(2025, 1, 2)] + [1.0] * (n - 1),
          ["Chấm điểm!D2"] * n, [0.0] * n), KINDS[2], LINKS),
        ((["Sở D"] * n, ["y"] * n, [1.0] * n, [None, "Chấm điểm!E3"] * (n // 2), [2.0] * n),
         [KINDS[2][:3] + (None,) + KINDS[2][4:], KINDS[2]] * (n // 2),
         [None, LINKS] * (n // 2)),
        ((["Sở E"] * n, ["+" + "z" * 40_000] * n, [1.0] * n, ["Chấm điểm!F4"] * n,
          [3.0] * n), KINDS[2], LINKS),
        ((["Sở F"] * n, [None, "b"] * (n // 2), [1.0] * n, ["Chấm điểm!G5"] * n, [1.0] * n),
         [(TEXT, None) + KINDS[2][2:], KINDS[2]] * (n // 2), LINKS),
    ]


def _sheets(parts: list, count: int, heights: dict | None = None, cut: bool = False):
    """The same sheet twice: the rows as columns, and the same rows put whole (read across
    here, not by the code under test)."""
    rows = []
    for columns, styles, links in parts:
        n = len(columns[0])
        for k in range(n):
            rows.append((tuple(c[k] for c in columns),
                         styles[k] if isinstance(styles, list) else styles,
                         links[k] if isinstance(links, list) else links))
    plans = []
    for as_columns in (True, False):
        sp = SheetPlan("Chi tiết", row_heights=dict(heights or {}))
        sp.put(1, 1, "Tiêu đề", TEXT)
        if as_columns:
            sp.put_columns(4, count, lambda: iter(parts))
        else:
            sp.put_rows(4, count, lambda: iter(rows))
        sp.put(count + 5, 1, "sau", TEXT)
        plan = WritePlan(sheets=[sp], replace=())
        plans.append(_capped(plan) if cut else plan)
    return plans, rows


def _written(plan, path) -> tuple[bytes, bytes]:
    with zipfile.ZipFile(write_donor(plan, path)) as z:
        return z.read("xl/worksheets/sheet1.xml"), z.read("xl/styles.xml")


@pytest.fixture
def as_rows(monkeypatch):
    """How many rows the writer wrote as rows (RowsXml._whole) rather than as columns."""
    seen = [0]
    whole = RowsXml._whole

    def counted(self, rows, *args):
        def each():
            for row in rows:
                seen[0] += 1
                yield row
        return whole(self, each(), *args)

    monkeypatch.setattr(RowsXml, "_whole", counted)
    return seen


@pytest.mark.parametrize("kinds", [(2,), (2, 2, 1, 2, 0), (1,)],
                         ids=["numbers", "mixed-kinds", "texts"])
def test_units_are_written_a_column_at_a_time_as_their_rows(tmp_path, as_rows, kinds):
    """One styles tuple a unit, or one a row (a column of numbers, texts and percentages),
    and a part longer than is written at a time: the bytes of the rows put whole, none
    written as rows."""
    parts = [_unit("Sở A", 40, kinds), _unit("Sở B", 3, kinds),
             _unit("Sở <C>", 2 * _PART_ROWS + 5, kinds)]
    count = sum(len(p[0][0]) for p in parts)
    (columns, rows), _ = _sheets(parts, count)
    a = _written(columns, tmp_path / "columns.xlsx")
    assert as_rows[0] == 0  # every row written from its columns
    b = _written(rows, tmp_path / "rows.xlsx")
    assert as_rows[0] == count  # (the rows put whole are written as rows)
    assert a == b
    assert a[0].count(b"<hyperlink ") == count and b"S\xe1\xbb\x9f &lt;C&gt;" in a[0]


def test_parts_the_columns_cannot_write_are_written_as_rows(tmp_path, as_rows):
    """Each odd part (and the part around a row with a height of its own) as rows, the
    others from their columns: the bytes of the rows put whole, quoted styles included."""
    parts = _odd()
    count = sum(len(p[0][0]) for p in parts)
    (columns, rows), _ = _sheets(parts, count, heights={5: 30.0}, cut=True)
    a = _written(columns, tmp_path / "columns.xlsx")
    assert 0 < as_rows[0] < count
    assert a == _written(rows, tmp_path / "rows.xlsx")
    assert b'<row r="5" ht="30" customHeight="1">' in a[0] and b'quotePrefix="1"' in a[1]
    assert b"2025-01-02" in a[0] and b"z" * 40_000 not in a[0]


def test_a_block_of_columns_stops_at_its_count(tmp_path):
    parts = [_unit("Sở A", 10), _unit("Sở B", 10)]
    (columns, rows), _ = _sheets(parts, 15)
    a = _written(columns, tmp_path / "columns.xlsx")
    assert a == _written(rows, tmp_path / "rows.xlsx")
    assert b'<row r="18"' in a[0] and b'<row r="19"><c r="A19"' not in a[0]


def test_rows_of_parts_reads_the_columns_across():
    parts = _odd()
    got = list(rows_of_parts(parts))
    _, rows = _sheets(parts, 0)
    assert got == rows


def test_the_audit_table_as_columns_is_its_rows(tmp_path):
    from tests.analysis.helpers import mixed_bloc
    from thidua_xl.api import check_path
    from thidua_xl.core.audit import audit_table

    _, result = check_path(mixed_bloc(tmp_path / "mixed.xlsx"))
    table = audit_table(result)
    rows = [row for part in table.column_parts() for row in zip(*part)]
    assert rows == list(table.tuples()) and len(rows) == len(table) > 0
    table.columns  # once its columns were asked for: one part, the same rows
    assert [row for part in table.column_parts() for row in zip(*part)] == rows


@pytest.mark.parametrize("sources", [
    ["Chấm điểm!B5", "Quy định!C7"],  # two sheets in one column
    ["Chấm điểm!B5", "Chấm điểm!B5:C6"],  # a range, not a cell
    ["A!B5", "A!B!C5"],  # a text that starts as another's sheet does
    ["Điểm!2025!C3"],  # a sheet whose name holds "!": still one prefix for all
], ids=["two-sheets", "a-range", "sheet-in-sheet", "bang-in-name"])
def test_a_column_of_source_links_is_written_as_its_rows_link_them(tmp_path, sources):
    """The "Ô nguồn" links of a column written at once are those written row by row: where
    one text is not "the sheet of the first!a cell", the column's links are made row by
    row (each as RowsXml._link makes it), the others at once, every one of them there."""
    n = 2 * _PART_ROWS + 5  # the first rows learn the sheets, the rest are written at once
    columns, styles, links = _unit("Sở A", n)
    columns = columns[:3] + ([sources[i % len(sources)] for i in range(n)],) + columns[4:]
    (as_columns, as_rows), _ = _sheets([(columns, styles, links)], n)
    a = _written(as_columns, tmp_path / "columns.xlsx")
    assert a == _written(as_rows, tmp_path / "rows.xlsx")
    for text in sources:
        sheet, _, cell = text.rpartition("!")
        assert f'location="\'{sheet}\'!{cell}" display="{text}"/>'.encode() in a[0]
    assert a[0].count(b"<hyperlink ") == n
