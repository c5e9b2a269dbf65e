"""Every rule's examples (in ``rules.py``), run through the API and through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hf_secret_guard import scan_source
from hf_secret_guard.cli.main import cli
from hf_secret_guard.options import OPT_IN_RULES, ScanOptions
from hf_secret_guard.rules import RULES
from tests.conftest import TOKEN, fill

FLAGGED = [(code, example) for code, rule in RULES.items() for example in rule.flagged]
NOT_FLAGGED = [(code, example) for code, rule in RULES.items() for example in rule.not_flagged]


def options(code: str) -> ScanOptions:
    """An opt-in rule (HFG100) runs only when selected: its examples select it, as a user must."""
    return ScanOptions(select=(code,)) if code in OPT_IN_RULES else ScanOptions()


def test_enough_examples() -> None:
    assert len(FLAGGED) + len(NOT_FLAGGED) >= 40


@pytest.mark.parametrize(("code", "example"), FLAGGED)
def test_flagged_api(code: str, example: str) -> None:
    result = scan_source(fill(example), "example.py", options(code))
    assert [f.rule for f in result.findings] == [code], result.findings
    finding = result.findings[0]
    assert TOKEN not in finding.message
    if code not in OPT_IN_RULES:  # HFG100 is about a comment: there is no secret to mask
        assert finding.masked in finding.message


@pytest.mark.parametrize(("code", "example"), NOT_FLAGGED)
def test_not_flagged_api(code: str, example: str) -> None:
    result = scan_source(fill(example), "example.py", options(code))
    assert result.findings == ()


@pytest.mark.parametrize(("code", "example"), FLAGGED + NOT_FLAGGED)
def test_examples_cli(code: str, example: str, tmp_path: Path) -> None:
    path = tmp_path / "example.py"
    path.write_text(fill(example) + "\n")
    select = ["--select", code] if code in OPT_IN_RULES else []
    result = CliRunner().invoke(cli, ["scan", "--format", "json", *select, str(path)])
    report = json.loads(result.output)
    expected = [code] if (code, example) in FLAGGED else []
    assert [f["rule"] for f in report["findings"]] == expected
    assert result.exit_code == (1 if expected else 0)
    assert TOKEN not in result.output
