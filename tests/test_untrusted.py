"""A repository written by someone else (issue 15): git never runs a command the repository names, and
a file name is never read as an option."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, TOKEN
from tests.gitrepo import git, git_env, git_env_changes, init_repo
from tests.inprocess import run_main


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_main(*args, cwd=cwd, env=git_env_changes())


def planted_command(marker: Path) -> str:
    return f"touch {marker} #"


def test_a_repository_config_fsmonitor_never_runs(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    marker = tmp_path / "PWNED"
    git(repo, "config", "core.fsmonitor", planted_command(marker))
    (repo / "x.py").write_text(f'login(token="{TOKEN}")\n')
    git(repo, "add", "x.py")  # git itself (our test's call) would run it too: it is set after
    marker.unlink(missing_ok=True)
    for args in (
        ["scan", "--isolated", "."],
        ["scan", "--isolated", "--staged"],
        ["scan", "--isolated", "--history"],
    ):
        result = run(args, repo)
        assert result.returncode in (0, 1), result.stderr
        assert not marker.exists(), f"{args} ran the repository's core.fsmonitor"


def test_a_committed_folder_laid_out_as_a_bare_repository_is_not_used(tmp_path: Path) -> None:
    """A pull request adds ``notebooks/`` holding HEAD, config (with core.fsmonitor and core.worktree),
    objects/ and refs/: git run inside it would take it for a repository and run the command."""
    outer = init_repo(tmp_path / "outer")
    bare = outer / "notebooks"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True, env=git_env())
    marker = tmp_path / "PWNED"
    with (bare / "config").open("a") as config:
        config.write(f"[core]\n\tfsmonitor = {planted_command(marker)}\n\tworktree = ..\n")
    (bare / "leak.py").write_text(f'login(token="{TOKEN}")\n')
    result = run(["scan", "--isolated", "notebooks/"], outer)
    assert not marker.exists(), "a committed bare-repository folder ran its core.fsmonitor"
    assert result.returncode == 1 and "leak.py" in result.stdout and TOKEN not in result.stdout


def test_a_file_named_like_an_option_is_a_file_in_the_hooks(tmp_path: Path) -> None:
    """The shipped hooks end their entry with ``--``: pre-commit appends file names after it."""
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "entry: hf-secret-guard scan --force-exclude --\n" in hooks
    assert "entry: hf-secret-guard scan --fix --force-exclude --\n" in hooks
    (tmp_path / "--extend-exclude=*.py").write_text("x = 1\n")
    (tmp_path / "leak.py").write_text(f'login(token="{TOKEN}")\n')
    result = run(["scan", "--force-exclude", "--", "--extend-exclude=*.py", "leak.py"], tmp_path)
    assert result.returncode == 1 and "leak.py:1:" in result.stdout
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy(tmp_path / "--extend-exclude=*.py", clean / "--extend-exclude=*.py")
    result = run(["scan", "--force-exclude", "--", "--extend-exclude=*.py"], clean)
    assert result.returncode == 0 and "1 file" in result.stdout  # the fast path takes it as a file too


def test_a_token_never_crosses_the_network_in_clear() -> None:
    """Issue 15: ``HF_ENDPOINT=http://any-host`` would send the Bearer token unencrypted."""
    from hf_secret_guard.hub import HubError, hub_endpoint

    with pytest.raises(HubError, match="https"):
        hub_endpoint({"HF_ENDPOINT": "http://hub.example.org"})
    assert hub_endpoint({"HF_ENDPOINT": "http://127.0.0.1:8080/"}) == "http://127.0.0.1:8080"
    assert hub_endpoint({"HF_ENDPOINT": "http://localhost:9"}) == "http://localhost:9"
    assert hub_endpoint({"HF_ENDPOINT": "https://hub.example.org"}) == "https://hub.example.org"


def test_a_file_name_cannot_drive_the_terminal_or_forge_a_line(tmp_path: Path) -> None:
    """Issue 15: escape sequences and newlines in file names are written out, not sent raw."""
    name = "a\x1b[2Jb\nfixtures.py:1:1: HFG001 fake.py"
    (tmp_path / name).write_text(f'login(token="{TOKEN}")\n')
    result = run(["scan", "--isolated", "."], tmp_path)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "a\\x1b[2Jb\\x0afixtures.py" in result.stdout
    assert len([line for line in result.stdout.splitlines() if "HFG001" in line]) == 1


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/stdin", "fifo"])
def test_a_baseline_or_config_that_is_not_a_regular_file_is_refused(target: str, tmp_path: Path) -> None:
    """``/dev/zero`` used to be read until memory ran out, a FIFO or ``/dev/stdin`` waited forever."""
    if target == "fifo":
        target = str(tmp_path / "fifo")
        os.mkfifo(target)
    (tmp_path / "x.py").write_text(f'login(token="{TOKEN}")\n')
    result = run_main("scan", "--baseline", target, "x.py", cwd=tmp_path)
    assert (
        result.returncode == 2 and "not a regular file" in result.stderr and "Traceback" not in result.stderr
    )
    os.symlink(target, tmp_path / "linked.toml")
    result = run_main("scan", "--config", "linked.toml", "x.py", cwd=tmp_path)
    assert result.returncode == 2 and "not a regular file" in result.stderr, result.stderr


