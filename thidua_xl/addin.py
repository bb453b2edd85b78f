"""The Excel add-in ``thidua_xl.xlam``: build it from its sources, install it, remove it.

``build(out_dir)`` runs anywhere (Linux included) and is reproducible: the same sources and
the same xlwings version give the same bytes. It starts from xlwings' own ribbon add-in
template (``xlwings/quickstart_addin_ribbon.xlam``, what ``xlwings quickstart NAME --addin
--ribbon`` copies) and replaces:

- ``customUI/customUI.xml`` by ``addin/customUI.xml`` (tab "Thi đua", seven buttons);
- ``xl/vbaProject.bin`` by a VBA project compiled with ``ms_ovba`` from source modules:
  ``RibbonThidua`` (``addin/RibbonThidua.bas``, one callback per button), ``xlwings`` (the
  installed xlwings' ``xlwings_custom_addin.bas`` with ``PROJECT_NAME = "thidua_xl"``, so
  its DLL version always matches the Python package), ``Dictionary`` (xlwings' Mac
  stand-in for Scripting.Dictionary), ``xlwings_udfs`` (the UDF wrappers that
  ``ImportPythonUDFsToAddin`` would write, generated from :mod:`thidua_xl.excel.udfs`) and
  the two document modules;
- the config sheet: ``_myaddin.conf`` becomes ``thidua_xl.conf`` holding
  ``UDF Modules = thidua_xl.udfs`` (the sheet wins over the user's config file in xlwings'
  lookup, so it holds nothing machine-specific).

``install()`` builds into a temporary folder, copies the add-in into the user's Excel
startup folder (XLSTART) and writes the user config file xlwings reads
(``%USERPROFILE%\\.thidua_xl\\thidua_xl.conf`` / the Excel sandbox on macOS) with
``INTERPRETER_WIN``/``INTERPRETER_MAC`` = this Python — what ``xlwings addin install`` and
``xlwings config create`` do for xlwings' own add-in.

The VBA project carries source only (no compiled p-code cache): Excel compiles it on first
load. Source modules must be ASCII (the project code page is 1252).
"""
from __future__ import annotations

import contextlib
import inspect
import io
import os
import random
import re
import shutil
import sys
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ADDIN_NAME = "thidua_xl.xlam"
PROJECT_NAME = "thidua_xl"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
UDF_MODULE = "thidua_xl.udfs"
RIBBON_MODULE = "RibbonThidua"
#: fixed so that two builds give the same bytes
PROJECT_ID = "{6F1B3D0E-3C55-4A51-9A57-2C1E0D7B5A11}"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

#: config rows of the add-in's config sheet (key, value); keys as xlwings spells them
SHEET_CONFIG: tuple[tuple[str, Any], ...] = (
    ("UDF Modules", UDF_MODULE),
    ("Use UDF Server", False),
    ("Show Console", False),
    ("Debug UDFs", False),
)


@contextlib.contextmanager
def _chdir(path: str):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


# --------------------------------------------------------------------------------------
# where things are
# --------------------------------------------------------------------------------------
def sources_dir() -> Path:
    """The folder holding ``customUI.xml`` and the ``.bas`` sources.

    ``THIDUA_XL_ADDIN_SRC`` if set, else ``thidua_xl/data/addin`` (a packaged copy), else
    ``addin/`` of the source checkout.
    """
    candidates = []
    env = os.environ.get("THIDUA_XL_ADDIN_SRC")
    if env:
        candidates.append(Path(env))
    here = Path(__file__).resolve().parent
    candidates += [here / "data" / "addin", here.parent / "addin"]
    for c in candidates:
        if (c / "customUI.xml").is_file():
            return c
    from .errors import UsageError

    raise UsageError(
        "Không tìm thấy mã nguồn add-in (customUI.xml). Hãy cài lại thidua_xl hoặc chạy từ "
        "thư mục mã nguồn.", code="addin-sources-missing")


def _xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent


def template_path() -> Path:
    return _xlwings_dir() / "quickstart_addin_ribbon.xlam"


