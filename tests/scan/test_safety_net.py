"""The notebook safety net searches only what no part covers (``scan.notebook_file._swept_tokens``).

It used to search the whole file with image base64 blanked to spaces; it now also leaves out every part
that is a slice of the file itself (metadata, widget state, a MIME bundle that is not an object) and
searches the stretches between them one by one.  These tests hold it to the old search: on the
repository's own notebooks and on generated notebooks with keys, key prefixes and JSON escapes put in
every kind of place, the tokens it reports outside the covered parts are exactly those of the old search.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard import api
from hf_secret_guard.providers import PREFIXES
from hf_secret_guard.read.notebook import read_notebook
from hf_secret_guard.scan import notebook_file
from hf_secret_guard.tokens import find_tokens, mask
from tests.conftest import REPO, TOKEN, TOKEN2, examples, make_token
from tests.notebooks import PNG, new_code_cell, new_markdown_cell, new_output, notebook_text

TOKEN3 = make_token(31, digits=True)


def _blanked(raw: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The old safety net's text: each span replaced by as many spaces (the outer one where they nest)."""
    pieces, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        pieces.append(raw[last:start])
        pieces.append(" " * (end - start))
        last = end
    pieces.append(raw[last:])
    return "".join(pieces)


def _old_and_new(raw: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    notebook = read_notebook(raw, lazy=True)
    old = [(m.start, m.end, m.value) for m in find_tokens(_blanked(raw, notebook.binary))]
    raw_slices = notebook_file._raw_slices(notebook.parts)
    new = [(m.start, m.end, m.value) for m in notebook_file._swept_tokens(raw, notebook.binary + raw_slices)]
    # What the new search leaves out must be in a slice part, whose own scan reports it.
    inside = [t for t in old if any(start <= t[0] < end for start, end in raw_slices)]
    slice_tokens = {
        (part.raw_start + m.start, part.raw_start + m.end, m.value)
        for part in notebook.parts
        if part.raw_start >= 0
        for m in find_tokens(part.text)
    }
    assert set(inside) == slice_tokens
    return [t for t in old if t not in inside], new


def _repository_notebooks() -> list[Path]:
    return sorted(p for folder in ("fixtures", "tests/data") for p in (REPO / folder).rglob("*.ipynb"))


def test_the_repository_notebooks_sweep_as_before() -> None:
    notebooks = _repository_notebooks()
    assert len(notebooks) >= 8
    for path in notebooks:
        old, new = _old_and_new(path.read_text(encoding="utf-8"))
        assert new == old, path


# Pieces of text a value may be made of: keys, prefixes alone, escapes that decode to a prefix's first
# letter (``\n`` + ``vapi-``), escaped quotes and slashes next to a key, numbers and constants.
PIECES = st.sampled_from(
    [
        TOKEN,
        TOKEN2,
        TOKEN3,
        *PREFIXES,
        "\n",
        "\\",
        '"',
        "/",
        " ",
        "x",
        "vapi-" + TOKEN[3:] + TOKEN2[3:],
        "\u00fc",
        "\U0001f9a5",
    ]
)
TEXTS = st.lists(PIECES, max_size=6).map("".join)
SCALARS = st.one_of(
    TEXTS, st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXTS, inner, max_size=3)),
    max_leaves=8,
)


def _notebook(
    metadata: Any, cell_metadata: Any, data: Any, extra: Any, source: str, text: str, indent: int
) -> str:
    cell = new_code_cell(source)
    cell.metadata = {"widget": cell_metadata}
    cell.outputs = [
        new_output("display_data", data={"image/png": PNG, "text/plain": text}),
        new_output("stream", text=text),
    ]
    nb = json.loads(notebook_text([new_markdown_cell(text), cell], metadata={"widgets": metadata}))
    nb["cells"][1]["outputs"].append({"output_type": "display_data", "data": data, "metadata": {}})
    nb["unknown field"] = extra
    return json.dumps(nb, indent=indent or None, ensure_ascii=bool(indent % 2))


@settings(max_examples=examples(50), deadline=None)
@given(VALUES, VALUES, VALUES, VALUES, TEXTS, TEXTS, st.sampled_from([0, 1, 2]))
def test_generated_notebooks_sweep_as_before(
    metadata: Any, cell_metadata: Any, data: Any, extra: Any, source: str, text: str, indent: int
) -> None:
    old, new = _old_and_new(_notebook(metadata, cell_metadata, data, extra, source, text, indent))
    assert new == old


def test_a_key_in_each_slice_part_or_outside_every_part_is_reported_once() -> None:
    widget_state = {"state": {"model-1": {"value": TOKEN, "_model_name": "TextModel"}}}
    raw = _notebook(widget_state, {"note": TOKEN2}, [TOKEN3], {"key": TOKEN}, "x = 1", "ok", 1)
    findings = api.scan_notebook(raw, "nb.ipynb").findings
    lines = raw.splitlines()
    assert sorted((f.masked, lines[f.file_line - 1].strip().split(":")[0]) for f in findings) == sorted(
        [
            (mask(TOKEN), '"value"'),  # notebook metadata (widget state)
            (mask(TOKEN), '"key"'),  # a field no part covers: the safety net
            (mask(TOKEN2), '"note"'),  # cell metadata
            (mask(TOKEN3), f'"{TOKEN3}"'),  # an output's data that is not a MIME bundle
        ]
    )
    assert not any(TOKEN in repr(f) or TOKEN2 in repr(f) or TOKEN3 in repr(f) for f in findings)
