"""Key slots: the places where a value is a key because of where it stands, not what it looks like.

A prefix-less key (Cohere's 40 characters, W&B's legacy 40 hex, Kaggle's 32 hex) is indistinguishable
from a hash or an id, so it is reported only in a slot: an ``api_key=`` keyword, an ``"Authorization":
"Bearer ..."`` header, a ``?key=`` URL parameter, a known login call, a secret-named variable, and only
when the value looks real.  What stands in a slot but is a stand-in (``"YOUR_API_KEY"``) is a placeholder.
Pure functions; no keyword-plus-entropy rule over free text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple, Optional

from hf_secret_guard import regexes
from hf_secret_guard.model import Leak
from hf_secret_guard.providers import PROVIDERS, Provider, format_of
from hf_secret_guard.tokens import find_tokens
from hf_secret_guard.tokens.env_names import is_placeholder

# The words that make a name a key slot.  ``KEY`` alone is too common (``cache_key``, ``sort_key``): it
# counts after API, ACCESS, SECRET, PRIVATE, AUTH, or in a known login call.
_STRONG_WORDS = frozenset(
    {
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "CREDENTIAL",
        "CREDENTIALS",
        "APIKEY",
        "AUTHTOKEN",
        "AUTHORIZATION",
    }
)
_KEY_QUALIFIERS = frozenset({"API", "ACCESS", "SECRET", "PRIVATE", "AUTH", "SUBSCRIPTION", "XI"})
# A name that ends in one of these says where or what kind a secret is, not what it is.
_NOT_THE_SECRET = frozenset(
    {
        "PATH",
        "FILE",
        "DIR",
        "ID",
        "URL",
        "URI",
        "NAME",
        "TYPE",
        "TYPES",
        "LEN",
        "LENGTH",
        "COUNT",
        "IDS",
        "ENV",
        "VAR",
        "HEADER",
        "FIELD",
        "PARAM",
        "PREFIX",
        "SUFFIX",
        "FORMAT",
        "ENDPOINT",
        "HOST",
        "EXPIRY",
        "EXPIRES",
        "TTL",
        "MODE",
        "INDEX",
        "LIMIT",
        "SIZE",
    }
)
_PAGINATION = frozenset(
    {
        "NEXT",
        "PAGE",
        "CONTINUATION",
        "CURSOR",
        "SYNC",
        "CSRF",
        "PAD",
        "BOS",
        "EOS",
        "UNK",
        "SEP",
        "CLS",
        "MASK",
        "SPECIAL",
        "START",
        "END",
        # tokenizer special tokens of multimodal models: image_token = "<|image_pad|>"
        "IMAGE",
        "VIDEO",
        "AUDIO",
        "VISION",
        "SPEECH",
        "BOI",
        "EOI",
        "PATCH",
        "FRAME",
        "THINK",
        "TOOL",
    }
)
_AUTH_SCHEME_RE = regexes.compile(r"\A(?:Bearer|Token|token|Basic|Api-Key|ApiKey)\s+")
_VALUE_RE = regexes.compile(r"\A[A-Za-z0-9_\-+/=.:~]+\Z")
_HEX_RE = regexes.compile(r"\A[0-9a-f]+\Z|\A[0-9A-F]+\Z")
_UUID_RE = regexes.compile(r"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_DOTTED_RE = regexes.compile(r"\A[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+\Z")
_WORDY_RE = regexes.compile(r"\A(?:[A-Z][A-Z0-9]*|[a-z][a-z0-9]*)(?:[_\-.][A-Za-z0-9]+)*\Z")
_FILE_RE = regexes.compile(
    r"\.(?:json|txt|pem|key|cfg|ini|yaml|yml|toml|env|pkl|pt|bin|csv|py)\Z", re.IGNORECASE
)
# ``?key=``, ``&api_key=``, ``token=``, ``access_token=``, ``write_token=`` in a URL or a query string.
URL_PARAMETER_RE = regexes.compile(
    r"[?&;](?P<name>key|api_?key|apikey|token|access_token|auth_token|write_token|read_token|secret|"
    r"client_secret|password)=(?P<value>[A-Za-z0-9_\-.~%+/]{16,})"
)


def slot_words(name: str) -> list[str]:
    spaced = regexes.compile(r"([a-z0-9])([A-Z])").sub(r"\1_\2", name)  # apiKey -> api_Key
    return [word for word in regexes.compile(r"[_\W]+").split(spaced.upper()) if word]


_PROVIDER_ENV_NAMES = frozenset(env for provider in PROVIDERS for env in provider.env_names)
# ``is_slot_name`` of the names seen, per process: code names the same few keywords and targets again and
# again (``model=``, ``max_new_tokens=``), each of them a regular-expression split to judge.  Longer names
# (a dict's keys that are sentences, in a data file) are judged each time: kept, they would hold their
# text for the rest of the run.
_SLOT_NAMES: dict[tuple[str, bool], bool] = {}
_MAX_KEPT_NAME = 64


def is_slot_name(name: str, login_call: bool = False) -> bool:
    """``api_key``, ``OPENAI_API_KEY``, ``token``, ``Authorization``, ``x-api-key``: a value here is a key.
    ``login_call``: in a known login call, plain ``key`` counts too (``wandb.login(key=...)``)."""
    if len(name) > _MAX_KEPT_NAME:
        return _is_slot_name(name, login_call)
    known = _SLOT_NAMES.get((name, login_call))
    if known is None:
        if len(_SLOT_NAMES) >= 65_536:
            _SLOT_NAMES.clear()
        known = _SLOT_NAMES[name, login_call] = _is_slot_name(name, login_call)
    return known


def _is_slot_name(name: str, login_call: bool) -> bool:
    words = slot_words(name)
    if not words or words[-1] in _NOT_THE_SECRET or words[0] in _PAGINATION or "MAX" in words:
        return False
    if name.upper() in _PROVIDER_ENV_NAMES:
        return True
    for index, word in enumerate(words):
        if word in _STRONG_WORDS:
            return True
        if word == "KEY" and (login_call or (index and words[index - 1] in _KEY_QUALIFIERS)):
            return True
    return False


# Every slot name has one of these in it, in any case: each strong word and each provider's variable
# name does (``may_name_slot``).
SLOT_NAME_PARTS = ("token", "secret", "passw", "credential", "key", "authoriz")


def may_name_slot(run: str) -> bool:
    """Could a name in which ``run`` stands as a whole run of word characters and ``-`` be a slot name?
    True for every ``run`` of a name ``is_slot_name`` accepts with or without a login call, so a screen
    that finds no such run in a text knows it names no slot."""
    upper = run.upper()
    if upper in _ENV_NAMES:
        return True
    return any(word in _STRONG_WORDS or word == "KEY" for word in slot_words(run))


_ENV_NAMES = frozenset(env for provider in PROVIDERS for env in provider.env_names)


def strip_scheme(value: str) -> tuple[int, str]:
    """``Bearer abc`` -> (7, ``abc``): the key is what follows an authorization scheme."""
    match = _AUTH_SCHEME_RE.match(value)
    return (match.end(), value[match.end() :]) if match else (0, value)


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_real(value: str) -> bool:
    """A value that can be a key: key characters only, long enough, random enough, and not a name, a
    dotted path, a file name, a word list or a UUID-shaped placeholder of zeros."""
    if not _VALUE_RE.match(value) or _FILE_RE.search(value) or _DOTTED_RE.match(value):
        return False
    if value.startswith(("http:", "https:", "/", "./", "~")):
        return False
    hexadecimal = _HEX_RE.match(value) is not None or _UUID_RE.match(value) is not None
    if len(value) < (32 if hexadecimal else 20):
        return False
    if _entropy(value) < (3.0 if hexadecimal else 3.5):
        return False
    if not hexadecimal and _WORDY_RE.match(value) and not any(c.isdigit() for c in value):
        return False  # SYS_SECURE_AUTH_TOKEN, some-config-value-name
    return Counter(value).most_common(1)[0][1] <= len(value) // 3


class Attribution(NamedTuple):
    label: str  # what a message calls it: "OpenAI-compatible key", "Cohere key", "secret"
    secret_name: str  # what --fix reads instead


def attribute(value: str, slot: str, callee: Optional[str] = None, host: Optional[str] = None) -> Attribution:
    """Whose key this is: its own shape first, then the slot's name, then the call it is passed to, then
    the host of the URL it is a parameter of (``serpapi.com/search?api_key=``)."""
    found = format_of(value)
    if found is not None and regexes.compile(found[1].pattern).fullmatch(value):
        return Attribution(found[1].display, found[0].secret_name)
    upper = slot.upper()
    provider = next((p for p in PROVIDERS if upper in p.env_names or slot.lower() in p.slot_names), None)
    provider = provider or _by_callee(callee)
    provider = provider or _by_host(host)
    provider = provider or _by_words([*slot_words(slot), *slot_words(value)])
    if provider is not None:
        return Attribution(provider.key_label, provider.secret_name)
    name = "_".join(slot_words(slot)) or "SECRET"
    if not regexes.compile(r"[A-Z_][A-Z0-9_]*").fullmatch(name):
        name = "SECRET"
    if name in ("TOKEN", "KEY", "AUTHORIZATION"):
        name = "API_TOKEN" if name == "TOKEN" else "API_KEY"
    return Attribution("secret", name)


def _site(host: str) -> str:
    """``serpapi.com`` for ``www.serpapi.com``: a host's last two labels."""
    return ".".join(host.lower().rstrip(".").split(".")[-2:])


