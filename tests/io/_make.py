"""Small file factories for the io tests (every file is built in tmp_path)."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path


def rewrite_zip(src: Path, dst: Path, edits: dict[str, bytes | None] | None = None,
                replace: dict[str, list[tuple[bytes, bytes]]] | None = None,
                add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip, replacing (or dropping, with None) some members or patching bytes."""
    edits = edits or {}
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in edits:
                data = edits[info.filename]
                if data is None:
                    continue
            else:
                data = zin.read(info.filename)
            for old, new in replace.get(info.filename, []):
                assert old in data, (info.filename, old)
                data = data.replace(old, new)
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def cfb(path: Path, streams: list[str]) -> Path:
    """A minimal Compound File Binary container (512-byte sectors) whose directory names
    ``streams`` (enough for sniffing: header + one directory sector + one data sector)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9)   # minor, major, BOM, shift
    struct.pack_into("<H", header, 0x20, 6)                          # mini sector shift
    struct.pack_into("<I", header, 0x2C, 1)                          # FAT sectors
    struct.pack_into("<I", header, 0x30, 1)                          # first directory sector
    struct.pack_into("<I", header, 0x38, 4096)                       # mini stream cutoff
    struct.pack_into("<I", header, 0x3C, 0xFFFFFFFE)
    struct.pack_into("<I", header, 0x44, 0xFFFFFFFE)
    struct.pack_into("<I", header, 0x4C, 0)                          # DIFAT[0] = sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 0x4C + 4 * i, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    entries = bytearray()
    for i, name in enumerate(["Root Entry"] + streams):
        e = bytearray(128)
        raw = name.encode("utf-16-le")
        e[0:len(raw)] = raw
        struct.pack_into("<HB", e, 64, len(raw) + 2, 5 if i == 0 else 2)
        struct.pack_into("<III", e, 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
        struct.pack_into("<I", e, 116, 0xFFFFFFFE if i == 0 else 2)
        struct.pack_into("<I", e, 120, 0 if i == 0 else 16)
        entries += e
    while len(entries) % 512:
        entries += b"\x00" * 128
    path.write_bytes(bytes(header) + bytes(fat) + bytes(entries) + b"\x00" * 512)
    return path


def zip_of(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return path
