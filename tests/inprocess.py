"""The console entry point ``cli.main`` called in this process: the same code path as the installed
``hf-secret-guard`` (stdout/stderr wrapping, error formatting, exit status), without paying an interpreter
and libcst start-up per call.  Tests that must see the process boundary use ``conftest.run_cli``."""

from __future__ import annotations

import io
import os
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hf_secret_guard.cli.main import main


def run_main(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Like ``run_cli``: returncode, stdout and stderr as text."""
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main(list(args))
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())
