"""The resource budget of one workbook, checked on the zip's bytes before any reader runs.

python-calamine materialises what a sheet declares: one cell at ``XFE100000`` makes it ask
for 52 GB and abort the process (no exception to catch), a cell at ``N5000000`` costs it
3 GB, and a shared-strings part of 1.9 GB is read whole. So before calamine (or openpyxl)
sees a package, :func:`inspect_package` streams every part once and refuses, each with its
own code and a Vietnamese message naming the part or sheet:

================== ======================================================================
code               when
================== ======================================================================
workbook-too-large the parts expand to more than :data:`MAX_TOTAL` bytes, the XML parts to
                   more than :data:`MAX_XML_TOTAL`, one XML part to more than
                   :data:`MAX_PART` (:data:`MAX_SHARED_STRINGS` for the shared strings)
cell-out-of-grid   a cell, row or sheet dimension beyond Excel's grid (XFD1048576)
too-many-cells     a sheet with more than :data:`MAX_SHEET_CELLS` cells, or all sheets
                   together more than :data:`MAX_CELLS`
unsafe-xml         a DTD or entity declaration anywhere in an XML part
                   (:mod:`thidua_xl.io.xmlsafe`)
================== ======================================================================

Declared sizes are checked before a byte is inflated; the bytes actually inflated are
counted as they stream (a zip whose header lies stops at the declared size with a CRC
error). What the readers then hold is bounded by these numbers: cells by the cell
budget, strings by the shared-strings budget; a sparse sheet whose cells span a huge box
is still handled by the readers (``sheet-too-large``: openpyxl reads it cell by cell).
"""
from __future__ import annotations

import io
import re
import zipfile

from ..core.record import field, record
from ..errors import UnreadableWorkbook
from .xmlsafe import DtdWatch, looks_like_xml

MAX_ROW = 1_048_576
MAX_COL = 16_384
#: all parts, as declared in the zip (images and macros included)
MAX_TOTAL = 2 * 1024**3
#: all XML parts together, as inflated
MAX_XML_TOTAL = 768 * 1024**2
#: one XML part (a worksheet), as inflated
MAX_PART = 384 * 1024**2
#: the shared strings part (a reader holds all of it as text)
MAX_SHARED_STRINGS = 96 * 1024**2
#: cells of one worksheet (a bloc workbook of 300 units × 400 criteria has 480,000)
MAX_SHEET_CELLS = 1_500_000
#: cells of all worksheets together
MAX_CELLS = 3_000_000

_CHUNK = 1 << 20
_HEAD = 512
_WORKSHEET = re.compile(r"(^|/)worksheets/[^/]+\.xml$", re.I)
_SHARED = re.compile(r"(^|/)sharedstrings[^/]*\.xml$", re.I)
# an r="..." attribute (cells, rows) whose column has 3+ letters or whose row has 7+ digits:
# the only ones that can lie beyond the grid (checked one by one; normal sheets have none)
_WIDE_COL = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]+)\$?([0-9]*)["']""")
_LONG_ROW = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]*)\$?([0-9]{7,})["']""")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["']([^"']*)["']""")


class BudgetExceeded(UnreadableWorkbook):
    """A package over its budget; ``part`` is the zip member, ``ref`` the cell if any."""

    def __init__(self, code: str, detail: str, *, part: str = "", ref: str = "") -> None:
        super().__init__(detail, code=code)
        self.detail = detail
        self.part = part
        self.ref = ref


def vn_count(n: int) -> str:
    """1234567 → "1.234.567" (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def _mb(n: int) -> str:
    return f"{vn_count(round(n / 1024**2))} MB"


def col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def outside_grid(letters: bytes, digits: bytes) -> bool:
    """Whether the reference ``letters``+``digits`` lies beyond XFD1048576."""
    if len(letters) > 3 or (letters and col_number(letters) > MAX_COL):
        return True
    return bool(digits) and (len(digits) > 7 or int(digits) > MAX_ROW)


@record
class PartStats:
    """What the pass saw in one worksheet part."""

    cells: int = 0
    bad_ref: str = ""
    #: an "=" with a space (tab, line break) before or after it somewhere in the part
    spaced: bool = False


@record
class PackageStats:
    """What :func:`inspect_package` counted: XML bytes, cells, per-sheet stats, unsafe
    part."""

    xml_bytes: int = 0
    cells: int = 0
    sheets: dict[str, PartStats] = field(default_factory=dict)
    #: zip member of the first part with a DTD / entity declaration
    unsafe: str = ""


#: the shape of the bytes: letters → "A", except X/Y/Z → "X" and lower-case "r" (the
#: attribute's name) kept; digits → "0"; ' → ". On it one regular expression finds the
#: only references that can lie beyond the grid: 4+ letters, 3 letters from X, a
#: lower-case "r" among the letters (lower-case references), 7+ digits.
_SHAPE = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqstuvwxyz0123456789'\t\n\r",
    b"A" * 23 + b"XXX" + b"A" * 22 + b"XXX" + b"0" * 10 + b'"   ')