def _by_host(host: Optional[str]) -> Optional[Provider]:
    """The provider whose own site (its revoke page's host, its API's) the URL goes to."""
    if not host:
        return None
    from urllib.parse import urlsplit  # not loaded by a clean run

    for provider in PROVIDERS:
        urls = [provider.revoke_url] + ([provider.hub.default] if provider.hub else [])
        if any(_site(urlsplit(url).hostname or "") == _site(host) for url in urls):
            return provider
    return None


def _by_words(words: list[str]) -> Optional[Provider]:
    """A provider named in the slot or the placeholder: ``token="YOUR_HF_TOKEN"``, ``openai_key=...``."""
    for provider in PROVIDERS:
        own = {provider.name.upper(), provider.secret_name.split("_")[0]} - {"API", "SECRET", "TOKEN", "KEY"}
        if own & set(words):
            return provider
    return None


def _by_callee(callee: Optional[str]) -> Optional[Provider]:
    if not callee:
        return None
    last = callee.rsplit(".", 1)[-1]
    exact = next((p for p in PROVIDERS if callee in p.callers or callee in p.positional_callers), None)
    return exact or next((p for p in PROVIDERS if last in p.callers or last in p.positional_callers), None)


_LOGIN_CALLS: dict[Optional[str], bool] = {}  # ``login_call`` of the callees seen, per process


