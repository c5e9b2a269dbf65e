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


@settings(max_examples=300, deadline=None)
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
