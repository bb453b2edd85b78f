"""The "Quy định" sheet: thresholds, the tie-break list (read with the engine's own
resolver), succession, the zero-leaf rule (v2) and the award forms table (older form names
read as the current ones), validated by
:mod:`thidua_xl.core.rules_schema`; every cell that cannot be read is named.
"""
from __future__ import annotations

from ..core.classify import parse_classification as _core_classification
from ..core.findings import Report
from ..core.models import (AwardForm, Bloc, Classification, Rules, Succession,
                           current_form_name, form_key)
from ..core.record import defaults
from ..core.scoring import shown_value
from ..core.text import clean, fold
from ..core.vocab import (
    DEFAULT_THRESHOLDS,
    FORM_COLUMNS,
    RULE_LABELS,
    SUCCESSION_DEPUTY_WORDS,
    SUCCESSION_RANK_WORDS,
    SUCCESSION_ROTATION_WORDS,
    TIEBREAK_BONUS,
    TIEBREAK_PENALTY,
    ZERO_RULE_NONE_WORDS,
    split_tiebreak,
)
from ..core.values import is_blank, parse_number, parse_yes_no
from .grid import SheetGrid
from .sheet_index import _Sheet, _find_header_anywhere, _key_values

TYPE_CHECKING = False  # typing itself is not imported at run time
if TYPE_CHECKING:
    from typing import Any


def parse_classification(raw: Any) -> Classification | None | str:
    """Full phrase or abbreviation → Classification; blank → None; anything else "bad"."""
    if is_blank(raw):
        return None
    return _core_classification(str(raw).replace(".", "")) or "bad"


_THRESHOLD_LABELS = {"htxs_percent": "Ngưỡng Hoàn thành xuất sắc",
                     "htt_percent": "Ngưỡng Hoàn thành tốt", "ht_percent": "Ngưỡng Hoàn thành"}
_FORM_FIELD_LABELS = {"name": "Tên hình thức", "max_count": "Số lượng tối đa",
                      "max_percent": "Tỷ lệ tối đa", "min_class": "Xếp loại tối thiểu",
                      "no_discipline": "Không bị kỷ luật", "last_year_htxs": "Năm trước HTXS"}
_FORM_FIXES = {"max_count": "Ghi số lượng là số nguyên không âm (0 để không đề nghị hình thức "
                            "này).",
               "max_percent": "Ghi tỷ lệ là phần trăm từ 0 đến 100.",
               "min_class": "Ghi HTXS, HTT, HT hoặc cụm từ đầy đủ.",
               "no_discipline": "Ghi \"Có\" hoặc \"Không\".",
               "last_year_htxs": "Ghi \"Có\" hoặc \"Không\"."}


