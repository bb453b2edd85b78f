"""Criterion codes → hierarchy paths (shared/spec/bloc-workbook.md "Criterion hierarchy").

- a Roman numeral (I, II, ...) starts a section (level 1);
- an Arabic number (1, 2, ...) is level 2 inside the current section;
- dotted numbers (1.1, 2.3, 1.2.1) nest under the row whose code is their prefix;
- a single lower-case letter (a, b, c) or "-" / "+" is one level below the row above it
  (a run of rows with the same kind of marker are siblings; a/b/c then - nests);
- rows before the first section belong to an implicit section named after the sheet;
- **v2** a section may be written with a prefix — "Phần I", "Mục II", "Chương III",
  "Tiêu chí 1" (the prefix is dropped: the section is "I", "II", "III", "1"; inside a
  numbered section "1", dotted codes "1.1", "1.2" are its children) — or, in a sheet
  without Roman numerals, as a capital letter (A, B, C ...).

Used by the bloc workbook parser and by the self-score merge, so both give the same paths.
"""
from __future__ import annotations

import re
from .record import record

_ROMAN = re.compile(r"^(?=[IVXLC]+$)C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ARABIC = re.compile(r"^\d+$")
_DOTTED = re.compile(r"^\d+(\.\d+)+$")
_LETTER = re.compile(r"^[a-zđ]$")
_CAPITAL = re.compile(r"^[A-ZĐ]$")
_SECTION_PREFIX: re.Pattern | None = None


def _section_prefix() -> re.Pattern:
    """"Phần I", "Mục II", "Chương III", "Tiêu chí 1" (folded; the words in core.vocab)."""
    global _SECTION_PREFIX
    if _SECTION_PREFIX is None:
        from .text import fold
        from .vocab import SECTION_CODE_PREFIXES

        words = "|".join(re.escape(fold(w)) for w in SECTION_CODE_PREFIXES)
        _SECTION_PREFIX = re.compile(rf"^(?:{words})\s+(\S+?)[.:]?$")
    return _SECTION_PREFIX
_BULLET = {"-", "+", "–", "—", "*", "•"}


def normalize_code(raw: object) -> str:
    """Trim, drop a trailing "." or ")" and inner spaces of dotted codes: " 1.2. " → "1.2"."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = str(raw).replace("\u00a0", " ").strip()
    while s and s[-1] in ".)" and len(s) > 1:
        s = s[:-1].rstrip()
    if re.fullmatch(r"[\d\s.]+", s):
        s = s.replace(" ", "")
    return s


def section_code(code: str, *, letters: bool = True) -> str | None:
    """The section a code names, or None: "II" → "II", "Phần II" → "II", "Tiêu chí 1" →
    "1", "A" → "A" (``letters``: the sheet has no Roman numerals)."""
    if _ROMAN.match(code):
        return code
    if letters and _CAPITAL.match(code):
        return code
    from .text import fold

    m = _section_prefix().match(fold(code))
    if m:
        inner = normalize_code(code.split()[-1])
        if _ROMAN.match(inner.upper()) or _ARABIC.match(inner) or _CAPITAL.match(inner.upper()):
            return inner.upper()
    return None


def has_roman(codes) -> bool:
    """True unless a column of codes is lettered: capital letters (A, B ...; "C" is also
    a Roman numeral) and no Roman numeral of two letters or more (II, IV ...). In a
    lettered column capital letters are sections."""
    letters = False
    for raw in codes:
        code = normalize_code(raw)
        if len(code) > 1 and _ROMAN.match(code):
            return True
        if _CAPITAL.match(code) and not _ROMAN.match(code):
            letters = True
    return not letters


def code_kind(code: str, *, letters: bool = False) -> str | None:
    """"section" | "number" | "dotted" | "sub" | None (not a code)."""
    if not code:
        return None
    if section_code(code, letters=letters) is not None:
        return "section"
    if _ARABIC.match(code):
        return "number"
    if _DOTTED.match(code):
        return "dotted"
    if _LETTER.match(code) or code in _BULLET:
        return "sub"
    return None


@record
class Node:
    """A criterion row's place in the tree: path, code, level, parent, section, kind."""

    path: str
    code: str
    level: int
    parent: str | None
    section: str
    kind: str


class HierarchyBuilder:
    """Feed codes row by row; get a :class:`Node` or an error code per row."""

    def __init__(self, implicit_section: str, *, letters: bool = False) -> None:
        self.implicit = implicit_section
        #: capital letters are sections (the sheet has no Roman numerals)
        self.letters = letters
        #: rows whose code repeats one above: path -> how many times seen
        self._dups: dict[str, int] = {}
        self.section: Node | None = None
        self.prev: Node | None = None
        self.by_path: dict[str, Node] = {}
        self._bullets: dict[str, int] = {}
        self.implicit_used = False

    def _prefix(self, code: str = "") -> str:
        sec = self.section
        if not sec or sec.path == self.implicit:
            return ""
        # a numbered section "Tiêu chí 1": its children are written "1.1", "1.2"
        if sec.kind == "section" and _ARABIC.match(sec.path) and code.startswith(
                sec.path + "."):
            return ""
        return sec.path + "."

    def _current_section(self) -> Node:
        if self.section is None:
            node = Node(self.implicit, "", 1, None, self.implicit, "implicit")
            self.section = node
            self.by_path[node.path] = node
            self.implicit_used = True
        return self.section

    def add(self, raw_code: object) -> tuple[Node | None, str | None]:
        """Return ``(node, None)`` or ``(None, problem)`` with problem in
        {"bad-code", "duplicate-code", "orphan-code"}; a duplicate gives ``(node,
        "duplicate-code")`` (see :meth:`_duplicate`)."""
        code = normalize_code(raw_code)
        kind = code_kind(code, letters=self.letters)
        if kind is None:
            return None, "bad-code"
        if kind == "section":
            code = section_code(code, letters=self.letters) or code
            node = Node(code, code, 1, None, code, kind)
            if code in self.by_path:
                return self._duplicate(node), "duplicate-code"
            self.section = node
        elif kind == "number":
            sec = self._current_section()
            path = self._prefix() + code
            node = Node(path, code, 2, sec.path, sec.path, kind)
        elif kind == "dotted":
            sec = self._current_section()
            parent_code = code.rsplit(".", 1)[0]
            prefix = self._prefix(code)
            parent_path = prefix + parent_code
            parent = self.by_path.get(parent_path)
            if parent is None:
                return None, "orphan-code"
            node = Node(prefix + code, code, parent.level + 1, parent.path,
                        sec.path, kind)
        else:  # sub: a/b/c or bullet
            above = self.prev
            if above is None:
                sec = self._current_section()
                above = sec
            # the nearest row above (or its ancestors) with the same kind of marker is a
            # sibling (a, b, c ... or -, -, -); otherwise the new row nests below the row above
            parent = above
            node_up: Node | None = above
            while node_up is not None and node_up.kind == "sub":
                if (node_up.code in _BULLET) == (code in _BULLET):
                    parent = self.by_path.get(node_up.parent) if node_up.parent else None
                    break
                node_up = self.by_path.get(node_up.parent) if node_up.parent else None
            if parent is None:
                parent = self._current_section()
            if code in _BULLET:
                n = self._bullets.get(parent.path, 0) + 1
                self._bullets[parent.path] = n
                key = f"{code}{n}"
            else:
                key = code
            node = Node(f"{parent.path}.{key}" if parent.path else key, code,
                        parent.level + 1, parent.path, parent.section, kind)
        if node.path in self.by_path:
            return self._duplicate(node), "duplicate-code"
        self.by_path[node.path] = node
        self.prev = node
        return node, None

    def _duplicate(self, node: Node) -> Node:
        """A code typed twice: the row still gets a node of its own (path "1.2#2"), so
        that it is read as a criterion and its parent's max adds up; the caller reports
        the duplicate once. Its children, if any, nest under it."""
        n = self._dups.get(node.path, 1) + 1
        self._dups[node.path] = n
        dup = Node(f"{node.path}#{n}", node.code, node.level, node.parent,
                   node.section if node.level > 1 else f"{node.path}#{n}", node.kind)
        self.by_path[dup.path] = dup
        self.prev = dup
        if dup.level == 1:
            self.section = dup
        return dup

    def first(self, path: str) -> Node | None:
        """The first row with this path (for a duplicate "1.2#2": the row "1.2")."""
        return self.by_path.get(path.split("#", 1)[0])


def next_code(code: str) -> str | None:
    """The code that usually follows ``code`` among siblings: II after I, 3 after 2, 2.3
    after 2.2, c after b (None for a bullet)."""
    kind = code_kind(code)
    if kind == "number":
        return str(int(code) + 1)
    if kind == "dotted":
        head, _, last = code.rpartition(".")
        return f"{head}.{int(last) + 1}"
    if kind == "section":
        return _roman(_from_roman(code) + 1)
    if kind == "sub" and code not in _BULLET and code < "z":
        return "e" if code == "đ" else chr(ord(code) + 1)
    return None


_ROMAN_VALUES = (("C", 100), ("XC", 90), ("L", 50), ("XL", 40), ("X", 10), ("IX", 9),
                 ("V", 5), ("IV", 4), ("I", 1))


def _from_roman(s: str) -> int:
    total, i = 0, 0
    for sym, val in _ROMAN_VALUES:
        while s.startswith(sym, i):
            total += val
            i += len(sym)
    return total


def _roman(n: int) -> str:
    out = []
    for sym, val in _ROMAN_VALUES:
        while n >= val:
            out.append(sym)
            n -= val
    return "".join(out)
