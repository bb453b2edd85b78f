"""The parts and relationships of an OOXML package (the zip): part names, relationship
files, content types, reachability, free names and ids, and the zip output helpers
(members copied compressed as they are).
"""
from __future__ import annotations

import posixpath
import re
import struct
import sys
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from urllib.parse import unquote

from ..core.record import record
from .xmldoc import GraftError, NS_R, XmlDoc, _CT, _REL, parse_xml

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any, Iterator

# --------------------------------------------------------------------------- package

@record
class _Rel:
    """One relationship of a package part."""

    id: str
    type: str
    target: str
    external: bool
    el: ET.Element


def rels_name(part: str) -> str:
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels")


def _resolve(source: str, target: str) -> str:
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _target_for(source: str, part: str, like: str) -> str:
    """A relationship target from ``source`` to ``part``, absolute if ``like`` was."""
    if like.startswith("/"):
        return "/" + part
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


class _Package:
    """Read access to a zip package; part names are zip member names (no leading /)."""

    #: parts written on demand (zip name → a callable giving the part's bytes in chunks)
    lazy: dict[str, Any] = {}

    def __init__(self, zf: zipfile.ZipFile, what: str) -> None:
        self.zf = zf
        self.what = what
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            self.infos.setdefault(info.filename, info)
        self._lower = {n.lower(): n for n in self.infos}
        self._rels: dict[str, list[_Rel]] = {}

    def find(self, part: str) -> str | None:
        p = part.lstrip("/")
        return self._lower.get(p.lower()) or self._lower.get(unquote(p).lower())

    def _data(self, name: str) -> bytes:
        return self.zf.read(self.infos[name])

    def read(self, part: str) -> bytes:
        name = self.find(part)
        if name is None:
            raise GraftError(f"{self.what}: missing part {part}")
        return self._data(name)

    def xml(self, part: str) -> XmlDoc:
        return parse_xml(self.read(part), f"{self.what}:{part}")

    def rels_doc(self, part: str) -> XmlDoc | None:
        name = self.find(rels_name(part)) if part else self.find("_rels/.rels")
        return None if name is None else parse_xml(self._data(name), f"{self.what}:{name}")

    def rels(self, part: str) -> list[_Rel]:
        if part not in self._rels:
            doc = self.rels_doc(part)
            self._rels[part] = [] if doc is None else _rels_of(doc)
        return self._rels[part]


class _MemPackage(_Package):
    """A package in memory (render_xml's donor): ``parts`` zip name → bytes, and the
    worksheets in ``lazy``, streamed when the output is written (never read back)."""

    def __init__(self, parts: dict[str, bytes], lazy: dict[str, Any], what: str) -> None:
        self.zf = None  # type: ignore[assignment]
        self.what = what
        self.parts = parts
        self.lazy = lazy
        self.infos = dict.fromkeys([*parts, *lazy])  # type: ignore[arg-type]
        self._lower = {n.lower(): n for n in self.infos}
        self._rels = {}

    def _data(self, name: str) -> bytes:
        if name not in self.parts:
            raise GraftError(f"{self.what}: {name} is written on demand only")
        return self.parts[name]


def _rels_of(doc: XmlDoc) -> list[_Rel]:
    out = []
    for el in doc.root.iter(_REL):
        out.append(_Rel(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""),
                        el.get("TargetMode", "Internal") == "External", el))
    return out


class _ContentTypes:
    def __init__(self, doc: XmlDoc) -> None:
        self.doc = doc
        self.defaults = {el.get("Extension", "").lower(): el.get("ContentType", "")
                         for el in doc.root.iter(_CT + "Default")}
        self.overrides = {el.get("PartName", "").lstrip("/").lower(): el
                          for el in doc.root.iter(_CT + "Override")}

    def type_of(self, part: str) -> str | None:
        el = self.overrides.get(part.lower())
        if el is not None:
            return el.get("ContentType")
        return self.defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())

    def remove(self, part: str) -> None:
        el = self.overrides.pop(part.lower(), None)
        if el is not None:
            self.doc.root.remove(el)

    def add(self, part: str, content_type: str) -> None:
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        if self.type_of(part) == content_type:
            return
        if ext and ext not in self.defaults and ext not in ("xml", "rels"):
            el = ET.SubElement(self.doc.root, _CT + "Default",
                               {"Extension": ext, "ContentType": content_type})
            # Defaults come first by convention
            self.doc.root.remove(el)
            self.doc.root.insert(len(self.defaults), el)
            self.defaults[ext] = content_type
            return
        self.remove(part)
        el = ET.SubElement(self.doc.root, _CT + "Override",
                           {"PartName": "/" + part, "ContentType": content_type})
        self.overrides[part.lower()] = el


