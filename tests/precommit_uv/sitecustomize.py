"""Test-only, on ``PYTHONPATH`` of the pre-commit processes in ``test_precommit.py``: pre-commit builds
``language: python`` hook environments with ``uv venv`` + ``uv pip install`` instead of virtualenv + pip,
as the pre-commit-uv plugin does (about 4 s instead of 15-25 s here).

Not a dev dependency on purpose: pre-commit-uv installs a ``.pth`` startup hook that imports on every
Python start in the environment (5-15 ms measured), which would skew the small-file timings of the
benchmarks.  Everything else pre-commit does (cloning the hook repo, staging, passing files, running the
hook, reporting) is untouched.  Without ``uv`` on PATH nothing is changed and pip is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def _is_pre_commit() -> bool:
    argv = " ".join(getattr(sys, "orig_argv", sys.argv))
    return "pre-commit" in os.path.basename(sys.argv[0] if sys.argv else "") or "pre_commit" in argv


def _patch() -> None:
    uv = shutil.which("uv")
    if uv is None or not _is_pre_commit():
        return
    try:
        from pre_commit.lang_base import environment_dir, setup_cmd
        from pre_commit.languages import python
        from pre_commit.util import cmd_output_b
    except ImportError:
        return

    def install_environment(prefix, version, additional_dependencies):  # type: ignore[no-untyped-def]
        envdir = environment_dir(prefix, python.ENVIRONMENT_DIR, version)
        interpreter = python.norm_version(version) or sys.executable
        cmd_output_b(uv, "venv", "--seed", "--quiet", envdir, "-p", interpreter, cwd="/")
        with python.in_env(prefix, version):
            setup_cmd(prefix, (uv, "pip", "install", "--quiet", ".", *additional_dependencies))

    def health_check(prefix, version):  # type: ignore[no-untyped-def]
        """uv writes ``version_info = 3.11.7`` where virtualenv writes ``3.11.7.final.0``: compare three."""
        envdir = environment_dir(prefix, python.ENVIRONMENT_DIR, version)
        try:
            with open(os.path.join(envdir, "pyvenv.cfg"), encoding="utf-8") as handle:
                lines = [line.partition("=") for line in handle]
        except OSError:
            return "pyvenv.cfg does not exist"
        expected = {key.strip(): value.strip() for key, _, value in lines}.get("version_info", "")
        executable = os.path.join(envdir, "Scripts" if os.name == "nt" else "bin", "python")
        probe = "import sys; print('.'.join(map(str, sys.version_info[:3])))"
        try:
            actual = subprocess.run(
                [executable, "-S", "-c", probe], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return f"cannot run {executable}"
        return None if expected.split(".")[:3] == actual.split(".") else f"python {actual}, not {expected}"

    python.install_environment = install_environment
    python.health_check = health_check


_patch()
