"""``@record``: the part of :func:`dataclasses.dataclass` this package uses, made cheaply.

Every ``thidua-xl`` command is a fresh process, and its start-up was a quarter dataclasses:
importing :mod:`dataclasses` pulls in :mod:`inspect` (with ``ast``, ``dis``, ``tokenize``)
for ≈ 9 ms, and making each class costs ≈ 0.35 ms (0.6 ms frozen with slots: three or more
``exec`` of generated methods and, for slots, a second class) — about 25 ms for the sixty
classes of a ``score``. ``@record`` compiles only ``__init__`` (its signature is the class's
own); ``__repr__``, ``__eq__``, ``__hash__`` and the frozen guards are closures over the
field names. It imports nothing but :mod:`operator`.

What it makes is what ``@dataclass`` makes for the same options (``frozen``, ``slots``,
``kw_only``; ``eq`` always): ``__init__`` with the same signature (defaults,
``field(default_factory=...)``, ``field(init=False)``, ``__post_init__``), ``__repr__``,
``__eq__`` (same class only), ``__hash__`` (frozen: of the compared fields; otherwise None
unless the class defines one), ``__match_args__``, ``__setattr__``/``__delattr__`` raising
:class:`FrozenInstanceError` (an ``AttributeError``, as in dataclasses) and pickling of
frozen slotted instances. Fields are inherited from ``@record`` bases in order.

The standard functions work on records too: ``__dataclass_fields__`` is built (with
:mod:`dataclasses` imported then) the first time anything asks for it, so
``dataclasses.replace/fields/asdict/astuple`` and ``is_dataclass`` behave as on a
dataclass. Inside the package, :func:`fields` and :func:`replace` do the same without that
import. Pure Python with no I/O: it lives in ``core`` so that every layer may use it.
"""
from __future__ import annotations

from operator import attrgetter

__all__ = ["record", "field", "fields", "defaults", "replace", "FrozenInstanceError",
           "MISSING"]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()  # no default (dataclasses' own MISSING is not imported)


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class Field:
    """One field's options, as :func:`dataclasses.field` takes them (the subset used)."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "compare")

    def __init__(self, default=MISSING, default_factory=MISSING, init=True, repr=True,
                 compare=True):
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name, self.type = "", ""
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.compare = init, repr, compare


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True,  # noqa: A002
          compare=True):
    return Field(default, default_factory, init, repr, compare)


def _is_classvar(annotation) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.startswith(("ClassVar", "typing.ClassVar"))


class _DataclassFields:
    """``__dataclass_fields__`` on first use: real :class:`dataclasses.Field` objects, so
    that the standard library's functions take a record as a dataclass."""

    def __get__(self, obj, cls):
        import dataclasses

        fields = {}
        for f in cls.__record_fields__:
            missing = dataclasses.MISSING
            df = dataclasses.field(
                default=missing if f.default is MISSING else f.default,
                default_factory=missing if f.default_factory is MISSING else f.default_factory,
                init=f.init, repr=f.repr, compare=f.compare)
            df.name, df.type = f.name, f.type
            df._field_type = dataclasses._FIELD  # noqa: SLF001 (what fields() filters on)
            fields[f.name] = df
        type.__setattr__(cls, "__dataclass_fields__", fields)  # made once per class
        return fields


def _collect(cls) -> list[Field]:
    fields: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for f in base.__dict__.get("__record_fields__", ()):
            fields[f.name] = f
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, MISSING)
        f = value if isinstance(value, Field) else Field(default=value)
        f.name, f.type = name, annotation
        if f.default is not MISSING and f.default.__class__ in (list, dict, set):
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not "
                             "allowed: use default_factory")
        fields[name] = f
    return list(fields.values())


