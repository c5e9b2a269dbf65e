"""Which environment variable names hold secrets, and which values are harmless flags."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hf_secret_guard import regexes
from hf_secret_guard.providers import PROVIDERS

# Variables that each provider's libraries read a key from.
KNOWN_TOKEN_VARIABLES = frozenset(name for provider in PROVIDERS for name in provider.env_names)
SECRET_WORDS = frozenset({"TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "CREDENTIALS"})
FLAG_VALUES = frozenset(
    {"0", "1", "true", "false", "yes", "no", "on", "off", "none", "null", "y", "n", "t", "f"}
)
# Values that are obviously not a secret even under a secret-like name.
_HARMLESS_VALUE_RE = regexes.compile(r"\A(?:\s*|<[^<>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%\([A-Za-z_]+\)s)\Z")


# A name that ends in one of these says where a secret is or something about it, not what it is:
# HF_TOKEN_PATH, KEY_FILE, secret_hash, TOKEN_TYPE.
LOCATOR_WORDS = frozenset(
    {"PATH", "FILE", "FILENAME", "DIR", "DIRECTORY", "FOLDER", "HOME", "NAME", "LOCATION"}
    | {"HASH", "DIGEST", "FINGERPRINT", "SHA", "MD5", "ID", "COUNT", "LENGTH", "URL", "TYPE", "EXPIRY"}
)
# A file path: absolute, home- or dot-relative, or a Windows drive, ending in a file extension or a slash.
# (Base64 secrets may start with a slash, but never hold a dot.)
_PATH_VALUE_RE = regexes.compile(
    r"\A(?:[A-Za-z]:[\\/]|~?/|\.{1,2}/)[^\s'\"]*(?:\.[A-Za-z][A-Za-z0-9]{0,4}|/)\Z"
)


def is_secret_name(name: str, extra: Iterable[str] = ()) -> bool:
    """``OPENAI_API_KEY`` yes, ``TOKENIZERS_PARALLELISM`` no: a whole ``_``-separated word must match."""
    upper = name.upper()
    if upper in KNOWN_TOKEN_VARIABLES or upper in {e.upper() for e in extra}:
        return True
    words = [word for word in regexes.compile(r"[_\W]+").split(upper) if word]
    if words and words[-1] in LOCATOR_WORDS:
        return False
    return any(word in SECRET_WORDS for word in words)


# What people write where a key goes until they have one: ``hf_...``, ``YOUR_API_KEY``, ``<your key>``,
# ``sk-xxxx``, ``hf_your_token_here``, ``INSERT KEY HERE``.
_PLACEHOLDER_RE = regexes.compile(
    r"\.\.\.|…|\*\*\*|xxxx|<[^<>|]*(?:key|token|secret|pass|your|api|here|cred)[^<>|]*>"  # not <pad>, <|im|>
    r"|\byour|your_|_your|here\b|_here|placeholder|change[_ -]?me"
    r"|\binsert|\breplace|\benter[_ ]",
    re.IGNORECASE,
)
# Only x's (or stars) after at most a few short prefix words: ``xxx``, ``sk-lf-xxx``, ``pk-lf-XXX``.
_CROSSED_OUT_RE = regexes.compile(r"\A(?:[A-Za-z0-9]{1,8}[-_]){0,3}(?:[xX]{3,}|\*{3,})\Z")
# A file name: what ``GOOGLE_APPLICATION_CREDENTIALS`` and ``*_KEY_FILE`` hold, never the secret itself.
_FILE_NAME_RE = regexes.compile(
    r"\A[\w.-]+\.(?:json|pem|p12|pfx|key|crt|cer|der|jks|keystore|txt|ya?ml|toml|ini|cfg|conf|env|gpg|asc)\Z",
    re.IGNORECASE,
)
# A value that is itself a variable's name: ``"OPENAI_API_KEY"``, ``"MY_TOKEN"``, ``"API KEY"``.
_NAME_AS_VALUE_RE = regexes.compile(r"\A[A-Z][A-Z0-9]*(?:[_ -][A-Z0-9]+)*\Z")


def is_placeholder(value: str) -> bool:
    """A stand-in for a key, not a key: the guide's "not recommended" ``os.environ['HF_TOKEN'] =
    'hf_your_token_here'`` and its kin.  Reported as such (HFG005), never as a leak."""
    stripped = value.strip()
    if not stripped:
        return False
    if _PLACEHOLDER_RE.search(stripped) or _CROSSED_OUT_RE.match(stripped):
        return True
    return _NAME_AS_VALUE_RE.match(stripped) is not None and any(
        w in stripped for w in SECRET_WORDS | {"API"}
    )


def is_secret_value(value: str) -> bool:
    """A literal under a secret-like name is a secret unless it is empty, a flag, a reference or a path
    (``GOOGLE_APPLICATION_CREDENTIALS="/content/key.json"``, or a bare ``"my_service_account.json"``)."""
    if value.strip().lower() in FLAG_VALUES or _PATH_VALUE_RE.match(value) or _FILE_NAME_RE.match(value):
        return False
    return is_placeholder(value) or _HARMLESS_VALUE_RE.match(value) is None