def login_call(callee: Optional[str]) -> bool:
    if callee is not None and len(callee) > _MAX_KEPT_NAME:  # a long dotted chain: judged, not kept
        return _by_callee(callee) is not None
    known = _LOGIN_CALLS.get(callee)
    if known is None:
        if len(_LOGIN_CALLS) >= 65_536:
            _LOGIN_CALLS.clear()
        known = _LOGIN_CALLS[callee] = _by_callee(callee) is not None
    return known


POSITIONAL_KEY_CALLS = frozenset(c for p in PROVIDERS for c in p.positional_callers)


class CliLogin(NamedTuple):
    """A key given to a provider's command-line login: ``wandb login <key>``, ``ngrok authtoken <key>``."""

    start: int
    end: int
    value: str
    provider: Provider

    @property
    def rule(self) -> str:
        """HFG005 for a placeholder, HFG001 for a value that looks like a key; "" for neither (``$NAME``)
        or for a key with a shape of its own, which the token scan reports."""
        if any(True for _ in find_tokens(self.value)):
            return ""
        return "HFG005" if is_placeholder(self.value) else "HFG001" if looks_real(self.value) else ""

    @property
    def label(self) -> str:
        return self.provider.key_label


CLI_LOGIN_COMMANDS = tuple(sorted({c for p in PROVIDERS for c in p.cli_logins}))


def _cli_login_re() -> re.Pattern[str]:
    commands = sorted({c for p in PROVIDERS for c in p.cli_logins}, key=len, reverse=True)
    words = "|".join(re.escape(command) for command in commands)  # written as is: the screens look for it
    return regexes.compile(
        rf"(?<![\w-])(?P<command>{words})(?:[ \t]+--?[A-Za-z][\w-]*(?:=[^\s]*)?)*[ \t]+"
        r"""(?P<quote>["']?)(?P<value>[^\s"'`;&|{}$]+)(?P=quote)(?=[\s;&|)]|\Z)"""
    )


