"""Which files a scan looks at: the paths given, and below directories every file (``read.kinds`` then
says what each is; binary files are skipped when they are read).

- Inside a git work tree a directory is listed by git (``.gitignore`` holds, as users expect); elsewhere, or
  with ``--no-gitignore``, it is walked.  Both give the same files in the same (sorted) order.
- Excludes (``excludes.py``) prune directories and files below a directory named on the command line.  A
  path named explicitly is always scanned, as ruff does, unless ``force_exclude`` (``--force-exclude``,
  which the pre-commit hooks pass, because pre-commit names every staged file).
- Symlinks: a symlinked directory is never followed (so a loop cannot hang the walk); a symlinked file is
  scanned only when its target lies inside the directory being scanned, so a scan never reads outside the
  tree it was given.

Every file left out is returned as a skipped ``Candidate`` with the reason, for ``--verbose``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from typing import Optional

from hf_secret_guard.discover.excludes import DEFAULT_EXCLUDE, Excluder
from hf_secret_guard.model import Candidate
from hf_secret_guard.options import DiscoverOptions

# What the tool writes itself and never scans: the baseline holds masked values and hashes only.
BASELINE_NAME = ".hf-secret-guard-baseline.json"
OWN_FILE = "hf-secret-guard's own baseline"
# ``--fix`` writes ``.NAME.hf-secret-guard.XXXX.tmp`` beside a file; one left by a killed run is scanned.
TEMPORARY_MARK = ".hf-secret-guard."


def is_leftover_temporary(name: str) -> bool:
    """A temporary file of an interrupted ``--fix``: it may hold what the original held."""
    return name.startswith(".") and TEMPORARY_MARK in name and name.endswith(".tmp")


DEFAULT_DISCOVER = DiscoverOptions()
# The first bytes tell a binary file: git's own test (a NUL byte in the first 8000), except for text in
# UTF-16/32, which has NULs everywhere and a byte-order mark in front.
BINARY_SNIFF_BYTES = 8000
_TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


class MissingPath(FileNotFoundError):
    """A path named on the command line does not exist."""


def looks_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF_BYTES] and not data.startswith(_TEXT_BOMS)


def discover(paths: Sequence[str], options: DiscoverOptions = DEFAULT_DISCOVER) -> Iterator[str]:
    """The files to scan (skipped ones left out), in a stable order."""
    for candidate in discover_files(paths, options):
        if not candidate.skipped:
            yield candidate.path


def make_excluder(options: DiscoverOptions, tracked: bool = False) -> Excluder:
    """The excludes for a file; for one git tracks or has staged (``tracked``), only the user's own:
    the default list (``build``, ``.ipynb_checkpoints``...) is for what a walk stumbles on, and a token
    committed in a checkpoint notebook or under ``build/`` is a leak like any other."""
    if options.exclude is None:
        patterns: tuple[str, ...] = () if tracked else DEFAULT_EXCLUDE
    else:
        patterns = options.exclude
    return Excluder((*patterns, *options.extend_exclude), options.root)


def discover_files(paths: Sequence[str], options: DiscoverOptions = DEFAULT_DISCOVER) -> list[Candidate]:
    """Every file to scan and every file skipped, each path once.  A named path that does not exist is an
    error entry (the run exits 2, and JSON and SARIF still come out) while the other paths are scanned: one
    missing path must not hide the findings of the rest."""
    excluder = make_excluder(options)
    named_excluder = make_excluder(options, tracked=True)
    root = os.path.abspath(options.root)
    found: list[Candidate] = []
    for given in paths:
        if not os.path.lexists(given):
            found.append(Candidate(given, error="no such file or directory"))
            continue
        if os.path.isdir(given):
            found.extend(_directory(physical(given), excluder, options))
            continue
        hit = None
        if options.force_exclude:  # pre-commit names staged files: only the user's own excludes hold
            absolute = os.path.abspath(physical(given))
            top = root if _inside(absolute, root) else os.path.dirname(absolute)
            hit = named_excluder.match_below(absolute, top)
        found.append(Candidate(given, skipped=_excluded(hit)))
    if len(paths) == 1:  # one file, or one directory's walk or listing: each path once already
        return found
    seen: set[str] = set()
    unique: list[Candidate] = []
    for candidate in found:
        key = os.path.abspath(physical(candidate.path))
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique


def physical(path: str) -> str:
    """``path`` with each ``..`` that follows a symbolic link taken as the system takes it: to the folder
    above the link's target (folding the text, ``plain/link/..``, would name ``plain``), the target as the
    link writes it, joined to the link's folder as ``path`` writes it.  Every other part stays as
    written (a link before it too, so a config or baseline anchored there still applies), and a path
    without such a ``..`` comes back unchanged, and so does one the system cannot open (more than 40
    links in a row, a loop; a part that is a file, missing or unreadable): the system's to report."""
    drive, rest = os.path.splitdrive(path)
    parts = (rest.replace(os.altsep, os.sep) if os.altsep else rest).split(os.sep)
    if ".." not in parts:
        return path
    absolute = parts[0] == ""  # it began with a separator
    done: list[str] = []  # the parts taken, as written
    todo = parts[::-1]  # the parts to take, the next one last
    links = 0
    while todo:
        part = todo.pop()
        if part in ("", "."):
            continue
        if part != "..":
            done.append(part)
            continue
        if not done or done[-1] == "..":
            if not absolute:  # above the working folder: the system goes there from the real one
                done.append(part)
            continue
        here = drive + (os.sep if absolute else "") + os.sep.join(done)
        if not os.path.islink(here):
            if not os.path.isdir(here):  # a file, a missing or unreadable part: the system's to refuse
                return path
            done.pop()
            continue
        links += 1
        try:
            target = os.readlink(here)
        except OSError:
            return path
        if links > 40:
            return path
        done.pop()
        target_drive, target_rest = os.path.splitdrive(target)
        target_rest = target_rest.replace(os.altsep, os.sep) if os.altsep else target_rest
        if os.path.isabs(target):
            drive, absolute, done = target_drive, True, []
        todo.append("..")
        todo.extend(target_rest.split(os.sep)[::-1])
    if not links:
        return path
    return drive + (os.sep if absolute else "") + os.sep.join(done) or "."


