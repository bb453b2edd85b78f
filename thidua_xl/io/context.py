"""What every output sheet needs to know about the bloc: its wording, year, place, signer.

:class:`OutputContext` is made once per :func:`~thidua_xl.io.outputs.build_plan` call from
the result and (optionally) the parsed bloc, and handed to each sheet builder.
"""
from __future__ import annotations

from datetime import date

from ..core.record import record
from ..core.models import Bloc, BlocResult, Proposal, UnitResult
from ..core.values import vn_number
from ..core.text import fold
from .layout import BLANK

#: the province's emulation office when "Thông tin" names none (most provinces merged their
#: Ban Thi đua – Khen thưởng into Sở Nội vụ in 2025)
DEFAULT_RECIPIENT = "Sở Nội vụ (Phòng Thi đua, khen thưởng)"
COUNCIL = "Hội đồng Thi đua – Khen thưởng tỉnh"


def num(x: float | None, digits: int = 2) -> str:
    """98.5 → "98,50" (Vietnamese decimal comma); a blank to fill in when unknown."""
    if x is None:
        return BLANK
    return vn_number(x, digits)


def vn_date(d: date | None) -> str:
    """ "ngày 05 tháng 12 năm 2021" (Nghị định 30: day < 10 and month < 3 get a 0)."""
    if d is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


@record(frozen=True)
class Wording:
    """"Khối" or "Cụm" wording of a bloc's documents."""

    word: str  # "Khối" | "Cụm"
    display: str  # "Khối thi đua các cơ quan ..." (as used in a sentence)
    issuer: str  # "KHỐI THI ĐUA CÁC CƠ QUAN ..."

    @property
    def upper(self) -> str:
        return self.word.upper()


def wording(name: str) -> Wording:
    """The issuing body and the words of a bloc named ``name``.

    A name that already starts with "Khối"/"Cụm" is used as is; otherwise "Khối thi đua"
    is put in front. "Cụm …" blocs get "Cụm" wording (Cụm trưởng, TM. CỤM THI ĐUA ...).
    """
    name = " ".join((name or "").split())
    f = fold(name)
    word = "Cụm" if f.startswith("cum") else "Khối"
    if f.startswith("khoi") or f.startswith("cum"):
        display = name
    elif name:
        display = f"Khối thi đua {name}"
    else:
        display = "Khối thi đua"
    return Wording(word=word, display=display, issuer=display.upper())


_ABBREV_SKIP = {"cac", "va", "cua", "ve", "so", "nganh", "co", "quan"}


def abbreviation(name: str) -> str:
    """The default "Ký hiệu văn bản" of a bloc: "KTĐ"/"CTĐ" and the initials of the rest.

    "Khối thi đua Kinh tế" → "KTĐKT"; "Cụm thi đua số 8" → "CTĐ8"; a rest of more than five
    initials ("… cơ quan tham mưu quản lý nhà nước về kinh tế") is left out: "KTĐ".
    """
    words = " ".join((name or "").replace("–", " ").replace("-", " ").split()).split()
    head = "CTĐ" if words and fold(words[0]) == "cum" else "KTĐ"
    if len(words) >= 3 and fold(" ".join(words[1:3])) == "thi dua":
        words = words[3:]
    elif words and fold(words[0]) in ("khoi", "cum"):
        words = words[1:]
    rest = "".join(w if w.isdigit() else w[0].upper() for w in words
                   if w.isdigit() or (fold(w) not in _ABBREV_SKIP and w[0].isalpha()))
    return head + rest if len(rest) <= 5 else head


@record
class OutputContext:
    """What every output sheet builder reads: the result, the bloc, the date and the
    wording."""

    result: BlocResult
    bloc: Bloc | None
    today: date | None
    words: Wording
    year: int | None
    province: str
    head: str | None
    form_order: list[str]
    unit_order: list[str]
    by_name: dict[str, UnitResult]
    signer: str | None = None
    signer_title: str | None = None
    recipient: str = DEFAULT_RECIPIENT
    regulation: str | None = None
    abbrev: str = ""

    @classmethod
    def make(cls, result: BlocResult, bloc: Bloc | None,
             today: date | None) -> "OutputContext":
        info = bloc.info if bloc is not None else None
        name = result.bloc or (info.name if info else "")
        year = result.year or (info.year if info else None)
        province = (result.province or (info.province if info else "")).strip()
        head = result.head or (info.head if info else None)
        forms: list[str] = []
        if bloc is not None:
            forms = [f.name for f in bloc.rules.forms]
        for p in result.proposals:
            if p.form not in forms:
                forms.append(p.form)
        if bloc is not None and bloc.units:
            units = [u.name for u in bloc.units]
        else:
            units = [u.name for u in result.units]
        words = wording(name)
        return cls(result=result, bloc=bloc, today=today, words=words, year=year,
                   province=province, head=head, form_order=forms, unit_order=units,
                   by_name={u.name: u for u in result.units},
                   signer=(info.signer if info else None) or None,
                   signer_title=(info.signer_title if info else None) or None,
                   recipient=(info.recipient if info else None) or DEFAULT_RECIPIENT,
                   regulation=(info.regulation if info else None) or None,
                   abbrev=(info.abbrev if info else None) or abbreviation(words.display))

    @property
    def year_text(self) -> str:
        return str(self.year) if self.year else BLANK

    @property
    def next_year_text(self) -> str:
        return str(self.year + 1) if self.year else BLANK

    def place_date(self) -> str:
        return f"{self.province or BLANK}, {vn_date(self.today)}"

    def doc_number(self, kind: str) -> str:
        """ "……/TTr-KTĐKT" (the number is given when the document is registered)."""
        return f"{BLANK}/{kind}-{self.abbrev}"

    def number_line(self, kind: str) -> str:
        return f"Số: {self.doc_number(kind)}"

    def sorted_proposals(self) -> list[Proposal]:
        order = {f: i for i, f in enumerate(self.form_order)}
        return sorted(self.result.proposals,
                      key=lambda p: (order.get(p.form, len(order)),
                                     p.rank if p.rank is not None else 10**6))

    def proposals_by_form(self) -> list[tuple[str, list[Proposal]]]:
        """The proposals grouped by form, forms in the rule set's order."""
        groups: dict[str, list[Proposal]] = {}
        for p in self.sorted_proposals():
            groups.setdefault(p.form, []).append(p)
        return list(groups.items())
