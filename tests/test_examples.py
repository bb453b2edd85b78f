"""End to end: the bundled example workbooks reproduce what their seed articles state.

Each example (workbooks/examples, built by workbooks/build_examples.py) is scored by the
command line exactly as a user would (``python -m thidua_xl score FILE -o OUT --json``) on a
copy in ``tmp_path``; the JSON must carry every outcome the seed article states (awards per
unit, ranks, next head and deputy), no findings, and the output workbook its three sheets.
Every unit's total, rank, classification and award must also equal the generator's own
hand calculation from the spec, and the committed files what the generator builds.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbooks" / "examples"
BUILDER = ROOT / "workbooks" / "build_examples.py"

GOV = "Cờ thi đua của Chính phủ"
PROV = "Cờ thi đua của UBND tỉnh"
MERIT = "Bằng khen của Chủ tịch UBND tỉnh"

#: what each seed article (shared/seeds/NNN_*.txt, summarised in shared/spec/domain.md,
#: "What the seeds report") states; "awards" lists every award the article names, so no other
#: unit may be proposed one.
STATED = {
    "000": dict(
        bloc="Khối thi đua cơ quan tham mưu quản lý nhà nước về kinh tế", year=2021, units=9,
        awards={GOV: ["Sở Nông nghiệp và Phát triển nông thôn"], PROV: ["Liên minh HTX"],
                MERIT: ["Sở Công thương"]},
        next_head="Sở Xây dựng"),
    "001": dict(
        bloc="Cụm thi đua số 8", year=2021, units=8,
        ranks={"Ban Dân tộc tỉnh": 1, "Sở Tư pháp": 2, "Sở Nội vụ": 3},
        next_head="Ban Dân tộc tỉnh", next_deputy="Sở Tư pháp"),
    "002": dict(
        bloc="Khối thi đua các cơ quan Tham mưu - Tổng hợp", year=2023,
        awards={GOV: ["Sở Tài chính"], PROV: [],
                MERIT: ["Văn phòng UBND tỉnh", "Sở Kế hoạch và Đầu tư"]},
        next_head="Sở Tài chính", next_deputy="Văn phòng UBND tỉnh"),
    "003": dict(
        bloc="Khối thi đua sở, ngành Kinh tế - Kỹ thuật", year=2022,
        award_counts={GOV: 1, PROV: 2, MERIT: 1},
        next_head="Sở Công Thương", next_deputy="Ban Quản lý các Khu công nghiệp tỉnh"),
    "004": dict(
        bloc="Khối thi đua Hành chính – Tổng hợp", year=2013, units=10,
        awards={GOV: [], PROV: ["Văn phòng UBND tỉnh"],
                MERIT: ["Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Sở Công Thương",
                        "Sở Tài nguyên và Môi trường"]}),
}

OUTPUT_SHEETS = ("Kết quả", "Đề nghị khen thưởng", "Kiểm tra")


def key(name: str | None) -> str:
    """Unit names compare like the product compares them (NFC, case, spaces)."""
    return " ".join(unicodedata.normalize("NFC", name or "").casefold().split())


def example(prefix: str) -> Path:
    found = sorted(EXAMPLES.glob(f"{prefix}_*.xlsx"))
    assert len(found) == 1, f"one example {prefix}_*.xlsx expected in {EXAMPLES}, got {found}"
    return found[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return subprocess.run([sys.executable, "-m", "thidua_xl", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def load_builder():
    """workbooks/build_examples.py as a module (it is a script, not part of the package)."""
    name = "thidua_build_examples"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BUILDER)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod  # dataclasses look their module up while the class is made
        spec.loader.exec_module(mod)
    return sys.modules[name]


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> dict:
    """Score each example once with the command line: prefix -> (run, json, paths)."""
    cache: dict = {}

    def get(prefix: str):
        if prefix not in cache:
            src = example(prefix)
            before = sha(src)
            tmp = tmp_path_factory.mktemp(f"ex{prefix}")
            copy = tmp / src.name
            shutil.copyfile(src, copy)
            out = tmp / "ket_qua.xlsx"
            proc = run_cli("score", str(copy), "-o", str(out), "--json", cwd=tmp)
            assert proc.returncode == 0, \
                f"exit {proc.returncode}\n{proc.stderr}\n{proc.stdout[:2000]}"
            doc = json.loads(proc.stdout)
            if isinstance(doc, list):
                assert len(doc) == 1
                doc = doc[0]
            cache[prefix] = dict(doc=doc, src=src, copy=copy, out=out, before=before)
        return cache[prefix]
    return get


def test_five_examples_are_bundled():
    assert sorted(p.name[:3] for p in EXAMPLES.glob("*.xlsx")) == sorted(STATED)


@pytest.mark.parametrize("prefix", sorted(STATED))
def test_example_reproduces_its_seed(prefix: str, scored):
    doc = scored(prefix)["doc"]
    # a clean example: no error and no warning (the totals row matches, max declared right)
    assert doc["findings"] == [], doc["findings"]
    st = STATED[prefix]
    assert doc["bloc"] == st["bloc"]
    assert doc["year"] == st["year"]
    units = doc["units"]
    if "units" in st:
        assert len(units) == st["units"]
    by_name = {key(u["name"]): u for u in units}
    assert all(u["rank"] is not None for u in units)
    assert [u["rank"] for u in units] == sorted(u["rank"] for u in units), "rank order"

    for name, rank in st.get("ranks", {}).items():
        assert by_name[key(name)]["rank"] == rank, (name, by_name[key(name)])

    awarded: dict[str, list[str]] = {}
    for u in units:
        if u["award"]:
            awarded.setdefault(u["award"], []).append(key(u["name"]))
    if "awards" in st:
        for form, names in st["awards"].items():
            assert sorted(awarded.get(form, [])) == sorted(key(n) for n in names), \
                (form, awarded)
        named = {key(n) for names in st["awards"].values() for n in names}
        others = {n for names in awarded.values() for n in names} - named
        assert not others, f"awards the article does not name: {others}"
    for form, count in st.get("award_counts", {}).items():
        assert len(awarded.get(form, [])) == count, (form, awarded)
    for u in units:
        if u["award"]:
            assert u["classification"] == "Hoàn thành xuất sắc nhiệm vụ", u

    if "next_head" in st:
        assert key(doc["next_head"]) == key(st["next_head"])
    if "next_deputy" in st:
        assert key(doc["next_deputy"]) == key(st["next_deputy"])


@pytest.mark.parametrize("prefix", sorted(STATED))
def test_example_matches_the_hand_calculation(prefix: str, scored):
    """Every unit's total, rank, classification and award, and the next head and deputy,
    equal the generator's own calculation from the spec (an oracle independent of the
    product), not only the outcomes the article happens to state."""
    doc = scored(prefix)["doc"]
    calc = load_builder().hand_calculation(prefix)
    assert doc["max_total"] == pytest.approx(calc["max_total"])
    hand = {key(n): u for n, u in calc["units"].items()}
    assert sorted(hand) == sorted(key(u["name"]) for u in doc["units"])
    for u in doc["units"]:
        h = hand[key(u["name"])]
        assert u["total"] == pytest.approx(h["total"], abs=1e-9), u["name"]
        assert u["rank"] == h["rank"], u["name"]
        assert u["tie"] is False, u["name"]
        assert u["classification"] == h["cls"], u["name"]
    awards = {key(n): f for n, f in calc["awards"].items()}
    assert {key(u["name"]): u["award"] for u in doc["units"] if u["award"]} == awards
    assert key(doc["next_head"]) == key(calc["next_head"])
    assert key(doc["next_deputy"]) == key(calc["next_deputy"])


@pytest.mark.parametrize("prefix", sorted(STATED))
def test_example_output_workbook_and_untouched_input(prefix: str, scored):
    run = scored(prefix)
    out = run["out"]
    assert out.exists()
    wb = load_workbook(out, read_only=True)
    try:
        for sheet in OUTPUT_SHEETS:
            assert sheet in wb.sheetnames, wb.sheetnames
        for sheet in ("Thông tin", "Đơn vị", "Chấm điểm", "Quy định"):
            assert sheet in wb.sheetnames, wb.sheetnames
    finally:
        wb.close()
    # the input is never modified, and the bundled file neither
    assert sha(run["copy"]) == run["before"]
    assert sha(run["src"]) == run["before"]


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    try:
        out = {}
        for ws in wb.worksheets:
            out[ws.title] = [tuple(r) for r in ws.iter_rows(values_only=True)]
            out[ws.title + " (merged)"] = sorted(str(m) for m in ws.merged_cells.ranges)
        return out
    finally:
        wb.close()


def test_committed_examples_are_reproducible(tmp_path: Path):
    proc = subprocess.run([sys.executable, str(BUILDER), "--out", str(tmp_path)],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, proc.stderr
    built = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert built == sorted(p.name for p in EXAMPLES.glob("*.xlsx"))
    for name in built:
        assert _values(tmp_path / name) == _values(EXAMPLES / name), \
            f"{name}: run `python workbooks/build_examples.py` and commit the result"
