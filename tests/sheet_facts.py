"""What a user sees of a sheet read back with openpyxl — cells (value, type, font, fill,
borders and their colours, alignment and indent, number format, quote prefix, link), merges,
widths, heights, panes, gridlines, tab colour, print settings, conditional formats, charts,
autofilter and data validations — to compare two renderings."""
from __future__ import annotations


def _font(c):
    f = c.font
    return (f.name, f.sz, bool(f.b), bool(f.i), f.u, f.color.rgb if f.color is not None else None)


def _cell(c):
    fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
    b = c.border
    border = tuple(getattr(b, s).style for s in ("left", "right", "top", "bottom"))
    a = c.alignment
    border += tuple(getattr(b, s).color.rgb if getattr(b, s).color is not None else None
                    for s in ("left", "right", "top", "bottom"))
    link = c.hyperlink.location if c.hyperlink is not None else None
    return (c.value, c.data_type if c.value is not None else None, _font(c) if c.has_style else None, fill, border,
            (a.horizontal, a.vertical, bool(a.wrap_text), a.indent), c.number_format,
            bool(c.quotePrefix), link)


def sheet_facts(ws) -> dict:
    """What a user sees of a sheet, as openpyxl reads it back."""
    cells = {(c.row, c.column): _cell(c) for row in ws.iter_rows() for c in row
             if c.__class__.__name__ != "MergedCell" and (c.value is not None or c.has_style)}
    ps = ws.page_setup
    m = ws.page_margins
    return dict(
        cells=cells,
        merges=sorted(str(r) for r in ws.merged_cells.ranges),
        widths={k: round(v.width, 2) for k, v in ws.column_dimensions.items() if v.customWidth},
        heights={k: round(v.height, 2) for k, v in ws.row_dimensions.items()
                 if v.height is not None},
        freeze=ws.freeze_panes, grid=ws.sheet_view.showGridLines is not False,
        tab=ws.sheet_properties.tabColor.rgb if ws.sheet_properties.tabColor else None,
        page=(str(ps.paperSize), ps.orientation, ps.fitToWidth, ps.fitToHeight,
              bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
              round(m.left, 4), round(m.right, 4), round(m.top, 4), round(m.bottom, 4),
              bool(ws.print_options.horizontalCentered)),
        area=ws.print_area, titles=ws.print_title_rows,
        breaks=[b.id for b in ws.row_breaks.brk],
        cf=sorted((str(rng.sqref), r.formula, r.dxf.fill.fgColor.rgb if r.dxf and r.dxf.fill else None)
                  for rng in ws.conditional_formatting for r in rng.rules),
        charts=len(ws._charts),
        filter=ws.auto_filter.ref,
        validations=[(v.type, v.operator, v.formula1, v.formula2, str(v.sqref),
                      bool(v.allow_blank), v.errorStyle, bool(v.showErrorMessage),
                      v.errorTitle, v.error, bool(v.showInputMessage), v.promptTitle, v.prompt)
                     for v in ws.data_validations.dataValidation],
    )
