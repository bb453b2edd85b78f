"""Our vbaProject.bin against one Excel saved: the bundled xlwings add-in.

xlwings ships ``xlwings/addin/xlwings.xlam`` (a project Excel saved and runs) and the
quickstart ribbon template. Our project must have the same streams per module kind, the
same dir-stream record sequence, the same PROJECT/PROJECTwm/_VBA_PROJECT shapes, and read
back byte-equal through olefile (strict), olevba and our own decompressor.
"""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from thidua_xl import addin, vba
from thidua_xl.vba import cfb
from thidua_xl.vba.project import decrypt

#: DirEntry colour flags (MS-CFB 2.6.1)
RED, BLACK = 0, 1


def _xlwings_bin(name: str) -> bytes:
    path = addin._xlwings_dir() / name
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


@pytest.fixture(scope="module")
def excel() -> bytes:
    """The VBA project of xlwings' own add-in, saved by Excel."""
    return _xlwings_bin("addin/xlwings.xlam")


@pytest.fixture(scope="module")
def ours() -> bytes:
    return addin.build_vba_project()


def _ole(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)


def _stream(data: bytes, name: str) -> bytes:
    with _ole(data) as ole:
        return ole.openstream(name).read()


def _records(dir_bytes: bytes) -> list[tuple[int, bytes]]:
    """(id, payload) of every record of a decompressed dir stream (2.3.4.2)."""
    out, p = [], 0
    while p < len(dir_bytes):
        rid, size = struct.unpack_from("<HI", dir_bytes, p)
        if rid == 0x0009:  # PROJECTVERSION: Reserved 4, then 6 bytes
            size = 6
        out.append((rid, dir_bytes[p + 6:p + 6 + size]))
        p += 6 + size
    assert p == len(dir_bytes)
    return out


def _dir(data: bytes) -> list[tuple[int, bytes]]:
    return _records(vba.decompress(_stream(data, "VBA/dir")))


def _modules(data: bytes) -> list[dict]:
    """name, kind (from PROJECT), record ids, text offset of each module in the dir."""
    kinds = {}
    for line in _stream(data, "PROJECT").decode("cp1252").split("\r\n"):
        key, _, value = line.partition("=")
        if key in ("Document", "Module", "Class"):
            kinds[value.split("/")[0]] = key
    recs = _dir(data)
    start = next(i for i, (rid, _) in enumerate(recs) if rid == 0x0013) + 1
    mods, cur = [], None
    for rid, payload in recs[start:]:
        if rid == 0x0019:
            cur = {"name": payload.decode("cp1252"), "ids": []}
        if cur is None:
            continue
        cur["ids"].append(rid)
        if rid == 0x0031:
            cur["offset"] = struct.unpack("<I", payload)[0]
        if rid == 0x001C:
            cur["doc"] = payload
        if rid == 0x002B:
            cur["kind"] = kinds[cur["name"]]
            mods.append(cur)
            cur = None
    return mods


def _source(data: bytes, module: dict) -> bytes:
    raw = _stream(data, "VBA/" + module["name"])
    return vba.decompress(raw[module["offset"]:])


# --------------------------------------------------------------------------------------
# the structure
# --------------------------------------------------------------------------------------
def _layout(data: bytes) -> dict:
    with _ole(data) as ole:
        entries = {"/".join(e): ole.get_type("/".join(e))
                   for e in ole.listdir(streams=True, storages=True)}
    mods = _modules(data)
    names = {m["name"] for m in mods}
    per_kind: dict[str, set] = {}
    for m in mods:
        shape = frozenset(p.replace(m["name"], "<module>") for p in entries
                          if p.split("/")[-1] == m["name"])
        per_kind.setdefault(m["kind"], set()).add(shape)
    others = {p: t for p, t in entries.items() if p.split("/")[-1] not in names}
    return {"others": others, "per_kind": per_kind}


def test_same_streams_per_module_kind(ours, excel):
    mine, theirs = _layout(ours), _layout(excel)
    assert mine["others"] == theirs["others"] == {
        "PROJECT": olefile.STGTY_STREAM, "PROJECTwm": olefile.STGTY_STREAM,
        "VBA": olefile.STGTY_STORAGE, "VBA/_VBA_PROJECT": olefile.STGTY_STREAM,
        "VBA/dir": olefile.STGTY_STREAM}
    assert set(mine["per_kind"]) == set(theirs["per_kind"]) == {"Document", "Module", "Class"}
    assert mine["per_kind"] == theirs["per_kind"]
    assert all(shapes == {frozenset({"VBA/<module>"})} for shapes in mine["per_kind"].values())


def test_same_dir_record_sequence(ours, excel):
    def head(data):
        ids = [rid for rid, _ in _dir(data)]
        return ids[:ids.index(0x0013) + 1]

    # information records; references (name + registered) as Excel writes stdole, Office
    assert head(ours) == head(excel)
    mine = {m["kind"]: m["ids"] for m in _modules(ours)}
    theirs = {m["kind"]: m["ids"] for m in _modules(excel)}
    assert mine == theirs
    assert mine["Module"][-2:] == [0x0021, 0x002B] and mine["Class"][-2:] == [0x0022, 0x002B]
    assert _dir(ours)[-1] == _dir(excel)[-1] == (0x0010, b"")
    # module types as PROJECT names them
    for m in _modules(ours) + _modules(excel):
        assert (0x0021 in m["ids"]) == (m["kind"] == "Module")


