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
    assert path.read_text() == 'import os\n\ntoken = os.environ["HF_TOKEN"]\nprint(len(token))\n'
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
    assert source == 'from google.colab import userdata\n\nlogin(token=userdata.get("HF_TOKEN"))'
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


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # nothing reads os any more: its import goes, with the blank line it leaves at the top
        ("import os\n\nimport sys\n\n{write}print(sys.argv[:0])\n", "import sys\n\nprint(sys.argv[:0])\n"),
        ('"""Doc."""\n\nimport os\n\n{write}x = 1\n', '"""Doc."""\n\nx = 1\n'),
        ("import os as operating_system\n{write_as}x = 1\n", "x = 1\n"),
        # still read, wanted (a comment), shared with another module, or not at the top: kept
        ("import os\n{write}print(os.sep)\n", "import os\nprint(os.sep)\n"),
        ("import os  # noqa: F401\n{write}x = 1\n", "import os  # noqa: F401\nx = 1\n"),
        ("import os, sys\n{write}x = 1\n", "import os, sys\nx = 1\n"),
        ("def f():\n    import os\n    {write}x = 1\n", "def f():\n    import os\nx = 1\n"),
    ],
    ids=[
        "with-its-blank-line",
        "after-a-docstring",
        "aliased",
        "read",
        "commented",
        "shared",
        "in-a-function",
    ],
)
def test_an_import_the_removed_write_leaves_unused_goes(tmp_path: Path, before: str, after: str) -> None:
    """After the env style took out ``os.environ["HF_TOKEN"] = "hf_..."``, an ``import os`` that nothing
    reads would be an unused import (ruff F401) in a file that was clean: it goes too.  Each fixed file
    runs and passes ruff's F401 and I001 when its original did."""
    write = f'os.environ["HF_TOKEN"] = "{TOKEN}"\n'
    path = tmp_path / "train.py"
    path.write_text(
        before.format(write=write, write_as=f'operating_system.environ["HF_TOKEN"] = "{TOKEN}"\n')
    )
    run_main("scan", "--fix", "--fix-style", "env", "train.py", cwd=tmp_path)
    assert path.read_text() == after
    ran = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr


def test_an_import_used_in_another_cell_stays(tmp_path: Path) -> None:
    """In a notebook, the next cell may read ``os``: the import is never taken out of a cell."""
    cells = [new_code_cell(f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"'), new_code_cell("print(os.sep)")]
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_text(cells))
    run_main("scan", "--fix", "--fix-style", "env", "nb.ipynb", cwd=tmp_path)
    assert json.loads(path.read_text())["cells"][0]["source"] == ["import os\n"]


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
        "\r\n",
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


# A notebook's metadata as Kaggle's editor saves it (self-written, in the shape Kaggle uses).
KAGGLE_METADATA = {
    "kaggle": {
        "accelerator": "nvidiaTeslaT4",
        "dataSources": [],
        "isGpuEnabled": True,
        "isInternetEnabled": True,
        "language": "python",
        "sourceType": "notebook",
    }
}
COLAB_METADATA = {"colab": {"provenance": []}, "accelerator": "GPU"}


def _sources(path: Path) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]]


def _compiles_in_ipython(source: str) -> None:
    compile(TransformerManager().transform_cell(source), "cell", "exec")


def test_a_kaggle_notebook_reads_kaggles_secrets(tmp_path: Path) -> None:
    """Kaggle's kernel metadata (``metadata.kaggle``) without Colab's: ``UserSecretsClient``, in Python,
    in a ``!`` command (expanded by IPython) and in an ``%env`` line."""
    path = tmp_path / "kaggle.ipynb"
    cells = [
        new_code_cell("import torch"),
        new_code_cell(f'login(token="{TOKEN}")'),
        new_code_cell(f"!huggingface-cli upload repo . --token {TOKEN}"),
        new_code_cell(f"%env HF_TOKEN={TOKEN}"),
    ]
    path.write_text(notebook_text(cells, metadata=KAGGLE_METADATA))
    result = run_main("scan", "--fix", "kaggle.ipynb", cwd=tmp_path)
    assert TOKEN not in path.read_text() and TOKEN not in result.stdout
    assert _sources(path) == [
        "import torch",
        "from kaggle_secrets import UserSecretsClient\n\n"
        'login(token=UserSecretsClient().get_secret("HF_TOKEN"))',
        "!huggingface-cli upload repo . --token {UserSecretsClient().get_secret('HF_TOKEN')}",
        'import os\n\nos.environ["HF_TOKEN"] = UserSecretsClient().get_secret("HF_TOKEN")',
    ]
    for source in _sources(path):
        _compiles_in_ipython(source)
    assert "The fixed code reads HF_TOKEN: add it in Kaggle's secrets" in result.stdout
    assert "Colab's Secrets panel (key icon in the left sidebar; turn on" not in result.stdout


