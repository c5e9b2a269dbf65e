"""How deep the notebook reader nests: ``read.jsonspan`` reads an object or array inside another through
``_value``, two calls a level, and JSON nested past Python's recursion limit that way is "nested too
deeply", an invalid notebook scanned as text.  A reader that nested with fewer calls a level would read
such a notebook and report its keys elsewhere, with no warning: not the same scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hf_secret_guard.read.jsonspan import JsonSpanError, parse_with_spans
from tests.conftest import make_token
from tests.inprocess import run_main
from tests.notebooks import one_cell_compact

# 600 levels: 1,200 calls of the reader, past the recursion limit of 1,000 on every supported version.
DEPTH = 600
NESTINGS = {
    "objects": ('{"a": ' * DEPTH + "1" + "}" * DEPTH),
    "objects in arrays": ('[{"a": ' * (DEPTH // 2) + "1" + "}]" * (DEPTH // 2)),
    "arrays in objects": ('{"a": [' * (DEPTH // 2) + "1" + "]}" * (DEPTH // 2)),
}


@pytest.mark.parametrize("nested", NESTINGS.values(), ids=NESTINGS.keys())
def test_json_nested_past_the_limit_is_refused(nested: str) -> None:
    with pytest.raises(JsonSpanError, match="JSON nested too deeply"):
        parse_with_spans('{"cells": [], "x": ' + nested + "}", lazy=True)


@pytest.mark.parametrize("nested", NESTINGS.values(), ids=NESTINGS.keys())
def test_an_object_of_a_mime_bundle_nested_past_the_limit_is_refused(nested: str) -> None:
    """The C decoder reads an object of an output's MIME bundle (a widget view) whole, and reads deeper
    than the reader here: one nested past the reader's limit is still refused, as before that."""
    raw = '{"cells": [{"outputs": [{"data": {"application/json": ' + nested + "}}]}]}"
    with pytest.raises(JsonSpanError, match="JSON nested too deeply"):
        parse_with_spans(raw, lazy=True)


@pytest.mark.parametrize("where", ["cell", "output data"])
@pytest.mark.parametrize("nested", NESTINGS.values(), ids=NESTINGS.keys())
def test_a_notebook_nested_past_the_limit_is_scanned_as_text(tmp_path: Path, nested: str, where: str) -> None:
    token = make_token(41)
    text = one_cell_compact(f't = "{token}"\n')
    if where == "cell":
        deep = text.replace('"outputs": []', f'"outputs": [], "x": {nested}')
    else:
        output = (
            '{"output_type": "display_data", "metadata": {}, "data": {"application/json": ' + nested + "}}"
        )
        deep = text.replace('"outputs": []', f'"outputs": [{output}]')
    (tmp_path / "deep.ipynb").write_text(deep)
    result = run_main("scan", "--format", "json", "deep.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    assert "invalid JSON (JSON nested too deeply" in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["position_in"], f["secret"]) for f in findings] == [
        ("HFG004", "file", token[:3] + "****" + token[-4:])
    ]
    assert token not in result.stdout + result.stderr