#: (one literal prefix: the regular expression engine then skips to each r=" quickly)
_CANDIDATE = re.compile(rb'r="(?:[AXr]{4}|X[AXr]{2}|[AX]{0,2}r)')
_LONG_DIGITS = b'0000000"'
#: "= " or " =" (one pass over the "="s: the two substring searches cost as much each)
_SPACED = re.compile(rb"=(?: |(?<= =))")
#: "r =" or "r= "
_SPACED_R = re.compile(rb"r(?: =|= )")


def _first_outside(rx: re.Pattern, data: bytes) -> str:
    for m in rx.finditer(data):
        if outside_grid(m.group(1), m.group(2)):
            return (m.group(1) + m.group(2)).decode("ascii", "replace")
    return ""


def _bad_reference(data: bytes, stats: PartStats | None = None) -> str:
    """The first r="..." reference of ``data`` beyond the grid, or "" (candidates found on
    the data's shape, each checked on the bytes). ``stats.spaced`` is set when ``data``
    has an "=" with a space beside it."""
    shape = data.translate(_SHAPE)
    spaced = _SPACED.search(shape) is not None  # (the shape has tabs, breaks as spaces)
    if spaced and stats is not None:
        stats.spaced = True
    if spaced and _SPACED_R.search(shape):  # unusual but legal spelling: the slow way
        return _first_outside(_WIDE_COL, data) or _first_outside(_LONG_ROW, data)
    starts = [m.start() for m in _CANDIDATE.finditer(shape)]
    pos = shape.find(_LONG_DIGITS)
    while pos >= 0 and len(starts) < 100_000:
        starts.append(pos)
        pos = shape.find(_LONG_DIGITS, pos + 8)
    for start in starts:
        window = data[max(0, start - 48):start + 64]
        bad = _first_outside(_WIDE_COL, window) or _first_outside(_LONG_ROW, window)
        if bad:
            return bad
    return ""


class _SheetWatch:
    """Counts cells and looks for references beyond the grid in a worksheet's chunks."""

    def __init__(self, stats: PartStats) -> None:
        self.stats = stats
        self._carry = b""

    def feed(self, chunk: bytes, final: bool = False) -> None:
        data = self._carry + chunk
        self._carry = b""
        if not final:
            # keep an unfinished tag for the next chunk (a huge one is split: at most a
            # cell miscounted, while a reference lies within the 64 bytes carried over)
            cut = data.rfind(b"<")
            if 0 <= cut and len(data) - cut <= 1 << 20:
                data, self._carry = data[:cut], data[cut:]
            else:
                self._carry = data[-64:]
        st = self.stats
        # an upper bound: "<c" also opens <col>, <cfRule> ... (a few per sheet)
        st.cells += data.count(b"<c") + data.count(b":c ")
        if st.bad_ref:
            return
        bad = _bad_reference(data, st)
        if bad:
            st.bad_ref = bad
            return
        if b"dimension" in data:
            for m in _DIMENSION.finditer(data):
                for end in m.group(1).split(b":"):
                    mm = re.fullmatch(rb"\$?([A-Za-z]*)\$?([0-9]*)", end.strip())
                    if mm and outside_grid(mm.group(1), mm.group(2)):
                        st.bad_ref = end.decode("ascii", "replace")
                        return


#: a worksheet part declared this small may be inflated whole and handed, through
#: ``keep``, to the sheet scan (:mod:`thidua_xl.io.ooxml_meta` reads these whole anyway:
#: one inflate instead of two) ...
KEEP_PART = 32 * 1024**2
#: ... as long as the parts kept add up to no more than this
KEEP_TOTAL = 32 * 1024**2


