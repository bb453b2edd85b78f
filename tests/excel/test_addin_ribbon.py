"""The ribbon XML against Microsoft's references: the customUI14 schema and Excel's
published control ids (tests/excel/data/README.md names both sources)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from thidua_xl import addin

DATA = Path(__file__).parent / "data"
NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
#: what each button shows, in ribbon order
SHOWN = ["Kiểm tra sổ", "Tính điểm & xếp hạng", "Đề nghị khen thưởng",
         "Gộp phiếu tự chấm", "Tạo sổ mẫu", "Xuất PDF", "Hướng dẫn"]


def excel_control_ids() -> set[str]:
    lines = (DATA / "excel_control_ids.txt").read_text(encoding="utf-8").splitlines()
    return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


def shown(label: str) -> str:
    """A ribbon label as Office shows it: "&&" is one "&", a lone "&" marks an access key
    and is not shown."""
    return re.sub(r"&(&?)", lambda m: m.group(1), label)


@pytest.fixture(scope="module")
def ribbon_xml(tmp_path_factory) -> bytes:
    built = addin.build(tmp_path_factory.mktemp("ribbon"))
    with zipfile.ZipFile(built) as z:
        return z.read("customUI/customUI.xml")


def test_ribbon_validates_against_customui14_xsd(ribbon_xml):
    import xmlschema  # the test extra; a missing install fails here rather than skipping

    schema = xmlschema.XMLSchema10(str(DATA / "customui14.xsd"))
    schema.validate(ribbon_xml.decode("utf-8"))
    # the validator does catch what Office would refuse
    bad = ribbon_xml.decode("utf-8").replace('size="large"', 'size="huge"', 1)
    assert not schema.is_valid(bad)


def test_control_id_list_is_excels():
    ids = excel_control_ids()
    assert len(ids) > 2000
    assert {"ErrorChecking", "ReviewTrackChangesMenu", "Calculator", "Help"} <= ids
    assert "ReviewTrackChanges" not in ids  # Word's, not Excel's


def test_every_image_mso_is_an_excel_control(ribbon_xml):
    ids = excel_control_ids()
    root = ET.fromstring(ribbon_xml)
    images = [e.get("imageMso") for e in root.iter() if e.get("imageMso")]
    assert len(images) == len(SHOWN)
    assert [i for i in images if i not in ids] == []


def test_labels_show_what_the_staff_read(ribbon_xml):
    root = ET.fromstring(ribbon_xml)
    labels = [b.get("label") for b in root.iter(f"{NS}button")]
    assert [shown(label) for label in labels] == SHOWN
    assert "Tính điểm && xếp hạng" in labels
    for e in root.iter():
        for attr in ("label", "screentip", "supertip"):
            value = e.get(attr) or ""
            # no lone "&" anywhere: it would eat the next letter
            assert not re.search(r"(?<!&)&(?!&)", value.replace("&&", "")), (attr, value)


def test_shown_reads_access_keys_like_office():
    assert shown("&Mở") == "Mở"
    assert shown("A && B") == "A & B"
    assert shown("A & B") == "A  B"


def test_excel_checklist_covers_every_button_and_function(ribbon_xml):
    from thidua_xl.excel.udfs import UDF_NAMES

    text = (Path(__file__).resolve().parents[2] / "docs" / "excel-checklist.md").read_text(
        encoding="utf-8")
    root = ET.fromstring(ribbon_xml)
    for b in root.iter(f"{NS}button"):
        assert f'"{shown(b.get("label"))}"' in text, b.get("label")
        assert b.get("imageMso") in text, b.get("imageMso")
    for name in UDF_NAMES:
        assert f"={name}(" in text, name
