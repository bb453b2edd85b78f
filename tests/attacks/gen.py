"""Generators of hostile workbooks (issue #16): each writes a small file in a folder.

Every generator starts from a bloc workbook of ``workbooks/examples`` (or one built by the
test) and patches its zip parts on the bytes, so the files stay a few KB to a few MB
however much they would inflate. ``python -m tests.attacks.gen DIR`` writes them all.
"""
from __future__ import annotations

import re
import shutil
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "examples" / "000_thanh_hoa_2021_khoi_tham_muu_kinh_te.xlsx"
INFO = "xl/worksheets/sheet1.xml"     # Thông tin
UNITS = "xl/worksheets/sheet2.xml"    # Đơn vị
SCORES = "xl/worksheets/sheet3.xml"   # Chấm điểm


def patch(dst: Path, edits: dict, *, src: Path = EXAMPLE, add: dict | None = None,
          level: int = 6) -> Path:
    """Copy ``src`` to ``dst``; ``edits`` maps a part to a function bytes → bytes (or to
    an iterator of byte chunks, streamed into the zip)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(
            dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            fn = edits.get(info.filename)
            if fn is None:
                zout.writestr(info.filename, data)
                continue
            out = fn(data)
            if isinstance(out, (bytes, bytearray)):
                zout.writestr(info.filename, bytes(out))
            else:
                with zout.open(info.filename, "w", force_zip64=True) as f:
                    for chunk in out:
                        f.write(chunk)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def _add_cell(ref: str, value: bytes = b"<v>1</v>"):
    row = re.match(r"[A-Za-z]+([0-9]+)", ref).group(1)

    def fn(data: bytes) -> bytes:
        cell = b'<row r="%s"><c r="%s">%s</c></row>' % (row.encode(), ref.encode(), value)
        return data.replace(b"</sheetData>", cell + b"</sheetData>")
    return fn


def far_cell(dst: Path, ref: str = "XFE100000") -> Path:
    """One cell at ``ref`` in Thông tin (beyond Excel's grid, or far outside the sheet)."""
    return patch(dst, {INFO: _add_cell(ref)})


def dense_cells(dst: Path, rows: int = 1600, cols: int = 1000, level: int = 1) -> Path:
    """Thông tin with ``rows`` × ``cols`` numeric cells (compresses to a few hundred KB)."""
    def fn(data: bytes):
        head, _, tail = data.partition(b"</sheetData>")
        yield head
        from thidua_xl.io.grid import col_letter
        letters = [col_letter(c).encode() for c in range(1, cols + 1)]
        for r in range(100, 100 + rows):
            rb = str(r).encode()
            yield b'<row r="%s">' % rb + b"".join(
                b'<c r="%s%s"><v>7</v></c>' % (L, rb) for L in letters) + b"</row>"
        yield b"</sheetData>" + tail
    return patch(dst, {INFO: fn}, level=level)


def inflated_shared_strings(dst: Path, total: int = 1_900_000_000, level: int = 9) -> Path:
    """A shared-strings part of ``total`` bytes (one cell of Thông tin uses it)."""
    ct = b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml' \
         b'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    rel = b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/' \
          b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'

    def sst():
        yield (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
        block = b"A" * (1 << 22)
        for done in range(0, total, len(block)):
            yield block[:total - done]
        yield b"</t></si></sst>"

    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(
            dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        assert "xl/sharedStrings.xml" not in zin.namelist()
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", ct)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", rel)
            elif info.filename == INFO:
                data = _add_cell("C1", b"<v>0</v>")(data).replace(b'<c r="C1">',
                                                                  b'<c r="C1" t="s">')
            zout.writestr(info.filename, data)
        with zout.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            for chunk in sst():
                f.write(chunk)
    return dst


def bad_image_crc(dst: Path, src: Path = EXAMPLE) -> Path:
    """``src`` plus an image part (stored) whose bytes no longer match its CRC."""
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        zout.writestr(zipfile.ZipInfo("xl/media/image1.png"), png, zipfile.ZIP_STORED)
    with zipfile.ZipFile(dst) as z:
        info = z.getinfo("xl/media/image1.png")
    raw = bytearray(dst.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + 100] ^= 0xFF  # one byte of the image: the CRC no longer matches
    dst.write_bytes(bytes(raw))
    return dst


def big_number(dst: Path, values=(b"9e307", b"9e307")) -> Path:
    """The first two "Điểm tối đa" cells of Chấm điểm hold ``values`` (valid Excel
    numbers whose sum overflows a float)."""
    def fn(data: bytes) -> bytes:
        # the max column is C; replace the first two numeric C cells' values
        out, n = data, 0
        for m in re.finditer(rb'<c r="C([0-9]+)"[^>]*t="n"[^>]*><v>([^<]*)</v>', data):
            if n == len(values):
                break
            old = m.group(0)
            new = old[:old.rindex(b"<v>")] + b"<v>" + values[n] + b"</v>"
            out = out.replace(old, new, 1)
            n += 1
        assert n == len(values)
        return out
    return patch(dst, {SCORES: fn})


def control_char(dst: Path, part: str = INFO, at: bytes = b"Thanh H") -> Path:
    """A control character (``_x0007_``, how Excel escapes BEL) inside a text cell."""
    return patch(dst, {part: lambda d: d.replace(at, at + b"_x0007_\x1b[31m", 1)})


def dtd_after_comment(dst: Path, part: str = "docProps/app.xml", pad: int = 3000) -> Path:
    """A DTD with an entity after a ``pad``-byte comment, at the start of ``part``."""
    def fn(data: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
        return (b'<?xml version="1.0"?><!--' + b"x" * pad + b'-->'
                b'<!DOCTYPE r [<!ENTITY e "boom">]>' + body)
    return patch(dst, {part: fn})


def long_text(dst: Path, n: int = 40_000) -> Path:
    """A bloc name longer than Excel's 32,767-character cell limit."""
    return patch(dst, {INFO: lambda d: d.replace(b"Thanh H", b"Thanh H" + b"a" * n, 1)})


def all_attacks(folder: Path) -> dict[str, Path]:
    """Every attack file of the table in the report (small ones)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {
        "XFE100000": far_cell(folder / "xfe.xlsx", "XFE100000"),
        "A9999999": far_cell(folder / "a9999999.xlsx", "A9999999"),
        "N5000000": far_cell(folder / "n5000000.xlsx", "N5000000"),
        "A1048576": far_cell(folder / "a1048576.xlsx", "XFD1048576"),
        "dense": dense_cells(folder / "dense.xlsx"),
        "sst": inflated_shared_strings(folder / "sst.xlsx"),
        "9e307": big_number(folder / "9e307.xlsx"),
        "400digits": big_number(folder / "digits.xlsx", (b"1" * 400, b"2")),
        "ctrl": control_char(folder / "ctrl.xlsx"),
        "dtd-app": dtd_after_comment(folder / "dtd_app.xlsx"),
        "dtd-ct": dtd_after_comment(folder / "dtd_ct.xlsx", "[Content_Types].xml"),
        "long": long_text(folder / "long.xlsx"),
    }
    return out


if __name__ == "__main__":
    for k, v in all_attacks(Path(sys.argv[1])).items():
        print(k, v, v.stat().st_size)
