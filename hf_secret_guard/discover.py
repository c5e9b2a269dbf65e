"""Which files a scan looks at: the paths given, and below directories the Python files and notebooks."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

SCANNED_SUFFIXES = (".py", ".pyi", ".pyw", ".ipynb")
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        "build",
        "dist",
        ".eggs",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".ipynb_checkpoints",
        "site-packages",
        ".direnv",
        "__pypackages__",
    }
)


class MissingPath(FileNotFoundError):
    """A path named on the command line does not exist."""


def _skip_directory(name: str) -> bool:
    return name in SKIPPED_DIRECTORIES or name.endswith(".egg-info")


def discover(paths: Sequence[str]) -> Iterator[str]:
    """Files to scan, in a stable order.  A file named explicitly is always scanned, whatever its suffix."""
    for given in paths:
        if os.path.isdir(given):
            yield from _walk(given)
        elif os.path.lexists(given):
            yield given
        else:
            raise MissingPath(given)


def _walk(top: str) -> Iterator[str]:
    seen: set[tuple[int, int]] = set()
    for root, directories, files in os.walk(top, followlinks=False):
        stat = os.stat(root)
        if (stat.st_dev, stat.st_ino) in seen:
            directories[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        directories[:] = sorted(d for d in directories if not _skip_directory(d))
        for name in sorted(files):
            if name.endswith(SCANNED_SUFFIXES):
                yield str(Path(root, name)) if root != "." else name
