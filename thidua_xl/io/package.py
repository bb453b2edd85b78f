"""Graft output sheets into a copy of the user's OOXML package (.xlsx / .xlsm).

``score`` writes "the input plus the output sheets". Loading the user's workbook with
openpyxl and saving it again is slow and loses things openpyxl does not model (images,
some chart features, form controls, custom XML, ...). Instead the output sheets are
rendered by openpyxl into a small *donor* workbook, and :func:`graft_sheets` copies the
user's package part by part (compressed bytes copied as they are) while

- removing the base sheets named in ``replace`` (and the donor's names): their
  ``<sheet>`` entry, workbook relationship, part, relationships and every part only they
  used (drawings, charts, comments, ...), their local defined names; the other local
  names get their ``localSheetId`` shifted; ``calcChain.xml`` is dropped (Excel rebuilds
  it) when a sheet is removed;
- appending the donor's worksheets with everything they reference (drawings, charts,
  images), renamed to free part names; styles merged into the base ``styles.xml`` (fonts,
  fills, borders, custom number formats renumbered from 164, cell formats, differential
  formats) with the ``s``/``style``/``dxfId`` references rewritten; shared-string cells
  turned into inline strings (the base ``sharedStrings.xml`` stays untouched); the donor's
  defined names (print area, print titles) with the right ``localSheetId``; content types
  and workbook relationships with fresh ids; internal hyperlinks (locations) are kept,
  external ones are dropped;
- setting the active/selected tab.

Every other part of the base is copied byte for byte, ``vbaProject.bin`` and the
macro-enabled content type included. XML read from files is parsed with defusedxml; the
few rewritten parts are serialised with all their namespace declarations kept (Excel
rejects a part whose ``mc:Ignorable`` names an undeclared prefix).

Anything this module does not know how to graft raises :class:`GraftError`; the writer
then falls back to :func:`write_with_openpyxl`.
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import logging
import posixpath
import re
import struct
import time
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from defusedxml.ElementTree import iterparse as _safe_iterparse

log = logging.getLogger(__name__)

__all__ = ["GraftError", "graft_sheets", "write_with_openpyxl", "is_macro_package",
           "sheet_key", "parse_xml", "serialize_xml", "XmlDoc"]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_M = "{%s}" % NS_MAIN
_REL = "{%s}Relationship" % NS_PKG_REL
_CT = "{%s}" % NS_CT
_RID = "{%s}id" % NS_R

RT_WORKSHEET = NS_R + "/worksheet"
RT_STYLES = NS_R + "/styles"
RT_CALC_CHAIN = NS_R + "/calcChain"
RT_HYPERLINK = NS_R + "/hyperlink"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_MAIN = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
_MACRO_KINDS = {"xlsm", "xltm"}

#: relationship types a donor worksheet may bring along (everything else → GraftError)
_DONOR_REL_TYPES = {
    NS_R + "/drawing",
    NS_R + "/chart",
    NS_R + "/image",
    NS_R + "/hyperlink",
    NS_R + "/chartUserShapes",
    NS_R + "/themeOverride",
    "http://schemas.microsoft.com/office/2011/relationships/chartStyle",
    "http://schemas.microsoft.com/office/2011/relationships/chartColorStyle",
}
#: child order of <styleSheet> (CT_Stylesheet)
_STYLE_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                "cellStyles", "dxfs", "tableStyles", "colors", "extLst")
#: children of <workbook> that come before <definedNames> (CT_Workbook)
_BEFORE_DEFINED_NAMES = {"fileVersion", "fileSharing", "workbookPr", "workbookProtection",
                         "bookViews", "sheets", "functionGroups", "externalReferences"}


class GraftError(Exception):
    """The package could not be grafted (unsupported or broken content)."""


def sheet_key(name: str) -> str:
    """How Excel compares sheet names: case-insensitively (NFC, casefold)."""
    return unicodedata.normalize("NFC", name).casefold()


# --------------------------------------------------------------------------- XML

@dataclass
class XmlDoc:
    root: ET.Element
    #: namespace declarations (prefix, uri) of the elements that carry them, in source
    #: order ("" = default namespace); kept where they were so the part keeps its shape
    decls: dict[ET.Element, list[tuple[str, str]]]


def parse_xml(data: bytes, what: str = "XML") -> XmlDoc:
    """Parse (defusedxml: no entities, no external references) keeping the prefixes."""
    decls: dict[ET.Element, list[tuple[str, str]]] = {}
    pending: list[tuple[str, str]] = []
    root = None
    try:
        for event, item in _safe_iterparse(io.BytesIO(data), events=("start-ns", "start")):
            if event == "start-ns":
                pending.append(item)
            else:
                if root is None:
                    root = item
                if pending:
                    decls[item] = pending
                    pending = []
    except Exception as exc:  # ParseError, defusedxml's EntitiesForbidden, ...
        raise GraftError(f"{what}: {exc}") from exc
    if root is None:
        raise GraftError(f"{what}: empty document")
    return XmlDoc(root, decls)


def _esc_text(s: str) -> str:
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "\r" in s:
        s = s.replace("\r", "&#13;")
    return s


def _esc_attr(s: str) -> str:
    s = _esc_text(s)
    if '"' in s:
        s = s.replace('"', "&quot;")
    if "\n" in s:
        s = s.replace("\n", "&#10;")
    if "\t" in s:
        s = s.replace("\t", "&#9;")
    return s


class _Scope:
    """Namespace bindings in scope at one element (prefix -> uri and back)."""

    __slots__ = ("prefixes", "el_prefix", "at_prefix")

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes
        self.el_prefix: dict[str, str] = {}
        self.at_prefix: dict[str, str] = {}
        for p, u in prefixes.items():  # later (inner) bindings win
            if u:
                self.el_prefix[u] = p
                if p:
                    self.at_prefix[u] = p
        default = prefixes.get("")
        if default:
            self.el_prefix[default] = ""  # elements prefer the default namespace


def serialize_xml(doc: XmlDoc) -> bytes:
    """UTF-8 XML; namespace declarations stay on the elements that declared them.

    Elements added by this module reuse the prefixes in scope; a namespace with no
    prefix in scope gets a new declaration on the element that needs it.
    """
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n']
    w = out.append
    decls = doc.decls

    def split(key: str) -> tuple[str, str]:
        if key[0] == "{":
            uri, _, local = key[1:].partition("}")
            return uri, local
        return "", key

    def write(el: ET.Element, parent: _Scope) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comment / PI (not kept by the parser anyway)
            return
        own = list(decls.get(el, ()))
        scope = parent
        if own:
            scope = _Scope({**parent.prefixes, **dict(own)})
        needed: list[tuple[str, bool]] = [(tag, False)] + [(k, True) for k in el.attrib]
        for key, attr in needed:
            uri, _ = split(key)
            if uri == XML_NS:
                continue
            if not uri:
                if not attr and scope.prefixes.get(""):
                    own.append(("", ""))  # undeclare the default namespace
                    scope = _Scope({**scope.prefixes, "": ""})
                continue
            if uri in (scope.at_prefix if attr else scope.el_prefix):
                continue
            n = 0
            while f"ns{n}" in scope.prefixes:
                n += 1
            own.append((f"ns{n}", uri))
            scope = _Scope({**scope.prefixes, f"ns{n}": uri})

        def qname(key: str, attr: bool) -> str:
            uri, local = split(key)
            if not uri:
                return local
            if uri == XML_NS:
                return "xml:" + local
            p = (scope.at_prefix if attr else scope.el_prefix)[uri]
            return f"{p}:{local}" if p else local

        q = qname(tag, False)
        w("<" + q)
        for p, u in own:
            w(f' xmlns:{p}="{_esc_attr(u)}"' if p else f' xmlns="{_esc_attr(u)}"')
        for k, v in el.attrib.items():
            w(f' {qname(k, True)}="{_esc_attr(v)}"')
        if len(el) or el.text:
            w(">")
            if el.text:
                w(_esc_text(el.text))
            for child in el:
                write(child, scope)
                if child.tail:
                    w(_esc_text(child.tail))
            w(f"</{q}>")
        else:
            w("/>")

    write(doc.root, _Scope({}))
    return "".join(out).encode("utf-8")


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _canon(el: ET.Element) -> tuple:
    """A comparison key of an element, insensitive to attribute order and whitespace."""
    return (el.tag, tuple(sorted(el.attrib.items())), (el.text or "").strip(),
            tuple(_canon(c) for c in el if isinstance(c.tag, str)))


# --------------------------------------------------------------------------- package

@dataclass
class _Rel:
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

    def read(self, part: str) -> bytes:
        name = self.find(part)
        if name is None:
            raise GraftError(f"{self.what}: missing part {part}")
        return self.zf.read(self.infos[name])

    def xml(self, part: str) -> XmlDoc:
        return parse_xml(self.read(part), f"{self.what}:{part}")

    def rels_doc(self, part: str) -> XmlDoc | None:
        name = self.find(rels_name(part)) if part else self.find("_rels/.rels")
        return None if name is None else parse_xml(self.zf.read(self.infos[name]),
                                                   f"{self.what}:{name}")

    def rels(self, part: str) -> list[_Rel]:
        if part not in self._rels:
            doc = self.rels_doc(part)
            self._rels[part] = [] if doc is None else _rels_of(doc)
        return self._rels[part]


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


# --------------------------------------------------------------------------- styles

class _StyleMerge:
    """Append the donor's styles to the base's; maps donor ids to base ids."""

    def __init__(self, base: XmlDoc, donor: XmlDoc) -> None:
        self.base_doc = base
        self.base = base.root
        self.donor = donor.root
        self.numfmt: dict[int, int] = {}
        self._nf_codes: dict[str, int] = {}
        self._nf_ids: set[int] = set()
        self.changed = False

    def section(self, root: ET.Element, name: str, create: bool) -> ET.Element | None:
        el = root.find(_M + name)
        if el is None and create:
            el = ET.Element(_M + name, {"count": "0"})
            rank = _STYLE_ORDER.index(name)
            pos = len(root)
            for i, child in enumerate(root):
                loc = _local(child.tag)
                if loc in _STYLE_ORDER and _STYLE_ORDER.index(loc) > rank:
                    pos = i
                    break
            root.insert(pos, el)
        return el

    @staticmethod
    def _recount(sec: ET.Element) -> None:
        sec.set("count", str(len([c for c in sec if isinstance(c.tag, str)])))

    def _append_unique(self, name: str, items: list[ET.Element],
                       fixed: dict[int, int] | None = None) -> dict[int, int]:
        mapping: dict[int, int] = dict(fixed or {})
        todo = [(i, el) for i, el in enumerate(items) if i not in mapping]
        if not todo:
            return mapping
        sec = self.section(self.base, name, create=True)
        assert sec is not None
        existing = [c for c in sec if isinstance(c.tag, str)]
        keys: dict[tuple, int] = {}
        for i, el in enumerate(existing):
            keys.setdefault(_canon(el), i)
        n = len(existing)
        for i, el in todo:
            k = _canon(el)
            if k in keys:
                mapping[i] = keys[k]
                continue
            el = copy.deepcopy(el)
            el.tail = None
            sec.append(el)
            keys[k] = n
            mapping[i] = n
            n += 1
            self.changed = True
        self._recount(sec)
        return mapping

    def _numfmt_id(self, did: int, code: str | None) -> int:
        if did in self.numfmt:
            return self.numfmt[did]
        if code is None:  # built-in format
            return did
        if code in self._nf_codes:
            nid = self._nf_codes[code]
        else:
            nid = max(self._nf_ids | {163}) + 1
            sec = self.section(self.base, "numFmts", create=True)
            assert sec is not None
            sec.append(ET.Element(_M + "numFmt", {"numFmtId": str(nid), "formatCode": code}))
            self._recount(sec)
            self._nf_codes[code] = nid
            self._nf_ids.add(nid)
            self.changed = True
        self.numfmt[did] = nid
        return nid

    def merge(self) -> tuple[dict[int, int], dict[int, int]]:
        """Return (cellXfs map, dxfs map) from donor indexes to base indexes."""
        base_nf = self.section(self.base, "numFmts", create=False)
        if base_nf is not None:
            for el in base_nf:
                try:
                    nid = int(el.get("numFmtId", ""))
                except ValueError:
                    continue
                self._nf_ids.add(nid)
                self._nf_codes.setdefault(el.get("formatCode", ""), nid)
        donor_codes: dict[int, str] = {}
        donor_nf = self.section(self.donor, "numFmts", create=False)
        if donor_nf is not None:
            for el in donor_nf:
                donor_codes[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")

        def items(name: str) -> list[ET.Element]:
            sec = self.section(self.donor, name, create=False)
            return [] if sec is None else [c for c in sec if isinstance(c.tag, str)]

        fonts = self._append_unique("fonts", items("fonts"))
        base_fills = self.section(self.base, "fills", create=False)
        reserved = {0: 0, 1: 1} if base_fills is not None and len(base_fills) >= 2 else {}
        fills = self._append_unique("fills", items("fills"), reserved)
        borders = self._append_unique("borders", items("borders"))

        style_xfs = self.section(self.base, "cellStyleXfs", create=False)
        has_style_xfs = style_xfs is not None and len(style_xfs) > 0
        xfs = []
        for xf in items("cellXfs"):
            xf = copy.deepcopy(xf)
            did = int(xf.get("numFmtId", "0"))
            xf.set("numFmtId", str(self._numfmt_id(did, donor_codes.get(did))))
            for attr, mapping in (("fontId", fonts), ("fillId", fills), ("borderId", borders)):
                v = xf.get(attr)
                if v is not None:
                    xf.set(attr, str(mapping.get(int(v), 0)))
            if xf.get("xfId") is not None:
                if has_style_xfs:
                    xf.set("xfId", "0")  # the base's Normal style
                else:
                    del xf.attrib["xfId"]
            xfs.append(xf)
        xf_map = self._append_unique("cellXfs", xfs)

        dxfs = []
        for dxf in items("dxfs"):
            dxf = copy.deepcopy(dxf)
            nf = dxf.find(_M + "numFmt")
            if nf is not None:
                did = int(nf.get("numFmtId", "0"))
                code = nf.get("formatCode")
                nf.set("numFmtId", str(self._numfmt_id(did, code if did >= 164 else None)))
            dxfs.append(dxf)
        dxf_map = self._append_unique("dxfs", dxfs)
        return xf_map, dxf_map


#: merged styles by (base styles, donor styles) content: a batch scores workbooks made from
#: one template with one set of output styles, so the merge is the same file after file
#: (it was a third of the graft's time)
_STYLE_MERGES: dict[tuple[bytes, bytes], tuple[bytes | None, dict[int, int], dict[int, int]]] = {}


# --------------------------------------------------------------------------- sheets

_SHEETVIEW_RE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sheetView(?=[\s/>])[^>]*>")
_TABSEL_RE = re.compile(rb"""\s+tabSelected\s*=\s*(?:"[^"]*"|'[^']*')""")
_TABSEL_ON_RE = re.compile(rb"""\stabSelected\s*=\s*["'](?:1|true)["']""")