@pytest.mark.parametrize(
    ("metadata", "forced", "reason"),
    [
        (KAGGLE_METADATA, [], "a %%bash cell is not Python: it cannot read Kaggle secrets"),
        (COLAB_METADATA, [], "a %%bash cell is not Python: it cannot read Colab secrets"),
        (COLAB_METADATA, ["--fix-style", "env"], "a %%bash cell is not Python: --fix rewrites only Python"),
    ],
)
def test_a_bash_cell_is_not_fixed_for_a_reason_that_names_the_host(
    metadata: dict[str, object], forced: list[str], reason: str, tmp_path: Path
) -> None:
    """The reason names the store the fix would read: a Kaggle user is not told about Colab."""
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_text([new_code_cell(f"%%bash\nexport HF_TOKEN={TOKEN}")], metadata=metadata))
    result = run_main("scan", "--isolated", "--diff", *forced, "nb.ipynb", cwd=tmp_path)
    assert f"nb.ipynb:cell 1:2:17: HFG002 not fixed: {reason}\n" in result.stdout + result.stderr
    assert TOKEN not in result.stdout + result.stderr
    scan = run_main("scan", "--isolated", *forced, "nb.ipynb", cwd=tmp_path)  # the scan knows no host
    assert "[not fixable: a %%bash-style cell cannot read Colab or Kaggle secrets]" in scan.stdout


@pytest.mark.parametrize(
    ("metadata", "first_cell", "style"),
    [
        (COLAB_METADATA, "", "userdata"),  # saved by Colab
        ({}, "", "userdata"),  # no host metadata
        ({**COLAB_METADATA, **KAGGLE_METADATA}, "", "userdata"),  # moved between both: tells nothing
        ({**COLAB_METADATA, **KAGGLE_METADATA}, "from kaggle_secrets import UserSecretsClient", "kaggle"),
        (KAGGLE_METADATA, "from google.colab import drive", "userdata"),  # the code's own choice wins
    ],
)
def test_the_notebook_host_decides_the_style(
    metadata: dict[str, object], first_cell: str, style: str, tmp_path: Path
) -> None:
    path = tmp_path / "nb.ipynb"
    cells = ([new_code_cell(first_cell)] if first_cell else []) + [new_code_cell(f'login(token="{TOKEN}")')]
    path.write_text(notebook_text(cells, metadata=metadata))
    run_main("scan", "--fix", "nb.ipynb", cwd=tmp_path)
    last = _sources(path)[-1]
    kaggle = 'UserSecretsClient().get_secret("HF_TOKEN")'
    expected = 'userdata.get("HF_TOKEN")' if style == "userdata" else kaggle
    assert f"login(token={expected})" in last
    assert last.count("import") == (0 if "UserSecretsClient" in first_cell else 1)
    _compiles_in_ipython(last)


def test_a_kaggle_script_and_the_forced_kaggle_style_run(tmp_path: Path) -> None:
    """A ``.py`` file importing ``kaggle_secrets`` keeps Kaggle's client; ``--fix-style kaggle`` forces
    it.  Both run, against a stand-in ``kaggle_secrets`` module (Kaggle's exists only on Kaggle)."""
    (tmp_path / "kaggle_secrets.py").write_text(
        "import os\n\n\nclass UserSecretsClient:\n"
        "    def get_secret(self, name):\n        return os.environ[name]\n"
    )
    own = tmp_path / "own.py"
    own.write_text(f'from kaggle_secrets import UserSecretsClient\ntoken = "{TOKEN}"\nprint(token[:3])\n')
    forced = tmp_path / "forced.py"
    forced.write_text(f'"""Doc."""\ntoken = "{TOKEN}"\nprint(token[:3])\n')
    run_main("scan", "--isolated", "--fix", "own.py", cwd=tmp_path)
    run_main("scan", "--isolated", "--fix", "--fix-style", "kaggle", "forced.py", cwd=tmp_path)
    assert own.read_text() == (
        'from kaggle_secrets import UserSecretsClient\ntoken = UserSecretsClient().get_secret("HF_TOKEN")\n'
        "print(token[:3])\n"
    )
    assert forced.read_text() == (
        '"""Doc."""\nfrom kaggle_secrets import UserSecretsClient\n\n'
        'token = UserSecretsClient().get_secret("HF_TOKEN")\nprint(token[:3])\n'
    )
    for path in (own, forced):
        ran = subprocess.run(
            [sys.executable, str(path)],
            env={**os.environ, "HF_TOKEN": TOKEN, "PYTHONPATH": str(tmp_path)},
            capture_output=True,
            text=True,
        )
        assert ran.returncode == 0 and ran.stdout == "hf_\n", ran.stderr


