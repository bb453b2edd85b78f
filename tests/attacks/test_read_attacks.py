"""Hostile workbooks against the readers (issue #16, item 1 and 6): each file is made in the
test, read by a fresh ``thidua-xl`` process under a 4 GB address-space cap, and must give
one Vietnamese finding and exit 2 — never an abort, a Rust backtrace or a traceback — with
memory bounded (the peak RSS of that process is measured with wait4)."""
from __future__ import annotations

import hashlib

import pytest

from . import gen
from ._run import long_attacks, run_cli

#: what a refused file may cost at most (the sweep's worst cases were 3–6.6 GB)
RSS_LIMIT_MB = 1024


def _refused(tmp_path, path, code):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    r = run_cli("check", path, "--json", cwd=tmp_path)
    assert r.clean_exit(), r.err[-2000:]
    assert r.code == 2, (r.code, r.out[:500], r.err[-500:])
    assert r.codes() == [code], r.out[:800]
    msg = r.json()["findings"][0]["message"]
    assert msg.startswith(f"Không đọc được tệp \"{path.name}\"")
    assert r.rss_mb < RSS_LIMIT_MB, r.rss_mb
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return msg


@pytest.mark.parametrize("ref", ["XFE100000", "A9999999", "N5000000", "AAAA1", "xfe7"])
def test_a_cell_beyond_excels_grid_is_refused_not_an_abort(tmp_path, ref):
    # XFE100000 made calamine ask for 52 GB and abort (exit 134); N5000000 cost 3.1 GB
    msg = _refused(tmp_path, gen.far_cell(tmp_path / "far.xlsx", ref), "cell-out-of-grid")
    assert "sheet \"Thông tin\"" in msg and "XFD" in msg


def test_a_row_or_dimension_beyond_the_grid_is_refused(tmp_path):
    row = gen.patch(tmp_path / "row.xlsx", {gen.INFO: lambda d: d.replace(
        b"</sheetData>", b'<row r="1048577"/></sheetData>')})
    assert "dòng 1048577" in _refused(tmp_path, row, "cell-out-of-grid")
    dim = gen.patch(tmp_path / "dim.xlsx", {gen.INFO: lambda d: d.replace(
        b'<dimension ref="A1:B7" />', b'<dimension ref="A1:XFE1048576" />')})
    _refused(tmp_path, dim, "cell-out-of-grid")


def test_the_last_cell_of_the_grid_is_still_read(tmp_path):
    r = run_cli("check", gen.far_cell(tmp_path / "last.xlsx", "XFD1048576"), "--json",
                cwd=tmp_path)
    assert r.clean_exit() and r.code in (0, 1), r.err[-1000:]
    assert "cell-out-of-grid" not in r.codes()


def test_dense_cells_are_refused_by_the_cell_budget(tmp_path):
    # 1.6 million cells in 4 MB (the sweep's 427 KB dense file took 42 s and 3 GB)
    msg = _refused(tmp_path, gen.dense_cells(tmp_path / "dense.xlsx"), "too-many-cells")
    assert "sheet \"Thông tin\"" in msg


def test_inflated_shared_strings_are_refused_before_inflating(tmp_path):
    # 100 MB of shared strings in 0.5 MB: over the 96 MB budget of that part
    p = gen.inflated_shared_strings(tmp_path / "sst.xlsx", 100 * 1024**2, level=1)
    assert "xl/sharedStrings.xml" in _refused(tmp_path, p, "workbook-too-large")


@pytest.mark.skipif(not long_attacks(), reason="long attack: set THIDUA_ATTACKS_LONG=1")
def test_long_the_sweeps_1_9_gb_shared_strings(tmp_path):
    # 1.9 GB in 1.9 MB: 6.6 GB RSS (or an abort under the cap), then "no errors"
    _refused(tmp_path, gen.inflated_shared_strings(tmp_path / "sst.xlsx"), "workbook-too-large")


@pytest.mark.skipif(not long_attacks(), reason="long attack: set THIDUA_ATTACKS_LONG=1")
def test_long_four_million_dense_cells(tmp_path):
    _refused(tmp_path, gen.dense_cells(tmp_path / "dense.xlsx", rows=4000), "too-many-cells")


@pytest.mark.parametrize("part", ["docProps/app.xml", "docProps/core.xml",
                                  "xl/theme/theme1.xml", "[Content_Types].xml",
                                  "xl/styles.xml", "xl/worksheets/sheet3.xml"])
def test_a_dtd_after_a_long_comment_is_refused_in_every_part(tmp_path, part):
    # a DTD after a 3 KB comment passed the 2 KB look (and was copied into the output);
    # in [Content_Types].xml it made score fail in English
    p = gen.dtd_after_comment(tmp_path / "dtd.xlsx", part)
    msg = _refused(tmp_path, p, "unsafe-xml")
    assert part in msg
    r = run_cli("score", p, "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code == 2 and r.codes() == ["unsafe-xml"]
    assert not (tmp_path / "dtd_ketqua.xlsx").exists()  # nothing copied anywhere


def test_a_dtd_deep_inside_a_big_part_is_found(tmp_path):
    p = gen.dtd_after_comment(tmp_path / "deep.xlsx", "docProps/app.xml", pad=3_000_000)
    _refused(tmp_path, p, "unsafe-xml")


def test_an_image_with_a_bad_crc_does_not_make_the_file_unreadable(tmp_path):
    # check/score never read images; the budget pass must not start to (merge: see
    # test_write_attacks)
    r = run_cli("check", gen.bad_image_crc(tmp_path / "crc.xlsx"), "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code == 0, r.out[:600]
