"""Scan one document: the one dispatch on its kind.  Pure functions from text to findings; file reading
lives in ``api.py``.

Start-up boundary: the detectors that need libcst are imported (in ``scan.code``) only once a file can
hold a finding.
"""

from __future__ import annotations

from typing import Optional

from hf_secret_guard.model import FileResult
from hf_secret_guard.options import DEFAULT_OPTIONS, ScanOptions
from hf_secret_guard.read.kinds import NOTEBOOK_SUFFIXES, kind_of
from hf_secret_guard.scan import python_file
from hf_secret_guard.scan.notebook_file import scan_notebook_text


def scan_source(text: str, path: str = "<string>", options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in the text of a ``.py`` file."""
    return python_file.scan_source(text, path, options)


def scan_unparsed(text: str, path: str, options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Tokens anywhere in a file that is not valid text: reported, never fixed."""
    return python_file.scan_unparsed(text, path, options)


def scan_notebook(raw: str, path: str = "<notebook>", options: ScanOptions = DEFAULT_OPTIONS) -> FileResult:
    """Findings in the JSON text of a notebook: cells, outputs, markdown, metadata, then a safety net."""
    return scan_notebook_text(raw, path, options)


def scan_text(
    text: str,
    path: str,
    options: ScanOptions = DEFAULT_OPTIONS,
    data: Optional[bytes] = None,
    start: int = 0,
) -> FileResult:
    """Dispatch on the file's kind (``read.kinds``): a notebook, Python, or any other text.  ``data``: the
    bytes ``text`` was decoded from as UTF-8 (a byte order mark aside), when the caller has them.
    ``start``: for Python, where the text screen's search for tokens and slots may begin
    (``prefilter.python_screen``)."""
    kind = kind_of(path, text[:200].split("\n", 1)[0].encode("utf-8", "replace"))
    if kind == "notebook":
        return scan_notebook_text(text, path, options, data)
    if kind == "python":
        return python_file.scan_source(text, path, options, start)
    from hf_secret_guard.scan.text_file import (
        scan_text_file,
    )  # only for a file that is neither Python nor a notebook

    return scan_text_file(text, path, options)


__all__ = ["NOTEBOOK_SUFFIXES", "scan_notebook", "scan_source", "scan_text", "scan_unparsed"]
