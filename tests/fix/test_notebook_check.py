"""The check of a fixed notebook without nbformat: a fix that changed only free text (a cell's source, an
output's text) is as valid as the original.  Proven against nbformat's own validator on real notebook
files and on every string of them changed at random."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard.fix.plan_notebook import free_text_only
from tests.conftest import examples
from tests.notebooks import PNG, new_code_cell, new_markdown_cell, new_output, notebook_text

ROOT = Path(__file__).parents[2]


def _every_output_kind() -> str:
    cells = [
        new_markdown_cell("# Title\nSome *text*."),
        new_code_cell(
            "print('x')\ndisplay(df)\n1 / 0",
            outputs=[
                new_output("stream", name="stdout", text="x\n"),
                new_output("stream", name="stderr", text=["warn\n", "more\n"]),
                new_output(
                    "display_data",
                    data={"image/png": PNG, "text/plain": "<Figure>", "text/html": ["<b>", "</b>"]},
                ),
                new_output("execute_result", data={"application/json": {"a": [1, "b"]}, "text/plain": "1"}),
                new_output(
                    "error", ename="ZeroDivisionError", evalue="division by zero", traceback=["a", "b"]
                ),
            ],
        ),
    ]
    return notebook_text(cells, "colab-4.0")


def _notebooks() -> list[Any]:
    paths = sorted((ROOT / "tests" / "data").rglob("*.ipynb")) + sorted((ROOT / "fixtures").rglob("*.ipynb"))
    values = [json.loads(path.read_text("utf-8")) for path in paths]
    values.append(json.loads(_every_output_kind()))
    return [value for value in values if _valid(value)]


def _valid(value: Any) -> bool:
    try:
        nbformat.validate(copy.deepcopy(value))
    except nbformat.ValidationError:
        return False
    return True


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _string_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _string_paths(item, (*path, index))


def _replaced(value: Any, path: tuple[Any, ...], text: str) -> Any:
    changed = copy.deepcopy(value)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = text
    return changed


NOTEBOOKS = _notebooks()


def test_the_set_is_real() -> None:
    assert len(NOTEBOOKS) >= 8 and all(value["nbformat"] == 4 for value in NOTEBOOKS)


@settings(max_examples=examples(75), deadline=None)
@given(data=st.data())
def test_a_change_judged_free_text_keeps_the_notebook_valid(data: st.DataObject) -> None:
    before = data.draw(st.sampled_from(NOTEBOOKS))
    after = before
    for _ in range(data.draw(st.integers(1, 3))):
        by_key: dict[str, list[tuple[Any, ...]]] = {}  # a key first, so that rare keys (enums) come up
        for path in _string_paths(after):
            by_key.setdefault(str(next(k for k in reversed(path) if isinstance(k, str))), []).append(path)
        path = data.draw(st.sampled_from(by_key[data.draw(st.sampled_from(sorted(by_key)))]))
        after = _replaced(after, path, data.draw(st.text(max_size=12)))
    if free_text_only(before, after):
        assert _valid(after)


@pytest.mark.parametrize(
    ("path", "text", "free"),
    [
        (("cells", 1, "source", 0), "login(token=userdata.get('HF_TOKEN'))\n", True),
        (("cells", 1, "outputs", 0, "text", 0), "hf_****abcd\n", True),
        (("cells", 1, "outputs", 1, "text", 0), "hf_****abcd\n", True),
        (("cells", 1, "outputs", 2, "data", "text/html", 1), "</i>", True),
        (("cells", 1, "outputs", 4, "evalue"), "masked", True),
        (("cells", 1, "outputs", 4, "traceback", 1), "masked", True),
        (("cells", 1, "outputs", 0, "name"), "stdin", False),
        (("cells", 1, "outputs", 0, "output_type"), "streams", False),
        (("cells", 1, "cell_type"), "raw", False),
        (("cells", 1, "id"), "not an id!", False),
        (("cells", 1, "outputs", 3, "data", "application/json", "a", 1), "c", False),
        (("cells", 1, "outputs", 4, "ename"), "Other", False),
        (("metadata", "colab", "provenance"), "x", False),
    ],
)
def test_free_text_is_the_source_and_the_output_text(path: tuple[Any, ...], text: str, free: bool) -> None:
    before = json.loads(_every_output_kind())
    if path[-1] == "provenance":
        before["metadata"].setdefault("colab", {})["provenance"] = "y"
    if path[-1] == "id":  # cell ids (a pattern) came with nbformat 4.5
        before["nbformat_minor"] = 5
        for index, cell in enumerate(before["cells"]):
            cell["id"] = f"cell-{index}"
    after = _replaced(before, path, text)
    assert free_text_only(before, after) is free
    if free:
        assert _valid(after)


def test_a_version_3_notebook_is_left_to_nbformat() -> None:
    before = json.loads(_every_output_kind())
    before["nbformat"] = 3
    assert not free_text_only(before, _replaced(before, ("cells", 1, "source"), "x = 1"))


def _spans_of_strings(before: Any) -> list[tuple[Any, ...]]:
    """Every path to a string or a list of strings: the values a fix edits."""
    found = []
    for path in _string_paths(before):
        found.append(path)
        if isinstance(path[-1], int):
            found.append(path[:-1])
    return sorted(set(found), key=repr)


@settings(max_examples=examples(100), deadline=None)
@given(data=st.data())
def test_reading_only_the_edited_values_judges_as_reading_the_whole_file(data: st.DataObject) -> None:
    """A fixed notebook's check reads only the values the fix edited, where it can tell they are whole
    JSON values at free-text paths; its verdict and the value it gives are those of reading the whole
    fixed file (for any value edited, free text or not, in the file's own format)."""
    from hf_secret_guard.fix.apply import apply_edits
    from hf_secret_guard.fix.plan_notebook import NotebookFixError, _check
    from hf_secret_guard.model import Edit
    from hf_secret_guard.read.notebook import read_notebook

    value = data.draw(st.sampled_from(NOTEBOOKS))
    raw = json.dumps(
        value, indent=data.draw(st.sampled_from([1, 2, None])), ensure_ascii=data.draw(st.booleans())
    )
    before = read_notebook(raw)
    paths = [path for path in _spans_of_strings(value) if path in before.spans]  # not inside metadata
    at: dict[Any, list[Edit]] = {}
    for path in data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3, unique=True)):
        start, end = before.spans[path]
        if any(s < end and start < e for edits in at.values() for s, e in ((x.start, x.end) for x in edits)):
            continue
        old = json.loads(raw[start:end])
        new: Any = (
            data.draw(st.text(max_size=8))
            if isinstance(old, str)
            else data.draw(st.lists(st.text(max_size=4)))
        )
        attributed = data.draw(st.sampled_from([path, path, ("cells", 0, "source"), None]))
        at.setdefault(attributed, []).append(Edit(start, end, json.dumps(new)))
    text = apply_edits(raw, [edit for edits in at.values() for edit in edits])
    try:
        whole: Any = _check(before, text)
    except NotebookFixError:
        whole = NotebookFixError
    try:
        local: Any = _check(before, text, at)
    except NotebookFixError:
        local = NotebookFixError
    assert local == whole


