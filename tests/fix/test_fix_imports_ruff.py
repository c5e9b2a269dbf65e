"""The import ``--fix`` adds goes where isort and ruff put it: ``ruff check --select I`` (run as a process on
the real fixed files) reports nothing after the fix that it did not report before.  Each fixed script is
also run (the secret set in the environment, or answered by a stand-in ``google.colab`` / ``kaggle_secrets``
outside the project), each fixed notebook cell compiled after IPython's transformation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from IPython.core.inputtransformer2 import TransformerManager
from ruff.__main__ import find_ruff_bin

from tests.conftest import TOKEN
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, notebook_text

RUFF = find_ruff_bin()  # the binary itself: ``python -m ruff`` would start an interpreter to start it

# (id, the script with <T> for the token, style).  Each prints len(token) (37) when run.
SCRIPTS: list[tuple[str, str, str]] = [
    ("no-imports", 'token = "<T>"\nprint(len(token))\n', "env"),
    ("docstring", '"""Train a model."""\ntoken = "<T>"\nprint(len(token))\n', "env"),
    (
        "docstring-and-future",
        '"""Doc."""\n\nfrom __future__ import annotations\n\ntoken = "<T>"\nprint(len(token))\n',
        "env",
    ),
    (
        "stdlib-and-third-party-groups",
        'import json\nimport sys\n\nimport click\n\ntoken = "<T>"\nprint(len(token))\n',
        "env",
    ),
    ("only-third-party", 'import click\n\ntoken = "<T>"\nprint(len(token))\n', "env"),
    ("stdlib-from-import", 'from pathlib import Path\n\ntoken = "<T>"\nprint(len(token))\n', "env"),
    ("stdlib-after-os", 'import sys\n\ntoken = "<T>"\nprint(len(token))\n', "env"),
    (
        "def-first",
        'def main():\n    token = "<T>"\n    print(len(token))\n\n\nmain()\n',
        "env",
    ),
    (
        "shebang-and-licence",
        '#!/usr/bin/env python\n# Licence: MIT\nimport json\n\ntoken = "<T>"\nprint(len(token))\n',
        "env",
    ),
    ("crlf", 'import json\r\n\r\nimport click\r\n\r\ntoken = "<T>"\r\nprint(len(token))\r\n', "env"),
    (
        "colab-into-third-party",
        'import os\n\nimport click\n\ntoken = "<T>"\nprint(len(token))\n',
        "userdata",
    ),
    ("colab-new-section", 'import os\n\ntoken = "<T>"\nprint(len(token))\n', "userdata"),
    (
        "colab-joins-google-colab",
        'from google.colab import (\n    auth,\n    drive,\n)\n\ntoken = "<T>"\nprint(len(token))\n',
        "userdata",
    ),
    ("colab-no-imports", 'token = "<T>"\nprint(len(token))\n', "userdata"),
    (
        "kaggle-after-click",
        'import json\n\nimport click\n\ntoken = "<T>"\nprint(len(token))\n',
        "kaggle",
    ),
    ("kaggle-before-local", 'import json\n\nfrom . import x\n\ntoken = "<T>"\n', "kaggle"),
    (
        "environ-write",
        'import os\n\nos.environ["HF_TOKEN"] = "<T>"\nprint(len(os.environ["HF_TOKEN"]))\n',
        "env",
    ),
    ("already-unsorted", 'import sys\nimport json\ntoken = "<T>"\nprint(len(token))\n', "env"),
]


def _ruff_import_problems(*folders: Path) -> dict[Path, int]:
    """How many import blocks ruff's isort rules (I) report in each file under ``folders``, with ruff's
    defaults: one ruff process for every case (each case is a folder of its own, as a project would be)."""
    ran = subprocess.run(
        [RUFF, "check", "--isolated", "--select", "I", "--output-format", "json", *map(str, folders)],
        cwd=folders[0].parent,  # not this project: its modules would be first-party to ruff
        capture_output=True,
        text=True,
    )
    assert ran.returncode in (0, 1), ran.stderr
    counts = {path: 0 for folder in folders for path in folder.rglob("*") if path.is_file()}
    for problem in json.loads(ran.stdout):
        counts[Path(problem["filename"])] += 1
    return counts


def _stand_ins(folder: Path) -> Path:
    """``google.colab.userdata`` and ``kaggle_secrets`` answering from the environment, in a folder of their
    own (so ruff, looking at the project, still takes them for third-party modules)."""
    colab = folder / "google" / "colab"
    colab.mkdir(parents=True)
    (folder / "google" / "__init__.py").write_text("")
    for module in ("__init__", "auth", "drive"):
        (colab / f"{module}.py").write_text("")
    (colab / "userdata.py").write_text("import os\n\n\ndef get(name):\n    return os.environ[name]\n")
    (folder / "kaggle_secrets.py").write_text(
        "import os\n\n\nclass UserSecretsClient:\n"
        "    def get_secret(self, name):\n        return os.environ[name]\n"
    )
    return folder


class Case(NamedTuple):
    path: Path  # the fixed file
    before: int  # ruff's import problems in the file before the fix, and after
    after: int
    returncode: int  # of the fix


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    """Every script and notebook below in a project folder of its own, fixed (each with its style);
    ruff's import problems in all of them, before and after, from one ruff process."""
    root = tmp_path_factory.mktemp("ruff")
    documents: dict[str, tuple[str, bytes, tuple[str, ...]]] = {}
    for name, script, style in SCRIPTS:
        documents[f"script-{name}"] = (
            "train.py",
            script.replace("<T>", TOKEN).encode(),
            ("--fix-style", style),
        )
    for name, cells in NOTEBOOKS:
        text = notebook_text([new_code_cell(cell.replace("<T>", TOKEN)) for cell in cells], "colab-4.0")
        documents[f"notebook-{name}"] = ("nb.ipynb", text.encode(), ())
    for tree in ("before", "after"):
        for key, (filename, data, _) in documents.items():
            (root / tree / key).mkdir(parents=True)
            (root / tree / key / filename).write_bytes(data)
    fixes = {
        key: run_main("scan", "--isolated", "--fix", *options, filename, cwd=root / "after" / key).returncode
        for key, (filename, _, options) in documents.items()
    }
    counts = _ruff_import_problems(root / "before", root / "after")
    return {
        key: Case(
            root / "after" / key / filename,
            counts[root / "before" / key / filename],
            counts[root / "after" / key / filename],
            fixes[key],
        )
        for key, (filename, _, _) in documents.items()
    }


