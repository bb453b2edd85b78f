"""A VBA project (``vbaProject.bin``) laid out as Excel writes one, source code only.

Record by record this follows MS-OVBA and what Excel itself saves (checked
against Excel-saved projects: the xlwings add-in, XlsxWriter's test files); the layout of
the writer is EPPlus' ``ExcelVbaProject`` (``src/EPPlus/Vba/ExcelVBAProject.cs``: Save,
CreateDirStream, CreateProjectStream, CreateProjectwmStream, Encrypt), a generator whose
projects Excel runs. Where EPPlus and Excel differ, Excel wins: ``_VBA_PROJECT`` Reserved3
is 0x0001 and ``[Workspace]`` lines carry no trailing space.

- ``PROJECT`` (2.3.1): ID, one ``Document=``/``Module=``/``Class=`` line per module,
  Name, HelpContextID, VersionCompatible32, CMG/DPB/GC (2.4.3 "data encryption" of the
  protection state, the absent password and the visibility), ``[Host Extender Info]``
  and ``[Workspace]``.
- ``PROJECTwm`` (2.3.3): each module name in MBCS and in UTF-16, NUL-terminated.
- ``VBA/_VBA_PROJECT`` (2.3.4.1, example 3.1.1): 0x61CC, version 0xFFFF, 0x00, 0x0001 and
  no performance cache ("to be interoperable, this version number MUST be set to 0xFFFF
  so that performance caches are ignored", MS-OVBA 1.6): Excel compiles the source.
- ``VBA/dir`` (2.3.4.2): the information, reference and module records, compressed.
- ``VBA/<module>`` (2.3.4.3): each module's source, compressed, at offset 0 (no p-code).

No randomness: the encryption seeds are fixed, so one input gives one file.
"""
from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

from ..core.record import record
from . import cfb
from .compression import compress

#: the code page of the project's MBCS strings (Western European, what Excel writes)
CODE_PAGE = 1252
LCID = 0x0409
SYSKIND_WIN32 = 0x00000001
#: PROJECTVERSION (2.3.4.2.1.11) as EPPlus writes it for a new project
VERSION_MAJOR, VERSION_MINOR = 1361024421, 6
#: VB_Base of a class module (the "VBA class" type library id Excel stores)
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
#: VB_Base of the two kinds of Excel document module
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"

KINDS = ("document", "module", "class")


@record(frozen=True, slots=True)
class Reference:
    """A registered type library reference (REFERENCENAME + REFERENCEREGISTERED)."""

    name: str
    libid: str


#: the two references Excel writes for a new project (VBA and Excel itself are implicit)
STDOLE = Reference("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
                   "C:\\Windows\\System32\\stdole2.tlb#OLE Automation")
OFFICE = Reference("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
                   "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
                   "Microsoft Office 16.0 Object Library")


@record(frozen=True, slots=True)
class Module:
    """One module: ``kind`` is "document", "module" or "class"; ``source`` is the text as
    the VBA editor stores it (``Attribute`` lines first, no export header)."""

    kind: str
    name: str
    source: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"module kind {self.kind!r}")
        first = self.source.split("\n", 1)[0].strip()
        if first != f'Attribute VB_Name = "{self.name}"':
            raise ValueError(f"module {self.name} does not start with its VB_Name")

    def stored(self) -> bytes:
        """The source as stored: CRLF line ends, code page 1252, ending in CRLF."""
        text = self.source.replace("\r\n", "\n")
        if not text.endswith("\n"):
            text += "\n"
        return text.replace("\n", "\r\n").encode(_codec())

    def docstring(self) -> str:
        """VB_Description, as Excel copies it into MODULEDOCSTRING (\\r\\n unescaped)."""
        for line in self.source.split("\n"):
            if line.startswith('Attribute VB_Description = "'):
                value = line.rstrip("\r")[len('Attribute VB_Description = "'):-1]
                return value.replace("\\r", "\r").replace("\\n", "\n")
        return ""


def _codec() -> str:
    return f"cp{CODE_PAGE}"


