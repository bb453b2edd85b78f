"""Atomic outputs: an interrupted or failed write leaves the previous file intact."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from thidua_xl.errors import OutputError
from thidua_xl.io.atomic import atomic_write, atomic_write_bytes

from ._build import DONOR_SHEETS, USER_SHEETS, make_base, make_donor, sha

REPO = Path(__file__).resolve().parents[2]
REPLACE = ("Kết quả", "Kiểm tra")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _loadable(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path, read_only=True)
        try:
            for ws in wb.worksheets:  # every sheet parses to the end
                for _ in ws.iter_rows(values_only=True):
                    pass
            return wb.sheetnames
        finally:
            wb.close()


def _strays(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".tmp" in p.name]


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    with atomic_write(target) as tmp:
        assert tmp.parent == tmp_path and tmp.exists() and tmp != target
        assert tmp.suffix == target.suffix
        tmp.write_bytes(b"new")
        assert target.read_bytes() == b"old"  # nothing visible before the end
    assert target.read_bytes() == b"new"
    assert _strays(tmp_path) == []
    atomic_write_bytes(tmp_path / "b.bin", b"xyz")
    assert (tmp_path / "b.bin").read_bytes() == b"xyz"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_file_gets_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "p.bin", b"1")
    finally:
        os.umask(old)
    assert (tmp_path / "p.bin").stat().st_mode & 0o777 == 0o644


def test_failure_in_body_keeps_previous_file(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"previous"
    assert _strays(tmp_path) == []


def test_missing_folder_gives_vietnamese_output_error(tmp_path):
    target = tmp_path / "khong-co" / "ketqua.xlsx"
    with pytest.raises(OutputError) as exc:
        atomic_write_bytes(target, b"x")
    assert "không tồn tại" in exc.value.message
    assert str(target.parent) in exc.value.message
    assert exc.value.code == "output-error" and exc.value.fix


def test_path_under_a_file_gives_output_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    target = blocker / "ketqua.xlsx"
    with pytest.raises(OutputError) as exc:
        atomic_write_bytes(target, b"x")
    assert "không phải là thư mục" in exc.value.message
    assert "ketqua.xlsx" in exc.value.message


def test_directory_as_target_gives_output_error(tmp_path):
    with pytest.raises(OutputError) as exc:
        atomic_write_bytes(tmp_path, b"x")
    assert "thư mục" in exc.value.message


def test_read_only_folder_gives_vietnamese_output_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: chmod does not make a folder read-only")
        target = folder / "ketqua.xlsx"
        with pytest.raises(OutputError) as exc:
            atomic_write_bytes(target, b"x")
        assert "Không có quyền" in exc.value.message and str(folder) in exc.value.message
    finally:
        folder.chmod(0o755)


def test_locked_target_gives_output_error_and_keeps_it(tmp_path, monkeypatch):
    # Excel holding the file open on Windows: the final rename fails with PermissionError
    target = tmp_path / "ketqua.xlsx"
    target.write_bytes(b"previous")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(dst))
    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as exc:
        atomic_write_bytes(target, b"new")
    assert "đang được mở" in exc.value.message and str(target) in exc.value.message
    monkeypatch.undo()
    assert target.read_bytes() == b"previous"
    assert _strays(tmp_path) == []


SLOW_WRITER = textwrap.dedent("""
    import sys, time
    from thidua_xl.io.atomic import atomic_write
    with atomic_write(sys.argv[1]) as tmp:
        with open(tmp, "wb") as fh:
            for i in range(100000):
                fh.write(b"x" * 65536)
                fh.flush()
                if i == 3:
                    print("writing", flush=True)
                time.sleep(0.005)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_writer_leaves_previous_output(tmp_path):
    base = make_base(tmp_path / "b.xlsx")
    target = tmp_path / "ketqua.xlsx"
    from thidua_xl.io.package import graft_sheets
    with atomic_write(target) as tmp:
        graft_sheets(base, make_donor(tmp_path / "d.xlsx"), tmp, replace=REPLACE)
    before = sha(target)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)],
                            stdout=subprocess.PIPE, env=_env(), cwd=tmp_path)
    try:
        assert proc.stdout.readline().strip() == b"writing"
        time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert sha(target) == before
    assert _loadable(target) == USER_SHEETS + DONOR_SHEETS


