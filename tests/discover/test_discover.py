"""Discovery on real trees: exclude patterns, .gitignore through git, symlinks, special and huge files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import Result

from hf_secret_guard.cli.main import cli
from hf_secret_guard.discover import discover_files, physical
from hf_secret_guard.discover.excludes import Excluder
from hf_secret_guard.options import DiscoverOptions
from tests.conftest import TOKEN, cli_runner
from tests.gitrepo import git, git_env_changes, init_repo, write
from tests.inprocess import run_main

LEAK = f'login(token="{TOKEN}")\n'


def scan(*args: str) -> Result:
    return cli_runner().invoke(cli, ["scan", "--isolated", *args])


def leaky_paths(result: Result) -> list[str]:
    return sorted({f["path"] for f in json.loads(result.stdout)["findings"]})


def scanned(paths: list[str], **options: object) -> list[str]:
    return [c.path for c in discover_files(paths, DiscoverOptions(**options)) if not c.skipped]  # type: ignore[arg-type]


# --- patterns -----------------------------------------------------------------------------------------

PATTERNS = [
    # pattern, path (relative to the root /r), excluded?
    (".venv", ".venv", True),
    (".venv", "src/.venv", True),
    (".venv", "src/venv", False),
    ("*.egg-info", "pkg.egg-info", True),
    ("test_*.py", "a/b/test_x.py", True),
    ("test_*.py", "a/b/x_test.py", False),
    ("fixtures/**", "fixtures", True),
    ("fixtures/**", "fixturesx", False),
    ("fixtures/**", "src/fixtures", False),
    ("src/*.py", "src/a.py", True),
    ("src/*.py", "src/sub/a.py", False),
    ("src/**/gen_*.py", "src/gen_1.py", True),
    ("src/**/gen_*.py", "src/a/b/gen_1.py", True),
    ("src/**/gen_*.py", "src/a/b/gen_1.pyi", False),
    ("x[ab].py", "xa.py", True),
    ("x[!ab].py", "xa.py", False),
    ("x[!ab].py", "xc.py", True),
    ("./docs/*.ipynb", "docs/a.ipynb", True),
    ("docs/?.ipynb", "docs/ab.ipynb", False),
]


@pytest.mark.parametrize(("pattern", "relative", "excluded"), PATTERNS)
def test_pattern(pattern: str, relative: str, excluded: bool) -> None:
    hit = Excluder([pattern], "/r").match("/r/" + relative, relative.rsplit("/", 1)[-1])
    assert (hit is not None) == excluded
    if hit:
        assert hit == (pattern, "/r/" + relative)


def test_patterns_below_excluded_directories() -> None:
    excluder = Excluder(["fixtures/**", "build"], "/r")
    assert excluder.match_below("/r/fixtures/a/b.py", "/r") == ("fixtures/**", "/r/fixtures")
    assert excluder.match_below("/r/fixtures/a/b.py", "/r/fixtures") is None  # named directory: walked
    assert excluder.match_below("/r/src/build/x.py", "/r") == ("build", "/r/src/build")


def test_root_with_glob_characters_is_literal() -> None:
    excluder = Excluder(["gen/**"], "/tmp/a[b]*c")
    assert excluder.match("/tmp/a[b]*c/gen", "gen") is not None
    assert excluder.match("/tmp/abxc/gen", "gen") is None


# --- walking and the default excludes -----------------------------------------------------------------


def test_default_excludes_and_named_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path, {"a.py": LEAK, ".venv/lib/b.py": LEAK, "node_modules/c.py": LEAK, "x.egg-info/d.py": LEAK}
    )
    monkeypatch.chdir(tmp_path)
    assert leaky_paths(scan("--format", "json", ".")) == ["a.py"]
    assert leaky_paths(scan("--format", "json", ".venv/lib/b.py")) == [".venv/lib/b.py"]  # named: scanned
    # pre-commit names staged files: only the user's own excludes hold for them, never the default list
    forced = scan("--format", "json", "--force-exclude", ".venv/lib/b.py")
    assert leaky_paths(forced) == [".venv/lib/b.py"] and forced.exit_code == 1
    forced = scan("--format", "json", "--force-exclude", "--extend-exclude", ".venv", ".venv/lib/b.py")
    assert leaky_paths(forced) == [] and forced.exit_code == 0
    verbose = scan("-v", ".")
    assert ".venv: note: skipped: excluded by '.venv'" in verbose.stderr
    assert "x.egg-info: note: skipped: excluded by '*.egg-info'" in verbose.stderr
    assert leaky_paths(scan("--format", "json", "--exclude", "a.py", ".")) == [
        ".venv/lib/b.py",
        "node_modules/c.py",
        "x.egg-info/d.py",
    ]  # --exclude replaces the default list
    assert leaky_paths(scan("--format", "json", "--extend-exclude", "a.py,zzz", ".")) == []


def test_named_directory_below_an_excluded_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(init_repo(tmp_path), {"fixtures/a/b.py": LEAK, "c.py": LEAK})
    monkeypatch.chdir(tmp_path)
    for gitignore in (True, False):  # '.' prunes fixtures; naming it scans it
        found = scanned([".", "fixtures"], extend_exclude=("fixtures/**",), gitignore=gitignore)
        assert found == ["c.py", "fixtures/a/b.py"]


def test_each_file_once_and_a_missing_path_does_not_hide_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: a missing path is an error entry (exit 2); the other paths are still scanned, and JSON and
    SARIF still come out, so one typo in a CI job cannot hide a leak."""
    write(tmp_path, {"a.py": LEAK})
    monkeypatch.chdir(tmp_path)
    report = json.loads(scan("--format", "json", "a.py", ".", "./a.py").stdout)
    assert len(report["findings"]) == 1
    missing = run_main("scan", "a.py", "nope.py", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.py: error: no such file or directory" in missing.stderr
    assert "a.py:1:" in missing.stdout and "1 file could not be read" in missing.stdout
    for fmt in ("json", "sarif"):
        out = run_main("scan", "--format", fmt, "nope.py", "a.py", cwd=tmp_path)
        assert out.returncode == 2 and json.loads(out.stdout), fmt
    errors = json.loads(run_main("scan", "--format", "json", "nope.py", "a.py", cwd=tmp_path).stdout)[
        "errors"
    ]
    assert errors == [{"path": "nope.py", "kind": "read", "message": "no such file or directory"}]


# --- git ----------------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    write(
        root,
        {
            ".gitignore": "ignored/\n*.local.py\n",
            "tracked.py": LEAK,
            "untracked.py": LEAK,
            "ignored/a.py": LEAK,
            "secret.local.py": LEAK,
            "forced.local.py": LEAK,
            "sub/deep/c.ipynb": "{}",
        },
    )
    git(root, "add", "tracked.py", ".gitignore")
    git(root, "add", "-f", "forced.local.py")  # tracked although ignored: git lists it, so do we
    return root


