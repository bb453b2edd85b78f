"""The command line contract (shared/spec/interfaces.md): exit codes, --json, outputs."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.builders import crit, to_xlsm, write_bloc

UNITS = ["Sở A", "Sở B", "Sở C", "Sở D"]


def run(*args, cwd=None):
    proc = subprocess.run([sys.executable, "-m", "thidua_xl", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    return proc


def good(tmp_path, name="khoi.xlsx", **kw):
    crits = [crit("I", "Công tác chung"),
             crit("1", "Tiêu chí 1", 50, scores={"Sở A": 50, "Sở B": 48, "Sở C": 45, "Sở D": 40}),
             crit("II", "Chuyên môn"),
             crit("1", "Tiêu chí 2", 50, scores={"Sở A": 49, "Sở B": 49, "Sở C": 44, "Sở D": 30}),
             crit("III", "Điểm thưởng", type="Điểm thưởng"),
             crit("1", "Thưởng", 5, scores={"Sở B": 1})]
    units = [{"name": "Sở A", "last_year": "HTXS"}, {"name": "Sở B", "last_year": "HTXS"},
             {"name": "Sở C", "last_year": "HTT"}, {"name": "Sở D", "last_year": "HT"}]
    info = {"Tên khối thi đua": "Khối thử nghiệm", "Năm thi đua": 2024, "Tỉnh": "Thanh Hóa",
            "Khối trưởng": "Sở A", "Khối phó": "Sở C"}
    return write_bloc(tmp_path / name, units=units, criteria=crits, info=info, **kw)


def bad(tmp_path, name="loi.xlsx"):
    crits = [crit("I", "Chung"), crit("1", "a", 10, scores={"Sở A": 12, "Sở B": "abc",
                                                           "Sở C": 5, "Sở D": 5})]
    return write_bloc(tmp_path / name, units=UNITS, criteria=crits)


def test_help_is_vietnamese_and_fast_path_imports_nothing_heavy():
    proc = run("--help")
    assert proc.returncode == 0
    assert "Cách dùng" in proc.stdout and "score" in proc.stdout
    code = ("import sys, thidua_xl.cli as c\n"
            "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pandas', 'openpyxl', 'python_calamine', 'xlwings') "
            "if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "HEAVY []" in out


@pytest.mark.parametrize("command", ["check", "score"])
def test_command_path_keeps_heavy_imports_out(tmp_path, command):
    """Import time is most of a one-workbook run (benchmarks/bench_score.py): without a
    "Quy định" sheet neither pydantic nor openpyxl nor pandas is loaded, nor with a plainly
    valid one (io.parse_rules.plainly_valid); one the schema must judge is checked by
    pydantic's validation engine (pydantic_core)."""
    plain = good(tmp_path)
    ruled = good(tmp_path, "quy-dinh.xlsx", rules={"Ngưỡng Hoàn thành xuất sắc (%)": 95})
    # thresholds that do not fall (HTXS 80 < HTT 85): the schema names the problem
    misruled = good(tmp_path, "quy-dinh-sai.xlsx", rules={"Ngưỡng Hoàn thành xuất sắc (%)": 80})
    code = ("import sys, thidua_xl.cli as c\n"
            "rc = c.main(sys.argv[1:])\n"
            "heavy = [m for m in ('pandas', 'openpyxl', 'pydantic', 'pydantic_core', 'xlwings', "
            "'rich.progress') "
            "if m in sys.modules]\nprint('HEAVY', heavy, rc)")
    for path, expected in ((plain, "HEAVY [] 0"), (ruled, "HEAVY [] 0"),
                           (misruled, "'pydantic_core'] 1")):
        args = [command, str(path)] + (["-o", str(tmp_path / f"out-{path.name}")]
                                       if command == "score" else [])
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True)
        assert expected in proc.stdout, (proc.stdout[-800:], proc.stderr[-800:])


def test_bad_usage_exits_2_in_vietnamese():
    proc = run("score")
    assert proc.returncode == 2
    assert "thiếu tham số bắt buộc" in proc.stderr


def test_check_clean_file_exits_0_and_json_shape(tmp_path):
    p = good(tmp_path)
    proc = run("check", p, "--json")
    assert proc.returncode == 0, proc.stdout
    doc = json.loads(proc.stdout)
    assert set(doc) >= {"file", "bloc", "year", "max_total", "units", "next_head", "next_deputy",
                        "findings"}
    assert doc["file"] == str(p) and doc["bloc"] == "Khối thử nghiệm" and doc["year"] == 2024
    assert doc["max_total"] == 100.0
    names = [u["name"] for u in doc["units"]]
    assert names == ["Sở A", "Sở B", "Sở C", "Sở D"]  # rank order: 99, 98, 89, 70
    a = doc["units"][0]
    assert set(a) >= {"name", "total", "percent", "rank", "tie", "classification", "award", "notes",
                      "sections", "bonus", "penalty"}
    assert a["total"] == 99.0 and a["rank"] == 1 and a["tie"] is False
    assert a["classification"] == "Hoàn thành xuất sắc nhiệm vụ"
    assert a["sections"] == {"I": 50.0, "II": 49.0}
    assert doc["units"][1]["bonus"] == 1.0
    # next head: the best-ranked unit that is not this year's head (Sở A)
    assert doc["next_head"] == "Sở B"
    assert doc["next_deputy"] == "Sở C"


