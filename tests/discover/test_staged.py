"""``scan --staged`` in real temporary git repositories: what the index holds, not the working files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hf_secret_guard.api import scan_staged
from tests.conftest import TOKEN, TOKEN2
from tests.gitrepo import git, init_repo, write
from tests.inprocess import run_main

LEAK = f'login(token="{TOKEN}")\n'
CLEAN = "login(token=None)\n"


def staged_report(repo: Path, *args: str) -> tuple[int, dict[str, list[dict[str, object]]], str]:
    result = run_main("scan", "--staged", "--format", "json", *args, cwd=repo)
    return result.returncode, json.loads(result.stdout or "{}"), result.stderr


def paths(report: dict[str, list[dict[str, object]]]) -> list[object]:
    return sorted({f["path"] for f in report["findings"]})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


def test_index_content_not_working_file(repo: Path) -> None:
    write(repo, {"a.py": LEAK, "b.py": CLEAN})
    git(repo, "add", "a.py", "b.py")  # on a branch with no commit yet
    write(repo, {"a.py": CLEAN, "b.py": LEAK})  # the working files say the opposite
    status, report, _ = staged_report(repo)
    assert status == 1 and paths(report) == ["a.py"]
    assert run_main("scan", "--isolated", "--format", "json", "a.py", cwd=repo).returncode == 0
    assert TOKEN not in json.dumps(report)


def test_only_what_changed_against_head(repo: Path) -> None:
    write(repo, {"old.py": LEAK, "mod.py": CLEAN, "gone.py": LEAK, "moved.py": f't = "{TOKEN2}"\n'})
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    write(repo, {"mod.py": LEAK, "new.ipynb": json.dumps({"cells": [], "metadata": {"t": TOKEN}})})
    git(repo, "add", "mod.py", "new.ipynb")
    git(repo, "rm", "-q", "gone.py")
    git(repo, "mv", "moved.py", "renamed.py")
    status, report, _ = staged_report(repo)
    assert status == 1 and paths(report) == ["mod.py", "new.ipynb", "renamed.py"]
    assert {f["rule"] for f in report["findings"]} == {"HFG001", "HFG004"}


def test_nothing_staged(repo: Path) -> None:
    write(repo, {"a.py": LEAK})
    result = run_main("scan", "--staged", cwd=repo)
    assert result.returncode == 0 and "No leaks found in 0 files." in result.stdout


def test_paths_limit_and_paths_are_relative_to_cwd(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, {"top.py": LEAK, "sub/inner.py": LEAK, "sub/odd name é.py": LEAK})
    git(repo, "add", ".")
    status, report, _ = staged_report(repo / "sub")
    assert paths(report) == ["../top.py", "inner.py", "odd name é.py"]  # the whole index, from sub/
    status, report, _ = staged_report(repo / "sub", ".")
    assert status == 1 and paths(report) == ["inner.py", "odd name é.py"]
    monkeypatch.chdir(repo)  # the API: the same scan, as FileResults
    results = list(scan_staged(["sub/inner.py"]))
    assert [(r.path, [f.rule for f in r.findings]) for r in results] == [("sub/inner.py", ["HFG001"])]


def test_config_excludes_hold(repo: Path) -> None:
    write(
        repo,
        {
            "pyproject.toml": '[tool.hf-secret-guard]\nextend-exclude = ["fixtures/**"]\n',
            "fixtures/leak.py": LEAK,
            "build/gen.py": LEAK,
            "src/a.py": LEAK,
        },
    )
    git(repo, "add", ".")
    status, report, _ = staged_report(repo)
    # The user's exclude holds; the default list (build/) does not: a staged file is about to be committed.
    assert status == 1 and paths(report) == ["build/gen.py", "src/a.py"]
    verbose = run_main("scan", "--staged", "-v", cwd=repo)
    assert "fixtures/leak.py: note: skipped: excluded by 'fixtures/**'" in verbose.stderr
    assert "build/gen.py: note" not in verbose.stderr


def test_symlinks_in_the_index_are_not_followed(repo: Path, tmp_path: Path) -> None:
    write(tmp_path, {"outside.py": LEAK})
    (repo / "link.py").symlink_to(tmp_path / "outside.py")
    git(repo, "add", "link.py")
    result = run_main("scan", "--staged", "-v", cwd=repo)
    assert result.returncode == 0 and "link.py: note: skipped: a symlink in the index" in result.stderr


def test_large_blob_is_skipped_with_a_warning(repo: Path) -> None:
    (repo / "big.py").write_text("# " + "a" * (2 * 1024 * 1024) + "\n" + LEAK)
    write(repo, {"small.py": LEAK})
    git(repo, "add", ".")
    status, report, stderr = staged_report(repo, "--max-file-size", "1")
    assert status == 1 and paths(report) == ["small.py"]  # the blob after the big one is still read right
    assert "big.py: warning: skipped: 2.0 MB, over the 1 MB limit" in stderr


def test_outside_a_repository(tmp_path: Path) -> None:
    result = run_main("scan", "--staged", cwd=tmp_path)
    assert result.returncode == 2 and "--staged needs a git repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_staged_and_fix_do_not_mix(repo: Path) -> None:
    result = run_main("scan", "--staged", "--fix", cwd=repo)
    assert result.returncode == 2 and "--staged" in result.stderr
