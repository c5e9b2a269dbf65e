"""Tokens in plain text: outputs, markdown, metadata, and code that could not be parsed."""

from __future__ import annotations

from hf_secret_guard.model import Leak
from hf_secret_guard.tokens import find_tokens


def find_text_leaks(text: str, rule: str, site: str, *, fixable: bool, base: int = 0) -> list[Leak]:
    """One leak per token; ``base`` shifts offsets when ``text`` is a slice of a larger text."""
    return [
        Leak(rule, base + m.start, base + m.end, m.value, m.confidence, site, fixable)
        for m in find_tokens(text)
    ]