def _set_tab_selected(data: bytes, selected: bool) -> bytes:
    """Set/clear tabSelected on a base sheet's sheetView tags, touching nothing else."""
    end = data.find(b"sheetData")
    head = data if end < 0 else data[:end]
    matches = list(_SHEETVIEW_RE.finditer(head))
    if not matches:
        return data
    parts: list[bytes] = []
    pos = 0
    for i, m in enumerate(matches):
        tag = m.group()
        if selected and i == 0 and _TABSEL_ON_RE.search(tag):
            pass  # already selected: keep the tag as it is
        elif selected and i == 0:
            tag = _TABSEL_RE.sub(b"", tag)
            name_end = re.match(rb"<[^\s/>]+", tag).end()  # type: ignore[union-attr]
            tag = tag[:name_end] + b' tabSelected="1"' + tag[name_end:]
        else:
            tag = _TABSEL_RE.sub(b"", tag)
        parts.append(data[pos:m.start()])
        parts.append(tag)
        pos = m.end()
    parts.append(data[pos:])
    new = b"".join(parts)
    return data if new == data else new


_MAIN_DEFAULT = b'<worksheet xmlns="' + NS_MAIN.encode() + b'"'
_STYLED_TAG_RE = re.compile(rb"<(c|row|col|cfRule)\s[^>]*>")
_REL_LINK_RE = re.compile(rb"<hyperlink\s[^>]*:id=")
_STYLE_ATTR_RE = {b"c": re.compile(rb'(\ss=")(\d+)"'), b"row": re.compile(rb'(\ss=")(\d+)"'),
                  b"col": re.compile(rb'(\sstyle=")(\d+)"'),
                  b"cfRule": re.compile(rb'(\sdxfId=")(\d+)"')}


