"""A text file that is neither Python nor a notebook: keys anywhere and secret-named slots, reported with
their positions, never fixed."""

from __future__ import annotations

from hf_secret_guard.detect.allow import drop_allowed
from hf_secret_guard.detect.text_file import find_text_file_leaks
from hf_secret_guard.model import FileResult
from hf_secret_guard.options import DEFAULT_OPTIONS, ScanOptions
from hf_secret_guard.read.lines import LineIndex
from hf_secret_guard.scan.findings import finding, keep


def scan_text_file(text: str, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    leaks = find_text_file_leaks(text, path, tuple(options.secret_names))
    leaks = drop_allowed(text, keep(leaks, options))
    lines = LineIndex(text)
    return FileResult(path, tuple(finding(leak, path, None, lines) for leak in leaks))