# --------------------------------------------------------------------------------------
# VBA sources
# --------------------------------------------------------------------------------------
def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def xlwings_module_source() -> str:
    """xlwings' VBA module for custom add-ins, with this add-in's PROJECT_NAME."""
    src = _read_text(_xlwings_dir() / "xlwings_custom_addin.bas")
    new, n = re.subn(r'(Public Const PROJECT_NAME As String = )"[^"]*"',
                     rf'\1"{PROJECT_NAME}"', src, count=1)
    if n != 1:  # pragma: no cover - depends on the xlwings release
        raise RuntimeError("xlwings_custom_addin.bas has no PROJECT_NAME constant")
    return new


def dictionary_class_source() -> str:
    """xlwings' Dictionary.cls as stored in a VBA project (without the export header)."""
    lines = _read_text(_xlwings_dir() / "addin" / "Dictionary.cls").split("\n")
    while lines and not lines[0].startswith("Attribute VB_Name"):
        lines.pop(0)
    return "\n".join(lines)


def udf_wrapper_source() -> str:
    """The ``xlwings_udfs`` module: one VBA Function per UDF, as xlwings generates it.

    Mirrors ``xlwings.udfs.generate_vba_wrapper`` for an add-in (ActiveWorkbook), built
    from the Python signatures so it needs neither Windows nor Excel.
    """
    from .excel import udfs

    out = ['Attribute VB_Name = "xlwings_udfs"',
           "'Autogenerated by thidua_xl.addin from thidua_xl.excel.udfs",
           "#Const App = \"Microsoft Excel\" 'Adjust when using outside of Excel"]
    for name in udfs.UDF_NAMES:
        f = getattr(udfs, name)
        params = list(inspect.signature(f).parameters.values())
        sig = ", ".join(("Optional " if p.default is not inspect.Parameter.empty else "")
                        + p.name for p in params)
        args = "Array(" + ", ".join(p.name for p in params) + ")"
        out += [
            f"Function {name}({sig})",
            '    #If App = "Microsoft Excel" Then',
            "        If TypeOf Application.Caller Is Range Then On Error GoTo failed",
            f'        {name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", {args}, '
            "ActiveWorkbook, Application.Caller)",
            "        Exit Function",
            "    #Else",
            f'        {name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", {args})',
            "        Exit Function",
            "    #End If",
            "failed:",
            f"    {name} = Err.Description",
            "End Function",
            "",
        ]
    return "\n".join(out)


_DOC_HEADER = ('VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  \'True\nEND\n'
               'Attribute VB_Name = "{name}"\nAttribute VB_GlobalNameSpace = False\n'
               'Attribute VB_Creatable = False\nAttribute VB_PredeclaredId = True\n'
               'Attribute VB_Exposed = True\n')


def vba_modules(src: Path | None = None) -> list[tuple[str, str, str]]:
    """``(kind, name, source)`` of every module of the add-in's VBA project."""
    src = src or sources_dir()
    mods: list[tuple[str, str, str]] = [
        ("document", "ThisWorkbook", _DOC_HEADER.format(name="ThisWorkbook")),
        ("document", "Sheet1", _DOC_HEADER.format(name="Sheet1")),
        ("class", "Dictionary", dictionary_class_source()),
    ]
    for bas in sorted(src.glob("*.bas")):
        mods.append(("module", bas.stem, _read_text(bas)))
    mods.append(("module", "xlwings", xlwings_module_source()))
    mods.append(("module", "xlwings_udfs", udf_wrapper_source()))
    for kind, name, text in mods:
        try:
            text.encode("ascii")
        except UnicodeEncodeError as e:
            raise ValueError(f"VBA module {name} is not ASCII (use ChrW): {e}") from None
    return mods


