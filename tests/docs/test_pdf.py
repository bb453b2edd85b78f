"""PDF export through LibreOffice: the documents as a person would print them."""
from __future__ import annotations

import subprocess
import threading
import zipfile

import pytest

from tests.docs.pdfcheck import DECIMAL_POINT, is_a4, needs_lo, needs_poppler, page_sizes, pdf_text
from tests.docs.samples import info_bloc, injection_result, long_notes_result, realistic_result
from thidua_xl.errors import ThiduaError
from thidua_xl.io import pdf as pdf_mod
from thidua_xl.io.outputs import build_plan
from thidua_xl.io.pdf import export_pdf, find_soffice
from thidua_xl.io.plan import OUTPUT_MINUTES, OUTPUT_PROPOSALS, OUTPUT_RESULTS
from thidua_xl.io.render_openpyxl import render_to_file


@pytest.fixture(scope="module")
def sample_xlsx(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "ketqua.xlsx"
    render_to_file(build_plan(realistic_result()), path)
    return path


def test_missing_libreoffice_is_a_clear_vietnamese_error(tmp_path, monkeypatch, sample_xlsx):
    monkeypatch.setattr(pdf_mod, "find_soffice", lambda: None)
    with pytest.raises(ThiduaError) as exc:
        export_pdf(sample_xlsx, tmp_path / "x.pdf")
    msg = str(exc.value)
    assert "LibreOffice" in msg and "cài" in msg.lower()
    assert "Export > PDF" in msg
    assert not (tmp_path / "x.pdf").exists()


def test_find_soffice_honours_the_environment(monkeypatch, tmp_path):
    fake = tmp_path / "my-soffice"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(pdf_mod.SOFFICE_ENV, str(fake))
    assert find_soffice() == str(fake)


@pytest.mark.libreoffice
@needs_lo
@needs_poppler
def test_whole_workbook_pdf(tmp_path, sample_xlsx):
    out = export_pdf(sample_xlsx, tmp_path / "all.pdf")
    assert out == tmp_path / "all.pdf" and out.stat().st_size > 1000
    text = pdf_text(out)
    result = realistic_result()
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", "BIÊN BẢN HỌP BÌNH XÉT THI ĐUA NĂM 2021",
                   "KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM 2021"):
        assert needle in text
    for u in result.units:
        assert u.name in text
    # "Kết quả" keeps real numbers: LibreOffice's vi-VN profile prints them with a comma
    # whatever this machine's locale
    assert "99,00" in text and "58,50" in text
    assert not DECIMAL_POINT.search(text), DECIMAL_POINT.findall(text)
    sizes = page_sizes(out)
    assert sizes and all(is_a4(s) for s in sizes)
    with zipfile.ZipFile(sample_xlsx) as z:
        assert "xl/charts/chart1.xml" in z.namelist()


@pytest.mark.libreoffice
@needs_lo
@needs_poppler
def test_recommendation_pdf_alone(tmp_path, sample_xlsx):
    out = export_pdf(sample_xlsx, tmp_path / "de-nghi.pdf", sheets=[OUTPUT_PROPOSALS])
    text = pdf_text(out)
    result = realistic_result()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text
    assert "KHỐI THI ĐUA CƠ QUAN THAM MƯU" in text
    for p in result.proposals:
        assert p.unit in text
        assert p.form in text
    for g in result.tie_groups:
        for name in g.units:
            assert name in text
    assert "Đề xuất suy tôn Khối trưởng năm 2022" in text
    assert "TM. KHỐI THI ĐUA" in text and "KHỐI TRƯỞNG" in text
    assert "Nơi nhận:" in text and "Sở Nội vụ (Phòng Thi đua, khen thưởng)" in text
    assert "Biên bản" not in text and "KẾT QUẢ CHẤM ĐIỂM" not in text  # only that sheet
    sizes = page_sizes(out)
    assert sizes == [sizes[0]] * len(sizes)
    assert len(sizes) == 1, "the sample recommendation fits one page"
    w, h = sizes[0]
    assert is_a4((w, h)) and h > w  # portrait


