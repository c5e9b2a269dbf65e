"""Where a finding sits in the file on disk, for reports that tools (GitHub, SARIF viewers) place in files.

A ``.py`` finding's span already is a file position.  A notebook finding's span counts lines within a cell,
which no tool outside Jupyter understands, so file reports use ``Finding.file_line``/``file_column``: the
place of the secret inside the ``.ipynb`` JSON.  The end is the start plus the span's width when the span is
on one line (a token never contains a character that JSON escapes); a span over several cell lines runs
over several JSON strings, so its end is left open ("to the end of that line"), never invented.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import NamedTuple, Optional

from hf_secret_guard.model import Finding


class FileRegion(NamedTuple):
    """1-based; ``end_column`` is the column after the last character (SARIF's convention), or None."""

    line: int
    column: int
    end_line: int
    end_column: Optional[int]


def file_region(finding: Finding) -> FileRegion:
    span = finding.span
    if finding.span_in_file:  # a .py file, or notebook metadata/JSON whose span is already in the file
        line, column = max(1, span.line), max(1, span.column)
        end_line, end_column = max(line, span.end_line), span.end_column
        if end_line == line and end_column <= column:
            end_column = column + 1
        return FileRegion(line, column, end_line, max(1, end_column))
    line, column = max(1, finding.file_line), max(1, finding.file_column)
    if span.end_line == span.line:
        return FileRegion(line, column, line, column + max(1, span.end - span.start))
    return FileRegion(line, column, line, None)


def cell_place(finding: Finding) -> str:
    """``cell 3, line 2, column 9`` (``cell 3, output 1, ...``): a notebook finding's place in Jupyter."""
    if finding.span_in_file or finding.cell is None:
        return ""
    output = f", output {finding.output}" if finding.output is not None else ""
    return f"cell {finding.cell}{output}, line {finding.span.line}, column {finding.span.column}"


def relative_path(path: str, root: Optional[str] = None) -> Optional[str]:
    """``path`` relative to ``root`` (default: the current directory) with ``/``; None when outside it."""
    base = Path(os.path.abspath(root or os.curdir))
    target = Path(os.path.abspath(path))
    try:
        relative = target.relative_to(base)
    except ValueError:
        return None
    return PurePath(relative).as_posix()
