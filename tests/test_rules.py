"""Every rule's examples (in ``rules.py``), run through the API and through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hf_secret_guard import scan_source
from hf_secret_guard.cli.main import cli
from hf_secret_guard.rules import RULES
from tests.conftest import TOKEN, fill

FLAGGED = [(code, example) for code, rule in RULES.items() for example in rule.flagged]
NOT_FLAGGED = [(code, example) for code, rule in RULES.items() for example in rule.not_flagged]


def test_enough_examples() -> None:
    assert len(FLAGGED) + len(NOT_FLAGGED) >= 40


@pytest.mark.parametrize(("code", "example"), FLAGGED)
def test_flagged_api(code: str, example: str) -> None:
    result = scan_source(fill(example), "example.py")
    assert [f.rule for f in result.findings] == [code], result.findings
    finding = result.findings[0]
    assert TOKEN not in finding.message and finding.masked in finding.message


@pytest.mark.parametrize(("code", "example"), NOT_FLAGGED)
def test_not_flagged_api(code: str, example: str) -> None:
    result = scan_source(fill(example), "example.py")
    assert result.findings == ()


@pytest.mark.parametrize(("code", "example"), FLAGGED + NOT_FLAGGED)
def test_examples_cli(code: str, example: str, tmp_path: Path) -> None:
    path = tmp_path / "example.py"
    path.write_text(fill(example) + "\n")
    result = CliRunner().invoke(cli, ["scan", "--format", "json", str(path)])
    report = json.loads(result.output)
    expected = [code] if (code, example) in FLAGGED else []
    assert [f["rule"] for f in report["findings"]] == expected
    assert result.exit_code == (1 if expected else 0)
    assert TOKEN not in result.output