def inspect_package(zf: zipfile.ZipFile, keep: dict[str, tuple] | None = None
                    ) -> PackageStats:
    """Stream every part of ``zf`` once; raise :class:`BudgetExceeded` at the first part
    over budget (the message is the detail: the caller adds the file name).

    ``keep``: a dict that receives the worksheet parts declared no larger than
    :data:`KEEP_PART`, up to :data:`KEEP_TOTAL` in all, that passed: zip member →
    (bytes, the cell count's bound, whether an "=" has a space beside it). They are
    inflated whole — zipfile stops at the declared size, so that is bounded too — and
    then checked in the same chunks as a streamed part; a part that fails to inflate
    whole is streamed as any other, so its refusal is the one it always was."""
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL:
        raise BudgetExceeded("workbook-too-large",
                             f"các phần của tệp giải nén ra {_mb(total)}, quá giới hạn "
                             f"{_mb(MAX_TOTAL)}")
    stats = PackageStats()
    kept = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        norm = name.replace("\\", "/")
        limit = MAX_SHARED_STRINGS if _SHARED.search(norm) else MAX_PART
        sheet = _WORKSHEET.search(norm) is not None
        if info.file_size == 0:
            continue
        # a binary part (an image) is not inflated: its CRC is not checked here, the
        # writers copy it as it is (and calamine never opens it)
        head = _raw_head(zf, info)
        if head is not None and not looks_like_xml(head):
            continue
        whole = None
        if keep is not None and sheet and info.file_size <= min(KEEP_PART, KEEP_TOTAL - kept):
            try:
                with zf.open(info) as f:
                    whole = f.read(KEEP_PART + 1)
            except Exception:  # noqa: BLE001 - streamed below: the same error, at its place
                whole = None
        # (a part kept whole is read from memory: the same chunks, not inflated again)
        with zf.open(info) if whole is None else io.BytesIO(whole) as f:
            read = f.read
            chunk = read(_CHUNK)
            if head is None and not looks_like_xml(chunk):
                continue
            if info.file_size > limit:
                raise _too_large(name, info.file_size, limit)
            # (a declaration starts "<!": a part read whole without one "!" has none, in
            # UTF-8 or UTF-16, and is not searched chunk by chunk)
            dtd = DtdWatch() if whole is None or b"!" in whole else None
            ps = PartStats() if sheet else None
            watch = _SheetWatch(ps) if ps is not None else None
            size = 0
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise _too_large(name, size, limit)
                if stats.xml_bytes + size > MAX_XML_TOTAL:
                    raise BudgetExceeded(
                        "workbook-too-large",
                        f"các phần XML của tệp giải nén ra hơn {_mb(MAX_XML_TOTAL)}",
                        part=name)
                if dtd is not None and dtd.feed(chunk) and not stats.unsafe:
                    stats.unsafe = name
                if watch is not None:
                    watch.feed(chunk)
                    if ps.bad_ref or ps.cells > MAX_SHEET_CELLS:
                        break  # refused below, without inflating the rest
                chunk = read(_CHUNK)
            else:
                if watch is not None:
                    watch.feed(b"", final=True)
        stats.xml_bytes += size
        if stats.unsafe:
            return stats  # the caller refuses the file as unsafe-xml
        if ps is not None:
            stats.sheets[name] = ps
            if ps.bad_ref:
                where = (f"ô \"{ps.bad_ref}\"" if not ps.bad_ref.isdigit()
                         else f"dòng {ps.bad_ref}")
                raise BudgetExceeded(
                    "cell-out-of-grid",
                    f"{{sheet}}, {where}; Excel có tối đa cột XFD và {vn_count(MAX_ROW)} dòng",
                    part=name, ref=ps.bad_ref)
            if ps.cells > MAX_SHEET_CELLS:
                raise BudgetExceeded(
                    "too-many-cells",
                    f"{{sheet}} có {vn_count(ps.cells)} ô, quá giới hạn "
                    f"{vn_count(MAX_SHEET_CELLS)} ô một sheet", part=name)
            stats.cells += ps.cells
            if stats.cells > MAX_CELLS:
                raise BudgetExceeded(
                    "too-many-cells",
                    f"các sheet có tổng cộng hơn {vn_count(MAX_CELLS)} ô", part=name)
            if whole is not None:
                keep[name] = (whole, ps.cells, ps.spaced)
                kept += len(whole)
    return stats


def _raw_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The first bytes of a member read from the zip's own bytes (no CRC check), or None
    when they cannot be read that way (encrypted, another compression, odd header)."""
    import struct
    import zlib

    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                          zipfile.ZIP_DEFLATED):
        return None
    fp = zf.fp
    if fp is None:
        return None
    try:
        fp.seek(info.header_offset)
        header = fp.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            return None
        name_len, extra_len = struct.unpack("<2H", header[26:30])
        fp.seek(info.header_offset + 30 + name_len + extra_len)
        raw = fp.read(min(info.compress_size, 4096))
        if info.compress_type == zipfile.ZIP_STORED:
            return raw[:_HEAD]
        return zlib.decompressobj(-15).decompress(raw, _HEAD)
    except (OSError, zlib.error, struct.error):
        return None


def _too_large(name: str, size: int, limit: int) -> BudgetExceeded:
    return BudgetExceeded("workbook-too-large",
                          f"phần \"{name}\" giải nén ra hơn {_mb(size)}, quá giới hạn "
                          f"{_mb(limit)}", part=name)
