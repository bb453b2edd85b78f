"""The short cuts of the audit and the self-scores read the same as the long way.

- core.self_score: a unit's claims read from its column-oriented lists, looking only at the
  leaves :func:`_maybe` picks, are those read from every leaf's fields (random units of every
  shape: one column on every row — its own Tự chấm one or another —, mixed columns, no Tự
  chấm values, formats and formula flags, values equal but of another type);
- core.audit: a book whose units fill one column on every row (the one-column path of
  "Chi tiết điểm") reads the same from UnitCells and from RawCells; the table is made
  when iterated, as often as asked, and its length is known before;
- the top lists keep equal differences in sheet order; AuditRow is a record that the
  standard functions (and pickle) take as a dataclass.
"""
from __future__ import annotations

import dataclasses
import pickle
import random

import pytest
from openpyxl import load_workbook

from tests.builders import crit, write_bloc
from thidua_xl.api import check_file
from thidua_xl.core import audit, self_score
from thidua_xl.core.cells import ScoreTable, UnitCells
from thidua_xl.core.models import Criterion, CriterionType
from thidua_xl.core.unit_columns import CellReader

SUBS = ("Tự chấm", "Khối chấm", "Thống nhất")
ROLES = {8: "Tự chấm", 9: "Khối chấm", 10: "Thống nhất"}
TYPES = [CriterionType.SCORE, CriterionType.QUALITATIVE, CriterionType.QUANTITATIVE,
         CriterionType.LEADING, CriterionType.COUNT, CriterionType.BONUS,
         CriterionType.PENALTY]
POOL = [0, 1, 1.0, 2, 2.5, 7, 7.0, True, False, "Đạt", "Không đạt", "abc", "8,5", "-2", "x",
        -1, 99, None, ""]


def _leaves(rng: random.Random, n: int) -> list[self_score._Leaf]:
    out = []
    for k in range(n):
        t = rng.choice(TYPES)
        c = Criterion(path=f"I.{k + 1}", code=str(k + 1), level=2, parent="I", section="I",
                      type=t, max=rng.choice([1, 5, 10]),
                      target=100 if t in (CriterionType.QUANTITATIVE,
                                          CriterionType.LEADING) else None,
                      per_time=1 if t is CriterionType.COUNT else None,
                      weight=rng.choice([1.0, 2]))
        out.append(self_score._Leaf(c, t))
    return out


def _unit(rng: random.Random, table: ScoreTable, n: int) -> UnitCells:
    shape = rng.choice(["other", "other", "own", "mixed", "none"])
    col = {"other": 10, "own": 8}.get(shape)
    cols = [col if col else rng.choice([0, 8, 9, 10]) for _ in range(n)]
    values = [rng.choice(POOL) for _ in range(n)]
    selfs = None
    if shape != "none":
        selfs = []
        for v in values:  # mostly the final value itself, else one of the pool
            r = rng.random()
            selfs.append(v if r < 0.5 else (float(v) if type(v) is int and r < 0.6
                                            else rng.choice(POOL)))
    flags = rng.random() < 0.3
    pick = (lambda: {i for i in range(n) if rng.random() < 0.15}) if flags else set
    return UnitCells(table, values, cols, dict(ROLES), pick(), pick(),
                     8 if selfs is not None else None, selfs, pick())


@pytest.mark.parametrize("seed", range(40))
def test_claims_from_the_lists_are_those_of_every_leaf(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 30)
    paths = [f"I.{k + 1}" for k in range(n)]
    index = {p: i for i, p in enumerate(paths) if rng.random() > 0.05 or seed % 2}
    table = ScoreTable("Chấm điểm", list(range(3, 3 + n)), index)
    kinds: dict = {}  # shared by the units, as in _in_hand
    reader = CellReader(paths)
    for _ in range(8):
        cells = _unit(rng, table, n)
        column = rng.choice(["H", "H", None])
        every = self_score._claims(_leaves(random.Random(seed), n),
                                   zip(range(n), *reader.columns(cells)), column, None)
        picked = self_score._maybe(reader, cells, column, kinds)
        fast = self_score._claims_at(_leaves(random.Random(seed), n), reader, cells, picked,
                                     column, None)
        assert [(p, repr(v)) for p, v in fast.items()] == \
            [(p, repr(v)) for p, v in every.items()], (seed, cells.cols)
        assert list(picked) == sorted(set(picked))


def _one_column_book(path):
    """Every unit fills Thống nhất (or only its Tự chấm) on every row: claims equal, higher,
    not valid, Định tính, a weight, a bonus and a penalty, one percent cell."""
    units = ["Sở A", "Sở B", "Sở C", "Sở D"]

    def row(a, b, c, d):
        return {"Sở A": {"Tự chấm": a[0], "Thống nhất": a[1]},
                "Sở B": {"Tự chấm": b[0], "Thống nhất": b[1]},
                "Sở C": {"Tự chấm": c[0], "Thống nhất": c[1]},
                "Sở D": {"Tự chấm": d}}  # only its own cells: the final value is its own

    write_bloc(path, units=units, subcols=SUBS, criteria=[
        crit("I", "Chung"),
        crit("1", "Một", 10, weight=2, scores=row((9, 9), (10, 8), ("abc", 7.5), 9)),
        crit("2", "Hai", 5, type="Định tính", scores=row(("Đạt", "Đạt"), ("Đạt", "Không đạt"),
                                                        ("có lẽ", "Đạt"), "Đạt")),
        crit("3", "Ba", 100, type="Định lượng", target=100, scores=row(
            (100, 90), (0.5, 0.5), (120, 100), 80)),
        crit("II", "Điểm thưởng", type="Điểm thưởng"),
        crit("1", "Thưởng", 2, type="Điểm thưởng", scores=row((2, 1), ("x", 0), (1, 1), 2)),
        crit("III", "Điểm trừ", type="Điểm trừ"),
        crit("1", "Trừ", 5, type="Điểm trừ", scores=row(("-2", 2), (0, 1), (1, 1), 1)),
    ])
    wb = load_workbook(path)  # Sở B's 0.5 on "Ba", both cells formatted as percent
    ws = wb["Chấm điểm"]
    for cells in ws.iter_rows():
        hits = [c for c in cells if c.value == 0.5]
        for c in hits:
            c.number_format = "0%"
    wb.save(path)
    return path


