"""Grafting into real-world workbooks of ../shared/corpora (Excel, LibreOffice, POI, ...)."""
from __future__ import annotations

import random
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from thidua_xl.io.package import GraftError, graft_sheets, sheet_key

from ._build import CORPORA, DONOR_SHEETS, make_donor

pytestmark = pytest.mark.corpus


def _sample(n: int = 25) -> list[Path]:
    if not CORPORA.is_dir():
        return []
    files = sorted(p for p in CORPORA.glob("**/*.xls[xm]") if p.stat().st_size < 1_500_000)
    return random.Random(1234).sample(files, min(n, len(files)))


def test_corpus_workbooks_keep_their_sheets_and_gain_the_outputs(tmp_path):
    files = _sample()
    if not files:
        pytest.skip("../shared/corpora absent")
    donor = make_donor(tmp_path / "donor.xlsx")
    grafted = 0
    for i, src in enumerate(files):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                names = load_workbook(src).sheetnames
            except Exception:  # noqa: BLE001 - not a workbook openpyxl reads: not our case
                continue
            out = tmp_path / f"o{i}{src.suffix}"
            try:
                graft_sheets(src, donor, out, replace=DONOR_SHEETS, select=DONOR_SHEETS[0])
            except GraftError:
                continue  # Strict OOXML and broken packages: the writer falls back
            keys = {sheet_key(n) for n in DONOR_SHEETS}
            expected = [n for n in names if sheet_key(n) not in keys] + DONOR_SHEETS
            wb = load_workbook(out)
            assert wb.sheetnames == expected, src
            assert wb[DONOR_SHEETS[0]]["B4"].value == "Sở Tư pháp", src
        with zipfile.ZipFile(src) as zs, zipfile.ZipFile(out) as zo:
            if "xl/vbaProject.bin" in zs.namelist():
                assert zo.read("xl/vbaProject.bin") == zs.read("xl/vbaProject.bin"), src
        grafted += 1
    assert grafted >= len(files) // 2
