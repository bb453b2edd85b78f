"""The worksheet functions on the bundled examples' ranges equal the CLI's JSON.

For each example the test takes what a user's sheet would hold for a unit — the score
column (the value the workbook uses for each leaf), Điểm tối đa, Hệ số, Loại — turns the
Định lượng / dẫn đầu results into points with TD_DINHLUONG and the Chấm thẳng counts with
the usual =MIN(count × points, max), then checks TD_TONGDIEM, TD_XEPHANG, TD_XEPLOAI and
TD_KIEMTRA against `thidua-xl check --json` run as a separate process.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from thidua_xl.api import read_grid
from thidua_xl.cli import example_workbooks
from thidua_xl.core.engine import effective_types
from thidua_xl.core.models import CriterionType as T
from thidua_xl.core.values import parse_number
from thidua_xl.io.parser import parse_grid
from thidua_xl.udfs import TD_DINHLUONG, TD_KIEMTRA, TD_TONGDIEM, TD_XEPHANG, TD_XEPLOAI

EXAMPLES = example_workbooks()
pytestmark = pytest.mark.skipif(not EXAMPLES, reason="no bundled examples")


def _num(cell):
    if cell is None:
        return None
    return parse_number(cell.value, percent_format=cell.percent).value


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem[:3] for p in EXAMPLES])
def test_udfs_equal_the_cli_json(path):
    proc = subprocess.run([sys.executable, "-m", "thidua_xl", "check", "--json", str(path)],
                          capture_output=True, text=True, timeout=300)
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0 and len(doc["units"]) >= 8, proc.stderr
    bloc, _ = parse_grid(read_grid(path), file=str(path))
    types = effective_types(bloc)
    leaves = [c for c in bloc.criteria if c.is_leaf]
    units = {u.name: u for u in bloc.units}
    best = {c.path: max((v for v in (_num(bloc.scores.get(u.key, {}).get(c.path))
                                     for u in bloc.units) if v is not None), default=None)
            for c in leaves if types[c.path] is T.LEADING}

    totals = {}
    for ju in doc["units"]:
        unit = units[ju["name"]]
        cells = bloc.scores.get(unit.key, {})
        col, maxes, weights, kinds = [], [], [], []
        for c in leaves:
            t = types[c.path]
            cell = cells.get(c.path)
            raw = None if cell is None else cell.value
            if t is T.QUANTITATIVE:
                raw = TD_DINHLUONG(_num(cell), c.target, c.max)
            elif t is T.LEADING:
                raw = TD_DINHLUONG(_num(cell), c.target, c.max, "Dẫn đầu", best[c.path])
            elif t is T.COUNT:
                raw = min(_num(cell) * c.per_time, c.max)
            elif cell is not None and cell.percent:
                raw = _num(cell)
            col.append(raw)
            maxes.append(c.max)
            weights.append(c.weight)
            kinds.append(t.value if t in (T.QUALITATIVE, T.BONUS, T.PENALTY) else "Chấm điểm")
        assert TD_KIEMTRA(col, maxes, kinds) == "", ju["name"]
        total = TD_TONGDIEM(col, maxes, weights, kinds)
        assert total == ju["total"], (path.name, ju["name"], total, ju["total"])
        totals[ju["name"]] = total

    all_totals = list(totals.values())
    for ju in doc["units"]:
        unit = units[ju["name"]]
        assert TD_XEPHANG(totals[ju["name"]], all_totals) == ju["rank"]
        # TD_XEPLOAI knows the default thresholds and the discipline, not the leaves:
        # a unit held back by a 0-point leaf is the engine's alone
        zero_leaf = any("0 điểm" in n for n in ju["notes"])
        default_thresholds = (bloc.rules.htxs_percent, bloc.rules.htt_percent,
                              bloc.rules.ht_percent) == (95.0, 85.0, 75.0)
        if default_thresholds and not zero_leaf:
            got = TD_XEPLOAI(totals[ju["name"]], doc["max_total"], unit.discipline_text or None)
            assert got == ju["classification"], (path.name, ju["name"])
