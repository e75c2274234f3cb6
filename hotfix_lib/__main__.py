from hotfix_lib.cli import main

raise SystemExit(main())
