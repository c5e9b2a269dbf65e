"""Write a fixed file so that a crash leaves either the old file or the new one, never half of one.

The new bytes go to a temporary file in the same directory (so the rename cannot cross file systems),
are flushed to disk, get the old file's permission bits, owner and group (where the user may set them), and
replace the old file with one atomic rename.  Just before that, the file is read again: if it is not the
bytes the fix was computed from (an editor saved it, another ``--fix`` ran), nothing is written.

The temporary file holds the original's other bytes, and the fixed file a read of the secret, not the
secret; still, a run killed between the two leaves it behind.  Its name says whose it is
(``.train.py.hf-secret-guard.x1y2.tmp``), so the next ``--fix`` of the same file removes it, and a scan
scans any such leftover (``discover.TEMPORARY_MARK``).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from typing import NamedTuple, Optional

from hf_secret_guard.discover import TEMPORARY_MARK


class FileChanged(OSError):
    """The file on disk is not what the fix was computed from."""


class SymbolicLink(OSError):
    """The path is a symbolic link: a repository can commit ``train.py -> ~/.bashrc``, and writing
    through it would change a file outside the project; the link's target is fixed by naming it."""


def _current(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read()


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable; not every platform can open a directory, so best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _keep_owner(path: str, info: os.stat_result) -> None:
    """The old file's owner and group: root fixing a user's file must not make it root's."""
    if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # not allowed: the file is ours, as any file we create
            os.chown(path, info.st_uid, info.st_gid)


def _leftovers(directory: str) -> list[os.DirEntry[str]]:
    """Temporary files earlier, killed ``--fix`` runs left in ``directory``, any file's."""
    found: list[os.DirEntry[str]] = []
    with contextlib.suppress(OSError), os.scandir(directory) as listing:
        for entry in listing:
            if (
                entry.name.startswith(".")
                and TEMPORARY_MARK in entry.name
                and entry.name.endswith(".tmp")
                and entry.is_file(follow_symlinks=False)
            ):
                found.append(entry)
    return found


class Splice(NamedTuple):
    """A file's new bytes as one change to its old ones, which are known by their size and digest only:
    a worker process plans a fix and sends this, not both whole files; the writer reads the file, checks
    it is those bytes, and makes the new ones (``apply``)."""

    size: int
    digest: bytes  # ``fingerprint`` of the old bytes
    start: int
    end: int
    replacement: bytes

    @classmethod
    def between(cls, old: bytes, new: bytes) -> Splice:
        """The change from ``old`` to ``new``: everything between their common start and common end."""
        view = memoryview(new)  # compared in place: slices of the bytes would be copies
        start = _common_length(old, new, lambda n: old.startswith(view[:n]))
        most = min(len(old), len(new)) - start
        tail = _common_length(old, new, lambda n: old.endswith(view[len(new) - n :]), most)
        return cls(len(old), fingerprint(old), start, len(old) - tail, new[start : len(new) - tail])

    def holds(self, data: bytes) -> bool:
        """Whether ``data`` are the old bytes."""
        return len(data) == self.size and fingerprint(data) == self.digest

    def apply(self, old: bytes) -> bytes:
        return old[: self.start] + self.replacement + old[self.end :]


def fingerprint(data: bytes) -> bytes:
    """Equal bytes, equal fingerprint, and no other bytes found to match one: SHA-256 (which processors
    run in hardware, faster than ``model.digest``'s BLAKE2)."""
    import hashlib  # OpenSSL's start-up: only when a fix is written

    return hashlib.sha256(data).digest()


def _common_length(old: bytes, new: bytes, same: Callable[[int], bool], most: int = -1) -> int:
    """The largest ``n`` up to ``most`` (the shorter length) with ``same(n)``, which holds for every
    smaller ``n`` too: a binary search, each step one comparison of slices in C."""
    low, high = 0, min(len(old), len(new)) if most < 0 else most
    while low < high:
        middle = (low + high + 1) // 2
        if same(middle):
            low = middle
        else:
            high = middle - 1
    return low


class Replacer:
    """Replaces files as ``replace_file`` does, many in a row: each directory is listed once for leftover
    temporary files (not once per file), and synced once, after its files are replaced (on leaving the
    ``with`` block, an exception or ``SystemExit`` included).

    What a crash leaves: every file is either the old one or the new one, whole (the new bytes are synced
    before the rename).  A rename is durable once its directory is synced: a crash before that may undo
    it, leaving the old file (and maybe the temporary file, which the next scan reports and the next
    ``--fix`` removes)."""

    def __init__(self) -> None:
        self._leftovers: dict[str, list[os.DirEntry[str]]] = {}
        self._unsynced: dict[str, None] = {}  # directories with a rename not yet made durable, in order

    def __enter__(self) -> Replacer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.sync()

    def sync(self) -> None:
        """Make the renames so far durable."""
        while self._unsynced:
            directory = next(iter(self._unsynced))
            _fsync_directory(directory)
            del self._unsynced[directory]

    def _remove_leftovers(self, directory: str, prefix: str) -> None:
        """Temporary files an earlier, killed ``--fix`` of this same file left behind."""
        if directory not in self._leftovers:
            self._leftovers[directory] = _leftovers(directory)
        for entry in self._leftovers[directory]:
            if entry.name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def replace(self, path: str, expected: bytes, data: bytes) -> None:
        """As ``replace_file``, but the directory is synced later (``sync``)."""
        self._replace(path, lambda current: data if current == expected else None)

    def replace_splice(self, path: str, splice: Splice) -> None:
        """As ``replace``, for the file whose old bytes ``splice`` knows by their digest."""
        self._replace(path, lambda current: splice.apply(current) if splice.holds(current) else None)

    def _replace(self, path: str, new_bytes: Callable[[bytes], Optional[bytes]]) -> None:
        """Replace ``path`` with ``new_bytes`` of its current bytes (None: not the expected ones)."""
        if os.path.islink(path):
            raise SymbolicLink(f"{path} is a symbolic link; --fix never writes through one (fix its target)")
        target = os.path.abspath(path)
        expected = _current(target)
        data = new_bytes(expected)
        if data is None:
            raise FileChanged(f"{path} changed since it was read; not overwritten")
        info = os.lstat(target)
        directory = os.path.dirname(target) or "."
        prefix = "." + os.path.basename(target) + TEMPORARY_MARK
        self._remove_leftovers(directory, prefix)
        fd, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
            _keep_owner(temporary, info)
            if _current(target) != expected:
                raise FileChanged(f"{path} changed since it was read; not overwritten")
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        self._unsynced[directory] = None


def replace_file(path: str, expected: bytes, data: bytes) -> None:
    """Replace the file at ``path`` (which must still hold ``expected``) with ``data``.

    A symbolic link is refused (``SymbolicLink``), and the rename replaces ``path`` itself: a link
    swapped in meanwhile is replaced, never written through.
    Raises ``FileChanged``, ``SymbolicLink`` or another ``OSError``; on any error the original file is
    untouched.
    """
    with Replacer() as replacer:
        replacer.replace(path, expected, data)
