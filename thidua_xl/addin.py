"""The Excel add-in ``thidua_xl.xlam``: build it from its sources, install it, remove it.

``build(out_dir)`` runs anywhere (Linux included) and is reproducible: the same sources and
the same xlwings version give the same bytes. It starts from xlwings' own ribbon add-in
template (``xlwings/quickstart_addin_ribbon.xlam``, what ``xlwings quickstart NAME --addin
--ribbon`` copies) and replaces:

- ``customUI/customUI.xml`` by ``addin/customUI.xml`` (tab "Thi đua", seven buttons);
- ``xl/vbaProject.bin`` by a VBA project written by :mod:`thidua_xl.vba` (as Excel
  writes one, source only) from these modules: ``RibbonThidua`` (``addin/RibbonThidua.bas``, one callback per button), ``xlwings`` (the
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
``xlwings config create`` do for xlwings' own add-in. Where Excel does not run (Linux) it
builds into ``-o DIR`` or the user's data folder (:func:`data_dir`) and says where.
``install``/``remove`` return an :class:`AddinOutcome` (``status``, ``message``: what
thidua_xl.cli.addin prints).

The VBA project carries source only (no compiled p-code cache): Excel compiles it on first
load. Source modules must be ASCII (the project code page is 1252). The document modules
(``ThisWorkbook``, ``Sheet1``) match the code names in ``xl/workbook.xml`` and the config
sheet.
"""
from __future__ import annotations

import contextlib
import inspect
import io
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from .core.record import record
from . import vba

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
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


def vba_modules(src: Path | None = None) -> list[vba.Module]:
    """Every module of the add-in's VBA project, in the project's order."""
    src = src or sources_dir()
    mods = [vba.document_module("ThisWorkbook", vba.WORKBOOK_BASE),
            vba.document_module("Sheet1", vba.WORKSHEET_BASE),
            vba.class_module(_read_text(_xlwings_dir() / "addin" / "Dictionary.cls"))]
    for bas in sorted(src.glob("*.bas")):
        mods.append(vba.Module("module", bas.stem, _read_text(bas)))
    mods.append(vba.Module("module", "xlwings", xlwings_module_source()))
    mods.append(vba.Module("module", "xlwings_udfs", udf_wrapper_source()))
    for m in mods:
        try:
            m.source.encode("ascii")
        except UnicodeEncodeError as e:
            raise ValueError(f"VBA module {m.name} is not ASCII (use ChrW): {e}") from None
    return mods


def build_vba_project(modules: list[vba.Module] | None = None) -> bytes:
    """The add-in's ``vbaProject.bin`` (source only: Excel compiles it on first load)."""
    return vba.build(PROJECT_NAME, PROJECT_ID, vba_modules() if modules is None else modules)


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
    vba_bin = build_vba_project(vba_modules(src))
    buf = io.BytesIO()
    with zipfile.ZipFile(template_path()) as tz, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as oz:
        for info in tz.infolist():
            data = tz.read(info.filename)
            name = info.filename
            if name == "customUI/customUI.xml":
                data = custom_ui
            elif name == "xl/vbaProject.bin":
                data = vba_bin
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
    from .io.atomic import atomic_write_bytes

    # the one file this puts into out_dir (its temporary sibling is renamed or removed)
    return atomic_write_bytes(out_dir / ADDIN_NAME, buf.getvalue())


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


def excel_present() -> bool:
    """Whether desktop Excel is installed for this user: registered as
    ``Excel.Application`` on Windows, ``Microsoft Excel.app`` on macOS; never on Linux."""
    if sys.platform.startswith("win"):
        try:
            import winreg

            winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, "Excel.Application"))
            return True
        except OSError:
            return False
    if sys.platform == "darwin":
        return any((root / "Applications" / "Microsoft Excel.app").exists()
                   for root in (Path("/"), Path.home()))
    return False


def data_dir() -> Path:
    """Where ``install`` leaves the add-in on a machine without Excel: the user's data
    folder (``%LOCALAPPDATA%\\thidua_xl``, ``~/Library/Application Support/thidua_xl``, or
    ``$XDG_DATA_HOME/thidua_xl``, by default ``~/.local/share/thidua_xl``)."""
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / PROJECT_NAME