def test_a_name_bound_to_something_else_gets_an_alias(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    cells = [new_code_cell("UserSecretsClient = None"), new_code_cell(f'login(token="{TOKEN}")')]
    path.write_text(notebook_text(cells, metadata=KAGGLE_METADATA))
    run_main("scan", "--fix", "nb.ipynb", cwd=tmp_path)
    assert _sources(path)[1] == (
        "from kaggle_secrets import UserSecretsClient as KaggleUserSecretsClient\n\n"
        'login(token=KaggleUserSecretsClient().get_secret("HF_TOKEN"))'
    )


def test_per_file_fix_style_in_the_config(tmp_path: Path) -> None:
    """``per-file-fix-style`` refines ``fix-style`` per glob (the first match wins); ``--fix-style`` on
    the command line forces one style everywhere."""
    (tmp_path / "pyproject.toml").write_text(
        "[tool.hf-secret-guard]\n"
        'fix-style = "auto"\n'
        'per-file-fix-style = { "colab/**" = "userdata", "kaggle/*.ipynb" = "kaggle", "*.ipynb" = "env" }\n'
    )
    files = {
        "colab/train.py": f'login(token="{TOKEN}")\n',
        "plain.py": f'login(token="{TOKEN}")\n',
        "kaggle/nb.ipynb": notebook_text([new_code_cell(f'login(token="{TOKEN}")')]),
        "other.ipynb": notebook_text([new_code_cell(f'login(token="{TOKEN}")')]),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    run_main("scan", "--fix", ".", cwd=tmp_path)
    assert 'userdata.get("HF_TOKEN")' in (tmp_path / "colab/train.py").read_text()
    assert 'os.environ["HF_TOKEN"]' in (tmp_path / "plain.py").read_text()
    assert 'UserSecretsClient().get_secret(\\"HF_TOKEN\\")' in (tmp_path / "kaggle/nb.ipynb").read_text()
    assert 'os.environ[\\"HF_TOKEN\\"]' in (tmp_path / "other.ipynb").read_text()
    forced = tmp_path / "forced.ipynb"
    forced.write_text(files["other.ipynb"])
    run_main("scan", "--fix", "--fix-style", "userdata", "forced.ipynb", cwd=tmp_path)
    assert 'userdata.get(\\"HF_TOKEN\\")' in forced.read_text()


def test_an_env_magic_is_removed_under_the_env_style(tmp_path: Path) -> None:
    """``%env HF_TOKEN=hf_...`` under env would read the variable into itself: the line goes; a cell left
    empty stays a valid (empty) cell, a block left empty gets ``pass``."""
    path = tmp_path / "nb.ipynb"
    cells = [
        new_code_cell(f"%env HF_TOKEN={TOKEN}"),
        new_code_cell(f"import os\nif True:\n    %env HF_TOKEN={TOKEN}\nprint(os.environ['HF_TOKEN'][:3])"),
        new_code_cell(f"x = 1\n%env HF_TOKEN={TOKEN}\ny = 2"),
    ]
    path.write_text(notebook_text(cells))
    result = run_main("scan", "--fix", "--fix-style", "env", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1 and TOKEN not in path.read_text()
    assert _sources(path) == [
        "",
        "import os\nif True:\n    pass\nprint(os.environ['HF_TOKEN'][:3])",
        "x = 1\ny = 2",
    ]
    for source in _sources(path):
        _compiles_in_ipython(source)
    assert "The fixed code reads HF_TOKEN: set it in the environment." in result.stdout
