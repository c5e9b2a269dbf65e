"""Folders the suite keeps between runs, in its own virtual environment (beside its bytecode, never in the
user's caches), for what is slow to build and depends only on the checkout's files: the installed wheel,
the pre-commit hook's environment.  Each holds the build of one state of the checkout; a changed
checkout builds again in its place."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from tests.conftest import REPO
from tests.gitrepo import git


def kept_folder(name: str) -> Optional[Path]:
    """``<venv>/name``, or None without a virtual environment to write in (then build each run)."""
    if sys.prefix == sys.base_prefix:
        return None
    folder = Path(sys.prefix) / name
    try:
        folder.mkdir(exist_ok=True)
        (folder / "lock").touch()
    except OSError:
        return None
    return folder


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One test worker at a time builds in ``folder`` (both may run tests that need it)."""
    with open(folder / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def checkout_files() -> list[str]:
    """The checkout's files as a build sees them: tracked and untracked-not-ignored, as they are now."""
    listed = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").stdout
    return sorted(
        name
        for name in filter(None, listed.split("\0"))
        if (REPO / name).is_file() and not (REPO / name).is_symlink()
    )


def checkout_digest() -> str:
    """SHA-256 over every file's name, mode and bytes: equal digests, equal builds."""
    digest = hashlib.sha256()
    for name in checkout_files():
        path = REPO / name
        digest.update(f"{name}\0{path.stat().st_mode:o}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def replace_build(folder: Path, key: str, parts: tuple[str, ...]) -> bool:
    """Whether ``folder`` holds the build of ``key``; if not, its ``parts`` are removed (the caller builds
    them, then calls ``mark_built``)."""
    marker = folder / "key"
    if marker.is_file() and marker.read_text() == key:
        return True
    marker.unlink(missing_ok=True)
    for part in parts:
        shutil.rmtree(folder / part, ignore_errors=True)
    return False


def mark_built(folder: Path, key: str) -> None:
    (folder / "key").write_text(key)
