"""The baseline: accepted findings keyed by path + rule + secret hash, so moving code never changes it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hf_secret_guard.baseline import BaselineError, parse_baseline, render_baseline
from hf_secret_guard.cli.main import cli
from hf_secret_guard.scan import scan_source
from tests.conftest import ORG_TOKEN, TOKEN, TOKEN2, make_token
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, new_markdown_cell, new_output, notebook_text

BASELINE = ".hf-secret-guard-baseline.json"
TOKEN3 = make_token(30)


def invoke(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in-process (fast), with the same result shape as ``run_cli`` (the real subprocess)."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def leaky_tree(root: Path) -> None:
    (root / "pkg").mkdir(exist_ok=True)
    (root / "pkg" / "app.py").write_text(
        f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\nclient = Client(key="{ORG_TOKEN}")\n'
    )
    cells = [
        new_markdown_cell("# Demo"),
        new_code_cell(f'login(token="{TOKEN2}")', outputs=[new_output("stream", name="stdout", text=TOKEN2)]),
    ]
    (root / "demo.ipynb").write_text(notebook_text(cells))


def test_baseline_hides_known_findings_and_survives_moving_code(tmp_path: Path) -> None:
    leaky_tree(tmp_path)
    made = run_main("baseline", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Wrote .hf-secret-guard-baseline.json: 4 accepted findings" in made.stdout
    assert run_main("scan", cwd=tmp_path).returncode == 1
    clean = run_main("scan", "--baseline", BASELINE, cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert "No leaks found in 2 files. 4 known findings hidden by the baseline." in clean.stdout

    # Move the code: lines inserted above, the token moved into another cell, the output into a new cell.
    app = tmp_path / "pkg" / "app.py"
    app.write_text('"""Docs."""\n\n\nimport sys\n' + app.read_text() + "\n# trailing\n")
    cells = [
        new_markdown_cell("# Demo\nmore words"),
        new_code_cell("import os"),
        new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text=f"log: {TOKEN2}\n")]),
        new_code_cell(f'# set up\n\nlogin(token="{TOKEN2}")'),
    ]
    (tmp_path / "demo.ipynb").write_text(notebook_text(cells, style="colab-4.0"))
    moved = run_main("scan", "--baseline", BASELINE, cwd=tmp_path)
    assert moved.returncode == 0, moved.stdout
    assert "4 known findings hidden by the baseline" in moved.stdout

    # A new token in the same file is still reported, and only it.
    app.write_text(app.read_text() + f'backup = "{TOKEN3}"\n')
    new = run_main("scan", "--baseline", BASELINE, "--format", "json", cwd=tmp_path)
    assert new.returncode == 1
    report = json.loads(new.stdout)
    assert [(f["path"], f["secret"]) for f in report["findings"]] == [
        (str(Path("pkg", "app.py")), "hf_****" + TOKEN3[-4:])
    ]


def test_same_secret_elsewhere_is_new(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"t = '{TOKEN}'\n")
    assert invoke("baseline", cwd=tmp_path).returncode == 0
    (tmp_path / "b.py").write_text(f"t = '{TOKEN}'\n")  # another file
    (tmp_path / "a.py").write_text(f"t = '{TOKEN}'\nimport os\nos.environ['HF_TOKEN'] = '{TOKEN}'\n")  # rule
    result = invoke("scan", "--baseline", BASELINE, "--format", "json", cwd=tmp_path)
    found = sorted((f["path"], f["rule"]) for f in json.loads(result.stdout)["findings"])
    assert found == [("a.py", "HFG002"), ("b.py", "HFG001")]


def test_file_is_stable_sorted_and_holds_no_secret(tmp_path: Path) -> None:
    leaky_tree(tmp_path)
    assert invoke("baseline", cwd=tmp_path).returncode == 0
    first = (tmp_path / BASELINE).read_bytes()
    (tmp_path / "pkg" / "app.py").write_text("\n\n" + (tmp_path / "pkg" / "app.py").read_text())
    assert invoke("baseline", "--output", "again.json", cwd=tmp_path).returncode == 0
    assert (tmp_path / "again.json").read_bytes() == first  # moved code, same file, byte for byte
    text = first.decode()
    for secret in (TOKEN, TOKEN2, ORG_TOKEN):
        assert secret not in text and ("****" + secret[-4:]) in text
    document = json.loads(text)
    entries = document["findings"]
    keys = [(e["path"], e["rule"], e["secret_hash"]) for e in entries]
    assert keys == sorted(keys) and len(set(keys)) == len(keys) == 4
    assert {key for entry in entries for key in entry} == {"path", "rule", "secret_hash", "masked"}
    assert set(document) == {"tool", "version", "findings"}  # no timestamps, no tool version
    assert text.endswith("\n") and "\r" not in text


def test_matches_from_another_directory_and_absolute_paths(tmp_path: Path) -> None:
    leaky_tree(tmp_path)
    assert invoke("baseline", cwd=tmp_path).returncode == 0
    baseline = str(tmp_path / BASELINE)
    assert invoke("scan", "--baseline", baseline, str(tmp_path), cwd=tmp_path / "pkg").returncode == 0
    assert invoke("scan", "--baseline", f"../{BASELINE}", "app.py", cwd=tmp_path / "pkg").returncode == 0


def test_baseline_with_paths_and_output(tmp_path: Path) -> None:
    leaky_tree(tmp_path)
    (tmp_path / "ci").mkdir()
    made = invoke("baseline", "pkg", "--output", "ci/accepted.json", cwd=tmp_path)
    assert made.returncode == 0
    entries = json.loads((tmp_path / "ci" / "accepted.json").read_text())["findings"]
    assert {e["path"] for e in entries} == {"../pkg/app.py"}  # relative to the baseline file
    result = invoke("scan", "--baseline", "ci/accepted.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "2 known findings hidden by the baseline" in result.stdout


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "baseline file not found"),
        ("{not json", "not valid JSON"),
        ("[]", "no 'findings' list"),
        ('{"version": 1, "findings": [{"path": "a.py"}]}', "findings[0] needs"),
        ('{"version": 7, "findings": []}', "format version 7"),
    ],
)
def test_bad_baseline_is_a_clear_error(content: str | None, reason: str, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"t = '{TOKEN}'\n")
    if content is not None:
        (tmp_path / "base.json").write_text(content)
    result = invoke("scan", "--baseline", "base.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: base.json: ") and reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_missing_path_or_unwritable_output(tmp_path: Path) -> None:
    assert invoke("baseline", "nope", cwd=tmp_path).returncode == 2
    (tmp_path / "a.py").write_text(f"t = '{TOKEN}'\n")
    result = invoke("baseline", "--output", "no/such/dir.json", cwd=tmp_path)
    assert result.returncode == 2 and "cannot write baseline" in result.stderr
    assert not (tmp_path / BASELINE).exists()


def test_render_and_parse_round_trip(tmp_path: Path) -> None:
    findings = scan_source(f"a = '{TOKEN}'\nb = '{TOKEN}'\nc = '{TOKEN2}'\n", str(tmp_path / "x.py")).findings
    text = render_baseline(findings, str(tmp_path))
    baseline = parse_baseline(text, "b.json", str(tmp_path))
    assert len(baseline.keys) == 2  # one entry per distinct secret in the file
    new, known = baseline.split(findings)
    assert new == [] and len(known) == 3
    other = scan_source(f"a = '{TOKEN3}'\n", str(tmp_path / "x.py")).findings
    assert baseline.split(other) == (list(other), [])
    with pytest.raises(BaselineError, match=r"b\.json"):
        parse_baseline('{"version": 1, "findings": ["x"]}', "b.json", str(tmp_path))


def test_pyproject_baseline_setting_is_where_the_command_writes_and_scan_reads(tmp_path: Path) -> None:
    leaky_tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.hf-secret-guard]\nbaseline = "ci/accepted.json"\n')
    (tmp_path / "ci").mkdir()
    made = invoke("baseline", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "ci" / "accepted.json").is_file() and not (tmp_path / BASELINE).exists()
    result = invoke("scan", cwd=tmp_path / "pkg")  # config found walking up; its path is relative to it
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hidden by the baseline" in result.stdout
