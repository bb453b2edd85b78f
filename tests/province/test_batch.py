"""`thidua-xl batch`: every file reported, none stops the batch, exit status, tong-hop.xlsx."""
from __future__ import annotations

import json
import time
from argparse import Namespace
from pathlib import Path

import openpyxl
import pytest
from thidua_xl.cli import batch as cli_batch

from thidua_xl import batch
from tests.builders import crit, write_bloc

from .helpers import slow_worker

CFB = bytes.fromhex("D0CF11E0A1B11AE1")


def good(path: Path, name: str, units: list[str], year: int = 2024) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    a, b = units
    return write_bloc(path, units=units, info={"Tên khối thi đua": name, "Năm thi đua": year},
                      criteria=[crit("I", "Công tác chung"),
                                crit("1", "Tiêu chí 1", 40, scores={a: 39, b: 35}),
                                crit("2", "Tiêu chí 2", 60, scores={a: "58,5", b: 50})])


def broken(path: Path) -> Path:
    return write_bloc(path, units=["Sở X", "Sở Y"],
                      criteria=[crit("1", "Tiêu chí 1", 10, scores={"Sở X": 11, "Sở Y": "abc"})])


@pytest.fixture
def province(tmp_path):
    d = tmp_path / "nop"
    good(d / "khoi-1.xlsx", "Khối 1", ["Sở A", "Sở B"])
    good(d / "cum" / "khoi-2.xlsx", "Khối 2", ["Sở C", "Sở Tư pháp"])
    good(d / "cum" / "sau" / "khoi-3.xlsx", "Khối 3", ["Sở E", "sở tư  pháp"])
    broken(d / "khoi-loi.xlsx")
    (d / "mat-khau.xlsx").write_bytes(CFB + b"\0" * 2048)
    (d / "ghi-chu.xlsx").write_text("không phải sổ tính", encoding="utf-8")
    (d / "cu.xls").write_bytes(CFB + b"\0" * 2048)
    (d / "~$khoi-1.xlsx").write_bytes(b"lock")  # Excel's lock file: not a workbook to report
    (d / "readme.txt").write_text("bỏ qua", encoding="utf-8")
    return d


def test_mixed_folder_every_file_reported(province, tmp_path):
    out = tmp_path / "ket-qua"
    o = batch.run_batch([province], out, jobs=2, progress=False)
    by = {Path(r.file).name: r for r in o.results}
    assert sorted(by) == sorted(["khoi-1.xlsx", "khoi-2.xlsx", "khoi-3.xlsx", "khoi-loi.xlsx",
                                 "mat-khau.xlsx", "ghi-chu.xlsx", "cu.xls"])
    assert [by[f"khoi-{i}.xlsx"].status for i in (1, 2, 3)] == ["ok"] * 3
    assert by["khoi-loi.xlsx"].status == "errors"
    assert {f.code for f in by["khoi-loi.xlsx"].findings} >= {"score-above-max"}
    for f in ("mat-khau.xlsx", "ghi-chu.xlsx", "cu.xls"):
        assert by[f].status == "unreadable" and by[f].findings
    assert o.exit_code == 2
    # results mirror the folder tree; unreadable files have none
    assert (out / "khoi-1_ketqua.xlsx").exists()
    assert (out / "cum" / "sau" / "khoi-3_ketqua.xlsx").exists()
    assert (out / "khoi-loi_ketqua.xlsx").exists()  # only the "Kiểm tra" sheet added
    assert not (out / "ghi-chu_ketqua.xlsx").exists()
    # the summary
    wb = openpyxl.load_workbook(out / "tong-hop.xlsx")
    ws = wb["Tổng hợp khối"]
    rows = {ws.cell(r, 2).value: [c.value for c in ws[r]] for r in range(4, ws.max_row + 1)}
    assert len(rows) == 7
    assert rows["khoi-1.xlsx"][2:5] == ["Khối 1", 2024, 2]
    assert rows["khoi-loi.xlsx"][10] == "Có lỗi" and rows["cu.xls"][10] == "Không đọc được"
    props = wb["Đề nghị"]
    assert {props.cell(r, 2).value for r in range(4, props.max_row + 1)} >= {"Khối 1", "Khối 2"}
    cross = wb["Kiểm tra chéo"]
    found = [cross.cell(r, 3).value for r in range(4, cross.max_row + 1)]
    assert "unit-in-two-blocs" in found  # Sở Tư pháp in Khối 2 and Khối 3
    assert {f.code for f in o.cross} >= {"unit-in-two-blocs"}


