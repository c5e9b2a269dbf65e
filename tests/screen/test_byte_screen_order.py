"""The notebook screens ask their needles in the order likeliest to decide early, and several needles
in one search: the byte screen (``screen.prefilter._notebook_may_contain_leak``) and the text screen
(``notebook_may_leak``, which may look for images in the file's bytes).  The answers must be the plain
"any needle" ones they were."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard.providers import PREFIXES
from hf_secret_guard.screen import prefilter
from hf_secret_guard.tokens.slots import CLI_LOGIN_COMMANDS, URL_PARAMETER_HINTS
from tests.conftest import REPO, TOKEN, examples
from tests.notebooks import PNG


def _any_needle(data: bytes) -> bool:
    """The notebook byte screen as one condition, in the order it was first written."""
    if b"environ" in data or b"putenv" in data or b"%env" in data or b"set_env" in data:
        return True
    if b"export" in data or any(command.encode() in data for command in CLI_LOGIN_COMMANDS):
        return True
    visible = prefilter.without_images(data)
    return (
        prefilter.has_token_needle(visible)
        or prefilter._slot_bytes(visible)
        or any(hint.encode() in visible for hint in URL_PARAMETER_HINTS)
    )


PIECES = st.sampled_from(
    [
        b"environ",
        b"env",
        b"venv",
        b"putenv",
        b"%env",
        b"set_env",
        b"export",
        b"exp",
        *(command.encode() for command in CLI_LOGIN_COMMANDS),
        *(command[1:].encode() for command in CLI_LOGIN_COMMANDS),
        *(command[:-1].encode() for command in CLI_LOGIN_COMMANDS),
        b"ken",
        *(prefix.encode() for prefix in PREFIXES),
        *(hint.encode() for hint in URL_PARAMETER_HINTS),
        TOKEN.encode(),
        b'token = "',
        b'api_key=\\"',
        b'Github("',
        f'"image/png": "{PNG}'.encode(),
        b'"image/png": "',
        b'", "',
        b"x",
        b" ",
        b"\n",
    ]
)


@settings(max_examples=examples(125), deadline=None)
@given(st.lists(PIECES, max_size=8).map(b"".join))
def test_generated_bytes_get_the_plain_answer(data: bytes) -> None:
    assert prefilter.may_contain_leak(data, notebook=True) == _any_needle(data)


def test_the_repository_notebooks_get_the_plain_answer() -> None:
    notebooks = sorted(p for folder in ("fixtures", "tests/data") for p in (REPO / folder).rglob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        data = path.read_bytes()
        assert prefilter.may_contain_leak(data, notebook=True) == _any_needle(data), path


TEXTS = st.lists(PIECES, max_size=8).map(lambda pieces: b"".join(pieces).decode())


@settings(max_examples=examples(125), deadline=None)
@given(TEXTS, st.sampled_from(["", "\u00e9", "\U0001f9a5"]))
def test_the_text_screen_needles_are_found_by_one_search_each(text: str, wide: str) -> None:
    raw = wide + text
    hints = any(hint in raw for hint in URL_PARAMETER_HINTS)
    assert (prefilter._re(prefilter._URL_HINT_SCREEN).search(raw) is not None) == hints
    needles = any(needle in raw for needle in ("environ", "putenv", *prefilter._SHELL_NEEDLES))
    assert (prefilter._re(prefilter._WRITE_SCREEN).search(raw) is not None) == needles
    assert prefilter._write_needle_in(raw.encode()) == needles


@settings(max_examples=examples(100), deadline=None)
@given(TEXTS, st.booleans())
def test_the_text_screen_answers_the_same_from_the_bytes(text: str, bom: bool) -> None:
    raw = '{"cells": [{"cell_type": "code", "metadata": {}, "source": ' + json.dumps(text) + "}]}"
    data = (b"\xef\xbb\xbf" if bom else b"") + raw.encode()
    assert prefilter.notebook_may_leak(raw, (), data) == prefilter.notebook_may_leak(raw)


def test_the_repository_notebooks_answer_the_same_from_the_bytes() -> None:
    notebooks = sorted(p for folder in ("fixtures", "tests/data") for p in (REPO / folder).rglob("*.ipynb"))
    for path in notebooks:
        data = path.read_bytes()
        try:
            raw = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        assert prefilter.notebook_may_leak(raw, (), data) == prefilter.notebook_may_leak(raw), path
