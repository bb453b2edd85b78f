"""xmlsafe.parse: the small parts' tree without ElementTree must read as defusedxml's
fromstring does (tags, attributes with namespaces, order), and refuse what it refuses."""
import pytest
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from xml.parsers.expat import ExpatError

from thidua_xl.io.xmlsafe import Unsafe, parse

_DOCS = [
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://x/officeDocument" Target="xl/workbook.xml"/>'
    b'<Relationship Id="rId2" Type="http://x/core" Target="docProps/core.xml"/>'
    b'</Relationships>',
    b'<workbook xmlns="http://s/main" xmlns:r="http://s/rel"><bookViews/><sheets>'
    b'<sheet name="Ch\xe1\xba\xa5m \xc4\x91i\xe1\xbb\x83m" sheetId="1" r:id="rId1"/>'
    b'<sheet name="A&amp;B" sheetId="2" state="hidden" r:id="rId2"/></sheets>'
    b'<!-- a comment --><?pi x?><x:ext xmlns:x="http://o" xml:lang="vi"><a><b/></a></x:ext>'
    b'</workbook>',
    b'<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    b'<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="10"/></cellXfs>'
    b'</styleSheet>',
    '<?xml version="1.0" encoding="UTF-16"?><a b="\u0111"><c/></a>'.encode("utf-16"),
]


def _shape(el):
    return (el.tag, list(el.attrib.items()), [_shape(c) for c in el])


@pytest.mark.parametrize("doc", _DOCS)
def test_same_tree_as_defusedxml(doc):
    ours, theirs = parse(doc), fromstring(doc)
    assert _shape(ours) == _shape(theirs)
    assert [e.tag for e in ours.iter()] == [e.tag for e in theirs.iter()]
    assert [e.get("name") for e in ours.iter()] == [e.get("name") for e in theirs.iter()]
    assert len(ours) == len(theirs)


_DTD = b'<!DOCTYPE a [<!ELEMENT a ANY>]><a/>'
_ENTITY = b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
_EXTERNAL = b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'


@pytest.mark.parametrize("doc", [_DTD, _ENTITY, _EXTERNAL])
def test_refuses_as_defusedxml(doc):
    with pytest.raises(Unsafe):
        parse(doc)
    with pytest.raises(DefusedXmlException):
        fromstring(doc, forbid_dtd=True)


def test_dtd_allowed_when_asked_entities_never():
    assert parse(_DTD, forbid_dtd=False).tag == fromstring(_DTD).tag == "a"
    for doc in (_ENTITY, _EXTERNAL):
        with pytest.raises(Unsafe):
            parse(doc, forbid_dtd=False)
        with pytest.raises(DefusedXmlException):
            fromstring(doc)


@pytest.mark.parametrize("doc", [b"", b"<a>", b"<a></b>", b"<a>&nope;</a>", b"<a/><b/>",
                                 b"\x00\x01"])
def test_malformed_same_message(doc):
    with pytest.raises(ExpatError) as ours:
        parse(doc)
    with pytest.raises(ParseError) as theirs:
        fromstring(doc)
    assert str(ours.value) == str(theirs.value)
