"""xlwings Lite (and xlwings Server) entry points: the ribbon buttons as scripts and the
worksheet functions as custom functions.

In xlwings Lite, put this in ``main.py`` (and ``thidua_xl`` in ``requirements.txt``, beside
the ``xlwings`` line Lite already has: under Pyodide thidua_xl requires only pure-Python
packages and pydantic-core, see pyproject.toml; no python-calamine, rich or ms-ovba)::

    from thidua_xl.excel.lite import *  # noqa: F401,F403

Scripts receive the workbook (``book: xw.Book``) from the runtime; the analysis scripts
are ``async`` so that percent number formats can be fetched
(``await range.get_number_format()``), which the remote engine cannot read synchronously.
Custom functions wrap :mod:`thidua_xl.excel.udfs` one to one (same numbers, same
``#GIÁ TRỊ! …`` texts on bad input).

Importing this module never fails: on an xlwings without ``script``/``func`` (older
releases, or classic xlwings on Linux) the decorators are no-ops and the functions remain
plain Python.

No ``from __future__ import annotations`` here: the runtimes read the ``xw.Book``
annotation at decoration time.
"""
import xlwings as xw

from . import handlers as _h
from . import udfs as _u


def _noop_decorator(f=None, *args, **kwargs):
    if callable(f):
        return f
    return lambda g: g


try:
    from xlwings import func, script
except ImportError:  # pragma: no cover - xlwings without Lite decorators
    func = script = _noop_decorator
try:
    from xlwings import arg
except ImportError:  # pragma: no cover
    def arg(*args, **kwargs):
        return lambda g: g

__all__ = [
    "kiem_tra", "tinh_diem", "de_nghi_khen_thuong", "gop_phieu_tu_cham", "tao_so_mau",
    "xuat_pdf", "huong_dan",
    "TD_TONGDIEM", "TD_DINHLUONG", "TD_XEPHANG", "TD_XEPLOAI", "TD_KIEMTRA", "TD_KHENTHUONG",
    "TD_KETQUA",
]


async def _grid(book):
    """The input sheets with percent formats; None (read synchronously later) on failure."""
    try:
        from .read_xlwings import read_book_async

        return await read_book_async(book, sheets=_h.input_sheet_names(book),
                                     source=_h.book_file(book))
    except Exception:  # noqa: BLE001 - the handler reads the book itself then
        return None


# --------------------------------------------------------------------------------------
# scripts (the ribbon buttons)
# --------------------------------------------------------------------------------------
@script(name="Kiểm tra sổ")
async def kiem_tra(book: xw.Book):
    """Kiểm tra sổ: mọi lỗi, cảnh báo vào sheet "Kiểm tra"."""
    _h.kiem_tra(book=book, grid=await _grid(book))


@script(name="Tính điểm & xếp hạng")
async def tinh_diem(book: xw.Book):
    """Tính điểm, xếp hạng, xếp loại: sheet "Kết quả"."""
    _h.tinh_diem(book=book, grid=await _grid(book))


@script(name="Đề nghị khen thưởng")
async def de_nghi_khen_thuong(book: xw.Book):
    """Danh sách đề nghị khen thưởng và biên bản họp bình xét."""
    _h.de_nghi_khen_thuong(book=book, grid=await _grid(book))


@script(name="Gộp phiếu tự chấm")
def gop_phieu_tu_cham(book: xw.Book):
    """Không có hộp chọn tệp trong trình duyệt: hướng dẫn dùng lệnh trên máy tính."""
    _h.gop_phieu_tu_cham(book=book)


@script(name="Tạo sổ mẫu")
def tao_so_mau(book: xw.Book):
    """Tạo sổ chấm điểm mẫu (cần ổ đĩa: dùng trên máy tính)."""
    _h.tao_so_mau(book=book)


@script(name="Xuất PDF")
def xuat_pdf(book: xw.Book):
    """Xuất PDF danh sách đề nghị (cần sổ đã lưu trên máy)."""
    _h.xuat_pdf(book=book)


@script(name="Hướng dẫn")
def huong_dan(book: xw.Book):
    """Sheet "Hướng dẫn"."""
    _h.huong_dan(book=book)


# --------------------------------------------------------------------------------------
# custom functions
# --------------------------------------------------------------------------------------
@func
@arg("diem", ndim=1)
@arg("diem_toi_da", ndim=1)
@arg("he_so", ndim=1)
@arg("loai", ndim=1)
def TD_TONGDIEM(diem, diem_toi_da, he_so=None, loai=None):
    """Tổng điểm của một cột điểm."""
    return _u.TD_TONGDIEM(diem, diem_toi_da, he_so, loai)


@func
@arg("tot_nhat", ndim=1)
@arg("chi_tieu_khoi", ndim=1)
def TD_DINHLUONG(thuc_hien, chi_tieu, diem_toi_da, cach_tinh="Tỷ lệ", tot_nhat=None,
                 chi_tieu_khoi=None):
    """Điểm tiêu chí Định lượng ("Tỷ lệ" hoặc "Dẫn đầu")."""
    return _u.TD_DINHLUONG(thuc_hien, chi_tieu, diem_toi_da, cach_tinh, tot_nhat,
                           chi_tieu_khoi)


@func
@arg("cac_tong_diem", ndim=1)
def TD_XEPHANG(tong_diem, cac_tong_diem):
    """Thứ hạng (đồng hạng 1, 2, 2, 4)."""
    return _u.TD_XEPHANG(tong_diem, cac_tong_diem)


@func
def TD_XEPLOAI(tong_diem, diem_toi_da, ky_luat=None, tieu_chi_0=None):
    """Xếp loại theo tỷ lệ điểm, kỷ luật và tiêu chí 0 điểm."""
    return _u.TD_XEPLOAI(tong_diem, diem_toi_da, ky_luat, tieu_chi_0)


@func
@arg("diem", ndim=1)
@arg("diem_toi_da", ndim=1)
@arg("loai", ndim=1)
def TD_KIEMTRA(diem, diem_toi_da, loai=None):
    """"" nếu cột điểm hợp lệ, nếu không thì lỗi đầu tiên."""
    return _u.TD_KIEMTRA(diem, diem_toi_da, loai)


@func
@arg("cac_don_vi", ndim=1)
@arg("cac_tong_diem", ndim=1)
@arg("ky_luat", ndim=1)
@arg("nam_truoc", ndim=1)
def TD_KHENTHUONG(cac_don_vi, cac_tong_diem, diem_toi_da=100, ky_luat=None, nam_truoc=None):
    """Bảng (đơn vị, hình thức đề nghị khen thưởng) theo quy định mặc định."""
    return _u.TD_KHENTHUONG(cac_don_vi, cac_tong_diem, diem_toi_da, ky_luat, nam_truoc)


@func
@arg("bang", ndim=2)
@arg("quy_dinh", ndim=2)
@arg("don_vi", ndim=2)
def TD_KETQUA(bang, quy_dinh=None, don_vi=None):
    """Bảng kết quả xếp hạng từ vùng bảng chấm điểm (cùng cách tính với lệnh score)."""
    return _u.TD_KETQUA(bang, quy_dinh, don_vi)
