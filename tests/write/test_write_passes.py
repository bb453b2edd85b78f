"""The passes render_xml makes over a block's rows (SheetPlan.put_rows): the styles pass,
which passes over chunks of rows that cannot register a style, registers every style in
the order the cells come (the same styles part and cell ids as the cells put one by one),
and the links are made in the cells pass (the source read twice)."""
from __future__ import annotations

import re
import zipfile

from thidua_xl.io.plan import SELF_LINK, SheetPlan, Style, WritePlan
from thidua_xl.io.render_xml import write_donor
from thidua_xl.io.sheet_rows import _ROWS_PER_CHUNK

TEXT = Style(font_name="Times New Roman", font_size=11)
NUM = Style(font_name="Times New Roman", font_size=11, number_format="0.00")
LINK = Style(font_name="Times New Roman", color="0563C1", underline=True)
OTHER = Style(font_name="Arial", bold=True)
A = (TEXT, NUM, LINK, TEXT)
B = (OTHER, NUM, LINK, None)
LINKS = (None, None, SELF_LINK)
N = 3 * _ROWS_PER_CHUNK + 7


def _rows() -> list[tuple]:
    """Plain rows, and late in the table (in chunks of their own): a quoted text in a column
    whose quoted style is missing, another styles tuple, a quoted "Ô nguồn", a short row."""
    rows = [((f"Đơn vị {r % 7}", r * 0.5, f"Chấm điểm!B{r + 5}", "x"), A, LINKS)
            for r in range(N)]
    at = _ROWS_PER_CHUNK + 100
    rows[at] = (("Đơn vị 1", 1.0, "Chấm điểm!B9", "-quoted late"), A, LINKS)
    rows[at + 1] = (("-quoted too", 1.0, "Chấm điểm!B9", "y"), A, LINKS)  # not new: chunk seen
    rows[2 * _ROWS_PER_CHUNK + 3] = (("Khác", 2.0, "Chấm điểm!C1", "z"), B, LINKS)
    rows[2 * _ROWS_PER_CHUNK + 9] = (("Khác", None, "=Lạ!C1"), B, LINKS)  # quoted link text
    rows[3 * _ROWS_PER_CHUNK + 2] = (("ngắn",), A, LINKS)  # a short row
    rows[3 * _ROWS_PER_CHUNK + 4] = (("Đơn vị 2", 3.0, "Chấm điểm!B7", "+late"), A, LINKS)
    return rows


def _parts(path) -> tuple[bytes, bytes]:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml"), z.read("xl/styles.xml")


def test_a_block_registers_styles_as_its_cells_put_one_by_one(tmp_path):
    rows = _rows()
    calls: list[int] = []

    def source():
        calls.append(1)
        return iter(rows)

    lazy = SheetPlan("Bảng")
    lazy.put(1, 1, "Tiêu đề", TEXT)
    lazy.put_rows(2, N, source)
    one = SheetPlan("Bảng")
    for c in lazy.all_cells():
        one.put(c.row, c.col, c.value, c.style, c.link)
    calls.clear()
    a = _parts(write_donor(WritePlan(sheets=[lazy], replace=()), tmp_path / "lazy.xlsx"))
    assert calls == [1, 1]  # the styles pass, then the cells with their links
    b = _parts(write_donor(WritePlan(sheets=[one], replace=()), tmp_path / "one.xlsx"))
    assert a == b
    sheet, styles = a
    xfs = re.findall(rb"<xf [^>]*>", styles.split(b"<cellXfs")[1])
    quoted = {i for i, x in enumerate(xfs) if b'quotePrefix="1"' in x}
    assert len(quoted) == 2  # TEXT's (column D late, then A: the same) and LINK's

    def style_of(ref: str) -> int:
        return int(re.search(rb'<c r="%b" s="(\d+)"' % ref.encode(), sheet).group(1))

    at = _ROWS_PER_CHUNK + 100 + 2  # the sheet row of the first late quoted text
    assert style_of(f"D{at}") in quoted and style_of(f"D{at - 1}") not in quoted
    assert style_of(f"A{at + 1}") in quoted and style_of(f"A{at}") not in quoted
    assert style_of(f"C{2 * _ROWS_PER_CHUNK + 11}") in quoted
    assert style_of(f"D{3 * _ROWS_PER_CHUNK + 6}") == style_of(f"D{at}")
    assert b'<row r="%d"><c r="A%d"' % (3 * _ROWS_PER_CHUNK + 4, 3 * _ROWS_PER_CHUNK + 4) in sheet
    assert sheet.count(b"<hyperlink ") == N - 1  # the short row has no "Ô nguồn"
    assert ('<hyperlink ref="C3" location="\'Chấm điểm\'!B6" display="Chấm điểm!B6"/>'
            .encode() in sheet)


def test_a_column_of_texts_that_never_repeat_is_written_as_cell_by_cell(tmp_path):
    """Past the cache's bound (an "Ô nguồn" column: a column at a time), with the texts
    that must be written one at a time among them: escaped, quoted, empty, another sheet's,
    not a cell; rows of two templates in a chunk, a row with a height of its own."""
    from thidua_xl.io.sheet_rows import _CACHE_MAX

    n = _CACHE_MAX + 6 * _ROWS_PER_CHUNK
    styles, links = (LINK, NUM, TEXT), (SELF_LINK,)
    rows = [((f"Chấm điểm!B{r + 5}", r % 3, f"x{r}" if r % 5 else r * 0.25), styles, links)
            for r in range(n)]
    late = _CACHE_MAX + _ROWS_PER_CHUNK + 10
    odd = ["Chấm điểm!B1 & C1", "=Chấm điểm!B2", "", "Kết quả!A1",
           "Chấm điểm!B:B"]
    for k, text in enumerate(odd):
        rows[late + k * _ROWS_PER_CHUNK] = ((text, 1, "y"), styles, links)
    lazy = SheetPlan("Bảng")
    lazy.row_heights[100] = 25.0
    lazy.put_rows(1, n, lambda: iter(rows))
    one = SheetPlan("Bảng", row_heights=dict(lazy.row_heights))
    for c in lazy.all_cells():
        one.put(c.row, c.col, c.value, c.style, c.link)
    a = _parts(write_donor(WritePlan(sheets=[lazy], replace=()), tmp_path / "lazy.xlsx"))
    b = _parts(write_donor(WritePlan(sheets=[one], replace=()), tmp_path / "one.xlsx"))
    assert a == b
    sheet = a[0]
    assert b"Ch\xe1\xba\xa5m \xc4\x91i\xe1\xbb\x83m!B1 &amp; C1</t>" in sheet
    assert b'<row r="100" ht="25" customHeight="1">' in sheet
    last = n  # the last row, written a column at a time
    assert ('<hyperlink ref="A%d" location="\'Chấm điểm\'!B%d" display="Chấm điểm!B%d"/>'
            % (last, n + 4, n + 4)).encode() in sheet
    assert sheet.count(b"<hyperlink ") == n - 1  # "" links nowhere
