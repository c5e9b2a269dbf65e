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
