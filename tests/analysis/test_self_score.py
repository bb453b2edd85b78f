"""The self-score from what is in hand (core.self_score.self_totals) equals the engine run
again on the units' Tự chấm cells (self_result), rule by rule and on random workbooks."""
from __future__ import annotations

import random

import pytest
from openpyxl import load_workbook

from tests.analysis.helpers import mixed_bloc
from tests.builders import crit, write_bloc
from thidua_xl.api import check_file
from thidua_xl.core import self_score
from thidua_xl.core.audit import analyse

SUBS = ("Tự chấm", "Khối chấm", "Thống nhất")


def _rules_bloc(path):
    """Every rule of the self-score once: a claim above everyone's final result moves the
    bloc's best (Định lượng dẫn đầu), own targets, a capped bonus group, a blank bonus claim,
    claims that are not valid, a penalty written "-2", Định tính, Chấm thẳng, a weight."""
    return write_bloc(path, units=["Sở A", "Sở B", "Sở C"], subcols=SUBS, criteria=[
        crit("I", "Chuyên môn"),
        crit("1", "Dẫn đầu", 10, type="Định lượng dẫn đầu", target=100, scores={
            "Sở A": {"Tự chấm": 190, "Thống nhất": 120},
            "Sở B": {"Tự chấm": 150, "Thống nhất": 150},
            "Sở C": {"Tự chấm": 130, "Khối chấm": 110}}),
        crit("2", "Tham mưu", 10, weight=2, scores={
            "Sở A": {"Tự chấm": "abc", "Thống nhất": 9},
            "Sở B": {"Tự chấm": 12, "Thống nhất": 8},
            "Sở C": {"Tự chấm": "8,5", "Khối chấm": 7.25}}),
        crit("3", "Văn bản", 5, type="Định tính", scores={
            "Sở A": {"Tự chấm": "Đạt", "Thống nhất": "Không đạt"},
            "Sở B": {"Thống nhất": "Đạt"},
            "Sở C": {"Tự chấm": "có lẽ", "Thống nhất": "Đạt"}}),
        crit("4", "Số lần", 4, type="Chấm thẳng", per_time=1, scores={
            "Sở A": {"Tự chấm": 5, "Thống nhất": 2},
            "Sở B": {"Tự chấm": 1.5, "Thống nhất": 3},
            "Sở C": {"Tự chấm": 3, "Thống nhất": 3}}),
        crit("II", "Điểm thưởng", 3, type="Điểm thưởng"),
        crit("1", "Sáng kiến", 2, type="Điểm thưởng", scores={
            "Sở A": {"Tự chấm": 2, "Thống nhất": 1}, "Sở B": {"Thống nhất": 2},
            "Sở C": {"Tự chấm": "x", "Thống nhất": 1}}),
        crit("2", "Chủ trì", 2, type="Điểm thưởng", scores={
            "Sở A": {"Tự chấm": 2, "Thống nhất": 2}, "Sở C": {"Tự chấm": 9, "Thống nhất": 0}}),
        crit("III", "Điểm trừ", type="Điểm trừ"),
        crit("1", "Vi phạm", 5, type="Điểm trừ", scores={
            "Sở A": {"Tự chấm": "-2", "Thống nhất": 3}, "Sở B": {"Tự chấm": -1},
            "Sở C": {"Thống nhất": 1}}),
    ])


