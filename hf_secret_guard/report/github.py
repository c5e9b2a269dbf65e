"""``--format github``: workflow-command annotations that GitHub Actions shows on the changed lines.

``::error file=F,line=L,col=C,endColumn=E,title=HFG001::message``.  The runner splits the command on ``,``
``::`` and ``=``, so a hostile path or message could end the command early or inject another one; every
value is escaped as the Actions toolkit does (``escapeData`` / ``escapeProperty``).  Notebook findings are
placed at the secret's real line in the ``.ipynb`` file (ruff puts every one at line 1), and the message
names the cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from hf_secret_guard.model import Finding, ScanError
from hf_secret_guard.report.region import cell_place, file_region, relative_path


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, properties: Sequence[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties)
    return f"::{level} {props}::{escape_data(message)}"


def _file(path: str, root: Optional[str]) -> str:
    """Repository-relative (the job runs in the checkout) so GitHub can match the file in the diff."""
    return relative_path(path, root) or path


def format_annotation(finding: Finding, root: Optional[str] = None) -> str:
    place = file_region(finding)
    properties: list[tuple[str, object]] = [("file", _file(finding.path, root)), ("line", place.line)]
    if place.end_line != place.line:
        properties.append(("endLine", place.end_line))
    else:  # GitHub uses columns only for a one-line annotation
        properties.append(("col", place.column))
        if place.end_column is not None:
            properties.append(("endColumn", place.end_column))
    properties.append(("title", finding.rule))
    where = cell_place(finding)
    message = f"{where}: {finding.message}" if where else finding.message
    return _command("error", properties, message)


def format_error_annotation(error: ScanError, root: Optional[str] = None) -> str:
    level = "error" if error.kind == "read" else "warning"
    return _command(level, [("file", _file(error.path, root)), ("title", "hf-secret-guard")], error.message)


def render_github(
    findings: Sequence[Finding], errors: Sequence[ScanError], root: Optional[str] = None
) -> str:
    lines = [format_annotation(f, root) for f in findings]
    lines += [format_error_annotation(e, root) for e in errors]
    return "".join(line + "\n" for line in lines)