def _donor_sheet_bytes(data: bytes, xf_map: dict[int, int], dxf_map: dict[int, int],
                       selected: bool, what: str) -> bytes | None:
    """The same as :func:`_donor_sheet_xml` on the bytes, for the plain shape our own
    SpreadsheetML writer (render_xml) produces: the main namespace as the only, default
    one, inline strings, no relationship-bound hyperlinks. ``None`` for anything else
    (the tree path handles it). A fifth of a batch file's time went into parsing and
    re-serializing these sheets only to renumber style ids."""
    if not data[:64].lstrip().startswith((b"<?xml", b"<worksheet")):
        return None
    root_at = data.find(b"<worksheet")
    if (data.find(_MAIN_DEFAULT, root_at) != root_at or data.count(NS_MAIN.encode()) != 1
            or b't="s"' in data or _REL_LINK_RE.search(data) or b"<![CDATA[" in data):
        return None

    def fix(m: re.Match) -> bytes:
        name = m.group(1)
        mapping = dxf_map if name == b"cfRule" else xf_map

        def renumber(a: re.Match) -> bytes:
            try:
                return a.group(1) + str(mapping[int(a.group(2))]).encode() + b'"'
            except KeyError as exc:
                raise GraftError(f"{what}: unknown style {a.group(2).decode()}") from exc

        return _STYLE_ATTR_RE[name].sub(renumber, m.group(0), count=1)

    return _set_tab_selected(_STYLED_TAG_RE.sub(fix, data), selected)


