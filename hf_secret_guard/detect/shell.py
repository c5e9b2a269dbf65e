"""Leaks in IPython and shell lines: ``%env``, ``%set_env``, ``export``, ``--token hf_...``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Optional

from hf_secret_guard import regexes
from hf_secret_guard.model import Leak
from hf_secret_guard.tokens import find_tokens
from hf_secret_guard.tokens.env_names import is_placeholder, is_secret_name, is_secret_value
from hf_secret_guard.tokens.slots import (
    KAGGLE_JSON_SLOT,
    cli_logins,
    kaggle_json_keys,
    url_parameter_leaks,
)

# %env NAME=value, %env NAME value, %set_env NAME value, export NAME=value (quotes optional).
_ENV_WRITE_RE = regexes.compile(
    r"(?P<kind>%env|%set_env|\bexport)[ \t]+(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:[ \t]*=[ \t]*|[ \t]+(?=[^=\s]))"
    r"(?P<value>\"[^\"\r\n]*\"|'[^'\r\n]*'|[^\s;&|]+)"
)

ENV_LINE_RE = regexes.compile(  # the one %env line --fix can rewrite
    r"(?P<indent>[ \t]*)%(?:env|set_env)[ \t]+(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:[ \t]*=[ \t]*|[ \t]+)(?P<value>\"[^\"]*\"|'[^']*'|\S+)[ \t]*\Z"
)
NOT_ONE_ENV_LINE = "not a single %env NAME=value line (and %env prints what it sets)"
KAGGLE_BY_SHELL = (
    f"kaggle.json written by a shell command or a %%writefile cell: write it from Python instead, "
    f'json.dump({{"username": ..., "key": userdata.get("{KAGGLE_JSON_SLOT}")}}, f)'
)

# IPython expands {expr} and $name in !cmd, x = !cmd and %magic lines, all or none: if any expansion
# fails, the whole line runs as written.  A secret there can become {userdata.get(...)} only when the
# line has no other expansion.  %env and %time-style lines are fixed differently (``fix/plan_ipython``).
OTHER_EXPANSIONS = "the line has other {...} or $ expansions, which IPython expands all or none"
NOT_EXPANDED = "not in a line IPython expands ({...})"
EXPANDING_LINE_RE = regexes.compile(r"[ \t]*(?:!|%(?!%)|[A-Za-z_][\w, \t]*=[ \t]*[!%])")
_OWN_FIX_MAGIC_RE = regexes.compile(r"[ \t]*%(?:env|set_env|time|timeit|prun|debug)\b")
_EXPANSION_RE = regexes.compile(r"[{}]|\$(?!\$)")


def expansion_problem(line: str, secrets: Iterable[str]) -> Optional[str]:
    """Why the secrets of this IPython line cannot be expanded from the secret store; None when they can,
    or when the line is a %env/%time-style line."""
    if _OWN_FIX_MAGIC_RE.match(line):
        return None
    if not EXPANDING_LINE_RE.match(line):  # an automagic line, a help line, a `%%` line
        return NOT_EXPANDED
    for secret in secrets:
        line = line.replace(secret, "")
    return OTHER_EXPANSIONS if _EXPANSION_RE.search(line) else None


def find_shell_leaks(
    text: str,
    start: int,
    end: int,
    *,
    fixable: bool,
    extra_secret_names: Sequence[str] = (),
) -> list[Leak]:
    """Leaks in ``text[start:end]``, one IPython line or a whole ``%%bash`` cell."""
    leaks: list[Leak] = []
    segment = text[start:end]
    claimed: list[tuple[int, int]] = []
    for match in _ENV_WRITE_RE.finditer(segment):
        name = match.group("name")
        site = "shell-env" if match.group("kind") == "export" else "ipython-env"
        writable = fixable
        if site == "ipython-env" and fixable:  # the fixer rewrites only a whole `%env NAME=value` line
            line_start = max(segment.rfind("\n", 0, match.start()), segment.rfind("\r", 0, match.start())) + 1
            line_end = len(segment) if (n := segment.find("\n", match.start())) < 0 else n
            writable = ENV_LINE_RE.match(segment[line_start:line_end].rstrip("\r")) is not None
        value_start, value_end = match.span("value")
        value = match.group("value")
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) >= 2:
            value_start, value_end, value = value_start + 1, value_end - 1, value[1:-1]
        tokens = list(find_tokens(value))
        for token in tokens:
            leaks.append(
                Leak(
                    "HFG002",
                    start + value_start + token.start,
                    start + value_start + token.end,
                    token.value,
                    token.confidence,
                    site,
                    writable,
                    name,
                    "" if writable or not fixable else NOT_ONE_ENV_LINE,
                )
            )
        if not tokens and is_secret_name(name, extra_secret_names) and is_secret_value(value):
            leaks.append(
                Leak(
                    "HFG005" if is_placeholder(value) else "HFG002",
                    start + value_start,
                    start + value_end,
                    value,
                    "high",
                    site,
                    writable,
                    name,
                    "" if writable or not fixable else NOT_ONE_ENV_LINE,
                )
            )
        claimed.append((value_start, value_end))
    for login in cli_logins(segment):  # `!wandb login <key>`: a key without a shape, where a key goes
        if login.rule and not any(a < login.end and login.start < b for a, b in claimed):
            span = (start + login.start, start + login.end)
            name = login.provider.secret_name
            leaks.append(
                Leak(login.rule, *span, login.value, "medium", "shell", fixable, name, "", login.label)
            )
            claimed.append((login.start, login.end))
    kaggle: list[Leak] = []  # never fixable here, whatever the line's expansions (URL parameters too)
    for value_start, value_end, value in kaggle_json_keys(segment):  # echo '{"username": ...}' > kaggle.json
        if not any(a < value_end and value_start < b for a, b in claimed):
            span = (start + value_start, start + value_end)
            kaggle.append(
                Leak(
                    "HFG001",
                    *span,
                    value,
                    "medium",
                    "shell",
                    False,
                    KAGGLE_JSON_SLOT,
                    KAGGLE_BY_SHELL,
                    "Kaggle key",
                )
            )
            claimed.append((value_start, value_end))
    tokens_here = list(find_tokens(segment))
    taken = claimed + [(token.start, token.end) for token in tokens_here]
    for leak in url_parameter_leaks(segment, "shell", taken):  # curl "https://...?api_key=<key>"
        kaggle.append(leak._replace(start=start + leak.start, end=start + leak.end))
        claimed.append((leak.start, leak.end))
    for token in tokens_here:
        if any(a <= token.start < b for a, b in claimed):
            continue
        leaks.append(
            Leak(
                "HFG001",
                start + token.start,
                start + token.end,
                token.value,
                token.confidence,
                "shell",
                fixable,
            )
        )
    leaks.sort(key=lambda leak: leak.start)
    secrets = [leak.secret for leak in leaks + kaggle]
    problem = expansion_problem(segment, secrets) if fixable and leaks else None
    if problem:
        leaks = [leak._replace(fixable=False, reason=problem) for leak in leaks]
    return sorted(leaks + kaggle, key=lambda leak: leak.start) if kaggle else leaks
