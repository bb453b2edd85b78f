"""core.unit_columns reads a unit's cells the same from RawCells and from a mapping that
keeps them column-oriented (values by criterion row, the picked column, the percent /
uncached positions, the Tự chấm values beside): the audit rows and the self-scores do not
change with the shape of ``Bloc.scores``."""
from __future__ import annotations

import dataclasses

from tests.analysis.helpers import mixed_bloc
from tests.analysis.test_self_score import _random_bloc, _rules_bloc
from thidua_xl.api import check_file
from thidua_xl.core.audit import analyse, audit_table
from thidua_xl.core.models import RawCell
from thidua_xl.core.unit_columns import unit_columns, unit_refs
from thidua_xl.io.grid import parse_a1


class _Table:
    def __init__(self, index: dict[str, int], refs: dict[tuple[int, int], str]) -> None:
        self.index, self._refs = index, refs

    def ref(self, i: int, col: int) -> str:
        return self._refs[i, col]


class _Columns(dict):
    """A unit's cells kept as lists by criterion row, its Tự chấm column whole beside them
    (the RawCells still answer as a dict)."""

    def __init__(self, cells: dict[str, RawCell], paths: list[str], self_col: int | None):
        super().__init__(cells)
        index = {p: i for i, p in enumerate(paths)}
        n = len(paths)
        self.data: list = [None] * n
        self.cols = [0] * n
        self.roles: dict[int, str] = {}
        self.percent: set[int] = set()
        self.uncached: set[int] = set()
        self.self_col = self_col
        self.self_values: list | None = [None] * n if self_col is not None else None
        self.self_percent: set[int] = set()
        refs = {}
        for p, c in cells.items():
            i = index[p]
            col = parse_a1(c.ref.rsplit("!", 1)[1])[1]
            self.data[i], self.cols[i], self.roles[col] = c.value, col, c.source
            refs[i, col] = c.ref
            if c.percent:
                self.percent.add(i)
            if c.uncached_formula:
                self.uncached.add(i)
            if self.self_values is not None:  # the whole Tự chấm column
                self.self_values[i] = c.value if col == self_col else c.self_value
                if c.percent if col == self_col else c.self_percent:
                    self.self_percent.add(i)
        self.table = _Table(index, refs)


def _as_columns(result) -> None:
    bloc = result.parsed
    paths = [c.path for c in bloc.criteria if c.is_leaf]
    for u in bloc.units:
        letter = u.score_columns.get("Tự chấm")
        self_col = parse_a1(f"{letter}1")[1] if letter else None
        bloc.scores[u.key] = _Columns(bloc.scores.get(u.key, {}), paths, self_col)


def test_the_same_lists_rows_and_self_scores_from_columns(tmp_path):
    books = [mixed_bloc(tmp_path / "m.xlsx"), _rules_bloc(tmp_path / "r.xlsx"),
             *(_random_bloc(tmp_path / f"x{s}.xlsx", s) for s in (0, 3, 6))]
    for src in books:
        result = check_file(src)
        bloc = result.parsed
        paths = [c.path for c in bloc.criteria if c.is_leaf]
        plain = {k: dict(v) for k, v in bloc.scores.items()}
        rows = list(audit_table(result).tuples())
        analysis = [dataclasses.astuple(a) for a in analyse(result)]
        _as_columns(result)
        for key, cells in bloc.scores.items():
            want = unit_columns(plain[key], paths)
            assert unit_columns(cells, paths) == want, (src.name, key)
            assert unit_refs(cells, paths, want.present) == \
                unit_refs(plain[key], paths, want.present)
        assert list(audit_table(result).tuples()) == rows, src.name
        assert [dataclasses.astuple(a) for a in analyse(result)] == analysis, src.name
