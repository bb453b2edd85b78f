"""Styles of a grafted package: the donor's fonts, fills, borders, number formats, cell
and differential formats merged into the base ``styles.xml``; and the donor sheets with
their style ids renumbered (on the bytes for render_xml's plain shape, else on the tree).
"""
from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

from ..logs import get_logger
from .xmldoc import (GraftError, NS_MAIN, XmlDoc, _M, _RID, _STYLE_ORDER, _canon, _local,
                     parse_xml, serialize_xml)

log = get_logger(__name__)  # logging imported only when something is logged


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
#: a style id in a tag's first s= (c, row), style= (col) or dxfId= (cfRule) attribute —
#: the tag and the attribute in one match (the lazy [^>]*? never leaves the tag)
_STYLE_REF_RE = re.compile(rb'(<(?:c|row)\s[^>]*?\ss="|<col\s[^>]*?\sstyle="'
                           rb'|<cfRule\s[^>]*?\sdxfId=")(\d+)"')
_REL_LINK_RE = re.compile(rb"<hyperlink\s[^>]*:id=")


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

    done: dict[tuple[bool, bytes], bytes] = {}  # once per distinct style id, not per cell

    def fix(m: re.Match) -> bytes:
        head, num = m.group(1), m.group(2)
        key = (head.startswith(b"<cf"), num)
        out = done.get(key)
        if out is None:
            mapping = dxf_map if key[0] else xf_map
            try:
                out = done[key] = str(mapping[int(num)]).encode() + b'"'
            except KeyError as exc:
                raise GraftError(f"{what}: unknown style {num.decode()}") from exc
        return head + out

    return _set_tab_selected(_STYLE_REF_RE.sub(fix, data), selected)


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