def _excluded(hit: Optional[tuple[str, str]]) -> str:
    return f"excluded by {hit[0]!r}" if hit else ""


def _display(top: str, relative: str) -> str:
    top = os.path.normpath(top)
    return relative if top == "." else os.path.join(top, relative)


def _directory(top: str, excluder: Excluder, options: DiscoverOptions) -> list[Candidate]:
    if options.gitignore and _may_be_in_git(top):
        from hf_secret_guard.discover import (
            git as gitfiles,  # git only when a directory is listed (not for named files)
        )

        names = gitfiles.list_files(top)
        # A directory that is itself ignored lists nothing; the user named it, so it is walked instead.
        if names is not None and (names or not gitfiles.is_ignored(top)):
            tracked = make_excluder(options, tracked=True)
            return sorted(_from_git(top, names, excluder, tracked, options), key=lambda c: c.path)
    return sorted(_walk(top, excluder), key=lambda c: c.path)


def _may_be_in_git(directory: str) -> bool:
    """Whether git may find a work tree from ``directory``: a ``.git`` in it or in a folder above it (by
    its path or the one its links resolve to: git starts from the latter), or git told where one is
    (``GIT_DIR``, ``GIT_WORK_TREE``).  Elsewhere git finds none and lists nothing: it is not started (a
    process, and the import of ``subprocess`` before it)."""
    if "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:
        return True
    for path in {os.path.abspath(directory), os.path.realpath(directory)}:
        while True:
            if os.path.lexists(os.path.join(path, ".git")):
                return True
            parent = os.path.dirname(path)
            if parent == path:
                break
            path = parent
    return False


def _from_git(
    top: str, names: dict[str, bool], excluder: Excluder, tracked: Excluder, options: DiscoverOptions
) -> list[Candidate]:
    """``names``: git's list, each with whether it is tracked (``tracked`` then excludes it, not
    ``excluder``)."""
    absolute_top = os.path.abspath(top)
    real_top = os.path.realpath(top)
    found: list[Candidate] = []
    excluded_at: set[str] = set()
    for name, is_tracked in names.items():
        path, absolute = _display(top, name.rstrip("/")), os.path.join(absolute_top, name.rstrip("/"))
        if name.endswith("/"):  # an untracked repository inside this one: git does not look in, we do
            hit = excluder.match_below(absolute, absolute_top)
            if hit is None:
                found.extend(_directory(path, excluder, options))
            elif hit[1] not in excluded_at:
                excluded_at.add(hit[1])
                found.append(Candidate(_display(top, os.path.relpath(hit[1], absolute_top)), _excluded(hit)))
            continue
        hit = (tracked if is_tracked else excluder).match_below(absolute, absolute_top)
        if hit is not None:
            if hit[1] not in excluded_at:
                excluded_at.add(hit[1])
                found.append(Candidate(_display(top, os.path.relpath(hit[1], absolute_top)), _excluded(hit)))
            continue
        candidate = _file(path, real_top)
        if candidate is not None:
            found.append(candidate._replace(skipped=OWN_FILE) if _own(name) else candidate)
    return found