def _attributes(name: str, base: str, *, predeclared: bool, customizable: bool) -> list[str]:
    def b(v: bool) -> str:
        return "True" if v else "False"

    return [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
            "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
            f"Attribute VB_PredeclaredId = {b(predeclared)}", "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            f"Attribute VB_Customizable = {b(customizable)}"]


def document_module(name: str, base: str, code: str = "") -> Module:
    """A workbook or worksheet module (``base`` WORKBOOK_BASE / WORKSHEET_BASE)."""
    head = _attributes(name, base, predeclared=True, customizable=True)
    return Module("document", name, "\n".join(head) + ("\n" + code if code else ""))


_CLASS_ATTRIBUTES = ("VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable",
                     "VB_PredeclaredId", "VB_Exposed", "VB_TemplateDerived",
                     "VB_Customizable")


def class_module(exported: str) -> Module:
    """A class module from its exported ``.cls`` text, with the attributes Excel stores.

    The export header (VERSION 1.0 CLASS / BEGIN ... END) goes; VB_Base, VB_TemplateDerived
    and VB_Customizable are added where the export leaves them out; the other attributes
    (VB_Description ...) follow in their order.
    """
    lines = exported.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].startswith("Attribute VB_Name"):
        lines.pop(0)
    attrs: dict[str, str] = {}
    extra: list[str] = []
    while lines and lines[0].startswith("Attribute "):
        line = lines.pop(0)
        key = line[len("Attribute "):].split("=", 1)[0].strip()
        if key in _CLASS_ATTRIBUTES:
            attrs[key] = line
        else:
            extra.append(line)
    if "VB_Name" not in attrs:
        raise ValueError("class module without Attribute VB_Name")
    name = attrs["VB_Name"].split("=", 1)[1].strip().strip('"')
    predeclared = attrs.get("VB_PredeclaredId", "").endswith("True")
    defaults = _attributes(name, CLASS_BASE, predeclared=predeclared, customizable=False)
    head = [attrs.get(key, default) for key, default in zip(_CLASS_ATTRIBUTES, defaults)]
    return Module("class", name, "\n".join(head + extra + lines))


# --------------------------------------------------------------------------------------
# streams
# --------------------------------------------------------------------------------------
def _mbcs(s: str) -> bytes:
    return s.encode(_codec())


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le")


def _record(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _u32(v: int) -> bytes:
    return struct.pack("<I", v)


def _u16(v: int) -> bytes:
    return struct.pack("<H", v)


def dir_stream(name: str, modules: Sequence[Module],
               references: Iterable[Reference] = (STDOLE, OFFICE)) -> bytes:
    """The decompressed ``dir`` stream (2.3.4.2), records in Excel's order."""
    out = bytearray()
    out += _record(0x0001, _u32(SYSKIND_WIN32))          # PROJECTSYSKIND
    out += _record(0x0002, _u32(LCID))                   # PROJECTLCID
    out += _record(0x0014, _u32(LCID))                   # PROJECTLCIDINVOKE
    out += _record(0x0003, _u16(CODE_PAGE))              # PROJECTCODEPAGE
    out += _record(0x0004, _mbcs(name))                  # PROJECTNAME
    out += _record(0x0005, b"") + _record(0x0040, b"")   # PROJECTDOCSTRING
    out += _record(0x0006, b"") + _record(0x003D, b"")   # PROJECTHELPFILEPATH
    out += _record(0x0007, _u32(0))                      # PROJECTHELPCONTEXT
    out += _record(0x0008, _u32(0))                      # PROJECTLIBFLAGS
    # PROJECTVERSION: Reserved is 4 although 6 bytes follow
    out += struct.pack("<HIIH", 0x0009, 4, VERSION_MAJOR, VERSION_MINOR)
    out += _record(0x000C, b"") + _record(0x003C, b"")   # PROJECTCONSTANTS
    for ref in references:
        out += _record(0x0016, _mbcs(ref.name)) + _record(0x003E, _utf16(ref.name))
        libid = _mbcs(ref.libid)
        out += _record(0x000D, _u32(len(libid)) + libid + _u32(0) + _u16(0))
    out += _record(0x000F, _u16(len(modules)))           # PROJECTMODULES
    out += _record(0x0013, _u16(0xFFFF))                 # PROJECTCOOKIE
    for m in modules:
        doc = m.docstring()
        out += _record(0x0019, _mbcs(m.name)) + _record(0x0047, _utf16(m.name))
        out += _record(0x001A, _mbcs(m.name)) + _record(0x0032, _utf16(m.name))
        out += _record(0x001C, _mbcs(doc)) + _record(0x0048, _utf16(doc))
        out += _record(0x0031, _u32(0))                  # MODULEOFFSET: source at 0
        out += _record(0x001E, _u32(0))                  # MODULEHELPCONTEXT
        out += _record(0x002C, _u16(0xFFFF))             # MODULECOOKIE
        out += _record(0x0021 if m.kind == "module" else 0x0022, b"")  # MODULETYPE
        out += _record(0x002B, b"")                      # terminator
    out += _record(0x0010, b"")  # dir terminator: Id 0x0010, Reserved 0x00000000
    return bytes(out)


def vba_project_stream() -> bytes:
    """``_VBA_PROJECT`` (2.3.4.1) with no performance cache."""
    return struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)