def _reachable(pkg: _Package, skip: set[tuple[str, str]] = frozenset()) -> set[str]:
    """Zip names of the parts reachable by internal relationships from the package root."""
    seen: set[str] = set()
    stack = [""]
    while stack:
        src = stack.pop()
        for rel in pkg.rels(src):
            if rel.external or (src, rel.id) in skip:
                continue
            name = pkg.find(_resolve(src, rel.target))
            if name is not None and name not in seen:
                seen.add(name)
                stack.append(name)
    return seen


def _office_document(pkg: _Package) -> str:
    for rel in pkg.rels(""):
        if rel.type.endswith("/officeDocument") and not rel.external:
            if rel.type != NS_R + "/officeDocument":
                raise GraftError(f"{pkg.what}: Strict Open XML is not supported")
            name = pkg.find(_resolve("", rel.target))
            if name:
                return name
    raise GraftError(f"{pkg.what}: no workbook part")


def _free_name(taken: set[str], directory: str, filename: str) -> str:
    stem, ext = posixpath.splitext(filename)
    base = re.sub(r"\d+$", "", stem) or stem
    n = 1
    while True:
        cand = posixpath.join(directory, f"{base}{n}{ext}")
        if cand.lower() not in taken:
            taken.add(cand.lower())
            return cand
        n += 1


def _fresh_rid(used: set[str]) -> str:
    n = max((int(m.group(1)) for u in used if (m := re.fullmatch(r"rId(\d+)", u))),
            default=0) + 1
    while f"rId{n}" in used:
        n += 1
    used.add(f"rId{n}")
    return f"rId{n}"


# --------------------------------------------------------------------------- zip output

def _zip_raw_copy_supported(zout: zipfile.ZipFile) -> bool:
    return all(hasattr(zout, a) for a in ("fp", "start_dir", "_lock", "_writecheck",
                                          "filelist", "NameToInfo"))


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def _copy_member_raw(src_fp: Any, info: zipfile.ZipInfo, zout: zipfile.ZipFile) -> None:
    """Copy one member's compressed bytes as they are (no recompression)."""
    src_fp.seek(info.header_offset)
    header = src_fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise GraftError(f"bad local header for {info.filename}")
    fields = _LOCAL_HEADER.unpack(header)
    name_len, extra_len = fields[10], fields[11]
    src_fp.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    data = src_fp.read(info.compress_size)
    if len(data) != info.compress_size:
        raise GraftError(f"truncated member {info.filename}")
    zinfo = zipfile.ZipInfo(info.filename, info.date_time)
    zinfo.compress_type = info.compress_type
    zinfo.CRC = info.CRC
    zinfo.compress_size = info.compress_size
    zinfo.file_size = info.file_size
    zinfo.external_attr = info.external_attr
    zinfo.create_system = info.create_system
    # keep the compression-option bits, drop "data descriptor follows" (sizes are known)
    zinfo.flag_bits = info.flag_bits & 0x0006
    if info.flag_bits & 0x0001:
        raise GraftError(f"encrypted member {info.filename}")
    with zout._lock:  # type: ignore[attr-defined]
        zout.fp.seek(zout.start_dir)  # type: ignore[union-attr]
        zinfo.header_offset = zout.fp.tell()  # type: ignore[union-attr]
        zout._writecheck(zinfo)  # type: ignore[attr-defined]
        zout._didModify = True  # type: ignore[attr-defined]
        zout.fp.write(zinfo.FileHeader())  # type: ignore[union-attr]
        zout.fp.write(data)  # type: ignore[union-attr]
        zout.filelist.append(zinfo)
        zout.NameToInfo[zinfo.filename] = zinfo
        zout.start_dir = zout.fp.tell()  # type: ignore[union-attr]


