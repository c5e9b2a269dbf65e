"""A scan reads the cells of a notebook that hold no token prefix and no ``\\u`` escape whole, by the C
decoder (``read.jsonspan.WholeCells``): their parts are made from the cell's value, those that cannot hold
a token are only counted, and positions are read when a finding needs them (``read.notebook.placed``).
The scan must be the one of a reading with positions: the same findings at the same places, the same
``part_index`` for ``--fix`` (which reads the notebook again, in full), the same errors.  The scan that
``--fix`` runs in its workers (``notebook_file.KEEPER`` set) reads every cell with positions: it is the
reference here."""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hf_secret_guard import api, scan_notebook
from hf_secret_guard.model import FileResult
from hf_secret_guard.read.jsonspan import WholeCells
from hf_secret_guard.read.notebook import placed, read_notebook
from hf_secret_guard.scan import notebook_file
from hf_secret_guard.screen.prefilter import hides_needles
from hf_secret_guard.tokens import PrefixIndex
from tests.conftest import REPO, TOKEN, TOKEN2, examples, make_token
from tests.inprocess import run_main
from tests.notebooks import PNG, STYLES, Style, new_code_cell, new_markdown_cell, new_output, notebook_text

SETTINGS = settings(max_examples=examples(40), deadline=None, suppress_health_check=list(HealthCheck))


def _wandb_key(seed: int) -> str:
    """A W&B key's shape (40 hex digits, no prefix: reported only in a key slot), generated."""
    return "".join(random.Random(f"whole-cells-{seed}").choice("0123456789abcdef") for _ in range(40))


def _with_positions(raw: str) -> FileResult:
    """The scan with every cell read with positions: as ``--fix`` scans in its workers."""
    notebook_file.KEEPER = notebook_file.ReadKeeper()
    try:
        return scan_notebook(raw, "nb.ipynb")
    finally:
        notebook_file.KEEPER = None


def _assert_same_scan(raw: str) -> FileResult:
    """The scan of the text, and of its bytes (whose prefixes are found in the bytes), are the scan with
    every position."""
    result = scan_notebook(raw, "nb.ipynb")
    assert result == _with_positions(raw)
    from_bytes = api.scan_bytes(raw.encode(), "nb.ipynb")
    assert (from_bytes.findings, from_bytes.errors) == (result.findings, result.errors)
    return result


def _whole_read(raw: str) -> Any:
    prefixes = PrefixIndex(raw)
    return read_notebook(raw, WholeCells(prefixes.next_start))


_LINE = st.sampled_from(
    [
        "import os\n",
        'token = "YOUR_HF_TOKEN"\n',
        'os.environ["OPENAI_API_KEY"] = "YOUR_API_KEY"\n',
        f'wandb.login(key="{_wandb_key(1)}")\n',
        f'os.environ["HF_TOKEN"] = "{TOKEN}"\n',
        "!pip install -q unsloth\n",
        'print("tab\\there", "quote \\" and \\\\ backslash")\n',
        "é ü 🤗 line\n",
        "\x1b[31mred █ 50%\x1b[0m\n",  # escaped in the file: \u001b, a character no key has
        "h",  # with the next line: a key prefix no line holds alone
        "f_" + TOKEN[3:] + "\n",
        "\n",
    ]
)
_TEXT = st.lists(_LINE, max_size=5).map("".join)


@st.composite
def _cell(draw: Any) -> Any:
    if draw(st.booleans()):
        return new_markdown_cell(draw(_TEXT))
    outputs = []
    for shape in draw(st.lists(st.integers(0, 2), max_size=3)):
        if shape == 0:
            outputs.append(new_output("stream", text=draw(_TEXT)))
        elif shape == 1:
            data = {"text/plain": draw(_TEXT), "image/png": PNG, "application/json": {"a": [draw(_TEXT)]}}
            outputs.append(new_output("display_data", data=data, metadata={"isolated": draw(st.booleans())}))
        else:
            outputs.append(new_output("execute_result", data={"text/html": draw(_TEXT)}, execution_count=1))
    return new_code_cell(draw(_TEXT), outputs=outputs)


@SETTINGS
@given(cells=st.lists(_cell(), max_size=5), style=st.sampled_from(STYLES), lists=st.booleans())
def test_generated_notebooks_scan_as_with_every_position(cells: list[Any], style: Style, lists: bool) -> None:
    raw = notebook_text(cells, style, list_sources=lists)
    _assert_same_scan(raw)
    full, whole = read_notebook(raw, lazy=True), _whole_read(raw)
    assert whole.value == full.value and whole.notes == full.notes
    indexes = whole.indexes or tuple(range(len(whole.parts)))
    # Every part kept is the full read's part at its index once placed; every part left out holds no token.
    for index, part in zip(indexes, whole.parts, strict=True):
        assert placed(whole, part) == placed(full, full.parts[index])
    kept = set(indexes)
    for index, part in enumerate(full.parts):
        if index not in kept:
            assert part.kind != "code" and not PrefixIndex(part.text).starts


