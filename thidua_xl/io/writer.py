"""Write output workbooks: the input plus the output sheets, or the output sheets alone.

:func:`write_output` renders the plan's sheets (SpreadsheetML written directly, in memory;
an openpyxl donor workbook if that fails) and grafts them into a copy of the user's package
(:mod:`thidua_xl.io.package`): everything of the user's stays as it was (macros, images,
charts, styles, defined names), old output sheets are replaced, and the result is written
atomically (:mod:`thidua_xl.io.atomic`). If grafting fails on content it does not know, it
falls back to an openpyxl load/save of the input (slower, may lose what openpyxl does not
model) and logs why.

The input file is never modified: an output path naming the input is refused.
"""
from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

from ..logs import DEBUG, get_logger
from thidua_xl.errors import OutputError, ThiduaError
from thidua_xl.io.atomic import (atomic_write, ensure_not_input, output_error, temp_error,
                                 temp_folder)
from thidua_xl.io.plan import WritePlan

log = get_logger(__name__)  # logging imported only when something is logged

__all__ = ["write_output", "write_plan_only"]

_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xltx": "xltx", ".xltm": "xltm"}


def _replace_names(plan: WritePlan) -> tuple[str, ...]:
    return tuple(plan.replace) + tuple(s.name for s in plan.sheets)


def write_output(base: Path | str, plan: WritePlan, out: Path | str) -> Path:
    """Write ``out`` = the workbook ``base`` plus the sheets of ``plan``; return ``out``.

    Sheets of ``base`` named in ``plan.replace`` (or like a plan sheet) are replaced.
    ``out`` may be a previous output (it is replaced atomically) but never ``base``.
    Raises :class:`OutputError` (Vietnamese message) when ``out`` cannot be written.
    """
    base, out = Path(base), Path(out)
    ensure_not_input(out, [base])
    if not base.is_file():
        raise OutputError(f"Không tìm thấy tệp đầu vào '{base}' để ghi kết quả.",
                          fix="Kiểm tra lại đường dẫn của tệp đầu vào.")
    from thidua_xl.io.package import graft_sheets

    replace = _replace_names(plan)
    kind = _KINDS.get(out.suffix.lower())
    if kind in ("xlsx", "xltx") and base.suffix.lower() in (".xlsm", ".xltm"):
        log.warning("Tệp kết quả '%s' có đuôi %s nên không giữ macro của '%s'.",
                    out.name, out.suffix, base.name)
    renderers = ("openpyxl",) if os.environ.get("THIDUA_XL_RENDERER") == "openpyxl" \
        else ("xml", "openpyxl")
    for renderer in renderers:
        try:
            with ExitStack() as stack:
                if renderer == "xml":  # in memory: the sheets are rendered into the output
                    from thidua_xl.io import render_xml

                    donor = render_xml.render_donor(plan) if plan.sheets else None
                else:  # a small workbook written by openpyxl in a temporary folder
                    td = stack.enter_context(temp_folder())
                    try:
                        donor = _donor(plan, td)
                    except OSError as exc:  # written in TMPDIR: a full one is not the output's
                        raise temp_error(exc) from exc
                with atomic_write(out) as tmp:
                    graft_sheets(base, donor, tmp, replace=replace, select=plan.select,
                                 target_kind=kind)
            return out
        except ThiduaError:
            raise
        except OSError as exc:
            raise output_error(out, exc) from exc
        except Exception as exc:  # noqa: BLE001 - GraftError or anything unexpected: fall back
            log.warning("Ghép sheet (%s) vào tệp '%s' không được (%s); thử cách khác.",
                        renderer, base.name, exc, exc_info=log.isEnabledFor(DEBUG))
    return _fallback(base, plan, out, replace)


def _donor(plan: WritePlan, folder: Path) -> Path | None:
    """The plan's sheets as a small workbook to graft, written by openpyxl."""
    if not plan.sheets:
        return None
    from thidua_xl.io.render_openpyxl import render_to_file

    return render_to_file(plan, folder / "donor.xlsx")


def _fallback(base: Path, plan: WritePlan, out: Path, replace: tuple[str, ...]) -> Path:
    from thidua_xl.io.package import write_with_openpyxl
    from thidua_xl.io.render_openpyxl import render_plan

    try:
        write_with_openpyxl(base, out, lambda wb: render_plan(plan, wb), replace=replace)
    except ThiduaError:
        raise
    except OSError as exc:
        raise output_error(out, exc) from exc
    except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
        raise OutputError(
            f"Không thể ghi tệp kết quả '{out}': {exc}",
            fix="Kiểm tra tệp đầu vào (mở và lưu lại bằng Excel) rồi chạy lại.") from exc
    return out


def write_plan_only(plan: WritePlan, out: Path | str) -> Path:
    """Write a new workbook holding only the plan's sheets to ``out`` (atomically): the
    SpreadsheetML renderer (fast, streamed: the province summary's memory does not grow
    with its cells), or openpyxl's if that fails or ``THIDUA_XL_RENDERER=openpyxl``."""
    out = Path(out)
    try:
        if os.environ.get("THIDUA_XL_RENDERER") != "openpyxl":
            try:
                from thidua_xl.io.render_xml import write_donor

                with atomic_write(out) as tmp:
                    write_donor(plan, tmp)
                return out
            except (ThiduaError, OSError):
                raise
            except Exception as exc:  # noqa: BLE001 - fall back to the openpyxl renderer
                log.warning("Ghi tệp '%s' (xml) không được (%s); thử cách khác.", out.name, exc,
                            exc_info=log.isEnabledFor(DEBUG))
        from thidua_xl.io.render_openpyxl import render_to_file  # openpyxl: the fallback only

        with atomic_write(out) as tmp:
            render_to_file(plan, tmp)
    except ThiduaError:
        raise
    except OSError as exc:
        raise output_error(out, exc) from exc
    return out
