"""A streaming look at every XML part of a package: DTDs and entity declarations anywhere.

A DTD may follow a long comment or processing instruction, so looking at the first bytes of
a part is not enough: :class:`DtdWatch` is fed the whole part in chunks (the bytes the
budget pass reads anyway, see :mod:`thidua_xl.io.budget`) and remembers whether
``<!DOCTYPE`` or ``<!ENTITY`` occurs at any offset (any letter case, UTF-16 parts included).
A part holding one is refused before any reader parses it, and is never copied into an
output (the whole file is refused). A declaration inside a comment is refused as well:
Excel never writes one.
"""
from __future__ import annotations

_MARKERS = (b"<!doctype", b"<!entity")
_KEEP = 16  # bytes carried over between chunks (longer than the longest marker)


def looks_like_xml(head: bytes) -> bool:
    """True when a part's first bytes are XML (after a BOM and whitespace), in UTF-8 or
    UTF-16: such parts are watched whatever their name."""
    h = head.lstrip(b"\xef\xbb\xbf\xff\xfe").replace(b"\x00", b"").lstrip()
    return h.startswith(b"<")


class DtdWatch:
    """Feed chunks of one part with :meth:`feed`; :attr:`found` once a declaration is seen."""

    __slots__ = ("found", "_tail", "_wide")

    def __init__(self) -> None:
        self.found = False
        self._tail = b""
        self._wide: bool | None = None

    def feed(self, chunk: bytes) -> bool:
        if self.found or not chunk:
            return self.found
        if self._wide is None:
            # UTF-16 (a BOM or NULs among the first bytes): compare without the NULs
            self._wide = chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:64]
        if self._wide:
            chunk = chunk.replace(b"\x00", b"")
        data = self._tail + chunk
        if b"<!" in data:
            low = data.lower()
            if any(m in low for m in _MARKERS):
                self.found = True
        self._tail = data[-_KEEP:]
        return self.found


def has_dtd(stream, chunk: int = 1 << 20) -> bool:
    """Whether the part read from ``stream`` holds a DTD or entity declaration."""
    w = DtdWatch()
    while True:
        data = stream.read(chunk)
        if not data:
            return False
        if w.feed(data):
            return True


# --------------------------------------------------------------------------------------
# a small part as a tree
# --------------------------------------------------------------------------------------
class Unsafe(Exception):
    """A DTD or entity declaration in a part parsed with :func:`parse`."""


class Element:
    """What the readers use of an ElementTree element: ``tag`` and attribute names as
    ``{namespace}local``, ``attrib``, ``get``, the children by iteration, ``iter()``."""

    __slots__ = ("tag", "attrib", "_children")

    def __init__(self, tag: str, attrib: dict[str, str]) -> None:
        self.tag = tag
        self.attrib = attrib
        self._children: list[Element] = []

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrib.get(key, default)

    def __iter__(self):
        return iter(self._children)

    def __len__(self) -> int:
        return len(self._children)

    def iter(self):
        """This element and every one below it, in document order."""
        stack = [self]
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el._children))


def _refuse(*_args) -> None:
    raise Unsafe("DTD/entity declarations are forbidden")


def safe_parser(namespace_separator: str | None = None, *, forbid_dtd: bool = True):
    """An expat parser that refuses entity declarations, and a DTD unless ``forbid_dtd``
    is False (:class:`Unsafe`), as defusedxml's parser does; text buffered."""
    from xml.parsers import expat

    p = expat.ParserCreate(None, namespace_separator)
    p.buffer_text = True
    if forbid_dtd:
        p.StartDoctypeDeclHandler = _refuse
    p.EntityDeclHandler = _refuse
    p.UnparsedEntityDeclHandler = _refuse
    p.ExternalEntityRefHandler = _refuse
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return p


def parse(data: bytes, forbid_dtd: bool = True) -> Element:
    """The root of a small XML part (a relationships part, the workbook, the styles), as
    defusedxml's ``fromstring`` gives it but on expat alone: a fresh ``check`` then imports
    neither ElementTree nor defusedxml (≈ 4 ms). Entity declarations are refused, a DTD
    too unless ``forbid_dtd`` is False (:class:`Unsafe`); malformed XML raises
    ``xml.parsers.expat.ExpatError`` (whose text ElementTree's ParseError repeats)."""
    p = safe_parser("}", forbid_dtd=forbid_dtd)
    stack: list[Element] = []
    root: list[Element] = []
    names: dict[str, str] = {}  # expat's "ns}local" → "{ns}local", as ElementTree spells it

    def fix(name: str) -> str:
        out = names.get(name)
        if out is None:
            out = names[name] = "{" + name if "}" in name else name
        return out

    def start(tag: str, attrs: dict[str, str]) -> None:
        el = Element(fix(tag), {fix(k): v for k, v in attrs.items()} if attrs else {})
        if stack:
            stack[-1]._children.append(el)
        else:
            root.append(el)
        stack.append(el)

    def end(_tag: str) -> None:
        stack.pop()

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.Parse(data, True)
    return root[0]