def test_one_column_units_read_the_same_from_lists_and_raw_cells(tmp_path):
    result = check_file(_one_column_book(tmp_path / "one.xlsx"))
    assert not result.has_errors
    bloc = result.parsed
    paths = [c.path for c in bloc.criteria if c.is_leaf]
    reader = CellReader(paths)
    for cells in bloc.scores.values():  # the path under test is the one taken
        assert isinstance(cells, UnitCells)
        assert reader.at(cells)[1] and len(set(reader.take(cells.cols))) == 1
    table = audit.audit_table(result)
    rows = list(table.tuples())
    assert len(table) == len(rows) == 4 * len(paths)
    assert list(table.tuples()) == rows  # made again, the same
    a = [r for r in rows if r[0] == "Sở A"]
    assert [r[5] for r in a] == ["Thống nhất"] * len(paths)
    assert [r[6] for r in a] == [bloc.scores[bloc.units[0].key][p].ref for p in paths]
    assert any(r[10] for r in rows) and not all(r[10] for r in rows)
    analysis = [dataclasses.astuple(x) for x in audit.analyse(result)]
    selfs = self_score.self_totals(result)
    units, unscored = self_score.self_result(result)
    assert {k: (s.total, s.leaf_scores) for k, s in selfs[0].items()} == \
        {u.key: (u.total, u.leaf_scores) for u in units}
    assert selfs[1] == unscored and sum(unscored.values()) >= 2
    bloc.scores = {k: dict(v) for k, v in bloc.scores.items()}  # the same cells as RawCells
    assert list(audit.audit_table(result).tuples()) == rows
    assert [dataclasses.astuple(x) for x in audit.analyse(result)] == analysis
    assert self_score.self_totals(result) == selfs


def test_a_single_column_book_shows_its_column(tmp_path):
    result = check_file(write_bloc(tmp_path / "single.xlsx", units=["Sở A", "Sở B"],
                                   criteria=[crit("I", "Chung"), crit("1", "Một", 10, scores={
                                       "Sở A": 9, "Sở B": 8}), crit("2", "Hai", 10, scores={
                                           "Sở A": 10, "Sở B": 7.5})]))
    rows = list(audit.audit_table(result).tuples())
    assert [r[5] for r in rows] == [audit.SINGLE_COLUMN] * 4
    assert all(r[6] and r[6].startswith("Chấm điểm!") for r in rows)
    result.parsed.scores = {k: dict(v) for k, v in result.parsed.scores.items()}
    assert list(audit.audit_table(result).tuples()) == rows


def test_the_table_columns_and_rows_agree(tmp_path):
    result = check_file(_one_column_book(tmp_path / "one.xlsx"))
    table = audit.audit_table(result)
    n = len(table)  # known before any row is made
    rows = list(table.tuples())
    columns = table.columns
    assert list(columns) == list(audit.FIELDS) and all(len(c) == n for c in columns.values())
    assert list(zip(*columns.values())) == rows == list(table.tuples())
    assert table[3] == audit.AuditRow(*rows[3]) and table[-2:] == [audit.AuditRow(*r)
                                                                   for r in rows[-2:]]
    empty = audit.AuditTable(parts=[])
    assert len(empty) == 0 and list(empty.tuples()) == [] and empty.columns["unit"] == []


def test_top_differences_largest_first_equal_ones_in_sheet_order():
    deltas = {"a": 1.0, "b": -2.0, "c": 2.0, "d": 0.004, "e": 0.5, "f": -0.004}
    texts = {"a": "A", "c": "C"}
    got = audit._top(deltas, texts, positive_only=False)
    assert [(d.path, d.text, d.points) for d in got] == [("b", "", -2.0), ("c", "C", 2.0),
                                                         ("a", "A", 1.0)]
    got = audit._top(deltas, texts, positive_only=True)
    assert [d.path for d in got] == ["c", "a", "e"]
    assert audit._top({"d": 0.004, "f": -0.5}, {}, positive_only=True) == []


def test_audit_row_is_a_record_the_standard_functions_take():
    assert (audit.AuditRow.__module__, audit.AuditRow.__qualname__) == (
        "thidua_xl.core.audit", "AuditRow")
    row = audit.AuditRow(*range(10))
    assert dataclasses.is_dataclass(row) and pickle.loads(pickle.dumps(row)) == row
    assert tuple(f.name for f in dataclasses.fields(row)) == audit.FIELDS


def test_sums_add_term_by_term_as_the_engine_does():
    rng = random.Random(7)
    for _ in range(200):
        values = [rng.choice([rng.uniform(-1e6, 1e6), rng.random() * 1e-9, 0.1, 1e16, -1e16,
                              rng.randint(-5, 5), True]) for _ in range(rng.randint(0, 50))]
        acc = 0.0
        for v in values:
            acc += v
        got = self_score._add_up(iter(values))
        assert type(got) is float and got.hex() == acc.hex(), values
    # the compensated sum of Python 3.12 (math.fsum) would say 1e-16 here, not 0
    assert self_score._add_up([1.0, 1e-16, -1.0]) == 0.0
