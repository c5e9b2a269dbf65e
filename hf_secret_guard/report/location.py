"""How a finding's place is written.

``path:12:5``, ``nb.ipynb:cell 3:2:9``, ``nb.ipynb:cell 3:output 1:4:1``, as ruff writes them.
"""

from __future__ import annotations

from hf_secret_guard.model import Finding
from hf_secret_guard.tokens.redaction import printable

__all__ = ["location", "printable"]


def location(finding: Finding) -> str:
    span = finding.span
    path = printable(finding.path)
    if finding.span_in_file:
        return f"{path}:{span.line}:{span.column}"
    if finding.output is None:
        return f"{path}:cell {finding.cell}:{span.line}:{span.column}"
    return f"{path}:cell {finding.cell}:output {finding.output}:{span.line}:{span.column}"
