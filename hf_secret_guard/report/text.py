"""The human report, like ruff's: one line per finding, then a summary and what to do next."""

from __future__ import annotations

from collections.abc import Sequence

from hf_secret_guard.model import Finding, ScanError
from hf_secret_guard.providers import DEFAULT, PROVIDERS
from hf_secret_guard.report.location import location, printable
from hf_secret_guard.rules import RULES

REVOKE_ADVICE = (
    "A leaked token stays valid until you revoke it: revoke it at\n"
    f"{DEFAULT.revoke_url}, create a new one and keep it in Colab's Secrets panel\n"
    "(key icon in the left sidebar), then read it with\n"
    f'`from google.colab import userdata; userdata.get("{DEFAULT.secret_name}")`.'
)


UNNAMED_ADVICE = (
    "A leaked secret stays valid until you change it where it was issued (the service's own settings):\n"
    "change it there, keep the new one in Colab's Secrets panel (key icon in the left sidebar) and read it\n"
    "with `userdata.get(NAME)`."
)


PLACEHOLDER_ADVICE = (
    "A placeholder is no leak, but the code asks whoever runs it to paste a key into the file: keep the\n"
    "key in Colab's Secrets panel (key icon in the left sidebar) and read it with `userdata.get(NAME)`."
)


def revoke_advice(findings: Sequence[Finding]) -> str:
    """What to do next, naming where each leaked key is revoked: its own provider's page."""
    leaks = [f for f in findings if f.rule != "HFG005"]
    if not leaks:
        return PLACEHOLDER_ADVICE
    names = list(dict.fromkeys(f.provider for f in leaks))
    if names == ["huggingface"]:
        return REVOKE_ADVICE
    if names == [""]:  # a value in a secret's place whose shape names no provider: no page to point to
        return UNNAMED_ADVICE
    pages = {p.name: p for p in PROVIDERS}
    lines = ["A leaked key stays valid until you revoke it. Revoke each where it was issued:"]
    lines += [f"  {pages[n].title}: {pages[n].revoke_url}" for n in names if n in pages]
    if "" in names:
        lines.append("  other secrets: wherever they were issued")
    lines.append(
        "then keep the new keys in Colab's Secrets panel (key icon in the left sidebar) and read them\n"
        "with `userdata.get(NAME)`."
    )
    return "\n".join(lines)


def format_finding(finding: Finding) -> str:
    suffix = "" if finding.fixable else f" [not fixable: {finding.not_fixable_reason}]"
    return f"{location(finding)}: {finding.rule} {finding.message}{suffix}"


def format_error(error: ScanError) -> str:
    level = "error" if error.kind == "read" else "warning"
    return f"{printable(error.path)}: {level}: {printable(error.message)}"


def count(number: int, noun: str) -> str:
    """``1 file``, ``2 files``, ``0 files``: every summary counts with this, so none says "1 files"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(
    findings: Sequence[Finding],
    files: int,
    hidden: int = 0,
    unreadable: int = 0,
    fix_command: str = "",
    fixed: int = 0,
) -> str:
    """``files`` were read and scanned; ``unreadable`` could not be read, so nothing is claimed about them.
    ``fix_command``: what fixes them where ``--fix`` is not what to run (inside a pre-commit hook)."""
    not_read = f"{count(unreadable, 'file')} could not be read" if unreadable else ""
    if not findings:
        if unreadable and not files:
            text = f"{not_read}; nothing was scanned."
        else:
            text = f"No leaks found in {count(files, 'file')}" + (f"; {not_read}." if unreadable else ".")
    else:
        paths = len({f.path for f in findings})
        fixable = sum(1 for f in findings if f.fixable)
        placeholders = sum(1 for f in findings if f.rule == "HFG005")  # no leak: counted apart
        leaks = len(findings) - placeholders
        found = " and ".join(
            part
            for part in (
                count(leaks, "leak") if leaks else "",
                count(placeholders, "placeholder") if placeholders else "",
            )
            if part
        )
        text = f"Found {found} in {count(paths, 'file')} ({files} scanned); {fixable} fixable with --fix."
        if fixed:  # after --fix, as ruff says it
            left = len(findings) - fixed
            text = (
                f"Found {found} in {count(paths, 'file')} ({files} scanned): {fixed} fixed, {left} remaining."
            )
        elif fix_command and fixable:
            text = text[: -len("with --fix.")] + f"with `{fix_command}`."
        if unreadable:
            text += f" {not_read}."
    if hidden:
        text += f" {count(hidden, 'known finding')} hidden by the baseline."
    return text


def hook_fix_command(findings: Sequence[Finding]) -> str:
    """Inside a pre-commit hook ``hf-secret-guard`` is usually not on PATH: the fix hook is what to run."""
    import shlex  # only for a command shown in a message

    paths = sorted({f.path for f in findings if f.fixable})
    return "pre-commit run hf-secret-guard-fix --files " + " ".join(shlex.quote(p) for p in paths)


def json_statistics(findings: Sequence[Finding]) -> str:
    """``--statistics --format json``: a JSON array, one object per rule that found something, in the
    order of the text statistics: ``code``, ``name``, ``count``, ``fixable`` (how many ``--fix`` fixes)."""
    import json  # not loaded by a clean run of a .py file

    counts: dict[str, list[int]] = {}
    for finding in findings:
        entry = counts.setdefault(finding.rule, [0, 0])
        entry[0] += 1
        entry[1] += int(finding.fixable)
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    rows = [
        {"code": code, "name": RULES[code].name if code in RULES else "", "count": n, "fixable": fixable}
        for code, (n, fixable) in ordered
    ]
    return json.dumps(rows, indent=2) + "\n"


def statistics(findings: Sequence[Finding]) -> list[str]:
    """``--statistics``: one line per rule that found something, most frequent first, as ruff shows it."""

    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    width = len(str(max(counts.values(), default=0)))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        f"{count:>{width}}\t{code}\t{RULES[code].name if code in RULES else ''}".rstrip()
        for code, count in ordered
    ]
