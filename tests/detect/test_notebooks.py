"""Notebooks: every place a token can hide, in every notebook shape, with notebook-relative locations."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner

from hf_secret_guard import scan_notebook
from hf_secret_guard.cli.main import cli
from hf_secret_guard.model import Finding
from hf_secret_guard.tokens import mask
from tests.conftest import TOKEN, TOKEN2
from tests.notebooks import (
    PNG,
    STYLES,
    Style,
    new_code_cell,
    new_markdown_cell,
    new_output,
    new_raw_cell,
    notebook_text,
)


def rules_at(findings: tuple[Finding, ...]) -> list[tuple[str, Any, Any, int, int]]:
    return [(f.rule, f.cell, f.output, f.span.line, f.span.column) for f in findings]


def scan(cells: list[Any], style: Style = "jupyter-4.5", **kwargs: Any) -> tuple[Finding, ...]:
    text = notebook_text(cells, style, **kwargs)
    result = scan_notebook(text, "nb.ipynb")
    return result.findings


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("list_sources", [True, False])
def test_every_location(style: Style, list_sources: bool) -> None:
    cells = [
        new_markdown_cell(f"# Setup\nPaste {TOKEN} here"),
        new_code_cell(
            f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\nprint("{TOKEN2}")',
            outputs=[
                new_output("stream", name="stdout", text=f"first line\n{TOKEN2}\n"),
                new_output(
                    "execute_result", data={"text/plain": f"'{TOKEN2}'", "image/png": PNG}, execution_count=1
                ),
                new_output(
                    "error",
                    ename="HTTPError",
                    evalue=f"401 for {TOKEN}",
                    traceback=["\x1b[0;31m---\x1b[0m", f"\x1b[0;31mHTTPError\x1b[0m: \x1b[1m{TOKEN}\x1b[0m"],
                ),
            ],
        ),
        new_raw_cell(f"raw {TOKEN}"),
    ]
    findings = scan(cells, style, list_sources=list_sources)
    assert rules_at(findings) == [
        ("HFG004", 1, None, 2, 7),
        ("HFG002", 2, None, 2, 27),
        ("HFG001", 2, None, 3, 8),
        ("HFG003", 2, 1, 2, 1),
        ("HFG003", 2, 2, 1, 2),
        ("HFG003", 2, 3, 1, 9),
        ("HFG003", 2, 3, 2, 27),
        ("HFG004", 3, None, 1, 5),
    ]


def test_file_positions_point_at_the_token_in_the_json() -> None:
    text = notebook_text([new_code_cell(f'x = "a\\tb"\ny = "{TOKEN}"')], "colab-4.0")
    (finding,) = scan_notebook(text, "nb.ipynb").findings
    line = text.splitlines()[finding.file_line - 1]
    assert line[finding.file_column - 1 :].startswith(TOKEN)


IPYTHON_CASES = [
    (f"%env HF_TOKEN={TOKEN}", [("HFG002", 1, 15)]),
    (f"%env HF_TOKEN {TOKEN}", [("HFG002", 1, 15)]),
    (f"%set_env HF_TOKEN {TOKEN}", [("HFG002", 1, 19)]),
    ("%env OPENAI_API_KEY=sk-not-a-real-key-000", [("HFG002", 1, 21)]),
    ("%env TOKENIZERS_PARALLELISM=false", []),
    (f"!huggingface-cli login --token {TOKEN}", [("HFG001", 1, 32)]),
    (f"!export HF_TOKEN={TOKEN}", [("HFG002", 1, 18)]),
    (f"out = !curl -H 'Authorization: Bearer {TOKEN}' x", [("HFG001", 1, 39)]),
    (f"%pip install x\nlogin('{TOKEN}')", [("HFG001", 2, 8)]),
    (f"login?\nlogin(token='{TOKEN}')", [("HFG001", 2, 14)]),
    (f"if True:\n    !echo hi\n    t = '{TOKEN}'", [("HFG001", 3, 10)]),
    (f"pip install transformers\nlogin(token='{TOKEN}')", [("HFG001", 2, 14)]),
    (f"%%capture\nlogin(token='{TOKEN}')", [("HFG001", 2, 14)]),
    (f"%%time\nimport os\nos.environ['HF_TOKEN'] = '{TOKEN}'", [("HFG002", 3, 27)]),
    (f"%%writefile train.py\nTOKEN = '{TOKEN}'", [("HFG001", 2, 10)]),
    (f"%%bash\nexport HF_TOKEN={TOKEN}\necho done", [("HFG002", 2, 17)]),
    (f"%%bash\nhuggingface-cli login --token {TOKEN}", [("HFG001", 2, 31)]),
    (f"%%writefile .env\nexport HF_TOKEN='{TOKEN}'", [("HFG002", 2, 18)]),
    ("%%bash\nexport HF_HOME=/content", []),
    (f"def f(:\n  '{TOKEN}'", [("HFG001", 2, 4)]),
    (f"def {TOKEN}():\n    pass", [("HFG001", 1, 5)]),  # a token-shaped name is a token in the file
    (f"%%capture\n!pip install x\nlogin(token='{TOKEN}')", [("HFG001", 3, 14)]),
    (f"%%time\n%env HF_TOKEN={TOKEN}", [("HFG002", 2, 15)]),
    (f"%%capture\n!huggingface-cli login --token {TOKEN}", [("HFG001", 2, 32)]),
    (f's = """\n%env HF_TOKEN={TOKEN}\n"""', [("HFG001", 2, 15)]),
    (f"s = '''\n!echo {TOKEN}\n'''\n!ls", [("HFG001", 2, 7)]),
    (f"# don't\n!echo {TOKEN}", [("HFG001", 2, 7)]),
]


@pytest.mark.parametrize(
    ("source", "expected"), IPYTHON_CASES, ids=[f"ipython{n}" for n in range(len(IPYTHON_CASES))]
)
def test_ipython_cells(source: str, expected: list[tuple[str, int, int]]) -> None:
    findings = scan([new_markdown_cell("intro"), new_code_cell(source)])
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == expected
    assert all(f.cell == 2 for f in findings)


def test_bash_cells_are_not_fixable_but_shell_escapes_are() -> None:
    findings = scan(
        [new_code_cell(f"%%bash\nexport HF_TOKEN={TOKEN}"), new_code_cell(f"%env HF_TOKEN={TOKEN}")]
    )
    assert [(f.cell, f.fixable) for f in findings] == [(1, False), (2, True)]


@pytest.mark.parametrize(
    "source",
    [
        "%%capture\n!pip install transformers\nfrom huggingface_hub import login",
        '%%time\nx = 1\n!ls\ns = """\n%not a magic\n"""',
        "s = '''\n!not a shell line\n'''",
    ],
)
def test_ipython_cells_parse_without_notes(source: str) -> None:
    text = notebook_text([new_code_cell(source + f"\nt = '{TOKEN}'")])
    result = scan_notebook(text, "nb.ipynb")
    assert result.errors == ()
    assert [(f.rule, f.fixable) for f in result.findings] == [("HFG001", True)]


def test_unparsable_cell_is_scanned_as_text_and_reported() -> None:
    text = notebook_text([new_code_cell(f"def f(:\n  '{TOKEN}'")])
    result = scan_notebook(text, "nb.ipynb")
    assert [f.rule for f in result.findings] == ["HFG001"]
    assert [e.kind for e in result.errors] == ["parse"] and "cell 1" in result.errors[0].message


@pytest.mark.parametrize("alias", ["env", "e", "ENV"])
def test_aliases_carry_across_cells(alias: str) -> None:
    findings = scan(
        [
            new_code_cell(f"from os import environ as {alias}"),
            new_code_cell(f'{alias}["DB_PASSWORD"] = "hunter2-nope"'),
        ]
    )
    assert [(f.rule, f.cell) for f in findings] == [("HFG002", 2)]


NOT_FLAGGED = [
    pytest.param(
        [new_code_cell("plt.plot()", outputs=[new_output("display_data", data={"image/png": PNG})])],
        {},
        id="base64 png",
    ),
    pytest.param(
        [new_code_cell("notebook_login()")],
        {
            "widgets": {
                "application/vnd.jupyter.widget-state+json": {
                    "state": {"m": {"model_name": "PasswordModel", "state": {"value": ""}}}
                }
            }
        },
        id="empty notebook_login widget",
    ),
    pytest.param(
        [
            new_code_cell(
                "login(token=t)", outputs=[new_output("stream", name="stdout", text=f"{mask(TOKEN)}\n")]
            )
        ],
        {},
        id="masked token output",
    ),
    pytest.param(
        [
            new_markdown_cell(
                "Set `HF_TOKEN=hf_...` or `hf_your_token_here`, e.g. hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            )
        ],
        {},
        id="placeholders in markdown",
    ),
    pytest.param(
        [
            new_code_cell(
                'import os\nos.environ["HF_HOME"] = "/content"\n'
                'os.environ["TOKENIZERS_PARALLELISM"] = "false"'
            )
        ],
        {},
        id="harmless environ",
    ),
    pytest.param(
        [new_code_cell("from google.colab import userdata\ntoken = userdata.get('HF_TOKEN')")],
        {},
        id="the safe pattern",
    ),
]


@pytest.mark.parametrize(("cells", "metadata"), NOT_FLAGGED)
@pytest.mark.parametrize("style", STYLES)
def test_not_flagged(cells: list[Any], metadata: dict[str, Any], style: Style) -> None:
    assert scan(cells, style, metadata=metadata) == ()


def test_widget_state_and_metadata() -> None:
    metadata = {
        "widgets": {
            "application/vnd.jupyter.widget-state+json": {"state": {"m": {"state": {"value": TOKEN}}}}
        }
    }
    cell = new_code_cell("notebook_login()", metadata={"tags": [f"tag {TOKEN2}"]})
    findings = scan([cell], metadata=metadata)
    # Nested JSON is placed in the file itself; the cell it belongs to is still named.
    assert [(f.rule, f.cell, f.span_in_file, "metadata" in f.message) for f in findings] == [
        ("HFG004", 1, True, True),
        ("HFG004", None, True, True),
    ]
    assert any("cell 1 cell metadata" in f.message for f in findings)


def test_safety_net_finds_tokens_in_unknown_fields() -> None:
    data = json.loads(notebook_text([new_code_cell("x = 1")]))
    data["cells"][0]["x-custom"] = {"note": f"token {TOKEN}"}
    findings = scan_notebook(json.dumps(data, indent=1), "nb.ipynb").findings
    assert [(f.rule, f.site, f.cell) for f in findings] == [("HFG004", "json", None)]


def test_invalid_json_is_reported_and_still_scanned() -> None:
    text = notebook_text([new_code_cell(f"t = '{TOKEN}'")]).replace('"cell_type"', '"cell_type" "x":', 1)
    result = scan_notebook(text, "nb.ipynb")
    assert [f.rule for f in result.findings] == ["HFG004"]
    (error,) = result.errors
    assert "invalid JSON" in error.message and "line" in error.message and "column" in error.message


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"nbformat": 3, "worksheets": [{"cells": [{"input": "TOKEN"}]}]}, id="nbformat 3"),
        pytest.param({}, id="empty object"),
        pytest.param(["TOKEN"], id="a list"),
    ],
)
def test_other_json_is_scanned_as_text(payload: Any) -> None:
    text = json.dumps(payload).replace("TOKEN", f"t = '{TOKEN}'")
    result = scan_notebook(text, "nb.ipynb")
    assert len(result.errors) == 1 and "scanned as text" in result.errors[0].message
    assert [f.rule for f in result.findings] == (["HFG004"] if "TOKEN" in json.dumps(payload) else [])


def test_cli_text_and_json_locations(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(
        notebook_text(
            [
                new_markdown_cell("x"),
                new_code_cell(f"login('{TOKEN}')", outputs=[new_output("stream", name="stdout", text=TOKEN)]),
            ],
            "colab-4.0",
        )
    )
    result = CliRunner().invoke(cli, ["scan", str(path)])
    assert result.exit_code == 1
    assert f"{path}:cell 2:1:8: HFG001" in result.output
    assert f"{path}:cell 2:output 1:1:1: HFG003" in result.output
    assert TOKEN not in result.output
    report = json.loads(CliRunner().invoke(cli, ["scan", "--format", "json", str(path)]).output)
    assert [(f["rule"], f["cell"], f["output"]) for f in report["findings"]] == [
        ("HFG001", 2, None),
        ("HFG003", 2, 1),
    ]
    assert nbformat.reads(path.read_text(), as_version=4)  # the file itself was not touched


def test_token_split_across_list_elements_of_a_multiline_string() -> None:
    """nbformat stores multiline strings as lists of lines; a token may straddle two elements."""
    data = json.loads(
        notebook_text([new_code_cell("print(t)", outputs=[new_output("stream", name="stdout", text="x")])])
    )
    data["cells"][0]["outputs"][0]["text"] = ["abc " + TOKEN[:10], TOKEN[10:] + " x\n"]
    data["cells"][0]["source"] = ["t = '" + TOKEN2[:7], TOKEN2[7:] + "'\n"]
    findings = scan_notebook(json.dumps(data, indent=1), "nb.ipynb").findings
    assert [(f.rule, f.cell, f.output, f.span.line, f.span.column) for f in findings] == [
        ("HFG001", 1, None, 1, 6),
        ("HFG003", 1, 1, 1, 5),
    ]


def test_nested_json_outputs_name_their_cell_and_output(tmp_path: Path) -> None:
    outputs = [
        new_output("stream", name="stdout", text="ok\n"),
        new_output("display_data", data={"application/json": {"auth": {"token": TOKEN}}}),
    ]
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_text([new_markdown_cell("x"), new_code_cell("show()", outputs=outputs)]))
    report = json.loads(CliRunner().invoke(cli, ["scan", "--format", "json", str(path)]).output)
    (finding,) = report["findings"]
    assert (finding["cell"], finding["output"], finding["position_in"]) == (2, 2, "file")
    line = path.read_text().splitlines()[finding["line"] - 1]
    assert line[finding["column"] - 1 :].startswith(TOKEN)
    text = CliRunner().invoke(cli, ["scan", "--no-color", str(path)]).output
    assert f"{path}:{finding['line']}:{finding['column']}: HFG003" in text and "cell 2" in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("!wandb login {key}", "HFG001"),
        ("!wandb login --relogin {key}", "HFG001"),
        ("!ngrok config add-authtoken {key}", "HFG001"),
        ("!wandb login YOUR_WANDB_API_KEY", "HFG005"),
        ("!wandb login $WANDB_API_KEY", None),
        ("!wandb login", None),
        ("!wandb login 1234", None),  # too short to be a key
    ],
)
def test_a_key_given_to_a_login_command_is_found(line: str, expected: str | None) -> None:
    """W&B's 40-hex keys and ngrok's tokens have no prefix: a login command is where they go."""
    key = random.Random(7).randbytes(20).hex()  # a W&B-style key
    findings = scan([new_code_cell("!pip install wandb\n" + line.format(key=key))])
    assert [f.rule for f in findings] == ([expected] if expected else [])
    assert all(key not in f.message for f in findings)