@pytest.mark.libreoffice
@needs_lo
@needs_poppler
def test_long_recommendation_repeats_the_table_header(tmp_path):
    result = long_notes_result()
    xlsx = render_to_file(build_plan(result), tmp_path / "long.xlsx")
    out = export_pdf(xlsx, tmp_path / "long.pdf", sheets=[OUTPUT_PROPOSALS])
    sizes = page_sizes(out)
    assert len(sizes) >= 2 and all(is_a4(s) and s[1] > s[0] for s in sizes)
    text = pdf_text(out)
    for p in result.proposals:
        assert p.unit in text
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-raw", str(out), "-"],
                           capture_output=True, check=True).stdout.decode("utf-8")
    assert "Tên đơn vị" in page2 and "Ghi chú" in page2


@pytest.mark.libreoffice
@needs_lo
@needs_poppler
def test_formula_like_text_prints_literally(tmp_path):
    xlsx = render_to_file(build_plan(injection_result()), tmp_path / "inj.xlsx")
    text = pdf_text(export_pdf(xlsx, tmp_path / "inj.pdf", sheets=[OUTPUT_RESULTS]))
    assert '=HYPERLINK("http://evil.example","bấm vào")' in text
    assert "@SUM(A1:A2)" in text
    assert "=1+1" in text
    words = text.split()
    assert "+1" in words and "-x" in words
    assert "#NAME" not in text and "Err:" not in text


@pytest.mark.libreoffice
@needs_lo
def test_parallel_exports_do_not_clash_and_replace_atomically(tmp_path, sample_xlsx):
    targets = [tmp_path / f"p{i}.pdf" for i in range(2)]
    targets[0].write_bytes(b"old content")
    errors: list[BaseException] = []

    def run(t):
        try:
            export_pdf(sample_xlsx, t, sheets=[OUTPUT_MINUTES])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for t in targets:
        assert t.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p0.pdf", "p1.pdf"]


@pytest.mark.libreoffice
@needs_lo
def test_unknown_sheet_is_a_usage_error(tmp_path, sample_xlsx):
    with pytest.raises(ThiduaError):
        export_pdf(sample_xlsx, tmp_path / "x.pdf", sheets=["Không có"])
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.libreoffice
@needs_lo
@needs_poppler
@pytest.mark.parametrize("extra_notes", [0, 1, 4, 6])
def test_signature_block_is_never_split(tmp_path, extra_notes):
    result = realistic_result()
    for i, p in enumerate(result.proposals):
        p.notes += [f"Ưu tiên: ghi chú riêng số {i} của đơn vị, khá dài để bảng cao "
                    f"hơn bình thường"] * extra_notes
    bloc = info_bloc(signer="Nguyễn Văn An", signer_title="Giám đốc Sở Tài chính")
    xlsx = render_to_file(build_plan(result, bloc=bloc), tmp_path / "n.xlsx")
    out = export_pdf(xlsx, tmp_path / "n.pdf", sheets=[OUTPUT_PROPOSALS])
    pages = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                           check=True).stdout.decode("utf-8").split("\f")
    pages = [" ".join(pg.split()) for pg in pages if pg.strip()]
    block = ["Đề xuất suy tôn Khối trưởng", "Nơi nhận:", "Lưu: VT.", "TM. KHỐI THI ĐUA",
             "KHỐI TRƯỞNG", "GIÁM ĐỐC SỞ TÀI CHÍNH", "Nguyễn Văn An"]
    on = {t: [k for k, pg in enumerate(pages) if t in pg] for t in block}
    assert all(len(v) == 1 for v in on.values()), on
    assert len({v[0] for v in on.values()}) == 1, on
    page = pages[on["Lưu: VT."][0]]
    assert page.index("KHỐI TRƯỞNG") < page.index("GIÁM ĐỐC SỞ TÀI CHÍNH") < \
        page.rindex("Nguyễn Văn An")  # the person signs, under the title
    # the closing never stands alone: a table row or the tie lines are on its page too
    assert on["Lưu: VT."][0] == 0 or "Sở" in page.split("Đề xuất suy tôn")[0]