def test_exit_status_clean_and_errors(tmp_path):
    d = tmp_path / "a"
    good(d / "k1.xlsx", "Khối 1", ["Sở A", "Sở B"])
    good(d / "k2.xlsx", "Khối 2", ["Sở C", "Sở D"])
    assert batch.run_batch([d], tmp_path / "o1", jobs=1, progress=False).exit_code == 0
    broken(d / "k3.xlsx")
    assert batch.run_batch([d], tmp_path / "o2", jobs=2, progress=False).exit_code == 1


def test_cli_json_is_the_only_stdout(province, tmp_path, capsys):
    args = Namespace(inputs=[str(province)], output=str(tmp_path / "o"), jobs=2, json=True,
                     timeout=120.0)
    code = cli_batch.run(args)
    out = capsys.readouterr().out
    docs = json.loads(out)
    assert code == 2 and isinstance(docs, list) and len(docs) == 7
    assert {d["file"] for d in docs} == {str(p) for p in batch_files(province)}
    assert all(set(d) >= {"file", "bloc", "year", "units", "findings"} for d in docs)
    ok = next(d for d in docs if d["file"].endswith("khoi-1.xlsx"))
    assert ok["units"][0]["sections"] and ok["units"][0]["rank"] == 1  # the full JSON


def batch_files(d: Path):
    return [j.src for j in batch.discover([d])]


def test_explicit_files_and_missing_file(tmp_path):
    k = good(tmp_path / "k.xlsx", "Khối", ["Sở A", "Sở B"])
    txt = tmp_path / "ghi-chu.txt"
    txt.write_text("x", encoding="utf-8")
    o = batch.run_batch([k, txt, tmp_path / "khong-co.xlsx"], tmp_path / "o", jobs=2,
                        progress=False)
    assert [r.status for r in o.results] == ["ok", "unreadable", "unreadable"]
    assert o.results[2].findings[0].code == "file-not-found"
    assert o.exit_code == 2


def test_outdir_inside_input_is_not_rescanned(tmp_path):
    d = tmp_path / "in"
    good(d / "k.xlsx", "Khối", ["Sở A", "Sở B"])
    batch.run_batch([d], d / "ket-qua", jobs=1, progress=False)
    o = batch.run_batch([d], d / "ket-qua", jobs=1, progress=False)
    assert [Path(r.file).name for r in o.results] == ["k.xlsx"]


def test_slow_file_times_out_and_the_batch_goes_on(tmp_path):
    d = tmp_path / "in"
    good(d / "a.xlsx", "Khối A", ["Sở A", "Sở B"])
    good(d / "slow.xlsx", "Khối S", ["Sở S", "Sở T"])
    good(d / "z.xlsx", "Khối Z", ["Sở Y", "Sở Z"])
    t0 = time.monotonic()
    o = batch.run_batch([d], tmp_path / "o", jobs=1, timeout=10, progress=False,
                        worker=slow_worker)
    assert time.monotonic() - t0 < 50
    by = {Path(r.file).name: r for r in o.results}
    assert by["slow.xlsx"].findings[0].code == "timeout"
    assert by["a.xlsx"].status == "ok" and by["z.xlsx"].status == "ok"  # after the slow one
    assert o.exit_code == 1
    assert (tmp_path / "o" / "z_ketqua.xlsx").exists()


def test_no_workbook_found_is_usage_error(tmp_path):
    from thidua_xl.errors import UsageError

    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError):
        batch.run_batch([tmp_path / "empty"], tmp_path / "o", progress=False)
