"""Exclude patterns, read the way ruff reads them.

Two kinds of pattern, so that a config file stays short and means the same wherever it is used:

- a *name* (no ``/``): ``.venv``, ``*.egg-info``, ``test_*.py`` excludes any file or directory with a
  matching name at any depth below the scanned directory;
- a *path* (has a ``/``): ``fixtures/**``, ``src/gen/*.py`` is relative to the directory of the config file
  that wrote it (the current directory for command-line patterns); ``**`` spans directories.

A trailing ``/**`` is read as "this directory", so that ``scan fixtures/`` still scans a directory whose
*contents* are excluded (a directory named on the command line is always walked; only what lies below it
is tested).  Matching is a pure function of path strings: nothing here touches the file system.

A config may come with the repository, so a pattern may be hostile: a glob with many stars turned into a
regex backtracks for minutes.  Patterns with few wildcards are regexes (fast, in C, and the common case);
the others are matched by a wildcard matcher whose time grows with the product of the lengths, never more.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Sequence
from typing import Optional, TypeVar

from hf_secret_guard import regexes

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


def _class_regex(body: str) -> str:
    """A bracket expression as a regex, member by member as ``_in_class`` reads it: a range whose ends are
    out of order (``[[-?]``) holds nothing, as in git's wildmatch, where ``re`` would refuse the pattern."""
    negate = body[:1] in ("!", "^")
    body = body[1:] if negate else body
    members: list[str] = []
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            low, high = body[index], body[index + 2]
            if low <= high:
                members.append(f"{_in_brackets(low)}-{_in_brackets(high)}")
            index += 3
        else:
            members.append(_in_brackets(body[index]))
            index += 1
    if negate:
        return f"[^/{''.join(members)}]"
    return f"(?!/)[{''.join(members)}]" if members else "(?!)"


def _in_brackets(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else char


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
            out.append(_class_regex(segment[index:end]))
            index = end + 1
        else:
            out.append(re.escape(char))
    return "".join(out)


_STAR = ("*",)
_ANY_CHAR = ("?",)
_GLOBSTAR: tuple[tuple[str, ...], ...] = (("**",),)  # a whole ``**`` segment
_T = TypeVar("_T")
_I = TypeVar("_I")
_MAX_REGEX_STARS = 2  # per segment; more, and a regex could backtrack polynomially deep


def _tokens(segment: str) -> list[tuple[str, ...]]:
    """A segment glob as tokens: ``("*",)``, ``("?",)``, ``("=", char)``, ``("[", negate, body)``."""
    out: list[tuple[str, ...]] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        index += 1
        if char == "*":
            if not out or out[-1] != _STAR:
                out.append(_STAR)
        elif char == "?":
            out.append(_ANY_CHAR)
        elif char == "[":
            end = index + (1 if segment[index : index + 1] in ("!", "^") else 0)
            end += 1 if segment[end : end + 1] == "]" else 0
            end = segment.find("]", end)
            if end < 0:
                out.append(("=", char))
                continue
            body = segment[index:end]
            index = end + 1
            negate = body[:1] in ("!", "^")
            out.append(("[", "!" if negate else "", body[1:] if negate else body))
        else:
            out.append(("=", char))
    return out


def _in_class(char: str, body: str) -> bool:
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            if body[index] <= char <= body[index + 2]:
                return True
            index += 3
        else:
            if body[index] == char:
                return True
            index += 1
    return False


def _one(token: tuple[str, ...], char: str) -> bool:
    if char == "/":
        return False
    if token == _ANY_CHAR:
        return True
    if token[0] == "=":
        return token[1] == char
    return _in_class(char, token[2]) != bool(token[1])


def _wildcard_match(
    tokens: Sequence[_T], items: Sequence[_I], matches: Callable[[_T, _I], bool], star: _T
) -> bool:
    """Glob matching without backtracking into the past: on a mismatch only the last star takes one more
    item, so the time is at most len(tokens) * len(items)."""
    t = i = 0
    last_star, mark = -1, 0
    while i < len(items):
        if t < len(tokens) and tokens[t] != star and matches(tokens[t], items[i]):
            t += 1
            i += 1
        elif t < len(tokens) and tokens[t] == star:
            last_star, mark = t, i
            t += 1
        elif last_star >= 0:
            t, mark = last_star + 1, mark + 1
            i = mark
        else:
            return False
    while t < len(tokens) and tokens[t] == star:
        t += 1
    return t == len(tokens)


class _Glob:
    """A glob matched without regexes, for patterns with many wildcards."""

    def __init__(self, pattern: str, path: bool) -> None:
        if path and pattern.endswith("/**"):
            pattern = pattern[:-3] or "/"
        self.path = path
        if path:
            self.segments = [_GLOBSTAR if seg == "**" else tuple(_tokens(seg)) for seg in pattern.split("/")]
        else:  # a name: ``**`` is one star, as in the regex
            self.segments = [tuple(_tokens(pattern.strip("/")))]

    @staticmethod
    def _segment(tokens: tuple[tuple[str, ...], ...], name: str) -> bool:
        return tokens != _GLOBSTAR and _wildcard_match(tokens, name, _one, _STAR)

    def fullmatch(self, text: str) -> bool:
        if not self.path:
            return self._segment(self.segments[0], text)
        return _wildcard_match(self.segments, text.split("/"), self._segment, _GLOBSTAR)


def _risky(pattern: str) -> bool:
    """Would this glob, as a regex, backtrack more than a little?"""
    segments = pattern.split("/")
    stars = [segment.count("*") for segment in segments if segment != "**"]
    return max(stars, default=0) > _MAX_REGEX_STARS or segments.count("**") > 1


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
        self.globs: list[tuple[str, _Glob, bool]] = []  # hostile-looking patterns: (raw, glob, is a path)
        for raw in patterns:
            if not raw.strip():
                continue
            pattern = anchor(raw, root)
            name = is_name_pattern(pattern)
            if _risky(pattern):
                self.globs.append((raw, _Glob(pattern, path=not name), not name))
            elif name:
                self.names.append((raw, _compile(_name_regex(pattern), raw)))
            else:
                self.paths.append((raw, re.compile(_path_regex(pattern))))
        self._any_name = _combine(self.names)
        self._any_path = _combine(self.paths)
        self._directories: dict[tuple[str, str], Optional[tuple[str, str]]] = {}

    def match(self, absolute: str, name: str) -> Optional[tuple[str, str]]:
        """``(pattern, absolute)`` when a pattern excludes this one entry (its parents are not looked at)."""
        posix = _posix(absolute)
        if self._any_name is not None and self._any_name.fullmatch(name):
            return next(raw for raw, regex in self.names if regex.fullmatch(name)), absolute
        if self._any_path is not None and self._any_path.fullmatch(posix):
            return next(raw for raw, regex in self.paths if regex.fullmatch(posix)), absolute
        for raw, glob, is_path in self.globs:
            if glob.fullmatch(posix if is_path else name):
                return raw, absolute
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


def _combine(patterns: Sequence[tuple[str, re.Pattern[str]]]) -> Optional[re.Pattern[str]]:
    """One regex for the common case "no pattern matches"; the one that matched is found afterwards.
    The join of the default list itself, and only that, comes from the package's cache (``_compile``)."""
    if not patterns:
        return None
    combined = "|".join(f"(?:{regex.pattern})" for _, regex in patterns)
    if tuple(raw for raw, _ in patterns) == DEFAULT_EXCLUDE:
        return regexes.compile(combined)
    return re.compile(combined)


def _compile(pattern: str, raw: str) -> re.Pattern[str]:
    """``re.compile``, or for a default exclude (one of a fixed few) the package's cache of compiled
    regexes (``regexes``): nothing the configuration chose is kept there (a list of defaults in an order,
    or repeated, of its own would be a new entry at every run that reads it)."""
    return regexes.compile(pattern) if raw in DEFAULT_EXCLUDE else re.compile(pattern)
