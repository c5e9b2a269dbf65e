"""How a finding's place is written.

``path:12:5``, ``nb.ipynb:cell 3:2:9``, ``nb.ipynb:cell 3:output 1:4:1``, as ruff writes them.
"""

from __future__ import annotations

import re

from hf_secret_guard.model import Finding

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """A file name as a terminal may show it: control characters (an escape sequence, a newline that
    would forge a report line) written as ``\\x1b``."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def location(finding: Finding) -> str:
    span = finding.span
    path = printable(finding.path)
    if finding.span_in_file:
        return f"{path}:{span.line}:{span.column}"
    if finding.output is None:
        return f"{path}:cell {finding.cell}:{span.line}:{span.column}"
    return f"{path}:cell {finding.cell}:output {finding.output}:{span.line}:{span.column}"
