"""`merge` findings as good as `check`'s: nothing about blank bonus/penalty rows (they count
0), a near name for a misspelt unit, the fix column always, aligned lines when redirected."""
from __future__ import annotations

from tests.builders import write_bloc
from tests.province.helpers import write_self_score
from thidua_xl.merge import merge_files

from .corpus import UNITS, _criteria

SELF = {"Sở Tư pháp": 9, "Sở Tài chính": 8, "Sở Y tế": 7}


def _bloc(tmp_path):
    crits = _criteria()
    for c in crits:
        c["scores"] = {}
    return write_bloc(tmp_path / "khoi.xlsx", units=list(UNITS), criteria=crits,
                      subcols=("Tự chấm", "Khối chấm", "Thống nhất"))


def _form(tmp_path, unit: str, name: str | None = None):
    """A complete self-score form; the bonus and penalty rows left blank."""
    v = SELF[unit]
    rows = [("I", "Công tác chung", 30, None), ("1", "Xây dựng kế hoạch", 10, v),
            ("2", "Tổ chức thực hiện", 20, None), ("2.1", "Ban hành văn bản", 12, v),
            ("2.2", "Kiểm tra, giám sát", 8, 6), ("II", "Nhiệm vụ chuyên môn", 40, None),
            ("1", "Hoàn thành báo cáo đúng hạn", 10, "Đạt"),
            ("2", "Tỷ lệ hồ sơ giải quyết đúng hạn", 20, 90),
            ("3", "Cải cách hành chính", 10, v), ("III", "Điểm thưởng", 5, None),
            ("1", "Sáng kiến được công nhận", 5, None), ("IV", "Điểm trừ", 5, None),
            ("1", "Chậm gửi báo cáo", 5, None)]
    return write_self_score(tmp_path / f"{unit}.xlsx", name or unit, rows)


def test_blank_bonus_and_penalty_rows_say_nothing(tmp_path):
    bloc = _bloc(tmp_path)
    forms = [_form(tmp_path, u) for u in UNITS]
    out = merge_files(bloc, forms, tmp_path / "out.xlsx")
    assert out.report.findings == []
    assert len(out.matched) == 3


def test_a_misspelt_unit_name_is_one_error_with_the_near_name(tmp_path):
    bloc = _bloc(tmp_path)
    forms = [_form(tmp_path, "Sở Tư pháp", name="Sở Tư phá"),
             _form(tmp_path, "Sở Tài chính"), _form(tmp_path, "Sở Y tế")]
    out = merge_files(bloc, forms, tmp_path / "out.xlsx")
    [f] = out.report.findings
    assert f.code == "self-score-unknown-unit" and f.cell == "B2"
    assert "có phải 'Sở Tư pháp'?" in f.message
    assert "'Sở Tư pháp'" in f.fix and f.fix not in f.message


def test_redirected_output_is_aligned_lines_with_the_fix(tmp_path, capsys):
    from thidua_xl.cli import main

    bloc = _bloc(tmp_path)
    forms = [_form(tmp_path, "Sở Tư pháp", name="Sở Tư phá"), _form(tmp_path, "Sở Y tế")]
    code = main(["merge", str(bloc), *map(str, forms), "-o", str(tmp_path / "out.xlsx")])
    out = capsys.readouterr().out
    assert code == 1
    assert not any(ch in out for ch in "│┃━─┏┗")  # no boxes in a file
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Mức độ"))
    assert "Cách sửa" in header
    rows = [line for line in lines if line.startswith(("Lỗi", "Cảnh báo"))]
    assert len(rows) == 2  # the misspelt form; Sở Tài chính has no form
    assert "Sửa tên đơn vị trong phiếu thành 'Sở Tư pháp'" in out
    # aligned: the code column starts at the same place on every row
    starts = {line.index(" self-score-unknown-unit") if "unknown-unit" in line
              else line.index(" unit-without-self-score") for line in rows}
    assert len(starts) == 1


def test_an_unreadable_bloc_says_its_fix(tmp_path, capsys):
    from thidua_xl.cli import main

    bad = tmp_path / "khoi.xlsx"
    bad.write_text("STT;Tên đơn vị\n1;Sở A\n", encoding="utf-8")  # a CSV named .xlsx
    form = _form(tmp_path, "Sở Y tế")
    assert main(["merge", str(bad), str(form)]) == 2
    out = capsys.readouterr().out
    assert "Không đọc được sổ khối \"khoi.xlsx\": nội dung không phải sổ tính Excel" in out
    assert "Cách sửa" in out and "Save As" in out  # the fix column, once
    assert out.count("Không đọc được") == 1  # said once, not "… sổ khối: Không đọc được tệp …"
