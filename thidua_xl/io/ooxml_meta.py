"""A streaming scan of an OOXML package for what python-calamine does not report.

Per selected worksheet: cells whose style has a percent number format, cells holding a
formula without a cached value, error cells (``t="e"``, which calamine returns as blank),
hidden rows and columns, and merged ranges. Sheet name → part is resolved through
``xl/workbook.xml`` and its relationships.

The sheet XML is fed in chunks to expat (no DOM; memory grows with what is *found*, never
with a sheet's declared dimension) and any DTD or entity declaration is refused (billion
laughs, external entities): the file is then ``unsafe-xml``.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from xml.parsers import expat

from ..core.record import record
from ..errors import UnreadableWorkbook
from .grid import Merge, col_index
from .sheet_meta import SheetMeta
from .sniff import (MAX_UNCOMPRESSED, error_for, main_part, member_index, read_member,
                    resolve_target)
from .xmlsafe import Unsafe, parse, safe_parser

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import IO, Callable, Iterable

MAX_ROW = 1_048_576
MAX_COL = 16_384
_CHUNK = 256 * 1024
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_TRUE = frozenset({"1", "true", "True", "TRUE"})
#: Built-in number formats that are percentages (0% and 0.00%).
PERCENT_BUILTIN = frozenset({9, 10})


@record
class SheetPart:
    """A sheet of the workbook: its name, zip member, kind and visibility."""

    name: str      # as in the workbook
    part: str      # zip member name ("" when the relationship is broken)
    kind: str      # "worksheet" | "chartsheet" | "dialogsheet" | "macrosheet" | "unknown"
    state: str = "visible"  # "visible" | "hidden" | "veryHidden"


# --------------------------------------------------------------------------- formats
def is_percent_format(code: str | None) -> bool:
    """True when a number format code scales by 100: a ``%`` outside quotes, brackets and
    escapes (``0\\%``, ``0"%"``, ``_%`` and ``*%`` show a literal %, they do not scale)."""
    if not code or "%" not in code:
        return False
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == '"':
            j = code.find('"', i + 1)
            i = n if j < 0 else j + 1
            continue
        if ch == "[":
            j = code.find("]", i + 1)
            i = n if j < 0 else j + 1
            continue
        if ch in "\\_*":
            i += 2
            continue
        if ch == "%":
            return True
        i += 1
    return False


# --------------------------------------------------------------------------- package
def _safe_parse(data: bytes):
    """The root of a small part, refusing DTDs/entities (raises ``Unsafe``, or
    ``expat.ExpatError`` when malformed)."""
    return parse(data, forbid_dtd=True)


def _read(zf: zipfile.ZipFile, member: str, limit: int = 256 * 1024 * 1024) -> bytes:
    return read_member(zf, member, limit)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _rels(zf: zipfile.ZipFile, index: dict[str, str], part: str) -> dict[str, tuple[str, str]]:
    """Relationship Id → (Type, normalised target part) of ``part``."""
    norm = part.replace("\\", "/").lstrip("/")
    folder, _, base = norm.rpartition("/")
    rels_name = (f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels").lower()
    member = index.get(rels_name)
    if member is None:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in _safe_parse(_read(zf, member)):
        rid = rel.get("Id")
        if rid and rel.get("TargetMode") != "External":
            out[rid] = (rel.get("Type") or "", resolve_target(norm, rel.get("Target") or ""))
    return out


def list_sheets(zf: zipfile.ZipFile, index: dict[str, str] | None = None
                ) -> tuple[list[SheetPart], set[int]]:
    """The sheets in workbook order, and the ``cellXfs`` indexes whose format is a percent."""
    index = index if index is not None else member_index(zf)
    wb_part = main_part(zf, index)
    if wb_part is None:
        raise UnreadableWorkbook("missing workbook part", code="missing-parts")
    root = _safe_parse(_read(zf, wb_part))
    rels = _rels(zf, index, wb_part)
    sheets: list[SheetPart] = []
    for el in root.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        typ, target = rels.get(rid or "", ("", ""))
        kind = _local(typ.rpartition("/")[2]) if typ else "unknown"
        kind = {"xlMacrosheet": "macrosheet", "xlIntlMacrosheet": "macrosheet"}.get(kind, kind)
        sheets.append(SheetPart(name=el.get("name") or "", part=index.get(target, ""),
                                kind=kind, state=el.get("state") or "visible"))
    styles = next((t for typ, t in rels.values() if typ.endswith("/styles")), "xl/styles.xml")
    percent = _percent_xfs(zf, index.get(styles))
    return sheets, percent


def shared_strings_max_len(zf: zipfile.ZipFile, index: dict[str, str] | None = None) -> int:
    """Length of the longest shared string (streamed; DTDs refused)."""
    index = index if index is not None else member_index(zf)
    wb_part = main_part(zf, index)
    rels = _rels(zf, index, wb_part) if wb_part else {}
    target = next((t for typ, t in rels.values() if typ.endswith("/sharedStrings")),
                  "xl/sharedstrings.xml")
    member = index.get(target)
    if member is None:
        return 0
    cur = [0]
    best = [0]
    depth_si = [False]

    def start(name: str, attrs: dict) -> None:
        if name.rpartition(":")[2] == "si":
            depth_si[0] = True
            cur[0] = 0

    def end(name: str) -> None:
        if name.rpartition(":")[2] == "si":
            depth_si[0] = False
            if cur[0] > best[0]:
                best[0] = cur[0]

    def text(data: str) -> None:
        if depth_si[0]:
            cur[0] += len(data)

    p = _safe_parser()
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    with zf.open(member) as f:
        _feed(p, f, MAX_UNCOMPRESSED)
    return best[0]


def _percent_xfs(zf: zipfile.ZipFile, member: str | None) -> set[int]:
    if member is None:
        return set()
    root = _safe_parse(_read(zf, member))
    custom: dict[int, str] = {}
    out: set[int] = set()
    for el in root:
        tag = _local(el.tag)
        if tag == "numFmts":
            for nf in el:
                try:
                    custom[int(nf.get("numFmtId", ""))] = nf.get("formatCode") or ""
                except ValueError:
                    pass
        elif tag == "cellXfs":
            for i, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                try:
                    fid = int(xf.get("numFmtId") or 0)
                except ValueError:
                    continue
                if fid in custom:
                    if is_percent_format(custom[fid]):
                        out.add(i)
                elif fid in PERCENT_BUILTIN:
                    out.add(i)
    return out


# --------------------------------------------------------------------------- sheet scan
_DIGITS = "0123456789"


def _make_scanner(meta: SheetMeta, pxf: set[int], want_merges: bool, parser):
    """expat handlers as closures over local state (much faster than attributes or dicts).

    Per cell the work is: position (column letters cached), percent style lookup, bounding
    box; the text of ``<v>`` is only collected for formula and error cells."""
    in_data = False
    waiting_end = ""          # exact (maybe prefixed) name of sheetData/cols being inside
    row = 0
    col = 0
    cell: tuple[int, int] | None = None
    pct = False
    has_f = False
    is_err = False
    typ = "n"
    seen = False
    vbuf: list[str] | None = None
    colcache: dict[str, int] = {}
    percent = meta.percent
    uncached = meta.uncached
    r1 = c1 = 1 << 30
    r2 = c2 = 0
    count = 0
    scount = 0
    pct0 = 0 in pxf  # a cell without s="" uses xf 0

    def text(data: str) -> None:
        if vbuf is not None:
            vbuf.append(data)

    def mark() -> None:
        # the current cell has a value or a formula: bounding box, count, percent format
        nonlocal seen, r1, c1, r2, c2, count, scount
        seen = True
        count += 1
        if typ == "s":
            scount += 1
        r, c = cell
        if r < r1:
            r1 = r
        if r > r2:
            r2 = r
        if c < c1:
            c1 = c
        if c > c2:
            c2 = c
        if pct:
            percent.add(cell)

    def start(name: str, attrs: dict) -> None:
        nonlocal in_data, waiting_end, row, col, cell, pct, has_f, is_err, typ, seen, vbuf
        local = name.rpartition(":")[2] if ":" in name else name
        if in_data:
            if local == "c":
                r = attrs.get("r")
                cell = None
                if r:
                    letters = r.rstrip(_DIGITS)
                    cn = colcache.get(letters)
                    if cn is None:
                        m = _REF.match(r)
                        cn = col_index(m.group(1)) if m else 0
                        if not (1 <= cn <= MAX_COL):
                            cn = 0
                        colcache[letters] = cn
                    digits = r[len(letters):]
                    if cn and digits.isdigit() and len(digits) <= 7:
                        rn = int(digits)
                        if 1 <= rn <= MAX_ROW:
                            cell = (rn, cn)
                if cell is None:
                    cell = (row or 1, col + 1)
                col = cell[1]
                sv = attrs.get("s")
                if sv is None:
                    pct = pct0
                else:
                    pct = bool(pxf) and _int(sv, 0) in pxf
                has_f = seen = False
                typ = attrs.get("t", "n")
                is_err = typ == "e"
            elif local == "v":
                if cell is None:
                    return
                if has_f or is_err:
                    vbuf = []
                elif not seen:
                    mark()
            elif local == "f":
                if cell is None:
                    return
                has_f = True
                uncached.add(cell)  # until a non-empty <v> follows
                if not seen:
                    mark()
            elif local == "is":
                if cell is not None and not seen:
                    mark()
            elif local == "row":
                rn = _int(attrs.get("r"), 0)
                row = rn if 0 < rn <= MAX_ROW else row + 1
                col = 0
                cell = None
                if attrs.get("hidden") in _TRUE:
                    meta.hidden_rows.add(row)
        elif local == "sheetData":
            in_data = True
            waiting_end = name
        elif local == "col":
            if waiting_end and attrs.get("hidden") in _TRUE:
                lo = max(1, _int(attrs.get("min"), 0))
                hi = min(MAX_COL, _int(attrs.get("max"), lo))
                meta.hidden_cols.update(range(lo, hi + 1))
        elif local == "cols":
            waiting_end = name
        elif local == "mergeCell" and want_merges:
            m = _parse_range(attrs.get("ref", ""))
            if m is not None:
                meta.merges.append(m)

    def end(name: str) -> None:
        nonlocal vbuf, in_data, waiting_end
        if vbuf is not None:
            txt = "".join(vbuf)
            vbuf = None
            if txt or typ in ("str", "s", "inlineStr"):
                uncached.discard(cell)
                if not seen:
                    mark()
            if is_err and txt.strip():
                meta.errors[cell] = txt.strip()
        elif name == waiting_end:
            waiting_end = ""
            in_data = False

    def finish() -> None:
        meta.cells = count
        meta.shared_cells = scount
        if r2:
            meta.bbox = (r1, c1, r2, c2)

    return start, end, text, finish


def _int(s: str | None, default: int) -> int:
    if s is None:
        return default
    try:
        return int(s)
    except ValueError:
        try:
            return int(float(s))
        except (ValueError, OverflowError):
            return default


def _parse_ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref)
    if not m:
        return None
    row, col = int(m.group(2)), col_index(m.group(1))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        return None
    return row, col


def _parse_range(ref: str) -> Merge | None:
    a, _, b = ref.partition(":")
    p1 = _parse_ref(a.strip())
    p2 = _parse_ref(b.strip()) if b else p1
    if p1 is None or p2 is None:
        return None
    return Merge(min(p1[0], p2[0]), min(p1[1], p2[1]), max(p1[0], p2[0]), max(p1[1], p2[1]))


def _safe_parser():
    """An expat parser that refuses any DTD or entity declaration (64 KB of text a
    callback)."""
    p = safe_parser()
    p.buffer_size = 64 * 1024
    return p


def _feed(p, stream: IO[bytes], limit: int) -> None:
    total = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise UnreadableWorkbook("part too large", code="workbook-too-large")
        p.Parse(chunk, False)
    p.Parse(b"", True)


def scan_sheet_stream(stream: IO[bytes], name: str, percent_xfs: set[int], *,
                      merges: bool = True, limit: int = MAX_UNCOMPRESSED) -> SheetMeta:
    """Scan one sheet part read from ``stream`` (raises ``Unsafe``/``expat.ExpatError``)."""
    meta = SheetMeta(name)
    p = _safe_parser()
    start, end, text, finish = _make_scanner(meta, percent_xfs, merges, p)
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    _feed(p, stream, limit)
    finish()
    if meta.merges:
        meta.merges = sorted(set(meta.merges),
                             key=lambda x: (x.min_row, x.min_col, x.max_row, x.max_col))
    return meta


#: parts up to this size may take the byte path (read whole; larger ones stream to expat)
_BYTES_PATH_LIMIT = 32 * 1024 * 1024
#: a cell with a value (``r`` first, as every writer we know puts it): the start tag right
#: before its <v> or <is>
_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*)>\s*<(?:v|is)[\s>/]')
_FORMULA = re.compile(rb"<f[\s>/]")
#: attributes written as t = "s" or t='s' (legal XML the patterns above do not expect)
_SPACED_EQUALS = (b' ="', b'\t="', b'\n="', b'\r="')


def scan_sheet_bytes(data: bytes, name: str, percent_xfs: set[int]) -> SheetMeta | None:
    """The scan of :func:`scan_sheet_stream` for a sheet with nothing to report but its
    size — no formula, error cell, hidden row or column, percent-styled cell, DTD or
    comment — done with a few regular-expression passes instead of an expat callback per
    element (the scan was the largest part of reading a 30×80 workbook). ``None`` when
    the sheet has any of those, or a shape this path does not read (a prefixed
    namespace, a cell without ``r`` first, a cell whose value is not its first child,
    single-quoted or spaced attributes, a processing instruction):
    the caller then streams it to expat. Merged ranges are not collected here."""
    n = data.count
    if (b"<!" in data or b"hidden=" in data or b't="e"' in data or _FORMULA.search(data)
            or b"<sheetData" not in data or b"<c>" in data or n(b"<?") > 1
            # every "=" opens a double-quoted value (no t='s', no t = "s"; an "=" in text
            # just sends the sheet to expat)
            or n(b"=") != n(b'="') or any(p in data for p in _SPACED_EQUALS)):
        return None
    if percent_xfs and (0 in percent_xfs or any(
            b's="%d"' % i in data for i in percent_xfs)):
        return None
    # every cell tag has r first, and every <v>/<is> is the first child of a matched cell:
    # then the matches are exactly the cells the expat scan counts
    if n(b'<c r="') != n(b"<c ") + n(b"<c\t") + n(b"<c\n") + n(b"<c\r"):
        return None
    filled = _VALUE_CELL.findall(data)
    # (no other element of a worksheet's namespace starts with "<v" or "<is": an unknown
    # one only sends the sheet to expat)
    if len(filled) != n(b"<v") + n(b"<is"):
        return None
    meta = SheetMeta(name)
    meta.cells = len(filled)
    if not filled:
        return meta
    rows = [int(digits) for digits in {f[1] for f in filled}]
    cols = [col_index(letters.decode("ascii")) for letters in {f[0] for f in filled}]
    r1, r2, c1, c2 = min(rows), max(rows), min(cols), max(cols)
    if r1 < 1 or r2 > MAX_ROW or c1 < 1 or c2 > MAX_COL:
        return None
    meta.bbox = (r1, c1, r2, c2)
    if b't="s"' in data:
        meta.shared_cells = b"\0".join([f[2] for f in filled]).count(b't="s"')
    return meta


def scan(path: str | os.PathLike, *, only: Callable[[str], bool] | None = None,
         names: Iterable[str] | None = None, merges: bool = True,
         byte_path: bool = True, sparse: bool = False,
         kept: dict[str, tuple] | None = None,
         later: dict[str, Callable[[], SheetMeta]] | None = None) -> dict[str, SheetMeta]:
    """Scan the worksheets of the workbook at ``path`` (those ``only(name)`` accepts, or those
    named in ``names``), in workbook order. Raises :class:`UnreadableWorkbook`.
    ``sparse``: first try :func:`~thidua_xl.io.ooxml_sparse.scan_sheet_sparse` (bounds for
    the size, work only where a sheet has something to report).
    ``kept``: zip member → (bytes, cell bound, spaced "=") of parts already inflated and
    checked from this file (:class:`~thidua_xl.io.sniff.KeptParts`); each one used is
    removed from it.
    ``later`` (with ``sparse``): a sheet of at least :data:`LATER_CELLS` cells is given
    with its bounds only (what the size guard needs), and ``later[name]`` is what
    completes its :class:`SheetMeta` (the same object, or the exact scan's when the
    sparse one declines; raises as this does), for a reader to run beside the library
    that reads the sheet (on a second thread: :func:`~thidua_xl.io.read_calamine.beside`)."""
    wanted = set(names) if names is not None else None
    try:
        with zipfile.ZipFile(path) as zf:
            index = member_index(zf)
            sheets, pxf = list_sheets(zf, index)
            sst_max: int | None = None
            out: dict[str, SheetMeta] = {}
            for sp in sheets:
                if sp.kind != "worksheet" or not sp.part:
                    continue
                if wanted is not None and sp.name not in wanted:
                    continue
                if only is not None and not only(sp.name):
                    continue
                m = data = None
                if byte_path and not merges \
                        and zf.getinfo(sp.part).file_size <= _BYTES_PATH_LIMIT:
                    got = kept.pop(sp.part, None) if kept else None
                    data = got[0] if got else _read(zf, sp.part, _BYTES_PATH_LIMIT)
                    if sparse:
                        from .ooxml_sparse import sparse_bounds, sparse_details

                        bounds = sparse_bounds(data, sp.name, pxf,
                                               seen=got[1:] if got else None)
                        if bounds is not None and later is not None \
                                and bounds[0].cells >= LATER_CELLS:
                            m = bounds[0]
                            later[sp.name] = _completion(path, bounds, data, pxf)
                        elif bounds is not None:
                            m = sparse_details(bounds, data, pxf)
                        del bounds
                    del got
                    if m is None:
                        m = scan_sheet_bytes(data, sp.name, pxf)
                if m is None:  # (a part in hand is parsed from memory, not inflated again)
                    with zf.open(sp.part) if data is None else io.BytesIO(data) as f:
                        m = scan_sheet_stream(f, sp.name, pxf, merges=merges)
                del data
                out[sp.name] = m
                if m.shared_cells:
                    if sst_max is None:
                        sst_max = shared_strings_max_len(zf, index)
                    m.shared_max_len = sst_max
            return out
    except Exception as exc:  # noqa: BLE001 - each becomes its message
        raise _scan_error(exc, path) from None


#: a sheet this large (cells, a bound) is scanned in two halves when the caller asks
#: (``scan(later=...)``): its details beside the library's read (at 200 × 800, 480,000)
LATER_CELLS = 100_000


def _completion(path, bounds: tuple, data: bytes, pxf: set[int]) -> Callable[[], SheetMeta]:
    """What completes a sheet's bounds (:func:`scan`'s ``later``), once: it lets go of the
    sheet's bytes as it ends (they are not held while the reader materialises the
    sheet)."""
    held = [bounds, data]

    def complete() -> SheetMeta:
        from .ooxml_sparse import sparse_details

        bounds, data = held
        held.clear()
        meta = bounds[0]
        try:
            m = sparse_details(bounds, data, pxf)
            if m is None:  # declined: the exact scans, from the bytes in hand
                m = scan_sheet_bytes(data, meta.name, pxf)
                if m is None:
                    m = scan_sheet_stream(io.BytesIO(data), meta.name, pxf, merges=False)
                m.shared_max_len = meta.shared_max_len
        except Exception as exc:  # noqa: BLE001
            raise _scan_error(exc, path) from None
        return m

    return complete


def _scan_error(exc: BaseException, path: str | os.PathLike) -> UnreadableWorkbook:
    """What a failed scan says: an :class:`UnreadableWorkbook` of ``path``."""
    if isinstance(exc, UnreadableWorkbook):
        return error_for(exc.code, path)
    if isinstance(exc, Unsafe):
        return error_for("unsafe-xml", path)
    if isinstance(exc, expat.ExpatError):
        return error_for("malformed-xml", path, tech=f"XML: {exc}")
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)):
        return error_for("corrupt-zip", path, tech=_short(exc))
    if isinstance(exc, FileNotFoundError):
        return error_for("file-not-found", path)
    if isinstance(exc, PermissionError):
        return error_for("file-access-denied", path, tech=_short(exc))
    if isinstance(exc, OSError):  # odd zips ...
        return error_for("corrupt-zip", path, tech=_short(exc))
    return error_for("read-failed", path, tech=_short(exc))


def _short(exc: BaseException) -> str:
    s = str(exc) or type(exc).__name__
    return s if len(s) <= 160 else s[:157] + "..."


__all__ = ["SheetPart", "SheetMeta", "is_percent_format", "list_sheets", "scan",
           "scan_sheet_bytes", "scan_sheet_stream", "PERCENT_BUILTIN"]
