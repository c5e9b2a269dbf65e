"""A ``.py`` file: the prefilter, then the code scanner over the statements that can hold a finding."""

from __future__ import annotations

from hf_secret_guard.detect.allow import drop_allowed, may_allow, unused_allow_comments
from hf_secret_guard.detect.text import find_text_leaks
from hf_secret_guard.model import FileResult, ScanError
from hf_secret_guard.options import DEFAULT_OPTIONS, ScanOptions
from hf_secret_guard.read.lines import CountedLineIndex, LineIndex
from hf_secret_guard.scan.code import source_leaks
from hf_secret_guard.scan.findings import finding, keep
from hf_secret_guard.screen import prefilter


def scan_source(
    text: str, path: str = "<string>", options: ScanOptions = DEFAULT_OPTIONS, start: int = 0
) -> FileResult:
    """Findings in the text of a ``.py`` file; ``start``: as for ``prefilter.python_screen``."""
    tokens = prefilter.python_screen(text, options.secret_names, start)
    if tokens is None:
        if options.wants("HFG100") and may_allow(text):
            index = LineIndex(text)
            return FileResult(
                path, tuple(finding(leak, path, None, index) for leak in unused_allow_comments(text, []))
            )
        return FileResult(path)  # most files that mention `environ` only read it
    leaks, parse_error = source_leaks(text, options, tokens)
    unused = unused_allow_comments(text, leaks) if options.wants("HFG100") and may_allow(text) else []
    leaks = sorted(drop_allowed(text, leaks) + unused, key=lambda leak: leak.start)
    errors: tuple[ScanError, ...] = ()
    if parse_error is not None:
        errors = (ScanError(path, "parse", f"could not parse as Python ({parse_error}); scanned as text"),)
    # The findings' lines, counted from one to the next (they are in order), not looked up in an index of
    # every line of the file.
    lines = CountedLineIndex(text) if leaks else None
    findings = tuple(finding(leak, path, None, lines) for leak in keep(leaks, options) if lines)
    return FileResult(path, findings, errors)


def scan_unparsed(text: str, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Tokens anywhere in a file that is not valid text: reported, never fixed."""
    leaks = drop_allowed(text, keep(find_text_leaks(text, "HFG001", "text", fixable=False), options))
    lines = LineIndex(text)
    return FileResult(path, tuple(finding(leak, path, None, lines) for leak in leaks))