def test_the_repository_notebooks_scan_as_with_every_position() -> None:
    notebooks = sorted(p for folder in ("fixtures", "tests/data") for p in (REPO / folder).rglob("*.ipynb"))
    assert len(notebooks) >= 10
    read_whole = 0
    for path in notebooks:
        raw = path.read_text(encoding="utf-8")
        _assert_same_scan(raw)
        with contextlib.suppress(ValueError):  # invalid notebooks, kept there on purpose
            read_whole += len(_whole_read(raw).whole)
    assert read_whole > 20  # most of their cells


def test_a_finding_in_a_cell_read_whole_is_placed_where_the_full_read_places_it() -> None:
    """A legacy W&B key (40 hex digits) has no prefix: its cell is read whole, and read again with
    positions for the finding."""
    key = _wandb_key(2)
    source = f'import os\nos.environ["WANDB_API_KEY"] = "{key}"\n'
    cells = [
        new_markdown_cell("# Train\n"),
        new_code_cell(source, outputs=[new_output("stream", text="ok\n")]),
    ]
    raw = notebook_text(cells, "colab-4.0")
    assert _whole_read(raw).whole == {0, 1}
    result = _assert_same_scan(raw)
    [found] = result.findings
    assert (found.rule, found.cell, found.span.line, found.provider) == ("HFG002", 2, 2, "wandb")
    assert raw.splitlines()[found.file_line - 1][found.file_column - 1 :].startswith(f'\\"{key}\\"')
    assert key not in repr(result)


def test_a_key_split_across_the_lines_of_a_cell_read_whole_is_found() -> None:
    """``"h", "f_..."``: no line holds the prefix, so the cell is read whole; its text still holds the key.
    (Another cell's key makes the notebook worth reading: the screens do not put such halves together.)"""
    cells = [new_markdown_cell("halves"), new_code_cell(f'login("{make_token(8)}")\n')]
    value = json.loads(notebook_text(cells))
    value["cells"][0]["source"] = ["h", "f_" + TOKEN[3:]]
    raw = json.dumps(value, indent=1)
    assert _whole_read(raw).whole == {0}
    found = _assert_same_scan(raw).findings
    assert (found[0].rule, found[0].cell, found[0].masked) == ("HFG004", 1, TOKEN[:3] + "****" + TOKEN[-4:])


@pytest.mark.parametrize("metadata", ["{ }", "[\n]", "5", '"x"', "null", '{"a": [1, {"b": null}]}'])
def test_cell_and_output_metadata_of_any_shape_scan_as_with_every_position(metadata: str) -> None:
    """A raw slice's part: none for an empty object or array (white space or not), nor for a value of two
    characters or fewer; a value that is no object nor array is told by its length in the file, so its
    cell is read with positions."""
    cells = [
        new_code_cell("x = 1\n", outputs=[new_output("stream", text="1\n")]),
        new_code_cell(f'login(token="{TOKEN}")\n'),
    ]
    raw = notebook_text(cells, "jupyter-4.5").replace('"metadata": {}', f'"metadata": {metadata}')
    assert raw.count(f'"metadata": {metadata}') >= 3
    assert _assert_same_scan(raw).findings
    full, whole = read_notebook(raw, lazy=True), _whole_read(raw)
    assert (0 in whole.whole) == (metadata not in ("5", '"x"', "null"))
    indexes = whole.indexes or tuple(range(len(whole.parts)))
    assert [placed(whole, p) for p in whole.parts] == [placed(full, full.parts[i]) for i in indexes]


def test_a_cell_with_an_escape_is_read_with_positions() -> None:
    """A ``\\u`` escape can spell a key's prefix (``\\u0068f_``): such a cell is never read whole."""
    token = make_token(7)
    cells = [new_markdown_cell("notes\n"), new_markdown_cell(f"key {token}\n")]
    raw = json.dumps(json.loads(notebook_text(cells)), indent=1).replace('"key h', '"key \\u0068')
    assert "\\u0068f_" in raw
    assert _whole_read(raw).whole == {0}
    [found] = _assert_same_scan(raw).findings
    assert found.cell == 2 and token not in repr(found)


