"""--fix under stress: killed half-way, or run twice at once, every file is either the original or the
complete fixed file, and every file stays valid Python or a valid notebook."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.conftest import TOKEN, TOKEN2
from tests.notebooks import new_code_cell, new_markdown_cell, new_output, notebook_text

pytestmark = pytest.mark.e2e


def _make_tree(root: Path, count: int = 10) -> None:
    for index in range(count):
        (root / f"script_{index}.py").write_text(
            "import os\n"
            + "x = 1\n" * index
            + f'os.environ["HF_TOKEN"] = "{TOKEN}"\nlogin(token="{TOKEN2}")  # {TOKEN}\n'
        )
        cells = [
            new_markdown_cell(f"token {TOKEN}"),
            new_code_cell(f'login("{TOKEN2}")', outputs=[new_output("stream", name="stdout", text=TOKEN)]),
        ]
        (root / f"notebook_{index}.ipynb").write_text(notebook_text(cells, "colab-4.0"))


def _valid(path: Path) -> bool:
    text = path.read_text()
    if path.suffix == ".py":
        compile(text, str(path), "exec")
    else:
        nbformat.validate(nbformat.reads(text, as_version=4))
        json.loads(text)
    return True


def _fix(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "hf_secret_guard", "scan", "--fix", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The original tree, and the same tree fixed by one uninterrupted run."""
    original = tmp_path_factory.mktemp("original")
    _make_tree(original)
    fixed = tmp_path_factory.mktemp("fixed")
    shutil.copytree(original, fixed, dirs_exist_ok=True)
    process = _fix(fixed)
    assert process.wait(timeout=120) == 1
    return original, fixed


def _wait_for_first_write(work: Path, original: Path, timeout: float = 60.0) -> None:
    """Poll until the fixer has replaced its first file, so the kill lands in the middle of the run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in work.glob("*.py"):
            if path.read_bytes() != (original / path.name).read_bytes():
                return
        time.sleep(0.002)
    raise AssertionError("the fixer wrote nothing")


@pytest.mark.parametrize("extra", [0.0, 0.05, 0.2])
def test_killed_fix_leaves_old_or_new_files(extra: float, trees: tuple[Path, Path], tmp_path: Path) -> None:
    original, fixed = trees
    work = tmp_path / "work"
    shutil.copytree(original, work)
    process = _fix(work)
    _wait_for_first_write(work, original)
    time.sleep(extra)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    states = []
    for path in sorted(work.iterdir()):
        if path.name.startswith("."):  # a temporary file the kill left behind: never a scanned file
            assert path.name.endswith(".tmp")
            continue
        data = path.read_bytes()
        assert data in ((original / path.name).read_bytes(), (fixed / path.name).read_bytes()), path.name
        assert _valid(path)
        states.append(data == (fixed / path.name).read_bytes())
    assert any(states), "the kill came after at least one file was fixed"


def test_two_fixes_at_once(trees: tuple[Path, Path], tmp_path: Path) -> None:
    original, fixed = trees
    work = tmp_path / "work"
    shutil.copytree(original, work)
    first, second = _fix(work), _fix(work)
    for process in (first, second):
        _, stderr = process.communicate(timeout=120)
        assert b"Traceback" not in stderr
        assert TOKEN.encode() not in stderr
    for path in sorted(work.iterdir()):
        assert not path.name.endswith(".tmp"), "no temporary file is left behind"
        assert path.read_bytes() == (fixed / path.name).read_bytes(), path.name
        assert _valid(path)
