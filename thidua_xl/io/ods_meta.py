"""What python-calamine does not give for an .ods: merged ranges and percent cells.

One streaming pass (expat) over ``content.xml``: per table, the cells spanning several
columns or rows (``table:number-columns-spanned`` / ``-rows-spanned``) and the cells whose
value type is ``percentage`` (a "95%" cell holds 0.95, read as 95 on Định lượng rows, as in
an .xlsx). Repeated rows and columns (``number-rows-repeated`` …) are counted, never
expanded. A DTD is refused (no entity expansion); anything unexpected gives no metadata
rather than an error: the values calamine read stand on their own.
"""
from __future__ import annotations

import os
import zipfile
from xml.parsers import expat

from ..core.record import field, record
from .grid import Merge
from .sniff import MAX_UNCOMPRESSED

#: a repeated percent cell is recorded for at most this many positions (styles over a
#: whole column of empty cells must not cost memory)
_MAX_REPEAT = 1000


@record
class OdsSheetMeta:
    merges: list[Merge] = field(default_factory=list)
    percent: set[tuple[int, int]] = field(default_factory=set)


class _Refused(Exception):
    pass


def scan_ods(path: str | os.PathLike) -> dict[str, OdsSheetMeta]:
    """Sheet name → its merged ranges and percent cells (1-based, as the grid)."""
    out: dict[str, OdsSheetMeta] = {}
    state = {"sheet": None, "row": 0, "rep": 1, "col": 0, "depth": 0}

    def start(name: str, attrs: dict) -> None:
        if name == "table:table":
            meta = OdsSheetMeta()
            out[attrs.get("table:name", "")] = meta
            state.update(sheet=meta, row=0, rep=1, col=0)
        elif state["sheet"] is None:
            return
        elif name == "table:table-row":
            state["rep"] = int(attrs.get("table:number-rows-repeated", 1))
            state["col"] = 0
        elif name in ("table:table-cell", "table:covered-table-cell"):
            n = int(attrs.get("table:number-columns-repeated", 1))
            r, c = state["row"] + 1, state["col"] + 1
            state["col"] += n
            if name == "table:covered-table-cell":
                return
            meta = state["sheet"]
            cs = int(attrs.get("table:number-columns-spanned", 1))
            rs = int(attrs.get("table:number-rows-spanned", 1))
            if cs > 1 or rs > 1:
                meta.merges.append(Merge(r, c, r + rs - 1, c + cs - 1))
            if attrs.get("office:value-type") == "percentage":
                rows = min(state["rep"], _MAX_REPEAT)
                for dr in range(rows):
                    for dc in range(min(n, _MAX_REPEAT)):
                        meta.percent.add((r + dr, c + dc))

    def end(name: str) -> None:
        if name == "table:table-row" and state["sheet"] is not None:
            state["row"] += state["rep"]
            state["rep"] = 1
        elif name == "table:table":
            state["sheet"] = None

    def refuse(*_args) -> None:
        raise _Refused("DTD")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        with zipfile.ZipFile(path) as z:
            if z.getinfo("content.xml").file_size > MAX_UNCOMPRESSED:
                return {}  # the readers' zip-bomb bound: no metadata rather than hours
            with z.open("content.xml") as f:
                parser.ParseFile(f)
    except (_Refused, expat.ExpatError, KeyError, OSError, ValueError, zipfile.BadZipFile):
        return {}
    return out