#: a member is handed to a second thread once this much of it is written: below it the
#: thread's start and the GIL hand-overs cost about what the overlap gives (at 30 × 80,
#: whose 1.8 MB "Chi tiết điểm" gained nothing)
_BEHIND_FROM = 4 << 20
#: chunks are handed to the second thread in pieces of at least this many bytes: each piece
#: is one hand-over and one CRC and deflate call there
_PIECE = 1 << 20
#: the interpreter's switch interval while a member is written behind: zlib gives up the
#: GIL while it deflates but needs it back between output blocks, and at Python's default
#: (5 ms) the deflating thread waited that long each time and the two gained nothing;
#: measured on 2 cores at 200 × 800 (whole processes, paired runs), a 2 ms interval was
#: 9 % slower than this one
_SWITCH = 0.0005


def write_member(zout: zipfile.ZipFile, zinfo: zipfile.ZipInfo | str, chunks: Any) -> None:
    """Write one member of ``zout`` from an iterable of byte chunks. Past its first 4 MB,
    the rest goes in pieces of about 1 MB to a second thread, which computes their CRC and
    deflates them (both release the GIL) while the caller makes the next chunks: on two
    cores the deflate of a 136 MB "Chi tiết điểm" runs beside its rendering (a 200 × 800
    ``score`` 6 % faster for 11 % more CPU and 6 MB more peak). The member's bytes are
    those one thread writes: the same bytes reach the same zip stream in
    the same order (deflate's output does not depend on how its input is cut)."""
    with zout.open(zinfo, "w") as f:
        chunks = iter(chunks)
        written = 0
        for chunk in chunks:
            f.write(chunk)
            written += len(chunk)
            if written >= _BEHIND_FROM:
                _write_behind(f, _pieces(chunks))
                break


def _pieces(chunks: Any) -> Iterator[bytes]:
    buf: list[bytes] = []
    n = 0
    for chunk in chunks:
        buf.append(chunk)
        n += len(chunk)
        if n >= _PIECE:
            yield b"".join(buf)
            buf.clear()
            n = 0
    if buf:
        yield b"".join(buf)


def _write_behind(f: Any, pieces: Iterator[bytes], ahead: int = 3) -> None:
    """Write ``pieces`` to ``f`` on a second thread, at most ``ahead`` pieces in flight (a
    few MB held). An error of either side stops both and is raised here: the writer's (a
    full disk) once the caller stops handing pieces over, the caller's as it is."""
    from _queue import SimpleQueue

    todo: SimpleQueue = SimpleQueue()
    room = threading.Semaphore(ahead)
    failed: list[BaseException] = []

    def writer() -> None:
        while (piece := todo.get()) is not None:
            if not failed:
                try:
                    f.write(piece)
                except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                    failed.append(exc)
            room.release()

    t = threading.Thread(target=writer, name="thidua-xl-deflate", daemon=True)
    try:
        t.start()
    except RuntimeError:  # no threads here (Pyodide, a process at its limit): one thread
        for piece in pieces:
            f.write(piece)
        return
    with _SWITCHED_LOCK:
        if not _SWITCHED["count"]:
            _SWITCHED["saved"] = sys.getswitchinterval()
            sys.setswitchinterval(min(_SWITCHED["saved"], _SWITCH))
        _SWITCHED["count"] += 1
    try:
        for piece in pieces:
            room.acquire()
            if failed:
                break
            todo.put(piece)
    finally:
        todo.put(None)
        t.join()
        with _SWITCHED_LOCK:
            _SWITCHED["count"] -= 1
            if not _SWITCHED["count"]:
                sys.setswitchinterval(_SWITCHED["saved"])
    if failed:
        raise failed[0]


#: members being written behind now, and the switch interval before the first of them
#: (members written at once by two threads restore it once, when the last ends)
_SWITCHED = {"count": 0, "saved": 0.005}
_SWITCHED_LOCK = threading.Lock()  # threading: imported by zipfile already


def _new_info(name: str, like: zipfile.ZipInfo | None = None,
              level: int | None = None) -> zipfile.ZipInfo:
    """A deflated member's header (``level``: the deflate level, None: zlib's default)."""
    date_time = like.date_time if like is not None else time.localtime()[:6]
    if date_time[0] < 1980:
        date_time = (1980, 1, 1, 0, 0, 0)
    zinfo = zipfile.ZipInfo(name, date_time)
    zinfo.compress_type = zipfile.ZIP_DEFLATED
    zinfo.external_attr = like.external_attr if like is not None else 0o644 << 16
    if level is not None:
        try:
            zinfo.compress_level = level  # type: ignore[attr-defined]  # Python 3.13+
        except AttributeError:
            zinfo._compresslevel = level  # type: ignore[attr-defined]
    return zinfo