def _donor_sheet_xml(data: bytes, xf_map: dict[int, int], dxf_map: dict[int, int],
                     strings: list[ET.Element], selected: bool, what: str) -> bytes:
    """A donor sheet's XML with the target's style ids, inline strings, internal links
    only and the tab selection set."""
    fast = _donor_sheet_bytes(data, xf_map, dxf_map, selected, what)
    return fast if fast is not None else _donor_sheet_tree(data, xf_map, dxf_map, strings,
                                                           selected, what)


def _donor_sheet_tree(data: bytes, xf_map: dict[int, int], dxf_map: dict[int, int],
                      strings: list[ET.Element], selected: bool, what: str) -> bytes:
    doc = parse_xml(data, what)
    root = doc.root

    def remap(el: ET.Element, attr: str, mapping: dict[int, int]) -> None:
        v = el.get(attr)
        if v is not None:
            try:
                el.set(attr, str(mapping[int(v)]))
            except (KeyError, ValueError) as exc:
                raise GraftError(f"{what}: unknown {attr}={v}") from exc

    for c in root.iter(_M + "c"):
        remap(c, "s", xf_map)
        if c.get("t") == "s":
            v = c.find(_M + "v")
            if v is None or not (v.text or "").strip():
                c.attrib.pop("t")
                continue
            try:
                si = strings[int(v.text)]  # type: ignore[arg-type]
            except (IndexError, ValueError) as exc:
                raise GraftError(f"{what}: bad shared string index {v.text!r}") from exc
            pos = list(c).index(v)
            c.remove(v)
            is_ = ET.Element(_M + "is")
            for child in si:
                is_.append(copy.deepcopy(child))
            c.insert(pos, is_)
            c.set("t", "inlineStr")
    for row in root.iter(_M + "row"):
        remap(row, "s", xf_map)
    for col in root.iter(_M + "col"):
        remap(col, "style", xf_map)
    for rule in root.iter(_M + "cfRule"):
        remap(rule, "dxfId", dxf_map)
    # output links are internal ("Sheet!A1" locations, no relationship); a link to an
    # external target never reaches the user's workbook
    for links in root.findall(_M + "hyperlinks"):
        for link in list(links):
            if link.get(_RID) is not None:
                log.warning("external hyperlink %s dropped from %s", link.get("ref"), what)
                links.remove(link)
        if not len(links):
            root.remove(links)
    for i, sv in enumerate(root.iter(_M + "sheetView")):
        if selected and i == 0:
            sv.set("tabSelected", "1")
        else:
            sv.attrib.pop("tabSelected", None)
    return serialize_xml(doc)


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


