"""Issue 16 items 4 and 5 on the real CLI: rule selection in ruff's order, per-file-ignores, stdin input,
and the daily-use details (report folders, quiet warnings, JSON statistics, a missing baseline, --yes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.inprocess import run_main

BOTH = f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\nlogin(token="{TOKEN}")\n'


def project(tmp_path: Path, table: str, files: dict[str, str]) -> Path:
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
