"""xlwings Lite entry points: importable anywhere, same sheets and numbers as the ribbon."""
from __future__ import annotations

import asyncio

from tests.excel.conftest import standard_bloc
from thidua_xl.excel import lite, udfs


def _added(book):
    return [a["args"][1] for a in book.json()["actions"] if a["func"] == "addSheet"]


def _values(book):
    return [a["values"] for a in book.json()["actions"] if a["func"] == "setValues"]


def test_lite_module_exports_scripts_and_functions():
    for name in lite.__all__:
        assert callable(getattr(lite, name)), name
    for name in udfs.UDF_NAMES:
        assert name in lite.__all__


def test_lite_scripts_write_what_the_ribbon_writes(tmp_path, remote):
    from thidua_xl.excel import handlers

    path = standard_bloc(tmp_path / "khoi.xlsx")
    ribbon = remote(path)
    handlers.tinh_diem(book=ribbon)
    web = remote(path)
    asyncio.run(lite.tinh_diem(web))
    assert _added(web) == _added(ribbon)
    assert _values(web) == _values(ribbon)
    web2 = remote(path)
    asyncio.run(lite.kiem_tra(web2))
    assert _added(web2) == ["Kiểm tra"]
    web3 = remote(path)
    lite.huong_dan(web3)
    assert _added(web3) == ["Hướng dẫn"]


def test_lite_functions_equal_the_udfs():
    assert lite.TD_TONGDIEM([9, "8,5"], [10, 10]) == udfs.TD_TONGDIEM([9, "8,5"], [10, 10])
    assert lite.TD_DINHLUONG(80, 100, 10) == 8.0
    assert lite.TD_XEPHANG(90, [95, 90, 90]) == 2
    assert lite.TD_XEPLOAI(96, 100) == udfs.TD_XEPLOAI(96, 100)
    assert lite.TD_KIEMTRA([12], [10]) == udfs.TD_KIEMTRA([12], [10])
    assert lite.TD_KHENTHUONG(["A", "B"], [99, 90]) == udfs.TD_KHENTHUONG(["A", "B"], [99, 90])


# --------------------------------------------------------------------------------------
# xlwings Lite has no python-calamine, ms-ovba or rich (no Pyodide wheels / not needed)
# --------------------------------------------------------------------------------------
_BLOCKED_RUN = r'''
import asyncio, importlib.abc, json, os, sys

BLOCKED = ("python_calamine", "ms_ovba", "rich")


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed here")
        return None


sys.meta_path.insert(0, Block())
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
import xlwings as xw
if "remote" not in xw.engines.engines_by_name:
    from xlwings.main import Engine
    from xlwings.pro import _xlremote
    xw.engines.add(Engine(impl=_xlremote.engine))

from thidua_xl.excel import lite
from tests.excel.conftest import payload_from_file

book = xw.Book(json=payload_from_file(sys.argv[1]))
asyncio.run(lite.tinh_diem(book))
actions = book.json()["actions"]
loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
print(json.dumps({"loaded": loaded,
                  "added": [a["args"][1] for a in actions if a["func"] == "addSheet"],
                  "values": [a["values"] for a in actions if a["func"] == "setValues"]},
                 default=str, ensure_ascii=False))
'''


def test_lite_scores_a_bundled_example_without_calamine_ms_ovba_or_rich(tmp_path, remote):
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    example = sorted((root / "workbooks" / "examples").glob("*.xlsx"))[0]
    script = tmp_path / "lite_blocked.py"
    script.write_text(_BLOCKED_RUN, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), str(example)], cwd=root,
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["loaded"] == []
    assert "Kết quả" in got["added"]
    # the same sheets and numbers as with every package present
    web = remote(example)
    asyncio.run(lite.tinh_diem(web))
    assert got["added"] == _added(web)
    assert got["values"] == json.loads(json.dumps(_values(web), default=str,
                                                  ensure_ascii=False))


#: packages with compiled code that Pyodide itself builds and serves ("Packages built in
#: Pyodide"); everything else xlwings Lite installs must be a pure-Python wheel
PYODIDE_BUILT = {"pydantic-core"}


def _pyodide_requirements() -> dict[str, bool]:
    """name -> pure Python, for every package `thidua_xl` pulls in under Pyodide
    (sys_platform "emscripten"), following the installed packages' own requirements."""
    import tomllib
    from importlib import metadata
    from pathlib import Path

    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    env = {**default_environment(), "sys_platform": "emscripten",
           "platform_system": "Emscripten", "platform_machine": "wasm32", "extra": ""}
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    todo = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    seen: dict[str, bool] = {}
    while todo:
        req = Requirement(todo.pop())
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        dist = metadata.distribution(req.name)
        seen[name] = "Root-Is-Purelib: true" in (dist.read_text("WHEEL") or "")
        todo += dist.requires or []
    return seen


def test_lite_requirements_are_pure_python_or_built_by_pyodide():
    reqs = _pyodide_requirements()
    assert {"openpyxl", "pydantic", "pydantic-core", "defusedxml"} <= set(reqs)
    for absent in ("python-calamine", "xlwings", "rich", "ms-ovba", "pandas"):
        assert absent not in reqs, absent
    compiled = {name for name, pure in reqs.items() if not pure}
    assert compiled <= PYODIDE_BUILT
