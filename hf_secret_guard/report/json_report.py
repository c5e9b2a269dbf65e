"""``--format json``: one object with every finding and every file that could not be fully read."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Optional

from hf_secret_guard._version import __version__
from hf_secret_guard.model import Finding, ScanError, Verification
from hf_secret_guard.report.verification import record


def finding_record(
    finding: Finding, verification: Optional[Verification] = None, fixed: bool = False
) -> dict[str, Any]:

    span = finding.span
    return {
        "path": finding.path,
        "rule": finding.rule,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "cell": finding.cell,
        "output": finding.output,
        # What line/column count from: the file itself, or the cell's source, or that output's text.
        "position_in": "file" if finding.span_in_file else ("output" if finding.output else "cell"),
        "file_line": finding.file_line,
        "file_column": finding.file_column,
        "message": finding.message,
        "secret": finding.masked,
        "confidence": finding.confidence,
        "fingerprint": finding.fingerprint,
        "fixable": finding.fixable,
        "fixed": fixed,  # true only for what this run's --fix wrote
        "not_fixable_reason": finding.not_fixable_reason or None,
        "site": finding.site,
        "env_name": finding.env_name,
        "verified": record(verification),  # null unless --verify asked the Hub about this token
    }


def render_json(
    findings: Sequence[Finding],
    errors: Sequence[ScanError],
    verifications: Optional[Mapping[str, Verification]] = None,
    fixed: Collection[tuple[str, str, int, int]] = (),
) -> str:
    """``verifications``: the Hub's answers (``--verify``) by secret hash; ``fixed``: the ``Finding.key``
    of each finding this run's ``--fix`` wrote."""
    answers = verifications or {}
    done = frozenset(fixed)
    report = {
        "version": __version__,
        "findings": [finding_record(f, answers.get(f.secret_hash), f.key in done) for f in findings],
        "errors": [{"path": e.path, "kind": e.kind, "message": e.message} for e in errors],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