_CLI_LOGIN_RE = _cli_login_re()


def cli_logins(text: str) -> list[CliLogin]:
    """Each value passed to a known login command in ``text`` (a shell line, a script, a Markdown block):
    the value stands where a key goes; whether it is one (or a placeholder) is the caller's question."""
    found: list[CliLogin] = []
    for match in _CLI_LOGIN_RE.finditer(text):
        provider = next(p for p in PROVIDERS if match.group("command") in p.cli_logins)
        found.append(CliLogin(match.start("value"), match.end("value"), match.group("value"), provider))
    return found


# Every credential parameter's name ends in one of these, written before its ``=``: a search for them
# settles most texts before the regex runs.
URL_PARAMETER_HINTS = ("key=", "token=", "secret=", "password=")
URL_PARAMETER_REASON = "a key in a URL: keep it in a secret and build the URL from it by hand"
# Any hint, in one search entered at its ``=`` (rarer than the letters before it; one search costs less
# than an ``in`` for each, most of all in text with characters beyond Latin-1).
_URL_HINT_RE = regexes.compile(
    "|".join(
        f"=(?<={re.escape(hint)})" if hint.endswith("=") else re.escape(hint) for hint in URL_PARAMETER_HINTS
    )
)


def has_url_parameter_hint(text: str) -> bool:
    """One of ``URL_PARAMETER_HINTS`` is in ``text``."""
    return _URL_HINT_RE.search(text) is not None


def url_parameters(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, value, name)`` of each credential URL parameter (``?key=``, ``&access_token=``)
    whose value looks real: a key without a shape, where a key goes."""
    found: list[tuple[int, int, str, str]] = []
    for match in URL_PARAMETER_RE.finditer(text):
        value = match.group("value")
        if looks_real(value):
            found.append((match.start("value"), match.end("value"), value, match.group("name")))
    return found


# ``"key": "<32 hex>"`` in a ``kaggle.json`` object, written out (a file, a ``%%writefile`` cell) or escaped
# in a shell string (``echo "{\\"username\\": ...}"``).
_KAGGLE_KEY_RE = regexes.compile(r'\\?"key\\?"[ \t]*:[ \t]*\\?"(?P<value>[0-9a-f]{32})\\?"')
KAGGLE_JSON_SLOT = "KAGGLE_KEY"  # what kaggle.json's "key" is called in the environment, by Kaggle's CLI


def kaggle_json_keys(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, value)`` of each Kaggle key in a ``{"username": ..., "key": "<32 hex>"}`` object in
    ``text``: Kaggle's legacy key looks like an MD5, so it counts only beside its ``"username"``."""
    found: list[tuple[int, int, str]] = []
    for match in _KAGGLE_KEY_RE.finditer(text):
        opening, closing = text.rfind("{", 0, match.start()), text.find("}", match.end())
        if (
            opening < 0
            or closing < 0
            or "}" in text[opening : match.start()]
            or "{" in text[match.end() : closing]
        ):
            continue
        members = text[opening:closing].replace("\\", "")
        if regexes.compile(r'"username"[ \t]*:').search(members) and looks_real(match.group("value")):
            found.append((match.start("value"), match.end("value"), match.group("value")))
    return found


def url_parameter_leaks(
    text: str, site: str, taken: Sequence[tuple[int, int]] = (), reason: str = URL_PARAMETER_REASON
) -> list[Leak]:
    """A leak (offsets in ``text``) for each credential URL parameter (``?api_key=<key>``) whose value looks
    real and overlaps none of ``taken``: a key without a shape, where a key goes.  Never fixable."""
    if not has_url_parameter_hint(text):
        return []
    leaks: list[Leak] = []
    for start, end, value, name in url_parameters(text):
        if not any(a < end and start < b for a, b in taken):
            host = _URL_HOST_RE.search(text, max(0, start - 2000), start)
            found = attribute(value, name, host=host.group(1) if host else None)
            leaks.append(Leak("HFG001", start, end, value, "medium", site, False, name, reason, found.label))
    return leaks


# The host of the URL a parameter ends: the last ``scheme://host`` before it, with no space or quote between.
_URL_HOST_RE = regexes.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)[^\s\"'<>`]*\Z")