# --------------------------------------------------------------------------------------
# MS-OVBA compression (2.4.1): ms_ovba_compression 1.0.1 corrupts streams longer than a
# few KB (it fails its own round trip), so the project is compressed with this one.
# --------------------------------------------------------------------------------------
def ovba_compress(data: bytes) -> bytes:
    """Compress ``data`` as a CompressedContainer (signature 0x01, then chunks)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096 or (len(chunk) == 4096 and len(body) >= 4096):
            if len(chunk) < 4096:  # pragma: no cover - VBA source always compresses
                raise ValueError("incompressible VBA source")
            header = 0x3000 | 0x0FFF  # raw chunk: flag 0, size 4098 - 3
            out += header.to_bytes(2, "little") + chunk
        else:
            header = 0x8000 | 0x3000 | ((len(body) + 2 - 3) & 0x0FFF)
            out += header.to_bytes(2, "little") + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    n = len(chunk)
    out = bytearray()
    index: dict[bytes, list[int]] = {}
    p = 0
    while p < n:
        flag_pos = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if p >= n:
                break
            best_len, best_off = 0, 0
            if p >= 1 and p + 3 <= n:
                bit_count = max((p - 1).bit_length(), 4)
                max_len = (0xFFFF >> bit_count) + 3
                limit = min(max_len, n - p)
                for cand in reversed(index.get(chunk[p:p + 3], [])[-64:]):
                    length = 0
                    while length < limit and chunk[cand + length] == chunk[p + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, p - cand
                        if length == limit:
                            break
            if best_len >= 3:
                bit_count = max((p - 1).bit_length(), 4)
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[p])
                step = 1
            for q in range(p, min(p + step, n - 2)):
                index.setdefault(chunk[q:q + 3], []).append(q)
            p += step
        out[flag_pos] = flags
    return bytes(out)


class _Compressor:
    """Drop-in for ``ms_ovba_compression.ms_ovba.MsOvba`` (only ``compress`` is used)."""

    def compress(self, data: bytes) -> bytes:
        return ovba_compress(bytes(data))


@contextlib.contextmanager
def _fixed_compression():
    import ms_ovba.Models.Entities.doc_module as m1
    import ms_ovba.Models.Entities.module_base as m2
    import ms_ovba.Views.dirStream as m3

    saved = [(m, m.MsOvba) for m in (m1, m2, m3)]
    for m, _ in saved:
        m.MsOvba = _Compressor
    try:
        yield
    finally:
        for m, orig in saved:
            m.MsOvba = orig


def build_vba_project(modules: list[tuple[str, str, str]] | None = None) -> bytes:
    """Compile the modules into a ``vbaProject.bin`` (an OLE compound file) with ms_ovba."""
    try:
        from ms_ovba.Models.Entities.doc_module import DocModule
        from ms_ovba.Models.Entities.reference import Reference
        from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
        from ms_ovba.Models.Entities.std_module import StdModule
        from ms_ovba.Models.Fields.libid_reference import LibidReference
        from ms_ovba.Views.project_ole_file import ProjectOleFile
        from ms_ovba.vbaProject import VbaProject
    except ImportError:
        from .errors import UsageError

        raise UsageError("Thiếu gói ms-ovba để tạo add-in.",
                         fix='Cài bằng lệnh: pip install "thidua_xl[addin]"',
                         code="addin-deps-missing") from None

    class ClassModule(StdModule):
        """A class module: "Class=" in PROJECT, MODULETYPE 0x0022 in dir."""

        def __init__(self, name: str) -> None:
            super().__init__(name)
            self.type = "Class"

        def pack(self, endien: str, cp_name: str) -> bytes:
            self.type = "Document"  # ms_ovba writes 0x0022 for "Document" only
            try:
                return super().pack(endien, cp_name)
            finally:
                self.type = "Class"

    modules = vba_modules() if modules is None else modules
    # ms_ovba writes its streams into the current directory
    with tempfile.TemporaryDirectory(prefix="thidua_vba_") as tmp, _chdir(tmp), \
            _fixed_compression():
        project = VbaProject()
        project.project_id = PROJECT_ID
        for kind, name, text in modules:
            path = Path(tmp) / f"{name}.src"
            path.write_text(text.replace("\r\n", "\n"), encoding="ascii", newline="\r\n")
            if kind == "document":
                mod: Any = DocModule(name)
                mod.add_file(str(path))
                guid = ("0002081900000000C000000000000046" if name == "ThisWorkbook"
                        else "0002082000000000C000000000000046")
                mod.add_guid(uuid.UUID(guid))
            elif kind == "class":
                mod = ClassModule(name)
                mod.add_file(str(path))
            else:
                mod = StdModule(name)
                mod.add_file(str(path))
            mod.normalize_file()
            project.add_module(mod)
        stdole = LibidReference(uuid.UUID("0002043000000000C000000000000046"), "2.0", "0",
                                "C:\\Windows\\System32\\stdole2.tlb", "OLE Automation")
        office = LibidReference(
            uuid.UUID("2DF8D04C5BFA101BBDE500AA0044DE52"), "2.0", "0",
            "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL",
            "Microsoft Office 16.0 Object Library")
        project.add_reference(Reference(ReferenceRegistered(stdole), "stdole"))
        project.add_reference(Reference(ReferenceRegistered(office), "Office"))
        # CMG/DPB/GC are encrypted with random seeds (MS-OVBA 2.4.3): fix them so that
        # two builds are byte-identical, without disturbing the caller's random state
        state = random.getstate()
        random.seed(20240101)
        try:
            ProjectOleFile.write_file(project)
        finally:
            random.setstate(state)
        return (Path(tmp) / "vbaProject.bin").read_bytes()


# --------------------------------------------------------------------------------------
# workbook parts
# --------------------------------------------------------------------------------------
def _xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def config_sheet_xml(config: tuple[tuple[str, Any], ...] = SHEET_CONFIG) -> bytes:
    rows = []
    for i, (key, value) in enumerate(config, 1):
        cells = f'<c r="A{i}" t="inlineStr"><is><t>{_xml_text(key)}</t></is></c>'
        if isinstance(value, bool):
            cells += f'<c r="B{i}" t="b"><v>{int(value)}</v></c>'
        elif value is not None:
            cells += (f'<c r="B{i}" t="inlineStr"><is><t>{_xml_text(str(value))}</t></is>'
                      "</c>")
        rows.append(f'<row r="{i}">{cells}</row>')
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           '<sheetPr codeName="Sheet1"/>'
           f'<dimension ref="A1:B{max(1, len(config))}"/>'
           '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/>'
           '<cols><col min="1" max="1" width="20" customWidth="1"/>'
           '<col min="2" max="2" width="30" customWidth="1"/></cols>'
           f'<sheetData>{"".join(rows)}</sheetData>'
           '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
           'footer="0.3"/></worksheet>')
    return xml.encode("utf-8")


def _workbook_xml(template: bytes) -> bytes:
    text = template.decode("utf-8")
    # the template names the machine it was saved on: drop it
    text = re.sub(r"<mc:AlternateContent.*?</mc:AlternateContent>", "", text, flags=re.S)
    text = re.sub(r'<sheet name="[^"]*"', f'<sheet name="{CONFIG_SHEET}"', text, count=1)
    return text.encode("utf-8")


_CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>Thi đua (thidua_xl)</dc:title>"
    "<dc:description>Chấm điểm thi đua khối: kiểm tra sổ, tính điểm, xếp hạng, đề nghị "
    "khen thưởng.</dc:description>"
    "<dc:creator>thidua_xl</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>")


def build(out_dir: str | os.PathLike = ".", *, sources: Path | None = None) -> Path:
    """Build ``thidua_xl.xlam`` into ``out_dir`` and return its path (written atomically)."""
    src = Path(sources) if sources is not None else sources_dir()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    custom_ui = (src / "customUI.xml").read_bytes()
    vba = build_vba_project(vba_modules(src))
    buf = io.BytesIO()
    with zipfile.ZipFile(template_path()) as tz, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as oz:
        for info in tz.infolist():
            data = tz.read(info.filename)
            name = info.filename
            if name == "customUI/customUI.xml":
                data = custom_ui
            elif name == "xl/vbaProject.bin":
                data = vba
            elif name == "xl/workbook.xml":
                data = _workbook_xml(data)
            elif name == "xl/worksheets/sheet1.xml":
                data = config_sheet_xml()
            elif name == "docProps/core.xml":
                data = _CORE_XML.encode("utf-8")
            zi = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            oz.writestr(zi, data)
    target = out_dir / ADDIN_NAME
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------------------
# install / remove
# --------------------------------------------------------------------------------------
def startup_dir() -> Path | None:
    """The user's Excel startup folder, or None where Excel does not run (Linux)."""
    if sys.platform.startswith("win"):
        appdata = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":
        return (Path.home() / "Library" / "Group Containers" / "UBF8T346G9.Office"
                / "User Content" / "Startup" / "Excel")
    return None


