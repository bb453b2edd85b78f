try:
    from thidua_xl.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python is still importing: no traceback
    raise SystemExit(130) from None

raise SystemExit(main())