def _parse_rules(sg: SheetGrid, bloc: Bloc, report: Report) -> Rules:
    """Read the "Quy định" sheet: turn what was typed into values here (naming every cell
    that cannot be read), then validate the rule set with the pydantic schema of
    :mod:`thidua_xl.core.rules_schema` and name the cell of every violation."""
    sh = _Sheet(sg)
    values: dict[str, Any] = {}
    where: dict[str, tuple[Any, str]] = {}  # key -> (as typed, cell)
    kv = _key_values(sh, RULE_LABELS)
    for key in ("htxs_percent", "htt_percent", "ht_percent"):
        if key in kv and not is_blank(kv[key][0]):
            raw, ref, _ = kv[key]
            where[key] = (raw, ref)
            p = parse_number(raw, percent_format=False)
            if p.value is None:
                report.emit("bad-rule", threshold=_THRESHOLD_LABELS[key], raw=shown_value(raw),
                            ref=ref)
            else:
                values[key] = p.value * 100 if 0 < p.value <= 1 else p.value  # 0,95 = 95 %
    if "tiebreak" in kv and not is_blank(kv["tiebreak"][0]):
        raw, ref, _ = kv["tiebreak"]
        values["tiebreak"] = _tiebreak_keys(raw, ref, bloc, report)
    if "succession" in kv and not is_blank(kv["succession"][0]):
        raw, ref, _ = kv["succession"]
        f = fold(raw)
        if any(fold(w) in f for w in SUCCESSION_ROTATION_WORDS):
            values["succession"] = Succession.ROTATION
        elif any(fold(w) in f for w in SUCCESSION_DEPUTY_WORDS):
            values["succession"] = Succession.DEPUTY
        elif any(fold(w) in f for w in SUCCESSION_RANK_WORDS):
            values["succession"] = Succession.RANK
        else:
            report.emit("bad-rule", variant="succession", raw=shown_value(raw), ref=ref)
    if "zero_forbids" in kv and not is_blank(kv["zero_forbids"][0]):
        raw, ref, _ = kv["zero_forbids"]
        zero = _zero_forbids(raw, ref, report)
        if zero is not None:
            values["zero_forbids"] = zero

    forms, form_cells = _read_forms(sh, report)
    rules = plainly_valid(values, forms)
    if rules is not None:
        return rules  # nothing for the schema to refuse (and pydantic-core not imported)
    from ..core.rules_schema import validate_rules

    rules, problems = validate_rules(values, forms)
    for pr in problems:
        if pr.loc and pr.loc[0] == "forms":
            i = pr.loc[1]
            cells, name = form_cells[i], forms[i]["name"]
            field_ = pr.loc[2] if len(pr.loc) > 2 else None
            if field_ in cells and field_ != "name":
                raw, ref = cells[field_]
                raw = shown_value(raw)  # "2,5", not "2.5"
                report.error(pr.code, f"{_FORM_FIELD_LABELS[field_]} của \"{name}\" là "
                             f"\"{raw}\": {pr.reason}.", _FORM_FIXES.get(field_, ""), ref=ref)
            elif pr.code == "form-duplicate":
                report.error(pr.code, f"Hình thức \"{name}\" ghi hai lần: {pr.reason}.",
                             "Mỗi hình thức ghi một dòng; xóa dòng trùng.",
                             ref=cells["name"][1])
            else:
                report.error(pr.code, f"Hình thức \"{name}\" {pr.reason}.",
                             "Ghi số lượng tối đa (0 để không đề nghị hình thức này) hoặc tỷ lệ "
                             "tối đa (%).", ref=cells["name"][1])
        elif pr.loc and pr.loc[0] in where:
            raw, ref = where[pr.loc[0]]
            raw = shown_value(raw)
            report.error(pr.code, f"{_THRESHOLD_LABELS[pr.loc[0]]} \"{raw}\" {pr.reason}.",
                         "Ghi ngưỡng là phần trăm từ 0 đến 100, ví dụ 95.", ref=ref)
        else:
            report.error(pr.code, pr.reason[:1].upper() + pr.reason[1:] + ".",
                         "Sửa các ngưỡng trong sheet \"Quy định\".", sheet=sg.name)
    return rules


#: what a value left out becomes: the models' defaults, which the schema takes too
_RULE_DEFAULTS = {k: v for k, v in defaults(Rules).items() if k not in ("from_sheet",)}
_FORM_DEFAULTS = defaults(AwardForm)


def _plain_percent(v: Any) -> bool:
    return (type(v) is float or type(v) is int) and 0 <= v <= 100 and v == v


def plainly_valid(values: dict[str, Any], forms: list[dict]) -> Rules | None:
    """The rules :func:`thidua_xl.core.rules_schema.validate_rules` gives, without importing
    pydantic-core (≈ 25 ms, most of a fresh ``check`` of a small workbook), when every
    value is plainly of the schema's type and in its range and the forms are distinct;
    None when anything is not (the schema then decides and names the problems). Only the
    values the parser makes are taken (floats, ints, bools, enums, stripped names): any
    other input goes to the schema, so this can agree with it and never differs
    (tests/io/test_rules_fast.py compares the two)."""
    got = dict(_RULE_DEFAULTS)
    for k, v in values.items():
        if v is None:
            continue  # the schema's caller drops these too
        if k not in got:
            return None
        if k in DEFAULT_THRESHOLDS:
            if not _plain_percent(v):
                return None
            v = float(v)
        elif k == "tiebreak":
            if type(v) is not list or not all(type(x) is str and x for x in v):
                return None
            v = list(v)
        elif k == "succession":
            if not isinstance(v, Succession):
                return None
        elif type(v) is not frozenset:  # zero_forbids
            return None
        got[k] = v
    if not got["htxs_percent"] >= got["htt_percent"] >= got["ht_percent"]:
        return None
    good: list[AwardForm] = []
    seen: set[str] = set()
    for fd in forms:
        form = dict(_FORM_DEFAULTS)
        name = fd.get("name")
        if type(name) is not str or not name or name != name.strip():
            return None
        for k, v in fd.items():
            if k == "name":
                continue
            if k not in form:
                return None
            if v is None:
                if k not in ("max_count", "max_percent", "min_class", "ref"):
                    return None
            elif k == "max_count":
                if type(v) is float and v.is_integer() and 0 <= v < 2**53:
                    v = int(v)
                elif type(v) is not int or v < 0:
                    return None
            elif k == "max_percent":
                if not _plain_percent(v):
                    return None
                v = float(v)
            elif k == "min_class":
                if not isinstance(v, Classification):
                    return None
            elif k == "ref":
                if type(v) is not str:
                    return None
            elif type(v) is not bool:  # no_discipline, last_year_htxs
                return None
            form[k] = v
        if form["max_count"] is None and form["max_percent"] is None:
            return None
        key = form_key(name)
        if key in seen:
            return None
        seen.add(key)
        good.append(AwardForm(name=name, **form))
    rules = Rules(**got, from_sheet=True)
    if good:
        rules.forms = good
    return rules