def user_config_path() -> Path | None:
    """The config file the add-in's xlwings module reads (GetConfigFilePath in VBA)."""
    if sys.platform.startswith("win"):
        home = os.environ.get("USERPROFILE") or str(Path.home())
        return Path(home) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
    if sys.platform == "darwin":
        return (Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
                / f"{PROJECT_NAME}.conf")
    return None


def interpreter() -> str:
    """This Python; on Windows pythonw.exe beside it (no console window) when present."""
    exe = Path(sys.executable)
    if sys.platform.startswith("win"):
        w = exe.with_name("pythonw.exe")
        if w.is_file():
            return str(w)
    return str(exe)


def config_file_text(python: str | None = None) -> str:
    """Lines as VBA's ``Write #`` writes them (read back with ``Input #``)."""
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    rows = [(key, python or interpreter()), ("UDF MODULES", UDF_MODULE)]
    return "".join(f'"{k}","{v}"\r\n' for k, v in rows)


@dataclass(frozen=True)
class AddinOutcome:
    """What install/remove did: an exit status (0 / 2) and the Vietnamese sentence to show."""

    status: int
    message: str


def install(out=None) -> AddinOutcome:
    """Install the add-in for the current user."""
    target_dir = startup_dir()
    if target_dir is None:
        built = build(out or Path.cwd())
        return AddinOutcome(
            2, "Máy này không có Microsoft Excel (chỉ Windows và macOS), nên không cài được "
               f"add-in. Đã tạo sẵn file add-in tại: {built}\n"
               "Hãy chép file này sang máy có Excel rồi chạy 'thidua-xl addin install' ở đó.")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            built = build(tmp)
            target_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(built, target_dir / ADDIN_NAME)
        cfg = user_config_path()
        if cfg is not None:
            cfg.parent.mkdir(parents=True, exist_ok=True)
            cfg.write_text(config_file_text(), encoding="utf-8", newline="")
        if sys.platform == "darwin":  # RunPython on macOS needs xlwings' AppleScript
            with contextlib.suppress(Exception):
                from xlwings import cli as xwcli

                xwcli.runpython_install(None)
    except PermissionError:
        return AddinOutcome(2, f"Không ghi được vào {target_dir}: hãy đóng Excel rồi chạy lại "
                               "lệnh.")
    except OSError as e:
        return AddinOutcome(2, f"Không cài được add-in: {e}")
    return AddinOutcome(0, f"Đã cài add-in Thi đua vào {target_dir / ADDIN_NAME}.\n"
                           "Hãy khởi động lại Excel: tab 'Thi đua' sẽ xuất hiện trên thanh "
                           f"ribbon.\nPython dùng cho add-in: {interpreter()}")


def remove() -> AddinOutcome:
    target_dir = startup_dir()
    if target_dir is None:
        return AddinOutcome(2, "Máy này không có Microsoft Excel: không có add-in nào để gỡ.")
    path = target_dir / ADDIN_NAME
    if not path.exists():
        return AddinOutcome(0, f"Add-in chưa được cài (không thấy {path}).")
    try:
        path.unlink()
    except PermissionError:
        return AddinOutcome(2, f"Không xoá được {path}: hãy đóng Excel rồi chạy lại lệnh.")
    cfg = user_config_path()
    if cfg is not None and cfg.exists():
        with contextlib.suppress(OSError):
            cfg.unlink()
    return AddinOutcome(0, f"Đã gỡ add-in Thi đua ({path}).")