def test_a_huge_baseline_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from hf_secret_guard.read.small_files import BASELINE_LIMIT

    (tmp_path / "x.py").write_text(f'login(token="{TOKEN}")\n')
    with open(tmp_path / "baseline.json", "wb") as handle:  # sparse: no disk is used
        handle.truncate(BASELINE_LIMIT + 1)
    result = run_main("scan", "--baseline", "baseline.json", "x.py", cwd=tmp_path)
    assert result.returncode == 2 and "larger than 50 MB" in result.stderr, result.stderr


@pytest.mark.parametrize("command", [["scan", "--output", "report.txt", "."], ["baseline", "."]])
def test_a_committed_symlink_never_redirects_a_report_or_baseline(command: list[str], tmp_path: Path) -> None:
    """``report.txt -> ~/.bashrc`` or ``.hf-secret-guard-baseline.json -> ../elsewhere.py`` committed in
    the repository: the tool refuses to write through it, and the target is untouched."""
    from hf_secret_guard.baseline import BASELINE_NAME

    repo = tmp_path / "repo"
    repo.mkdir()
    victim = tmp_path / "bashrc"
    victim.write_text("export PATH=/usr/bin\n")
    (repo / "x.py").write_text(f'login(token="{TOKEN}")\n')
    name = "report.txt" if "--output" in command else BASELINE_NAME
    (repo / name).symlink_to(victim)
    result = run_main(*command, cwd=repo)
    assert result.returncode == 2 and "symbolic link" in result.stderr, result.stderr
    assert victim.read_text() == "export PATH=/usr/bin\n"


def test_a_config_cannot_send_the_baseline_outside_its_project(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "x.py").write_text("x = 1\n")
    for outside in ("../outside.json", "/tmp/hfsg-anywhere.json", "sub/../../outside.json"):
        (repo / "pyproject.toml").write_text(f'[tool.hf-secret-guard]\nbaseline = "{outside}"\n')
        result = run_main("baseline", ".", cwd=repo)
        assert result.returncode == 2 and "outside" in result.stderr, (outside, result.stderr)
    assert not (tmp_path / "outside.json").exists() and not Path("/tmp/hfsg-anywhere.json").exists()
    (repo / "pyproject.toml").write_text('[tool.hf-secret-guard]\nbaseline = "ci/baseline.json"\n')
    (repo / "ci").mkdir()
    assert run_main("baseline", ".", cwd=repo).returncode == 0 and (repo / "ci" / "baseline.json").exists()
    assert run_main("baseline", "--output", str(tmp_path / "named.json"), ".", cwd=repo).returncode == 0


def test_a_config_that_hides_everything_is_said_out_loud(tmp_path: Path) -> None:
    """A repository's config that ignores every rule or excludes every file used to print a plain
    "No leaks found"; what the user's own settings exclude is counted in a note."""
    (tmp_path / "src").mkdir()
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "src" / "a.py").write_text(f'login(token="{TOKEN}")\n')
    (tmp_path / "fixtures" / "b.py").write_text(f'login(token="{TOKEN}")\n')
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.hf-secret-guard]\nextend-exclude = ["fixtures/**"]\n')
    result = run_main("scan", ".", cwd=tmp_path)
    assert (
        result.returncode == 1
        and "note: 1 path excluded by pyproject.toml: 'fixtures/**' (1)" in result.stderr
    )
    config.write_text('[tool.hf-secret-guard]\nignore = ["HFG"]\n')
    result = run_main("scan", ".", cwd=tmp_path)
    assert result.returncode == 0 and "warning: every rule is turned off (by pyproject.toml)" in result.stderr
    config.write_text('[tool.hf-secret-guard]\nextend-exclude = ["*"]\n')
    result = run_main("scan", ".", cwd=tmp_path)
    assert result.returncode == 0 and "warning: every file was excluded by pyproject.toml" in result.stderr
    quiet = run_main("scan", "-q", ".", cwd=tmp_path)
    assert quiet.stderr == ""
    config.write_text('[tool.hf-secret-guard]\nextend-exclude = ["fixtures/**"]\n')
    assert run_main("scan", ".", cwd=tmp_path / "src").stderr == ""  # nothing excluded here: no note