def test_check_several_files_lists_and_worst_exit(tmp_path):
    p, q = good(tmp_path), bad(tmp_path)
    proc = run("check", p, q, "--json")
    assert proc.returncode == 1
    docs = json.loads(proc.stdout)
    assert isinstance(docs, list) and len(docs) == 2
    assert docs[1]["findings"] and all(u["rank"] is None for u in docs[1]["units"])
    f = docs[1]["findings"][0]
    assert set(f) >= {"severity", "sheet", "cell", "code", "message"}
    junk = tmp_path / "junk.xlsx"
    junk.write_text("không phải sổ")
    proc = run("check", p, q, junk, "--json")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)[2]["findings"][0]["severity"] == "error"


def test_check_prints_findings_in_vietnamese(tmp_path):
    proc = run("check", bad(tmp_path))
    assert proc.returncode == 1
    assert "Lỗi" in proc.stdout and "H3" in proc.stdout


def test_text_output_to_a_file_is_one_line_a_row(tmp_path):
    """Redirected (a log, a pipe): no boxes, no colours, every unit on one line."""
    p = good(tmp_path)
    proc = run("score", p, "-o", tmp_path / "o.xlsx")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert not any(ch in proc.stdout for ch in "┏│━\x1b")
    unit_lines = [ln for ln in lines if ln.split("  ")[0].strip() in {"1", "2", "3", "4"}]
    assert [ln.split()[1:3] for ln in unit_lines] == [
        ["Sở", "A"], ["Sở", "B"], ["Sở", "C"], ["Sở", "D"]]
    assert all("Hoàn thành" in ln or "Không hoàn thành" in ln for ln in unit_lines)
    bad_proc = run("check", bad(tmp_path))
    row = next(ln for ln in bad_proc.stdout.splitlines() if "H3" in ln)
    assert row.startswith("Lỗi") and "score-above-max" in row and " | " in row


@pytest.mark.parametrize("json_flag", [False, True])
def test_output_through_a_legacy_code_page_is_utf8(tmp_path, json_flag):
    """Windows sends redirected output through the ANSI code page (cp1252), which has no
    "ắ": the command switches the stream to UTF-8 instead of failing on the first
    Vietnamese letter."""
    import os

    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    proc = subprocess.run([sys.executable, "-m", "thidua_xl", "check", str(bad(tmp_path))]
                          + (["--json"] if json_flag else []), capture_output=True, env=env,
                          timeout=300)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 1 and "không mong đợi" not in out + proc.stderr.decode("utf-8")
    assert "không phải là số" in (json.loads(out)["findings"][-1]["message"] if json_flag
                                  else out)


