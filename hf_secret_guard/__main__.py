from hf_secret_guard.cli.entry import main

raise SystemExit(main())
