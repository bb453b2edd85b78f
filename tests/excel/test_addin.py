"""The Excel add-in package: built on Linux from addin/ and read back with zipfile/olevba."""
from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from argparse import Namespace
from pathlib import Path

import pytest
from thidua_xl.cli import addin as cli_addin

from thidua_xl import addin

NS = "http://schemas.microsoft.com/office/2009/07/customui"
LABELS = ["Kiểm tra sổ", "Tính điểm & xếp hạng", "Đề nghị khen thưởng",
          "Gộp phiếu tự chấm", "Tạo sổ mẫu", "Xuất PDF", "Hướng dẫn"]
HANDLERS = ["kiem_tra", "tinh_diem", "de_nghi_khen_thuong", "gop_phieu_tu_cham",
            "tao_so_mau", "xuat_pdf", "huong_dan"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return addin.build(tmp_path_factory.mktemp("addin"))


def _vba_modules(xlam: Path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    with zipfile.ZipFile(xlam) as z:
        data = z.read("xl/vbaProject.bin")
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_xlam_is_a_valid_zip_with_the_parts(built):
    assert built.name == "thidua_xl.xlam"
    with zipfile.ZipFile(built) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        rels = z.read("_rels/.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert {"customUI/customUI.xml", "xl/vbaProject.bin", "xl/workbook.xml",
            "[Content_Types].xml"} <= names
    assert "ui/extensibility" in rels and "customUI/customUI.xml" in rels
    assert "addin.macroEnabled.main+xml" in types


def test_build_is_reproducible(built, tmp_path):
    again = addin.build(tmp_path)
    assert again.read_bytes() == built.read_bytes()


def test_ribbon_xml(built):
    with zipfile.ZipFile(built) as z:
        root = ET.fromstring(z.read("customUI/customUI.xml"))
    assert root.tag == f"{{{NS}}}customUI"
    tabs = root.findall(f".//{{{NS}}}tab")
    assert [t.get("label") for t in tabs] == ["Thi đua"]
    buttons = root.findall(f".//{{{NS}}}button")
    assert [b.get("label") for b in buttons] == LABELS
    for b in buttons:
        assert b.get("imageMso"), b.get("id")
        assert b.get("screentip") and b.get("supertip")
        assert b.get("onAction", "").startswith("RibbonThidua.TD_Ribbon_")


def test_every_on_action_is_a_sub_of_the_vba_project(built):
    with zipfile.ZipFile(built) as z:
        root = ET.fromstring(z.read("customUI/customUI.xml"))
    actions = [b.get("onAction") for b in root.iter(f"{{{NS}}}button")]
    modules = _vba_modules(built)
    for action, handler in zip(actions, HANDLERS):
        module, _, sub = action.rpartition(".")
        assert module in modules
        m = re.search(rf"^Sub {sub}\(control As IRibbonControl\)\s*$(.*?)^End Sub",
                      modules[module], flags=re.M | re.S)
        assert m, action
        assert f'RunPython "import thidua_xl.excel.handlers as h; h.{handler}()"' in m.group(1)
    # xlwings' own module (RunPython) is in the project, for this add-in's name
    assert "Public Function RunPython(" in modules["xlwings"]
    assert 'PROJECT_NAME As String = "thidua_xl"' in modules["xlwings"]
    assert "Dictionary" in modules


def test_ribbon_callbacks_do_not_clash_with_worksheet_functions(built):
    """VBA names are case-insensitive: a Sub TD_KiemTra would shadow the UDF TD_KIEMTRA."""
    from thidua_xl.excel.udfs import UDF_NAMES

    procs: dict[str, str] = {}
    for module, code in _vba_modules(built).items():
        for name in re.findall(r"^(?:Public |Private )?(?:Sub|Function) (\w+)\(", code,
                               flags=re.M):
            assert name.lower() not in procs or procs[name.lower()] == module, name
            procs[name.lower()] = module
    for udf in UDF_NAMES:
        assert procs[udf.lower()] == "xlwings_udfs"


def test_handlers_named_by_the_ribbon_exist():
    from thidua_xl.excel import handlers

    for name in HANDLERS:
        assert callable(getattr(handlers, name))


def test_vba_sources_are_ascii():
    src = Path(addin.sources_dir())
    for bas in src.glob("*.bas"):
        bas.read_bytes().decode("ascii")


def test_udf_wrappers_are_in_the_project(built):
    from thidua_xl.excel.udfs import UDF_NAMES

    code = _vba_modules(built)["xlwings_udfs"]
    for name in UDF_NAMES:
        assert re.search(rf"^Function {name}\(", code, flags=re.M), name
        assert f'XLPy.CallUDF("thidua_xl.udfs", "{name}"' in code
    assert "Function TD_TONGDIEM(diem, diem_toi_da, Optional he_so, Optional loai)" in code


def test_config_points_at_thidua_xl(built):
    with zipfile.ZipFile(built) as z:
        wb = z.read("xl/workbook.xml").decode()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert 'name="thidua_xl.conf"' in wb
    assert "felix" not in wb.lower()
    assert "UDF Modules" in sheet and "thidua_xl.udfs" in sheet
    # the xlwings module reads the sheet "<PROJECT_NAME>.conf"
    assert addin.CONFIG_SHEET == addin.PROJECT_NAME + ".conf"


def test_config_file_text_names_this_python():
    text = addin.config_file_text("C:\\Py\\pythonw.exe")
    assert '"C:\\Py\\pythonw.exe"' in text
    assert '"UDF MODULES","thidua_xl.udfs"' in text


def test_compression_round_trips_through_oletools():
    from oletools.olevba import decompress_stream

    for data in [b"", b"a", b"Attribute VB_Name = \"x\"\r\n" * 500, bytes(range(256)) * 40]:
        out = bytes(decompress_stream(bytearray(addin.ovba_compress(data))))
        assert out == data


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Linux behaviour")
def test_install_on_linux_explains_and_exits_2(tmp_path, capsys):
    rc = cli_addin.run(Namespace(action="install", output=str(tmp_path)))
    out = capsys.readouterr().out
    assert rc == 2
    assert "không có Microsoft Excel" in out
    assert str(tmp_path / "thidua_xl.xlam") in out
    assert (tmp_path / "thidua_xl.xlam").is_file()


def test_cli_build(tmp_path, capsys):
    assert cli_addin.run(Namespace(action="build", output=str(tmp_path / "o"))) == 0
    assert (tmp_path / "o" / "thidua_xl.xlam").is_file()
    assert cli_addin.run(["build", "-o", str(tmp_path / "p")]) == 0


def test_install_and_remove_into_a_startup_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(addin, "startup_dir", lambda: tmp_path / "XLSTART")
    monkeypatch.setattr(addin, "user_config_path", lambda: tmp_path / "cfg" / "thidua_xl.conf")
    assert addin.install().status == 0
    assert (tmp_path / "XLSTART" / "thidua_xl.xlam").is_file()
    assert sys.executable.split("/")[-1] in (tmp_path / "cfg" / "thidua_xl.conf").read_text() \
        or "python" in (tmp_path / "cfg" / "thidua_xl.conf").read_text().lower()
    assert addin.remove().status == 0
    assert not (tmp_path / "XLSTART" / "thidua_xl.xlam").exists()


def test_command_line_builds_the_addin(tmp_path):
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "thidua_xl", "addin", "build", "-o",
                           str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "thidua_xl.xlam").is_file()
    assert "Traceback" not in proc.stdout + proc.stderr


def test_missing_ms_ovba_is_a_vietnamese_message(monkeypatch, tmp_path, capsys):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("ms_ovba"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    assert cli_addin.run(Namespace(action="build", output=str(tmp_path))) == 2
    out = capsys.readouterr().out
    assert "ms-ovba" in out and "pip install" in out
