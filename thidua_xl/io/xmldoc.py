"""XML of an OOXML package: the namespaces, parsing (defusedxml) and a serialiser that
keeps every namespace declaration (Excel rejects a part whose ``mc:Ignorable`` names an
undeclared prefix).
"""
from __future__ import annotations

import io
import unicodedata
import xml.etree.ElementTree as ET
from ..core.record import record

from defusedxml.ElementTree import iterparse as _safe_iterparse

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

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

@record
class XmlDoc:
    """A parsed XML part and its namespace declarations, kept where they were."""

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


_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTR_ESCAPES = _TEXT_ESCAPES + (('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


def _escape(s: str, table: tuple[tuple[str, str], ...]) -> str:
    for char, entity in table:  # in order: "&" first
        if char in s:
            s = s.replace(char, entity)
    return s


def _esc_text(s: str) -> str:
    return _escape(s, _TEXT_ESCAPES)


def _esc_attr(s: str) -> str:
    return _escape(s, _ATTR_ESCAPES)


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
