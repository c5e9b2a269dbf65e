"""The lazy reading of a notebook (``read_notebook(raw, lazy=True)``, as a scan reads): lists of strings
are read whole by the C decoder and their items placed only when asked.  Whatever is asked, the answer
must be the full reader's: same value, same spans, same parts once placed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hf_secret_guard import scan_notebook
from hf_secret_guard.read.jsonspan import JsonSpanError, item_spans, parse_with_spans
from hf_secret_guard.read.notebook import placed, raw_offset, read_notebook
from tests.conftest import TOKEN, examples
from tests.notebooks import (
    PNG,
    STYLES,
    Style,
    new_code_cell,
    new_markdown_cell,
    new_output,
    new_raw_cell,
    notebook_text,
)

SETTINGS = settings(max_examples=examples(30), deadline=None, suppress_health_check=list(HealthCheck))

# Lines as notebooks hold them: escapes, non-ASCII, a token, IPython lines, empty lines.
_LINE = st.one_of(
    st.sampled_from(
        [
            "import os\n",
            'token = "YOUR_HF_TOKEN"\n',
            f'os.environ["HF_TOKEN"] = "{TOKEN}"\n',
            "!pip install -q unsloth\n",
            'print("tab\\there", "quote \\" and \\\\ backslash")\n',
            "é ü 🤗 \u2028 line\n",
            "\n",
            "",
        ]
    ),
    st.text(max_size=20),
)
_TEXT = st.lists(_LINE, max_size=5).map("".join)
_JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), _TEXT)
_JSON = st.recursive(
    _JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def _cell(draw: Any) -> Any:
    kind = draw(st.integers(0, 4))
    text = draw(_TEXT)
    if kind == 0:
        return new_markdown_cell(text)
    if kind == 1:
        return new_raw_cell(text)
    outputs = []
    for _ in range(draw(st.integers(0, 3))):
        shape = draw(st.integers(0, 3))
        if shape == 0:
            outputs.append(new_output("stream", text=draw(_TEXT)))
        elif shape == 1:
            lines = draw(st.lists(_TEXT, max_size=4))
            outputs.append(new_output("error", ename="E", evalue=draw(_TEXT), traceback=lines))
        elif shape == 2:
            data = {"text/plain": draw(_TEXT), "image/png": PNG, "application/json": draw(_JSON)}
            outputs.append(new_output("display_data", data=data))
        else:
            outputs.append(new_output("execute_result", data={"text/html": draw(_TEXT)}, execution_count=1))
    return new_code_cell(text, outputs=outputs)


@SETTINGS
@given(
    cells=st.lists(_cell(), max_size=5),
    style=st.sampled_from(STYLES),
    lists=st.booleans(),
    ascii=st.booleans(),
)
def test_lazy_parts_placed_are_the_full_readers(
    cells: list[Any], style: Style, lists: bool, ascii: bool
) -> None:
    raw = notebook_text(cells, style, list_sources=lists)
    if ascii:  # written with \u escapes
        raw = json.dumps(json.loads(raw), indent=1, ensure_ascii=True)
    full, lazy = read_notebook(raw), read_notebook(raw, lazy=True)
    assert lazy.value == full.value and lazy.binary == full.binary and lazy.notes == full.notes
    assert len(lazy.parts) == len(full.parts)
    for lazy_part, full_part in zip(lazy.parts, full.parts, strict=True):
        assert lazy_part._replace(raw_pieces=()) == full_part._replace(raw_pieces=())
        assert placed(lazy, lazy_part) == full_part
        part = placed(lazy, lazy_part)
        for offset, char in enumerate(full_part.text):
            at = raw_offset(raw, part, offset)
            assert at == raw_offset(raw, full_part, offset)
            if char.isascii() and char.isalnum():  # written as itself in the file
                assert raw[at] == char
    assert {path: span for path, span in full.spans.items() if path in lazy.spans} == lazy.spans


@SETTINGS
@given(value=_JSON, indent=st.sampled_from([None, 1, 2]), ascii=st.booleans())
def test_lazy_spans_are_the_full_readers_once_items_are_asked_for(
    value: Any, indent: int | None, ascii: bool
) -> None:
    raw = json.dumps(value, indent=indent, ensure_ascii=ascii)
    full_value, full = parse_with_spans(raw)
    lazy_value, lazy = parse_with_spans(raw, lazy=True)
    assert lazy_value == full_value == value
    assert {path: full[path] for path in lazy} == lazy
    for path in list(lazy):
        item_spans(raw, lazy, path)
    assert lazy == full


@pytest.mark.parametrize(
    "raw",
    [
        '{"a": ["x", "y\\q"]}',  # a bad escape inside a list of strings
        '{"a": ["x", "y",]}',
        '{"a": ["x" "y"]}',
        '{"a": ["x", Infinity]}',
        '{"a": ["x", "\x01"]}',
        '{"a": ["x", "y"',
    ],
)
def test_an_error_in_a_list_of_strings_is_the_full_readers(raw: str) -> None:
    with pytest.raises(JsonSpanError) as full:
        parse_with_spans(raw)
    with pytest.raises(JsonSpanError) as lazy:
        parse_with_spans(raw, lazy=True)
    assert str(lazy.value) == str(full.value)


def test_a_list_that_starts_with_strings_but_holds_more_is_read_item_by_item() -> None:
    raw = json.dumps({"source": ["a", ["b", "c"], {"d": 1.5}], "text": ["x", "y"]}, indent=1)
    value, spans = parse_with_spans(raw, lazy=True)
    assert value == json.loads(raw)
    assert ("source", 0) in spans and ("source", 2, "d") in spans  # read by the reader here
    assert ("source", 1, 0) not in spans and ("text", 0) not in spans  # strings only: one span each
    item_spans(raw, spans, ("text",))
    assert raw[slice(*spans[("text", 1)])] == '"y"'


@pytest.mark.parametrize("first", ['[1, "x = 1\\n"]', '[1, "a\\n", "b\\n", "c\\n"]'])
def test_a_repeated_source_key_is_read_as_its_last_value(first: str) -> None:
    """JSON keeps the last of a repeated key: the lazy read places the finding in that value, as a full
    read does, whatever the former value held (a number made it be read item by item)."""
    source = json.dumps(["import os\n", "y = 2\n", f'token = "{TOKEN}"\n'])
    raw = (
        '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],\n'
        f' "source": {first},\n "source": {source}}}],\n'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    )
    found = scan_notebook(raw).findings
    line = raw.splitlines().index(next(x for x in raw.splitlines() if TOKEN in x and "source" in x)) + 1
    assert [(f.rule, f.span.line) for f in found] == [("HFG001", line)]


# Keys as files have them and as they may be broken: plain, with escapes (read by ``scanstring``, not the
# one-match path), with a raw control character or an unfinished escape (invalid), and odd white space
# around the colon.
_KEYS = st.sampled_from(
    ["cell_type", "", "a b", 'q\\"x', "back\\\\slash", "\\u0041\\u00e9", "tab\\tx", "\x01", "\\x"]
)
_GAPS = st.sampled_from(["", " ", "\t", "\n ", "\r\n", "  \n\t"])


@SETTINGS
@given(
    members=st.lists(
        st.tuples(_KEYS, _GAPS, _GAPS, st.sampled_from(['"v"', "1", "[]", '{"k": "w"}', '["x", "y"]'])),
        max_size=4,
    ),
    cut=st.integers(0, 400),
    drop=st.integers(0, 1),
    lazy=st.booleans(),
)
def test_keys_read_as_json_reads_them(
    members: list[tuple[str, str, str, str]], cut: int, drop: int, lazy: bool
) -> None:
    """The reader's value or error (message and position) for an object is ``json``'s, whether its keys
    are read by the one-match path or by ``scanstring``; also with one character dropped anywhere."""
    raw = "{" + ", ".join(f'"{key}"{before}:{after}{value}' for key, before, after, value in members) + "}"
    if drop and raw:
        raw = raw[: cut % len(raw)] + raw[cut % len(raw) + 1 :]
    try:
        expected: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        expected = str(exc)
    try:
        got: Any = parse_with_spans(raw, lazy=lazy)[0]
    except JsonSpanError as exc:
        got = str(exc)
    assert got == expected
