"""``thidua-xl addin install|remove|build [-o DIR]``: the add-in's command line."""
from __future__ import annotations

from pathlib import Path

from .argv import EXIT_UNREADABLE


def run(args) -> int:
    """``args`` has ``action`` and ``output`` (a Namespace), or is an argv list."""
    if isinstance(args, (list, tuple)):
        from .argv import build_parser

        args = build_parser().parse_args(["addin", *args])
    from .. import addin

    action = getattr(args, "action", None)
    output = getattr(args, "output", None)
    try:
        if action == "build":
            path = addin.build(output or Path.cwd())
            print(f"Đã tạo add-in: {path}")
            return 0
        if action in ("install", "remove"):
            outcome = addin.install(output) if action == "install" else addin.remove()
            print(outcome.message)
            return outcome.status
    except Exception as e:  # noqa: BLE001 - the CLI never shows a traceback
        msg = getattr(e, "message", None) or str(e)
        fix = getattr(e, "fix", "")
        print(f"Lỗi khi xử lý add-in: {msg}" + (f"\n{fix}" if fix else ""))
        return EXIT_UNREADABLE
    print("Cách dùng: thidua-xl addin install | remove | build [-o THƯ_MỤC]")
    return EXIT_UNREADABLE
