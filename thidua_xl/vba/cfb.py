"""A minimal, deterministic writer of compound files (MS-CFB version 3, 512-byte sectors).

What a ``vbaProject.bin`` needs: storages and streams, nothing else. Streams under 4096
bytes go to the mini stream (64-byte sectors), as every Office writer does. No time
stamps, no CLSIDs, no free sectors in the middle: the same tree gives the same bytes.
Siblings form a red-black tree in CFB order (shorter names first, then by upper-cased
UTF-16 code units), built balanced: the deepest level red, all others black (2.6.4).

olefile, the usual Python reader, does not write; ms-ovba's writer has no Pyodide wheel
and its trees are linked lists. This module is about 150 lines.
"""
from __future__ import annotations

import struct
from collections.abc import Mapping
from ..core.record import field, record

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT = 109

#: a storage: name -> bytes (a stream) or a nested mapping (a storage)
Tree = Mapping[str, "bytes | Tree"]


@record
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    black: bool = True
    start: int = ENDOFCHAIN
    size: int = 0


def _order(name: str) -> tuple[int, str]:
    return (len(name.encode("utf-16-le")), name.upper())


def _flatten(tree: Tree) -> list[_Entry]:
    entries = [_Entry("Root Entry", 5)]

    def add(parent: int, node: Tree) -> None:
        if len({name.upper() for name in node}) != len(node):
            raise ValueError("two siblings whose names differ only in case")
        for name, value in node.items():
            if not 0 < len(name) <= 31 or any(c in name for c in "/\\:!"):
                raise ValueError(f"invalid compound file name {name!r}")
            idx = len(entries)
            if isinstance(value, Mapping):
                entries.append(_Entry(name, 1))
                add(idx, value)
            else:
                entries.append(_Entry(name, 2, bytes(value)))
            entries[parent].children.append(idx)

    add(0, tree)
    for e in entries:
        e.child = _tree(entries, sorted(e.children, key=lambda i: _order(entries[i].name)))
    return entries


def _tree(entries: list[_Entry], ordered: list[int]) -> int:
    """Balanced search tree of ``ordered``; returns its root. Red at the deepest level."""
    if not ordered:
        return NOSTREAM
    deepest = len(ordered).bit_length() - 1  # the lowest level, counted from 0 at the root

    def build(lo: int, hi: int, level: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        e = entries[ordered[mid]]
        e.left = build(lo, mid, level + 1)
        e.right = build(mid + 1, hi, level + 1)
        e.black = not (level == deepest and deepest > 0)
        return ordered[mid]

    return build(0, len(ordered), 0)


def _sectors(n_bytes: int, size: int) -> int:
    return -(-n_bytes // size)


def write(tree: Tree) -> bytes:
    """The compound file holding ``tree`` (names as given; streams as bytes)."""
    entries = _flatten(tree)
    # mini stream: small streams, each padded to 64 bytes
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in entries:
        if e.kind != 2:
            continue
        e.size = len(e.data)
        if e.size >= MINI_CUTOFF:
            big.append(e)
        elif e.size:
            e.start = len(minifat)
            n = _sectors(e.size, MINI_SECTOR)
            minifat += list(range(e.start + 1, e.start + n)) + [ENDOFCHAIN]
            mini += e.data.ljust(n * MINI_SECTOR, b"\0")
        else:
            e.start = ENDOFCHAIN
    n_dir = _sectors(len(entries) * 128, SECTOR)
    n_minifat = _sectors(len(minifat) * 4, SECTOR)
    n_mini = _sectors(len(mini), SECTOR)
    n_big = sum(_sectors(e.size, SECTOR) for e in big)
    others = n_dir + n_minifat + n_mini + n_big
    n_fat = 1
    while n_fat * (SECTOR // 4) < others + n_fat:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:  # pragma: no cover - a VBA project of more than 6 MB
        raise ValueError("compound file too large for a header-only DIFAT")

    fat: list[int] = [FATSECT] * n_fat
    body = bytearray()

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        first = len(fat)
        n = _sectors(len(data), SECTOR)
        fat.extend(list(range(first + 1, first + n)) + [ENDOFCHAIN])
        body.extend(bytes(data).ljust(n * SECTOR, b"\0"))
        return first

    dir_start = len(fat)  # written last (it holds the others' start sectors): reserve it
    fat.extend(list(range(dir_start + 1, dir_start + n_dir)) + [ENDOFCHAIN])
    body.extend(bytes(n_dir * SECTOR))
    minifat_start = place(b"".join(struct.pack("<I", x) for x in minifat))
    root = entries[0]
    root.start = place(bytes(mini))
    root.size = len(mini)
    for e in big:
        e.start = place(e.data)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _empty_entry() * (n_dir * SECTOR // 128 - len(entries))
    body[0:len(directory)] = directory
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))

    difat = list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", bytes(16), 0x003E, 0x0003, 0xFFFE, 9, 6,
        bytes(6), 0, n_fat, dir_start, 0, MINI_CUTOFF,
        minifat_start if minifat else ENDOFCHAIN, n_minifat, ENDOFCHAIN, 0)
    header += struct.pack(f"<{_HEADER_DIFAT}I", *difat)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    # sector n is at byte 512 * (n + 1): the FAT sectors first, then the body
    return header + fat_bytes + bytes(body)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0"
    start = e.start if e.kind != 1 else 0
    size = e.size if e.kind != 1 else 0
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, 1 if e.black else 0,
                       e.left, e.right, e.child, bytes(16), 0, 0, 0, start, size)


def _empty_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                       bytes(16), 0, 0, 0, 0, 0)
