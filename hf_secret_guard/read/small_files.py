"""Files the tool reads whole that a repository may have planted (its config and its baseline), and the
files it writes where a repository may have planted a link (a report, a baseline).

A name can point at ``/dev/zero`` (read until memory runs out), a FIFO or ``/dev/stdin`` (wait forever), or
a file of gigabytes.  These are opened without blocking, read only when regular, and only up to a limit;
the refusal is an ``OSError`` whose ``strerror`` says why, so callers report it as any unreadable file.
"""

from __future__ import annotations

import os
import stat

CONFIG_LIMIT = 5_000_000  # a pyproject.toml; real ones are some kilobytes
BASELINE_LIMIT = 50_000_000  # about 150,000 accepted findings


def read_small_file(path: str, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them, else ``OSError``."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file (a device, FIFO or socket is never read)")
        if info.st_size > limit:
            raise OSError(0, f"larger than {limit // 1_000_000} MB")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while we read it
            raise OSError(0, f"larger than {limit // 1_000_000} MB")
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def write_text_no_follow(path: str, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends on every OS) to ``path``, never through a symbolic link
    (``O_NOFOLLOW``: a link committed where a report goes fails instead of writing to its target) and never
    waiting on a FIFO with no reader.  A character UTF-8 cannot write (a lone surrogate: a file name's
    undecodable byte, a key's escapes) is written as its ``\\u`` escape, which a JSON string reads back."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags, 0o666)
    with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as stream:
        stream.write(text)
