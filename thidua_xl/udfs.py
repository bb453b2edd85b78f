"""The worksheet functions under their Excel names, importable as plain Python.

``from thidua_xl.udfs import TD_TONGDIEM`` — the same objects as
:mod:`thidua_xl.excel.udfs` (where they are defined and documented). This is also the
module the add-in's xlwings config names in ``UDF Modules``.
"""
from __future__ import annotations

from .excel.udfs import (  # noqa: F401
    ERROR_PREFIX,
    TD_DINHLUONG,
    TD_KETQUA,
    TD_KHENTHUONG,
    TD_KIEMTRA,
    TD_TONGDIEM,
    TD_XEPHANG,
    TD_XEPLOAI,
    UDF_NAMES,
)

__all__ = ["TD_TONGDIEM", "TD_DINHLUONG", "TD_XEPHANG", "TD_XEPLOAI", "TD_KIEMTRA",
           "TD_KHENTHUONG", "TD_KETQUA", "ERROR_PREFIX", "UDF_NAMES"]
