"""Every rule's examples (in ``rules.py``), run through the API and through the real CLI: ``.py`` sources
as files of their own, notebook fragments inside a real notebook that nbformat validates."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner

from hf_secret_guard import scan_notebook, scan_source
from hf_secret_guard.cli.main import cli
from hf_secret_guard.options import OPT_IN_RULES, ScanOptions
from hf_secret_guard.rules import RULES
from tests.conftest import TOKEN, fill
from tests.notebooks import STYLES, Style, new_code_cell, new_markdown_cell, notebook_text

EXAMPLES = [(code, ex, True) for code, rule in RULES.items() for ex in rule.flagged] + [
    (code, ex, False) for code, rule in RULES.items() for ex in rule.not_flagged
]
FLAGGED = [(code, ex) for code, ex, flagged in EXAMPLES if flagged and isinstance(ex, str)]
NOT_FLAGGED = [(code, ex) for code, ex, flagged in EXAMPLES if not flagged and isinstance(ex, str)]
NB_FLAGGED = [(code, ex) for code, ex, flagged in EXAMPLES if flagged and not isinstance(ex, str)]
NB_NOT_FLAGGED = [(code, ex) for code, ex, flagged in EXAMPLES if not flagged and not isinstance(ex, str)]


def options(code: str) -> ScanOptions:
    """An opt-in rule (HFG100) runs only when selected: its examples select it, as a user must."""
    return ScanOptions(select=(code,)) if code in OPT_IN_RULES else ScanOptions()


def test_enough_examples() -> None:
    assert len(FLAGGED) + len(NOT_FLAGGED) >= 40
    for code, rule in RULES.items():  # every rule shows both sides
        assert rule.flagged and rule.not_flagged, code


def filled(value: Any) -> Any:
    """A notebook fragment with the placeholders of every string filled."""
    if isinstance(value, str):
        return fill(value)
    if isinstance(value, Mapping):
        return {key: filled(item) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item) for item in value]
    return value


def notebook_with(example: Mapping[str, Any], style: Style) -> str:
    """A valid notebook holding the fragment, between two clean cells."""
    fragment = filled(example)
    if "cell_type" in fragment:
        cell = nbformat.from_dict({"id": "example", **fragment})
        return notebook_text([new_markdown_cell("# Intro"), cell, new_code_cell("x = 1")], style)
    return notebook_text([new_code_cell("x = 1")], style, metadata=fragment["metadata"])


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("code", "example"), NB_FLAGGED)
def test_flagged_notebook(code: str, example: Mapping[str, Any], style: Style) -> None:
    result = scan_notebook(notebook_with(example, style), "example.ipynb")
    assert [f.rule for f in result.findings] == [code], result.findings
    finding = result.findings[0]
    assert TOKEN not in finding.message and finding.masked in finding.message


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("code", "example"), NB_NOT_FLAGGED)
def test_not_flagged_notebook(code: str, example: Mapping[str, Any], style: Style) -> None:
    result = scan_notebook(notebook_with(example, style), "example.ipynb")
    assert result.findings == () and result.errors == ()


@pytest.mark.parametrize(("code", "example"), NB_FLAGGED + NB_NOT_FLAGGED)
def test_notebook_examples_cli(code: str, example: Mapping[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "example.ipynb"
    path.write_text(notebook_with(example, "colab-4.0"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", "--format", "json", str(path)])
    report = json.loads(result.output)
    expected = [code] if (code, example) in NB_FLAGGED else []
    assert [f["rule"] for f in report["findings"]] == expected
    assert result.exit_code == (1 if expected else 0)
    assert TOKEN not in result.output


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
