"""A ``.py`` file: the prefilter, then the code scanner over the statements that can hold a finding."""

from __future__ import annotations

from typing import Optional

from hf_secret_guard.detect.allow import drop_allowed, may_allow, unused_allow_comments
from hf_secret_guard.detect.text import find_text_leaks
from hf_secret_guard.model import FileResult, ScanError
from hf_secret_guard.options import DEFAULT_OPTIONS, ScanOptions
from hf_secret_guard.read.lines import LineIndex
from hf_secret_guard.scan.code import source_leaks
from hf_secret_guard.scan.findings import finding, keep
from hf_secret_guard.screen import prefilter


def scan_source(text: str, path: str = "<string>", options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in the text of a ``.py`` file."""
    tokens = prefilter.python_screen(text, options.secret_names)
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
    lines = _FindingLines(text) if leaks else None
    findings = tuple(finding(leak, path, None, lines) for leak in keep(leaks, options) if lines)
    return FileResult(path, findings, errors)


class _FindingLines(LineIndex):
    """``LineIndex`` for the findings of a file, asked for in order: a line number is counted from the
    last one asked for (forwards or back), and a line's start is found once for all the findings on it
    (a long line with many is searched once).  Same answers; a text with ``\r`` is indexed."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._indexed: Optional[LineIndex] = LineIndex(text) if "\r" in text else None
        self._line = (0, -1, 1)  # the last line asked for: its start, its ``\n`` (or the text's end), number

    @property
    def _starts(self) -> list[int]:  # type: ignore[override]
        self._indexed = self._indexed or LineIndex(self._text)
        return self._indexed._starts

    def position(self, offset: int) -> tuple[int, int]:
        if self._indexed is not None:
            return self._indexed.position(offset)
        first, end, number = self._line
        if first <= offset <= end:
            return number, offset - first + 1
        text = self._text
        if offset > end:
            number += text.count("\n", max(end, 0), offset)
        else:
            number -= text.count("\n", offset, first)
        first = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        self._line = (first, len(text) if end < 0 else end, number)
        return number, offset - first + 1


def scan_unparsed(text: str, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Tokens anywhere in a file that is not valid text: reported, never fixed."""
    leaks = drop_allowed(text, keep(find_text_leaks(text, "HFG001", "text", fixable=False), options))
    lines = LineIndex(text)
    return FileResult(path, tuple(finding(leak, path, None, lines) for leak in leaks))