def _own(name: str) -> bool:
    return os.path.basename(name) == BASELINE_NAME


def _file(path: str, real_top: str) -> Optional[Candidate]:
    """A listed file, checked like a walked one; None when it no longer exists (deleted, not staged)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return _symlink(path, real_top)
    if stat.S_ISDIR(info.st_mode):  # a submodule: its own repository, scanned on its own
        return Candidate(path, skipped="a git submodule (scan it on its own)")
    if not stat.S_ISREG(info.st_mode):
        return Candidate(path, skipped="not a regular file")
    return Candidate(path)


def _symlink(path: str, real_top: str) -> Candidate:
    target = os.path.realpath(path)
    if os.path.isdir(target):
        return Candidate(path, skipped="symlink to a directory: not followed")
    if not os.path.exists(target):
        return Candidate(path, skipped="broken symlink (or a symlink loop)")
    if not _inside(target, real_top):
        return Candidate(path, skipped="symlink to a file outside the scanned tree: not followed")
    return Candidate(path)


def _inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def _walk(top: str, excluder: Excluder) -> Iterator[Candidate]:
    real_top = os.path.realpath(top)
    pending = [(os.path.normpath(top), os.path.abspath(top))]
    while pending:
        directory, absolute_directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield Candidate(directory, error=f"cannot list directory: {exc.strerror or type(exc).__name__}")
            continue
        subdirectories: list[tuple[str, str]] = []
        # ``os.path.join(directory, name)`` is ``os.path.join(directory, "") + name``: joined once here.
        inside = "" if directory == "." else os.path.join(directory, "")
        absolute_inside = os.path.join(absolute_directory, "")
        for entry in entries:
            path = inside + entry.name
            absolute = absolute_inside + entry.name
            if entry.is_symlink():
                hit = excluder.match(absolute, entry.name)
                yield Candidate(path, _excluded(hit)) if hit else _symlink(path, real_top)
                continue
            is_directory = entry.is_dir(follow_symlinks=False)
            hit = excluder.match(absolute, entry.name)
            if hit is not None:
                yield Candidate(path, skipped=_excluded(hit))
            elif entry.name == BASELINE_NAME:
                yield Candidate(path, skipped=OWN_FILE)
            elif is_directory:
                subdirectories.append((path, absolute))
            elif not entry.is_file(follow_symlinks=False):
                yield Candidate(path, skipped="not a regular file")
            else:
                yield Candidate(path)
        pending.extend(reversed(subdirectories))


def discover_staged(
    pathspecs: Sequence[str] = (), options: DiscoverOptions = DEFAULT_DISCOVER
) -> list[tuple[Candidate, str]]:
    """Staged files (``Candidate``, blob id) to scan or skip.  Raises ``gitfiles.GitError`` outside git.

    The user's excludes always apply (git chose these files, as pre-commit does, so the config must
    hold); the default list does not: what is staged is about to be committed.
    """
    from hf_secret_guard.discover import git as gitfiles  # git: only for --staged

    excluder = make_excluder(options, tracked=True)
    root = os.path.abspath(options.root)
    found: list[tuple[Candidate, str]] = []
    for staged in gitfiles.staged_files(pathspecs):
        absolute = os.path.abspath(staged.path)
        top = root if _inside(absolute, root) else os.path.dirname(absolute)
        hit = excluder.match_below(absolute, top)
        if hit is not None:
            found.append((Candidate(staged.path, skipped=_excluded(hit)), staged.blob))
        elif staged.mode not in gitfiles.FILE_MODES:
            kind = "symlink" if staged.mode == "120000" else "submodule"
            found.append(
                (Candidate(staged.path, skipped=f"a {kind} in the index: not followed"), staged.blob)
            )
        else:
            found.append((Candidate(staged.path), staged.blob))
    return found
