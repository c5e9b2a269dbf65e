"""The records a provider file fills in.  Everything else about a secret type (match and screen patterns,
redaction, ``git log`` patterns, messages, the fixer's secret name, revoke advice, which host may ever see
a key) is derived from these by ``tokens/`` and the stages above it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal, NamedTuple, Optional, Union

Confidence = Literal["high", "medium"]


def always_high(body: str) -> Confidence:
    return "high"


class TokenFormat(NamedTuple):
    """One shape of key: ``prefix`` then a body of ``length`` characters of ``alphabet`` (a regex
    character-class body such as ``A-Za-z0-9``), or of ``body_pattern`` when the body has inner structure
    (a fixed marker, a separator); ``alphabet`` then still names every character the body may hold.  The
    key ends where the next character is no token character.

    ``anywhere``: the shape alone identifies the key (a unique prefix with a fixed length, a marker or a
    checksum), so it is reported in any text.  Otherwise it is reported only where a key goes (a key slot).
    ``check`` is the format's own proof (a checksum, a value that decodes), applied to the whole key.
    """

    prefix: str
    alphabet: str
    length: Union[int, tuple[int, int]]
    display: str  # what a message calls it: "Hugging Face token"
    confidence: Callable[[str], Confidence] = always_high  # judged on the body, after the prefix
    body_pattern: str = ""
    check: Optional[Callable[[str], bool]] = None
    anywhere: bool = True
    shown_prefix: str = ""  # a regex for the part a masked key keeps, when more than ``prefix``
    # How a key is made to pass ``check`` (a checksum filled in): how the format is built, written next
    # to how it is verified; the tests make well-formed fake keys with it.
    seal: Optional[Callable[[str], str]] = None

    @property
    def longest(self) -> int:
        return self.length if isinstance(self.length, int) else self.length[1]

    @property
    def body(self) -> str:
        """The regex of a whole body."""
        if self.body_pattern:
            return self.body_pattern
        if isinstance(self.length, int):
            return f"[{self.alphabet}]{{{self.length}}}"
        return f"[{self.alphabet}]{{{self.length[0]},{self.length[1]}}}"

    @property
    def partial_body(self) -> str:
        """The regex of a body cut short (by a string split, an escape, a JSON list element)."""
        return f"[{self.alphabet}]{{0,{self.longest - 1}}}"

    @property
    def pattern(self) -> str:
        """The regex of a whole key, without its boundaries."""
        return f"{re.escape(self.prefix)}{self.body}"

    @property
    def tail(self) -> str:
        """What may not follow a key: any letter or digit, and any other character of its alphabet."""
        extra = self.alphabet.replace("A-Z", "").replace("a-z", "").replace("0-9", "")
        return f"(?![A-Za-z0-9{extra}])"

    @property
    def mixed_case(self) -> bool:
        """A body drawn from both cases: a random one is never single-case, a name or placeholder often is."""
        return "A-Z" in self.alphabet and "a-z" in self.alphabet


class HubEndpoints(NamedTuple):
    """Where ``--verify`` and ``--revoke`` may send this provider's keys: nowhere else, ever.

    ``whoami`` is a read-only request the provider documents for telling a live key from a dead one; the
    key goes in ``auth_header`` after ``auth_scheme`` (``"Basic api:"``: HTTP Basic with user ``api`` and
    the key as password).  ``env`` points the client at another server (a test server on localhost):
    huggingface_hub's own ``HF_ENDPOINT`` for the Hub, ``HFSG_<NAME>_ENDPOINT`` for the others."""

    default: str  # "https://huggingface.co"
    env: str  # the variable that points the client elsewhere
    whoami: str  # read-only: is this key live?  A path on ``default``, may hold a query
    revoke: str = ""  # anyone may ask the provider to revoke a leaked key; "" when none is documented
    auth_header: str = "Authorization"
    auth_scheme: str = "Bearer "
    method: str = "GET"
    body: str = ""  # a POST's JSON body
    headers: tuple[tuple[str, str], ...] = ()  # fixed headers the endpoint requires
    dead: tuple[int, ...] = (401,)  # the answers that mean "this key is not live"
    # Keys starting with one of these are not asked about: the endpoint is not theirs (an admin key, a
    # refresh token) and would call a live key dead.
    not_verified: tuple[str, ...] = ()
    revoke_prefixes: tuple[str, ...] = ()  # the key types the revoke endpoint documents: () for all


class Provider(NamedTuple):
    """A secret type: its key formats, the name it goes by in a secret store, and how to respond to a leak.

    ``found`` and ``not_found`` are examples with ``{KEY}`` where a generated key goes: the tests run each
    through every stage, and a new provider needs no test code of its own."""

    name: str
    formats: tuple[TokenFormat, ...]
    secret_name: str  # what ``--fix`` reads when the code names no key: Colab Secrets' conventional name
    env_names: tuple[str, ...]  # environment variables its libraries read a key from
    revoke_url: str  # where a user revokes a key by hand
    hub: Optional[HubEndpoints] = None  # None: the key never leaves the machine (listed "not checked")
    found: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()
    display: str = ""  # the provider's name in advice ("OpenAI"); the format's display otherwise
    # Calls whose ``api_key=``/``key=``/``token=`` argument is this provider's key (``OpenAI``,
    # ``wandb.login``), and those that take it as their first positional argument (``cohere.Client``).
    callers: tuple[str, ...] = ()
    positional_callers: tuple[str, ...] = ()
    # Shell commands whose next word is a key: ``wandb login``, ``ngrok config add-authtoken``.
    cli_logins: tuple[str, ...] = ()
    # Keyword arguments that hold this provider's key whatever the call: ``use_auth_token=`` (transformers).
    slot_names: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """What advice and messages call the provider: ``OpenAI``, else its registry name."""
        return self.display or self.name

    @property
    def key_label(self) -> str:
        """What a message calls a key known only by its place (``SerpAPI key``), not by its shape."""
        return f"{self.title} key"
