"""Properties of --fix on generated Python and notebooks with tokens injected at random places: after a
fix no token is left, the result parses (and runs the same), a second fix changes nothing, files without
findings are untouched, and a notebook keeps its exact JSON format."""

from __future__ import annotations

import json
import os
import string
from typing import Any

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hf_secret_guard import fix_notebook, fix_source, scan_notebook, scan_source
from hf_secret_guard.fix.apply import apply_edits
from hf_secret_guard.fix.document import fix_notebook_text
from hf_secret_guard.fix.jsonstyle import ensure_ascii_style, source_edits, split_lines
from hf_secret_guard.model import Edit
from hf_secret_guard.options import FixOptions
from hf_secret_guard.read.notebook import read_notebook
from hf_secret_guard.scan import notebook_file
from hf_secret_guard.tokens import find_tokens
from tests.conftest import TOKEN, examples
from tests.fix_support import install_fake_colab
from tests.notebooks import (
    STYLES,
    Style,
    new_code_cell,
    new_markdown_cell,
    new_output,
    new_raw_cell,
    notebook_text,
)

# These tables test the rewrite into Colab's Secrets; the style a .py file gets by default (auto) is
# tested in tests/fix/test_fix_styles.py.
COLAB = FixOptions(style="userdata")

SETTINGS = settings(
    max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Text around a token: no quotes or backslashes (they would end the literal), but braces and % (f-string
# and template syntax) on purpose.  A letter or digit right before/after would make the token not a token.
_AROUND = st.text(alphabet=" -:/@{}%.,=", max_size=6)
_WORDS = st.text(alphabet=string.ascii_lowercase + " ", max_size=8)


@st.composite
def _value(draw: Any) -> str:
    """A string value: with the token somewhere in it, or not."""
    if draw(st.booleans()):
        return draw(_AROUND) + TOKEN + draw(_AROUND)
    return draw(_WORDS)


@st.composite
def _statement(draw: Any, index: int) -> str:
    value = draw(_value())
    name = f"v{index}"
    kind = draw(st.integers(0, 11))
    if kind == 0:
        return f'{name} = "{value}"'
    if kind == 1:
        return f"{name} = '{value}'"
    if kind == 2:
        return f'{name} = b"{value}"'
    braces = value.replace("{", "{{").replace("}", "}}")
    if kind == 3:
        return f'{name} = f"{{a}}{braces}{{a!r}}"'
    if kind == 4:
        cut = draw(st.integers(0, len(value)))
        return f'{name} = ("{value[:cut]}"\n      "{value[cut:]}")'
    if kind == 5:
        return f'{name} = "%s {value.replace("%", "%%")}" % "x"'
    if kind == 6:
        return f'{name} = "{{}} {braces}".format("x")'
    if kind == 7:
        return f'os.environ["HF_TOKEN"] = "{value}"' if TOKEN in value else f"{name} = 0"
    if kind == 8:
        return f"{name} = 1  # {value}"
    if kind == 9:
        return f'def f{index}():\n    """{value}"""\n    return 1'
    if kind == 10:
        return f'login(token="{value}")'
    return f'{name} = {{"k": ["{value}", 1]}}'


@st.composite
def _program(draw: Any) -> str:
    count = draw(st.integers(1, 6))
    lines = ["import os", "a = 'A'"]
    if draw(st.booleans()):
        lines.insert(0, '"""Module docstring."""')
    lines += [draw(_statement(index)) for index in range(count)]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join("\n".join(lines).split("\n")) + newline * draw(st.integers(0, 1))


def _run(code: str) -> dict[str, Any]:
    logins: list[str] = []
    namespace: dict[str, Any] = {"login": lambda token: logins.append(token)}
    environ = dict(os.environ)
    os.environ.pop("HF_TOKEN", None)
    try:
        exec(compile(code, "generated.py", "exec"), namespace)
        env = os.environ.get("HF_TOKEN")
    finally:
        os.environ.clear()
        os.environ.update(environ)
    values = {k: v for k, v in namespace.items() if k.startswith("v")}
    return {"values": values, "logins": logins, "env": env}


@SETTINGS
@given(program=_program())
def test_python_fix_properties(program: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = fix_source(program, "generated.py", fix_options=COLAB)
    assert not result.not_fixed, [item.reason for item in result.not_fixed]
    assert not list(find_tokens(result.text))
    assert scan_source(result.text, "generated.py").findings == ()
    compile(result.text, "generated.py", "exec")
    assert fix_source(result.text, "generated.py", fix_options=COLAB).text == result.text
    if not scan_source(program, "generated.py").findings:
        assert result.text == program
    else:
        install_fake_colab(monkeypatch, {"HF_TOKEN": TOKEN})
        assert _run(result.text) == _run(program)


@st.composite
def _cells(draw: Any) -> list[Any]:
    cells: list[Any] = []
    for index in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 6))
        value = draw(_value())
        token = TOKEN if TOKEN in value else "placeholder"
        if kind == 0:
            cells.append(new_markdown_cell(f"# Notes\n{value}"))
        elif kind == 1:
            cells.append(new_code_cell(draw(_statement(index)), outputs=[new_output("stream", text=value)]))
        elif kind == 2:
            cells.append(new_code_cell(f"!echo {token}\n%env HF_TOKEN={token}\nx = 1"))
        elif kind == 3:
            cells.append(new_code_cell(f"%%capture out\n{draw(_statement(index))}"))
        elif kind == 4:
            cells.append(new_code_cell(f"out = !echo {token}\n%pip install git+https://u:{token}@hf.co/x"))
        elif kind == 5:
            error = new_output("error", ename="E", evalue=value, traceback=[f"\x1b[1m{value}\x1b[0m"])
            cells.append(
                new_raw_cell(value) if draw(st.booleans()) else new_code_cell("1/0", outputs=[error])
            )
        else:
            cells.append(
                new_code_cell(f"import os\n{draw(_statement(index))}\n{draw(_statement(index + 1))}")
            )
    return cells


def _same_format(text: str, style: Style) -> bool:
    value = json.loads(text)
    if style == "colab-4.0":
        return text == json.dumps(value, indent=2, ensure_ascii=False)
    return text == json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@SETTINGS
@given(cells=_cells(), style=st.sampled_from(STYLES), list_sources=st.booleans())
def test_notebook_fix_properties(cells: list[Any], style: Style, list_sources: bool) -> None:
    raw = notebook_text(cells, style, list_sources=list_sources)
    result = fix_notebook(raw, "generated.ipynb")
    assert not result.not_fixed, [item.reason for item in result.not_fixed]
    assert not list(find_tokens(result.text))
    assert scan_notebook(result.text, "generated.ipynb").findings == ()
    nbformat.validate(json.loads(result.text))
    assert _same_format(result.text, style)  # indent, key order, escapes, final newline: all kept
    assert fix_notebook(result.text, "generated.ipynb").text == result.text
    if not scan_notebook(raw, "generated.ipynb").findings:
        assert result.text == raw


@SETTINGS
@given(cells=_cells(), style=st.sampled_from(STYLES), list_sources=st.booleans())
def test_a_fix_from_the_scans_lazy_reading_is_the_fix_from_a_full_one(
    cells: list[Any], style: Style, list_sources: bool
) -> None:
    """``--fix`` on a large tree plans each notebook's fix from the scan's reading of it, which left out
    the positions of the strings in lists (``read_notebook(lazy=True)``): the fixer places the parts it
    edits, and the result is the one from a reading with every position."""
    raw = notebook_text(cells, style, list_sources=list_sources)
    keeper = notebook_file.ReadKeeper()
    notebook_file.KEEPER = keeper
    try:
        scanned = scan_notebook(raw, "generated.ipynb")
    finally:
        notebook_file.KEEPER = None
    lazy = keeper.pop()  # None when the scan's screen found nothing worth reading the notebook for
    assert lazy is None or lazy.raw == raw
    from_scan = fix_notebook_text(raw, "generated.ipynb", scanned.findings, COLAB, lazy)
    assert from_scan == fix_notebook_text(raw, "generated.ipynb", scanned.findings, COLAB)


# Any text but the exotic line breaks nbformat splits lines at and Jupyter does not (\r, \x0b, \u2028...).
_ANY_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
    max_size=40,
)