def _new_info(name: str, like: zipfile.ZipInfo | None = None) -> zipfile.ZipInfo:
    date_time = like.date_time if like is not None else time.localtime()[:6]
    if date_time[0] < 1980:
        date_time = (1980, 1, 1, 0, 0, 0)
    zinfo = zipfile.ZipInfo(name, date_time)
    zinfo.compress_type = zipfile.ZIP_DEFLATED
    zinfo.external_attr = like.external_attr if like is not None else 0o644 << 16
    return zinfo


# --------------------------------------------------------------------------- graft

def graft_sheets(base: Path | str, donor: Path | str | None, out: Path | str, *,
                 replace: Iterable[str], select: str | None = None,
                 target_kind: str | None = None) -> None:
    """Write ``out`` = ``base`` minus the sheets named in ``replace`` plus ``donor``'s sheets.

    ``base`` (the user's .xlsx/.xlsm) is only read. ``donor`` is a workbook written by
    openpyxl holding only the new sheets; they are appended after the base's sheets in
    their order (None: only remove the ``replace`` sheets). Sheets of the base whose name equals (case-insensitively) one in
    ``replace`` or one of the donor's are removed first, so output sheets are replaced,
    never duplicated. ``select`` names the sheet to make active and the only selected tab.
    ``target_kind`` ("xlsx", "xlsm", "xltx", "xltm") sets the workbook content type to
    match the output's extension (an .xlsx output of a macro workbook drops the VBA
    project); None keeps the base's.

    ``out`` is written directly: wrap the call in :func:`thidua_xl.io.atomic.atomic_write`.
    Raises :class:`GraftError` on content it cannot graft, OSError on I/O errors.
    """
    base, out = Path(base), Path(out)
    if base.resolve() == out.resolve():
        raise GraftError("the output must not be the input workbook")
    with contextlib.ExitStack() as stack:
        try:
            bz = stack.enter_context(zipfile.ZipFile(base))
            dz = None if donor is None else stack.enter_context(zipfile.ZipFile(donor))
        except zipfile.BadZipFile as exc:
            raise GraftError(f"not a zip package ({exc})") from exc
        _Graft(_Package(bz, base.name), None if dz is None else _Package(dz, "donor"),
               replace, select, target_kind).write(out)


