"""The click-free path for pre-commit's call on clean files prints exactly what the full command line
prints, and hands every other case to it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.inprocess import run_main
from tests.notebooks import PNG, new_code_cell, new_markdown_cell, new_output, notebook_text

# What a clean pre-commit run must not pay for: click, dataclasses (its import and the exec of every
# generated method), and the parsers.
WATCHED = ("click", "dataclasses", "libcst", "nbformat")
PROBE = (
    "import sys\n"
    "from hf_secret_guard.cli.entry import main\n"
    "status = main(sys.argv[1:])\n"
    f"print('loaded:', *[name for name in {WATCHED!r} if name in sys.modules], file=sys.stderr)\n"
    "raise SystemExit(status)\n"
)


def entry(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real entry point in a fresh interpreter; its last stderr line says which WATCHED it loaded."""
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def loaded(result: subprocess.CompletedProcess[str]) -> set[str]:
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("loaded:"), result.stderr
    return set(last.split()[1:])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "clean.py").write_text("import os\nprint(os.environ.get('HF_TOKEN'))\n")
    (tmp_path / "clean.ipynb").write_text(
        notebook_text(
            [
                new_markdown_cell("Use `hf_...` from Colab Secrets"),
                new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": PNG})]),
            ],
            "colab-4.0",
        )
    )
    (tmp_path / "leaky.py").write_text(f"login(token='{TOKEN}')\n")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "fake.py").write_text(f"t = '{TOKEN}'\n")
    return tmp_path


@pytest.mark.e2e
@pytest.mark.parametrize(
    "args",
    [
        ["scan", "clean.py"],
        ["scan", "clean.py", "clean.ipynb"],
        ["scan", "--force-exclude", "clean.py", "clean.ipynb"],
        ["scan", "--fix", "--force-exclude", "clean.py", "clean.ipynb"],  # the fix hook: nothing to fix
    ],
)
def test_clean_files_skip_click_and_print_the_same(args: list[str], tree: Path) -> None:
    fast = entry(*args, cwd=tree)
    full = run_main(*args, cwd=tree, full=True)
    assert loaded(fast) == set()
    assert (fast.returncode, fast.stdout) == (full.returncode, full.stdout) == (0, full.stdout)
    assert full.stdout.startswith("No leaks found in ")


@pytest.mark.e2e
@pytest.mark.parametrize(
    "args",
    [
        ["scan", "leaky.py"],  # a finding
        ["scan", "clean.py", "missing.py"],  # an error
        ["scan", "."],  # a directory
        ["scan", "--format", "json", "clean.py"],  # an option
        ["scan", "--force-exclude", "fixtures/fake.py"],  # excluded by the config: a skipped file
        ["baseline", "clean.py"],
    ],
)
def test_everything_else_runs_the_full_command_line(args: list[str], tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.hf-secret-guard]\nextend-exclude = ["fixtures/**"]\n')
    fast = entry(*args, cwd=tree)
    full = run_main(*args, cwd=tree, full=True)
    assert "click" in loaded(fast)
    assert (fast.returncode, fast.stdout) == (full.returncode, full.stdout)


@pytest.mark.e2e
def test_config_is_honoured(tree: Path) -> None:
    """A config that selects no rule still yields the same clean answer, through the same resolution."""
    (tree / "pyproject.toml").write_text('[tool.hf-secret-guard]\nignore = ["HFG001"]\n')
    fast = entry("scan", "leaky.py", cwd=tree)
    full = run_main("scan", "leaky.py", cwd=tree, full=True)
    assert "click" not in loaded(fast)
    assert (fast.returncode, fast.stdout) == (full.returncode, full.stdout) == (0, full.stdout)
