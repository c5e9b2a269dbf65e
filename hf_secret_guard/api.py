"""The Python API: bytes -> file -> paths, each layer a plain function.  The CLI is a thin caller."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Union

from hf_secret_guard import prefilter
from hf_secret_guard.discover import discover
from hf_secret_guard.ftypes import DEFAULT_OPTIONS, FileResult, ScanError, ScanOptions
from hf_secret_guard.read.source import DecodeError, decode_lossy, decode_source
from hf_secret_guard.scan import (
    NOTEBOOK_SUFFIXES,
    scan_notebook,
    scan_source,
    scan_text,
    scan_unparsed,
)
from hf_secret_guard.tokens import redact

__all__ = ["scan_bytes", "scan_file", "scan_notebook", "scan_paths", "scan_source", "scan_text"]


def scan_bytes(data: bytes, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in a file's bytes; ``path`` decides whether it is a notebook."""
    if not prefilter.may_contain_leak(data):
        return FileResult(path)
    is_notebook = path.endswith(NOTEBOOK_SUFFIXES)
    try:
        text = data.decode("utf-8-sig") if is_notebook else decode_source(data).text
    except (DecodeError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        error = ScanError(path, "parse", f"{redact(reason)}; scanned as text")
        text = decode_lossy(data)
        result = scan_notebook(text, path, options) if is_notebook else scan_unparsed(text, path, options)
        return FileResult(path, result.findings, (error, *result.errors))
    return scan_text(text, path, options)


def scan_file(path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Read and scan one file; a file that cannot be read is an error, never an exception."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        return FileResult(path, (), (ScanError(path, "read", "is a directory"),))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return FileResult(path, (), (ScanError(path, "read", f"cannot read: {reason}"),))
    return scan_bytes(data, path, options)


def scan_paths(
    paths: Sequence[Union[str, os.PathLike[str]]], options: ScanOptions = DEFAULT_OPTIONS
) -> Iterator[FileResult]:
    """Scan files and directories (recursively), in a stable order.  Raises ``MissingPath``."""
    for path in discover([str(p) for p in paths]):
        yield scan_file(path, options)