def test_gitignore_is_honoured(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    code = (".py", ".ipynb")  # every file is listed (.gitignore too); the code ones say what git hid
    assert [p for p in scanned(["."]) if p.endswith(code)] == [
        "forced.local.py",
        "sub/deep/c.ipynb",
        "tracked.py",
        "untracked.py",
    ]
    assert ".gitignore" in scanned(["."])
    everything = [p for p in scanned(["."], gitignore=False) if p.endswith(code)]
    assert everything == [
        "forced.local.py",
        "ignored/a.py",
        "secret.local.py",
        "sub/deep/c.ipynb",
        "tracked.py",
        "untracked.py",
    ]
    assert leaky_paths(scan("--format", "json", ".")) == ["forced.local.py", "tracked.py", "untracked.py"]
    assert len(leaky_paths(scan("--format", "json", "--no-gitignore", "."))) == 5


def test_git_and_walk_agree_without_ignore_rules(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".gitignore").write_text("")
    monkeypatch.chdir(repo)
    assert scanned(["."]) == scanned(["."], gitignore=False)
    assert scanned(["sub"]) == scanned(["sub"], gitignore=False) == ["sub/deep/c.ipynb"]


def test_named_ignored_paths_are_scanned(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    assert scanned(["ignored"]) == ["ignored/a.py"]  # a named ignored directory is walked
    assert scanned(["secret.local.py"]) == ["secret.local.py"]  # a named file is scanned


def test_tracked_means_scanned(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default excludes are for what a walk stumbles on; a committed checkpoint notebook or build/
    file is scanned (a token there is a leak), while untracked ones are still left out."""
    write(repo, {"build/gen.py": LEAK, "pkg/build/gen.py": LEAK, ".ipynb_checkpoints/nb-checkpoint.py": LEAK})
    git(repo, "add", "-f", "build/gen.py", ".ipynb_checkpoints/nb-checkpoint.py")
    write(repo, {"build/untracked.py": LEAK})
    monkeypatch.chdir(repo)
    result = discover_files(["."])
    assert [c.path for c in result if c.skipped] == ["build", "pkg/build"]  # untracked: one note per folder
    assert "build/untracked.py" not in [c.path for c in result]
    scanned_paths = [c.path for c in result if not c.skipped]
    assert "build/gen.py" in scanned_paths and ".ipynb_checkpoints/nb-checkpoint.py" in scanned_paths
    user = discover_files(["."], DiscoverOptions(extend_exclude=("build",)))  # the user's own: it holds
    assert "build/gen.py" not in [c.path for c in user if not c.skipped]


def test_untracked_nested_repository_is_scanned(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = init_repo(repo / "vendor" / "model")
    write(nested, {".gitignore": "cache/\n", "inner.py": LEAK, "cache/x.py": LEAK})
    monkeypatch.chdir(repo)
    assert "vendor/model/inner.py" in scanned(["."])
    assert "vendor/model/cache/x.py" not in scanned(["."])  # its own .gitignore holds


def test_deleted_but_tracked_file_is_not_an_error(repo: Path) -> None:
    git(repo, "commit", "-q", "-m", "first")
    (repo / "tracked.py").unlink()
    result = run_main("scan", "--isolated", ".", cwd=repo)
    lines = (result.stdout + result.stderr).splitlines()
    assert not any(line.startswith("tracked.py") for line in lines) and result.returncode == 1


# --- symlinks, special files, size --------------------------------------------------------------------


def test_symlinks_stay_inside_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"secret.py": LEAK})
    tree = tmp_path / "tree"
    write(tree, {"real.py": LEAK})
    (tree / "inside_link.py").symlink_to(tree / "real.py")
    (tree / "outside_link.py").symlink_to(outside / "secret.py")
    (tree / "outside_dir").symlink_to(outside)
    (tree / "broken.py").symlink_to(tree / "gone.py")
    (tree / "self.py").symlink_to(tree / "self.py")  # a loop
    (tree / "loop").symlink_to(tree)  # a directory loop
    started = time.monotonic()
    result = run_main("scan", "--isolated", "-v", "--format", "json", str(tree))
    assert time.monotonic() - started < 30
    paths = {f["path"] for f in json.loads(result.stdout)["findings"]}
    assert paths == {str(tree / "real.py"), str(tree / "inside_link.py")}
    notes = result.stderr
    assert f"{tree / 'outside_link.py'}: note: skipped: symlink to a file outside the scanned tree" in notes
    assert f"{tree / 'outside_dir'}: note: skipped: symlink to a directory: not followed" in notes
    assert f"{tree / 'broken.py'}: note: skipped: broken symlink" in notes
    assert f"{tree / 'self.py'}: note: skipped: broken symlink (or a symlink loop)" in notes
    assert result.returncode == 1


@pytest.mark.parametrize("in_git", [False, True])
def test_a_dotdot_after_a_link_is_the_folder_the_system_opens(tmp_path: Path, in_git: bool) -> None:
    """``plain/link/..`` is the folder above the link's target, as ``ls`` and ``open`` see it; folded as
    text it would be ``plain``: the walk scanned ``plain``'s files and git's listing, joined to ``plain``,
    named files that are not there (no file scanned, exit 0).  Reported relative to the working folder;
    the config is the one above the folder scanned (``plain`` has one that would hide ``other/gen``), and
    a link written before (``alias``) stays as written, so the config's patterns still apply."""
    ws = tmp_path / "ws"
    if in_git:
        init_repo(ws)
    write(ws, {"other/a.py": LEAK, "other/gen/g.py": LEAK, "other/sub/c.txt": "x\n", "plain/b.py": "x = 1\n"})
    write(ws, {"pyproject.toml": '[tool.hf-secret-guard]\nextend-exclude = ["other/sub"]\n'})
    write(ws, {"plain/pyproject.toml": '[tool.hf-secret-guard]\nextend-exclude = ["gen"]\n'})
    (ws / "plain" / "link").symlink_to(Path("..") / "other" / "sub")
    (tmp_path / "alias").symlink_to(ws)
    env = git_env_changes() if in_git else None

    def found(given: str, cwd: Path) -> set[str]:
        result = run_main("scan", "--format", "json", given, cwd=cwd, env=env)
        assert result.returncode == 1, (given, result.stderr)
        return {f["path"] for f in json.loads(result.stdout)["findings"]}

    assert found("plain/link/..", ws) == {"other/a.py", "other/gen/g.py"}
    assert found(str(ws / "plain/link/.."), ws) == {str(ws / "other/a.py"), str(ws / "other/gen/g.py")}
    assert found("link/..", ws / "plain") == {"../other/a.py", "../other/gen/g.py"}
    assert found("alias/plain/link/..", tmp_path) == {"alias/other/a.py", "alias/other/gen/g.py"}
    assert found("plain/..", ws) == {"other/a.py", "other/gen/g.py"}  # no link: as before
    write(ws, {"pyproject.toml": '[tool.hf-secret-guard]\nextend-exclude = ["other/gen"]\n'})
    assert found(str(tmp_path / "alias/plain/link/.."), tmp_path) == {str(tmp_path / "alias/other/a.py")}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("plain/link/..", "other"),
        ("plain/link/../", "other"),
        ("plain//link/./..", "other"),
        ("plain/link/../sub/..", "other"),
        ("plain/self/..", "."),  # a link to its own folder
        ("plain/chain/..", "other"),  # a link to a link
        ("alias/plain/link/..", "alias/other"),
        ("plain/..", "plain/.."),  # no link before the ``..``: as written
        ("../x/..", "../x/.."),
        ("plain/link", "plain/link"),
    ],
)
def test_physical_takes_a_dotdot_after_a_link_as_the_system_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, expected: str
) -> None:
    write(tmp_path, {"other/sub/c.txt": "x\n", "plain/b.py": "x = 1\n"})
    (tmp_path / "plain" / "link").symlink_to(Path("..") / "other" / "sub")
    (tmp_path / "plain" / "self").symlink_to(".")
    (tmp_path / "plain" / "chain").symlink_to("link")
    (tmp_path / "alias").symlink_to(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert physical(written) == expected
    if os.path.isdir(written):
        assert os.path.samefile(physical(written), written)
    absolute = str(tmp_path / written)
    assert os.path.samefile(physical(absolute), absolute) if os.path.isdir(absolute) else True


def test_physical_leaves_what_the_system_cannot_open_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loop, a link into a file, a link to a missing folder: as written (the system says why not)."""
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "f").write_text("x\n")
    (tmp_path / "into_file").symlink_to(Path("f") / "x")
    (tmp_path / "to_missing").symlink_to(Path("gone") / "x")
    monkeypatch.chdir(tmp_path)
    for written in ("a/..", "into_file/..", "to_missing/..", "to_missing/../.."):
        assert physical(written) == written


def test_fifo_in_a_walk_is_skipped_without_blocking(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": LEAK})
    os.mkfifo(tmp_path / "pipe.py")
    result = run_main("scan", "--isolated", "-v", str(tmp_path))
    assert result.returncode == 1 and "pipe.py: note: skipped: not a regular file" in result.stderr


def test_binary_files(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "x = 1\n"})
    (tmp_path / "model.bin").write_bytes(b"\0\1\2" + TOKEN.encode())
    (tmp_path / "nul.py").write_bytes(b"\0" + LEAK.encode())
    result = run_main("scan", "--isolated", "-v", "model.bin", "nul.py", cwd=tmp_path)
    assert "model.bin: note: skipped: binary file" in result.stderr
    assert "nul.py:" in result.stdout  # a .py with NUL bytes is still scanned: it may hold a token
    quiet = run_main("scan", "--isolated", "model.bin", cwd=tmp_path)
    assert quiet.returncode == 0 and "model.bin" not in quiet.stderr  # notes only with --verbose


def test_huge_file_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("# " + "a" * (2 * 1024 * 1024) + "\n" + LEAK)
    result = run_main("scan", "--isolated", "--max-file-size", "1", str(tmp_path))
    assert result.returncode == 0
    assert "big.py: warning: skipped: 2.0 MB, over the 1 MB limit (--max-file-size)" in result.stderr
    assert "No leaks found in 0 files." in result.stdout
    assert run_main("scan", "--isolated", "-q", "--max-file-size", "1", str(tmp_path)).stderr == ""
    assert run_main("scan", "--isolated", "--max-file-size", "0", str(tmp_path)).returncode == 1


@pytest.mark.e2e
def test_named_files_need_no_git(tmp_path: Path) -> None:
    """pre-commit names every file: listing nothing, the scan must not pay for git or subprocess."""
    (tmp_path / "a.py").write_text("x = 1\n")
    probe = (
        "import sys\n"
        "from hf_secret_guard.cli.main import main\n"
        "before = 'subprocess' in sys.modules\n"  # Python 3.10's stdlib loads it for click already
        f"status = main(['scan', '--isolated', {str(tmp_path / 'a.py')!r}])\n"
        "spawned = not before and 'subprocess' in sys.modules\n"
        "print(status, 'hf_secret_guard.discover.git' in sys.modules, spawned)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "0 False False"


def _git_that_records(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``git`` is the real one, run through a script that first notes each call."""
    real = subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout.strip()
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "git").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path / "git-calls"}\nexec {real} "$@"\n')
    (folder / "git").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, "PATH": f"{folder}{os.pathsep}{env['PATH']}"}


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="a shell script as git")
def test_git_is_asked_only_where_it_may_find_a_repository(tmp_path: Path) -> None:
    """A folder with no ``.git`` in it or above it, by its path or the one its links resolve to, is walked
    without starting git (which would find no repository there); inside a repository, below it, through
    a link into it, or with ``GIT_DIR`` set, git lists the files and ``.gitignore`` holds."""
    env = _git_that_records(tmp_path)
    plain = tmp_path / "plain"
    write(plain, {"a.py": "x = 1\n", "skip.py": "y = 2\n", ".gitignore": "skip.py\n"})
    repo = init_repo(tmp_path / "repo")
    write(repo, {"sub/a.py": "x = 1\n", "sub/skip.py": "y = 2\n", ".gitignore": "skip.py\n"})
    (tmp_path / "link").symlink_to(repo / "sub")
    probe = (
        "import json, sys\n"
        "from hf_secret_guard.discover import discover_files, physical\n"
        "print(json.dumps(sorted(c.path.rsplit('/', 1)[1] for c in discover_files(sys.argv[1:]))))\n"
    )
    cases = [(plain, {}, False), (repo, {}, True), (repo / "sub", {}, True), (tmp_path / "link", {}, True)]
    cases.append((plain, {"GIT_DIR": str(repo / ".git")}, True))
    for folder, extra, asked in cases:
        (tmp_path / "git-calls").unlink(missing_ok=True)
        done = subprocess.run(
            [sys.executable, "-c", probe, str(folder)],
            capture_output=True,
            text=True,
            check=True,
            env={**env, **extra},
            cwd=tmp_path,
        )
        assert (tmp_path / "git-calls").exists() is asked, folder
        listed = json.loads(done.stdout)
        if folder == plain and not extra:
            assert listed == [".gitignore", "a.py", "skip.py"]  # no git: no .gitignore rules
        elif extra:
            assert "a.py" in listed
        else:
            assert "a.py" in listed and "skip.py" not in listed
