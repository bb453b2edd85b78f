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
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

from ..logs import get_logger
from .xmldoc import (CT_MAIN, CT_RELS, CT_STYLES, CT_WORKSHEET, GraftError, NS_R, RT_CALC_CHAIN,
                     RT_HYPERLINK, RT_STYLES, RT_VBA, RT_WORKSHEET, _BEFORE_DEFINED_NAMES,
                     _DONOR_REL_TYPES, _M, _MACRO_KINDS, _REL, _RID, _local, parse_xml,
                     serialize_xml, sheet_key, XmlDoc)
from .parts import (_ContentTypes, _MemPackage, _Package, _Rel, _copy_member_raw, _free_name,
                    _fresh_rid, _new_info, _office_document, _reachable, _rels_of, _resolve,
                    _target_for, _zip_raw_copy_supported, rels_name, write_member)
from .styles import _STYLE_MERGES, _StyleMerge, _donor_sheet_xml, _set_tab_selected

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any

log = get_logger(__name__)  # logging imported only when something is logged

#: deflate level of the sheets rendered into the output: 3 compresses a 136 MB "Chi tiết
#: điểm" three times faster than the default 6, for a file 6 % bigger
_SHEET_LEVEL = 3

__all__ = ["GraftError", "graft_sheets", "write_with_openpyxl", "is_macro_package",
           "sheet_key", "parse_xml", "serialize_xml", "XmlDoc"]


# --------------------------------------------------------------------------- graft

_HEAD_READ = 1 << 16


def _sheet_head(b: _Package, name: str) -> tuple[bytes, bool]:
    """The start of a base sheet's XML, through its first "sheetData" (all of it when it
    has none), and whether more follows: a sheet's tab selection is changed there, and a
    16 MB input sheet is not read whole (three copies of it were the graft's peak) just to
    find it needs no change."""
    with b.zf.open(b.infos[name]) as f:
        head = b""
        while True:
            chunk = f.read(_HEAD_READ)
            if not chunk:
                return head, False
            at = max(0, len(head) - len(b"sheetData"))
            head += chunk
            if head.find(b"sheetData", at) >= 0:
                return head, bool(f.read(1))


def _with_head(b: _Package, name: str, head: bytes, skip: int) -> Iterator[bytes]:
    """A base sheet's XML with its first ``skip`` bytes replaced by ``head``, in chunks."""
    yield head
    with b.zf.open(b.infos[name]) as f:
        while skip > 0:
            n = len(f.read(min(skip, _HEAD_READ)))
            if not n:
                break
            skip -= n
        while chunk := f.read(_HEAD_READ):
            yield chunk


def graft_sheets(base: Path | str, donor: Any, out: Path | str, *,
                 replace: Iterable[str], select: str | None = None,
                 target_kind: str | None = None) -> None:
    """Write ``out`` = ``base`` minus the sheets named in ``replace`` plus ``donor``'s sheets.

    ``base`` (the user's .xlsx/.xlsm) is only read. ``donor`` is a workbook (a path)
    holding only the new sheets, or render_xml's in-memory ``Donor`` (its sheets are
    rendered straight into ``out`` with the merged style ids); they are appended after
    the base's sheets in their order (None: only remove the ``replace`` sheets). Sheets of
    the base whose name equals (case-insensitively) one in ``replace`` or one of the
    donor's are removed first, so output sheets are replaced, never duplicated. ``select`` names the sheet to make active and the only selected tab.
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
            if donor is None:
                dp = None
            elif hasattr(donor, "sheets"):  # render_xml's Donor, in memory
                dp = _MemPackage(donor.parts, {n: sx.chunks for n, sx in donor.sheets.items()},
                                 "donor")
            else:
                dp = _Package(stack.enter_context(zipfile.ZipFile(donor)), "donor")
        except zipfile.BadZipFile as exc:
            raise GraftError(f"not a zip package ({exc})") from exc
        _Graft(_Package(bz, base.name), dp, replace, select, target_kind).write(out)


class _Graft:
    def __init__(self, b: _Package, d: _Package | None, replace: Iterable[str], select: str | None,
                 target_kind: str | None) -> None:
        self.b, self.d = b, d
        self.replace = {sheet_key(n) for n in replace}
        self.select = select
        self.target_kind = target_kind
        #: base zip name -> new bytes (or a callable streaming them in chunks)
        self.changed: dict[str, bytes | Callable[[], Iterator[bytes]]] = {}
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
                    data = self.changed[name]
                    if callable(data):  # a base sheet streamed with its head changed
                        write_member(zout, _new_info(name, info), data())
                    else:
                        zout.writestr(_new_info(name, info), data)
                elif raw and src_fp is not None:
                    _copy_member_raw(src_fp, info, zout)
                else:
                    zout.writestr(info, self.b.zf.read(info), compress_type=info.compress_type)
            for name, data in self.new.items():
                if callable(data):  # a donor sheet streamed as it is rendered
                    write_member(zout, _new_info(name, level=_SHEET_LEVEL), data())
                else:
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
                head, more = _sheet_head(b, name)  # the sheetViews come before the cells
                new = _set_tab_selected(head, i == active)
                if new is not head:
                    self.changed[name] = (partial(_with_head, b, name, new, len(head)) if more
                                          else new)

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
            chunks = d.lazy.get(d_part)
            if chunks is not None:  # rendered with this workbook's style ids as it is written
                self.new[new_part] = partial(chunks, xf_map, dxf_map, n_kept + j == active)
            else:
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
        key = (b_data, d_data)  # the bytes themselves: exact, and no hashlib to import
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
