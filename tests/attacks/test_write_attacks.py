"""Outputs under attack (issue #16, items 2, 3, 5 and 7): an output never replaces an input
nor a device, hostile text never breaks a batch nor the XML of an output, a bad argument
gets a Vietnamese message. Every command runs as a fresh process under the 4 GB cap."""
from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from . import gen
from ._run import run_cli

CTRL = b"_x0007__x001B_[31m"  # BEL and ESC as Excel writes them in XML


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def well_formed(path: Path) -> None:
    """Every XML part of the package ``path`` parses."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(name))


def hostile_names(dst: Path) -> Path:
    """Control characters and an ESC sequence in the bloc, a unit and a form name."""
    unit = "Sở Công thương".encode()
    return gen.patch(dst, {
        gen.INFO: lambda d: d.replace(b"Thanh H", b"Thanh H" + CTRL, 1).replace(
            "Khối thi đua".encode(), "Khối".encode() + CTRL + " thi đua".encode(), 1),
        gen.UNITS: lambda d: d.replace(unit, "Sở Công".encode() + CTRL + " thương".encode()),
        gen.SCORES: lambda d: d.replace(unit, "Sở Công".encode() + CTRL + " thương".encode()),
        "xl/worksheets/sheet4.xml": lambda d: d.replace(
            "Cờ thi đua".encode(), "Cờ".encode() + CTRL + " thi đua".encode()),
    })


def test_batch_never_replaces_an_input(tmp_path):
    # inputs called tong-hop.xlsx and X_ketqua.xlsx were replaced by the summary and by
    # X's result: data lost, exit 0
    d = tmp_path / "in"
    d.mkdir()
    ex = gen.EXAMPLE.read_bytes()
    for name in ("tong-hop.xlsx", "X.xlsx", "X_ketqua.xlsx"):
        (d / name).write_bytes(ex)
    before = {p.name: sha(p) for p in d.iterdir()}
    files = [d / n for n in before]
    r = run_cli("batch", *files, "-o", d, "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code in (0, 1), r.err[-1500:]
    assert {p.name: sha(p) for p in d.iterdir() if p.name in before} == before
    docs = r.json()
    assert len(docs) == 3 and all(doc["findings"] is not None for doc in docs)
    assert (d / "tong-hop_2.xlsx").exists()  # the summary took another name
    assert (d / "X_2_ketqua.xlsx").exists()  # X's result, beside the input X_ketqua.xlsx
    assert (d / "X_ketqua_ketqua.xlsx").exists()


def test_hostile_names_neither_stop_a_batch_nor_reach_the_terminal(tmp_path):
    # one _x0007_ in a bloc/unit/form name stopped the whole batch: no tong-hop.xlsx,
    # "Lỗi không mong đợi", a traceback, empty --json; ESC sequences reached the terminal
    d = tmp_path / "in"
    d.mkdir()
    hostile_names(d / "a.xlsx")
    (d / "b.xlsx").write_bytes(gen.EXAMPLE.read_bytes())
    out = tmp_path / "out"
    r = run_cli("batch", d, "-o", out, "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code in (0, 1), r.err[-1500:]
    docs = r.json()
    assert len(docs) == 2 and docs[0]["units"], docs[0]["findings"]
    text = run_cli("batch", d, "-o", tmp_path / "out2", cwd=tmp_path)
    assert text.clean_exit() and "\x1b" not in text.out and "\x07" not in text.out
    for p in [out / "tong-hop.xlsx", out / "a_ketqua.xlsx"]:
        well_formed(p)


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
def test_a_file_name_that_is_not_utf8_is_reported_not_fatal(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    name = os.fsdecode(b"kh\xf4i\x1b[2J.xlsx")
    (d / name).write_bytes(gen.EXAMPLE.read_bytes())
    r = run_cli("batch", d, "-o", tmp_path / "out", "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code in (0, 1), r.err[-1500:]
    assert "\ufffd" in r.json()[0]["file"] and (tmp_path / "out" / "tong-hop.xlsx").exists()


def test_score_never_writes_the_pdf_over_its_input(tmp_path):
    # "score book.pdf -o book.xlsx --pdf" (an xlsx named .pdf) overwrote the input
    book = tmp_path / "book.pdf"
    book.write_bytes(gen.EXAMPLE.read_bytes())
    before = sha(book)
    r = run_cli("score", book, "-o", tmp_path / "book.xlsx", "--pdf", cwd=tmp_path)
    assert r.clean_exit(), r.err[-1500:]
    assert sha(book) == before and (tmp_path / "book.xlsx").exists()


def test_outputs_are_only_regular_files(tmp_path):
    fifo = tmp_path / "out.xlsx"
    os.mkfifo(fifo)
    r = run_cli("score", gen.EXAMPLE, "-o", fifo, "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code == 2, (r.code, r.err[-800:])
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the FIFO, not replaced


@pytest.fixture
def merge_inputs(tmp_path):
    from thidua_xl.template import write_template
    from tests.province.helpers import template_rows, write_self_score

    bloc = write_template(tmp_path / "khoi.xlsx", ["Sở Tư pháp", "Sở Nội vụ"])
    rows = template_rows(bloc)
    units = [write_self_score(tmp_path / f"u{i}.xlsx", u, rows)
             for i, u in enumerate(["Sở Tư pháp", "Sở Nội vụ"])]
    return bloc, units, rows


def test_merge_writes_well_formed_xml_from_hostile_self_scores(tmp_path, merge_inputs):
    # a control character in a self-score cell made merge write XML that was not
    # well-formed (LibreOffice then kept 7 of 27 rows)
    from tests.province.helpers import write_self_score

    bloc, units, rows = merge_inputs
    marked = [(c, t, m, "ZZ" if v is not None else v) for c, t, m, v in rows]
    raw = write_self_score(tmp_path / "raw.xlsx", "Sở Nội vụ", marked)
    hostile = gen.patch(tmp_path / "u1.xlsx", {"xl/worksheets/sheet1.xml": lambda d: d.replace(
        b">ZZ<", b">9" + CTRL + b"<")}, src=raw)
    r = run_cli("merge", bloc, units[0], hostile, "-o", tmp_path / "gop.xlsx", "--json",
                cwd=tmp_path)
    assert r.clean_exit(), r.err[-1500:]
    well_formed(tmp_path / "gop.xlsx")


def test_merge_never_replaces_a_units_form_nor_a_device(tmp_path, merge_inputs):
    bloc, units, _ = merge_inputs
    before = sha(units[0])
    r = run_cli("merge", bloc, *units, "-o", units[0], "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code == 2 and sha(units[0]) == before
    assert r.codes() == ["output-is-input"]
    fifo = tmp_path / "gop.xlsx"
    os.mkfifo(fifo)
    r = run_cli("merge", bloc, *units, "-o", fifo, "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code == 2 and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_merge_copies_an_image_with_a_bad_crc_as_score_does(tmp_path, merge_inputs):
    # merge failed with BadZipFile on a bad image CRC that check/score ignore
    bloc, units, _ = merge_inputs
    crc = gen.bad_image_crc(tmp_path / "khoi_crc.xlsx", src=bloc)
    r = run_cli("merge", crc, *units, "-o", tmp_path / "gop.xlsx", "--json", cwd=tmp_path)
    assert r.clean_exit() and r.code == 0, (r.out[-800:], r.err[-800:])
    assert "BadZipFile" not in r.out + r.err


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "0"])
def test_a_time_limit_must_be_finite_and_positive(tmp_path, value):
    # --timeout nan disabled the time limit
    r = run_cli("batch", gen.EXAMPLE, "-o", tmp_path / "o", "--timeout", value, cwd=tmp_path)
    assert r.clean_exit() and r.code == 2 and "--timeout" in r.err
    assert not (tmp_path / "o").exists()


def test_a_unit_list_comes_from_a_regular_file(tmp_path):
    # --units /dev/zero became a unit
    r = run_cli("template", "-o", tmp_path / "t.xlsx", "--units", "/dev/zero", "--json",
                cwd=tmp_path)
    assert r.clean_exit() and r.code == 2 and r.json()["code"] == "bad-units-file"
    assert not (tmp_path / "t.xlsx").exists()


def test_demo_into_a_file_says_it_needs_a_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    r = run_cli("demo", "-o", tmp_path / "f", cwd=tmp_path)
    assert r.clean_exit() and r.code == 2
    assert "không phải thư mục" in r.err and "Lỗi không mong đợi" not in r.err


def test_a_full_temporary_folder_is_named_as_such(tmp_path, monkeypatch):
    """The openpyxl donor workbook is written in TMPDIR: when that is full the message says
    so (not that the output's folder is full or missing). The SpreadsheetML donor is
    rendered in memory: scoring needs no TMPDIR at all."""
    import errno
    import tempfile

    from thidua_xl import api
    from thidua_xl.errors import OutputError
    from thidua_xl.io import writer

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing" / "tmp"))
    assert api.score_file(gen.EXAMPLE, tmp_path / "ok.xlsx").out.is_file()
    monkeypatch.undo()
    monkeypatch.setenv("THIDUA_XL_RENDERER", "openpyxl")
    monkeypatch.setattr(writer, "_donor", full)
    with pytest.raises(OutputError) as ei:
        api.score_file(gen.EXAMPLE, tmp_path / "o.xlsx")
    assert ei.value.code == "temp-folder-unusable" and "Thư mục tạm" in ei.value.message
    assert "TMPDIR" in ei.value.fix and not (tmp_path / "o.xlsx").exists()
    monkeypatch.undo()
    monkeypatch.setenv("THIDUA_XL_RENDERER", "openpyxl")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing" / "tmp"))
    with pytest.raises(OutputError) as ei:
        api.score_file(gen.EXAMPLE, tmp_path / "o.xlsx")
    assert ei.value.code == "temp-folder-unusable"


def test_long_generated_cells_are_cut_with_a_note(tmp_path):
    """A 3,000-unit tie note is longer than Excel's 32,767 characters per cell."""
    import dataclasses

    from thidua_xl.api import check_path
    from thidua_xl.core.models import TieGroup
    from thidua_xl.io.outputs import build_plan

    bloc, result = check_path(gen.EXAMPLE)
    names = [f"Đơn vị thành viên số {i}" for i in range(3000)]
    tie = TieGroup(form="Cờ thi đua", units=names, seats=1)
    result = dataclasses.replace(result, tie_groups=[tie])
    plan = build_plan(result, bloc=bloc)
    texts = [c.value for s in plan.sheets for c in s.all_cells() if isinstance(c.value, str)]
    assert max(map(len, texts)) <= 32_767
    assert any(t.endswith("32.767 ký tự)") for t in texts)


def test_long_text_in_a_workbook_is_cut_and_noted(tmp_path):
    r = run_cli("check", gen.long_text(tmp_path / "long.xlsx"), "--json", cwd=tmp_path)
    assert r.clean_exit() and "text-truncated" in r.codes()
    f = next(f for f in r.json()["findings"] if f["code"] == "text-truncated")
    assert (f["sheet"], f["cell"]) == ("Thông tin", "B5")


def test_no_control_character_reaches_the_json(tmp_path):
    r = run_cli("check", hostile_names(tmp_path / "h.xlsx"), "--json", cwd=tmp_path)
    assert r.clean_exit()

    def strings(x):
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            for v in x.values():
                yield from strings(v)
        elif isinstance(x, list):
            for v in x:
                yield from strings(v)
    found = [s for s in strings(json.loads(r.out)) if any(ord(ch) < 32 and ch not in "\t\n"
                                                          or 0x7F <= ord(ch) <= 0x9F
                                                          for ch in s)]
    assert not found and "Khối[31m thi đua" in r.out
