"""Git at the edge: which files git sees (so ``.gitignore`` holds), and what is staged (``--staged``).

Everything here runs the ``git`` command: its own rules for ``.gitignore``, ``.git/info/exclude``, the
global excludes file and the index are the ones users expect, and re-implementing them would drift.  When
git is missing or the path is not in a work tree, callers fall back to walking the directory.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from typing import IO, NamedTuple, Optional

# Index entries that hold file content: regular files (gitlinks are submodules, 120000 are symlinks).
FILE_MODES = frozenset({"100644", "100755"})


# Every git call starts with this: a repository's own config (``.git/config``, or a committed folder laid
# out as a bare repository that git would otherwise discover) must not run a command (fsmonitor), switch
# the work tree, or colour and page what we parse.
SAFE_CONFIG = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "safe.bareRepository=explicit",
    "-c",
    "color.ui=never",
    "-c",
    "core.pager=cat",
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.external=",
)


def git_command(*args: str) -> list[str]:
    """The argument list of a git call with the safe settings in front."""
    return ["git", *SAFE_CONFIG, *args]


class GitError(RuntimeError):
    """A git command failed where git was required (``--staged``)."""


def _git(args: Sequence[str], cwd: Optional[str] = None) -> Optional[bytes]:
    """``git args`` output, or None when git is missing or the command fails."""
    try:
        done = subprocess.run(
            git_command(*args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def list_files(directory: str) -> Optional[dict[str, bool]]:
    """Files under ``directory`` that git does not ignore, each with whether git tracks it: tracked ones,
    and untracked ones that no ignore rule matches.  Paths are relative to ``directory``; an untracked
    nested repository is listed as ``name/``.  None when ``directory`` is not inside a git work tree."""
    output = _git(["ls-files", "--cached", "--others", "--exclude-standard", "-t", "-z"], cwd=directory)
    if output is None:
        return None
    names: dict[str, bool] = {}
    for entry in output.split(b"\0"):
        if len(entry) > 2:  # "H name" (tracked), "? name" (untracked); an unmerged path comes once per stage
            name = os.fsdecode(entry[2:])
            names[name] = names.get(name, False) or entry[:1] != b"?"
    return names


def is_ignored(path: str) -> bool:
    """True when a .gitignore rule matches ``path`` (a directory named on the command line, say)."""
    parent = os.path.dirname(os.path.abspath(path))
    try:
        done = subprocess.run(
            git_command("check-ignore", "-q", "--", os.path.abspath(path)),
            cwd=parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    except OSError:
        return False
    return done.returncode == 0


class StagedFile(NamedTuple):
    """A file as the index holds it: its path (relative to the current directory) and its blob."""

    path: str
    blob: str
    mode: str


def toplevel(cwd: Optional[str] = None) -> str:
    output = _git(["rev-parse", "--show-toplevel"], cwd=cwd)
    if output is None:
        raise GitError("--staged needs a git repository (git rev-parse --show-toplevel failed)")
    return os.fsdecode(output.strip())


def staged_files(pathspecs: Sequence[str] = ()) -> list[StagedFile]:
    """Files added, copied, modified or changed in type in the index, compared with HEAD (or with nothing
    on a branch with no commit yet).  Deleted files are not listed: there is nothing left to leak."""
    top = toplevel()
    args = ["diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--diff-filter=ACMT"]
    output = _git([*args, "--", *pathspecs])
    if output is None:
        raise GitError("git diff --cached failed")
    fields = output.split(b"\0")
    staged: list[StagedFile] = []
    for meta, name in zip(fields[0::2], fields[1::2], strict=False):
        if not meta.startswith(b":"):
            continue
        _old_mode, new_mode, _old_blob, new_blob, _status = meta[1:].decode("ascii").split(" ")
        path = os.path.relpath(os.path.join(top, os.fsdecode(name)))
        staged.append(StagedFile(path, new_blob, new_mode))
    return staged


def read_blobs(blobs: Sequence[str], limit: int = 0) -> Iterator[tuple[str, Optional[bytes], int]]:
    """``(blob, content, size)`` for each blob, in order, through one ``git cat-file --batch``.

    ``content`` is None for a blob larger than ``limit`` (when ``limit`` > 0): it is read past, never held.
    """
    if not blobs:
        return
    process = subprocess.Popen(
        git_command("cat-file", "--batch"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        for blob in blobs:
            process.stdin.write(blob.encode("ascii") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
            if len(header) != 3:
                raise GitError(f"git cat-file: cannot read blob {blob}")
            size = int(header[2])
            if limit and size > limit:
                _skip(process.stdout, size + 1)
                yield blob, None, size
                continue
            content = _read_exactly(process.stdout, size)
            process.stdout.read(1)  # the newline after each object
            yield blob, content, size
    finally:
        process.stdin.close()
        process.stdout.close()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise GitError("git cat-file: output ended early")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _skip(stream: IO[bytes], size: int) -> None:
    remaining = size
    while remaining:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            return
        remaining -= len(chunk)
