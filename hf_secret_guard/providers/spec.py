"""The records a provider file fills in.  Everything else about a secret type (match and screen patterns,
redaction, ``git log`` patterns, messages, the fixer's secret name, revoke advice, which host may ever see
a key) is derived from these by ``tokens/`` and the stages above it."""

from __future__ import annotations

from typing import Callable, Literal, NamedTuple, Optional

Confidence = Literal["high", "medium"]


def always_high(body: str) -> Confidence:
    return "high"


class TokenFormat(NamedTuple):
    """One shape of key: ``prefix`` then ``length`` characters of ``alphabet`` (a regex character-class
    body such as ``A-Za-z0-9``).  The key ends where the next character is no token character."""

    prefix: str
    alphabet: str
    length: int
    display: str  # what a message calls it: "Hugging Face token"
    confidence: Callable[[str], Confidence] = always_high  # judged on the body, after the prefix

    @property
    def body(self) -> str:
        """The regex of a whole body."""
        return f"[{self.alphabet}]{{{self.length}}}"

    @property
    def partial_body(self) -> str:
        """The regex of a body cut short (by a string split, an escape, a JSON list element)."""
        return f"[{self.alphabet}]{{0,{self.length - 1}}}"

    @property
    def pattern(self) -> str:
        """The regex of a whole key, without its boundaries."""
        return f"{self.prefix}{self.body}"

    @property
    def tail(self) -> str:
        """What may not follow a key: any letter or digit, and any other character of its alphabet."""
        extra = self.alphabet.replace("A-Z", "").replace("a-z", "").replace("0-9", "")
        return f"(?![A-Za-z0-9{extra}])"


class HubEndpoints(NamedTuple):
    """Where ``--verify`` and ``--revoke`` may send this provider's keys: nowhere else, ever."""

    default: str  # "https://huggingface.co"
    env: str  # the variable that points the client elsewhere, as the provider's own library reads it
    whoami: str  # read-only: is this key live, and whose is it?
    revoke: str  # anyone may ask the provider to revoke a leaked key


class Provider(NamedTuple):
    """A secret type: its key formats, the name it goes by in a secret store, and how to respond to a leak.

    ``found`` and ``not_found`` are examples with ``{KEY}`` where a generated key goes: the tests run each
    through every stage, and a new provider needs no test code of its own."""

    name: str
    formats: tuple[TokenFormat, ...]
    secret_name: str  # what ``--fix`` reads when the code names no key: Colab Secrets' conventional name
    env_names: tuple[str, ...]  # environment variables its libraries read a key from
    revoke_url: str  # where a user revokes a key by hand
    hub: Optional[HubEndpoints] = None  # None: the key never leaves the machine
    found: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()
