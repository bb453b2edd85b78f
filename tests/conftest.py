"""Session fixtures shared by several test folders."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def office_books(tmp_path_factory):
    """The bloc of tests/office_books.py in every layout, as .xlsx and (when LibreOffice is
    installed) as .xls and .ods made by LibreOffice from them — converted once a session:
    ``office_books[name][ext]`` → path; ext "xls"/"ods" missing without LibreOffice."""
    from . import office_books as ob
    from .layouts import builders as lb

    folder = tmp_path_factory.mktemp("office-books")
    books = {"matrix": ob.write_canonical(folder / "matrix.xlsx")}
    books.update(lb.write_all(folder))
    out = {name: {"xlsx": p} for name, p in books.items()}
    if ob.soffice() is not None:
        for fmt in ("xls", "ods"):
            converted = ob.convert_all(list(books.values()), fmt, folder / fmt)
            for name, p in books.items():
                out[name][fmt] = converted[p]
    return out
