"""Real temporary git repositories for tests: the ``git`` command with a clean environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Optional

# Variables git sets for hooks; inherited, they would point our test repositories at another repository.
_GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")


_GIT_SETTINGS = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_VARIABLES}
    env.update(_GIT_SETTINGS)
    return env


def git_env_changes() -> dict[str, Optional[str]]:
    """What ``git_env`` changes, as ``inprocess.run_main(env=...)`` takes it (None: unset)."""
    return {**dict.fromkeys(_GIT_VARIABLES), **_GIT_SETTINGS}


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, env=git_env(), capture_output=True, text=True, check=check
    )


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "commit.gpgsign", "false")
    return path


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