def test_a_span_inside_a_string_is_not_taken_for_a_value() -> None:
    """A string that holds a quoted string: its inner quotes are escaped, so an inner span is no value."""
    from hf_secret_guard.fix.plan_notebook import _starts_value

    raw = '{"source": "say \\"hi\\" now", "text": ["a"]}'
    assert _starts_value(raw, raw.index('"say')) and _starts_value(raw, raw.index('["a"]'))
    assert not _starts_value(raw, raw.index('"hi') - 0) and not _starts_value(raw, raw.index('"a"'))


def test_edits_in_free_text_are_judged_from_the_edited_values_alone() -> None:
    """The values a fix edits (a cell's source, an output's text) are read alone, and give what reading
    the whole fixed file gives; an edit outside the value it is said to lie in, or at a path that is not
    free text, sends the check to the whole file."""
    from hf_secret_guard.fix.apply import apply_edits
    from hf_secret_guard.fix.plan_notebook import _edited_values
    from hf_secret_guard.model import Edit
    from hf_secret_guard.read.notebook import read_notebook

    raw = _every_output_kind()
    before = read_notebook(raw)
    source, text = ("cells", 1, "source"), ("cells", 1, "outputs", 0, "text")
    edits = {
        source: [Edit(*before.spans[source], json.dumps(["import os\n", "print('y')"]))],
        text: [Edit(*before.spans[text], json.dumps(["y\n"]))],
    }
    fixed = json.loads(apply_edits(raw, [edit for group in edits.values() for edit in group]))
    assert _edited_values(before, edits) == fixed and fixed != json.loads(raw)
    assert _edited_values(before, {text: edits[source], source: edits[text]}) is None
    name = ("cells", 1, "outputs", 0, "name")
    assert _edited_values(before, {name: [Edit(*before.spans[name], '"stdin"')]}) is None
