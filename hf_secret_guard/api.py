"""The Python API: bytes -> file -> paths, each layer a plain function.  The CLI is a thin caller."""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Optional, Union

from hf_secret_guard import scan
from hf_secret_guard.discover import (
    DEFAULT_DISCOVER,
    discover_files,
    discover_staged,
    looks_binary,
)
from hf_secret_guard.fix.model import DEFAULT_FIX_OPTIONS, FixOptions, FixResult
from hf_secret_guard.model import Candidate, FileResult, Finding, ScanError, digest
from hf_secret_guard.options import DEFAULT_OPTIONS, DiscoverOptions, ScanOptions
from hf_secret_guard.read.kinds import binary_by_name, kind_of
from hf_secret_guard.read.notebook_shape import notebook_shape_error
from hf_secret_guard.read.source import DecodeError, decode_lossy, decode_source
from hf_secret_guard.scan import parallel, scan_unparsed
from hf_secret_guard.screen import prefilter
from hf_secret_guard.tokens import redact

# The fixer, git and libcst are imported in the functions that need them: a clean scan never loads them.

__all__ = [
    "fix_bytes",
    "fix_file",
    "fix_notebook",
    "fix_source",
    "scan_bytes",
    "scan_candidates",
    "scan_file",
    "scan_notebook",
    "scan_paths",
    "scan_source",
    "scan_staged",
    "scan_text",
]


