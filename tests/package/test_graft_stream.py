"""render_xml's donor grafted from memory (its sheets rendered straight into the output with
the merged style ids) gives the same package as the donor written to a file and grafted by
renumbering its bytes — every part, byte for byte once inflated, whichever tab is selected."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from thidua_xl.api import check_path
from thidua_xl.io.outputs import build_plan
from thidua_xl.io.package import graft_sheets
from thidua_xl.io.plan import OUTPUT_SHEETS
from thidua_xl.io.render_xml import render_donor, write_donor

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "workbooks" / "examples")
                  .glob("*.xlsx"))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("select", ["other", "Kết quả", "base"])
@pytest.mark.parametrize("example", EXAMPLES[:3], ids=lambda p: p.stem[:3])
def test_streamed_donor_equals_the_donor_file(tmp_path, example, select):
    bloc, result = check_path(example)
    plan = build_plan(result, bloc=bloc)
    if select == "base":  # a base sheet selected: no donor sheet keeps its tab selection
        with zipfile.ZipFile(example) as z:
            wb = z.read("xl/workbook.xml").decode()
        select = wb.split('<sheet name="', 1)[1].split('"', 1)[0]
    elif select == "other":  # a donor sheet the plan does not select: io.package does
        select = next(s.name for s in plan.sheets if s.name != plan.select)
    kw = dict(replace=OUTPUT_SHEETS, select=select, target_kind="xlsx")
    donor = write_donor(plan, tmp_path / "donor.xlsx")
    graft_sheets(example, donor, tmp_path / "file.xlsx", **kw)
    graft_sheets(example, render_donor(plan), tmp_path / "memory.xlsx", **kw)
    a, b = _parts(tmp_path / "file.xlsx"), _parts(tmp_path / "memory.xlsx")
    assert list(a) == list(b)
    for name in a:
        assert a[name] == b[name], name
    sheets = [n for n in b if n.startswith("xl/worksheets/sheet")]
    assert sum(b'tabSelected="1"' in b[n] for n in sheets) == 1
    with zipfile.ZipFile(example) as z:
        grafted = [n for n in sheets if n not in z.namelist()]
    front = any(b'<sheetView tabSelected="1"' in b[n] for n in grafted)
    assert front == (select not in (plan.select, "Kết quả") and select in plan.replace)
