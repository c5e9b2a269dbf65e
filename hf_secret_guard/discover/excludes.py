"""Exclude patterns, read the way ruff reads them.

Two kinds of pattern, so that a config file stays short and means the same wherever it is used:

- a *name* (no ``/``): ``.venv``, ``*.egg-info``, ``test_*.py`` excludes any file or directory with a
  matching name at any depth below the scanned directory;
- a *path* (has a ``/``): ``fixtures/**``, ``src/gen/*.py`` is relative to the directory of the config file
  that wrote it (the current directory for command-line patterns); ``**`` spans directories.

A trailing ``/**`` is read as "this directory", so that ``scan fixtures/`` still scans a directory whose
*contents* are excluded (a directory named on the command line is always walked; only what lies below it
is tested).  Matching is a pure function of path strings: nothing here touches the file system.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from typing import Optional

# Directories (and one suffix) that never hold a project's own code: version control, virtualenvs, caches,
# build output.  ``exclude`` in the config replaces this list; ``extend-exclude`` adds to it.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    ".eggs",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".ipynb_checkpoints",
    "site-packages",
    ".direnv",
    "__pypackages__",
)


def is_name_pattern(pattern: str) -> bool:
    return "/" not in pattern.strip("/")


def anchor(pattern: str, root: str) -> str:
    """A path pattern made absolute against ``root``; a name pattern is returned unchanged."""
    pattern = pattern.strip()
    if is_name_pattern(pattern):
        return pattern.strip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    joined = pattern if pattern.startswith("/") else _escape(_posix(os.path.abspath(root))) + "/" + pattern
    return posixpath.normpath(joined)


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def _escape(path: str) -> str:
    """Glob-escape a literal directory name (``[`` ``*`` ``?``) so it only matches itself."""
    return re.sub(r"([*?\[])", r"[\1]", path)


def _segment_regex(segment: str) -> str:
    """One path segment of a glob: ``*``, ``?`` and ``[...]`` never match ``/``."""
    out: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        index += 1
        if char == "*":
            if not out or out[-1] != "[^/]*":
                out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = index + (1 if segment[index : index + 1] in ("!", "^") else 0)
            end += 1 if segment[end : end + 1] == "]" else 0
            end = segment.find("]", end)
            if end < 0:
                out.append(re.escape(char))
                continue
            body = segment[index:end].replace("\\", "\\\\").replace("[", "\\[")
            index = end + 1
            if body[:1] in ("!", "^"):
                body = "^/" + body[1:]
            out.append(f"(?!/)[{body}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _path_regex(pattern: str) -> str:
    if pattern.endswith("/**"):
        pattern = pattern[:-3] or "/"
    parts: list[str] = []
    for index, segment in enumerate(pattern.split("/")):
        separator = "/" if index else ""
        if segment == "**":
            parts.append("(?:/[^/]*)*" if index else "(?:[^/]*(?:/[^/]*)*)?")
        else:
            parts.append(separator + _segment_regex(segment))
    return "".join(parts)


def _name_regex(pattern: str) -> str:
    return _segment_regex(pattern.strip("/"))


class Excluder:
    """Decides whether a path is excluded, and by which pattern (for ``--verbose``)."""

    def __init__(self, patterns: Sequence[str], root: str = ".") -> None:
        self.names: list[tuple[str, re.Pattern[str]]] = []
        self.paths: list[tuple[str, re.Pattern[str]]] = []
        for raw in patterns:
            if not raw.strip():
                continue
            pattern = anchor(raw, root)
            if is_name_pattern(pattern):
                self.names.append((raw, re.compile(_name_regex(pattern))))
            else:
                self.paths.append((raw, re.compile(_path_regex(pattern))))
        self._any_name = _combine([regex for _, regex in self.names])
        self._any_path = _combine([regex for _, regex in self.paths])
        self._directories: dict[tuple[str, str], Optional[tuple[str, str]]] = {}

    def match(self, absolute: str, name: str) -> Optional[tuple[str, str]]:
        """``(pattern, absolute)`` when a pattern excludes this one entry (its parents are not looked at)."""
        posix = _posix(absolute)
        if self._any_name is not None and self._any_name.fullmatch(name):
            return next(raw for raw, regex in self.names if regex.fullmatch(name)), absolute
        if self._any_path is not None and self._any_path.fullmatch(posix):
            return next(raw for raw, regex in self.paths if regex.fullmatch(posix)), absolute
        return None

    def match_below(self, absolute: str, top: str) -> Optional[tuple[str, str]]:
        """``(pattern, excluded path)`` when ``absolute`` or a directory between it and ``top`` is excluded.

        ``top`` itself is not tested: a directory named on the command line is always walked.
        """
        hit = self.match(absolute, os.path.basename(absolute))
        if hit is not None:
            return hit
        parent = os.path.dirname(absolute)
        if parent == absolute or not _is_below(parent, top):
            return None
        key = (parent, top)  # the answer depends on where the named directory is
        if key not in self._directories:
            self._directories[key] = self.match_below(parent, top)
        return self._directories[key]


def _is_below(path: str, top: str) -> bool:
    """``path`` is strictly inside ``top`` (both absolute)."""
    return path != top and (path.startswith(top.rstrip(os.sep) + os.sep))


def _combine(regexes: Sequence[re.Pattern[str]]) -> Optional[re.Pattern[str]]:
    """One regex for the common case "no pattern matches"; the one that matched is found afterwards."""
    return re.compile("|".join(f"(?:{r.pattern})" for r in regexes)) if regexes else None
