"""Scan one document: pure functions from text to findings.  File reading lives in ``api.py``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from hf_secret_guard import prefilter
from hf_secret_guard.allow import drop_allowed
from hf_secret_guard.detect.shell import find_shell_leaks
from hf_secret_guard.detect.text import find_text_leaks
from hf_secret_guard.ftypes import DEFAULT_OPTIONS, FileResult, Finding, Leak, Part, ScanError, ScanOptions
from hf_secret_guard.messages import describe, not_fixable_reason
from hf_secret_guard.notebook_shape import NOTEBOOK_SUFFIXES
from hf_secret_guard.text_positions import LineIndex
from hf_secret_guard.tokens import fingerprint, identity, mask, secret_hash


def _finding(
    leak: Leak,
    path: str,
    part: Optional[Part],
    lines: LineIndex,
    part_index: int = 0,
    file_position: Optional[tuple[int, int]] = None,
) -> Finding:
    masked = mask(leak.secret)
    known_as = identity(leak.secret, leak.env_name)
    span = lines.span(leak.start, leak.end)
    file_line, file_column = file_position or (span.line, span.column)
    return Finding(
        rule=leak.rule,
        path=path,
        span=span,
        message=describe(leak, part, masked),
        masked=masked,
        confidence=leak.confidence,
        fingerprint=fingerprint(leak.rule, path, known_as),
        secret_hash=secret_hash(known_as),
        fixable=leak.fixable,
        site=leak.site,
        secret=leak.secret,
        cell=part.cell if part is not None else None,
        output=part.output if part is not None else None,
        part_index=part_index,
        file_line=file_line,
        file_column=file_column,
        env_name=leak.env_name,
        not_fixable_reason=not_fixable_reason(leak),
    )


def find_code_leaks(
    text: str, options: ScanOptions, aliases: object = None, force: bool = False
) -> tuple[list[Leak], Optional[str]]:
    """Leaks in Python code, and the reason it could not be parsed (then it was scanned as text).

    Without ``force`` the code is parsed only when the prefilter says it can hold a finding.
    """
    if not force and not prefilter.needs_parse(text):
        return [], None
    from hf_secret_guard.detect.python import EnvironAliases, PythonParseError, find_python_leaks

    try:
        shared = aliases if isinstance(aliases, EnvironAliases) else None
        return find_python_leaks(text, shared, options.secret_names), None
    except PythonParseError as exc:
        return find_text_leaks(text, "HFG001", "text", fixable=False), str(exc)


def _keep(leaks: Sequence[Leak], options: ScanOptions) -> list[Leak]:
    return [leak for leak in leaks if options.wants(leak.rule)]


def _source_leaks(text: str, options: ScanOptions) -> tuple[list[Leak], Optional[str]]:
    """libcst reads only the statements that can hold a finding (``read.slices``), or the whole file."""
    # libcst is needed either way; loading it before slicing lets a worker process that must not load it
    # hand the file over at once (``parallel``), without slicing it first for nothing.
    import hf_secret_guard.detect.python  # noqa: F401
    from hf_secret_guard.read.slices import relevant_statements

    sliced = relevant_statements(text)
    if sliced is not None:
        leaks, parse_error = find_code_leaks(sliced.text, options, force=True)
        if parse_error is None:
            return [sliced.restore(leak) for leak in leaks], None
    return find_code_leaks(text, options, force=True)


def scan_source(text: str, path: str = "<string>", options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in the text of a ``.py`` file."""
    if not prefilter.python_may_leak(text, options.secret_names):
        return FileResult(path)  # most files that mention `environ` only read it
    leaks, parse_error = _source_leaks(text, options)
    leaks = drop_allowed(text, leaks)
    errors: tuple[ScanError, ...] = ()
    if parse_error is not None:
        errors = (ScanError(path, "parse", f"could not parse as Python ({parse_error}); scanned as text"),)
    lines = LineIndex(text) if leaks else None
    findings = tuple(_finding(leak, path, None, lines) for leak in _keep(leaks, options) if lines)
    return FileResult(path, findings, errors)


def scan_unparsed(text: str, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Tokens anywhere in a file that is not valid text: reported, never fixed."""
    leaks = drop_allowed(text, _keep(find_text_leaks(text, "HFG001", "text", fixable=False), options))
    lines = LineIndex(text)
    return FileResult(path, tuple(_finding(leak, path, None, lines) for leak in leaks))


def scan_notebook(raw: str, path: str = "<notebook>", options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in the JSON text of a notebook: cells, outputs, markdown, metadata, then a safety net."""
    from hf_secret_guard.notebook_scan import scan_notebook_text

    return scan_notebook_text(raw, path, options)


def scan_text(text: str, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Dispatch on the file name."""
    if path.endswith(NOTEBOOK_SUFFIXES):
        return scan_notebook(text, path, options)
    return scan_source(text, path, options)


def shell_part_leaks(
    part_text: str, spans: Sequence[tuple[int, int]], fixable: bool, options: ScanOptions
) -> list[Leak]:
    leaks: list[Leak] = []
    for start, end in spans:
        leaks.extend(
            find_shell_leaks(part_text, start, end, fixable=fixable, extra_secret_names=options.secret_names)
        )
    return leaks


__all__ = [
    "NOTEBOOK_SUFFIXES",
    "find_code_leaks",
    "scan_notebook",
    "scan_source",
    "scan_text",
    "scan_unparsed",
]
