"""Which secret name each leaked value gets, so the fixed program still computes the same values.

An environment write uses its key (``os.environ["OPENAI_API_KEY"] = "sk-..."`` reads
``OPENAI_API_KEY``).  A token without a key reuses the key it was written under elsewhere in the same
document, or else gets the default name (``HF_TOKEN``).  A name holds one value: a second, different
token gets ``HF_TOKEN_2``, also when it is written under a key another value was written under first
(``%env HF_TOKEN=<a>`` ... ``os.environ["HF_TOKEN"] = "<b>"`` reads ``HF_TOKEN`` and then
``HF_TOKEN_2``), so two tokens never collapse into one secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from hf_secret_guard import regexes
from hf_secret_guard.model import Leak
from hf_secret_guard.providers import DEFAULT
from hf_secret_guard.rules import sites_fixed_as
from hf_secret_guard.tokens import provider_of

_NAME_RE = regexes.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MASKED_SITES = sites_fixed_as("mask")  # masked in place: no name, so none is used up


def is_valid_name(name: str) -> bool:
    """Names that can be written into code and shell lines without quoting: Colab's own rule for keys."""
    return _NAME_RE.match(name) is not None


class SecretNames:
    """Names for the secrets of one document (a file, or all code cells of a notebook), in its order."""

    def __init__(self, leaks: Iterable[Leak], default: Optional[str] = None) -> None:
        self._default = default  # None: each key's provider's conventional name
        self._holds: dict[str, str] = {}  # secret name -> the one value it holds
        self._by_key: dict[tuple[str, str], str] = {}  # (environment key, value) -> secret name
        self._by_secret: dict[str, str] = {}  # value -> the name a token without a key reuses
        ordered = list(leaks)  # real keys are named first: a placeholder never takes a real key's name
        self._assign([leak for leak in ordered if leak.rule != "HFG005"])
        self._assign([leak for leak in ordered if leak.rule == "HFG005"])

    def _assign(self, leaks: Iterable[Leak]) -> None:
        writes: list[tuple[str, str]] = []
        pending: list[tuple[str, Optional[str]]] = []
        for leak in leaks:
            if leak.site in _MASKED_SITES:
                continue
            key = self.env_key(leak)
            if key is None:
                pending.append((leak.secret, leak.env_name))
            elif (key, leak.secret) not in writes:
                writes.append((key, leak.secret))
        # The first value written under a key gets the key itself; later values get KEY_2, KEY_3, ...
        # (after every key has its own first value, so a suffix never takes another write's key).
        for key, secret in writes:
            self._holds.setdefault(key, secret)
        for key, secret in writes:
            name = self._by_key.get((key, secret)) or self._claim(key, secret)
            self._by_key[(key, secret)] = name
            self._by_secret.setdefault(secret, name)
        for secret, hint in pending:
            if secret not in self._by_secret:
                self._by_secret[secret] = self._claim(self._default_for(secret, hint), secret)

    def _default_for(self, secret: str, hint: Optional[str] = None) -> str:
        """The name asked for, else the key's provider's, else the slot's (``api_key=`` of ``Cohere``)."""
        if self._default is not None:
            return self._default
        provider = provider_of(secret)
        if provider is None and hint and is_valid_name(hint):
            return hint
        return (provider or DEFAULT).secret_name

    def _claim(self, base: str, secret: str) -> str:
        name, number = base, 1
        while self._holds.setdefault(name, secret) != secret:
            number += 1
            name = f"{base}_{number}"
        return name

    @staticmethod
    def env_key(leak: Leak) -> Optional[str]:
        if leak.rule in ("HFG002", "HFG005") and leak.env_name and is_valid_name(leak.env_name):
            return leak.env_name
        return None

    def name(self, leak: Leak) -> str:
        """The secret an environment write's value now comes from; the document-wide name otherwise."""
        key = self.env_key(leak)
        if key is not None and (key, leak.secret) in self._by_key:
            return self._by_key[(key, leak.secret)]
        return self._by_secret.get(leak.secret, key or self._default_for(leak.secret, leak.env_name))
