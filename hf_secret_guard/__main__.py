from hf_secret_guard.cli import main

raise SystemExit(main())