@record(frozen=True, slots=True)
class AddinOutcome:
    """What ``install``/``remove`` did. ``problem`` is "" when it did what was asked,
    else "no-excel" (built into ``path`` only), "locked" (``path`` could not be written
    or removed: Excel has it open), "not-installed" or "os-error" (``detail`` says)."""

    action: str
    path: Path | None = None
    config: Path | None = None
    python: str = ""
    problem: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem in ("", "not-installed")

    @property
    def status(self) -> int:
        """The command's exit status: 0, or 2 when it could not do what was asked."""
        return 0 if self.ok else 2

    @property
    def message(self) -> str:
        """The Vietnamese lines the command prints."""
        return _describe(self)


def install(out: str | os.PathLike | None = None) -> AddinOutcome:
    """Install the add-in for the current user: into Excel's startup folder, with the
    user config naming this Python. Without desktop Excel (Linux, or a Windows/macOS
    machine that has none), build it into ``out`` or :func:`data_dir` and say so
    (``problem="no-excel"``)."""
    target_dir = startup_dir()
    if target_dir is None or not excel_present():
        built = build(Path(out) if out else data_dir())
        return AddinOutcome("install", path=built, problem="no-excel")
    target = target_dir / ADDIN_NAME
    try:
        with tempfile.TemporaryDirectory() as tmp:
            built = build(tmp)
            target_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(built, target)
        cfg = user_config_path()
        if cfg is not None:
            cfg.parent.mkdir(parents=True, exist_ok=True)
            cfg.write_text(config_file_text(), encoding="utf-8", newline="")
        if sys.platform == "darwin":  # RunPython on macOS needs xlwings' AppleScript
            with contextlib.suppress(Exception):
                from xlwings import cli as xwcli

                xwcli.runpython_install(None)
    except PermissionError:
        return AddinOutcome("install", path=target, problem="locked")
    except OSError as e:
        return AddinOutcome("install", path=target, problem="os-error", detail=str(e))
    return AddinOutcome("install", path=target, config=cfg, python=interpreter())


def remove() -> AddinOutcome:
    """Remove the installed add-in and its user config file."""
    target_dir = startup_dir()
    if target_dir is None:
        return AddinOutcome("remove", problem="no-excel")
    path = target_dir / ADDIN_NAME
    if not path.exists():
        return AddinOutcome("remove", path=path, problem="not-installed")
    try:
        path.unlink()
    except PermissionError:
        return AddinOutcome("remove", path=path, problem="locked")
    cfg = user_config_path()
    if cfg is not None and cfg.exists():
        with contextlib.suppress(OSError):
            cfg.unlink()
    return AddinOutcome("remove", path=path, config=cfg)


def _describe(outcome: AddinOutcome) -> str:
    p, act = outcome.path, outcome.action
    if act == "install":
        if outcome.problem == "no-excel":
            return ("Máy này không có Microsoft Excel cho Windows hoặc macOS, nên không cài "
                    f"được add-in. Đã tạo sẵn file add-in tại: {p}\n"
                    "Hãy chép file này sang máy có Excel rồi chạy 'thidua-xl addin install' "
                    "ở đó.")
        if outcome.problem == "locked":
            return f"Không ghi được vào {p.parent}: hãy đóng Excel rồi chạy lại lệnh."
        if outcome.problem:
            return f"Không cài được add-in: {outcome.detail}"
        return (f"Đã cài add-in Thi đua vào {p}.\n"
                "Hãy khởi động lại Excel: tab 'Thi đua' sẽ xuất hiện trên thanh ribbon.\n"
                f"Python dùng cho add-in: {outcome.python}")
    if outcome.problem == "no-excel":
        return "Máy này không có Microsoft Excel: không có add-in nào để gỡ."
    if outcome.problem == "not-installed":
        return f"Add-in chưa được cài (không thấy {p})."
    if outcome.problem == "locked":
        return f"Không xoá được {p}: hãy đóng Excel rồi chạy lại lệnh."
    return f"Đã gỡ add-in Thi đua ({p})."