def test_a_clean_cell_nested_past_the_limit_still_makes_the_notebook_invalid(tmp_path: Path) -> None:
    """The C decoder reads deeper than the reader here: a cell is read whole only where the reader would
    have read it too (room on the stack for its nesting), so a clean cell nested past the limit is refused
    as before, and the notebook is scanned as text."""
    token = make_token(41)
    deep = '{"a": ' * 600 + "1" + "}" * 600
    cells = [new_code_cell(f't = "{token}"\n'), new_code_cell("x = 1\n")]
    raw = notebook_text(cells, "jupyter-4.5")
    at = raw.rindex('"outputs": []')
    (tmp_path / "deep.ipynb").write_text(raw[:at] + f'"deep": {deep}, ' + raw[at:])
    result = run_main("scan", "--format", "json", "deep.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    assert "invalid JSON (JSON nested too deeply" in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["position_in"]) for f in findings] == [("HFG004", "file")]
    assert token not in result.stdout + result.stderr


def test_a_repeated_cells_key_scans_as_with_every_position() -> None:
    """JSON keeps the last of a repeated key: the cells of the first array must neither be taken for those
    of the second (which a cell read whole is known by) nor lend them their positions."""
    token = make_token(9)
    placeholder = 'import os\nos.environ["OPENAI_API_KEY"] = "YOUR_API_KEY"\n'
    firsts = [
        {"cell_type": "markdown", "metadata": {}, "source": ["hello\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": f"t = '{token}'\n"},
        {"cell_type": "code", "source": [5], "metadata": {"k": token}},
    ]
    seconds = [
        {"cell_type": "markdown", "metadata": {}, "source": [f"key {token}\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": placeholder},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": placeholder.splitlines(True)},
    ]
    for first, second in zip(firsts, seconds, strict=True):
        raw = (
            f'{{"cells": [{json.dumps(first)}], "cells": [{json.dumps(second)}], "metadata": {{}}, '
            '"nbformat": 4, "nbformat_minor": 5}'
        )
        assert _assert_same_scan(raw).findings


def test_an_attachment_named_metadata_scans_as_with_every_position() -> None:
    """Every member named ``metadata`` is read whole, an attachment's too, with no positions inside: the
    attachment is scanned as it stands in the file (its text used to stop the scan with a TypeError or a
    KeyError), and a key in it is found."""
    cells = [new_markdown_cell("see\n"), new_code_cell(f'login("{TOKEN}")\n')]
    for bundle in ({"text/plain": [{}]}, {"text/plain": ["a", "b"]}, {"text/plain": f"key {TOKEN2}"}):
        value = json.loads(notebook_text(cells))
        value["cells"][0]["attachments"] = {"metadata": bundle, "a.png": {"image/png": PNG}}
        raw = json.dumps(value, indent=1)
        found = _assert_same_scan(raw).findings
        assert len(found) == 1 + (TOKEN2 in raw)
        full, whole = read_notebook(raw, lazy=True), _whole_read(raw)
        indexes = whole.indexes or tuple(range(len(whole.parts)))
        assert [placed(whole, p) for p in whole.parts] == [placed(full, full.parts[i]) for i in indexes]


def test_a_cell_laid_out_unlike_jupyter_scans_as_with_every_position() -> None:
    """A cell is not decoded when its Jupyter layout shows it running past a token prefix (the next line
    that is a closing bracket indented by two spaces comes after the prefix): a guess, which a cell laid
    out otherwise must not turn into another result.  Here a nested object closes at that indentation
    first (so the guess ends the cell too early) or the cell's own bracket sits elsewhere (so it ends it
    too late, in the next cell)."""
    nb = json.loads(
        notebook_text([new_code_cell('token = "YOUR_HF_TOKEN"\n'), new_markdown_cell(f"{TOKEN}\n")])
    )
    nb["cells"][0]["metadata"] = {"colab": {"id": "x"}}
    raw = json.dumps(nb, indent=1)
    early = raw.replace('"id": "x"\n    }', '"id": "x"\n  }', 1)
    late = raw.replace(
        '\n   ]\n  },\n  {\n   "cell_type": "markdown"', '\n   ]},\n  {\n   "cell_type": "markdown"', 1
    )
    assert early != raw and late != raw
    # Read whole: the first cell, but where its end is laid out unlike Jupyter's, past the key ahead.
    assert [sorted(_whole_read(text).whole) for text in (raw, early, late)] == [[0], [0], []]
    for text in (raw, early, late):
        assert json.loads(text) == nb
        assert {f.masked for f in _assert_same_scan(text).findings} >= {"****"} | {
            f.masked for f in _with_positions(raw).findings
        }


def test_a_cell_whose_escapes_spell_no_key_character_is_read_whole() -> None:
    """An escape of a character that no key or needle has (the ``\\u001b`` of a colour code, accents and
    bars written with ``ensure_ascii``) cannot hide a key's prefix: in a file that writes every letter,
    digit, ``_``, ``-`` and ``.`` out, a cell with such escapes is read whole, and the scan is the one
    with every position.  Once the file spells one such character in an escape, no cell with an escape
    is read whole."""
    token = make_token(9)
    output = new_output("stream", name="stdout", text="\x1b[31m█ 50% é\x1b[0m\n")
    cells = [
        new_code_cell('token = "YOUR_HF_TOKEN"  # é\n', outputs=[output], execution_count=1),
        new_markdown_cell(f"colour \x1b[31m{token}\x1b[0m é\n"),
    ]
    raw = json.dumps(json.loads(notebook_text(cells)), indent=1)  # ensure_ascii: é and █ escaped too
    assert all(escape in raw for escape in ("\\u001b", "\\u2588", "\\u00e9"))
    spelled = raw.replace('"colour', '"\\u0063olour', 1)  # a "c" written as an escape
    for text, whole in ((raw, {0}), (spelled, set())):
        prefixes = PrefixIndex(text)
        assert read_notebook(text, WholeCells(prefixes.next_start, hides_needles(text))).whole == whole
        found = _assert_same_scan(text).findings
        assert [(f.rule, f.cell) for f in found] == [("HFG005", 1), ("HFG004", 2)]
        assert token not in repr(found)
