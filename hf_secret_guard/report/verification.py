"""How ``--verify`` answers show in reports: live write tokens first, a label per finding, one record each.

Pure functions: findings (or history leaks) and the Hub's answers in, ordered lists and text out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional, TypeVar

from hf_secret_guard.model import Verification

Verifications = Mapping[str, Verification]  # keyed by tokens.secret_hash
T = TypeVar("T")


def rank(verification: Optional[Verification]) -> int:
    """0 live write token, 1 other live token, 2 unknown, 3 not live or not checked."""
    if verification is None:
        return 3
    if verification.status == "live":
        return 0 if verification.can_write else 1
    return 2 if verification.status in ("unknown", "unreachable") else 3


def live_first(
    items: Sequence[T], verifications: Optional[Verifications], key: str = "secret_hash"
) -> list[T]:
    """``items`` (findings or history leaks) with live write tokens on top; otherwise in their order."""
    if not verifications:
        return list(items)
    return sorted(items, key=lambda item: rank(verifications.get(getattr(item, key))))


def describe(verification: Verification) -> str:
    """``LIVE write token "colab"``, ``not live``, ``unknown (HTTP 429: rate limited by the Hub)``."""
    if verification.status == "live":
        role = verification.role or "token of unknown role"
        if verification.role == "fineGrained":
            role += " (can write to repos)" if verification.can_write else " (no repo write)"
        name = f' "{verification.token_name}"' if verification.token_name else ""
        text = f"{role} token{name}" if verification.role else f"{role}{name}"
        return f"LIVE {text}"
    if verification.status == "not_live":
        return "not live (revoked or invalid)"
    status = verification.status if verification.status == "unreachable" else "unknown"
    return f"{status} ({verification.detail})" if verification.detail else status


def label(verification: Optional[Verification]) -> str:
    """A suffix for a finding's line; empty when the token was not checked."""
    return f" [{describe(verification)}]" if verification is not None else ""


def record(verification: Optional[Verification]) -> Optional[dict[str, Any]]:
    """The JSON ``verified`` value: null when not checked (no --verify, or no endpoint for this key)."""
    if verification is None:
        return None
    return {
        "status": verification.status,
        "live": {"live": True, "not_live": False}.get(verification.status),
        "role": verification.role,
        "token_name": verification.token_name,
        "can_write": verification.can_write,
        "detail": verification.detail,
    }


def sarif_level(verification: Optional[Verification], default: str = "error") -> str:
    """A token the Hub no longer accepts is a warning; a live one (or one not checked) stays an error."""
    if verification is not None and verification.status == "not_live":
        return "warning"
    return default


def summary_lines(
    tokens: Iterable[tuple[str, str]],
    verifications: Verifications,
    unchecked: Iterable[tuple[str, str]] = (),
) -> list[str]:
    """The ``--verify`` block of the text report: per endpoint asked, one sentence; one line per distinct
    key checked (``tokens`` are (masked, hash)); then the keys not checked, ``unchecked`` (masked, why)."""
    checked = [(masked, verifications[h]) for masked, h in dict.fromkeys(tokens) if h in verifications]
    skipped = list(dict.fromkeys(unchecked))
    lines: list[str] = []
    groups: dict[str, list[Verification]] = {}
    for _, verification in checked:
        groups.setdefault(verification.url, []).append(verification)
    for url, group in groups.items():
        noun = "token" if group[0].provider in ("", "huggingface") else "key"
        live = sum(1 for v in group if v.status == "live")
        unreachable = sum(1 for v in group if v.status == "unreachable")
        counted = f"{len(group)} distinct {noun}{'s' if len(group) != 1 else ''}"
        if unreachable == len(group):  # not one answer: "0 live" would read as "all safe"
            lines.append(
                f"Could not check {counted}: {url} is unreachable; whether they are live is unknown."
            )
        else:
            also = f", {unreachable} unreachable" if unreachable else ""
            lines.append(f"Checked {counted} with {url} (at most one request each): {live} live{also}.")
    ordered = sorted(checked, key=lambda item: rank(item[1]))
    lines.extend(f"  {masked}  {describe(v)}" for masked, v in ordered)
    if skipped:
        count = f"{len(skipped)} distinct secret{'s' if len(skipped) != 1 else ''}"
        lines.append(f"Not checked: {count} (sent nowhere):")
        lines.extend(f"  {masked}  not checked ({why})" for masked, why in skipped)
    return lines