@pytest.mark.parametrize(("name", "script", "style"), SCRIPTS, ids=[row[0] for row in SCRIPTS])
def test_the_added_import_is_where_ruff_puts_it(
    name: str, script: str, style: str, cases: dict[str, Case], tmp_path: Path
) -> None:
    path, before, after, returncode = cases[f"script-{name}"]
    assert returncode == 1 and TOKEN not in path.read_text()
    fixed = path.read_bytes()
    assert after <= before, fixed.decode()
    if "\r\n" in script:  # every line, the added ones too, ends as the file's lines do
        assert fixed.count(b"\n") == fixed.count(b"\r\n")
    if name == "already-unsorted":
        assert before == 1
    elif name != "kaggle-before-local":
        assert before == 0
    if "from . import" in script:  # a relative import: compiled, not run
        compile(fixed, str(path), "exec")
        return
    environment = {**os.environ, "HF_TOKEN": TOKEN, "PYTHONPATH": str(_stand_ins(tmp_path / "hosts"))}
    ran = subprocess.run([sys.executable, str(path)], env=environment, capture_output=True, text=True)
    assert ran.returncode == 0 and ran.stdout == "37\n", ran.stderr


# (id, cells with <T> for the token): each notebook is fixed with the default style (Colab's Secrets).
NOTEBOOKS: list[tuple[str, list[str]]] = [
    ("no-imports", ['login(token="<T>")']),
    ("third-party-group", ['import torch\n\nlogin(token="<T>")']),
    ("stdlib-and-third-party", ['import json\n\nimport torch\n\nlogin(token="<T>")']),
    ("env-magic-needs-two", ["%env HF_TOKEN=<T>\nprint(1)"]),
    ("def-first", ['def main():\n    login(token="<T>")\n\n\nmain()']),
    ("cell-magic-first", ['%%capture\nlogin(token="<T>")']),
    ("shell-first", ['!pip install -q transformers\nlogin(token="<T>")']),
]


@pytest.mark.parametrize(("name", "cells"), NOTEBOOKS, ids=[row[0] for row in NOTEBOOKS])
def test_a_notebook_cells_import_is_where_ruff_puts_it(
    name: str, cells: list[str], cases: dict[str, Case]
) -> None:
    path, before, after, returncode = cases[f"notebook-{name}"]
    assert returncode == 1 and TOKEN not in path.read_text()
    assert after <= before == 0, path.read_text()
    for cell in json.loads(path.read_text())["cells"]:
        compile(TransformerManager().transform_cell("".join(cell["source"])), "cell", "exec")


def test_crlf_lines_in_a_notebook_cell_and_a_script(tmp_path: Path) -> None:
    """Every added line ends as the document's own lines do: \\r\\n in, \\r\\n out."""
    cell = {"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": []}
    cell["source"] = ["import json\r\n", "\r\n", f'login(token="{TOKEN}")\r\n', "x = 1"]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    run_main("scan", "--isolated", "--fix", "nb.ipynb", cwd=tmp_path)
    source = json.loads(path.read_text())["cells"][0]["source"]
    assert all(line.endswith("\r\n") for line in source[:-1]) and source[-1] == "x = 1"
    assert "from google.colab import userdata\r\n" in source
