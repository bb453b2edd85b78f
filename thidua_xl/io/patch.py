"""Patch cells of an OOXML package in place (the self-score merge's writes): only the
target sheets' XML is rewritten; every other part is copied as it is (cached results,
images, charts, macros kept) and the workbook asks Excel to recalculate on open. The
namespaces, the XML and the part names are :mod:`.xmldoc`'s and :mod:`.parts`'s.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from ..core.findings import split_ref
from .grid import a1, col_index, parse_a1
from .parts import _resolve, rels_name
from .xmldoc import _M, _RID, parse_xml, serialize_xml

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any


class Unpatchable(Exception):
    """The package cannot be patched in place: the caller uses openpyxl instead."""


def patch_cells(src: Path, out: Path, writes: list[tuple[str, Any]]) -> None:
    """Write ``src`` to ``out`` with the cells of ``writes`` ("Sheet!A1", value) patched in
    their sheets' XML and every other part copied as it is; Excel recalculates on open.
    Raises :class:`Unpatchable` for a package (or a target cell) this cannot patch."""
    def q(tag: str) -> str:
        return _M + tag

    try:
        zin = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as e:
        raise Unpatchable(str(e)) from None
    with zin:
        names = set(zin.namelist())
        try:
            root_rels = parse_xml(zin.read("_rels/.rels")).root
            wb_part = next(_resolve("", r.get("Target", "")) for r in root_rels
                           if r.get("Type", "").endswith("/officeDocument"))
            wb_doc = parse_xml(zin.read(wb_part))
            rels = parse_xml(zin.read(rels_name(wb_part))).root
        except Exception as e:  # noqa: BLE001 - anything odd: let openpyxl handle it
            raise Unpatchable(str(e)) from None
        targets = {r.get("Id"): _resolve(wb_part, r.get("Target", "")) for r in rels}
        sheets_el = wb_doc.root.find(q("sheets"))
        part_of = {sh.get("name"): targets.get(sh.get(_RID))
                   for sh in (sheets_el if sheets_el is not None else [])}
        by_part: dict[str, list[tuple[int, int, Any]]] = {}
        for ref, value in writes:
            sheet, cell = split_ref(ref)
            part = part_of.get(sheet)
            if not part or part not in names:
                raise Unpatchable(f"no part for sheet {sheet}")
            r, c = parse_a1(cell)
            by_part.setdefault(part, []).append((r, c, value))
        patched: dict[str, bytes] = {}
        for part, cells in by_part.items():
            doc = parse_xml(zin.read(part))
            data = doc.root.find(q("sheetData"))
            if data is None:
                raise Unpatchable("no sheetData")
            rows = {}
            for row in data.findall(q("row")):
                if row.get("r") is None:
                    raise Unpatchable("row without r")
                rows[int(row.get("r"))] = row
            for r, c, value in cells:
                row = rows.get(r)
                if row is None:
                    row = ET.Element(q("row"), {"r": str(r)})
                    pos = sum(1 for k in rows if k < r)
                    children = list(data)
                    data.insert(children.index(rows[sorted(k for k in rows if k < r)[-1]]) + 1
                                if pos else 0, row)
                    rows[r] = row
                row.attrib.pop("spans", None)
                ref = a1(r, c)
                cell = None
                index = 0
                for i, el in enumerate(list(row)):
                    if el.tag != q("c"):
                        continue
                    er = el.get("r")
                    if er is None:
                        raise Unpatchable("cell without r")
                    ec = col_index("".join(ch for ch in er if ch.isalpha()))
                    if ec == c:
                        cell = el
                        break
                    if ec < c:
                        index = i + 1
                if cell is None:
                    cell = ET.Element(q("c"), {"r": ref})
                    row.insert(index, cell)
                if cell.find(q("f")) is not None:
                    raise Unpatchable("formula in a target cell")
                for child in list(cell):
                    cell.remove(child)
                cell.attrib.pop("t", None)
                cell.text = None
                if isinstance(value, bool):
                    cell.set("t", "b")
                    ET.SubElement(cell, q("v")).text = "1" if value else "0"
                elif isinstance(value, (int, float)):
                    ET.SubElement(cell, q("v")).text = repr(float(value)) if isinstance(value, float) \
                        and not value.is_integer() else str(int(value))
                elif value is None:
                    pass
                else:
                    cell.set("t", "inlineStr")
                    t = ET.SubElement(ET.SubElement(cell, q("is")), q("t"))
                    t.text = str(value)
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            patched[part] = serialize_xml(doc)
        # Excel recalculates formulas (totals of the self-scores) when the file is opened
        calc = wb_doc.root.find(q("calcPr"))
        if calc is None:
            calc = ET.Element(q("calcPr"), {})
            order = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection",
                     "bookViews", "sheets", "functionGroups", "externalReferences",
                     "definedNames")
            idx = 0
            for i, el in enumerate(list(wb_doc.root)):
                if el.tag.rpartition("}")[2] in order:
                    idx = i + 1
            wb_doc.root.insert(idx, calc)
        calc.set("fullCalcOnLoad", "1")
        patched[wb_part] = serialize_xml(wb_doc)
        from .parts import _copy_member_raw, _zip_raw_copy_supported

        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            raw = _zip_raw_copy_supported(zout) and zin.fp is not None
            for info in zin.infolist():
                data = patched.get(info.filename)
                if data is None and raw and not info.flag_bits & 0x0001:
                    # as the graft does: the user's parts copied as they are (an image with
                    # a bad CRC stays as it was, as check and score leave it)
                    _copy_member_raw(zin.fp, info, zout)
                    continue
                if data is None:
                    data = zin.read(info.filename)
                zi = zipfile.ZipInfo(info.filename, info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = info.external_attr
                zout.writestr(zi, data)
