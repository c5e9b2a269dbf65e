"""Issue 16 items 4 and 5 on the real CLI: rule selection in ruff's order, per-file-ignores, stdin input,
and the daily-use details (report folders, quiet warnings, JSON statistics, a missing baseline, --yes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, TOKEN, TOKEN2, make_token
from tests.hub_server import FakeHub, hub  # noqa: F401 - the fake Hub fixture
from tests.inprocess import run_main

BOTH = f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\nlogin(token="{TOKEN}")\n'


def project(tmp_path: Path, table: str, files: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(f"[tool.hf-secret-guard]\n{table}\n")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def rules(tmp_path: Path, *args: str) -> set[tuple[str, str]]:
    result = run_main("scan", "--format", "json", *args, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return {(f["path"], f["rule"]) for f in json.loads(result.stdout)["findings"]}


# --- rule selection: ruff's order (config, then command line) ------------------------------------


@pytest.mark.parametrize(
    ("table", "args", "expected"),
    [
        # --select on the command line replaces the config's select and ignore: the rule is reported.
        ('ignore = ["HFG002"]', ("--select", "HFG002"), {"HFG002"}),
        ('select = ["HFG001"]', ("--select", "HFG002"), {"HFG002"}),
        # --ignore adds to the config's ignore (it replaced it before).
        ('ignore = ["HFG002"]', ("--ignore", "HFG001"), set()),
        ('ignore = ["HFG002"]', (), {"HFG001"}),
        # --extend-select adds to the config's select; --extend-ignore is --ignore.
        ('select = ["HFG002"]', ("--extend-select", "HFG001"), {"HFG001", "HFG002"}),
        ('select = ["HFG002"]', ("--extend-ignore", "HFG002"), set()),
        ("", ("--extend-ignore", "hfg001"), {"HFG002"}),
        # A config ignore survives a command line that only extends.
        ('ignore = ["HFG002"]', ("--extend-select", "HFG001"), {"HFG001"}),
        # Within one source the more specific code wins; for the same code, ignore wins.
        ("", ("--ignore", "HFG", "--extend-select", "HFG001"), {"HFG001"}),
        ("", ("--select", "HFG00", "--ignore", "HFG002"), {"HFG001"}),
        ("", ("--select", "HFG001", "--ignore", "HFG001"), set()),
        ('select = ["HFG002"]\nextend-select = ["HFG001"]\nignore = ["HFG002"]', (), {"HFG001"}),
        ('extend-ignore = ["HFG001"]', (), {"HFG002"}),
    ],
)
def test_rule_selection_in_ruffs_order(
    tmp_path: Path, table: str, args: tuple[str, ...], expected: set[str]
) -> None:
    project(tmp_path, table, {"c.py": BOTH})
    assert {rule for _, rule in rules(tmp_path, *args, "c.py")} == expected


def test_config_ignore_with_command_line_select_reports_the_rule(tmp_path: Path) -> None:
    project(tmp_path, 'ignore = ["HFG001"]', {"c.py": BOTH})
    result = run_main("scan", "--select", "HFG001", "c.py", cwd=tmp_path)
    assert result.returncode == 1 and "HFG001" in result.stdout and "No leaks found" not in result.stdout
    assert TOKEN not in result.stdout + result.stderr


def test_unknown_extend_code_is_a_usage_error(tmp_path: Path) -> None:
    result = run_main("scan", "--extend-select", "HFG9", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2 and "--extend-select: unknown rule code 'HFG9'" in result.stderr


# --- per-file-ignores ----------------------------------------------------------------------------


def test_per_file_ignores_config_and_command_line(tmp_path: Path) -> None:
    files = {"c.py": BOTH, "tests/t.py": BOTH, "nb/x/d.py": BOTH}
    project(tmp_path, 'per-file-ignores = { "tests/**" = ["HFG001"] }', files)
    everything = {(p, r) for p in files for r in ("HFG001", "HFG002")}
    assert rules(tmp_path, ".") == everything - {("tests/t.py", "HFG001")}
    # --per-file-ignores replaces the config's table ...
    assert rules(tmp_path, "--per-file-ignores", "nb:HFG", ".") == everything - {
        ("nb/x/d.py", "HFG001"),
        ("nb/x/d.py", "HFG002"),
    }
    # ... --extend-per-file-ignores adds to it.
    assert rules(tmp_path, "--extend-per-file-ignores", "c.py:HFG002", ".") == everything - {
        ("tests/t.py", "HFG001"),
        ("c.py", "HFG002"),
    }
    bad = run_main("scan", "--per-file-ignores", "nocolon", ".", cwd=tmp_path)
    assert bad.returncode == 2 and "--per-file-ignores: expected PATTERN:CODES" in bad.stderr


# --- daily use ------------------------------------------------------------------------------------


def test_output_creates_parent_folders(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text(BOTH)
    result = run_main("scan", "--format", "sarif", "--output", "reports/ci/x.sarif", "c.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = (tmp_path / "reports/ci/x.sarif").read_text()
    assert json.loads(report)["runs"] and TOKEN not in report


def test_quiet_silences_warnings_not_errors(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(f"def f(:\n    t = '{TOKEN}'\n")
    (tmp_path / "pyproject.toml").write_text('[tool.hf_secret_guard]\nselect = ["HFG001"]\n')
    loud = run_main("scan", "broken.py", cwd=tmp_path)
    assert "broken.py: warning: could not parse" in loud.stderr and "[tool.hf_secret_guard]" in loud.stderr
    quiet = run_main("scan", "-q", "broken.py", cwd=tmp_path)
    assert quiet.returncode == 1 and quiet.stderr == "" and "HFG001" in quiet.stdout
    assert TOKEN not in quiet.stdout
    missing = run_main("scan", "-q", "broken.py", "nope.py", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.py: error: no such file or directory" in missing.stderr


def test_statistics_as_json(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text(BOTH + f"x = '{TOKEN}'\n")
    result = run_main("scan", "--statistics", "--format", "json", "c.py", cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {"code": "HFG001", "name": "hardcoded-token", "count": 2, "fixable": 2},
        {"code": "HFG002", "name": "secret-in-environ", "count": 1, "fixable": 1},
    ]
    assert "2\tHFG001\thardcoded-token" in result.stderr  # the human table stays on stderr


def test_statistics_as_json_when_clean(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    result = run_main("scan", "--statistics", "--format", "json", "ok.py", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_configured_baseline_that_does_not_exist_suggests_the_command(tmp_path: Path) -> None:
    project(tmp_path, 'baseline = "ci/known.json"', {"c.py": BOTH})
    result = run_main("scan", "c.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {Path('ci/known.json')}: baseline file not found; "
        f"create it with `hf-secret-guard baseline --output {Path('ci/known.json')}`\n"
    )
    (tmp_path / "ci").mkdir()
    assert run_main("baseline", cwd=tmp_path).returncode == 0  # the suggested command, from the config
    assert run_main("scan", "c.py", cwd=tmp_path).returncode == 0


def test_yes_without_revoke_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text(BOTH)
    result = run_main("scan", "--yes", "c.py", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr
        == "error: --yes confirms --revoke and does nothing without it: add --revoke or drop --yes\n"
    )


def test_hook_mode_advice_names_the_fix_hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my notebook.py").write_text(BOTH)
    (tmp_path / "b.py").write_text(f"# {TOKEN}\n")
    monkeypatch.setenv("PRE_COMMIT", "1")
    result = run_main("scan", "b.py", "my notebook.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-5] == (
        "Found 3 leaks in 2 files (2 scanned); 3 fixable with "
        "`pre-commit run hf-secret-guard-fix --files b.py 'my notebook.py'`."
    )
    monkeypatch.delenv("PRE_COMMIT")
    assert "3 fixable with --fix." in run_main("scan", "b.py", "my notebook.py", cwd=tmp_path).stdout


# --- stdin (editors) ------------------------------------------------------------------------------

JSON_FINDING_KEYS = [
    "path",
    "rule",
    "line",
    "column",
    "end_line",
    "end_column",
    "cell",
    "output",
    "position_in",
    "file_line",
    "file_column",
    "message",
    "secret",
    "confidence",
    "fingerprint",
    "fixable",
    "fixed",
    "not_fixable_reason",
    "site",
    "env_name",
    "verified",
]


def run_stdin(
    monkeypatch: pytest.MonkeyPatch, data: str, *args: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    return run_main("scan", *args, cwd=cwd, input=data)


def test_stdin_takes_config_rules_and_name_of_stdin_filename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(tmp_path / "proj", 'ignore = ["HFG002"]', {})
    result = run_stdin(monkeypatch, BOTH, "-", "--stdin-filename", "proj/x.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"proj/x.py:3:14: HFG001 Hugging Face token in a string literal (hf_****{TOKEN[-4:]})"
    )
    assert "HFG002" not in result.stdout and TOKEN not in result.stdout + result.stderr
    # No path at all reads stdin too (as ruff does); the JSON shape is the one editors read.
    as_json = run_stdin(monkeypatch, BOTH, "--format", "json", "--stdin-filename", "proj/x.py", cwd=tmp_path)
    report = json.loads(as_json.stdout)
    assert list(report) == ["version", "findings", "errors"]
    assert [list(f) for f in report["findings"]] == [JSON_FINDING_KEYS]
    assert report["findings"][0]["path"] == "proj/x.py" and report["findings"][0]["line"] == 3
    # Without --stdin-filename the document is "-", with the current directory's config (none here).
    plain = run_stdin(monkeypatch, BOTH, "--format", "json", "-", cwd=tmp_path)
    assert {(f["path"], f["rule"]) for f in json.loads(plain.stdout)["findings"]} == {
        ("-", "HFG001"),
        ("-", "HFG002"),
    }


def test_stdin_excluded_filename_with_force_exclude(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, 'extend-exclude = ["gen/**"]\nper-file-ignores = { "legacy" = ["HFG001"] }', {})
    forced = run_stdin(
        monkeypatch, BOTH, "-", "--force-exclude", "--stdin-filename", "gen/x.py", cwd=tmp_path
    )
    assert forced.returncode == 0 and "No leaks found in 0 files." in forced.stdout
    named = run_stdin(monkeypatch, BOTH, "-", "--stdin-filename", "gen/x.py", cwd=tmp_path)
    assert named.returncode == 1 and "gen/x.py:2:27: HFG002" in named.stdout  # as ruff: only when forced
    legacy = run_stdin(
        monkeypatch, BOTH, "--format", "json", "-", "--stdin-filename", "a/legacy/x.py", cwd=tmp_path
    )
    assert [f["rule"] for f in json.loads(legacy.stdout)["findings"]] == ["HFG002"]


def test_stdin_notebook_by_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "source": ["print(token)"],
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [TOKEN + "\n"]}],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(notebook, indent=1)
    result = run_stdin(monkeypatch, text, "-", "--stdin-filename", "nb/colab.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("nb/colab.ipynb:cell 1:output 1:1:1: HFG003")
    as_python = run_stdin(monkeypatch, text, "-", "--stdin-filename", "colab.py", cwd=tmp_path)
    assert "HFG003" not in as_python.stdout and "colab.py:" in as_python.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-", "--fix"), "error: --fix cannot read stdin (`-`): run it on the file itself\n"),
        (
            ("--diff", "--stdin-filename", "x.py"),
            "error: --diff cannot read stdin (`-`): run it on the file itself\n",
        ),
        (("-", "c.py"), "error: `-` (stdin) cannot be scanned with other paths\n"),
        (
            ("--stdin-filename", "x.py", "c.py"),
            "error: --stdin-filename names the document read from stdin: give `-` (or no path), not paths\n",
        ),
    ],
)
def test_stdin_usage_errors(
    args: tuple[str, ...], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "c.py").write_text("x = 1\n")
    result = run_stdin(monkeypatch, BOTH, *args, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message)


@pytest.mark.e2e
def test_stdin_through_a_real_pipe(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hf_secret_guard",
            "scan",
            "-",
            "--stdin-filename",
            "x.py",
            "--format",
            "json",
        ],
        input=BOTH.encode("utf-8"),
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["line"], f["rule"]) for f in found] == [
        ("x.py", 2, "HFG002"),
        ("x.py", 3, "HFG001"),
    ]
    assert TOKEN.encode() not in result.stdout + result.stderr


# --- --verify, --revoke, history -------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_verify_unreachable_hub_is_its_own_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "c.py").write_text(f'a = "{TOKEN}"\nb = "{TOKEN2}"\n')
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    result = run_main("scan", "--verify", "c.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "0 live" not in result.stdout and "[unreachable (cannot reach the Hub" in result.stdout
    assert (
        "Could not check 2 distinct tokens: http://127.0.0.1:" in result.stdout
        and "/api/whoami-v2 is unreachable; whether they are live is unknown." in result.stdout
    )
    report = json.loads(run_main("scan", "--verify", "--format", "json", "c.py", cwd=tmp_path).stdout)
    assert [f["verified"]["status"] for f in report["findings"]] == ["unreachable", "unreachable"]
    assert [f["verified"]["live"] for f in report["findings"]] == [None, None]
    assert TOKEN not in result.stdout + result.stderr


def test_revoke_prompt_counts_distinct_tokens(tmp_path: Path, hub: FakeHub) -> None:  # noqa: F811
    dead = make_token(41)
    hub.behaviour.update({dead: "401", TOKEN: "read"})
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.py").write_text(f'x = "{dead}"\ny = "{dead}"\n')
    (tmp_path / "e.py").write_text(f'x = "{TOKEN}"\ny = "{TOKEN}"\n')
    result = run_main("scan", "--verify", "--revoke", "--yes", ".", cwd=tmp_path)
    assert "About to revoke 1 token with POST" in result.stderr
    assert "(1 the Hub already rejects is left alone)" in result.stderr  # 8 findings, 1 token
    assert dead not in result.stderr + result.stdout and TOKEN not in result.stderr + result.stdout


def test_history_all_skips_the_stash_unless_named(tmp_path: Path) -> None:
    from tests.gitrepo import git, init_repo, write

    repo = init_repo(tmp_path / "repo")
    write(repo, {"a.py": "x = 1\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    write(repo, {"a.py": f'x = 1\nt = "{TOKEN}"\n'})
    git(repo, "stash", "-q")  # work in progress with a token, never committed
    everything = run_main("scan", "--history-revs", "--all", "--format", "json", cwd=repo)
    assert everything.returncode == 0, everything.stderr
    assert json.loads(everything.stdout)["tokens"] == []
    stash = run_main("scan", "--history-revs", "refs/stash", "--format", "json", cwd=repo)
    assert stash.returncode == 1, stash.stderr
    assert [leak["path"] for leak in json.loads(stash.stdout)["tokens"]] == ["a.py"]
    both = run_main("scan", "--history-revs", "--all", "--history-revs", "refs/stash", cwd=repo)
    assert both.returncode == 1 and f"hf_****{TOKEN[-4:]}" in both.stdout and TOKEN not in both.stdout


# --- HFG100: unused allow comments -----------------------------------------------------------------

ALLOWS = (
    f't = "{TOKEN}"  # hf-secret-guard: ignore\n'  # used
    "x = 1  # hf-secret-guard: ignore\n"  # unused
    f'u = "{TOKEN}"  # noqa: HFG002\n'  # names the wrong rule: unused, and the token is reported
    "y = 2  # noqa: E501\n"  # not ours
    "z = 3  # pragma: allowlist secret\n"  # detect-secrets': not ours to judge
)


def test_unused_allow_comments_are_opt_in_hfg100(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(ALLOWS)
    default = run_main("scan", "a.py", cwd=tmp_path)
    assert "HFG100" not in default.stdout and "a.py:3:6: HFG001" in default.stdout
    on = run_main("scan", "--extend-select", "HFG100", "--format", "json", "a.py", cwd=tmp_path)
    found = [(f["line"], f["column"], f["rule"], f["fixable"]) for f in json.loads(on.stdout)["findings"]]
    assert found == [(2, 8, "HFG100", False), (3, 6, "HFG001", True), (3, 46, "HFG100", False)]
    text = run_main("scan", "--select", "HFG100", "a.py", cwd=tmp_path)
    assert text.stdout.splitlines()[0] == (
        "a.py:2:8: HFG100 allow comment with nothing to allow on its line [not fixable: remove the comment]"
    )
    # Not fixable: --fix leaves the comments as they are.
    fixed = run_main("scan", "--select", "HFG100", "--fix", "a.py", cwd=tmp_path)
    assert fixed.returncode == 1 and (tmp_path / "a.py").read_text() == ALLOWS
    assert TOKEN not in on.stdout + text.stdout + fixed.stdout


def test_unused_allow_comment_in_a_clean_file_and_a_notebook(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("x = 1  # noqa: HFG001\n")  # no secret at all: the prefilter
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": [],
                "source": ["!ls\n", "x = 1  # hf-secret-guard: ignore"],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook))
    project(tmp_path, 'extend-select = ["HFG100"]', {})
    result = run_main("scan", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(" HFG100")[0] for line in result.stdout.splitlines() if "HFG100" in line] == [
        "clean.py:1:8:",
        "nb.ipynb:cell 1:2:8:",
    ]
