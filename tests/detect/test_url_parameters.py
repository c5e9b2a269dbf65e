"""A key in a credential URL parameter (``?api_key=``, ``&token=``, ``write_token=``) is a key in its slot:
reported in a Python string, a notebook cell's string and a ``!curl`` line, as in a text file; never
rewritten (the URL must be rebuilt by hand), never shown whole; a placeholder, a short value or a
parameter that is no credential is not reported, and a URL in markdown or an output is not a slot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_token
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, new_markdown_cell, new_output, notebook_text

KEY = make_token(41, prefix="", digits=True)[:32]  # a prefix-less key: only its slot says what it is


def _url(name: str, value: str) -> str:
    return f"https://api.example.com/v1/search?q=llama&{name}={value}"


@pytest.mark.parametrize("name", ["api_key", "key", "token", "access_token", "write_token", "apikey"])
def test_a_key_in_a_python_string_is_reported_masked_and_not_fixed(tmp_path: Path, name: str) -> None:
    source = f'import requests\n\nresponse = requests.get("{_url(name, KEY)}")\n'
    (tmp_path / "search.py").write_text(source)
    result = run_main("scan", "--isolated", "search.py", cwd=tmp_path)
    assert result.returncode == 1 and KEY not in result.stdout + result.stderr
    column = source.splitlines()[2].index(KEY) + 1
    assert f"search.py:3:{column}: HFG001 " in result.stdout and f"****{KEY[-4:]}" in result.stdout
    assert "[not fixable: a key in a URL" in result.stdout
    fixed = run_main("scan", "--isolated", "--fix", "search.py", cwd=tmp_path)
    assert fixed.returncode == 1 and KEY not in fixed.stdout + fixed.stderr
    assert (tmp_path / "search.py").read_text() == source  # left for the user: nothing is rewritten


@pytest.mark.parametrize(
    "value",
    ["YOUR_API_KEY", "<your-key>", "abc123", "x" * 32, "${SERPAPI_KEY}"],
    ids=["placeholder", "angle-placeholder", "short", "crossed-out", "shell-variable"],
)
def test_what_is_not_a_key_is_not_reported(tmp_path: Path, value: str) -> None:
    (tmp_path / "search.py").write_text(f'URL = "{_url("api_key", value)}"\n')
    assert run_main("scan", "--isolated", "search.py", cwd=tmp_path).returncode == 0


def test_a_parameter_that_is_no_credential_is_not_reported(tmp_path: Path) -> None:
    revision = "0123456789abcdef0123456789abcdef01234567"  # a git SHA next to revision=, a page cursor
    (tmp_path / "a.py").write_text(f'URL = "{_url("revision", revision)}&cursor={KEY}"\n')
    assert run_main("scan", "--isolated", "a.py", cwd=tmp_path).returncode == 0


def test_in_a_notebook_code_and_shell_lines_are_slots_markdown_and_outputs_are_not(tmp_path: Path) -> None:
    cells = [
        new_markdown_cell(f"Call [the API]({_url('api_key', KEY)})"),
        new_code_cell(
            f'r = requests.get("{_url("api_key", KEY)}")\n!curl -s "{_url("token", KEY)}"',
            outputs=[new_output("stream", text=f"GET {_url('api_key', KEY)}\n")],
        ),
    ]
    (tmp_path / "nb.ipynb").write_text(notebook_text(cells))
    result = run_main("scan", "--isolated", "--format", "json", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1 and KEY not in result.stdout + result.stderr
    found = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["cell"], f["line"], f["site"]) for f in found] == [
        ("HFG001", 2, 1, "string"),
        ("HFG001", 2, 2, "shell"),
    ]
    assert all(not f["fixable"] for f in found)


@pytest.mark.parametrize(
    ("url", "label", "page"),
    [
        ("https://serpapi.com/search.json?q=x&api_key={key}", "SerpAPI key", "serpapi.com/manage-api-key"),
        ("https://api.openai.com/v1/models?key={key}", "OpenAI", "platform.openai.com/api-keys"),
        ("https://api.example.com/v1?api_key={key}", "secret in", "where it was issued"),
    ],
    ids=["serpapi", "openai-api-host", "unknown-host"],
)
def test_the_urls_host_names_whose_key_it_is(tmp_path: Path, url: str, label: str, page: str) -> None:
    """A prefix-less key says nothing about its provider; the URL it is sent to does: the message and
    the revoke advice name that provider (its own site: revoke page or API host), or nobody."""
    (tmp_path / "a.py").write_text(f'URL = "{url.format(key=KEY)}"\n')
    result = run_main("scan", "--isolated", "a.py", cwd=tmp_path)
    assert result.returncode == 1 and KEY not in result.stdout
    assert f"HFG001 {label}" in result.stdout and page in result.stdout
