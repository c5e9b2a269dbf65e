"""Cheap byte-level checks that decide whether a file or part can hold a finding at all.

Everything expensive (JSON parsing, libcst) runs only behind these.  A needle search with ``bytes.find``
runs at memory speed, so a clean tree costs little more than reading it.
"""

from __future__ import annotations

import re

# A token starts with one of these; an environment write needs one of the others.
TOKEN_NEEDLES = (b"hf_", b"api_org_")
ENV_NEEDLES = (b"environ", b"putenv", b"%env", b"set_env", b"export ")

_ENV_WRITE_RE = re.compile(
    r"environ\s*\.\s*(?:setdefault|update)\b|putenv\b|%env\b|%set_env\b|\bexport\s+\w+="
    r"|\[[^\]\n]{1,200}\]\s*=(?!=)|\bimport\s+os\s+as\b|\bfrom\s+os\s+import\b"
)


def has_token_needle(data: bytes) -> bool:
    return any(needle in data for needle in TOKEN_NEEDLES)


def may_contain_leak(data: bytes) -> bool:
    """False only when no rule can fire on ``data``: no token prefix and no environment write."""
    return has_token_needle(data) or any(needle in data for needle in ENV_NEEDLES)


def may_write_environ(text: str) -> bool:
    """Could this code write a literal into the environment?  Decides whether libcst must look."""
    if "environ" not in text and "putenv" not in text and "env" not in text:
        return False
    return _ENV_WRITE_RE.search(text) is not None


def needs_parse(text: str) -> bool:
    """A code part is parsed only when it has a token prefix or may write the environment."""
    return "hf_" in text or "api_org_" in text or may_write_environ(text)
