"""Inline allow comments: a person looked at this line and accepted it.

On the line of a finding (any line of it, when a literal spans several):

- ``# hf-secret-guard: ignore`` (every rule) or ``# hf-secret-guard: ignore[HFG002]`` (comma-separated codes);
- for people migrating from other tools: ``# noqa: HFG001`` (flake8/ruff; a bare ``# noqa`` does NOT
  silence a secret, since it is sprinkled for line length), ``# pragma: allowlist secret`` (detect-secrets)
  and ``gitleaks:allow`` (gitleaks, anywhere on the line).

Pure functions over a part's text and a leak's offsets; the scan drops allowed leaks before they become
findings, so they are neither reported nor written to a baseline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hf_secret_guard.model import Leak

_ANY = "*"
_OURS_RE = re.compile(r"#\s*hf-secret-guard\s*:\s*ignore(?:\[([^\]\n\r]*)\])?", re.IGNORECASE)
_NOQA_RE = re.compile(r"#\s*noqa\s*:\s*((?:[A-Za-z]+[0-9]+(?:[\s,]+|$))+)", re.IGNORECASE)
_ANY_RULE_RE = re.compile(r"#\s*pragma\s*:\s*(?:allowlist|whitelist)[ -]secret|gitleaks:allow", re.IGNORECASE)
_CODE_RE = re.compile(r"[A-Za-z]+[0-9]+")


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines that ``text[start:end]`` touches, without their line endings."""
    first = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    last = end
    while last < len(text) and text[last] not in "\r\n":
        last += 1
    return first, last


def allowed_codes(line: str) -> frozenset[str]:
    """The rule codes a line's comments allow, upper-cased; ``"*"`` for every rule."""
    codes: set[str] = set()
    if _ANY_RULE_RE.search(line):
        codes.add(_ANY)
    for match in _OURS_RE.finditer(line):
        listed = match.group(1)
        codes.update(_CODE_RE.findall(listed.upper()) if listed is not None else [_ANY])
    for match in _NOQA_RE.finditer(line):
        codes.update(_CODE_RE.findall(match.group(1).upper()))
    return frozenset(codes)


def is_allowed(text: str, start: int, end: int, rule: str) -> bool:
    """Whether a comment on the lines of ``text[start:end]`` allows ``rule`` there."""
    first, last = _line_bounds(text, start, end)
    codes = allowed_codes(text[first:last])
    return _ANY in codes or rule.upper() in codes


def may_allow(text: str) -> bool:
    """Cheap: an allow comment of ours needs one of these words."""
    lowered = text.lower()
    return "hf-secret-guard" in lowered or "noqa" in lowered


UNUSED_REASON = "remove the comment"


def unused_allow_comments(text: str, leaks: Sequence[Leak]) -> list[Leak]:
    """HFG100: our own allow comments in ``text`` that allow none of ``leaks`` (every leak found, before
    rule selection: a comment that allows a leak of an ignored rule still does its job).  A ``# noqa``
    counts only when it lists an HFG code; other tools' comments are theirs to judge."""
    used: set[int] = set()
    for leak in leaks:
        first, last = _line_bounds(text, leak.start, leak.end)
        line, rule = text[first:last], leak.rule.upper()
        for match in _OURS_RE.finditer(line):
            listed = match.group(1)
            if listed is None or rule in _CODE_RE.findall(listed.upper()):
                used.add(first + match.start())
        for match in _NOQA_RE.finditer(line):
            if rule in _CODE_RE.findall(match.group(1).upper()):
                used.add(first + match.start())
    unused = [match for match in _OURS_RE.finditer(text) if match.start() not in used]
    unused += [
        match
        for match in _NOQA_RE.finditer(text)
        if match.start() not in used
        and any(c.startswith("HFG") for c in _CODE_RE.findall(match.group(1).upper()))
    ]
    return [
        Leak(
            "HFG100",
            m.start(),
            m.start() + len(m.group(0).rstrip()),
            "",
            "high",
            "allow-comment",
            False,
            None,
            UNUSED_REASON,
        )
        for m in sorted(unused, key=lambda m: m.start())
    ]


def drop_allowed(text: str, leaks: Sequence[Leak]) -> list[Leak]:
    """``leaks`` found in ``text`` without those an inline comment allows."""
    return [leak for leak in leaks if not is_allowed(text, leak.start, leak.end, leak.rule)]