def _dump(value: Any, style: Style, ensure_ascii: bool) -> str:
    if style == "colab-4.0":
        return json.dumps(value, indent=2, ensure_ascii=ensure_ascii)
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=ensure_ascii) + "\n"


@SETTINGS
@given(
    sources=st.lists(_ANY_TEXT, min_size=1, max_size=4),
    style=st.sampled_from(STYLES),
    list_sources=st.booleans(),
    ascii_file=st.booleans(),
)
def test_rewriting_a_source_keeps_the_json_format(
    sources: list[str], style: Style, list_sources: bool, ascii_file: bool
) -> None:
    """Any text, any writer's style: a rewrite to the same text is byte-identical, and a changed or added
    line is written exactly as that writer would have written it."""
    raw = notebook_text([new_code_cell(source) for source in sources], style, list_sources=list_sources)
    if ascii_file:  # as written with ensure_ascii=True: \u00e9 escapes
        raw = _dump(json.loads(raw), style, ensure_ascii=True)
    ensure_ascii = ensure_ascii_style(raw)
    notebook = read_notebook(raw)
    for part in notebook.parts:
        if part.kind != "code":
            continue
        path: Any = part.json_path
        value = notebook.value["cells"][path[1]]["source"]
        same = [Edit(0, len(part.text), part.text)]
        assert apply_edits(raw, source_edits(raw, notebook.spans, path, value, same, ensure_ascii)) == raw
        for edit in (Edit(0, 0, "é = 1\n"), Edit(0, 0, "é = 1; ")):
            fixed = apply_edits(raw, source_edits(raw, notebook.spans, path, value, [edit], ensure_ascii))
            reference = json.loads(raw)
            text = edit.replacement + part.text
            reference["cells"][path[1]]["source"] = text if isinstance(value, str) else split_lines(text)
            assert fixed == _dump(reference, style, ensure_ascii)


def _escapes_non_ascii(raw: str) -> bool:
    """The JSON string escapes of ``raw`` read one by one, left to right: one ``\\u`` of 007f or above?"""
    index = 0
    while index < len(raw):
        if raw[index] != "\\":
            index += 1
            continue
        code = raw[index + 2 : index + 6]
        if raw[index + 1 : index + 2] == "u" and len(code) == 4 and all(c in string.hexdigits for c in code):
            if int(code, 16) >= 0x7F:
                return True
            index += 6
        else:
            index += 2  # \\, \", \n...: the escaped character is not the start of another escape
    return False


@given(st.text(alphabet='\\u0079fF8e1a"x', max_size=16))
@settings(max_examples=examples(125), deadline=None)
def test_ensure_ascii_style_reads_each_escape_as_json_does(raw: str) -> None:
    """The style check finds ``\\u`` escapes with a literal search and counts the backslashes before each
    (escaped backslashes do not start an escape): the same verdict as reading the escapes in order."""
    assert ensure_ascii_style(raw) == _escapes_non_ascii(raw)
    assert ensure_ascii_style("é" + raw) is False  # a file with raw non-ASCII characters keeps them