def test_vba_project_stream_as_excel_writes_it(ours, excel):
    # Reserved1 0x61CC, Version 0xFFFF (the cache is discarded, source compiled),
    # Reserved2 0x00, Reserved3 0x0001, no performance cache
    assert _stream(ours, "VBA/_VBA_PROJECT") == _stream(excel, "VBA/_VBA_PROJECT") \
        == bytes.fromhex("cc61ffff000100")


def _project_lines(data: bytes) -> list[str]:
    text = _stream(data, "PROJECT").decode("cp1252")
    assert text.endswith("\r\n\r\n")
    return text.split("\r\n")


def test_project_stream_lines_follow_excel(ours, excel):
    def shape(lines):
        out = []
        for line in lines:
            key = line.split("=", 1)[0] if "=" in line and not line.startswith("&H") else line
            if key in ("Document", "Module", "Class"):
                key = "<module>"
            if out and out[-1] == key == "<module>":
                continue
            out.append(key)
        return out

    mine, theirs = _project_lines(ours), _project_lines(excel)
    cut_m, cut_t = mine.index("[Workspace]"), theirs.index("[Workspace]")
    assert shape(mine[:cut_m + 1]) == shape(theirs[:cut_t + 1])
    host = mine.index("[Host Extender Info]")
    assert mine[host + 1] == theirs[theirs.index("[Host Extender Info]") + 1]
    names = [m["name"] for m in _modules(ours)]
    assert mine[cut_m + 1:] == [f"{n}=0, 0, 0, 0, C" for n in names] + ["", ""]
    assert 'VersionCompatible32="393222000"' in mine and f'Name="{addin.PROJECT_NAME}"' in mine


def test_protection_fields_decrypt_to_an_open_project(ours, excel):
    lines = dict(line.split("=", 1) for line in _project_lines(ours) if "=" in line
                 and line.split("=", 1)[0] in ("ID", "CMG", "DPB", "GC"))
    key = sum(lines["ID"].strip('"').encode()) & 0xFF
    assert decrypt(lines["CMG"].strip('"')) == (key, bytes(4))      # not protected
    assert decrypt(lines["DPB"].strip('"')) == (key, b"\0")         # no password
    assert decrypt(lines["GC"].strip('"')) == (key, b"\xff")        # visible
    # the same decryption reads what Excel wrote (xlwings' project: locked, hidden)
    theirs = dict(line.split("=", 1) for line in _project_lines(excel) if "=" in line)
    theirs_key = sum(theirs["ID"].strip('"').encode()) & 0xFF
    assert decrypt(theirs["CMG"].strip('"'))[0] == theirs_key
    assert len(decrypt(theirs["DPB"].strip('"'))[1]) == 29  # a password hash (2.4.4.1)


def _projectwm(data: bytes) -> list[tuple[str, str]]:
    raw = _stream(data, "PROJECTwm")
    out, p = [], 0
    while raw[p:p + 2] != b"\0\0":
        end = raw.index(b"\0", p)
        mbcs = raw[p:end].decode("cp1252")
        p = end + 1
        q = p
        while raw[q:q + 2] != b"\0\0":
            q += 2
        out.append((mbcs, raw[p:q].decode("utf-16-le")))
        p = q + 2
    assert p + 2 == len(raw)
    return out


def test_projectwm_names_every_module_in_both_encodings(ours, excel):
    for data in (ours, excel):
        names = [m["name"] for m in _modules(data)]
        assert _projectwm(data) == [(n, n) for n in names]


def test_document_and_class_modules_equal_what_excel_stored(ours, excel):
    """ThisWorkbook, Sheet1 and Dictionary are in both projects: the same source bytes
    (Excel's attribute lines: VB_Base, VB_TemplateDerived, VB_Customizable ...) and the
    same dir records (the class' VB_Description copied into MODULEDOCSTRING)."""
    theirs = {m["name"]: m for m in _modules(excel)}
    mine = {m["name"]: m for m in _modules(ours)}
    for name in ("ThisWorkbook", "Sheet1", "Dictionary"):
        assert _source(ours, mine[name]) == _source(excel, theirs[name]), name
        assert mine[name]["doc"] == theirs[name]["doc"], name
    text = _source(ours, mine["Dictionary"]).decode("cp1252")
    assert 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"' in text
    assert "Attribute VB_TemplateDerived = False" in text
    assert "Attribute VB_Customizable = False" in text


