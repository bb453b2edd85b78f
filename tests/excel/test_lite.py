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
