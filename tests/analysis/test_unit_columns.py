"""core.unit_columns reads a unit's cells the same from RawCells and from the parser's
column-oriented UnitCells (values by criterion row, the picked column, the percent /
uncached positions, the Tự chấm values beside): the audit rows and the self-scores do not
change with the shape of ``Bloc.scores``."""
from __future__ import annotations

import dataclasses

from tests.analysis.helpers import mixed_bloc
from tests.analysis.test_self_score import _random_bloc, _rules_bloc
from thidua_xl.api import check_file
from thidua_xl.core.audit import analyse, audit_table
from thidua_xl.core.cells import UnitCells
from thidua_xl.core.unit_columns import CellReader


def test_the_same_lists_rows_and_self_scores_from_columns(tmp_path):
    """The parser's UnitCells (read from their lists) and the same cells as a dict of
    RawCells give the same lists, references, audit rows and analysis."""
    books = [mixed_bloc(tmp_path / "m.xlsx"), _rules_bloc(tmp_path / "r.xlsx"),
             *(_random_bloc(tmp_path / f"x{s}.xlsx", s) for s in (0, 3, 6))]
    for src in books:
        result = check_file(src)
        bloc = result.parsed
        paths = [c.path for c in bloc.criteria if c.is_leaf]
        columns = dict(bloc.scores)
        assert columns and all(isinstance(v, UnitCells) for v in columns.values()), src.name
        rows = list(audit_table(result).tuples())
        analysis = [dataclasses.astuple(a) for a in analyse(result)]
        plain = {k: dict(v) for k, v in columns.items()}  # the same cells as RawCells
        reader = CellReader(paths)
        for key, cells in columns.items():
            want = CellReader(paths).columns(plain[key])
            assert reader.columns(cells) == want, (src.name, key)
            assert reader.refs(cells, want.present) == \
                CellReader(paths).refs(plain[key], want.present)
        bloc.scores = plain  # every reader now takes the RawCell path
        assert list(audit_table(result).tuples()) == rows, src.name
        assert [dataclasses.astuple(a) for a in analyse(result)] == analysis, src.name
