"""The hook as users run it: the real ``pre-commit`` binary installs this checkout as a ``language: python``
hook and a real ``git commit`` runs it.

pre-commit clones a hook repository at a commit, so the checkout under test (its working tree, committed or
not, as ``pre-commit try-repo`` does) is copied into a snapshot repository and committed there; the test
repository's ``.pre-commit-config.yaml`` points at that snapshot and its commit.  The snapshot's commit is
made from its files alone (fixed author, dates and message, no parent): the same checkout gives the same
commit.  The hook's environment is built with uv when it is on PATH
(``tests/precommit_uv/sitecustomize.py``: ~4 s instead of 15-25 s with pip), in a ``PRE_COMMIT_HOME`` of
the suite's own virtual environment (never the user's cache) that holds the environment of one commit: a
run whose checkout did not change since the last one uses it again, a changed checkout builds a new one in
its place.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import pytest

from tests.conftest import REPO, TOKEN, TOKEN2
from tests.gitrepo import git, git_env, init_repo, write
from tests.suite_cache import checkout_files, kept_folder, locked, mark_built, replace_build

pytestmark = pytest.mark.e2e

LEAK = f'from huggingface_hub import login\nlogin(token="{TOKEN}")\n'
PRE_COMMIT = str(Path(sys.executable).with_name("pre-commit"))
UV_INSTALLER = Path(__file__).with_name("precommit_uv")


SNAPSHOT_DATE = "1700000000 +0000"  # the snapshot's commit depends on the checkout's files only


def snapshot_of_checkout(target: Path) -> str:
    """Copy the checkout's files and commit them."""
    for name in checkout_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    git(target, "add", "-A")
    env = {**git_env(), "GIT_AUTHOR_DATE": SNAPSHOT_DATE, "GIT_COMMITTER_DATE": SNAPSHOT_DATE}
    subprocess.run(
        ["git", "commit", "-q", "--no-verify", "-m", "snapshot of the checkout under test"],
        cwd=target,
        env=env,
        check=True,
        capture_output=True,
    )
    return git(target, "rev-parse", "HEAD").stdout.strip()


def hook_repository(base: Path) -> tuple[Path, str, Optional[Path]]:
    """The snapshot repository, its commit, and the kept folder whose ``cache`` is ``PRE_COMMIT_HOME``
    (None: ``base / "cache"``, built this run).  pre-commit keys a hook's environment by repository path
    and commit: the snapshot moves to the kept folder's fixed path, and the folder holds one commit's."""
    made = init_repo(base / "hf-secret-guard")
    rev = snapshot_of_checkout(made)
    kept = kept_folder("hf-secret-guard-tests-precommit")
    if kept is None:
        return made, rev, None
    with locked(kept):
        if not replace_build(kept, rev, ("repository", "cache")):
            shutil.move(str(made), str(kept / "repository"))
            mark_built(kept, rev)
    return kept / "repository", rev, kept


class HookRepo:
    """A user's repository with our hook installed, and the time the hook's environment took to build."""

    def __init__(self, root: Path, env: dict[str, str], install_seconds: float) -> None:
        self.root, self.env, self.install_seconds = root, env, install_seconds

    def commit(self, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
        """Try to commit ``files``; a blocked commit leaves them unstaged and removed, as before."""
        write(self.root, files)
        git(self.root, "add", *files)
        result = subprocess.run(
            ["git", "commit", "-m", "change"], cwd=self.root, env=self.env, capture_output=True, text=True
        )
        if result.returncode != 0:
            git(self.root, "reset", "-q", "--", *files)
            for name in files:
                (self.root / name).unlink()
        return result

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    base = tmp_path_factory.mktemp("precommit")
    snapshot, rev, kept = hook_repository(base)
    root = init_repo(base / "project")
    config = {"repos": [{"repo": str(snapshot), "rev": rev, "hooks": [{"id": "hf-secret-guard"}]}]}
    write(
        root,
        {
            ".pre-commit-config.yaml": json.dumps(config, indent=2) + "\n",  # JSON is YAML
            "pyproject.toml": '[tool.hf-secret-guard]\nextend-exclude = ["fixtures/**"]\n',
        },
    )
    env = git_env()
    env["PRE_COMMIT_HOME"] = str((kept or base) / "cache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(UV_INSTALLER), env.get("PYTHONPATH")]))
    env.pop("PRE_COMMIT_COLOR", None)
    subprocess.run([PRE_COMMIT, "install"], cwd=root, env=env, check=True, capture_output=True)
    git(root, "add", ".")
    git(root, "commit", "-q", "--no-verify", "-m", "configure the hook")
    started = time.monotonic()
    with locked(kept) if kept else contextlib.nullcontext():
        installed = subprocess.run(
            [PRE_COMMIT, "install-hooks"], cwd=root, env=env, capture_output=True, text=True
        )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return HookRepo(root, env, time.monotonic() - started)


def test_commit_with_a_token_is_blocked(hook_repo: HookRepo) -> None:
    before = hook_repo.head()
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "source": ["print(token)"],
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [TOKEN2 + "\n"]}],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    files = {
        "train.py": LEAK,
        "colab.ipynb": json.dumps(notebook),
        ".env": f"WANDB_API_KEY=1\nHF_TOKEN={TOKEN}\n",
    }
    result = hook_repo.commit(files)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert hook_repo.head() == before  # nothing was committed
    assert "hf-secret-guard" in output and "Failed" in output
    assert f"train.py:2:14: HFG001 Hugging Face token in a string literal (hf_****{TOKEN[-4:]})" in output
    assert "colab.ipynb:cell 1:output 1:1:1: HFG003" in output and f"hf_****{TOKEN2[-4:]}" in output
    assert (
        ".env:2:10: HFG002 Hugging Face token written to environment variable HF_TOKEN" in output
    )  # types: [text]
    assert TOKEN not in output and TOKEN2 not in output
    print(f"\nhook environment built in {hook_repo.install_seconds:.1f} s")  # shown with pytest -s


def test_clean_commit_passes_and_the_project_config_holds(hook_repo: HookRepo) -> None:
    """pre-commit names every staged file; the hook passes --force-exclude, so the project's
    extend-exclude (fixtures/**) holds for them too."""
    before = hook_repo.head()
    clean = 'import os\ntoken = os.environ["HF_TOKEN"]\n'
    result = hook_repo.commit({"clean.py": clean, "fixtures/fake_leak.py": LEAK})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "hf-secret-guard" in output and "Passed" in output
    assert hook_repo.head() != before


def test_one_summary_per_run_and_hook_advice(hook_repo: HookRepo) -> None:
    """``require_serial: true``: pre-commit passes every file in one call (it would split 30 files into a
    batch per core otherwise), so one summary with the whole run's totals; the advice names the fix hook,
    since ``hf-secret-guard`` is usually not on PATH where the hook runs."""
    before = hook_repo.head()
    files = {f"pkg/m{i:02}.py": f"x = {i}\n" for i in range(30)}
    files["pkg/leak.py"] = LEAK
    result = hook_repo.commit(files)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and hook_repo.head() == before, output
    summaries = [
        line for line in output.splitlines() if ("leak" in line and "scanned" in line) or "No leaks" in line
    ]
    assert summaries == [
        "Found 1 leak in 1 file (31 scanned); 1 fixable with "
        "`pre-commit run hf-secret-guard-fix --files pkg/leak.py`."
    ], output
    assert "fixable with --fix" not in output and TOKEN not in output
