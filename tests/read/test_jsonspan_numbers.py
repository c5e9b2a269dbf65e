"""A notebook with a number too long for Python to read (more digits than ``int`` converts, the limit
``json.loads`` and so Jupyter also hit) is invalid to us as to them: scanned as text with a warning that
names the file and the reason, never an internal error, and never rewritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hf_secret_guard.read.jsonspan import JsonSpanError, parse_with_spans
from tests.conftest import make_token
from tests.inprocess import run_main
from tests.notebooks import one_cell_compact

LONG = "9" * 5000  # past the 4,300 digits CPython turns into an int by default


def test_a_number_too_long_to_read_is_invalid_json() -> None:
    with pytest.raises(ValueError, match="4300"):
        json.loads(LONG)  # the limit this reader shares: if Python lifts it, this test must be revisited
    with pytest.raises(JsonSpanError, match="Number too long to read: line 1 column 20"):
        parse_with_spans('{"cells": [], "x": ' + LONG + "}", lazy=True)


@pytest.mark.parametrize("where", ["cell metadata", "notebook metadata", "output data"])
def test_a_notebook_with_a_number_too_long_to_read_is_scanned_as_text(tmp_path: Path, where: str) -> None:
    token = make_token(43)
    text = one_cell_compact(f't = "{token}"\n')
    if where == "cell metadata":
        odd = text.replace('"metadata": {}, "outputs"', f'"metadata": {{"n": {LONG}}}, "outputs"')
    elif where == "notebook metadata":
        odd = text.replace('"metadata": {}, "nbformat"', f'"metadata": {{"n": {LONG}}}, "nbformat"')
    else:
        output = '{"output_type": "display_data", "metadata": {}, "data": {"application/json": ' + LONG + "}}"
        odd = text.replace('"outputs": []', f'"outputs": [{output}]')
    assert odd != text
    (tmp_path / "long.ipynb").write_text(odd)
    result = run_main("scan", "--format", "json", "long.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert "long.ipynb: warning: invalid JSON (Number too long to read" in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["secret"]) for f in findings] == [("HFG004", token[:3] + "****" + token[-4:])]
    assert token not in result.stdout + result.stderr
    fixed = run_main("scan", "--fix", "long.ipynb", cwd=tmp_path)
    assert (tmp_path / "long.ipynb").read_text() == odd  # a file the tool cannot read is never rewritten
    assert "internal error" not in fixed.stderr
