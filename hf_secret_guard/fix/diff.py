"""``--diff``: what ``--fix`` would change, as a unified diff with every secret masked.

The removed lines hold the secrets, so each line goes through ``tokens.redaction`` and every secret the
fix replaced (an ``sk-...`` key is no ``hf_`` token) is masked too.  Nothing of the diff may leak what
the report itself would not print.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from hf_secret_guard.fix.model import FixResult
from hf_secret_guard.tokens import mask, redact


def _masked(line: str, secrets: Iterable[str]) -> str:
    line = redact(line)
    for secret in secrets:
        line = line.replace(secret, mask(secret))
    return line


def unified_diff(result: FixResult) -> str:
    """The diff of one fixed file, ``a/path`` to ``b/path``; "" when nothing changed."""
    if not result.changed:
        return ""
    secrets = sorted(
        {f.secret for f in result.fixed} | {n.finding.secret for n in result.not_fixed}, key=len, reverse=True
    )
    out: list[str] = []
    for line in difflib.unified_diff(
        result.original.splitlines(keepends=True),
        result.text.splitlines(keepends=True),
        fromfile=f"a/{result.path}",
        tofile=f"b/{result.path}",
    ):
        masked = _masked(line, [s for s in secrets if s])
        out.append(masked if masked.endswith("\n") else masked + "\n\\ No newline at end of file\n")
    return "".join(out)
