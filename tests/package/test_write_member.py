"""parts.write_member: a zip member written from chunks, its CRC and deflate on a second
thread past the first 4 MB. The member must be the one a single thread writes (same
compressed bytes, not only the same content), and an error on either side must reach the
caller with no thread left behind and the interpreter's switch interval restored."""
from __future__ import annotations

import io
import random
import sys
import threading
import zipfile

import pytest

from thidua_xl.io import parts
from thidua_xl.io.parts import _new_info, write_member


def _chunks(n: int, seed: int = 7) -> list[bytes]:
    """Sheet-like XML in chunks of uneven sizes (some far below a piece, some above)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        rows = rnd.choice((1, 3, 40, 900))
        out.append(b"".join(b'<row r="%d"><c r="A%d"><v>%d.%d</v></c></row>'
                            % (i, i, rnd.randrange(10 ** 6), rnd.randrange(100))
                            for _ in range(rows)))
    return out


def _zip(write) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        write(z)
    return buf.getvalue()


def _member(zbytes: bytes, name: str) -> tuple[bytes, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(zbytes)) as z:
        info = z.getinfo(name)
        z.fp.seek(info.header_offset + 30 + len(info.filename) + len(info.extra))
        return z.fp.read(info.compress_size), info


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate()}


@pytest.mark.parametrize("behind_from", [parts._BEHIND_FROM, 1, 10 ** 12])
def test_member_is_the_one_a_single_thread_writes(monkeypatch, behind_from):
    chunks = _chunks(1500)
    assert sum(map(len, chunks)) > parts._BEHIND_FROM + (2 << 20)  # pieces behind
    monkeypatch.setattr(parts, "_BEHIND_FROM", behind_from)
    seen = []
    real = parts._write_behind
    monkeypatch.setattr(parts, "_write_behind", lambda f, p: (seen.append(1), real(f, p)))
    info = _new_info("xl/worksheets/sheet9.xml", level=3)
    ours = _zip(lambda z: write_member(z, info, iter(chunks)))
    plain = _zip(lambda z: z.writestr(_new_info("xl/worksheets/sheet9.xml", level=3),
                                      b"".join(chunks)))
    a, ia = _member(ours, "xl/worksheets/sheet9.xml")
    b, ib = _member(plain, "xl/worksheets/sheet9.xml")
    assert (ia.CRC, ia.file_size, ia.compress_size) == (ib.CRC, ib.file_size, ib.compress_size)
    assert a == b
    assert bool(seen) == (behind_from < 10 ** 12)  # the thread ran where it should
    assert "thidua-xl-deflate" not in _threads()


def test_empty_and_small_members_stay_on_one_thread(monkeypatch):
    monkeypatch.setattr(parts, "_write_behind", lambda *a: pytest.fail("no thread for this"))
    z1 = _zip(lambda z: write_member(z, "a.xml", iter([])))
    z2 = _zip(lambda z: write_member(z, "b.xml", iter([b"<x/>", b"", b"<y/>"])))
    with zipfile.ZipFile(io.BytesIO(z1)) as z:
        assert z.read("a.xml") == b""
    with zipfile.ZipFile(io.BytesIO(z2)) as z:
        assert z.read("b.xml") == b"<x/><y/>"


def test_an_error_making_chunks_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(parts, "_BEHIND_FROM", 1)
    switch = sys.getswitchinterval()

    def chunks():
        yield from _chunks(300)
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError, match="render failed"):
        _zip(lambda z: write_member(z, "s.xml", chunks()))
    assert "thidua-xl-deflate" not in _threads()
    assert sys.getswitchinterval() == switch


class _FullDisk(io.RawIOBase):
    """A file that takes ``room`` bytes and then fails as a full disk does."""

    def __init__(self, room: int) -> None:
        self.room, self.n = room, 0

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, b) -> int:
        if self.n + len(b) > self.room:
            raise OSError(28, "No space left on device")
        self.n += len(b)
        return len(b)


def test_an_error_writing_stops_the_caller_and_is_raised(monkeypatch):
    monkeypatch.setattr(parts, "_BEHIND_FROM", 1)
    monkeypatch.setattr(parts, "_PIECE", 1 << 12)
    switch = sys.getswitchinterval()
    made = []

    def chunks():
        for c in _chunks(5000):
            made.append(len(c))
            yield c

    disk = _FullDisk(20_000)
    z = zipfile.ZipFile(disk, "w", zipfile.ZIP_STORED)
    with pytest.raises(OSError, match="No space"):
        write_member(z, zipfile.ZipInfo("s.xml"), chunks())
    z.fp = None  # (the disk is full: no end record to write; its __del__ would try)
    assert len(made) < 5000  # the caller stopped making chunks once the disk was full
    assert "thidua-xl-deflate" not in _threads()
    assert sys.getswitchinterval() == switch


def test_the_switch_interval_is_lowered_only_while_writing(monkeypatch):
    monkeypatch.setattr(parts, "_BEHIND_FROM", 1)
    before = sys.getswitchinterval()
    during = []

    def chunks():
        for c in _chunks(200):
            during.append(sys.getswitchinterval())
            yield c

    _zip(lambda z: write_member(z, "s.xml", chunks()))
    assert min(during) == min(before, parts._SWITCH)
    assert sys.getswitchinterval() == before


def test_without_threads_the_member_is_written_on_one(monkeypatch):
    """Where no thread can start (Pyodide, where xlwings Lite runs), the caller writes it."""
    monkeypatch.setattr(parts, "_BEHIND_FROM", 1)

    def refuse(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    chunks = _chunks(400)
    switch = sys.getswitchinterval()
    z = _zip(lambda z: write_member(z, "s.xml", iter(chunks)))
    with zipfile.ZipFile(io.BytesIO(z)) as zf:
        assert zf.read("s.xml") == b"".join(chunks)
    assert sys.getswitchinterval() == switch
