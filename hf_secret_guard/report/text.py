"""The human report, like ruff's: one line per finding, then a summary and what to do next."""

from __future__ import annotations

from collections.abc import Sequence

from hf_secret_guard.ftypes import Finding, ScanError
from hf_secret_guard.report.location import location

REVOKE_ADVICE = (
    "A leaked token stays valid until you revoke it: revoke it at\n"
    "https://huggingface.co/settings/tokens, create a new one and keep it in Colab's Secrets panel\n"
    "(key icon in the left sidebar), then read it with\n"
    '`from google.colab import userdata; userdata.get("HF_TOKEN")`.'
)


def format_finding(finding: Finding) -> str:
    suffix = "" if finding.fixable else " [not fixable]"
    return f"{location(finding)}: {finding.rule} {finding.message}{suffix}"


def format_error(error: ScanError) -> str:
    level = "error" if error.kind == "read" else "warning"
    return f"{error.path}: {level}: {error.message}"


def summary(findings: Sequence[Finding], files: int, hidden: int = 0) -> str:
    if not findings:
        text = f"No leaks found in {files} file{'s' if files != 1 else ''}."
    else:
        paths = len({f.path for f in findings})
        fixable = sum(1 for f in findings if f.fixable)
        text = (
            f"Found {len(findings)} leak{'s' if len(findings) != 1 else ''} in {paths} "
            f"file{'s' if paths != 1 else ''} ({files} scanned); {fixable} fixable with --fix."
        )
    if hidden:
        text += f" {hidden} known finding{'s' if hidden != 1 else ''} hidden by the baseline."
    return text


def statistics(findings: Sequence[Finding]) -> list[str]:
    """``--statistics``: one line per rule that found something, most frequent first, as ruff shows it."""
    from hf_secret_guard.rules import RULES

    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    width = len(str(max(counts.values(), default=0)))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        f"{count:>{width}}\t{code}\t{RULES[code].name if code in RULES else ''}".rstrip()
        for code, count in ordered
    ]
