"""Whole documents through the real CLI (in-process), compared with expected reports kept as files in
``tests/data/golden/<case>/``: ``files/`` (the input tree), optional ``args`` (extra command-line
arguments, one per line), ``scan.text`` and ``scan.json`` (exit status, stdout, stderr), and, when the case
has a ``fixed/`` folder, ``fix.text`` and the tree ``--fix`` leaves. ``--update-golden`` rewrites them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.golden import CASES, GOLDEN, SECRETS, materialize, replace_tree, unfill
from tests.inprocess import run_main


def _args(case: str) -> list[str]:
    path = GOLDEN / case / "args"
    return path.read_text("utf-8").split("\n") if path.exists() else []


def _transcript(status: int, stdout: str, stderr: str) -> str:
    out = f"exit {status}\n{stdout}"
    return out + (f"--- stderr\n{stderr}" if stderr else "")


def _compare(expected_path: Path, got: str, update: bool) -> None:
    if update:
        expected_path.write_text(got, encoding="utf-8")
    assert got == expected_path.read_text("utf-8"), f"{expected_path}: run with --update-golden and review"


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def _no_secret(*texts: str) -> None:
    for text in texts:
        assert not any(secret in text for secret in SECRETS)


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("case", CASES)
def test_scan(case: str, fmt: str, tmp_path: Path, update_golden: bool) -> None:
    materialize(case, tmp_path)
    result = run_main("scan", "--format", fmt, *[a for a in _args(case) if a], "files", cwd=tmp_path)
    _no_secret(result.stdout, result.stderr)
    got = _transcript(result.returncode, unfill(result.stdout), unfill(result.stderr))
    _compare(GOLDEN / case / f"scan.{fmt}", got, update_golden)


@pytest.mark.parametrize("case", [case for case in CASES if (GOLDEN / case / "fixed").is_dir()])
def test_fix(case: str, tmp_path: Path, update_golden: bool) -> None:
    files = materialize(case, tmp_path)
    result = run_main("scan", "--fix", *[a for a in _args(case) if a], "files", cwd=tmp_path)
    _no_secret(result.stdout, result.stderr)
    transcript = _transcript(result.returncode, unfill(result.stdout), unfill(result.stderr))
    _compare(GOLDEN / case / "fix.text", transcript, update_golden)
    expected = GOLDEN / case / "fixed"
    if update_golden:
        replace_tree(files, expected)
    got = {p.relative_to(files).as_posix(): unfill(p.read_text("utf-8")) for p in _files(files)}
    want = {p.relative_to(expected).as_posix(): p.read_text("utf-8") for p in _files(expected)}
    assert got == want, f"{expected}: run with --update-golden and review"


def test_every_case_has_inputs() -> None:
    assert len(CASES) >= 5
    for case in CASES:
        assert any((GOLDEN / case / "files").rglob("*")), case


def test_readme_what_it_reports(update_golden: bool) -> None:
    """The README's "What it reports" block is the real output of its command, so it cannot drift."""
    readme_path = REPO / "README.md"
    readme = readme_path.read_text("utf-8")
    head, rest = readme.split("## What it reports\n", 1)
    before, block = rest.split("```text\n", 1)
    block, after = block.split("```\n", 1)
    command = block.splitlines()[0]
    assert command == "$ uv run hf-secret-guard scan fixtures/"
    result = run_main("scan", "fixtures/", cwd=REPO)
    assert result.returncode == 1 and result.stderr == ""
    got = f"{command}\n{result.stdout}"
    if update_golden:
        readme_path.write_text(f"{head}## What it reports\n{before}```text\n{got}```\n{after}", "utf-8")
    assert got == block, "README.md: run with --update-golden and review"