def test_a_committed_checkpoint_notebook_is_scanned(tmp_path: Path) -> None:
    """``.ipynb_checkpoints`` and ``build`` are default excludes for a walk; committed, they are scanned."""
    repo = init_repo(tmp_path / "repo")
    (repo / ".ipynb_checkpoints").mkdir()
    (repo / ".ipynb_checkpoints" / "train-checkpoint.py").write_text(f'login(token="{TOKEN}")\n')
    (repo / "build").mkdir()
    (repo / "build" / "gen.py").write_text(f'login(token="{TOKEN}")\n')
    git(repo, "add", "-f", ".")
    for args in (["scan", "."], ["scan", "--staged"], ["scan", "--force-exclude", "build/gen.py"]):
        result = run(args, repo)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
    git(repo, "commit", "-qm", "checkpoints")
    history = run(["scan", "--history", "--isolated"], repo)
    assert history.returncode == 1 and "build/gen.py" in history.stdout


def test_fix_never_writes_outside_the_tree_through_a_committed_link(tmp_path: Path) -> None:
    """``link.py -> ../elsewhere/a.py`` and ``shared -> ../elsewhere`` committed in a repository, named
    on the command line (a CI step passing changed files): the files outside are left alone; a path
    named outside the tree is the user's choice and is fixed."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = init_repo(tmp_path / "repo")
    for name in ("a.py", "b.py"):
        (elsewhere / name).write_text(f'login(token="{TOKEN}")\n')
    (repo / "link.py").symlink_to(elsewhere / "a.py")
    (repo / "shared").symlink_to(elsewhere)
    (repo / "inside.py").symlink_to("real.py")
    (repo / "real.py").write_text(f'login(token="{TOKEN}")\n')
    git(repo, "add", ".")
    result = run(["scan", "--isolated", "--fix", "link.py", "shared/b.py", "inside.py"], repo)
    assert result.returncode == 1 and TOKEN not in result.stdout + result.stderr
    assert all(TOKEN in (elsewhere / name).read_text() for name in ("a.py", "b.py"))
    assert "link.py: warning: not written: link.py is a symbolic link" in result.stderr
    assert "shared/b.py: warning: not written: shared/b.py resolves outside the working tree" in result.stderr
    assert "inside.py: warning: not written: inside.py is a symbolic link" in result.stderr
    assert (repo / "inside.py").is_symlink() and TOKEN in (repo / "real.py").read_text()
    assert run(["scan", "--isolated", "--fix", "."], repo).returncode == 1  # the walk fixes real.py
    assert TOKEN not in (repo / "real.py").read_text() and (repo / "inside.py").is_symlink()
    assert all(TOKEN in (elsewhere / name).read_text() for name in ("a.py", "b.py"))
    named = run(["scan", "--isolated", "--fix", str(elsewhere / "b.py")], repo)
    assert named.returncode == 1 and TOKEN not in (elsewhere / "b.py").read_text()


def test_what_utf8_cannot_write_is_written_as_its_escape_never_a_traceback(tmp_path: Path) -> None:
    """Lone surrogates reach a report two ways: a key whose escapes pair no surrogates (a ``.py`` file's
    ``"...\\ud83d\\ude00"`` is a string of two surrogates), and a file name with a byte that is not
    UTF-8 (Python names it with a surrogate).  Both are reported, through a pipe and in report files, with
    the character written as its escape (or, on a terminal's own stream, as the name's byte); the SARIF uri
    keeps the name's byte.  The output of either stopped with a UnicodeEncodeError before."""
    (tmp_path / "a.py").write_text(
        'import os\nos.environ["WANDB_API_KEY"] = "abcdefghijklmnop\\ud83d\\ude00"\n'
    )
    try:
        (tmp_path / os.fsdecode(b"bad\xff.py")).write_text(f'x = "{TOKEN}"\n')
    except (OSError, UnicodeError):  # a file system that takes only UTF-8 names
        pytest.skip("file names must be UTF-8 here")
    command = [sys.executable, "-m", "hf_secret_guard", "scan", "--isolated", "-j", "1"]
    for format_ in ("text", "json", "sarif", "github"):
        for output in ([], ["--output", f"report.{format_}"]):
            result = subprocess.run(
                [*command, "--format", format_, *output, "."], cwd=tmp_path, capture_output=True, check=False
            )
            shown = result.stdout + result.stderr
            assert result.returncode == 1 and b"Traceback" not in shown, (format_, output, shown[-300:])
            written = (tmp_path / f"report.{format_}").read_bytes() if output else result.stdout
            assert b"\\ud83d\\ude00" in written and TOKEN.encode() not in shown + written
            if format_ in ("json", "sarif"):
                assert json.loads(written)
            if format_ == "sarif":
                uris = {
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    for r in json.loads(written)["runs"][0]["results"]
                }
                assert uris == {"a.py", "bad%FF.py"}
