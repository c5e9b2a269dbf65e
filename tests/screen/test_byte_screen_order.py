"""The byte screen of a notebook asks its needles in the order likeliest to decide early
(``screen.prefilter._notebook_may_contain_leak``); the answer must be the plain "any needle" it was."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard.providers import PREFIXES
from hf_secret_guard.screen import prefilter
from hf_secret_guard.tokens.slots import CLI_LOGIN_COMMANDS, URL_PARAMETER_HINTS
from tests.conftest import REPO, TOKEN
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


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=8).map(b"".join))
def test_generated_bytes_get_the_plain_answer(data: bytes) -> None:
    assert prefilter.may_contain_leak(data, notebook=True) == _any_needle(data)


def test_the_repository_notebooks_get_the_plain_answer() -> None:
    notebooks = sorted(p for folder in ("fixtures", "tests/data") for p in (REPO / folder).rglob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        data = path.read_bytes()
        assert prefilter.may_contain_leak(data, notebook=True) == _any_needle(data), path
