"""The console entry point called in this process: the same code path as the installed ``hf-secret-guard``
and ``python -m hf_secret_guard`` (the click-free clean path, stdout/stderr wrapping, error formatting,
exit status), without paying an interpreter and libcst start-up per call.  Tests that must see the process
boundary (exit status of a real process, what an import loads, terminals, signals, pre-commit) use
``conftest.run_cli`` and are marked ``e2e``.

What a process would get fresh is made fresh here: the working directory, the environment (``env``
overrides, put back afterwards), stdin (``input``, else an empty pipe-like stream), and stdout/stderr
(captured as text, never a terminal)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Optional

from hf_secret_guard.cli.entry import main as console_main
from hf_secret_guard.cli.main import main as full_main


def run_main(
    *args: str,
    cwd: Optional[Path] = None,
    env: Optional[Mapping[str, Optional[str]]] = None,
    input: Optional[str] = None,
    full: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Like ``run_cli``: returncode, stdout and stderr as text.  ``env`` sets (or, with None, unsets)
    variables for this run only; ``full`` skips the click-free clean path (``cli.fastpath``) to compare
    against it."""
    out, err = io.StringIO(), io.StringIO()
    previous_cwd, previous_stdin = os.getcwd(), sys.stdin
    saved = {name: os.environ.get(name) for name in env or {}}
    for name, value in (env or {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    sys.stdin = io.TextIOWrapper(io.BytesIO((input or "").encode("utf-8")), encoding="utf-8")
    os.chdir(cwd or previous_cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                status = (full_main if full else console_main)(list(args))
            except SystemExit as exc:  # what a process would end with
                status = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(previous_cwd)
        sys.stdin = previous_stdin
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())
