"""A user's first five minutes, as the README writes them: build the wheel, install it into a clean
virtual environment, and run every ``hf-secret-guard`` command of the README's shell blocks with the
installed console script, on a copy of ``fixtures/`` laid out as the README's examples name it."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.gitrepo import git, init_repo
from tests.suite_cache import checkout_digest, kept_folder, locked, mark_built, replace_build

pytestmark = pytest.mark.e2e

FULL_TOKEN = re.compile(r"(?:hf_[A-Za-z0-9]{34}|api_org_[A-Za-z]{34})(?![A-Za-z0-9])")
NEEDS_THE_HUB = ("--verify", "--revoke")  # asked of a local fake Hub in test_hub.py, not of huggingface.co


def readme_commands() -> list[str]:
    """Each ``hf-secret-guard ...`` line of the README's shell and text blocks, its comment cut off."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```(?:bash|text)\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command.startswith("hf-secret-guard "):
                commands.append(command)
    return commands


def install_wheel(env_dir: Path, dist: Path) -> Path:
    """Build the wheel into ``dist`` and install it into a fresh virtual environment ``env_dir`` as a user
    of uv would (``uv venv``, ``uv pip install``: the packages come from uv's cache, warm after
    ``uv sync``); the console script's path."""
    uv = shutil.which("uv")
    assert uv, "uv builds the wheel (CI installs it first)"
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(dist), str(REPO)], check=True, capture_output=True
    )
    wheel = next(dist.glob("hf_secret_guard-*.whl"))
    subprocess.run(
        [uv, "venv", "-q", "--python", sys.executable, str(env_dir)], check=True, capture_output=True
    )
    python = env_dir / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(python), str(wheel)], check=True, capture_output=True
    )
    return env_dir / "bin" / "hf-secret-guard"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The installed wheel's console script.  Kept between runs (``tests/suite_cache.py``) for the same
    checkout files and Python; a fresh clone, as CI runs, always builds and installs it."""
    kept = kept_folder("hf-secret-guard-tests-wheel")
    if kept is None:
        return install_wheel(tmp_path_factory.mktemp("venv"), tmp_path_factory.mktemp("dist"))
    key = f"{checkout_digest()} {sys.executable}"
    with locked(kept):
        if not replace_build(kept, key, ("venv", "dist")):
            install_wheel(kept / "venv", kept / "dist")
            mark_built(kept, key)
    return kept / "venv" / "bin" / "hf-secret-guard"


def test_the_readme_commands_work_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) >= 8, commands
    work = init_repo(tmp_path / "project")
    (work / "notebooks").mkdir()
    shutil.copy(REPO / "fixtures" / "leaky_colab.ipynb", work / "notebooks" / "leaky_colab.ipynb")
    git(work, "add", ".")
    git(work, "commit", "-qm", "notebooks")
    shutil.copy(REPO / "fixtures" / "leaky_script.py", work / "train.py")
    ran = 0
    for command in commands:
        if any(flag in command for flag in NEEDS_THE_HUB):
            continue
        args = [a for a in shlex.split(command)[1:] if a != "..."]
        args = ["report.txt" if a == "FILE" else a for a in args]
        result = subprocess.run(
            [str(installed), *args], cwd=work, capture_output=True, text=True, check=False
        )
        shown = result.stdout + result.stderr
        assert result.returncode in (0, 1), f"{command}: exit {result.returncode}\n{shown[-2000:]}"
        assert "Traceback" not in shown and not FULL_TOKEN.search(shown), command
        ran += 1
    assert ran >= 8
    assert FULL_TOKEN.search((work / "train.py").read_text()) is None  # the README's --fix line fixed it
    assert not FULL_TOKEN.search((work / "report.txt").read_text())


def test_the_module_entry_point_and_version(installed: Path) -> None:
    python = installed.parent / "python"
    result = subprocess.run(
        [str(python), "-m", "hf_secret_guard", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("0.1.0")
    assert sys.version_info >= (3, 10)