def _tiebreak_keys(raw: Any, ref: str, bloc: Bloc, report: Report) -> list[str]:
    """The tie-break items as keys ("Điểm trừ", "Điểm thưởng" or a section path), read with
    the engine's own resolver (:func:`thidua_xl.core.ranking.resolve_tiebreak`) so that
    every word the engine accepts is accepted here and nothing else."""
    from ..core.ranking import resolve_tiebreak

    sections = [(c.path, c.text) for c in bloc.criteria if c.level == 1]
    keys: list[str] = []
    for it in split_tiebreak(raw):
        found, unknown = resolve_tiebreak([it], sections)
        if unknown or not found:
            report.emit("bad-tiebreak", it=it, ref=ref)
            continue
        key = found[0]
        keys.append({"penalty": TIEBREAK_PENALTY, "bonus": TIEBREAK_BONUS}.get(key.kind,
                                                                            key.section))
    return keys


def _zero_forbids(raw: Any, ref: str, report: Report) -> frozenset | None:
    """"HTXS; HTT" → the classes a zero leaf forbids; "Không" → none; else an error."""
    if fold(raw) in {fold(w) for w in ZERO_RULE_NONE_WORDS}:
        return frozenset()
    out: set[Classification] = set()
    for item in str(raw).replace("\n", ";").replace(",", ";").split(";"):
        if not clean(item):
            continue
        c = parse_classification(item)
        if not isinstance(c, Classification):
            report.emit("bad-rule", variant="zero-rule", item=clean(item), ref=ref)
            return None
        out.add(c)
    return frozenset(out)


def _read_forms(sh: _Sheet, report: Report) -> tuple[list[dict], list[dict]]:
    """The forms table as typed values (one dict a row) and, a row each, field ->
    (as typed, cell). Cells that cannot be read are reported and their row left out."""
    found = _find_header_anywhere(sh, FORM_COLUMNS, ("name",))
    if found is None:
        return [], []
    hr, cols = found
    forms: list[dict] = []
    cells: list[dict] = []
    seen = False
    for r in range(hr + 1, sh.max_row + 1):
        name = clean(sh.get(r, cols["name"]))
        if not name:
            if seen:  # the table ends at its first blank row
                break
            continue
        ok = True
        name = current_form_name(name)  # older wordings read, the current one written
        fd: dict[str, Any] = {"name": name, "ref": sh.ref(r, cols["name"])}
        fc: dict[str, tuple[Any, str]] = {"name": (name, sh.ref(r, cols["name"]))}
        for key, c in cols.items():
            if key == "name":
                continue
            raw = sh.get(r, c)
            fc[key] = (raw, sh.ref(r, c))
            if is_blank(raw):
                continue
            label = _FORM_FIELD_LABELS[key]
            if key in ("max_count", "max_percent"):
                p = parse_number(raw, percent_format=(r, c) in sh.sg.percent)
                if p.problem or p.value is None:
                    report.error("bad-rule", f"{label} của \"{name}\" là \"{raw}\": không phải "
                                 "là số.", _FORM_FIXES[key], ref=sh.ref(r, c))
                    ok = False
                else:
                    fd[key] = p.value
            elif key == "min_class":
                v = parse_classification(raw)
                if v == "bad":
                    report.error("bad-rule", f"{label} \"{raw}\" của \"{name}\" không nhận ra.",
                                 _FORM_FIXES[key], ref=sh.ref(r, c))
                    ok = False
                else:
                    fd[key] = v
            else:
                yn, problem = parse_yes_no(raw)
                if problem:
                    report.error("bad-rule", f"Cột \"{FORM_COLUMNS[key][0]}\" của \"{name}\" "
                                 f"là \"{raw}\": cần Có hoặc Không.", _FORM_FIXES[key],
                                 ref=sh.ref(r, c))
                    ok = False
                elif yn is not None:
                    fd[key] = yn
        seen = True
        if ok:
            forms.append(fd)
            cells.append(fc)
    return forms, cells
