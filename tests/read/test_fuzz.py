"""Property tests and the fuzz run over the notebook reader, the JSON position reader and IPython masking.

In the normal suite each property runs a modest number of examples.  The fuzz run is the same tests with
many more: ``HFSG_FUZZ_EXAMPLES=20000 uv run pytest tests/read/test_fuzz.py`` (a few minutes).
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hf_secret_guard import scan_bytes, scan_notebook, scan_source
from hf_secret_guard.read.ipython import mask_cell
from hf_secret_guard.read.jsonspan import JsonSpanError, parse_with_spans, raw_offset_in_string
from hf_secret_guard.tokens import find_tokens
from tests.conftest import TOKEN, examples

EXAMPLES = int(os.environ.get("HFSG_FUZZ_EXAMPLES", examples(50)))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.text(max_size=30), st.just(TOKEN)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)
code_lines = st.one_of(
    st.sampled_from(
        [
            "import os",
            "x = 1",
            "%env HF_TOKEN=value",
            "!pip install x",
            "y = !ls",
            "obj?",
            "??obj",
            "if x:",
            "    pass",
            "    !echo hi",
            "%%bash",
            "%%capture",
            f"t = '{TOKEN}'",
            f"os.environ['HF_TOKEN'] = '{TOKEN}'",
            "s = '''",
            "'''",
            "def f(:",
            "\\",
            "",
        ]
    ),
    st.text(max_size=40),
)
cells = st.lists(code_lines, max_size=8).map("\n".join)


@FUZZ
@given(json_values, st.sampled_from([None, 1, 2]), st.booleans())
def test_json_spans_agree_with_json(value: Any, indent: int | None, ascii_only: bool) -> None:
    raw = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    parsed, spans = parse_with_spans(raw)
    assert parsed == value
    for start, end in spans.values():
        json.loads(raw[start:end])  # every recorded span is one whole JSON value


@FUZZ
@given(st.text(max_size=40), st.booleans())
def test_raw_offsets_inside_json_strings(text: str, ascii_only: bool) -> None:
    raw = json.dumps(text, ensure_ascii=ascii_only)
    for index in range(len(text) + 1):
        offset = raw_offset_in_string(raw, 0, index)
        assert json.loads(raw[:offset] + '"') == text[:index]


@FUZZ
@example("\ud800")
@example('{"cells": [')
@given(st.text(max_size=200))
def test_json_reader_raises_only_its_own_error(raw: str) -> None:
    try:
        parse_with_spans(raw)
    except JsonSpanError as exc:
        assert "line" in str(exc)


@FUZZ
@given(cells, st.booleans())
def test_masking_keeps_every_offset(text: str, automagic: bool) -> None:
    masked = mask_cell(text, automagic=automagic)
    assert len(masked.python) == len(text)
    # Indentation and prompts IPython strips end in a form feed, which resets Python's column count.
    margin_ends = {end - 1 for _, end in masked.margins}
    for index, (a, b) in enumerate(zip(text, masked.python, strict=True)):
        if index in margin_ends:
            assert a not in "\r\n" and b == "\f"
        else:
            assert a == b or (a not in "\r\n" and b in "0 ")
    for start, _ in masked.margins:
        assert start == 0 or text[start - 1] in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    for start, end in masked.shell_lines:
        assert 0 <= start <= end <= len(text)


@FUZZ
@given(cells)
def test_scanning_code_never_raises_and_never_misses_a_plain_token(text: str) -> None:
    result = scan_source(text, "fuzz.py")
    reported = {f.secret for f in result.findings}
    tokens = {m.value for m in find_tokens(text)}
    # A plain token in the text is reported unless the code defines a name with exactly that spelling.
    assert tokens <= reported or f"{TOKEN}(" in text or f"def {TOKEN}" in text or not tokens


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["code", "markdown", "raw"]), cells), max_size=5), json_values)
def test_scanning_notebooks_never_raises(cell_specs: list[tuple[str, str]], metadata: Any) -> None:
    cells_json = [
        {
            "cell_type": kind,
            "metadata": {},
            "source": source.splitlines(True),
            **({"outputs": [], "execution_count": None} if kind == "code" else {}),
        }
        for kind, source in cell_specs
    ]
    raw = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": metadata}, "cells": cells_json})
    result = scan_notebook(raw, "fuzz.ipynb")
    if TOKEN in raw:
        assert result.findings or any(TOKEN in source for _, source in cell_specs)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["f.py", "f.ipynb"]))
def test_scanning_bytes_never_raises(data: bytes, name: str) -> None:
    scan_bytes(data + TOKEN.encode(), name)
    scan_bytes(data, name)
