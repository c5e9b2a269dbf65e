"""``--output FILE`` (the report to a file, the human summary on the console) and ``--statistics``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hf_secret_guard.cli.main import cli
from tests.conftest import TOKEN, TOKEN2


def leaky(root: Path) -> None:
    (root / "a.py").write_text(
        f"x = '{TOKEN}'\ny = '{TOKEN2}'\nimport os\nos.environ['HF_TOKEN'] = '{TOKEN}'\n# {TOKEN2}\n"
    )


def test_output_writes_the_report_and_keeps_the_console_human(workdir: Path) -> None:
    leaky(workdir)
    result = CliRunner().invoke(cli, ["scan", "--format", "sarif", "--output", "out.sarif", "a.py"])
    assert result.exit_code == 1
    log = json.loads((workdir / "out.sarif").read_text(encoding="utf-8"))
    assert len(log["runs"][0]["results"]) == 4
    assert result.stdout.startswith("a.py:1:6: HFG001 ")
    assert "Found 4 leaks in 1 file (1 scanned)" in result.stdout
    assert "{" not in result.stdout


def test_output_text_is_the_same_report(workdir: Path) -> None:
    leaky(workdir)
    result = CliRunner().invoke(cli, ["scan", "--output", "out.txt", "a.py"])
    assert (workdir / "out.txt").read_text(encoding="utf-8") == result.stdout


def test_output_unwritable_is_exit_2(workdir: Path) -> None:
    leaky(workdir)
    (workdir / "blocker").write_text("a file, not a folder\n")  # a missing folder is created (issue 16)
    result = CliRunner().invoke(cli, ["scan", "--format", "json", "--output", "blocker/dir/out.json", "a.py"])
    assert result.exit_code == 2
    assert result.stderr.startswith("blocker/dir/out.json: error: cannot write report")


def test_statistics(workdir: Path) -> None:
    leaky(workdir)
    result = CliRunner().invoke(cli, ["scan", "--statistics", "a.py"])
    lines = result.stdout.splitlines()
    assert lines[:2] == ["3\tHFG001\thardcoded-token", "1\tHFG002\tsecret-in-environ"]
    assert lines[2].startswith("Found 4 leaks")


def test_statistics_with_a_machine_format_goes_to_stderr(workdir: Path) -> None:
    leaky(workdir)
    result = CliRunner().invoke(cli, ["scan", "--format", "json", "--statistics", "a.py"])
    json.loads(result.stdout)  # stdout stays parseable
    assert "HFG001\thardcoded-token" in result.stderr