def projectwm_stream(modules: Sequence[Module]) -> bytes:
    """``PROJECTwm`` (2.3.3): module names in MBCS and UTF-16, then a UTF-16 NUL."""
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0"
    return bytes(out + b"\0\0")


def encrypt(data: bytes, project_id: str, seed: int) -> str:
    """2.4.3.2 data encryption, as hex (what CMG, DPB and GC hold)."""
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    version = 2
    enc = [seed, version ^ seed, proj_key ^ seed]
    plain_prev, enc2, enc1 = proj_key, enc[1], enc[2]
    ignored = [0] * ((seed & 6) // 2)
    for byte in ignored + list(struct.pack("<I", len(data))) + list(data):
        e = byte ^ ((enc2 + plain_prev) & 0xFF)
        enc.append(e)
        enc2, enc1, plain_prev = enc1, e, byte
    return bytes(enc).hex().upper()


def decrypt(hex_text: str) -> tuple[int, bytes]:
    """(project key, data) of a 2.4.3.3 encrypted value."""
    enc = bytes.fromhex(hex_text)
    seed = enc[0]
    proj_key = enc[2] ^ seed
    plain_prev, enc2 = proj_key, enc[1]
    plain = []
    for i in range(3, len(enc)):
        byte = enc[i] ^ ((enc2 + plain_prev) & 0xFF)
        plain.append(byte)
        enc2, plain_prev = enc[i - 1], byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(plain[ignored:ignored + 4]), "little")
    return proj_key, bytes(plain[ignored + 4:ignored + 4 + length])


#: fixed seeds: any byte is valid; fixed ones make two builds identical
_SEEDS = {"CMG": 0x5D, "DPB": 0x5F, "GC": 0x61}


def project_stream(name: str, project_id: str, modules: Sequence[Module]) -> bytes:
    """The ``PROJECT`` stream (2.3.1) as Excel writes it for an unprotected project."""
    lines = [f'ID="{project_id}"']
    for m in modules:
        lines.append({"document": f"Document={m.name}/&H00000000",
                      "module": f"Module={m.name}",
                      "class": f"Class={m.name}"}[m.kind])
    lines += [f'Name="{name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              # protection state 0 (none), no password (a single 0x00), visible (0xFF)
              f'CMG="{encrypt(bytes(4), project_id, _SEEDS["CMG"])}"',
              f'DPB="{encrypt(bytes(1), project_id, _SEEDS["DPB"])}"',
              f'GC="{encrypt(bytes([0xFF]), project_id, _SEEDS["GC"])}"',
              "", "[Host Extender Info]", HOST_EXTENDER, "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n\r\n").encode(_codec())


def build(name: str, project_id: str, modules: Sequence[Module],
          references: Iterable[Reference] = (STDOLE, OFFICE)) -> bytes:
    """The ``vbaProject.bin`` bytes of a source-only project."""
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("two modules with one name")
    refs = tuple(references)
    vba: dict[str, bytes] = {"_VBA_PROJECT": vba_project_stream(),
                             "dir": compress(dir_stream(name, modules, refs))}
    for m in modules:
        vba[m.name] = compress(m.stored())
    return cfb.write({"PROJECT": project_stream(name, project_id, modules),
                      "PROJECTwm": projectwm_stream(modules), "VBA": vba})
