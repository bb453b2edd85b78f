"""package._write_overlapped: a big sheet's chunks are deflated on a second thread while the
next ones are rendered — same bytes, in order, and every failure raised in the caller."""
from __future__ import annotations

import io
import threading

import pytest

from thidua_xl.io.package import _write_overlapped


def _chunks(n):
    return [f"<row r=\"{i}\">{'x' * (i % 97)}</row>".encode() for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 500])
def test_every_chunk_is_written_once_in_order(n):
    out = io.BytesIO()
    _write_overlapped(out, iter(_chunks(n)))
    assert out.getvalue() == b"".join(_chunks(n))


def test_one_or_two_chunks_start_no_thread(monkeypatch):
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self))
    out = io.BytesIO()
    _write_overlapped(out, iter(_chunks(2)))
    assert started == [] and out.getvalue() == b"".join(_chunks(2))


class _FullDisk(io.BytesIO):
    def __init__(self, after):
        super().__init__()
        self.after, self.calls = after, 0

    def write(self, b):
        self.calls += 1
        if self.calls > self.after:
            raise OSError(28, "No space left on device")
        return super().write(b)


def test_a_failing_write_is_raised_in_the_callers_thread_and_stops_the_rendering():
    made = []

    def gen():
        for c in _chunks(1000):
            made.append(c)
            yield c

    out = _FullDisk(after=3)
    with pytest.raises(OSError) as err:
        _write_overlapped(out, gen())
    assert err.value.errno == 28
    assert len(made) < 1000  # the rendering stopped soon after the failure
    assert not [t for t in threading.enumerate() if t.name == "thidua-deflate"]


def test_a_failing_rendering_is_raised_and_the_thread_ends():
    def gen():
        yield from _chunks(10)
        raise ValueError("render failed")

    out = io.BytesIO()
    with pytest.raises(ValueError, match="render failed"):
        _write_overlapped(out, gen())
    assert out.getvalue() == b"".join(_chunks(10))
    assert not [t for t in threading.enumerate() if t.name == "thidua-deflate"]
