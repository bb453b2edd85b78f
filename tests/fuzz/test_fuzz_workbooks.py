"""Fuzzing: generated bloc workbooks within the format (every tolerated variation), then
corrupted. The reader never crashes, every corruption yields a finding at the right cell,
and valid variations give the same results as their canonical rendering.

CI runs a bounded number of examples; for a longer local run:
    HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz -q
"""
from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua_xl.api import check_file
from tests.builders import crit, write_bloc

settings.register_profile("ci", max_examples=20, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

UNIT_POOL = ["Sở Nội vụ", "Sở Tư pháp", "Ban Dân tộc tỉnh", "Thanh tra tỉnh", "Sở Ngoại vụ",
             "Văn phòng UBND tỉnh", "Sở Tài chính", "Liên minh HTX"]
ROMAN = ["I", "II", "III", "IV"]
SUBCOLS = [(), ("Tự chấm", "Khối chấm", "Thống nhất"), ("Tự chấm", "Thống nhất"),
           ("ĐTC", "Thẩm định")]


@st.composite
def blocs(draw):
    """A valid bloc: units, sections with leaves of several types, valid scores."""
    n_units = draw(st.integers(2, 6))
    units = draw(st.permutations(UNIT_POOL))[:n_units]
    crits = []
    leaves = []  # (code-path, criterion dict)
    n_sections = draw(st.integers(1, 3))
    for s in range(n_sections):
        crits.append(crit(ROMAN[s], f"Phần {ROMAN[s]}"))
        for i in range(1, draw(st.integers(1, 4)) + 1):
            kind = draw(st.sampled_from(["score", "score", "qual", "count", "quant"]))
            mx = draw(st.sampled_from([5, 10, 15, 20]))
            c = crit(str(i), f"Tiêu chí {ROMAN[s]}.{i}", mx)
            for u in units:
                if kind == "score":
                    c["scores"][u] = draw(st.integers(0, mx * 2)) / 2
                elif kind == "qual":
                    c["type"] = "Định tính"
                    c["scores"][u] = draw(st.sampled_from(["Đạt", "Không đạt", "x", 1, 0]))
                elif kind == "count":
                    c["type"], c["per_time"] = "Chấm thẳng", 2
                    c["scores"][u] = draw(st.integers(0, 12))
                else:
                    c["type"], c["target"] = "Định lượng", 100
                    c["scores"][u] = draw(st.integers(0, 120))
            crits.append(c)
            leaves.append(c)
    if draw(st.booleans()):
        sec = ROMAN[n_sections]
        crits.append(crit(sec, "Điểm thưởng", type="Điểm thưởng"))
        b = crit("1", "Thưởng", 5)
        for u in units:
            if draw(st.booleans()):
                b["scores"][u] = draw(st.integers(0, 5))
        crits.append(b)
    return units, crits, leaves


@st.composite
def variations(draw):
    return dict(
        title_rows=draw(st.integers(0, 3)),
        subcols=draw(st.sampled_from(SUBCOLS)),
        start_col=draw(st.integers(1, 3)),
        group_order_seed=draw(st.permutations(range(8))),
        sheet=draw(st.sampled_from(["Chấm điểm", "CHAM DIEM", "Chấm_điểm", "cham-diem"])),
        labels=draw(st.sampled_from([{}, {"Mã": "STT", "Điểm tối đa": "Điểm chuẩn"},
                                     {"Nội dung tiêu chí": "Tiêu chí", "Mã": "TT"}])),
        nfd=draw(st.booleans()),
        blank_row=draw(st.booleans()),
        blank_col=draw(st.booleans()),
        units_sheet=draw(st.booleans()),
        text_numbers=draw(st.booleans()),
    )


def _render(path: Path, units, crits, v=None):
    if v is None:
        return write_bloc(path, units=units, criteria=crits)
    nfd = (lambda s: unicodedata.normalize("NFD", s)) if v["nfd"] else (lambda s: s)
    order = [units[i] for i in v["group_order_seed"] if i < len(units)]
    crits2 = []
    for c in crits:
        c2 = dict(c)
        scores = {}
        for u, val in c["scores"].items():
            if v["text_numbers"] and isinstance(val, float):
                val = f"{val:g}".replace(".", ",")
            if isinstance(val, str):
                val = nfd(val)
            scores[nfd(u)] = val
        c2["scores"] = scores
        c2["text"] = nfd(c["text"])
        crits2.append(c2)
    return write_bloc(path, units=[nfd(u) for u in units], criteria=crits2,
                      title_rows=v["title_rows"], subcols=v["subcols"], start_col=v["start_col"],
                      group_order=[nfd(u) for u in order], sheet_names={"Chấm điểm": v["sheet"]},
                      labels=v["labels"], blank_row_after_header=v["blank_row"],
                      blank_col_between_groups=v["blank_col"], units_sheet=v["units_sheet"])


def _summary(result):
    return sorted((u.name, u.total, u.rank, u.tie,
                   u.classification.value if u.classification else None, u.award)
                  for u in result.units)


@given(blocs(), variations())
def test_variations_give_the_canonical_results(bloc, v):
    units, crits, _ = bloc
    with tempfile.TemporaryDirectory() as d:
        canon = check_file(_render(Path(d) / "canon.xlsx", units, crits))
        varied = check_file(_render(Path(d) / "varied.xlsx", units, crits, v))
    assert not canon.has_errors, canon.findings
    assert not varied.has_errors, varied.findings
    assert _summary(varied) == _summary(canon)
    assert varied.max_total == canon.max_total


CORRUPTIONS = ["text", "above-max", "negative", "blank", "excel-error"]


@given(blocs(), st.sampled_from(CORRUPTIONS), st.data())
def test_every_corruption_is_named_at_its_cell(bloc, corruption, data):
    units, crits, leaves = bloc
    target = data.draw(st.sampled_from(leaves))
    unit = data.draw(st.sampled_from(units))
    if target.get("type") == "Định tính" and corruption in ("above-max", "negative"):
        corruption = "text"
    bad_value = {"text": "khá tốt", "above-max": target["max"] * 10 + 1, "negative": -3,
                 "blank": None, "excel-error": "#DIV/0!"}[corruption]
    if target.get("type") in ("Chấm thẳng",) and corruption == "above-max":
        bad_value = 2.5  # a count must be a whole number
    if target.get("type") == "Định lượng" and corruption == "above-max":
        bad_value = "nhiều"
    target["scores"] = dict(target["scores"])
    if bad_value is None:
        target["scores"].pop(unit, None)
    else:
        target["scores"][unit] = bad_value
    with tempfile.TemporaryDirectory() as d:
        p = write_bloc(Path(d) / "bad.xlsx", units=units, criteria=crits)
        r = check_file(p)
    # the builder puts the header on row 1, criteria from row 2, unit groups from column H
    row = 2 + crits.index(target)
    col = 8 + units.index(unit)
    cell = f"{chr(64 + col)}{row}"
    errors = [(f.sheet, f.cell) for f in r.findings if f.severity.value == "error"]
    assert ("Chấm điểm", cell) in errors, (corruption, bad_value, cell, r.findings)
    assert all(u.rank is None for u in r.units)


@given(blocs(), st.sampled_from(["dup-code", "dup-unit", "merge-data", "drop-header"]))
def test_structural_corruptions_never_crash(bloc, kind):
    from openpyxl import load_workbook

    units, crits, _ = bloc
    with tempfile.TemporaryDirectory() as d:
        p = write_bloc(Path(d) / "s.xlsx", units=units, criteria=crits)
        wb = load_workbook(p)
        ws = wb["Chấm điểm"]
        if kind == "dup-code":  # the first criterion row again, right below itself
            ws.insert_rows(3)
            for c in range(1, ws.max_column + 1):
                ws.cell(row=3, column=c).value = ws.cell(row=4, column=c).value
        elif kind == "dup-unit":
            ws.cell(row=1, column=9).value = ws.cell(row=1, column=8).value
        elif kind == "merge-data":
            ws.merge_cells(start_row=3, start_column=8, end_row=4, end_column=9)
        else:
            ws.delete_rows(1)
        wb.save(p)
        r = check_file(p)
    assert r.findings, kind
    assert any(f.severity.value == "error" for f in r.findings), (kind, r.findings)
