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
from typing import TYPE_CHECKING, NamedTuple, Optional, TextIO

if TYPE_CHECKING:
    from hf_secret_guard.cli.settings import Settings
    from hf_secret_guard.model import Candidate

FORCE_EXCLUDE = "--force-exclude"
FIX = "--fix"


class PlainScan(NamedTuple):
    """``scan [--force-exclude] [--fix] PATH...``: nothing else on the command line."""

    paths: tuple[str, ...]
    force_exclude: bool
    fix: bool


def plain_scan(args: Sequence[str]) -> Optional[PlainScan]:
    """The command line as a ``PlainScan``; None when it asks for anything else (another option, no path,
    an empty one, standard input: ``-``, even where a file has that name)."""
    if len(args) < 2 or args[0] != "scan":
        return None
    options, files = list(args[1:]), []
    if "--" in options:  # the hooks end their entry with ``--``: a file named ``--x`` stays a file
        files = options[options.index("--") + 1 :]
        options = options[: options.index("--")]
    named = [arg for arg in options if arg not in (FORCE_EXCLUDE, FIX)]
    paths = (*named, *files)
    if not paths or any(not path or path.startswith("-") for path in named) or "" in files:
        return None
    if paths == ("-",):  # ``scan -- -``: standard input, as for the full command line
        return None
    return PlainScan(paths, FORCE_EXCLUDE in options, FIX in options)


def discover_plain(plain: PlainScan) -> Optional[tuple[Settings, list[Candidate]]]:
    """The settings of ``plain`` with the configuration, and the files it scans, as the full command line
    finds them; None when there is anything to say first (a configuration error or warning, a baseline
    to read, a missing path): only the full command line says it."""
    from hf_secret_guard.cli.config import ConfigError, resolve
    from hf_secret_guard.cli.settings import Settings
    from hf_secret_guard.discover import MissingPath, discover_files

    warnings: list[str] = []
    flags = (("force_exclude", plain.force_exclude), ("fix", plain.fix))
    given = {"paths"} | {name for name, on in flags if on}
    try:
        settings = resolve(
            Settings(paths=plain.paths, force_exclude=plain.force_exclude, fix=plain.fix),
            given,
            warn=warnings.append,
        )
        if warnings or settings.baseline:
            return None
        return settings, discover_files(list(settings.paths), settings.discover_options)
    except (ConfigError, MissingPath):
        return None


def clean_scan(args: Sequence[str], stdout: TextIO) -> Optional[int]:
    """Exit status 0 after printing the clean summary; None: let the full command line decide."""
    plain = None if stdout.isatty() else plain_scan(args)
    if plain is None or any(not os.path.isfile(path) for path in plain.paths):
        return None  # options, directories (git, walks), missing paths (an error to report)
    found = discover_plain(plain)
    if found is None:
        return None
    settings, candidates = found
    from hf_secret_guard import api
    from hf_secret_guard.report.text import summary

    scanned = 0
    # No digests: a file with findings is scanned again by the full command line, which fixes it.
    for result in api.scan_candidates(candidates, settings.scan_options, digests=False):
        if result.findings or result.errors or result.skipped:
            return None  # at the first one: the full command line scans again and reports
        scanned += 1
    stdout.write(summary([], scanned) + "\n")
    return 0
