"""``--format github``: workflow-command annotations, escaped so that hostile paths and messages can neither
break a command nor inject another one, at real locations (notebooks too)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hf_secret_guard.report.github import escape_data, escape_property, format_annotation
from hf_secret_guard.scan import scan_notebook, scan_source
from tests.conftest import TOKEN, TOKEN2
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, new_markdown_cell, notebook_text


def unescape(text: str) -> str:
    """What the Actions runner does to a value (the toolkit's escaping, reversed)."""
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse one workflow command the way the runner does: ``::name k=v,k=v::message``."""
    assert line.startswith("::")
    head, _, message = line[2:].partition("::")
    name, _, props = head.partition(" ")
    properties = {}
    for pair in props.split(","):
        key, _, value = pair.partition("=")
        properties[key] = unescape(value)
    return name, properties, unescape(message)


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain.py", "plain.py", "plain.py"),
        ("100%", "100%25", "100%25"),
        ("%0A", "%250A", "%250A"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("C:\\x,y", "C:\\x,y", "C%3A\\x%2Cy"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
        ("k=v,title=x", "k=v,title=x", "k=v%2Ctitle=x"),
    ],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop
    assert unescape(escape_property(raw)) == raw == unescape(escape_data(raw))


HOSTILE_NAMES = [
    "a,b.py",
    "c:d.py",
    "100%25.py",
    "x::error file=evil.py::pwned.py",
    "title=HFG999,line=1.py",
]
if sys.platform != "win32":
    HOSTILE_NAMES.append("new\nline.py")


def test_hostile_paths_round_trip(tmp_path: Path) -> None:
    for name in HOSTILE_NAMES:
        (tmp_path / name).write_text(f"x = 1\nlogin(token='{TOKEN}')\n")
    result = run_main("scan", "--format", "github", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(HOSTILE_NAMES)  # one command per finding: nothing split, nothing injected
    files = []
    for line in lines:
        command, properties, message = parse_command(line)
        assert command == "error"
        files.append(properties.pop("file"))
        assert properties == {"line": "2", "col": "14", "endColumn": "51", "title": "HFG001"}
        assert message == "Hugging Face token in a string literal (hf_****" + TOKEN[-4:] + ")"
    assert sorted(files) == sorted(HOSTILE_NAMES)
    assert TOKEN not in result.stdout + result.stderr


def test_hostile_message_cannot_inject_a_command(tmp_path: Path) -> None:
    name = "X%0A::warning file=a.py::pwned,col=1:y_TOKEN"
    (tmp_path / "env.py").write_text(f'import os\nos.environ["{name}"] = "not-a-real-secret-value"\n')
    result = run_main("scan", "--format", "github", "env.py", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    command, properties, message = parse_command(lines[0])
    assert (command, properties["file"], properties["title"]) == ("error", "env.py", "HFG002")
    assert message == f"secret written to environment variable {name} (****alue)"
    assert "not-a-real-secret-value" not in result.stdout


def test_notebook_annotation_is_at_the_token_in_the_file() -> None:
    raw = notebook_text(
        [new_markdown_cell("# Setup"), new_code_cell(f'import os\nos.environ["HF_TOKEN"] = "{TOKEN2}"')]
    )
    [finding] = scan_notebook(raw, "nb.ipynb").findings
    _, properties, message = parse_command(format_annotation(finding))
    line, column, end = int(properties["line"]), int(properties["col"]), int(properties["endColumn"])
    assert line > 1  # not ruff's "line 1 for every notebook finding"
    assert raw.splitlines()[line - 1][column - 1 : end - 1] == TOKEN2
    assert message.startswith("cell 2, line 2, column 27: ")


def test_multiline_span_uses_end_line_without_columns() -> None:
    [finding] = scan_source(f't = ("{TOKEN[:12]}"\n     "{TOKEN[12:]}")\n', "a.py").findings
    _, properties, _ = parse_command(format_annotation(finding))
    assert properties == {"file": "a.py", "line": "1", "endLine": "2", "title": "HFG001"}


def test_errors_are_annotations_too(tmp_path: Path) -> None:
    (tmp_path / "broken.ipynb").write_text('{"cells": [\n' + f'"{TOKEN}"')
    result = run_main("scan", "--format", "github", ".", cwd=tmp_path)
    found, error = (parse_command(line) for line in result.stdout.splitlines())
    assert (found[0], found[1]["file"], found[1]["line"], found[1]["col"]) == (
        "error",
        "broken.ipynb",
        "2",
        "2",
    )
    assert (error[0], error[1]["file"]) == ("warning", "broken.ipynb")
    assert "invalid JSON" in error[2]
