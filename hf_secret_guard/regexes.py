"""The package's own regexes, compiled once per install as its modules are: what ``re`` compiles each
pattern to is kept beside the package's bytecode and read back at the next start.

Why: the scanner has some three hundred regexes, and the screens join every provider's prefixes and key
slots into a few large ones.  ``re`` compiles in Python: on a clean one-file run (what pre-commit runs)
that cost about as much as the scan, and a tree scan paid it again in each worker process
(benchmarks/README.md).  What ``re`` compiles a pattern to is a list of numbers, which ``_sre.compile``
(the last step of ``re.compile``) turns into the same pattern in microseconds.

Only patterns written in this package come here, never one built from configuration or from a file's
text: the cache holds nothing a user wrote, and stays small.  It follows bytecode's rules: it lives
where the package's ``.pyc`` files do (under ``sys.pycache_prefix`` when that is set), it is written only
where they may be (not under ``PYTHONDONTWRITEBYTECODE``, not in a read-only install) and as they are (a
new file with the source's mode, renamed over the old one), and it is tied to the exact interpreter that
wrote it.  Each pattern it keeps was checked equal to ``re.compile``'s (a
``Pattern`` compares its compiled code) before it was written.  A missing, unreadable, stale or damaged
file costs only the compiling; whoever can replace it can replace the package's bytecode as well.
"""

from __future__ import annotations

import contextlib
import importlib
import marshal
import os
import re
import sys
from typing import Any, AnyStr, Optional, Union

# What ``_sre.compile`` takes after the pattern: flags, code, the group count, names to numbers, numbers
# to names.  Stored per (whether the pattern is bytes, pattern, flags): the type first, as ``re`` keys its
# own cache, so that a str and a bytes pattern of the same characters (which hash alike) are told apart
# without comparing a str with bytes (a BytesWarning, an error under ``python -bb``).
Stored = tuple[int, list[int], int, dict[str, int], tuple[Optional[str], ...]]
Key = tuple[bool, Union[str, bytes], int]

_MAX_ENTRIES = 4096  # a cache grown past this (patterns of many versions) starts again
# The interpreter the compiled code belongs to: its build and ``re``'s code format.
_TAG = (
    f"{sys.implementation.cache_tag} {sys.version} sre {getattr(importlib.import_module('_sre'), 'MAGIC', 0)}"
)

_patterns: dict[Key, re.Pattern[Any]] = {}  # this process's, by (pattern, flags)
_stored: Optional[dict[Key, Stored]] = None  # the cache file's, read at the first compile
_new: dict[Key, Stored] = {}  # compiled here, checked, not yet written
_recording: Optional[bool] = None  # whether this process may write the cache (asked once)


