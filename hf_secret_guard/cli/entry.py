"""The console script and ``python -m hf_secret_guard``: the click-free clean path, else the full CLI;
then a quick exit."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn, Optional

from hf_secret_guard import regexes


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(argv) if argv is not None else sys.argv[1:]
    from hf_secret_guard.cli.fastpath import clean_scan
    from hf_secret_guard.cli.process import rare_collections

    with rare_collections():  # the imports to come: objects that live as long as the process
        try:
            status = clean_scan(args, sys.stdout)
        except Exception:  # whatever went wrong, the full command line reports it properly
            status = None
        if status is None:
            from hf_secret_guard.cli.process import head_start

            try:
                with head_start(args):  # a large scan's workers start before click (no frame of its own)
                    from hf_secret_guard.cli.main import main as cli_main

                    status = cli_main(args)
            except KeyboardInterrupt:  # before click took over (the head start's walk): as click says it
                sys.stderr.write("Aborted.\n")
                status = 2
    regexes.save()  # what this run compiled, for the next one
    return status


def run() -> NoReturn:
    """``main`` as a process: its exit status, without the interpreter's clean-up when nothing needs it.

    A scan leaves what it loaded and remembered (modules, memories of parts, results); the clean-up at
    exit frees all of it one object at a time and runs a last garbage collection, for a process that is
    about to end anyway (benchmarks/README.md has what it costs).  So once the output is flushed and
    nothing else is waiting for the exit (an ``atexit`` function, another thread), the process ends at
    once, as mypy's does; otherwise, and whenever flushing fails, it exits the usual way.

    ``main``'s body, not a call of it: the scan runs as deep in the stack as under ``sys.exit(main())``,
    so whatever nests as deep as the recursion limit lets it (a notebook's JSON, Python code) is read or
    refused at the same depth as before."""
    args = sys.argv[1:]
    from hf_secret_guard.cli.fastpath import clean_scan
    from hf_secret_guard.cli.process import rare_collections

    with rare_collections():
        try:
            status = clean_scan(args, sys.stdout)
        except Exception:  # whatever went wrong, the full command line reports it properly
            status = None
        if status is None:
            from hf_secret_guard.cli.process import head_start

            try:
                with head_start(args):  # a large scan's workers start before click (no frame of its own)
                    from hf_secret_guard.cli.main import main as cli_main

                    status = cli_main(args)
            except KeyboardInterrupt:  # before click took over (the head start's walk): as click says it
                sys.stderr.write("Aborted.\n")
                status = 2
    regexes.save()
    leave(status)


def launched_by_python_m() -> bool:
    """Whether the interpreter itself runs the module (``python -m hf_secret_guard``: runpy's
    ``_run_module_as_main`` is then the outermost frame), so the process is the command's own.  A host
    program that runs the module with ``runpy.run_module`` gets the ``SystemExit`` it always got, which
    it may catch and go on after."""
    frame = sys._getframe()
    while frame.f_back is not None:
        frame = frame.f_back
    return frame.f_code.co_name == "_run_module_as_main" and frame.f_globals.get("__name__") == "runpy"


def leave(status: int) -> NoReturn:
    """End the process with ``status``: at once when that loses nothing (see ``run``)."""
    import atexit
    import os

    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:  # a closed pipe, a full disk: the usual exit reports it as it always has
        raise SystemExit(status) from None
    # Threads started without ``threading`` count too: ``sys._current_frames`` lists every thread.
    if atexit._ncallbacks() or len(sys._current_frames()) > 1:
        raise SystemExit(status)
    os._exit(status)
