"""Leak -> Finding: the position, the masked value, the hashes and the words of each finding; and which
rules a run keeps."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Optional

from hf_secret_guard.model import Finding, Leak, Part
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.read.lines import LineIndex
from hf_secret_guard.rules import SITES, UNKNOWN_SITE
from hf_secret_guard.tokens import display_name, fingerprint, identity, mask, provider_for, secret_hash


def not_fixable_reason(leak: Leak) -> str:
    """Empty for a fixable leak."""
    if leak.fixable:
        return ""
    return leak.reason or SITES.get(leak.site, UNKNOWN_SITE).cannot_fix


def _words(site: str) -> str:
    return SITES.get(site, UNKNOWN_SITE).words


def describe(leak: Leak, part: Optional[Part], masked: str) -> str:
    if leak.rule == "HFG100":  # about a comment, not a secret: nothing to mask
        return "allow comment with nothing to allow on its line"
    what = leak.label or display_name(leak.secret)
    if leak.rule == "HFG002":
        text = f"{what} written to environment variable {leak.env_name or '?'}"
    elif leak.rule == "HFG005":
        if leak.site == "text-file":
            return f"placeholder under {leak.env_name or '?'} where a secret goes, in a text file ({masked})"
        if leak.site in ("string", "comment", "docstring", "shell"):
            return f"placeholder where a secret goes, {_words(leak.site)} ({masked})"
        name = leak.env_name or "?"
        return f"placeholder written to environment variable {name} where a secret goes ({masked})"
    elif leak.rule == "HFG003":
        label = part.label if part is not None else "output"
        text = f"{what} saved in a cell output ({label})"
    elif leak.rule == "HFG004":
        label = part.label if part is not None else "notebook JSON"
        text = f"{what} in notebook {label}" if not label.startswith("notebook") else f"{what} in {label}"
    elif leak.site == "text-file" and leak.env_name:
        text = f"{what} under {leak.env_name} in a text file"
    else:
        text = f"{what} {_words(leak.site)}"
    return f"{text} ({masked})"


def finding(
    leak: Leak,
    path: str,
    part: Optional[Part],
    lines: LineIndex,
    part_index: int = 0,
    file_position: Optional[tuple[int, int]] = None,
) -> Finding:
    masked, known_as, known_hash, provider = _facts(leak.secret, leak.env_name, leak.label)
    span = lines.span(leak.start, leak.end)
    file_line, file_column = file_position or (span.line, span.column)
    return Finding(
        rule=leak.rule,
        path=path,
        span=span,
        message=describe(leak, part, masked),
        masked=masked,
        confidence=leak.confidence,
        fingerprint=fingerprint(leak.rule, path, known_as),
        secret_hash=known_hash,
        fixable=leak.fixable,
        site=leak.site,
        secret=leak.secret,
        cell=part.cell if part is not None else None,
        output=part.output if part is not None else None,
        part_index=part_index,
        file_line=file_line,
        file_column=file_column,
        env_name=leak.env_name,
        not_fixable_reason=not_fixable_reason(leak),
        provider=provider,
    )


@lru_cache(maxsize=4096)
def _facts(secret: str, env_name: Optional[str], label: str) -> tuple[str, str, str, str]:
    """What a finding says of its secret wherever it stands: the masked form, what baselines know it by
    (``identity``) and that name's hash, and its provider's name.  Template code repeats its
    placeholders in every file."""
    known_as = identity(secret, env_name)
    provider = getattr(provider_for(secret, env_name, label or ""), "name", "")
    return mask(secret), known_as, secret_hash(known_as), provider


def keep(leaks: Sequence[Leak], options: ScanOptions) -> list[Leak]:
    return [leak for leak in leaks if options.wants(leak.rule)]