def compile(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, from the cache when it holds the pattern.  For the package's own
    patterns only (see the module's docstring)."""
    key: Key = (isinstance(pattern, bytes), pattern, int(flags))
    found = _patterns.get(key)
    if found is None:
        found = _patterns[key] = _from_cache(key) or _compile_and_record(key)
    return found


def _from_cache(key: Key) -> Optional[re.Pattern[Any]]:
    global _stored
    if _stored is None:
        _stored = _read(cache_path())
    stored = _stored.get(key)
    return None if stored is None else _build(key, stored)


def _compile_and_record(key: Key) -> re.Pattern[Any]:
    """``re.compile``'s pattern; where the cache can be written, also what it compiles to, when building
    the pattern from that gives the same pattern."""
    global _recording
    source: Any = key[1]  # str or bytes, as ``re.compile`` takes either
    pattern: re.Pattern[Any] = re.compile(source, key[2])
    if _recording is None:
        _recording = _may_write(cache_path())
    if _recording:
        stored = _compiled_code(key[1], key[2])
        if stored is not None and _build(key, stored) == pattern:
            _new[key] = stored
    return pattern


def _compiled_code(pattern: Union[str, bytes], flags: int) -> Optional[Stored]:
    """What ``re.compile`` hands ``_sre.compile``, worked out as it does (the same three steps in 3.10
    to 3.13); None where ``re``'s parts are not there as expected."""
    try:
        if sys.version_info >= (3, 11):
            parser, compiler = importlib.import_module("re._parser"), importlib.import_module("re._compiler")
        else:
            parser, compiler = importlib.import_module("sre_parse"), importlib.import_module("sre_compile")
        parsed = parser.parse(pattern, flags)
        code = compiler._code(parsed, flags)
        groups: dict[str, int] = dict(parsed.state.groupdict)
        names: list[Optional[str]] = [None] * parsed.state.groups
        for name, number in groups.items():
            names[number] = name
        return (
            int(flags | parsed.state.flags),
            [int(c) for c in code],
            parsed.state.groups - 1,
            groups,
            tuple(names),
        )
    except Exception:
        return None


def _build(key: Key, stored: Stored) -> Optional[re.Pattern[Any]]:
    """The pattern ``_sre.compile`` (``re.compile``'s last step) builds from what was stored; None for
    code it refuses (another interpreter's, a damaged file's): the pattern is then compiled again."""
    try:
        return importlib.import_module("_sre").compile(key[1], *stored)  # type: ignore[no-any-return]
    except Exception:
        return None


def cache_path() -> Optional[str]:
    """Where the cache is: beside this module's bytecode (``importlib.util.cache_from_source``)."""
    try:
        from importlib.util import cache_from_source

        return os.path.splitext(cache_from_source(__file__))[0] + ".regexes"
    except (NotImplementedError, ValueError, TypeError):  # no bytecode cache on this interpreter
        return None


def _may_write(path: Optional[str]) -> bool:
    """Whether ``save`` can write ``path``: else a run does not keep what it compiles (keeping it costs a
    second compiling, for nothing where it can never be written)."""
    if path is None or sys.dont_write_bytecode or (os.path.lexists(path) and not os.path.isfile(path)):
        return False
    folder = os.path.dirname(path)
    while not os.path.lexists(folder):  # made on writing, as the import system makes ``__pycache__``
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent
    return os.path.isdir(folder) and os.access(folder, os.W_OK)


def _read(path: Optional[str]) -> dict[Key, Stored]:
    """The cache's patterns; none when it is missing, unreadable, damaged or another interpreter's."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as file:
            tag, stored = marshal.loads(file.read())
    except Exception:  # missing, unreadable, or not what this module writes
        return {}
    if not (isinstance(tag, str) and tag == _TAG and isinstance(stored, dict)):
        return {}
    return {key: value for key, value in stored.items() if _is_key(key)}


def _is_key(key: object) -> bool:
    """A key as ``compile`` makes them (a damaged file may hold others, which a lookup would compare)."""
    return (
        type(key) is tuple
        and len(key) == 3
        and key[0] is isinstance(key[1], bytes)
        and isinstance(key[1], (str, bytes))
        and type(key[2]) is int
    )


def save() -> None:
    """Write what this process compiled that the cache did not hold yet, with what the file holds now
    (another process may have written since this one read it).  Quietly nothing on any failure."""
    path = cache_path()
    if not _new or path is None:
        return
    merged = _read(path)
    if len(merged) + len(_new) > _MAX_ENTRIES:
        merged = {}
    merged.update(_new)
    try:  # as the import system writes bytecode: the source's mode (writable by its owner), a new file
        mode = (os.stat(__file__).st_mode | 0o200) & 0o666
    except OSError:
        mode = 0o666
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # O_EXCL: never through whatever stands at that name (a link someone planted), never over it.
        descriptor = os.open(
            temporary, os.O_EXCL | os.O_CREAT | os.O_WRONLY | getattr(os, "O_BINARY", 0), mode
        )
        with open(descriptor, "wb") as file:
            file.write(marshal.dumps((_TAG, merged)))
        os.replace(temporary, path)  # whole or not at all, for a process reading it at the same time
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    _new.clear()
