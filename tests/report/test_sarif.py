"""``--format sarif``: valid SARIF 2.1.0 (checked against the OASIS schema in tests/data) with what GitHub
code scanning needs: described rules, repo-relative uris, real 1-based regions, fingerprints, no snippets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from hf_secret_guard.report.sarif import render_sarif, sarif_log
from hf_secret_guard.rules import RULES
from hf_secret_guard.scan import scan_notebook, scan_source
from tests.conftest import ORG_TOKEN, REPO, TOKEN, TOKEN2
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, new_markdown_cell, new_output, notebook_text

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
PLANTED = (TOKEN, TOKEN2, ORG_TOKEN)
OTHER_SECRET = "sk-test-not-a-real-key-0000"


def validate(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def walk_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in walk_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in walk_keys(v)}
    return set()


def make_tree(root: Path) -> None:
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(
        "import os\n"
        f'os.environ["HF_TOKEN"] = "{TOKEN}"\n'
        f'os.environ["OPENAI_API_KEY"] = "{OTHER_SECRET}"\n'
        f't = ("{TOKEN2[:12]}"\n     "{TOKEN2[12:]}")\n'
        f"same = '{TOKEN}'\n"
    )
    (root / "dir with space").mkdir()
    (root / "dir with space" / "ünï.py").write_text(f"call(api_key='{ORG_TOKEN}')\n", encoding="utf-8")
    cells = [
        new_markdown_cell("# Title\nsome text"),
        new_code_cell(f'from huggingface_hub import login\nlogin(token="{TOKEN}")'),
        new_code_cell("print(t)", outputs=[new_output("stream", name="stdout", text=f"token {TOKEN2}\n")]),
        new_code_cell(f't = ("{TOKEN[:12]}"\n     "{TOKEN[12:]}")'),
        new_markdown_cell(f"Do not share {TOKEN2}"),
    ]
    (root / "nb.ipynb").write_text(notebook_text(cells, metadata={"note": TOKEN2}), encoding="utf-8")
    (root / "colab.ipynb").write_text(notebook_text(cells, style="colab-4.0", list_sources=False))
    (root / "broken.ipynb").write_text('{"cells": [ \n' + f'"{TOKEN}"')


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], dict[str, Any], str]:
    root = tmp_path_factory.mktemp("sarif")
    make_tree(root)
    sarif = run_main("scan", "--format", "sarif", ".", cwd=root)
    as_json = run_main("scan", "--format", "json", ".", cwd=root)
    assert sarif.returncode == 1, sarif.stderr
    return root, json.loads(sarif.stdout), json.loads(as_json.stdout), sarif.stdout + sarif.stderr


def test_validates_against_the_sarif_schema(
    scanned: tuple[Path, dict[str, Any], dict[str, Any], str],
) -> None:
    _, log, _, _ = scanned
    validate(log)
    assert log["version"] == "2.1.0"


def test_every_rule_is_described(scanned: tuple[Path, dict[str, Any], dict[str, Any], str]) -> None:
    driver = scanned[1]["runs"][0]["tool"]["driver"]
    assert driver["name"] == "hf-secret-guard" and driver["version"] and driver["informationUri"]
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    for descriptor, rule in zip(driver["rules"], RULES.values(), strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.help
        assert descriptor["help"]["text"] and descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == "error"


def test_results_match_the_json_findings(scanned: tuple[Path, dict[str, Any], dict[str, Any], str]) -> None:
    _, log, report, _ = scanned
    results = log["runs"][0]["results"]
    assert len(results) == len(report["findings"]) >= 12
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result, finding in zip(results, report["findings"], strict=True):
        assert result["ruleId"] == finding["rule"] == rules[result["ruleIndex"]]["id"]
        assert result["level"] == "error"
        assert finding["secret"] in result["message"]["text"]
        assert finding["fingerprint"] in result["partialFingerprints"]["hfSecretGuard/v1"]
    fingerprints = [r["partialFingerprints"]["hfSecretGuard/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)  # the same token twice in a file: two alerts


def region_text(root: Path, result: dict[str, Any]) -> tuple[str, bool]:
    """The text a one-line region covers; for a region that runs on past its line, the rest of that line."""
    location = result["locations"][0]["physicalLocation"]
    artifact = location["artifactLocation"]
    assert artifact["uriBaseId"] == "%SRCROOT%"
    assert not artifact["uri"].startswith(("/", "file:", "./"))
    region = location["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1
    lines = (root / unquote(artifact["uri"])).read_text(encoding="utf-8").splitlines()
    line = lines[region["startLine"] - 1]
    if "endColumn" not in region or region["endLine"] != region["startLine"]:
        return line[region["startColumn"] - 1 :], True
    assert region["endColumn"] > region["startColumn"]
    return line[region["startColumn"] - 1 : region["endColumn"] - 1], False


def test_regions_point_at_the_secret_in_the_file(
    scanned: tuple[Path, dict[str, Any], dict[str, Any], str],
) -> None:
    root, log, _, _ = scanned
    results = log["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "dir%20with%20space/%C3%BCn%C3%AF.py" in uris and "src/app.py" in uris
    open_ended = 0
    for result in results:
        text, open_end = region_text(root, result)
        if open_end:  # a token split over two lines of a cell: the region starts at it, runs to the line end
            open_ended += 1
            assert any(text.startswith(token[:12]) for token in PLANTED), (result, text)
        else:
            assert text in PLANTED or text == f'"{OTHER_SECRET}"', (result, text)
    assert open_ended == 3  # the .py file's and each notebook's literal split over two lines


def test_notebook_results_name_the_cell_and_a_real_line(
    scanned: tuple[Path, dict[str, Any], dict[str, Any], str],
) -> None:
    _, log, report, _ = scanned
    for result, finding in zip(log["runs"][0]["results"], report["findings"], strict=True):
        if not finding["path"].endswith(".ipynb") or finding["cell"] is None:
            continue
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == finding["file_line"] > 1
        assert region["startColumn"] == finding["file_column"]
        message = result["message"]["text"]
        assert message.startswith(f"cell {finding['cell']}")
        assert f"line {finding['line']}, column {finding['column']}" in message
        if finding["output"] is not None:
            assert f"output {finding['output']}" in message


def test_no_secret_and_no_snippet(scanned: tuple[Path, dict[str, Any], dict[str, Any], str]) -> None:
    _, log, _, output = scanned
    assert not {"snippet", "contextRegion"} & walk_keys(log)
    for secret in (*PLANTED, OTHER_SECRET):
        assert secret not in output
    assert "hf_****" in output


def test_unreadable_notebook_is_a_notification(
    scanned: tuple[Path, dict[str, Any], dict[str, Any], str],
) -> None:
    invocation = scanned[1]["runs"][0]["invocations"][0]
    notes = invocation["toolExecutionNotifications"]
    assert any("broken.ipynb" in n["message"]["text"] and n["level"] == "warning" for n in notes)
    assert invocation["executionSuccessful"] is True


def test_path_outside_the_root_is_an_absolute_uri(tmp_path: Path) -> None:
    result = scan_source(f"x = '{TOKEN}'\n", str(tmp_path / "a.py"))
    inside = sarif_log(result.findings, [], root=str(tmp_path))
    outside = sarif_log(result.findings, [], root=str(tmp_path / "elsewhere"))
    validate(inside)
    validate(outside)
    location = outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "a.py").as_uri()}
    inner = inside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert inner == {"uri": "a.py", "uriBaseId": "%SRCROOT%"}


def test_empty_scan_is_valid() -> None:
    log = json.loads(render_sarif([], []))
    validate(log)
    assert log["runs"][0]["results"] == []


def test_multiline_cell_span_keeps_a_valid_region() -> None:
    raw = notebook_text([new_code_cell(f't = ("{TOKEN[:12]}"\n     "{TOKEN[12:]}")')])
    result = scan_notebook(raw, "nb.ipynb")
    [finding] = result.findings
    assert finding.span.end_line > finding.span.line
    log = sarif_log(result.findings, [])
    validate(log)
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {
        "startLine": finding.file_line,
        "startColumn": finding.file_column,
        "endLine": finding.file_line,
    }
    assert raw.splitlines()[finding.file_line - 1][finding.file_column - 1 :].startswith(TOKEN[:12])
