"""Which secret name each leaked value gets, so the fixed program still computes the same values.

An environment write uses its key (``os.environ["OPENAI_API_KEY"] = "sk-..."`` reads
``OPENAI_API_KEY``).  A token without a key reuses the key it was written under elsewhere in the same
document, or else gets the default name (``HF_TOKEN``); a second, different token in the same document
gets ``HF_TOKEN_2``, so two tokens never collapse into one secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Optional

from hf_secret_guard.ftypes import Leak

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MASKED_SITES = frozenset({"comment", "docstring"})  # masked in place: no name, so none is used up


def is_valid_name(name: str) -> bool:
    """Names that can be written into code and shell lines without quoting: Colab's own rule for keys."""
    return _NAME_RE.match(name) is not None


class SecretNames:
    """Names for the secrets of one document (a file, or all code cells of a notebook)."""

    def __init__(self, leaks: Iterable[Leak], default: str) -> None:
        self._default = default
        self._by_secret: dict[str, str] = {}
        pending: list[str] = []
        for leak in leaks:
            if leak.site in _MASKED_SITES:
                continue
            key = self.env_key(leak)
            if key is not None:
                self._by_secret.setdefault(leak.secret, key)
            else:
                pending.append(leak.secret)
        used = set(self._by_secret.values())
        for secret in pending:
            if secret in self._by_secret:
                continue
            name, number = default, 1
            while name in used:
                number += 1
                name = f"{default}_{number}"
            self._by_secret[secret] = name
            used.add(name)

    @staticmethod
    def env_key(leak: Leak) -> Optional[str]:
        if leak.rule == "HFG002" and leak.env_name and is_valid_name(leak.env_name):
            return leak.env_name
        return None

    def name(self, leak: Leak) -> str:
        """The key for an environment write; the document-wide name of the secret otherwise."""
        return self.env_key(leak) or self._by_secret.get(leak.secret, self._default)
