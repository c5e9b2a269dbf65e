from hf_secret_guard.cli.entry import launched_by_python_m, main, run

# ``run`` and ``main`` called from here, as ``main`` was: the scan runs as deep in the stack as before.
if launched_by_python_m():
    run()
raise SystemExit(main())