# --------------------------------------------------------------------------------------
# reading back
# --------------------------------------------------------------------------------------
def test_every_module_reads_back_byte_equal(ours):
    """olefile (strict), olevba and our decompressor: each module is its source."""
    sources = {m.name: m.stored() for m in addin.vba_modules()}
    mods = _modules(ours)
    assert [m["name"] for m in mods] == list(sources)
    for m in mods:
        assert m["offset"] == 0  # no p-code in front of the source
        raw = _stream(ours, "VBA/" + m["name"])
        assert vba.decompress(raw) == sources[m["name"]]
        assert bytes(decompress_stream(bytearray(raw))) == sources[m["name"]]
    parser = VBA_Parser("vbaProject.bin", data=ours)
    try:
        got = {Path(f).stem: code for _, _, f, code in parser.extract_macros()}
    finally:
        parser.close()
    assert {n: c.encode("cp1252") for n, c in got.items()} == sources


def test_two_builds_are_byte_identical(ours):
    assert addin.build_vba_project() == ours


# --------------------------------------------------------------------------------------
# compression
# --------------------------------------------------------------------------------------
def _excel_streams() -> list[bytes]:
    """Every compressed container Excel wrote in xlwings' two projects."""
    out = []
    for name in ("addin/xlwings.xlam", "quickstart_addin_ribbon.xlam"):
        data = _xlwings_bin(name)
        out.append(_stream(data, "VBA/dir"))
        for m in _modules(data):
            out.append(_stream(data, "VBA/" + m["name"])[m["offset"]:])
    return out


def test_our_decompressor_agrees_with_oletools_on_excel_streams():
    streams = _excel_streams()
    assert len(streams) > 15
    for raw in streams:
        plain = vba.decompress(raw)
        assert plain == bytes(decompress_stream(bytearray(raw)))
        # and what we compress from it comes back (round trip through both readers)
        again = vba.compress(plain)
        assert vba.decompress(again) == plain
        assert bytes(decompress_stream(bytearray(again))) == plain


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=9000),
                 st.text(alphabet="AB \r\n=\"'()_xyz", max_size=12000).map(str.encode)))
def test_compression_round_trips_through_both_decompressors(data):
    packed = vba.compress(data)
    assert vba.decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_decompress_refuses_what_is_not_a_container():
    for bad in (b"", b"\x02abc", b"\x01\x00\x00"):
        with pytest.raises(ValueError):
            vba.decompress(bad)


# --------------------------------------------------------------------------------------
# the compound file
# --------------------------------------------------------------------------------------
def _check_red_black(ole: olefile.OleFileIO, sid: int) -> None:
    """Siblings under a storage: a search tree in CFB order, red-black valid."""
    entries = ole.direntries

    def key(i):
        name = entries[i].name
        return (len(name.encode("utf-16-le")), name.upper())

    def walk(i, lo, hi):
        if i == olefile.NOSTREAM:
            return 1
        e = entries[i]
        assert (lo is None or key(lo) < key(i)) and (hi is None or key(i) < key(hi))
        if e.color == RED:
            for c in (e.sid_left, e.sid_right):
                assert c == olefile.NOSTREAM or entries[c].color == BLACK
        left, right = walk(e.sid_left, lo, i), walk(e.sid_right, i, hi)
        assert left == right
        return left + (e.color == BLACK)

    root = entries[sid].sid_child
    if root != olefile.NOSTREAM:
        assert entries[root].color == BLACK
        walk(root, None, None)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 8, 9, 20, 33])
def test_compound_file_trees_and_sizes(count):
    streams = {f"S{'x' * (i % 5)}{i}": bytes([i % 251]) * (i * 997) for i in range(count)}
    streams["big"] = bytes(range(256)) * 400  # 100 KB: more than one FAT sector
    data = cfb.write({"A": streams, "top": b"t" * 10})
    assert cfb.write({"A": streams, "top": b"t" * 10}) == data
    with _ole(data) as ole:
        for name, content in streams.items():
            assert ole.openstream(f"A/{name}").read() == content
        assert ole.openstream("top").read() == b"t" * 10
        for i, e in enumerate(ole.direntries):
            if e is not None and e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
                _check_red_black(ole, i)


def test_our_project_tree_is_red_black(ours):
    with _ole(ours) as ole:
        assert ole.minor_version == 0x3E and ole.dll_version == 3
        for i, e in enumerate(ole.direntries):
            if e is not None and e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
                _check_red_black(ole, i)


@pytest.mark.parametrize("tree", [{"A": b"1", "a": b"2"}, {"x" * 32: b""}, {"a/b": b""},
                                  {"": b""}])
def test_compound_file_refuses_names_cfb_forbids(tree):
    with pytest.raises(ValueError):
        cfb.write(tree)


def test_modules_refuse_what_excel_would_not_store():
    with pytest.raises(ValueError):  # the first line must name the module
        vba.Module("module", "A", 'Attribute VB_Name = "B"\n')
    with pytest.raises(ValueError):
        vba.Module("form", "A", 'Attribute VB_Name = "A"\n')
    with pytest.raises(ValueError):  # module names are case-insensitive in VBA
        vba.build("p", "{00000000-0000-0000-0000-000000000000}",
                  [vba.Module("module", "A", 'Attribute VB_Name = "A"'),
                   vba.Module("module", "a", 'Attribute VB_Name = "a"')])
