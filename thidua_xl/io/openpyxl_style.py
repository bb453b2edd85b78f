"""The openpyxl styling the two workbooks drawn cell by cell share (the summary
tong-hop.xlsx and the template): a styled cell, the thin border, the fonts."""
from __future__ import annotations


def style_cell(cell, value, *, font=None, fill=None, align=None, border=None, fmt=None):
    """Give an openpyxl cell its value (user text is text, never a formula) and its style."""
    cell.value = value
    if isinstance(value, str) and value[:1] == "=":
        cell.data_type = "s"
    for attr, v in (("font", font), ("fill", fill), ("alignment", align), ("border", border),
                    ("number_format", fmt)):
        if v is not None and v != "":
            setattr(cell, attr, v)
    return cell


def thin_border(color: str = "808080"):
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color=color)
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def fonts(name: str, *, head_color: str, note_color: str | None = None) -> dict:
    """body, bold, head, title and note fonts of one family."""
    from openpyxl.styles import Font

    return {"body": Font(name=name, size=12), "bold": Font(name=name, size=12, bold=True),
            "head": Font(name=name, size=12, bold=True, color=head_color),
            "title": Font(name=name, size=14, bold=True),
            "note": Font(name=name, size=11, italic=True, color=note_color)}
