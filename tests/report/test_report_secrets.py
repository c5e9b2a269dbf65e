"""No report ever contains a full planted secret: text, json, sarif, github, --output files, --statistics,
the baseline file and the baseline command's own output.  The masked form is what they show."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hf_secret_guard.cli.main import cli
from hf_secret_guard.tokens import mask
from tests.conftest import DIGIT_TOKEN, ORG_TOKEN, TOKEN, TOKEN2
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, new_markdown_cell, new_output, notebook_text

OTHER = "pw-not-real-but-secret-1234"
SECRETS = (TOKEN, TOKEN2, ORG_TOKEN, DIGIT_TOKEN, OTHER)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets")
    (root / "app.py").write_text(
        f'import os\nos.environ["DB_PASSWORD"] = "{OTHER}"\nlogin(token="{TOKEN}")  # {DIGIT_TOKEN}\n'
    )
    cells = [
        new_markdown_cell(f"org {ORG_TOKEN}"),
        new_code_cell(f"%env HF_TOKEN={TOKEN2}", outputs=[new_output("stream", name="stdout", text=TOKEN2)]),
        new_code_cell(f'raise ValueError("{TOKEN}")'),
    ]
    (root / "nb.ipynb").write_text(notebook_text(cells, metadata={"widgets": {"v": TOKEN}}))
    (root / "broken.ipynb").write_text(f'{{"cells": [\n"{TOKEN}" "{DIGIT_TOKEN}"')
    return root


def invoke(cwd: Path, *args: str) -> Result:
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(previous)


def assert_masked_only(text: str, shows_findings: bool = True) -> None:
    for secret in SECRETS:
        assert secret not in text
    for secret in (TOKEN, TOKEN2, ORG_TOKEN, DIGIT_TOKEN) if shows_findings else ():
        assert mask(secret) in text


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_formats(output_format: str, tree: Path) -> None:
    result = run_main("scan", "--format", output_format, ".", cwd=tree)
    assert result.returncode == 1
    assert_masked_only(result.stdout)
    for secret in SECRETS:
        assert secret not in result.stderr


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_output_file_and_statistics(output_format: str, tree: Path, tmp_path: Path) -> None:
    target = tmp_path / f"report.{output_format}"
    result = invoke(tree, "scan", "--format", output_format, "--output", str(target), "--statistics", ".")
    assert result.exit_code == 1
    # --statistics replaces the finding lines of the text report by counts; machine formats keep them all.
    assert_masked_only(target.read_text(encoding="utf-8"), shows_findings=output_format != "text")
    console = result.stdout + result.stderr
    assert "Found " in result.stdout and "HFG001" in result.stdout  # the human summary stays on the console
    for secret in SECRETS:
        assert secret not in console


def test_baseline(tree: Path, tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    made = run_main("baseline", "--output", str(target), ".", cwd=tree)
    assert made.returncode == 0
    assert_masked_only(target.read_text(encoding="utf-8"))
    hidden = run_main("scan", "--baseline", str(target), ".", cwd=tree)
    assert hidden.returncode == 0 and "hidden by the baseline" in hidden.stdout
    for secret in SECRETS:
        assert secret not in made.stdout + made.stderr + hidden.stdout + hidden.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["scan", "--diff", "."], id="diff"),
        pytest.param(["scan", "--verbose", "."], id="verbose"),
        pytest.param(["scan", "--quiet", "."], id="quiet"),
        pytest.param(["scan", "--quiet", "--diff", "."], id="quiet-diff"),  # --diff with json: exit 2
        pytest.param(["scan", "--fix", "."], id="fix"),
        pytest.param(["scan", "--fix", "--fix-style", "env", "--format", "sarif", "."], id="fix-sarif"),
        pytest.param(["scan", "--history"], id="history"),
        pytest.param(["scan", "--history", "--format", "json"], id="history-json"),
    ],
)
def test_every_mode(args: list[str], tree: Path, tmp_path: Path) -> None:
    """Every mode, errors included (``broken.ipynb`` is invalid JSON with tokens in it)."""
    import shutil
    import subprocess

    work = tmp_path / "work"
    shutil.copytree(tree, work)
    if "--history" in args:
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
        subprocess.run(["git", "init", "-q", str(work)], check=True)
        subprocess.run([*git, "-C", str(work), "add", "-A"], check=True)
        subprocess.run([*git, "-C", str(work), "commit", "-qm", "leak"], check=True)
    result = run_main(*args, cwd=work)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for secret in SECRETS:
        assert secret not in result.stdout and secret not in result.stderr
    shows = result.stdout + result.stderr
    assert mask(TOKEN) in shows or "--quiet" in args


def test_repr_of_what_a_scan_returns_hides_the_secret(tmp_path: Path) -> None:
    """A repr ends up in logs, tracebacks and debuggers: findings and leaks show the masked form only."""
    from hf_secret_guard.api import scan_file

    path = tmp_path / "app.py"
    path.write_text(f'import os\nos.environ["DB_PASSWORD"] = "{OTHER}"\nlogin(token="{TOKEN}")\n')
    result = scan_file(str(path))
    assert sorted(finding.secret for finding in result.findings) == sorted([OTHER, TOKEN])
    shown = repr(result) + repr([finding.as_leak() for finding in result.findings])
    assert TOKEN[3:] not in shown and OTHER not in shown
    assert mask(TOKEN) in shown and "rule='HFG001'" in shown and "rule='HFG002'" in shown
