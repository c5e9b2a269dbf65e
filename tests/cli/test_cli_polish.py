"""The command line's rough edges from the review, each through the real CLI (``python -m hf_secret_guard``):
where a report may be written, which options combine, what the summary claims, and the words it uses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import TOKEN, TOKEN2
from tests.gitrepo import git, init_repo
from tests.inprocess import run_main
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
        result = run_main(*command, "--isolated", *paths, cwd=tmp_path)
        assert result.returncode == 2, result.stdout
        assert "not writing the " in result.stderr and "choose another file" in result.stderr
        assert len(result.stderr.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_output_never_overwrites_a_scanned_file_of_any_kind(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(LEAK)
    result = run_main("scan", "--isolated", "--output", "notes.txt", "notes.txt", cwd=tmp_path)
    assert result.returncode == 2 and "notes.txt is a file being scanned" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == LEAK


def test_output_never_overwrites_the_config_or_baseline_it_reads(tmp_path: Path) -> None:
    (tmp_path / "leak.py").write_text(LEAK)
    (tmp_path / "pyproject.toml").write_text('[tool.hf-secret-guard]\nignore = ["HFG004"]\n')
    assert run_main("baseline", "--output", "base.json", "leak.py", cwd=tmp_path).returncode == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    for args in (
        ["scan", "--output", "pyproject.toml"],
        ["scan", "--baseline", "base.json", "--output", "base.json"],
        ["baseline", "--output", "pyproject.toml"],
    ):
        result = run_main(*args, "leak.py", cwd=tmp_path)
        assert result.returncode == 2 and "this run reads; choose another file" in result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_output_to_a_new_file_is_written(tmp_path: Path) -> None:
    (tmp_path / "leak.py").write_text(LEAK)
    result = run_main("scan", "--isolated", "--output", "report.py", "leak.py", cwd=tmp_path)
    assert result.returncode == 1 and "leak.py:1:14: HFG001" in (tmp_path / "report.py").read_text()
    os.remove(tmp_path / "report.py")


# ---------------------------------------------------------------- --diff is its own output


@pytest.mark.parametrize("extra", [["--format", "sarif"], ["--format", "json"], ["--format", "github"]])
def test_diff_with_a_machine_format_is_a_usage_error(tmp_path: Path, extra: list[str]) -> None:
    (tmp_path / "leak.py").write_text(LEAK)
    result = run_main("scan", "--isolated", "--diff", *extra, "leak.py", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: --diff prints a diff, not a {extra[1]} report")
    assert (tmp_path / "leak.py").read_text() == LEAK


def test_diff_with_output_is_a_usage_error_and_help_says_so(tmp_path: Path) -> None:
    (tmp_path / "leak.py").write_text(LEAK)
    result = run_main("scan", "--isolated", "--diff", "--output", "r.txt", "leak.py", cwd=tmp_path)
    assert result.returncode == 2 and "drop --output" in result.stderr
    assert not (tmp_path / "r.txt").exists()
    help_text = " ".join(run_main("scan", "--help").stdout.split())
    assert "--format json/sarif/github and --output are usage errors with it" in help_text


# ---------------------------------------------------------------- baseline resolves config like scan


def test_baseline_has_the_config_options_of_scan() -> None:
    shared = ["--config", "--isolated", "--exclude", "--extend-exclude", "--force-exclude", "--no-gitignore"]
    shared += ["--max-file-size", "--verbose", "--quiet", "--select", "--ignore", "--secret-names"]
    for command in ("scan", "baseline"):
        help_text = run_main(command, "--help").stdout
        assert all(option in help_text for option in shared), command


def test_baseline_reads_and_ignores_config_as_scan_does(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(LEAK)
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "b.py").write_text(f'import os\nos.environ["HF_TOKEN"] = "{TOKEN2}"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.hf-secret-guard]\nselect = ["HFG002"]\n')
    (tmp_path / "other.toml").write_text('select = ["HFG001"]\n')

    def entries(*args: str) -> list[tuple[str, str]]:
        result = run_main("baseline", "--output", "base.json", *args, ".", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        document = json.loads((tmp_path / "base.json").read_text())
        return sorted((e["path"], e["rule"]) for e in document["findings"])

    assert entries() == [("vendor/b.py", "HFG002")]  # the pyproject.toml applies
    assert entries("--isolated") == [("a.py", "HFG001"), ("vendor/b.py", "HFG002")]
    assert entries("--config", "other.toml") == [("a.py", "HFG001")]
    assert entries("--isolated", "--extend-exclude", "vendor") == [("a.py", "HFG001")]
    assert entries("--isolated", "--exclude", "a.py") == [("vendor/b.py", "HFG002")]
    verbose = run_main("baseline", "--isolated", "-v", "--output", "base.json", ".", cwd=tmp_path)
    assert "config: none (defaults)" in verbose.stderr and "scanned 4 files (1 skipped)" in verbose.stderr
    assert "base.json: note: skipped: hf-secret-guard's own report or baseline" in verbose.stderr
    quiet = run_main("baseline", "--isolated", "-q", "--output", "base.json", ".", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout == ""
    both = run_main("baseline", "--config", "other.toml", "--isolated", ".", cwd=tmp_path)
    assert both.returncode == 2 and "--config and --isolated cannot be used together" in both.stderr


# ---------------------------------------------------------------- [tool.hf_secret_guard] is a typo


def test_misspelled_table_is_warned_about(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(LEAK)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.hf_secret_guard]\nselect = ["HFG002"]\n')
    found = run_main("scan", "a.py", cwd=tmp_path)
    assert found.returncode == 1  # the table is not applied (HFG001 is still reported) ...
    warnings = [line for line in found.stderr.splitlines() if "warning" in line]
    spelled = "[tool.hf_secret_guard] is ignored: the table is spelled [tool.hf-secret-guard]"
    assert warnings == [f"{pyproject.resolve()}: warning: {spelled}"]  # ... and one line says why
    named = run_main("scan", "--config", "pyproject.toml", "a.py", cwd=tmp_path)
    assert named.returncode == 2 and "the table is spelled [tool.hf-secret-guard]" in named.stderr
    assert "warning" not in run_main("scan", "--isolated", "a.py", cwd=tmp_path).stderr
    pyproject.write_text('[tool.hf-secret-guard]\nselect = ["HFG002"]\n[tool.hf_secret_guard]\nx = 1\n')
    both = run_main("scan", "a.py", cwd=tmp_path)
    assert both.returncode == 0 and both.stderr.count("warning") == 1
    pyproject.write_text('[project]\nname = "uses_hf_secret_guard"\n')  # the name alone: no warning
    assert run_main("scan", "a.py", cwd=tmp_path).stderr == ""


# ---------------------------------------------------------------- the summary claims only what was read


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_unreadable_files_are_not_called_clean(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "loop.py").symlink_to("loop.py")
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "leak.py").write_text(LEAK)
    for name in ("pipe.py", "loop.py"):
        alone = run_main("scan", "--isolated", name, cwd=tmp_path)
        assert alone.returncode == 2 and name in alone.stderr
        assert alone.stdout == "1 file could not be read; nothing was scanned.\n"
    mixed = run_main("scan", "--isolated", "pipe.py", "loop.py", "ok.py", cwd=tmp_path)
    assert mixed.returncode == 2
    assert mixed.stdout == "No leaks found in 1 file; 2 files could not be read.\n"
    leaky = run_main("scan", "--isolated", "pipe.py", "leak.py", cwd=tmp_path)
    assert (
        leaky.returncode == 2
        and "(1 scanned); 1 fixable with --fix. 1 file could not be read." in leaky.stdout
    )
    verbose = run_main("scan", "--isolated", "-v", "pipe.py", "ok.py", cwd=tmp_path)
    assert "scanned 1 file (0 skipped, 1 unreadable) in " in verbose.stderr


def test_singular_and_plural(tmp_path: Path) -> None:
    (tmp_path / "leak.py").write_text(LEAK)
    made = run_main("baseline", "--isolated", "--output", "base.json", "leak.py", cwd=tmp_path)
    assert made.stdout == "Wrote base.json: 1 accepted finding (1 occurrence in 1 file scanned).\n"
    (tmp_path / "two.py").write_text(LEAK + LEAK)
    made = run_main("baseline", "--isolated", "--output", "base.json", ".", cwd=tmp_path)
    assert made.stdout == "Wrote base.json: 2 accepted findings (3 occurrences in 2 files scanned).\n"
    scan = run_main("scan", "--isolated", "-v", "leak.py", cwd=tmp_path)
    assert "Found 1 leak in 1 file (1 scanned)" in scan.stdout and "scanned 1 file (0 skipped)" in scan.stderr
    asked = run_main(
        "scan",
        "--isolated",
        "--revoke",
        "leak.py",
        input="n\n",
        cwd=tmp_path,
        env={"HF_ENDPOINT": "http://127.0.0.1:9", "PRE_COMMIT": ""},
    )
    assert "About to revoke 1 token with POST" in asked.stderr and "its owner" in asked.stderr
    assert "Revoke this token? [y/N]" in asked.stderr and "Nothing revoked." in asked.stderr
    repo = init_repo(tmp_path / "repo")
    (repo / "a.py").write_text(LEAK)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one")
    history = run_main("scan", "--history", cwd=repo)
    assert "Found 1 distinct token in the history of HEAD (1 commit read); 1 still at HEAD." in history.stdout


# ---------------------------------------------------------------- paths that name nothing


def test_empty_path(tmp_path: Path) -> None:
    for command in ("scan", "baseline"):
        result = run_main(command, "", cwd=tmp_path)
        assert result.returncode == 2 and result.stderr == "'': error: empty path\n"
    assert not (tmp_path / ".hf-secret-guard-baseline.json").exists()


def test_staged_pathspec_that_matches_nothing(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "staged.py").write_text(LEAK)
    (repo / "unstaged.py").write_text(LEAK)
    git(repo, "add", "staged.py")
    missing = run_main("scan", "--staged", "nonexist.py", cwd=repo)
    assert missing.returncode == 2
    assert missing.stderr == "nonexist.py: error: no such file or directory, and nothing staged there\n"
    unstaged = run_main("scan", "--staged", "unstaged.py", cwd=repo)
    assert unstaged.returncode == 0
    assert unstaged.stderr == "unstaged.py: warning: no Python file or notebook staged here\n"
    both = run_main("scan", "--staged", "staged.py", "unstaged.py", cwd=repo)
    assert both.returncode == 1 and "unstaged.py: warning" in both.stderr and "staged.py:1:14" in both.stdout
    folder = run_main("scan", "--staged", ".", cwd=repo)
    assert folder.returncode == 1 and "warning" not in folder.stderr
    glob = run_main("scan", "--staged", "*.ipynb", cwd=repo)  # git pathspec magic: git decides
    assert glob.returncode == 0 and glob.stderr == ""
