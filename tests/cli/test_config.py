"""``[tool.hf-secret-guard]``: each key with a good value (its effect on a real scan) and a bad value (a
clear error naming the file and the key, exit 2); finding the file; --config, --isolated; the command
line wins."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from hf_secret_guard.cli.config import ConfigError, find_config, load_config, resolve
from hf_secret_guard.cli.main import cli
from hf_secret_guard.cli.settings import Settings
from tests.conftest import REPO, TOKEN, cli_runner, run_cli
from tests.inprocess import run_main

LEAK = f'login(token="{TOKEN}")\n'
BOTH = f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\nlogin(token="{TOKEN}")\n'


def make_project(root: Path, table: str, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "demo"\n\n[tool.hf-secret-guard]\n{table}\n')
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def invoke(*args: str) -> Result:
    return cli_runner().invoke(cli, ["scan", *args])


def found(result: Result) -> set[tuple[str, str]]:
    report = json.loads(result.stdout)
    return {(f["path"], f["rule"]) for f in report["findings"]}


# --- each key: a good value and what it does -------------------------------------------------------


def check_exclude(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `exclude` replaces the default list: .venv is scanned again, gen/ is not.
    result = invoke("--format", "json", ".")
    assert {p for p, _ in found(result)} == {".venv/b.py", "c.py"}


def check_extend_exclude(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Added to the defaults; relative to the config file's directory, wherever the scan runs from.
    assert {p for p, _ in found(invoke("--format", "json", "."))} == {"c.py"}
    monkeypatch.chdir(project / "sub")
    assert {p for p, _ in found(invoke("--format", "json", ".."))} == {"../c.py"}
    # A directory named on the command line is walked even when its contents are excluded ...
    assert {p for p, _ in found(invoke("--format", "json", "../fixtures"))} == {"../fixtures/a.py"}
    # ... and a named file is scanned, unless --force-exclude (what the pre-commit hooks pass).
    assert found(invoke("--format", "json", "../fixtures/a.py"))
    forced = invoke("--format", "json", "--force-exclude", "../fixtures/a.py")
    assert forced.exit_code == 0 and not found(forced)


def check_select(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert {r for _, r in found(invoke("--format", "json", "c.py"))} == {"HFG002"}


def check_ignore(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert {r for _, r in found(invoke("--format", "json", "c.py"))} == {"HFG001"}


def check_secret_names(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert found(invoke("--format", "json", "c.py")) == {("c.py", "HFG002")}
    assert found(invoke("--format", "json", "--isolated", "c.py")) == set()


def check_fix_style(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diff = invoke("--diff", "c.py").stdout
    assert 'os.environ["HF_TOKEN"]' in diff and "userdata" not in diff
    assert "userdata.get" in invoke("--diff", "--fix-style", "userdata", "c.py").stdout  # CLI wins


def check_per_file_fix_style(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "UserSecretsClient().get_secret(" in invoke("--diff", "kaggle/c.py").stdout
    assert 'os.environ["HF_TOKEN"]' in invoke("--diff", "c.py").stdout  # no glob matches: auto


def check_secret_name(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert 'os.environ["MY_HF_SECRET"]' in invoke("--diff", "c.py").stdout  # auto: a script, the environment


def check_baseline(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "ci").mkdir()
    written = cli_runner().invoke(cli, ["baseline", "--output", "ci/known.json", "."])
    assert written.exit_code == 0, written.output
    monkeypatch.chdir(project / "sub")  # the path in the config is relative to the config file
    result = invoke("..")
    assert result.exit_code == 0 and "hidden by the baseline" in result.stdout


def check_max_file_size(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke("--format", "json", ".")
    assert found(result) == {("small.py", "HFG001")}
    assert "big.py: warning: skipped: 2.0 MB, over the 1 MB limit" in result.stderr
    assert found(invoke("--format", "json", "--max-file-size", "0", ".")) == {
        ("small.py", "HFG001"),
        ("big.py", "HFG001"),
    }


def check_extend_select(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Added to the config's own select (ruff: select, then extend-select).
    assert {r for _, r in found(invoke("--format", "json", "c.py"))} == {"HFG001", "HFG002"}
    assert {r for _, r in found(invoke("--format", "json", "--select", "HFG001", "c.py"))} == {"HFG001"}


def check_extend_ignore(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert {r for _, r in found(invoke("--format", "json", "c.py"))} == {"HFG001"}


def check_per_file_ignores(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Relative to the config file's directory, wherever the scan runs from.
    monkeypatch.chdir(project / "sub")
    assert found(invoke("--format", "json", "..")) == {
        ("../c.py", "HFG001"),
        ("../c.py", "HFG002"),
        ("../tests/t.py", "HFG002"),
    }


GOOD: dict[str, tuple[str, dict[str, str], Callable[[Path, pytest.MonkeyPatch], None]]] = {
    "exclude": ('exclude = ["gen"]', {"gen/a.py": LEAK, ".venv/b.py": LEAK, "c.py": LEAK}, check_exclude),
    "extend-exclude": (
        'extend-exclude = ["fixtures/**"]',
        {"fixtures/a.py": LEAK, ".venv/b.py": LEAK, "c.py": LEAK, "sub/ok.py": "x = 1\n"},
        check_extend_exclude,
    ),
    "select": ('select = ["HFG002"]', {"c.py": BOTH}, check_select),
    "ignore": ('ignore = ["hfg002"]', {"c.py": BOTH}, check_ignore),
    "extend-select": (
        'select = ["HFG001"]\nextend-select = ["HFG002"]',
        {"c.py": BOTH},
        check_extend_select,
    ),
    "extend-ignore": ('extend-ignore = ["HFG002"]', {"c.py": BOTH}, check_extend_ignore),
    "per-file-ignores": (
        'per-file-ignores = { "tests/**" = ["HFG001"], "fixtures" = ["HFG"] }',
        {"c.py": BOTH, "tests/t.py": BOTH, "fixtures/x/f.py": BOTH, "sub/ok.py": "x = 1\n"},
        check_per_file_ignores,
    ),
    "secret-names": (
        'secret-names = ["MY_SERVICE_PASS"]',
        {"c.py": 'import os\nos.environ["MY_SERVICE_PASS"] = "s3cr3t-value-42"\n'},
        check_secret_names,
    ),
    "fix-style": ('fix-style = "env"', {"c.py": LEAK}, check_fix_style),
    "per-file-fix-style": (
        'per-file-fix-style = { "kaggle/**" = "kaggle" }',
        {"c.py": LEAK, "kaggle/c.py": LEAK},
        check_per_file_fix_style,
    ),
    "secret-name": ('secret-name = "MY_HF_SECRET"', {"c.py": LEAK}, check_secret_name),
    "baseline": ('baseline = "ci/known.json"', {"c.py": LEAK, "sub/ok.py": "x = 1\n"}, check_baseline),
    "max-file-size": (
        "max-file-size = 1",
        {"small.py": LEAK, "big.py": "# " + "a" * 2_100_000 + "\n" + LEAK},  # libcst skips it: quick
        check_max_file_size,
    ),
}


@pytest.mark.parametrize("key", sorted(GOOD))
def test_good_value(key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table, files, check = GOOD[key]
    project = make_project(tmp_path / "proj", table, files)
    monkeypatch.chdir(project)
    check(project, monkeypatch)


BAD: list[tuple[str, str, str]] = [
    ("exclude", 'exclude = "gen"', "expected a list of glob patterns"),
    ("extend-exclude", "extend-exclude = [1]", "expected a list of glob patterns"),
    ("extend-exclude", 'extend-exclude = [""]', "expected a list of glob patterns"),
    ("select", 'select = ["HFG999"]', "unknown rule code 'HFG999'"),
    ("ignore", 'ignore = "HFG001"', "expected a list of rule codes"),
    ("extend-select", 'extend-select = ["HFG9"]', "unknown rule code 'HFG9'"),
    ("extend-ignore", "extend-ignore = [1]", "expected a list of rule codes"),
    ("per-file-ignores", 'per-file-ignores = ["x"]', "expected a table of glob patterns"),
    ("per-file-ignores", 'per-file-ignores = { "x" = ["HFG9"] }', "unknown rule code 'HFG9'"),
    ("secret-names", 'secret-names = ["not a name"]', "expected a list of environment variable names"),
    ("fix-style", 'fix-style = "dotenv"', "expected one of 'auto', 'userdata', 'kaggle', 'env'"),
    ("per-file-fix-style", 'per-file-fix-style = { "x" = "dotenv" }', "expected a table of glob patterns to"),
    ("per-file-fix-style", 'per-file-fix-style = ["env"]', "expected a table of glob patterns to"),
    ("secret-name", 'secret-name = "my-token"', "expected an environment variable name"),
    ("secret-name", f'secret-name = "{TOKEN}"', "that is a token"),
    ("baseline", "baseline = 42", "expected a file path"),
    ("max-file-size", "max-file-size = -1", "expected a whole number of megabytes"),
    ("max-file-size", 'max-file-size = "big"', "expected a whole number of megabytes"),
    ("max-file-size", "max-file-size = true", "expected a whole number of megabytes"),
    (
        "extend_exclude",
        'extend_exclude = ["x"]',
        "unknown key 'extend_exclude'; did you mean 'extend-exclude'?",
    ),
    ("colour", "colour = true", "unknown key 'colour'"),
]


@pytest.mark.parametrize(
    ("key", "table", "message"), BAD, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD)]
)
def test_bad_value(key: str, table: str, message: str, tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj", table, {"c.py": LEAK})
    result = run_main("scan", "c.py", cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    error = result.stderr.strip()
    assert error.count("\n") == 0 and "Traceback" not in error
    assert str(project / "pyproject.toml") in error and key in error and message in error, error
    assert TOKEN not in result.stdout + result.stderr


def test_every_key_has_a_good_and_a_bad_test() -> None:
    from hf_secret_guard.cli.config import KEYS

    assert set(GOOD) == set(KEYS)
    assert set(KEYS) <= {key for key, _, _ in BAD}


# --- finding the file ---------------------------------------------------------------------------------


def test_found_by_walking_up_from_the_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "proj", 'extend-exclude = ["src/gen/**"]', {"src/gen/a.py": LEAK})
    make_project(tmp_path / "other", 'select = ["HFG002"]', {})
    monkeypatch.chdir(tmp_path / "other")  # the current directory's config is not the one that counts
    assert find_config([str(project / "src")]) == str(project / "pyproject.toml")
    result = invoke("--format", "json", "-v", str(project / "src"))
    assert found(result) == set() and f"config: {project / 'pyproject.toml'}" in result.stderr
    assert find_config([]) == str(tmp_path / "other" / "pyproject.toml")  # no paths: from cwd


def test_pyproject_without_our_table_is_passed_over_unread(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj", 'select = ["HFG002"]', {"pkg/c.py": BOTH})
    (project / "pkg" / "pyproject.toml").write_text("this is [not toml\n")  # never mentions us
    assert find_config([str(project / "pkg")]) == str(project / "pyproject.toml")
    result = run_main("scan", "--format", "json", "c.py", cwd=project / "pkg")
    assert result.returncode == 1 and {f["rule"] for f in json.loads(result.stdout)["findings"]} == {"HFG002"}


def test_invalid_toml_is_a_clear_error(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.hf-secret-guard]\nselect = [\n")
    result = run_main("scan", ".", cwd=project)
    assert result.returncode == 2 and "invalid TOML" in result.stderr and "pyproject.toml" in result.stderr


def test_toml_nested_too_deeply_is_a_clear_error(tmp_path: Path) -> None:
    """The TOML reader recurses into each nested array: a config nested past the recursion limit is a
    config error naming the file, as any other invalid TOML, not an internal error with a traceback."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.hf-secret-guard]\nexclude = " + "[" * 3000 + "]" * 3000)
    (project / "a.py").write_text("x = 1\n")
    result = run_cli("scan", ".", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"error: {project / 'pyproject.toml'}: invalid TOML: nested too deeply\n"


def test_config_option_and_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "proj", 'select = ["HFG002"]', {"c.py": BOTH})
    own = tmp_path / "hfsg.toml"
    own.write_text('ignore = ["HFG002"]\n')  # a file of our own: keys at the top level
    monkeypatch.chdir(project)
    assert {r for _, r in found(invoke("--format", "json", "c.py"))} == {"HFG002"}
    assert {r for _, r in found(invoke("--format", "json", "--config", str(own), "c.py"))} == {"HFG001"}
    assert {r for _, r in found(invoke("--format", "json", "--isolated", "c.py"))} == {"HFG001", "HFG002"}
    both = invoke("--config", str(own), "--isolated", "c.py")
    assert both.exit_code == 2 and "cannot be used together" in both.stderr
    bare = tmp_path / "pyproject.toml"
    bare.write_text('[project]\nname = "x"\n')
    named = invoke("--config", str(bare), "c.py")
    assert named.exit_code == 2 and "no [tool.hf-secret-guard] table" in named.stderr


