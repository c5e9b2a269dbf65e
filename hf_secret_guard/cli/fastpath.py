"""The commonest call without click: ``hf-secret-guard scan [--force-exclude] [--fix] FILE...`` on clean
files (``--fix`` has nothing to do on a clean file, and says nothing more).

That is what pre-commit runs on every commit, and click's import alone is most of a clean run's time.
This path resolves the configuration, discovers and scans exactly as the full command line does, and
answers only when the answer is the plain one: every file read and clean, nothing skipped, no notes, no
terminal to colour.  Anything else (a finding, an error, a skipped file, an option, a config warning, a
baseline) returns None and the full command line runs from the start, so output never differs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Optional, TextIO

FORCE_EXCLUDE = "--force-exclude"
FIX = "--fix"


def clean_scan(args: Sequence[str], stdout: TextIO) -> Optional[int]:
    """Exit status 0 after printing the clean summary; None: let the full command line decide."""
    if len(args) < 2 or args[0] != "scan" or stdout.isatty():
        return None
    options, files = list(args[1:]), []
    if "--" in options:  # the hooks end their entry with ``--``: a file named ``--x`` stays a file
        files = options[options.index("--") + 1 :]
        options = options[: options.index("--")]
    force_exclude, fix = FORCE_EXCLUDE in options, FIX in options
    named = [arg for arg in options if arg not in (FORCE_EXCLUDE, FIX)]
    paths = (*named, *files)
    if (
        not paths
        or any(not path or path.startswith("-") for path in named)
        or any(not path or not os.path.isfile(path) for path in paths)
    ):
        return None  # options, directories (git, walks), missing paths (an error to report)

    from hf_secret_guard import api
    from hf_secret_guard.cli.config import ConfigError, resolve
    from hf_secret_guard.cli.settings import Settings
    from hf_secret_guard.discover import MissingPath, discover_files
    from hf_secret_guard.report.text import summary

    warnings: list[str] = []
    given = {"paths"} | {name for name, on in (("force_exclude", force_exclude), ("fix", fix)) if on}
    try:
        settings = resolve(
            Settings(paths=paths, force_exclude=force_exclude, fix=fix), given, warn=warnings.append
        )
        if warnings or settings.baseline:
            return None
        candidates = discover_files(list(settings.paths), settings.discover_options)
    except (ConfigError, MissingPath):
        return None
    scanned = 0
    # No digests: a file with findings is scanned again by the full command line, which fixes it.
    for result in api.scan_candidates(candidates, settings.scan_options, digests=False):
        if result.findings or result.errors or result.skipped:
            return None  # at the first one: the full command line scans again and reports
        scanned += 1
    stdout.write(summary([], scanned) + "\n")
    return 0
