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
    assert [b.get("label").replace("&&", "&") for b in buttons] == LABELS
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


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Linux behaviour")
def test_install_on_linux_builds_into_the_users_data_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    outcome = addin.install()
    assert outcome.problem == "no-excel" and outcome.status == 2
    assert outcome.path == tmp_path / "data" / "thidua_xl" / "thidua_xl.xlam"
    assert outcome.path.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing in the cwd
    # the command says where it is
    rc = cli_addin.run(Namespace(action="install", output=None))
    out = capsys.readouterr().out
    assert rc == 2
    assert "không có Microsoft Excel" in out
    assert str(outcome.path) in out


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Linux behaviour")
def test_install_on_linux_with_a_folder_builds_there(tmp_path, capsys):
    rc = cli_addin.run(Namespace(action="install", output=str(tmp_path)))
    assert rc == 2
    assert str(tmp_path / "thidua_xl.xlam") in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thidua_xl.xlam"]


def test_build_puts_exactly_one_file_in_its_folder(tmp_path, capsys):
    assert cli_addin.run(Namespace(action="build", output=str(tmp_path / "o"))) == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["thidua_xl.xlam"]
    assert str(tmp_path / "o" / "thidua_xl.xlam") in capsys.readouterr().out
    # again, over the first: still one file
    assert cli_addin.run(["build", "-o", str(tmp_path / "o")]) == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["thidua_xl.xlam"]


def test_install_where_excel_is_missing_builds_into_the_data_folder(tmp_path, monkeypatch):
    """A Windows or macOS machine without desktop Excel: nothing goes into XLSTART."""
    monkeypatch.setattr(addin, "startup_dir", lambda: tmp_path / "XLSTART")
    monkeypatch.setattr(addin, "excel_present", lambda: False)
    monkeypatch.setattr(addin, "data_dir", lambda: tmp_path / "data")
    outcome = addin.install()
    assert outcome.problem == "no-excel" and outcome.status == 2
    assert outcome.path == tmp_path / "data" / "thidua_xl.xlam" and outcome.path.is_file()
    assert not (tmp_path / "XLSTART").exists()
    assert str(outcome.path) in outcome.message


def test_install_and_remove_into_a_startup_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(addin, "startup_dir", lambda: tmp_path / "XLSTART")
    monkeypatch.setattr(addin, "excel_present", lambda: True)
    monkeypatch.setattr(addin, "user_config_path", lambda: tmp_path / "cfg" / "thidua_xl.conf")
    outcome = addin.install()
    assert outcome.ok and outcome.status == 0
    assert outcome.path == tmp_path / "XLSTART" / "thidua_xl.xlam" and outcome.path.is_file()
    assert outcome.python == addin.interpreter()
    assert f'"{addin.interpreter()}"' in (tmp_path / "cfg" / "thidua_xl.conf").read_text()
    assert "Đã cài add-in Thi đua" in outcome.message
    gone = addin.remove()
    assert gone.ok and not outcome.path.exists()
    assert not (tmp_path / "cfg" / "thidua_xl.conf").exists()
    again = addin.remove()
    assert again.problem == "not-installed" and again.status == 0
    assert "chưa được cài" in again.message


def test_install_into_a_locked_folder_says_close_excel(tmp_path, monkeypatch):
    monkeypatch.setattr(addin, "startup_dir", lambda: tmp_path / "XLSTART")
    monkeypatch.setattr(addin, "excel_present", lambda: True)
    monkeypatch.setattr(addin, "user_config_path", lambda: None)

    def locked(*a, **k):
        raise PermissionError("in use")

    monkeypatch.setattr(addin.shutil, "copyfile", locked)
    outcome = addin.install()
    assert outcome.problem == "locked" and outcome.status == 2
    assert "đóng Excel" in outcome.message


def test_command_line_builds_the_addin(tmp_path):
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "thidua_xl", "addin", "build", "-o",
                           str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "thidua_xl.xlam").is_file()
    assert "Traceback" not in proc.stdout + proc.stderr