def test_command_line_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(
        tmp_path / "proj",
        'select = ["HFG002"]\nsecret-names = ["A_PASS"]\nfix-style = "env"',
        {"c.py": BOTH},
    )
    monkeypatch.chdir(tmp_path / "proj")
    assert {r for _, r in found(invoke("--format", "json", "--select", "HFG001", "c.py"))} == {"HFG001"}
    settings = resolve(
        Settings(paths=("c.py",), secret_names=("B_PASS",), fix_style="userdata"),
        {"secret_names", "fix_style"},
    )
    assert settings.secret_names == ("A_PASS", "B_PASS")  # extra names add up
    assert settings.fix_style == "userdata"
    assert resolve(Settings(paths=("c.py",)), set()).fix_style == "env"


def test_bad_rule_code_on_the_command_line(tmp_path: Path) -> None:
    result = run_main("scan", "--select", "HFG9", str(tmp_path))
    assert result.returncode == 2 and "--select: unknown rule code 'HFG9'" in result.stderr


def test_the_repository_config_excludes_its_fixtures() -> None:
    """The repo's own [tool.hf-secret-guard] (extend-exclude fixtures/**) holds for pre-commit's files."""
    config = load_config(str(REPO / "pyproject.toml"))
    assert config.extend_exclude == ("fixtures/**", "tests/data/**")
    named = run_main("scan", "fixtures/leaky_script.py", cwd=REPO)
    forced = run_main("scan", "--force-exclude", "-v", "fixtures/leaky_script.py", cwd=REPO)
    assert named.returncode == 1
    assert forced.returncode == 0 and "excluded by 'fixtures/**'" in forced.stderr


def test_config_error_type_names_the_source(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.hf-secret-guard]\nselect = "x"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.hf-secret-guard\]: select: expected"):
        load_config(str(path))


def test_the_readme_example_is_a_valid_config(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Configuration: `[tool.hf-secret-guard]`", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(example)
    config = load_config(str(tmp_path / "pyproject.toml"))
    assert config.extend_exclude == ("fixtures/**", "tests/data/**") and config.ignore == ("HFG004",)
    assert config.fix_style == "auto" and config.max_file_size == 100
    assert [style for _, style in config.per_file_fix_style] == ["kaggle"]
    assert config.per_file_fix_style[0][0].endswith("kaggle/**")
