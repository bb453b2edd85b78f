"""One word, one verdict: the same input gives the same answer on every path.

The words are :mod:`thidua_xl.core.vocab`'s. A tie-break word typed in a workbook's
"Quy định" sheet ranks the units as the engine ranks them with that word; a discipline word
gives the same classification in a workbook (CLI), in TD_XEPLOAI and in the engine, and an
unknown word is an error on every path; the template writes the maxima the engine computes;
the writers and the core format numbers alike.
"""
from __future__ import annotations

import pytest

from tests.builders import crit, write_bloc
from thidua_xl.api import check_file, read_grid
from thidua_xl.core import vocab
from thidua_xl.core.classify import classify_with_note
from thidua_xl.core.engine import evaluate
from thidua_xl.core.models import Discipline
from thidua_xl.core.ranking import resolve_tiebreak
from thidua_xl.io.parser import parse_grid
from thidua_xl.udfs import TD_XEPLOAI
from thidua_xl.excel.udfs import ERROR_PREFIX

UNITS = ["Sở A", "Sở B", "Sở C"]
# equal totals (17); A has less penalty, B more section II, C more bonus
CRITERIA = [
    crit("I", "Công tác chuyên môn"),
    crit("1", "Chuyên môn", 10, scores={"Sở A": 9, "Sở B": 7, "Sở C": 8}),
    crit("II", "Công tác phong trào"),
    crit("1", "Phong trào", 10, scores={"Sở A": 8, "Sở B": 10, "Sở C": 8}),
    crit("III", "Điểm thưởng", type="Điểm thưởng"),
    crit("1", "Thưởng", 5, type="Điểm thưởng", scores={"Sở A": 0, "Sở B": 1, "Sở C": 3}),
    crit("IV", "Điểm trừ", type="Điểm trừ"),
    crit("1", "Trừ", 5, type="Điểm trừ", scores={"Sở A": 0, "Sở B": 1, "Sở C": 2}),
]

TIE_WORDS = [*vocab.TIEBREAK_PENALTY_WORDS, *vocab.TIEBREAK_BONUS_WORDS, "II", "Mục II",
             "Phần II", "Công tác phong trào", "I", "Nhóm I"]


def _bloc_result(tmp_path, name, **kw):
    path = write_bloc(tmp_path / f"{name}.xlsx", units=kw.pop("units", UNITS),
                      criteria=kw.pop("criteria", CRITERIA), **kw)
    return check_file(path)


@pytest.mark.parametrize("word", TIE_WORDS)
def test_every_tiebreak_word_ranks_alike_in_a_workbook_and_in_the_engine(tmp_path, word):
    result = _bloc_result(tmp_path, "t", rules={"Thứ tự phân định đồng hạng": f"{word}; I"})
    assert not [f for f in result.findings if f.code in ("bad-tiebreak", "tiebreak-unknown")]
    assert result.status == "ok"
    # the engine, given the same word on the same bloc
    bloc, report = parse_grid(read_grid(tmp_path / "t.xlsx"))
    keys, unknown = resolve_tiebreak([word, "I"], [("I", "Công tác chuyên môn"),
                                                   ("II", "Công tác phong trào")])
    assert not unknown
    bloc.rules.tiebreak = [word, "I"]
    direct = evaluate(bloc, report)
    assert [u.name for u in result.units] == [u.name for u in direct.units]
    assert len({u.total for u in result.units}) == 1  # the words really broke a tie
    assert [u.rank for u in result.units] == [1, 2, 3]


def test_an_unknown_tiebreak_word_is_refused_on_every_path(tmp_path):
    result = _bloc_result(tmp_path, "t", rules={"Thứ tự phân định đồng hạng": "Điểm trừ; Xyz"})
    bad = [f for f in result.findings if f.code == "bad-tiebreak"]
    assert len(bad) == 1 and "Xyz" in bad[0].message and bad[0].ref.startswith("Quy định!")
    assert resolve_tiebreak(["Xyz"], [("I", "")])[1] == ["Xyz"]


DISCIPLINE_WORDS = [None, "", *vocab.DISCIPLINE_NONE_WORDS, *vocab.DISCIPLINE_REPRIMAND_WORDS,
                    *vocab.DISCIPLINE_WARNING_WORDS, *vocab.DISCIPLINE_HEAVIER_WORDS,
                    "Phê bình", "khiển trách (năm 2023)"]


@pytest.mark.parametrize("word", DISCIPLINE_WORDS)
def test_every_discipline_word_gives_one_verdict_on_every_path(tmp_path, word):
    units = [{"name": "Sở A", "discipline": word}, {"name": "Sở B"}, {"name": "Sở C"}]
    result = _bloc_result(tmp_path, "d", units=units)
    udf = TD_XEPLOAI(17.0 + 0.0, 17.0 + 0.0, word)  # 100 %: HTXS before any cap
    name = vocab.discipline_name(word)
    bad = [f for f in result.findings if f.code == "bad-discipline"]
    if name is None:  # unknown: an error in the workbook, an error value in the cell
        assert bad and result.status == "errors"
        assert isinstance(udf, str) and udf.startswith(ERROR_PREFIX)
        return
    assert not bad and result.status == "ok"
    unit = next(u for u in result.units if u.name == "Sở A")
    engine = classify_with_note(unit.percent, unit.has_zero_leaf, Discipline[name])[0]
    assert unit.classification == engine
    # the same percent and word through the worksheet function
    assert TD_XEPLOAI(unit.total, result.max_total, word) == engine.value


def test_discipline_words_cap_as_documented():
    assert TD_XEPLOAI(98, 100, "Phê bình").startswith(ERROR_PREFIX)
    assert TD_XEPLOAI(98, 100, "Khiển trách") == "Hoàn thành tốt nhiệm vụ"
    assert TD_XEPLOAI(98, 100, "Cách chức") == "Hoàn thành nhiệm vụ"
    assert TD_XEPLOAI(98, 100, "Không") == "Hoàn thành xuất sắc nhiệm vụ"


def test_template_writes_the_maxima_the_engine_computes(tmp_path):
    from thidua_xl import template

    criteria = template.sample_criteria()
    # blank every parent's max: the template computes them
    criteria = [template.TemplateCriterion(c.code, c.text, c.max if c.code[:1].isdigit()
                                           or c.code in ("a", "b", "-") else None, c.type,
                                           c.weight, c.target, c.per_time) for c in criteria]
    maxes, max_total = template.computed_max(criteria)
    path = tmp_path / "mau.xlsx"
    template.build_template(criteria=criteria).save(path)
    bloc, report = parse_grid(read_grid(path))
    assert bloc is not None
    result = evaluate(bloc, report)
    assert result.max_total == max_total
    assert not [f for f in result.findings if f.code in ("parent-max-mismatch",
                                                         "declared-max-mismatch")]
    written = [c.max for c in bloc.criteria if c.code]
    assert written == maxes
    from thidua_xl.core.engine import Tree

    tree = Tree.build(bloc)
    scored_parents = [c for c in bloc.criteria
                      if not c.is_leaf and tree.types[c.path].is_scored and c.level >= 1]
    assert scored_parents
    for c in scored_parents:
        assert c.max == tree.computed_max(c), c.path


@pytest.mark.parametrize("x", [0, 1, 2.675, 0.125, 98.5, 99.995, 1234.5, -0.004])
def test_one_vn_number(x):
    from thidua_xl.core.values import vn_number
    from thidua_xl.io import outputs

    assert outputs.vn_number(x) == vn_number(x, 2)
    assert outputs.vn_number(None) == outputs.BLANK