class _Graft:
    def __init__(self, b: _Package, d: _Package | None, replace: Iterable[str], select: str | None,
                 target_kind: str | None) -> None:
        self.b, self.d = b, d
        self.replace = {sheet_key(n) for n in replace}
        self.select = select
        self.target_kind = target_kind
        self.changed: dict[str, bytes] = {}  # base zip name -> new bytes
        self.new: dict[str, bytes] = {}  # new zip name -> bytes (in order)
        self.deleted: set[str] = set()

    # ---------------------------------------------------------------- main
    def write(self, out: Path) -> None:
        self.plan()
        with open(out, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zout:
            raw = _zip_raw_copy_supported(zout)
            src_fp = self.b.zf.fp
            for name, info in self.b.infos.items():
                if name in self.deleted:
                    continue
                if name in self.changed:
                    zout.writestr(_new_info(name, info), self.changed[name])
                elif raw and src_fp is not None:
                    _copy_member_raw(src_fp, info, zout)
                else:
                    zout.writestr(info, self.b.zf.read(info), compress_type=info.compress_type)
            for name, data in self.new.items():
                zout.writestr(_new_info(name), data)

    def plan(self) -> None:
        b, d = self.b, self.d
        ct_name = b.find("[Content_Types].xml")
        if ct_name is None:
            raise GraftError(f"{b.what}: no [Content_Types].xml")
        self.ct = _ContentTypes(b.xml(ct_name))

        self.wb_part = _office_document(b)
        self.wb_dir = posixpath.dirname(self.wb_part)
        self.wb = b.xml(self.wb_part)
        wb_rels_doc = b.rels_doc(self.wb_part)
        if wb_rels_doc is None:
            raise GraftError(f"{b.what}: workbook has no relationships")
        self.wb_rels = wb_rels_doc
        self.wb_rels_name = b.find(rels_name(self.wb_part)) or rels_name(self.wb_part)
        rels = {r.id: r for r in _rels_of(wb_rels_doc)}

        if d is not None:
            self.d_ct = _ContentTypes(d.xml("[Content_Types].xml"))
            d_wb_part = _office_document(d)
            d_wb = d.xml(d_wb_part)
            d_rels = {r.id: r for r in d.rels(d_wb_part)}
            d_sheets_el = d_wb.root.find(_M + "sheets")
            donor_sheets = [] if d_sheets_el is None else list(d_sheets_el)
        else:
            d_wb_part, d_wb, d_rels, donor_sheets = "", None, {}, []
        self.replace |= {sheet_key(s.get("name", "")) for s in donor_sheets}

        sheets_el = self.wb.root.find(_M + "sheets")
        if sheets_el is None:
            raise GraftError(f"{b.what}: workbook without <sheets>")
        base_sheets = list(sheets_el)
        sheet_ids = [int(s.get("sheetId", "0") or 0) for s in base_sheets]

        # ---- remove replaced base sheets
        removed: list[int] = []
        skip_edges: set[tuple[str, str]] = set()
        for i, s in enumerate(base_sheets):
            if sheet_key(s.get("name", "")) in self.replace:
                removed.append(i)
                sheets_el.remove(s)
                rid = s.get(_RID, "")
                rel = rels.get(rid)
                if rel is not None:
                    wb_rels_doc.root.remove(rel.el)
                    skip_edges.add((self.wb_part, rid))
        if removed:
            for rel in rels.values():
                if rel.type == RT_CALC_CHAIN:  # Excel rebuilds it; stale entries break it
                    wb_rels_doc.root.remove(rel.el)
                    skip_edges.add((self.wb_part, rel.id))
        kind = self.target_kind
        if kind is not None:
            if kind not in CT_MAIN:
                raise GraftError(f"unknown target kind {kind!r}")
            if kind not in _MACRO_KINDS:
                for rel in rels.values():
                    if rel.type == RT_VBA:
                        wb_rels_doc.root.remove(rel.el)
                        skip_edges.add((self.wb_part, rel.id))
            self.ct.add(self.wb_part, CT_MAIN[kind])
        if skip_edges:
            before = _reachable(b)
            after = _reachable(b, skip_edges)
            for name in before - after:
                self.deleted.add(name)
                rn = b.find(rels_name(name))
                if rn is not None:
                    self.deleted.add(rn)
                self.ct.remove(name)
        kept = [s for i, s in enumerate(base_sheets) if i not in removed]
        new_index = {}
        for i in range(len(base_sheets)):
            if i not in removed:
                new_index[i] = i - sum(1 for r in removed if r < i)

        # ---- defined names of the base
        dn_el = self.wb.root.find(_M + "definedNames")
        if dn_el is not None and removed:
            for dn in list(dn_el):
                lsid = dn.get("localSheetId")
                if lsid is None:
                    continue
                try:
                    idx = int(lsid)
                except ValueError:
                    continue
                if idx in removed:
                    dn_el.remove(dn)
                elif idx in new_index:
                    dn.set("localSheetId", str(new_index[idx]))

        # ---- styles
        taken = {n.lower() for n in b.infos}
        xf_map, dxf_map = self._merge_styles(rels, taken) if d is not None else ({}, {})

        # ---- shared strings of the donor
        strings: list[ET.Element] = []
        for rel in d_rels.values():
            if rel.type == NS_R + "/sharedStrings":
                sst = d.xml(_resolve(d_wb_part, rel.target))  # type: ignore[union-attr]
                strings = list(sst.root.iter(_M + "si"))

        # ---- the final sheet order and the active tab
        n_kept = len(kept)
        final = [(s.get("name", ""), s.get("state", "visible")) for s in kept]
        final += [(s.get("name", ""), s.get("state", "visible")) for s in donor_sheets]
        if not final:
            raise GraftError("no sheet would be left in the workbook")
        views = self.wb.root.findall(f"{_M}bookViews/{_M}workbookView")
        old_active = int(views[0].get("activeTab", "0") or 0) if views else 0
        active: int | None = None
        enforce = self.select is not None
        if self.select is not None:
            keys = [sheet_key(n) for n, _ in final]
            if sheet_key(self.select) in keys:
                active = keys.index(sheet_key(self.select))
        if active is None and old_active in new_index:
            active = new_index[old_active]
        if active is None:
            enforce = True
            active = n_kept if donor_sheets else 0
        if final and final[active][1] != "visible":
            enforce = True
            active = next((i for i, (_, st) in enumerate(final) if st == "visible"), 0)

        # ---- base sheets: tab selection (only when it changes)
        if enforce:
            for i, s in enumerate(kept):
                rel = rels.get(s.get(_RID, ""))
                if rel is None:
                    continue
                name = b.find(_resolve(self.wb_part, rel.target))
                if name is None:
                    continue
                data = b.read(name)
                new = _set_tab_selected(data, i == active)
                if new is not data:
                    self.changed[name] = new

        # ---- donor sheets and what they reference
        ws_dir = self._worksheet_dir(kept, rels)
        d_dir = posixpath.dirname(d_wb_part)
        part_map: dict[str, str] = {}
        used_rids = {r.id for r in rels.values()}
        next_sheet_id = max(sheet_ids, default=0) + 1
        for j, s in enumerate(donor_sheets):
            assert d is not None
            rel = d_rels.get(s.get(_RID, ""))
            if rel is None or rel.type != RT_WORKSHEET:
                raise GraftError(f"donor sheet {s.get('name')!r} is not a worksheet")
            d_part = d.find(_resolve(d_wb_part, rel.target))
            if d_part is None:
                raise GraftError(f"donor part {rel.target} missing")
            new_part = _free_name(taken, ws_dir, "sheet1.xml")
            part_map[d_part] = new_part
            self.new[new_part] = _donor_sheet_xml(
                d.read(d_part), xf_map, dxf_map, strings, n_kept + j == active,
                f"donor:{d_part}")
            self.ct.add(new_part, CT_WORKSHEET)
            self._copy_related(d_part, new_part, d_dir, part_map, taken)
            rid = _fresh_rid(used_rids)
            ET.SubElement(wb_rels_doc.root, _REL, {
                "Id": rid, "Type": RT_WORKSHEET,
                "Target": _target_for(self.wb_part, new_part, ""),
            })
            attrs = {"name": s.get("name", ""), "sheetId": str(next_sheet_id)}
            if s.get("state") and s.get("state") != "visible":
                attrs["state"] = s.get("state", "")
            attrs[_RID] = rid
            ET.SubElement(sheets_el, _M + "sheet", attrs)
            next_sheet_id += 1

        # ---- defined names of the donor
        d_dn = None if d_wb is None else d_wb.root.find(_M + "definedNames")
        if d_dn is not None and len(d_dn):
            if dn_el is None:
                dn_el = ET.Element(_M + "definedNames")
                pos = 0
                for i, child in enumerate(self.wb.root):
                    if _local(child.tag) in _BEFORE_DEFINED_NAMES:
                        pos = i + 1
                self.wb.root.insert(pos, dn_el)
            globals_ = {sheet_key(x.get("name", "")) for x in dn_el
                        if x.get("localSheetId") is None}
            for dn in d_dn:
                dn = copy.deepcopy(dn)
                dn.tail = None
                lsid = dn.get("localSheetId")
                if lsid is None:
                    if sheet_key(dn.get("name", "")) in globals_:
                        log.info("defined name %s already in the workbook", dn.get("name"))
                        continue
                else:
                    dn.set("localSheetId", str(n_kept + int(lsid)))
                dn_el.append(dn)
        if dn_el is not None and not len(dn_el):
            self.wb.root.remove(dn_el)

        # ---- book views
        if not views and active:
            # no <bookViews> (some generators): Excel would open on the first sheet
            book_views = ET.Element(_M + "bookViews")
            views = [ET.SubElement(book_views, _M + "workbookView")]
            self.wb.root.insert(list(self.wb.root).index(sheets_el), book_views)
        for k, view in enumerate(views):
            first = int(view.get("firstSheet", "0") or 0)
            first = new_index.get(first, min(first, max(len(final) - 1, 0)))
            if k == 0:
                act = active
            else:
                a = int(view.get("activeTab", "0") or 0)
                act = new_index.get(a, active)
            first = min(first, act)
            for attr, val in (("activeTab", act), ("firstSheet", first)):
                if val or view.get(attr) is not None:
                    view.set(attr, str(val))

        self.changed[self.wb_part] = serialize_xml(self.wb)
        self.changed[self.wb_rels_name] = serialize_xml(wb_rels_doc)
        self.changed[ct_name] = serialize_xml(self.ct.doc)
        if self.wb_rels_name not in b.infos:  # cannot happen (checked above); be explicit
            raise GraftError("workbook relationships part missing")

    # ---------------------------------------------------------------- helpers
    def _worksheet_dir(self, kept: list[ET.Element], rels: dict[str, _Rel]) -> str:
        for s in kept:
            rel = rels.get(s.get(_RID, ""))
            if rel is not None and rel.type == RT_WORKSHEET:
                return posixpath.dirname(_resolve(self.wb_part, rel.target))
        return posixpath.join(self.wb_dir, "worksheets")

    def _merge_styles(self, rels: dict[str, _Rel], taken: set[str]
                      ) -> tuple[dict[int, int], dict[int, int]]:
        b, d = self.b, self.d
        assert d is not None
        d_wb_part = _office_document(d)
        d_styles = None
        for rel in d.rels(d_wb_part):
            if rel.type == RT_STYLES:
                d_styles = _resolve(d_wb_part, rel.target)
        if d_styles is None:
            raise GraftError("donor without styles")
        d_data = d.read(d_styles)
        b_styles = None
        for rel in rels.values():
            if rel.type == RT_STYLES:
                b_styles = b.find(_resolve(self.wb_part, rel.target))
        if b_styles is None:
            # a base without styles: the donor's become the workbook's (identity maps)
            doc = parse_xml(d_data, "donor:styles")
            n_xf = len(doc.root.findall(f"{_M}cellXfs/{_M}xf"))
            n_dxf = len(doc.root.findall(f"{_M}dxfs/{_M}dxf"))
            part = _free_name(taken, self.wb_dir, "styles.xml") \
                if posixpath.join(self.wb_dir, "styles.xml").lower() in taken \
                else posixpath.join(self.wb_dir, "styles.xml")
            taken.add(part.lower())
            self.new[part] = d_data
            self.ct.add(part, CT_STYLES)
            used = {r.id for r in rels.values()}
            ET.SubElement(self.wb_rels.root, _REL, {
                "Id": _fresh_rid(used), "Type": RT_STYLES,
                "Target": _target_for(self.wb_part, part, "")})
            return {i: i for i in range(n_xf)}, {i: i for i in range(n_dxf)}
        b_data = b.read(b_styles)
        key = (hashlib.sha1(b_data).digest(), hashlib.sha1(d_data).digest())
        done = _STYLE_MERGES.pop(key, None)
        if done is None:
            merge = _StyleMerge(parse_xml(b_data, f"{b.what}:{b_styles}"),
                                parse_xml(d_data, "donor:styles"))
            xf_map, dxf_map = merge.merge()
            done = (serialize_xml(merge.base_doc) if merge.changed else None, xf_map, dxf_map)
        _STYLE_MERGES[key] = done  # most recent last
        while len(_STYLE_MERGES) > 8:
            del _STYLE_MERGES[next(iter(_STYLE_MERGES))]
        merged, xf_map, dxf_map = done
        if merged is not None:
            self.changed[b_styles] = merged
        return dict(xf_map), dict(dxf_map)

    def _copy_related(self, d_src: str, new_src: str, d_dir: str,
                      part_map: dict[str, str], taken: set[str]) -> None:
        """Copy the parts ``d_src`` references (recursively) and its relationships."""
        d = self.d
        assert d is not None
        rels_doc = d.rels_doc(d_src)
        if rels_doc is None:
            return
        for rel in _rels_of(rels_doc):
            if rel.type not in _DONOR_REL_TYPES:
                raise GraftError(f"donor relationship type not supported: {rel.type}")
            if rel.type == RT_HYPERLINK:  # dropped with its <hyperlink> (see above)
                rels_doc.root.remove(rel.el)
                continue
            if rel.external:
                continue
            d_part = d.find(_resolve(d_src, rel.target))
            if d_part is None:
                raise GraftError(f"donor part {rel.target} missing")
            if d_part not in part_map:
                rel_dir = posixpath.relpath(posixpath.dirname(d_part), d_dir or ".")
                directory = posixpath.normpath(posixpath.join(self.wb_dir, rel_dir))
                new_part = _free_name(taken, directory, posixpath.basename(d_part))
                part_map[d_part] = new_part
                self.new[new_part] = d.read(d_part)
                ctype = self.d_ct.type_of(d_part)
                if ctype is None:
                    raise GraftError(f"donor part {d_part} without content type")
                self.ct.add(new_part, ctype)
                self._copy_related(d_part, new_part, d_dir, part_map, taken)
            rel.el.set("Target", _target_for(new_src, part_map[d_part], rel.target))
        if not len(rels_doc.root):
            return
        self.new[rels_name(new_src)] = serialize_xml(rels_doc)
        taken.add(rels_name(new_src).lower())
        if self.ct.type_of(rels_name(new_src)) is None:
            self.ct.add(rels_name(new_src), CT_RELS)


# --------------------------------------------------------------------------- fallback

def is_macro_package(path: Path | str) -> bool:
    """True for a package holding a VBA project (or a macro-enabled extension)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsm", ".xltm"):
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.lower().endswith("vbaproject.bin") for n in zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def write_with_openpyxl(base: Path | str, out: Path | str, render: Callable[[Any], None], *,
                        replace: Iterable[str] = ()) -> None:
    """Slow path: load ``base`` with openpyxl, drop ``replace`` sheets, ``render(wb)``, save.

    Loses what openpyxl does not model (images and charts of the user's sheets, ...), so
    it is only the fallback when grafting fails. Written atomically to ``out``.
    """
    from openpyxl import load_workbook

    from thidua_xl.io.atomic import atomic_write

    base, out = Path(base), Path(out)
    keep_vba = is_macro_package(base) and out.suffix.lower() in (".xlsm", ".xltm")
    wb = load_workbook(base, keep_vba=keep_vba, keep_links=True, rich_text=True)
    keys = {sheet_key(n) for n in replace}
    for ws in list(wb.worksheets) + list(wb.chartsheets):
        if sheet_key(ws.title) in keys:
            wb.remove(ws)
    if wb.sheetnames and wb._active_sheet_index >= len(wb.sheetnames):
        wb.active = 0
    render(wb)
    with atomic_write(out) as tmp:
        wb.save(tmp)