def _source(cls, fields: list[Field], frozen: bool, kw_only: bool) -> tuple[str, dict]:
    """The source of ``cls.__init__``, and the names it refers to."""
    env: dict = {"MISSING": MISSING, "FrozenInstanceError": FrozenInstanceError,
                 "_object_setattr": object.__setattr__}
    params, body, seen_default = [], [], False
    for f in fields:
        if not f.init:
            if f.default_factory is not MISSING:
                env[f"_f_{f.name}"] = f.default_factory
                value = f"_f_{f.name}()"
            elif f.default is not MISSING:
                env[f"_d_{f.name}"] = f.default
                value = f"_d_{f.name}"
            else:
                continue
        elif f.default_factory is not MISSING:
            env[f"_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=MISSING")
            value = f"_f_{f.name}() if {f.name} is MISSING else {f.name}"
            seen_default = True
        elif f.default is not MISSING:
            env[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
            value = f.name
            seen_default = True
        else:
            if seen_default and not kw_only:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
            params.append(f.name)
            value = f.name
        body.append(f"    _object_setattr(self, {f.name!r}, {value})" if frozen
                    else f"    self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    sig = ", ".join((["*"] if kw_only and params else []) + params)
    lines = [f"def __init__(self{', ' if sig else ''}{sig}):", *(body or ["    pass"])]
    return "\n".join(lines) + "\n", env


def _methods(cls, fields: list[Field], frozen: bool) -> dict:
    """``__repr__``, ``__eq__`` and, frozen, ``__hash__``/``__setattr__``/``__delattr__``:
    closures over the field names (nothing to compile: only ``__init__`` needs its own
    signature)."""
    shown = tuple(f.name for f in fields if f.repr)
    compared = tuple(f.name for f in fields if f.compare)
    key = (attrgetter(*compared) if len(compared) > 1
           else (lambda o, g=attrgetter(compared[0]): (g(o),)) if compared
           else (lambda o: ()))

    def __repr__(self):
        return (f"{self.__class__.__qualname__}("
                + ", ".join(f"{n}={getattr(self, n)!r}" for n in shown) + ")")

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    out = {"__repr__": __repr__, "__eq__": __eq__}
    if frozen:
        names = frozenset(f.name for f in fields)

        def __hash__(self):
            return hash(key(self))

        def __setattr__(self, name, value):
            if type(self) is cls or name in names:
                raise FrozenInstanceError(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, value)

        def __delattr__(self, name):
            if type(self) is cls or name in names:
                raise FrozenInstanceError(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)

        out.update(__hash__=__hash__, __setattr__=__setattr__, __delattr__=__delattr__)
    return out


def _getstate(self):
    return [getattr(self, f.name) for f in self.__record_fields__]


def _setstate(self, state):
    for f, value in zip(self.__record_fields__, state):
        object.__setattr__(self, f.name, value)  # frozen: as __init__ sets them


def _process(cls, frozen: bool, slots: bool, kw_only: bool):
    fields = _collect(cls)
    own = {f.name for f in fields}
    if slots:  # the class again, with __slots__ instead of a __dict__ (as dataclasses)
        d = dict(cls.__dict__)
        inherited = {s for c in cls.__mro__[1:] for s in c.__dict__.get("__slots__", ())}
        d["__slots__"] = tuple(f.name for f in fields if f.name not in inherited)
        for name in own:
            d.pop(name, None)
        d.pop("__dict__", None)
        d.pop("__weakref__", None)
        qualname = cls.__qualname__
        cls = type(cls)(cls.__name__, cls.__bases__, d)
        cls.__qualname__ = qualname
        if frozen:
            cls.__getstate__, cls.__setstate__ = _getstate, _setstate
    else:
        for f in fields:  # as dataclasses: the class attribute is the default (or none)
            if f.name in cls.__dict__:
                if f.default is MISSING:
                    delattr(cls, f.name)
                else:
                    setattr(cls, f.name, f.default)
    text, env = _source(cls, fields, frozen, kw_only)
    exec(compile(text, f"<record {cls.__qualname__}>", "exec"), env)  # noqa: S102
    methods = _methods(cls, fields, frozen)
    methods["__init__"] = env["__init__"]
    defined = dict(cls.__dict__)
    #: as dataclasses: a class's own methods stay; an __eq__ of its own makes Python set
    #: __hash__ to None, which is not a hash of its own
    own_hash = "__hash__" in defined and not (defined["__hash__"] is None
                                              and "__eq__" in defined)
    for name, fn in methods.items():
        if name in defined and (name != "__hash__" or own_hash):
            continue
        fn.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, fn)
    if not frozen and not own_hash:
        cls.__hash__ = None  # eq without frozen: unhashable, as dataclasses makes it
    cls.__record_fields__ = tuple(fields)
    cls.__match_args__ = tuple(f.name for f in fields if f.init and not kw_only)
    cls.__dataclass_fields__ = _DataclassFields()
    return cls


def record(cls=None, /, *, frozen: bool = False, slots: bool = False, kw_only: bool = False):
    """``@record`` / ``@record(frozen=True, slots=True, kw_only=True)``: see the module."""
    def wrap(c):
        return _process(c, frozen, slots, kw_only)
    return wrap if cls is None else wrap(cls)


def fields(class_or_instance) -> tuple[Field, ...]:
    """The fields of a record, in order (:func:`dataclasses.fields`)."""
    return class_or_instance.__record_fields__


def defaults(cls) -> dict:
    """Field name → default value, for the fields of ``cls`` that have a plain default."""
    return {f.name: f.default for f in cls.__record_fields__ if f.default is not MISSING}


def replace(obj, /, **changes):
    """A copy of the record ``obj`` with ``changes`` (:func:`dataclasses.replace`)."""
    for f in obj.__record_fields__:
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False, it cannot "
                                 "be specified with replace()")
            continue
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)
