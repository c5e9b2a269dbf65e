from hf_secret_guard.entry import main

raise SystemExit(main())
