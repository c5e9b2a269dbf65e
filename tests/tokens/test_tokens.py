"""What is and is not a token, at the boundaries real files put around it."""

from __future__ import annotations

import pytest

from hf_secret_guard.tokens import find_tokens, fingerprint, is_token, mask, redact, secret_hash
from tests.conftest import DIGIT_TOKEN, ORG_TOKEN, TOKEN, TOKEN2

FOUND = [
    ('"{T}"', "quoted"),
    ('\\"{T}\\"', "escaped quote in notebook JSON"),
    ("https://user:{T}@huggingface.co/x", "URL userinfo"),
    ("https://huggingface.co/{T}/x", "URL path"),
    ("a,{T},b", "comma"),
    ("f({T})", "parenthesis"),
    ("\x1b[0;31m{T}\x1b[0m", "ANSI colour code"),
    ("\\u001b[1m{T}\\u001b[0m", "ANSI colour code as JSON escape"),
    ("\\x1b[31m{T}", "ANSI colour code as Python escape"),
    ("line\\n{T}", "backslash-n escape"),
    ("tab\\t{T}", "backslash-t escape"),
    ("\t{T}\n", "whitespace"),
    ("{T}", "whole text"),
    ("token={T}", "assignment"),
    ("{T}_suffix", "underscore after is allowed"),
    ("--token {T}", "command line flag"),
]

NOT_FOUND = [
    ("x{T}", "letter before"),
    ("1{T}", "digit before"),
    ("_{T}", "underscore before"),
    ("{T}a", "letter after"),
    ("{T}7", "digit after"),
    ("hf_" + "x" * 34, "one repeated character"),
    ("hf_" + "ab" * 17, "two letters"),
    ("hf_" + "abcdefghijklmnopqrstuvwxyzabcdefgh", "lower case name"),
    ("hf_" + "MULTILINGUALSENTIMENTCLASSIFIERMOD", "upper case name"),
    ("hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh", "alphabet run"),
    ("hf_...", "ellipsis placeholder"),
    ("hf_your_token_here", "placeholder"),
    ("hf_****abcd", "masked"),
    ("hf_" + TOKEN[3:-1], "33 characters"),
]


@pytest.mark.parametrize(("template", "why"), FOUND)
def test_found(template: str, why: str) -> None:
    text = template.format(T=TOKEN)
    assert [m.value for m in find_tokens(text)] == [TOKEN], why


@pytest.mark.parametrize(("template", "why"), NOT_FOUND)
def test_not_found(template: str, why: str) -> None:
    assert list(find_tokens(template.format(T=TOKEN))) == [], why


def test_confidence() -> None:
    assert next(find_tokens(TOKEN)).confidence == "high"
    assert next(find_tokens(DIGIT_TOKEN)).confidence == "medium"
    assert next(find_tokens(ORG_TOKEN)).confidence == "high"


def test_positions_and_several() -> None:
    text = f"a {TOKEN} b {TOKEN2}"
    matches = list(find_tokens(text))
    assert [(text[m.start : m.end]) for m in matches] == [TOKEN, TOKEN2]


def test_mask_keeps_only_prefix_and_last_four() -> None:
    assert mask(TOKEN) == "hf_****" + TOKEN[-4:]
    assert mask(ORG_TOKEN) == "api_org_****" + ORG_TOKEN[-4:]
    assert mask("hunter2") == "****"
    assert not is_token(mask(TOKEN))


def test_redact_and_hashes_never_contain_the_token() -> None:
    text = f"x={TOKEN} y={TOKEN2}"
    redacted = redact(text)
    assert TOKEN not in redacted and TOKEN2 not in redacted and mask(TOKEN) in redacted
    assert secret_hash(TOKEN) != secret_hash(TOKEN2)
    assert TOKEN[3:] not in fingerprint("HFG001", "a.py", TOKEN)
    assert fingerprint("HFG001", "a.py", TOKEN) == fingerprint("HFG001", "a.py", TOKEN)


def test_a_match_never_shows_its_token() -> None:
    """A match's repr lands in logs, tracebacks and pytest's assertion reports: masked like any output."""
    (match,) = find_tokens(f"x = '{TOKEN}'")
    assert match.value == TOKEN and TOKEN not in repr(match) and mask(TOKEN) in repr(match)
    assert TOKEN not in repr([match]) and TOKEN not in str((match,))
