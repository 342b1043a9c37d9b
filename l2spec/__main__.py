from l2spec.cli import main

raise SystemExit(main())