GRAFT_LOOP = textwrap.dedent("""
    import sys
    from thidua_xl.io.atomic import atomic_write
    from thidua_xl.io.package import graft_sheets
    base, donor, target, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    print("start", flush=True)
    for _ in range(n):
        with atomic_write(target) as tmp:
            graft_sheets(base, donor, tmp, replace=("Kết quả", "Kiểm tra"), select="Kết quả")
""")


def _big_base(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Chấm điểm"
    for r in range(1, 1000):
        ws.append([f"Tiêu chí {r}"] + [r * 0.25 + c for c in range(40)])
    for name in ("Đơn vị", "Ghi chú"):
        wb.create_sheet(name)["A1"] = name
    wb.save(path)
    return path


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_at_random_moments_never_breaks_the_output(tmp_path):
    base = _big_base(tmp_path / "big.xlsx")
    donor = make_donor(tmp_path / "d.xlsx")
    target = tmp_path / "ketqua.xlsx"
    from thidua_xl.io.package import graft_sheets
    with atomic_write(target) as tmp:
        graft_sheets(base, donor, tmp, replace=REPLACE)
    rng = random.Random(20240601)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", GRAFT_LOOP, str(base), str(donor),
                                 str(target), "50"], stdout=subprocess.PIPE, env=_env())
        try:
            assert proc.stdout.readline().strip() == b"start"
            time.sleep(rng.uniform(0.0, 0.4))
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(timeout=60)
            proc.stdout.close()
        assert _loadable(target) == ["Chấm điểm", "Đơn vị", "Ghi chú"] + DONOR_SHEETS
    # the kills did land in the middle of writes: their half-written temp files remain
    assert _strays(tmp_path)


def test_concurrent_writers_give_one_complete_file(tmp_path):
    base = _big_base(tmp_path / "big.xlsx")
    d1 = make_donor(tmp_path / "d1.xlsx", title="NGƯỜI GHI 1")
    d2 = make_donor(tmp_path / "d2.xlsx", title="NGƯỜI GHI 2")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "ketqua.xlsx"
    procs = [subprocess.Popen([sys.executable, "-c", GRAFT_LOOP, str(base), str(d),
                               str(target), "8"], stdout=subprocess.DEVNULL, env=_env())
             for d in (d1, d2)]
    for p in procs:
        assert p.wait(timeout=300) == 0
    assert _loadable(target) == ["Chấm điểm", "Đơn vị", "Ghi chú"] + DONOR_SHEETS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        title = load_workbook(target)["Kết quả"]["A1"].value
    assert title in ("NGƯỜI GHI 1", "NGƯỜI GHI 2")
    assert [p.name for p in out_dir.iterdir()] == ["ketqua.xlsx"]


@pytest.mark.skipif(os.name != "posix", reason="dead-process check is POSIX")
def test_temp_files_of_killed_writers_are_cleaned_up(tmp_path):
    target = tmp_path / "ketqua.xlsx"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".ketqua.{dead.pid}.0badc0de.tmp.xlsx"
    stale.write_bytes(b"partial")
    os.utime(stale, (time.time() - 60, time.time() - 60))
    young_live = tmp_path / f".ketqua.{os.getpid()}.12345678.tmp.xlsx"
    young_live.write_bytes(b"someone else writing")
    other = tmp_path / ".other.123.12345678.tmp.xlsx"
    other.write_bytes(b"not ours")
    atomic_write_bytes(target, b"new")
    assert not stale.exists()
    assert young_live.exists() and other.exists()
    assert target.read_bytes() == b"new"
