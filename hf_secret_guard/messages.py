"""The words of each finding: what leaked, and where."""

from __future__ import annotations

from typing import Optional

from hf_secret_guard.ftypes import Leak, Part

_WHERE = {
    "string": "in a string literal",
    "docstring": "in a docstring",
    "comment": "in a comment",
    "shell": "in a shell command",
    "text": "in code that could not be parsed",
}


# Why a finding at this kind of place cannot be fixed, when its detector gave no reason of its own.
NOT_FIXABLE_REASONS = {
    "text": "the code could not be parsed, so it was only scanned as text",
    "shell": "a %%bash-style cell cannot read Colab secrets",
    "shell-env": "a %%bash-style cell cannot read Colab secrets",
    "ipython-env": "a %%bash-style cell cannot read Colab secrets",
    "json": "the notebook could not be read as a notebook",
    "string": "not in a string literal the fixer can rewrite (an f-string's {...}, say)",
}


def not_fixable_reason(leak: Leak) -> str:
    """Empty for a fixable leak."""
    if leak.fixable:
        return ""
    return leak.reason or NOT_FIXABLE_REASONS.get(leak.site, "not fixable")


def _what(secret: str) -> str:
    if secret.startswith("api_org_"):
        return "Hugging Face organization token"
    if secret.startswith("hf_"):
        return "Hugging Face token"
    return "secret"


def describe(leak: Leak, part: Optional[Part], masked: str) -> str:
    what = _what(leak.secret)
    if leak.rule == "HFG002":
        text = f"{what} written to environment variable {leak.env_name or '?'}"
    elif leak.rule == "HFG003":
        label = part.label if part is not None else "output"
        text = f"{what} saved in a cell output ({label})"
    elif leak.rule == "HFG004":
        label = part.label if part is not None else "notebook JSON"
        text = f"{what} in notebook {label}" if not label.startswith("notebook") else f"{what} in {label}"
    else:
        text = f"{what} {_WHERE.get(leak.site, 'in code')}"
    return f"{text} ({masked})"
