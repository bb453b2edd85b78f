"""cli.entry, the program's exit: after a one-shot command (check, score, demo) the process
leaves without Python's teardown, so what the teardown would have done must be done first
— every byte of stdout and stderr written, logging's messages out, the exit status kept —
and the other commands must exit as Python does."""
from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys

import pytest

from tests.builders import crit, to_xlsm, write_bloc
from tests.test_cli import bad, good

#: runs cli.entry() with the given argv, with an atexit handler that prints TEARDOWN (only
#: when Python tears the interpreter down) and "<FIN>" written to stdout after main()
#: returns, unflushed (only the exit's flush writes it)
_PROBE = ("import atexit, sys\n"
          "atexit.register(lambda: print('TEARDOWN', file=sys.stderr))\n"
          "sys.argv = ['thidua-xl', *sys.argv[1:]]\n"
          "import thidua_xl.cli as cli\n"
          "real = cli.main\n"
          "def main():\n"
          "    code = real()\n"
          "    sys.stdout.write('<FIN>')\n"
          "    return code\n"
          "cli.main = main\n"
          "cli.entry()\n")


def _probe(*args) -> subprocess.CompletedProcess:
    # (buffered streams, as a user's shell has them: PYTHONUNBUFFERED would flush each write)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", _PROBE, *map(str, args)],
                          capture_output=True, text=True, timeout=300, env=env)


def test_one_shot_commands_skip_the_teardown_and_keep_their_status(tmp_path):
    ok, err = good(tmp_path), bad(tmp_path)
    for args, status in (([ "check", ok], 0), (["check", err], 1),
                         (["check", tmp_path / "khong-co.xlsx"], 2),
                         (["score", ok, "-o", tmp_path / "ra.xlsx"], 0),
                         (["check", "--help"], 0), (["score", "--khong-co"], 2)):
        p = _probe(*args)
        assert p.returncode == status, (args, p.stderr)
        assert "TEARDOWN" not in p.stderr and "Traceback" not in p.stderr, args
        assert p.stdout.endswith("<FIN>") or "--" in str(args[-1]), args  # flushed
    assert (tmp_path / "ra.xlsx").stat().st_size > 0


def test_other_commands_exit_as_python_does(tmp_path):
    p = _probe("lich-su", "--help")
    assert p.returncode == 0 and "TEARDOWN" in p.stderr
    p = _probe()  # no command: the help, status 2
    assert p.returncode == 2 and "TEARDOWN" in p.stderr


def test_a_large_output_is_written_whole(tmp_path):
    """1.8 MB of findings through a pipe: every byte there, the same text main() prints."""
    from thidua_xl.cli import main

    units = [f"Sở {i}" for i in range(40)]
    crits = [crit("I", "Chung")] + [crit(str(k), f"Tiêu chí {k}", 10,
                                         scores={u: "abc" for u in units})
                                    for k in range(1, 101)]
    path = write_bloc(tmp_path / "loi.xlsx", units=units, criteria=crits)
    p = _probe("check", path, "--json")
    assert p.returncode == 1 and len(p.stdout) > 1_000_000
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", str(path), "--json"]) == 1
    assert p.stdout == out.getvalue() + "<FIN>"
    json.loads(p.stdout.removesuffix("<FIN>"))


def test_logged_warnings_reach_stderr(tmp_path):
    """A warning logged during a one-shot command (an .xlsx output of a macro workbook
    keeps no macro) is on stderr: logging's handlers are flushed before the exit."""
    src = to_xlsm(good(tmp_path), tmp_path / "khoi.xlsm")
    p = _probe("score", src, "-o", tmp_path / "ra.xlsx")
    assert p.returncode == 0 and "không giữ macro" in p.stderr


def test_a_text_exit_is_printed_with_status_1(monkeypatch, capsys):
    import thidua_xl.cli as cli

    def leave(code):
        raise RuntimeError(code)

    def fails():
        raise SystemExit("không chạy được")

    monkeypatch.setattr(cli, "main", fails)
    monkeypatch.setattr(cli.os, "_exit", leave)
    monkeypatch.setattr(sys, "argv", ["thidua-xl", "check", "x.xlsx"])
    with pytest.raises(RuntimeError) as got:
        cli.entry()
    assert got.value.args == (1,) and "không chạy được" in capsys.readouterr().err
    monkeypatch.setattr(sys, "argv", ["thidua-xl", "batch", "x"])  # not one-shot: as Python
    with pytest.raises(SystemExit, match="không chạy được"):
        cli.entry()
