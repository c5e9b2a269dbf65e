"""``--fix-style auto`` (the default): the fixed code reads the secret where the file runs.  A notebook
reads Colab's Secrets; a ``.py`` script the environment (``google.colab`` exists only on Colab) unless it
already imports ``google.colab``.  Each fixed script is run, each fixed cell compiled after IPython."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from tests.conftest import TOKEN
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, notebook_text


def test_a_script_reads_the_environment_and_runs_outside_colab(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(f'token = "{TOKEN}"\nprint(len(token))\n')
    result = run_main("scan", "--fix", "train.py", cwd=tmp_path)
    assert result.returncode == 1 and TOKEN not in path.read_text()
    assert path.read_text() == 'import os\ntoken = os.environ["HF_TOKEN"]\nprint(len(token))\n'
    ran = subprocess.run(
        [sys.executable, str(path)], env={**os.environ, "HF_TOKEN": TOKEN}, capture_output=True, text=True
    )
    assert ran.returncode == 0 and ran.stdout == "37\n"  # no ModuleNotFoundError: google.colab


def test_a_script_that_imports_google_colab_keeps_colab_secrets(tmp_path: Path) -> None:
    path = tmp_path / "colab_script.py"
    path.write_text(f'from google.colab import userdata\nlogin(token="{TOKEN}")\n')
    run_main("scan", "--fix", "colab_script.py", cwd=tmp_path)
    assert path.read_text() == 'from google.colab import userdata\nlogin(token=userdata.get("HF_TOKEN"))\n'


def test_a_notebook_reads_colab_secrets(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_text([new_code_cell(f'login(token="{TOKEN}")')], "colab-4.0"))
    run_main("scan", "--fix", "nb.ipynb", cwd=tmp_path)
    source = "".join(json.loads(path.read_text())["cells"][0]["source"])
    assert source == 'from google.colab import userdata\nlogin(token=userdata.get("HF_TOKEN"))'
    compile(TransformerManager().transform_cell(source), "cell", "exec")


def test_a_forced_style_wins_from_the_command_line_and_the_config(tmp_path: Path) -> None:
    script = tmp_path / "a.py"
    script.write_text(f'login(token="{TOKEN}")\n')
    run_main("scan", "--isolated", "--fix", "--fix-style", "userdata", "a.py", cwd=tmp_path)
    assert "userdata.get(" in script.read_text()
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(notebook_text([new_code_cell(f'login(token="{TOKEN}")')]))
    (tmp_path / "pyproject.toml").write_text('[tool.hf-secret-guard]\nfix-style = "env"\n')
    run_main("scan", "--fix", "nb.ipynb", cwd=tmp_path)
    assert 'os.environ[\\"HF_TOKEN\\"]' in notebook.read_text()


def test_an_environment_write_is_removed_not_read_into_itself(tmp_path: Path) -> None:
    """Under the env style ``os.environ["HF_TOKEN"] = "hf_..."`` would become ``os.environ["HF_TOKEN"] =
    os.environ["HF_TOKEN"]``: the variable comes from outside, so the write goes (``pass`` when it was
    its block's only statement), and the script still runs."""
    path = tmp_path / "train.py"
    path.write_text(
        "import os\n"
        f'os.environ["HF_TOKEN"] = "{TOKEN}"\n'
        "if True:\n"
        f'    os.environ["HF_TOKEN"] = "{TOKEN}"  # again\n'
        'print(os.environ["HF_TOKEN"][:3])\n'
    )
    run_main("scan", "--fix", "train.py", cwd=tmp_path)
    assert path.read_text() == 'import os\nif True:\n    pass\nprint(os.environ["HF_TOKEN"][:3])\n'
    ran = subprocess.run(
        [sys.executable, str(path)], env={**os.environ, "HF_TOKEN": TOKEN}, capture_output=True, text=True
    )
    assert ran.returncode == 0 and ran.stdout == "hf_\n"


def test_an_added_import_uses_the_cells_own_line_ends(tmp_path: Path) -> None:
    """A notebook whose cell lines end in \\r\\n gets an import line ending in \\r\\n, not \\n."""
    cell = {"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": []}
    cell["source"] = ["x = 1\r\n", f'login(token="{TOKEN}")\r\n', "y = 2"]
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook, indent=1))
    run_main("scan", "--fix", "nb.ipynb", cwd=tmp_path)
    assert json.loads(path.read_text())["cells"][0]["source"] == [
        "from google.colab import userdata\r\n",
        "x = 1\r\n",
        'login(token=userdata.get("HF_TOKEN"))\r\n',
        "y = 2",
    ]


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("hf_token = {tok!r}\nprint(hf_token)\n", ["hf_token"]),
        ("t = {tok!r}\nprint(f'token: {{t}}')\n", ["t"]),
        ("t = {tok!r}\nlogin(token=t)\n", []),
        ("t = {tok!r}\nprint(len(t) > 0)\n", ["t"]),  # still the secret's variable: the reader decides
    ],
)
def test_the_summary_warns_when_fixed_code_still_prints_the_secret(
    code: str, shown: list[str], tmp_path: Path
) -> None:
    """After --fix, ``print(hf_token)`` would save the secret in the output again on the next run."""
    (tmp_path / "a.py").write_text(code.format(tok=TOKEN))
    result = run_main("scan", "--fix", "a.py", cwd=tmp_path)
    warned = [line for line in result.stdout.splitlines() if line.startswith("warning: a.py still prints")]
    assert len(warned) == (1 if shown else 0) and all(name in warned[0] for name in shown)


def test_a_notebook_cell_showing_the_secret_as_its_last_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_text([new_code_cell(f'token = "{TOKEN}"\ntoken')]))
    result = run_main("scan", "--fix", "nb.ipynb", cwd=tmp_path)
    assert "warning: nb.ipynb still prints or shows token" in result.stdout and TOKEN not in result.stdout


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        ("match-case", None),
        ("env-with-spaces", ["%env PALM_API_KEY=YOUR PALM KEY"]),
        ("env-one-line", [f"%env HF_TOKEN={TOKEN}"]),
        ("bash-cell", [f"%%bash\nexport HF_TOKEN={TOKEN}"]),
        ("python", [f'login(token="{TOKEN}")']),
    ],
)
def test_fixable_in_the_scan_is_what_fix_does(name: str, cells: list[str] | None, tmp_path: Path) -> None:
    """A finding the scan calls fixable is fixed by --fix, and one it calls not fixable is left, with the
    same reason: the scan never promises what the fix then refuses."""
    if cells is None:
        path = tmp_path / "m.py"
        path.write_text(f'match x:\n    case "{TOKEN}":\n        pass\n')
    else:
        path = tmp_path / "nb.ipynb"
        path.write_text(notebook_text([new_code_cell(cell) for cell in cells]))
    scan = json.loads(run_main("scan", "--format", "json", path.name, cwd=tmp_path).stdout)["findings"]
    run = run_main("scan", "--fix", "--format", "json", path.name, cwd=tmp_path)
    fixed = json.loads(run.stdout)["findings"]
    assert [f["fixable"] for f in scan] == [f["fixed"] for f in fixed], name
    assert [f["not_fixable_reason"] for f in scan] == [f["not_fixable_reason"] for f in fixed]