def scan_source(text: str, path: str = "<string>", options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in the text of a ``.py`` file."""
    return scan.scan_source(text, path, options)


def scan_notebook(raw: str, path: str = "<notebook>", options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in the JSON text of a notebook: cells, outputs, markdown, metadata, then a safety net."""
    return scan.scan_notebook(raw, path, options)


def scan_text(text: str, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in a file's text; ``path`` decides whether it is a notebook."""
    return scan.scan_text(text, path, options)


def scan_bytes(data: bytes, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in a file's bytes; its kind (``read.kinds``: Python, notebook, other text) comes from
    ``path`` and the first line.  A result with findings carries the bytes' digest (for ``--fix``)."""
    return _digested(data, _scan_bytes(data, path, options))


def _digested(data: bytes, result: FileResult) -> FileResult:
    return result._replace(digest=digest(data)) if result.findings else result


def _scan_bytes(data: bytes, path: str, options: ScanOptions) -> FileResult:
    kind = kind_of(path, data[:200].split(b"\n", 1)[0])
    is_notebook = kind == "notebook"
    if data.startswith(_WIDE_BOMS):
        return _scan_wide_text(data, path, options, is_notebook)
    if kind == "text":
        if not prefilter.text_may_leak(data, options.secret_names) and not _may_allow(data, options):
            return FileResult(path)
        return scan_text(data.decode("utf-8-sig", "replace"), path, options)
    if is_notebook:
        screened: Optional[int] = 0 if prefilter.may_contain_leak(data) else None
    else:
        screened = prefilter.python_bytes_screen(data)
    if screened is None and not _may_allow(data, options):
        return FileResult(path, (), notebook_shape_error(data, path) if is_notebook else ())

    try:
        source = None if is_notebook else decode_source(data)
        text = data.decode("utf-8-sig") if source is None else source.text
    except (DecodeError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        error = ScanError(path, "parse", f"{redact(reason)}; scanned as text")
        text = decode_lossy(data)
        result = scan_notebook(text, path, options) if is_notebook else scan_unparsed(text, path, options)
        return FileResult(path, result.findings, (error, *result.errors))
    if source is not None:
        # The byte screen's first hit is the text's where the text is the bytes' UTF-8.
        same = source.encoding == "utf-8" and not source.bom
        return scan.scan_text(text, path, options, start=screened if same and screened is not None else 0)
    # A notebook's screens look for ASCII needles in its bytes, which hold them where its text does: a
    # search of bytes is cheaper than one of text with characters beyond Latin-1, 4 bytes each.
    return scan.scan_text(text, path, options, data=data)


def _may_allow(data: bytes, options: ScanOptions) -> bool:
    """HFG100 (opt-in) looks at allow comments even in a file with no secret: only when it is selected."""
    if not options.wants("HFG100"):
        return False
    lowered = data.lower()
    return b"hf-secret-guard" in lowered or b"noqa" in lowered


# UTF-32 first: its little-endian mark begins with UTF-16's.
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _scan_wide_text(data: bytes, path: str, options: ScanOptions, is_notebook: bool) -> FileResult:
    """UTF-16/32 text: Python will not run it and JSON must be UTF-8, but a token in it is still a leak."""
    codec = "utf-32" if data.startswith(_WIDE_BOMS[:2]) else "utf-16"
    text = data.decode(codec, errors="replace")
    kind = "notebook JSON must be UTF-8" if is_notebook else "Python cannot run it"
    error = ScanError(path, "parse", f"{codec.upper()} text ({kind}); scanned as text")
    result = scan_notebook(text, path, options) if is_notebook else scan_unparsed(text, path, options)
    return FileResult(path, result.findings, (error, *result.errors))


_SIZE_NOTE = "(--max-file-size)"


def _too_large(size: int, limit: int) -> str:
    megabyte = 1024 * 1024
    return f"{size / megabyte:.1f} MB, over the {limit / megabyte:g} MB limit {_SIZE_NOTE}"


def is_size_skip(reason: str) -> bool:
    """A file skipped for its size: the CLI warns about these even without ``--verbose``, since a file of a
    scanned type was not read and could hold a leak."""
    return reason.endswith(_SIZE_NOTE)


def scan_file(path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Read and scan one file; a file that cannot be read is an error, never an exception.

    Not read at all: anything but a regular file (a FIFO would block forever: an error), and files over
    ``options.max_file_size``.  Skipped after reading: binary files named explicitly that are not ``.py``
    or ``.ipynb`` (a ``.py`` with NUL bytes is still scanned as text: it may hold a token).  Both come back
    with ``skipped`` set.
    """
    return _read_and_scan(path, options)[0]


def _read_and_scan(
    path: str, options: ScanOptions, digests: bool = True
) -> tuple[FileResult, Optional[bytes]]:
    """``scan_file``, and the bytes it read (None when it read none); without ``digests``, a result with
    findings carries no digest."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            return FileResult(path, (), (ScanError(path, "read", "is a directory"),)), None
        if not stat.S_ISREG(info.st_mode):  # named explicitly: walks leave these out with a note
            return FileResult(path, (), (ScanError(path, "read", "not a regular file"),)), None
        if options.max_file_size and info.st_size > options.max_file_size:
            return FileResult(path, skipped=_too_large(info.st_size, options.max_file_size)), None
        if binary_by_name(path):  # a checkpoint or an image: not worth reading to find out
            return FileResult(path, skipped="binary file"), None
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return FileResult(path, (), (ScanError(path, "read", f"cannot read: {reason}"),)), None
    if looks_binary(data) and kind_of(path, data[:200].split(b"\n", 1)[0]) == "text":
        return FileResult(path, skipped="binary file"), data
    result = _scan_bytes(data, path, options)
    return (_digested(data, result) if digests else result), data


def scan_candidates(
    candidates: Iterable[Candidate],
    options: ScanOptions = DEFAULT_OPTIONS,
    jobs: Optional[int] = None,
    *,
    digests: bool = True,
) -> Iterator[FileResult]:
    """Scan what discovery found; skipped files and unlistable directories come back as results too.

    A large tree is scanned by worker processes (``parallel``), with the same results in the same order;
    ``jobs`` sets how many (1: none; None: one per core, for a large tree).  ``digests=False``: no result
    carries the digest of its bytes, which only a fix uses (hashing every file with findings is a pass
    over each, for nothing when nothing will be fixed).
    """
    listed = list(candidates)
    scan_one = scan_candidate if digests else scan_candidate_undigested
    workers = parallel.workers_for(listed, jobs)
    if workers > 1:
        yield from parallel.scan_in_workers(listed, options, scan_one, workers)
    else:
        for candidate in listed:
            yield scan_one(candidate, options)


def scan_candidate(candidate: Candidate, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    return scan_candidate_bytes(candidate, options)[0]


def scan_candidate_undigested(candidate: Candidate, options: ScanOptions) -> FileResult:
    return scan_candidate_bytes(candidate, options, digests=False)[0]


def scan_candidate_bytes(
    candidate: Candidate, options: ScanOptions = DEFAULT_OPTIONS, digests: bool = True
) -> tuple[FileResult, Optional[bytes]]:
    """``scan_candidate``, and the bytes it scanned (None when it read none): ``--fix`` plans its fix
    right after the scan, from the same bytes (``result.digest`` is theirs, unless ``digests`` is
    False)."""
    if candidate.skipped:
        return FileResult(candidate.path, skipped=candidate.skipped), None
    if candidate.error:
        return FileResult(candidate.path, (), (ScanError(candidate.path, "read", candidate.error),)), None
    return _read_and_scan(candidate.path, options, digests)


def scan_paths(
    paths: Sequence[Union[str, os.PathLike[str]]],
    options: ScanOptions = DEFAULT_OPTIONS,
    discover: DiscoverOptions = DEFAULT_DISCOVER,
    jobs: Optional[int] = None,
) -> Iterator[FileResult]:
    """Scan files and directories (recursively), in a stable order; a missing path is an error entry.

    Files that were left out (excluded, binary, too large...) are yielded with ``skipped`` set.  ``jobs``:
    as for ``scan_candidates``.
    """
    yield from scan_candidates(discover_files([str(p) for p in paths], discover), options, jobs)


def scan_staged(
    paths: Sequence[str] = (),
    options: ScanOptions = DEFAULT_OPTIONS,
    discover: DiscoverOptions = DEFAULT_DISCOVER,
) -> Iterator[FileResult]:
    """Scan what the git index holds (what ``git commit`` would record), not the working files.

    ``paths`` limit it to those pathspecs.  Raises ``gitfiles.GitError`` outside a git repository.
    """
    yield from scan_staged_candidates(discover_staged(paths, discover), options)


def scan_staged_candidates(
    staged: Sequence[tuple[Candidate, str]], options: ScanOptions = DEFAULT_OPTIONS
) -> Iterator[FileResult]:
    """Scan staged files found by ``discover_staged``, reading every blob through one git process."""
    from hf_secret_guard.discover.git import read_blobs  # git: only for staged files

    wanted = [(candidate, blob) for candidate, blob in staged if not candidate.skipped]
    contents = read_blobs([blob for _, blob in wanted], options.max_file_size)
    for candidate, _blob in staged:
        if candidate.skipped:
            yield FileResult(candidate.path, skipped=candidate.skipped)
            continue
        _, data, size = next(contents)
        if data is None:
            yield FileResult(candidate.path, skipped=_too_large(size, options.max_file_size))
        elif binary_by_name(candidate.path) or (
            looks_binary(data) and kind_of(candidate.path, data[:200].split(b"\n", 1)[0]) == "text"
        ):
            yield FileResult(candidate.path, skipped="binary file")
        else:
            yield scan_bytes(data, candidate.path, options)


def fix_source(
    text: str,
    path: str = "<string>",
    options: ScanOptions = DEFAULT_OPTIONS,
    fix_options: FixOptions = DEFAULT_FIX_OPTIONS,
) -> FixResult:
    """The text of a ``.py`` file with its leaks fixed (``result.text``); what was not fixed, and why."""
    from hf_secret_guard.fix.document import fix_source_text  # the fixer (libcst): only for --fix

    return fix_source_text(text, path, scan_source(text, path, options).findings, fix_options)


def fix_notebook(
    raw: str,
    path: str = "<notebook>",
    options: ScanOptions = DEFAULT_OPTIONS,
    fix_options: FixOptions = DEFAULT_FIX_OPTIONS,
) -> FixResult:
    """The JSON text of a notebook with its leaks fixed, in the notebook's own format."""
    from hf_secret_guard.fix.document import fix_notebook_text  # the fixer (libcst): only for --fix

    return fix_notebook_text(raw, path, scan_notebook(raw, path, options).findings, fix_options)


def fix_bytes(
    data: bytes,
    path: str,
    options: ScanOptions = DEFAULT_OPTIONS,
    fix_options: FixOptions = DEFAULT_FIX_OPTIONS,
    only: Optional[Collection[Finding]] = None,
) -> FixResult:
    """A file's bytes with its leaks fixed (``result.new_data``, None when there is nothing to write).

    ``only`` limits the fix to these findings of a scan of the same bytes (say, those a baseline kept).
    """
    from hf_secret_guard.fix.document import fix_file_bytes  # the fixer (libcst): only for --fix

    return fix_file_bytes(data, path, scan_bytes(data, path, options), fix_options, only)


def fix_file(
    path: str, options: ScanOptions = DEFAULT_OPTIONS, fix_options: FixOptions = DEFAULT_FIX_OPTIONS
) -> FixResult:
    """Fix one file in place (atomically; only if it has something to fix and did not change meanwhile).

    Raises ``OSError`` when the file cannot be read or written.
    """
    from hf_secret_guard.fix.write import replace_file  # the fixer: only for --fix

    with open(path, "rb") as handle:
        data = handle.read()
    result = fix_bytes(data, path, options, fix_options)
    if result.new_data is not None:
        replace_file(path, data, result.new_data)
    return result
