"""The command line's rough edges from the review, each through the real CLI (``python -m hf_secret_guard``):
where a report may be written, which options combine, what the summary claims, and the words it uses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import TOKEN, run_cli
from tests.notebooks import new_code_cell, notebook_text

LEAK = f'login(token="{TOKEN}")\n'


# ---------------------------------------------------------------- --output never replaces what it scans


@pytest.mark.parametrize(
    ("output", "paths"),
    [
        ("leak.py", ["leak.py"]),
        ("./sub/../leak.py", ["."]),
        ("link.py", ["leak.py"]),  # a symlink to the scanned file
        ("other.py", ["leak.py"]),  # source code, even when this scan does not read it
        ("nb.ipynb", ["."]),
    ],
)
def test_output_never_overwrites_source(tmp_path: Path, output: str, paths: list[str]) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "leak.py").write_text(LEAK)
    (tmp_path / "other.py").write_text("x = 1\n")
    (tmp_path / "nb.ipynb").write_text(notebook_text([new_code_cell(LEAK)]))
    (tmp_path / "link.py").symlink_to("leak.py")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    for command in (["scan", "--output", output], ["baseline", "--output", output]):
        result = run_cli(*command, *paths, cwd=tmp_path)
        assert result.returncode == 2, result.stdout
        assert "not writing the " in result.stderr and "choose another file" in result.stderr
        assert len(result.stderr.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_output_never_overwrites_a_scanned_file_of_any_kind(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(LEAK)
    result = run_cli("scan", "--isolated", "--output", "notes.txt", "notes.txt", cwd=tmp_path)
    assert result.returncode == 2 and "notes.txt is a file being scanned" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == LEAK


def test_output_to_a_new_file_is_written(tmp_path: Path) -> None:
    (tmp_path / "leak.py").write_text(LEAK)
    result = run_cli("scan", "--isolated", "--output", "report.py", "leak.py", cwd=tmp_path)
    assert result.returncode == 1 and "leak.py:1:14: HFG001" in (tmp_path / "report.py").read_text()
    os.remove(tmp_path / "report.py")
