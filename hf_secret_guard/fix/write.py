"""Write a fixed file so that a crash leaves either the old file or the new one, never half of one.

The new bytes go to a temporary file in the same directory (so the rename cannot cross file systems),
are flushed to disk, get the old file's permission bits, and replace the old file with one atomic rename.
Just before that, the file is read again: if it is not the bytes the fix was computed from (an editor
saved it, another ``--fix`` ran), nothing is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


class FileChanged(OSError):
    """The file on disk is not what the fix was computed from."""


def _current(path: str) -> bytes:
    with open(path, "rb") as handle:
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


def replace_file(path: str, expected: bytes, data: bytes) -> None:
    """Replace the file at ``path`` (which must still hold ``expected``) with ``data``.

    A symbolic link is followed, so the link stays a link and its target gets the new content.
    Raises ``FileChanged`` or another ``OSError``; on any error the original file is untouched.
    """
    target = os.path.realpath(path)
    if _current(target) != expected:
        raise FileChanged(f"{path} changed since it was read; not overwritten")
    mode = stat.S_IMODE(os.stat(target).st_mode)
    directory = os.path.dirname(target) or "."
    fd, temporary = tempfile.mkstemp(
        prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=directory
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if _current(target) != expected:
            raise FileChanged(f"{path} changed since it was read; not overwritten")
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)
