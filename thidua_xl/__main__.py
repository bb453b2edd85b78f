try:
    from thidua_xl.cli import entry
except KeyboardInterrupt:  # Ctrl-C while Python is still importing: no traceback
    raise SystemExit(130) from None

entry()