def _random_bloc(path, seed: int):
    """A random bloc of every type, claims valid or not, own targets or none, capped
    groups or not, some Tự chấm cells in percent format; the final columns valid."""
    rng = random.Random(seed)
    names = [f"Sở {chr(65 + i)}" for i in range(rng.randint(2, 6))]
    subs = rng.choice([SUBS, ("Tự chấm", "Thống nhất"), ("Tự chấm",),
                       ("Tự chấm", "Chỉ tiêu", "Thống nhất")])
    finals = [s for s in subs if s not in ("Tự chấm", "Chỉ tiêu")]
    bad = ["abc", -1, 99, "x", "8,5", "Đạt", True, "-2", 0]
    rows = []
    for sec in ("I", "II"):
        rows.append(crit(sec, f"Mục {sec}"))
        for j in range(rng.randint(2, 5)):
            t = rng.choice([None, None, "Định tính", "Định lượng", "Định lượng dẫn đầu",
                            "Chấm thẳng"])
            mx = rng.choice([1, 2, 5, 10])
            target = rng.choice([10, 100]) if t in ("Định lượng", "Định lượng dẫn đầu") else None

            def value():
                if t == "Định tính":
                    return rng.choice(["Đạt", "Không đạt", 1, 0])
                if target:
                    return rng.choice([target, target * 1.5, target * 0.7, 0])
                if t == "Chấm thẳng":
                    return rng.choice([0, 1, 3, 7])
                return rng.choice([mx, mx - 0.25, mx / 2, 0])

            scores = {}
            for n in names:
                d = {s: value() for s in finals if rng.random() < 0.8}
                if "Chỉ tiêu" in subs and target and rng.random() < 0.5:
                    d["Chỉ tiêu"] = rng.choice([target, target * 2])
                if "Tự chấm" in subs:
                    has_final = any(s in d for s in finals)
                    d["Tự chấm"] = rng.choice(bad) if has_final and rng.random() < 0.3 \
                        else value()
                scores[n] = d
            rows.append(crit(str(j + 1), f"Tiêu chí {sec}.{j + 1}", mx, type=t, target=target,
                             weight=rng.choice([None, 2, 0.5]),
                             per_time=1 if t == "Chấm thẳng" else None, scores=scores))
    for sec, kind, vals in (("III", "Điểm thưởng", [0, 1, 2, "x"]),
                            ("IV", "Điểm trừ", [0, 1, "-2", "x"])):
        rows.append(crit(sec, kind, rng.choice([None, 2]), type=kind))
        for j in range(2):
            scores = {}
            for n in names:
                d = {s: rng.choice(vals) for s in finals if rng.random() < 0.5}
                if "Tự chấm" in subs and rng.random() < 0.6:
                    d["Tự chấm"] = rng.choice(vals + (["abc", 9, -1] if d else []))
                scores[n] = d
            rows.append(crit(str(j + 1), f"{kind} {j + 1}", 2, type=kind, scores=scores))
    write_bloc(path, units=names, criteria=rows, subcols=subs)
    if seed % 3 == 0 and finals:  # percent formats on some claims beside a final value
        wb = load_workbook(path)
        ws = wb["Chấm điểm"]
        cols = [c.column for row in ws.iter_rows(max_row=3) for c in row if c.value == "Tự chấm"]
        offsets = [subs.index(s) for s in finals]
        for col in cols:
            for r in range(3, ws.max_row + 1):
                cell = ws.cell(r, col)
                final = any(ws.cell(r, col + k).value is not None for k in offsets)
                if final and type(cell.value) in (int, float) and rng.random() < 0.4:
                    cell.number_format = "0%"
                    cell.value = cell.value / 100 if rng.random() < 0.7 else cell.value
        wb.save(path)
    return path


def _both(result):
    """(in hand, engine run) as {unit key: (total, leaf scores)} and unscored counts."""
    fast = self_score._in_hand(result)
    assert fast is not None, "a result without errors is scored from what is in hand"
    units, unscored = self_score.self_result(result)
    ran = {u.key: (u.total, u.leaf_scores) for u in units if u.key in fast[0]}
    return ({k: (s.total, s.leaf_scores) for k, s in fast[0].items()}, fast[1]), \
        (ran, unscored)


def test_every_rule_as_the_engine_scores_it(tmp_path):
    result = check_file(_rules_bloc(tmp_path / "rules.xlsx"))
    assert not result.has_errors, [f.message for f in result.findings if f.severity.value
                                   == "error"]
    fast, ran = _both(result)
    assert fast == ran
    totals = {u.key: u for u in result.units}
    selfs = fast[0]
    # Sở B claimed its final 150 on the leading row, but Sở A's claim of 190 is the bloc's
    # best in the self-scores: Sở B's self-score there is lower than its final score
    b = next(k for k in selfs if totals[k].name == "Sở B")
    assert selfs[b][1]["I.1"] < totals[b].leaf_scores["I.1"]
    # "abc", 12 (> max), "có lẽ", 1,5 times, a bonus of 9: the final value stands
    assert sorted(fast[1].values()) != [0, 0, 0]
    assert any(selfs[k][0] != totals[k].total for k in selfs)


@pytest.mark.parametrize("seed", range(12))
def test_random_books_as_the_engine_scores_them(tmp_path, seed):
    result = check_file(_random_bloc(tmp_path / f"r{seed}.xlsx", seed))
    assert not result.has_errors, "the generator writes valid final values"
    fast, ran = _both(result)
    assert fast == ran


def test_the_mixed_book_and_a_result_with_errors(tmp_path):
    result = check_file(mixed_bloc(tmp_path / "mixed.xlsx"))
    fast, ran = _both(result)
    assert fast == ran
    bad = check_file(write_bloc(tmp_path / "bad.xlsx", units=["Sở A", "Sở B"], subcols=SUBS,
                                criteria=[crit("I", "Chung"), crit("1", "Một", 10, scores={
                                    "Sở A": {"Tự chấm": 10, "Thống nhất": 12},
                                    "Sở B": {"Tự chấm": 10, "Thống nhất": 8}})]))
    assert bad.has_errors and self_score._in_hand(bad) is None
    units, _ = self_score.self_result(bad)
    got, _ = self_score.self_totals(bad)
    assert {u.key: u.total for u in units} == {k: s.total for k, s in got.items()}
    b = next(a for a in analyse(bad) if a.name == "Sở B")
    assert b.self_total == 10 and b.difference == 2