def test_reader_leaving_the_pipe_is_not_an_error(tmp_path):
    """"thidua-xl check ... | head -1": the reader closes the pipe; no message, no traceback.

    The output must be far larger than any pipe buffer (64 KiB by default, 1 MiB at most
    on Linux), else the child may finish writing into the buffer before the reader closes
    and exit 0: one workbook with 4,000 non-numeric scores, checked twice, prints ~1.8 MB.
    """
    units = [f"Sở {i}" for i in range(40)]
    crits = [crit("I", "Chung")] + [crit(str(k), f"Tiêu chí {k}", 10,
                                         scores={u: "abc" for u in units})
                                    for k in range(1, 101)]
    path = str(write_bloc(tmp_path / "loi.xlsx", units=units, criteria=crits))
    p = subprocess.Popen([sys.executable, "-m", "thidua_xl", "check", path, path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.read(20)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=300) == 141 and err == ""


def test_terminal_output_is_a_rich_table(tmp_path):
    """FORCE_COLOR (as a terminal would): the boxed, coloured table; "[x]" in a criterion
    name is text, not markup."""
    import os

    crits = [crit("I", "Chung"), crit("1", "a [x]", 10, scores={"Sở A": 12, "Sở B": 5,
                                                              "Sở C": 5, "Sở D": 5})]
    p = write_bloc(tmp_path / "k.xlsx", units=UNITS, criteria=crits)
    env = dict(os.environ, FORCE_COLOR="1", COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "thidua_xl", "check", str(p)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1
    assert "┃" in proc.stdout and "\x1b[" in proc.stdout and "(a [x])" in proc.stdout


def test_score_writes_output_beside_input_and_keeps_input(tmp_path):
    p = good(tmp_path, other_sheet=True)
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    proc = run("score", p, "--json")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "khoi_ketqua.xlsx"
    assert out.exists()
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before
    wb = load_workbook(out)
    for name in ("Thông tin", "Đơn vị", "Chấm điểm", "Ghi chép riêng", "Kết quả",
                 "Đề nghị khen thưởng", "Kiểm tra"):
        assert name in wb.sheetnames
    assert wb["Ghi chép riêng"]["A1"].value == "Sổ tay của người dùng — không được sửa"
    doc = json.loads(proc.stdout)
    assert doc["units"][0]["award"] == "Cờ thi đua của Chính phủ"
    # scoring the output again replaces the output sheets, never duplicates them
    proc = run("score", out, "-o", tmp_path / "again.xlsx")
    assert proc.returncode == 0
    again = load_workbook(tmp_path / "again.xlsx").sheetnames
    assert sorted(again) == sorted(wb.sheetnames)


def test_score_with_errors_writes_only_kiem_tra(tmp_path):
    p = bad(tmp_path)
    proc = run("score", p, "-o", tmp_path / "out.xlsx")
    assert proc.returncode == 1
    wb = load_workbook(tmp_path / "out.xlsx")
    assert "Kiểm tra" in wb.sheetnames
    assert "Kết quả" not in wb.sheetnames and "Đề nghị khen thưởng" not in wb.sheetnames


def test_score_unreadable_exits_2_and_writes_nothing(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    proc = run("score", p)
    assert proc.returncode == 2
    assert not (tmp_path / "x_ketqua.xlsx").exists()
    assert proc.stdout.strip()  # a Vietnamese finding, not silence


def test_score_refuses_to_overwrite_its_input(tmp_path):
    p = good(tmp_path)
    before = p.read_bytes()
    proc = run("score", p, "-o", p)
    assert proc.returncode == 2
    assert p.read_bytes() == before
    assert "ghi đè" in proc.stderr


def test_xlsm_gives_xlsm(tmp_path):
    p = good(tmp_path)
    q = to_xlsm(p, tmp_path / "macro.xlsm")
    proc = run("score", q)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "macro_ketqua.xlsm").exists()


def test_demo_scores_the_bundled_examples(tmp_path):
    from thidua_xl.cli import example_workbooks

    if not example_workbooks():
        pytest.skip("no bundled examples yet")
    proc = run("demo", "-o", tmp_path / "demo", "--json")
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    assert len(docs) == len(example_workbooks())
    for d in docs:
        assert Path(d["output"]).exists()
        assert all(f["severity"] == "warning" for f in d["findings"]), d["findings"]


def test_one_shot_commands_pause_the_collector_and_give_it_back(tmp_path, monkeypatch,
                                                                capsys):
    """check/score run with the cyclic GC off (a one-shot process), and main() called in a
    process that goes on (a test, a host program) gets it back, even when the command fails."""
    import gc

    from thidua_xl import cli

    seen = []
    real = cli.COMMANDS["check"]
    monkeypatch.setitem(cli.COMMANDS, "check", lambda a: seen.append(gc.isenabled()) or real(a))
    monkeypatch.setitem(cli.COMMANDS, "lich-su", lambda a: seen.append(gc.isenabled()) or 0)
    assert gc.isenabled()
    assert cli.main(["check", str(good(tmp_path))]) == 0
    assert cli.main(["check", str(tmp_path / "khong-co.xlsx")]) == 2
    assert cli.main(["lich-su", str(tmp_path), "-o", str(tmp_path / "ls.xlsx")]) == 0
    assert seen == [False, False, True]
    assert gc.isenabled()


def test_a_known_command_builds_only_its_own_parser_and_parses_as_the_full_one():
    """main() builds only the parser of the command it was given (argparse's construction
    was a few ms of every run): the same namespace, the same help, as with all nine."""
    import argparse

    from thidua_xl.cli.argv import SUBCOMMANDS, build_parser

    def sub(parser):
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))

    full = build_parser()
    assert list(sub(full).choices) == list(SUBCOMMANDS)  # help lists every command
    for line in (["check", "a.xlsx", "b.xlsx", "--json"],
                 ["score", "a.xlsx", "-o", "b.xlsx", "--nam-truoc", "c.xlsx", "--pdf"],
                 ["batch", "in", "-o", "out", "-j", "2", "--timeout", "5"],
                 ["lich-su", "a.xlsx", "-o", "h.xlsx"], ["merge", "k.xlsx", "u.xlsx"],
                 ["template", "-o", "m.xlsx"], ["demo"], ["addin", "build"]):
        one = build_parser(line[0])
        assert list(sub(one).choices) == [line[0]]
        assert one.parse_args(line) == full.parse_args(line)
        assert (sub(one).choices[line[0]].format_help()
                == sub(full).choices[line[0]].format_help())
    assert list(sub(build_parser("chek")).choices) == list(SUBCOMMANDS)  # a typo: all
    assert list(sub(build_parser("--help")).choices) == list(SUBCOMMANDS)


def test_a_mistyped_command_lists_every_command(capsys):
    from thidua_xl.cli import main

    with pytest.raises(SystemExit) as e:
        main(["chek", "a.xlsx"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "lựa chọn không hợp lệ" in err and "'score'" in err and "'addin'" in err
