"""Machine-readable reports by name (``--format``), and writing one to ``--output``.

Each reporter module is imported only when its format is asked for.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Optional

from hf_secret_guard.model import Finding, ScanError, Verification
from hf_secret_guard.read.small_files import write_text_no_follow
from hf_secret_guard.tokens.redaction import redact_output

MACHINE_FORMATS = ("json", "sarif", "github")


def render(
    output_format: str,
    findings: Sequence[Finding],
    errors: Sequence[ScanError],
    verifications: Optional[Mapping[str, Verification]] = None,
    fixed: Collection[tuple[str, str, int, int]] = (),
) -> str:
    """``verifications`` (``--verify``, keyed by secret hash) set JSON ``verified`` and the SARIF level;
    ``fixed`` (the ``Finding.key`` of what ``--fix`` wrote) sets JSON ``fixed``."""
    if output_format == "json":
        from hf_secret_guard.report.json_report import render_json

        return render_json(findings, errors, verifications, fixed)
    if output_format == "sarif":
        from hf_secret_guard.report.sarif import render_sarif  # pathlib and urllib

        return render_sarif(findings, errors, verifications=verifications)
    if output_format == "github":
        from hf_secret_guard.report.github import render_github  # pathlib

        return render_github(findings, errors)
    raise ValueError(f"unknown report format {output_format!r}")


def write_report(path: str, text: str) -> None:
    """UTF-8 with ``\\n`` line endings on every OS, so a report is the same file wherever it was made.
    Redacted like the console (``report.redact``): a report file is shared, uploaded, kept."""

    write_text_no_follow(path, redact_output(text))
