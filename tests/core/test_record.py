"""``@record`` makes what ``@dataclass`` makes (for the options the package uses), without
importing dataclasses: each behaviour is checked on a record and on the same class made
by dataclasses."""
from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys

import pytest

from thidua_xl.core.record import FrozenInstanceError, defaults, field, fields, record, replace

OPTIONS = [{}, {"frozen": True}, {"slots": True}, {"frozen": True, "slots": True},
           {"slots": True, "kw_only": True}, {"frozen": True, "slots": True, "kw_only": True}]


def _pair(opts: dict):
    """The same class made by @record and by @dataclass (module-level names for pickle)."""
    made = []
    for deco, fld in ((record, field), (dataclasses.dataclass, dataclasses.field)):
        class Point:
            """doc"""
            x: int
            y: str = "a"
            tags: tuple = fld(default_factory=tuple)
            hidden: float = fld(default=0.5, repr=False, compare=False)

        made.append(deco(**opts)(Point))
    return made


def _args(opts: dict) -> dict:
    return {"x": 1, "y": "b", "tags": (2,)}


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_same_methods_as_dataclass(opts):
    R, D = _pair(opts)
    kw = _args(opts)
    r, d = R(**kw), D(**kw)
    assert repr(r) == repr(d)
    assert repr(r).endswith(".Point(x=1, y='b', tags=(2,))")  # (a qualname: made in _pair)
    assert r == R(**kw) and not r != R(**kw)
    assert r != R(**{**kw, "x": 2})
    assert r == R(**kw, hidden=9.0)  # compare=False
    assert (r == d) is False  # another class: NotImplemented both ways
    assert R.__match_args__ == D.__match_args__
    assert R(x=1).tags == () == D(x=1).tags
    if opts.get("frozen"):
        assert hash(r) == hash(R(**kw))
        with pytest.raises(FrozenInstanceError):
            r.x = 5
        with pytest.raises(AttributeError):
            del r.y
        with pytest.raises(dataclasses.FrozenInstanceError):
            d.x = 5  # (the same family of error: both are AttributeError)
    else:
        assert R.__hash__ is None and D.__hash__ is None
        r.x = 5
        assert r.x == 5
    if opts.get("slots"):
        assert R.__slots__ == D.__slots__
        assert not hasattr(r, "__dict__")
    if opts.get("kw_only"):
        with pytest.raises(TypeError):
            R(1)
    else:
        assert R(1, "b", (2,)) == R(**kw)  # positional, in field order


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_standard_functions_take_a_record(opts):
    R, _ = _pair(opts)
    r = R(**_args(opts))
    assert dataclasses.is_dataclass(r)
    assert [f.name for f in dataclasses.fields(R)] == ["x", "y", "tags", "hidden"]
    assert [f.name for f in fields(R)] == ["x", "y", "tags", "hidden"]
    assert defaults(R) == {"y": "a", "hidden": 0.5}  # (a factory is not a plain default)
    assert dataclasses.asdict(r) == {"x": 1, "y": "b", "tags": (2,), "hidden": 0.5}
    assert dataclasses.astuple(r) == (1, "b", (2,), 0.5)
    assert dataclasses.replace(r, x=7) == replace(r, x=7) == R(**{**_args(opts), "x": 7})
    assert copy.deepcopy(r) == r and copy.copy(r) == r


def test_pickle_frozen_slots():
    global PickledPoint

    @record(frozen=True, slots=True)
    class PickledPoint:
        x: int
        y: tuple = ()

    PickledPoint.__qualname__ = "PickledPoint"
    p = PickledPoint(3, (1,))
    assert pickle.loads(pickle.dumps(p)) == p


def test_defaults_post_init_inheritance_and_errors():
    @record
    class Base:
        a: int
        b: dict = field(default_factory=dict)

    @record
    class Child(Base):
        c: int = 0
        n: int = field(init=False, default=0)

        def __post_init__(self):
            self.n = self.a + self.c

    ch = Child(1, {}, 2)
    assert Child(1).b == {} and Child(1).b is not Child(1).b  # a fresh dict each
    assert (ch.a, ch.b, ch.c, ch.n) == (1, {}, 2, 3)
    assert repr(ch).endswith(".Child(a=1, b={}, c=2, n=3)")
    assert Child.c == 0 and "a" not in Base.__dict__  # class attributes as dataclasses
    with pytest.raises(ValueError):
        replace(ch, n=4)
    with pytest.raises(TypeError):
        @record
        class Bad:
            a: int = 0
            b: int
    with pytest.raises(ValueError):
        @record
        class Mutable:
            a: list = []  # noqa: RUF012

    @record(frozen=True)
    class OwnHash:
        a: int

        def __hash__(self):
            return 42

    assert hash(OwnHash(1)) == 42


def test_command_path_does_not_import_dataclasses(tmp_path):
    """The point of ``@record``: a ``check`` imports neither dataclasses nor inspect."""
    from tests.builders import crit, write_bloc

    book = tmp_path / "khoi.xlsx"
    write_bloc(book, units=["Sở A", "Sở B"],
               criteria=[crit("I", "Mục I", 10), crit("1", max=10, scores={"Sở A": 9, "Sở B": 8})])
    # (printed as the program leaves: cli.entry ends a check with os._exit)
    code = ("import os, sys, runpy; sys.argv = ['thidua-xl', 'check', sys.argv[1]]\n"
            "leave = os._exit\n"
            "def report(code):\n"
            "    print(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))\n"
            "    sys.stdout.flush()\n"
            "    leave(code)\n"
            "os._exit = report\n"
            "runpy.run_module('thidua_xl', run_name='__main__')\n")
    out = subprocess.run([sys.executable, "-c", code, str(book)], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
