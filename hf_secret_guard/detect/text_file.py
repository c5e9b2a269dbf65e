"""Leaks in a text file that is neither Python nor a notebook: ``.env``, shell scripts, YAML, TOML, INI,
JSON, Markdown, Dockerfiles and the rest.

Self-identifying keys are found anywhere (HFG001).  A value without a provider's shape is a secret only in
a slot: a line ``KEY=value``, ``export KEY=value``, ``ENV KEY value``, ``key: value``, ``key = "value"`` or
``"key": "value"`` whose key is secret-named (``OPENAI_API_KEY``, ``db_password``) and whose value looks
real (tokens.slots.looks_real), and the ``"key"`` of a ``kaggle.json`` object beside its ``"username"``; a
placeholder there is HFG005, except in documentation (Markdown,
reStructuredText, plain text), where showing the placeholder is the point.  In an environment file
(``.env``, a shell script, a Dockerfile, or after ``export``/``ENV``) such a slot is an environment write
(HFG002).  Nothing here is fixable: ``--fix`` rewrites Python and notebooks only.
"""

from __future__ import annotations

import os
import re

from hf_secret_guard import regexes
from hf_secret_guard.model import Leak
from hf_secret_guard.rules import SITES
from hf_secret_guard.tokens import find_tokens
from hf_secret_guard.tokens.env_names import (
    KNOWN_TOKEN_VARIABLES,
    SECRET_WORDS,
    is_placeholder,
    is_secret_name,
)
from hf_secret_guard.tokens.slots import (
    KAGGLE_JSON_SLOT,
    attribute,
    cli_logins,
    is_slot_name,
    kaggle_json_keys,
    looks_real,
    url_parameter_leaks,
)

_SLOT_RE = regexes.compile(
    r"""^[ \t]*(?:(?P<export>export|set)[ \t]+|(?P<env>ENV)[ \t]+)?["']?(?P<name>[A-Za-z_][\w.\-]*)["']?"""
    r"""(?:[ \t]*[=:]|(?(env)[ \t]))[ \t]*(?P<quote>["']?)(?P<value>[^"'\s#,;]+)(?P=quote)""",
    re.MULTILINE,
)
_ENV_FILE_RE = regexes.compile(
    r"(?:\A\.env(?:\..*)?|\.envrc|\.sh|\.bash|\.zsh|\.env|Dockerfile(?:\..*)?|\.dockerfile)\Z"
)
NOT_FIXABLE = SITES["text-file"].cannot_fix
_PROSE_SUFFIXES = (".md", ".markdown", ".rst", ".txt", ".adoc")
_WORD_SPLIT_RE = regexes.compile(r"[_\W]+")


def _slot_name(name: str, extra_names: tuple[str, ...]) -> bool:
    """A secret's name that ends in what it holds (``OPENAI_API_KEY``, ``db_password``, ``token``): in a
    config file a key merely containing the word (``hf-secret-guard = "module:main"``) is no slot."""
    if not is_secret_name(name, extra_names):
        return False
    words = [word for word in _WORD_SPLIT_RE.split(name.upper()) if word]
    return bool(words) and (
        words[-1] in SECRET_WORDS or name.upper() in KNOWN_TOKEN_VARIABLES or name in extra_names
    )


def is_environment_file(path: str) -> bool:
    return _ENV_FILE_RE.search(os.path.basename(path)) is not None


def find_text_file_leaks(text: str, path: str, extra_names: tuple[str, ...] = ()) -> list[Leak]:
    """Every key in ``text``, with offsets into it."""
    environment = is_environment_file(path)
    prose = path.lower().endswith(_PROSE_SUFFIXES)
    leaks = [
        Leak("HFG001", m.start, m.end, m.value, m.confidence, "text-file", False, None, NOT_FIXABLE)
        for m in find_tokens(text)
    ]
    for login in cli_logins(text):  # `wandb login <key>` in a script (a README shows placeholders: fine)
        if login.rule and not (login.rule == "HFG005" and prose):
            name = login.provider.secret_name
            leaks.append(
                Leak(
                    login.rule,
                    login.start,
                    login.end,
                    login.value,
                    "medium",
                    "text-file",
                    False,
                    name,
                    NOT_FIXABLE,
                    login.label,
                )
            )
    for start, end, value in kaggle_json_keys(text):  # kaggle.json: {"username": ..., "key": "<32 hex>"}
        leaks.append(
            Leak(
                "HFG001",
                start,
                end,
                value,
                "medium",
                "text-file",
                False,
                KAGGLE_JSON_SLOT,  # Kaggle's own name for it: the advice names Kaggle's settings page
                NOT_FIXABLE,
                "Kaggle key",
            )
        )
    tokens = [(leak.start, leak.end) for leak in leaks]
    leaks += url_parameter_leaks(text, "text-file", tokens, NOT_FIXABLE)  # https://...?key=<key>
    taken = [(leak.start, leak.end) for leak in leaks]

    for match in _SLOT_RE.finditer(text):
        name, value = match.group("name"), match.group("value")
        start, end = match.span("value")
        env_write = environment or bool(match.group("export") or match.group("env"))
        inside = [i for i, (a, b) in enumerate(taken) if a < end and start < b]
        if inside:  # a key found above: in an environment slot it is an environment write
            for i in inside if env_write else ():
                leaks[i] = leaks[i]._replace(rule="HFG002", env_name=name)
            continue
        key = name.split(".")[-1]
        if "****" in value or not _slot_name(key, extra_names):
            continue  # a masked value (a report of ours, a log), or no secret's name
        if not env_write and not (is_slot_name(key) or key in extra_names):
            continue  # a config key, read as code reads one: cache_key is no api_key
        if is_placeholder(value):
            if prose:  # documentation shows where a key goes: that is what it is for
                continue
            leaks.append(Leak("HFG005", start, end, value, "high", "text-file", False, name, NOT_FIXABLE))
        elif looks_real(value):
            rule = "HFG002" if env_write else "HFG001"
            label = attribute(value, name).label  # "Cohere key" under CO_API_KEY, else "secret"
            leak = Leak(rule, start, end, value, "medium", "text-file", False, name, NOT_FIXABLE, label)
            leaks.append(leak)
    return sorted(leaks, key=lambda leak: leak.start)
