from thidua_xl.cli import main

raise SystemExit(main())
