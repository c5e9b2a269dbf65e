"""Outputs, markdown and metadata are searched for tokens through one search of the whole file
(``tokens.PrefixIndex``): a part that is the file's own text gets the tokens of its stretch, and a part
decoded from JSON strings is searched only when its stretch of the file holds a token prefix or may hide
one (``read.notebook.shows_prefixes``: a ``\\u`` escape, a list of strings whose items do not end lines).

These tests hold both to the search of each part's own text that they replace: a part the screen passes
over holds no token, and the tokens of a stretch are those of the stretch searched alone.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hf_secret_guard import api
from hf_secret_guard.detect.text import find_text_leaks
from hf_secret_guard.providers import FORMATS, PREFIXES
from hf_secret_guard.providers._needles import prefix_ends
from hf_secret_guard.read.notebook import read_notebook, shows_prefixes
from hf_secret_guard.scan import notebook_file
from hf_secret_guard.screen.prefilter import hides_needles
from hf_secret_guard.tokens import PrefixIndex, find_tokens, mask
from tests.conftest import REPO, TOKEN, TOKEN2, examples, make_key, make_token
from tests.notebooks import PNG, new_code_cell, new_markdown_cell, new_output, notebook_text

TOKEN3 = make_token(31, digits=True)


def _check(raw: str) -> int:
    """Asserts the screen's promises on every part that is not code; returns how many parts hold a token."""
    notebook = read_notebook(raw, lazy=True)
    prefixes = PrefixIndex(raw)
    holding = 0
    for part in notebook.parts:
        if part.kind == "code":
            continue
        rule = "HFG003" if part.kind == "output" else "HFG004"
        expected = find_text_leaks(part.text, rule, part.kind, fixable=True)
        holding += bool(expected)
        span = notebook.spans[part.json_path]  # type: ignore[index]
        if part.raw_start >= 0:
            tokens, leaks, error = notebook_file._slice_part(part, prefixes, hides_needles(raw))
            plain = [leak for leak in leaks if "\\" not in part.text[leak.start : leak.end]]
            assert (plain, error) == (expected, None)
            assert tokens == tuple(leak.start for leak in expected)
            for leak in (leak for leak in leaks if leak not in plain):  # a key its strings spell in escapes
                assert json.loads(f'"{part.text[leak.start : leak.end]}"') == leak.secret
        elif notebook_file._writes_no_token(prefixes, *span) and shows_prefixes(notebook, part):
            assert expected == [], part.json_path  # the part is not searched: it holds no key
        elif "\\u" not in raw and shows_prefixes(notebook, part, False) != shows_prefixes(notebook, part):
            raise AssertionError(f"a file without \\u escapes: {part.json_path}")  # the search skipped
        elif any(True for _ in prefix_ends(part.text)) and shows_prefixes(notebook, part):
            assert prefixes.any_within(*notebook.spans[part.json_path]), part.json_path  # type: ignore[arg-type]
    return holding


def _repository_notebooks() -> list[Path]:
    return sorted(p for folder in ("fixtures", "tests/data") for p in (REPO / folder).rglob("*.ipynb"))


def test_the_repository_notebooks_screen_as_their_parts_search() -> None:
    checked = 0
    for path in _repository_notebooks():
        raw = path.read_text(encoding="utf-8")
        try:
            checked += _check(raw)
        except ValueError:  # invalid JSON or not nbformat 4: scanned as text, not part by part
            continue
    assert checked >= 3  # the fixtures hold keys in outputs and markdown


# Pieces of text: keys, prefixes, the start and rest of a prefix (split across two strings of a list),
# escapes, non-ASCII.
PIECES = st.sampled_from(
    [
        TOKEN,
        TOKEN2,
        TOKEN3,
        *PREFIXES,
        "h",
        "f_" + TOKEN[3:],
        "\n",
        "\\",
        '"',
        "/",
        " ",
        "x",
        "\u00fc",
        "\U0001f9a5",
        "\t",
        "\x1b[31m",
        "\\x1b[0m",
        "\\n",
    ]
)
TEXTS = st.lists(PIECES, max_size=5).map("".join)
LINES = st.lists(TEXTS, max_size=4)  # nbformat's multiline string: items need not end lines
VALUES = st.recursive(
    st.one_of(TEXTS, st.integers(), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXTS, inner, max_size=3)),
    max_leaves=6,
)


def _notebook(
    markdown: list[str], stream: list[str], html: str, metadata: Any, traceback: list[str]
) -> dict[str, Any]:
    cell = new_code_cell("x = 1")
    cell.metadata = {"note": metadata}
    cell.outputs = [
        new_output("display_data", data={"image/png": PNG, "text/plain": html}),
        new_output("stream", text=""),
        new_output("error", ename="E", evalue=html, traceback=traceback),
    ]
    nb: dict[str, Any] = json.loads(
        notebook_text([new_markdown_cell(""), cell], metadata={"widgets": metadata})
    )
    nb["cells"][0]["source"] = markdown
    nb["cells"][1]["outputs"][1]["text"] = stream
    nb["cells"][1]["outputs"][0]["data"]["text/html"] = stream
    return nb


def _escaped(text: str, how: int) -> str:
    """``text`` as a JSON string with ``h`` written ``\\u0068`` (how 1), or every ASCII letter written as
    its escape (how 2)."""
    letters = "h" if how == 1 else "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return '"' + "".join(f"\\u{ord(c):04x}" if c in letters else json.dumps(c)[1:-1] for c in text) + '"'


@settings(max_examples=examples(60), deadline=None)
@given(LINES, LINES, TEXTS, VALUES, LINES, st.sampled_from([None, 1, 2]), st.sampled_from([0, 1, 2]))
def test_generated_notebooks_screen_as_their_parts_search(
    markdown: list[str],
    stream: list[str],
    html: str,
    metadata: Any,
    traceback: list[str],
    indent: int | None,
    how: int,
) -> None:
    nb = _notebook(markdown, stream, html, metadata, traceback)
    raw = json.dumps(nb, indent=indent, ensure_ascii=indent == 2)
    if how:  # the letters of every string, keys and values, written as escapes: the same JSON
        raw = _escape_strings(nb, indent, how)
        assert json.loads(raw) == nb
    _check(raw)


def _escape_strings(value: Any, indent: int | None, how: int) -> str:
    """JSON text of ``value`` with the letters of its strings written as ``\\u`` escapes."""

    def encode(item: Any, depth: int) -> str:
        pad = "" if indent is None else "\n" + " " * (indent * (depth + 1))
        end = "" if indent is None else "\n" + " " * (indent * depth)
        if isinstance(item, str):
            return _escaped(item, how)
        if isinstance(item, dict):
            inner = ", ".join(f"{pad}{encode(k, depth + 1)}: {encode(v, depth + 1)}" for k, v in item.items())
            return "{" + inner + (end if item else "") + "}"
        if isinstance(item, list):
            inner = ", ".join(pad + encode(v, depth + 1) for v in item)
            return "[" + inner + (end if item else "") + "]"
        return json.dumps(item)

    return encode(value, 0)


def _with_slashes_escaped(text: str) -> str:
    """``text`` (JSON) with every ``/`` written ``\\/``, as some JSON writers do: the same JSON."""
    return text.replace("/", "\\/")


def test_a_key_whose_characters_json_escapes_is_found_in_a_part_with_other_prefixes() -> None:
    """A part whose stretch of the file holds prefixes but no key is not searched when every prefix there
    is of a format of plain characters (``_writes_no_token``).  A Neptune key is base64, ``/`` included,
    which a writer may escape: its prefix sends the part to be searched, and the key is found."""
    neptune = next(fmt for _, fmt in FORMATS if fmt.prefix.startswith("eyJ"))
    assert neptune.prefix not in notebook_file._plain_prefixes() and "hf_" in notebook_file._plain_prefixes()
    sealed = make_key(neptune)
    payload = json.loads(base64.b64decode(sealed + "=" * (-len(sealed) % 4)))
    payload["api_key"] += "?"  # a key the check accepts, whose base64 holds a "/"
    key = base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    assert "/" in key and [m.value for m in find_tokens(key)] == [key]
    nb = _notebook([f"{TOKEN3}\n"], ["hf_transfer on\n", f"saved {key}\n"], "", None, [])
    raw = _with_slashes_escaped(json.dumps(nb, indent=1))
    assert json.loads(raw) == nb and key not in raw and "hf_transfer" in raw
    found = api.scan_notebook(raw, "nb.ipynb").findings
    # the stream, and the same lines as text/html
    assert sorted(f.masked for f in found if f.rule == "HFG003") == [mask(key)] * 2
    _check(raw)


def test_a_key_behind_an_escape_or_split_across_lines_is_found_in_each_kind_of_part() -> None:
    """``h`` written ``\\u0068``, and a key whose ``h`` ends one string of a list and ``f_...`` starts
    the next: the file never shows its prefix, the decoded part does.  (The notebook shows one key, so
    that it is read part by part at all: ``notebook_may_leak`` holds that keys are written out.)"""
    markdown = [f"one key shown: {TOKEN}\n", "one split: h", "f_" + TOKEN[3:] + " here\n"]
    nb = _notebook(markdown, ["h", "f_" + TOKEN2[3:]], "", None, [])
    raw = json.dumps(nb, indent=1).replace('"evalue": ""', f'"evalue": "\\u0068f_{TOKEN3[3:]}"')
    found = api.scan_notebook(raw, "nb.ipynb").findings
    assert sorted((f.rule, f.masked) for f in found) == sorted(
        [
            ("HFG004", mask(TOKEN)),  # shown
            ("HFG004", mask(TOKEN)),  # split across two strings of the markdown
            ("HFG003", mask(TOKEN2)),  # split: the stream, and the same lines as text/html
            ("HFG003", mask(TOKEN2)),
            ("HFG003", mask(TOKEN3)),  # the error's evalue, h written as an escape
        ]
    )
    assert not any(t in repr(found) for t in (TOKEN, TOKEN2, TOKEN3))


@settings(max_examples=examples(75), deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join), st.data())
def test_the_tokens_of_a_stretch_are_those_of_the_stretch_alone(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = [m._replace(start=m.start + start, end=m.end + start) for m in find_tokens(text[start:end])]
    assert list(PrefixIndex(text).tokens(start, end)) == expected


def test_a_notebook_scanned_from_its_bytes_is_scanned_as_its_text() -> None:
    """The bytes tell whether a notebook has images (``api.scan_bytes``): the same findings and errors as
    its decoded text scanned alone, with and without images, with a byte order mark."""
    with_image = _notebook([f"a key {TOKEN}\n"], ["out\n"], "", None, [])
    without = json.loads(json.dumps(with_image))
    del without["cells"][1]["outputs"][0]["data"]["image/png"]
    raws = [json.dumps(nb, indent=1) for nb in (with_image, without)]
    raws += [path.read_text(encoding="utf-8") for path in _repository_notebooks()]
    for raw in raws:
        for data in (raw.encode(), b"\xef\xbb\xbf" + raw.encode()):
            from_bytes = api.scan_bytes(data, "nb.ipynb")
            from_text = api.scan_notebook(raw, "nb.ipynb")
            assert (from_bytes.findings, from_bytes.errors) == (from_text.findings, from_text.errors)


def test_repeated_keys_and_odd_white_space_screen_as_their_parts_search() -> None:
    """JSON keeps the last of a repeated key: the part is the last value, searched in its own stretch;
    the former value (a key in it) is left to the safety net, which reports it as before."""
    stream = json.dumps(["a key: h", "f_" + TOKEN[3:] + "\n"])
    raw = (
        '{\t"cells":\r\n [{"cell_type": "code", "execution_count": 1, "metadata": {},\n'
        f'  "outputs": [{{"output_type": "stream", "name": "stdout",'
        f' "text": ["{TOKEN2}\\n"],\t"text" :\r{stream}}}],\n'
        f'  "source": "x = 1"}}, {{"cell_type": "markdown", "metadata": {{}}, "source": "see {TOKEN3}",'
        '  "source": ["no key"]}],\n'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    )
    assert _check(raw) == 1  # the stream's last value holds a key, split across its two strings
    found = api.scan_notebook(raw, "nb.ipynb").findings
    assert sorted(f.masked for f in found) == sorted([mask(TOKEN), mask(TOKEN2), mask(TOKEN3)])
    assert not any(t in repr(found) for t in (TOKEN, TOKEN2, TOKEN3))


def _all_escaped(text: str) -> str:
    """``text`` as JSON could write it but no notebook writer does: every character a ``\\u`` escape."""
    return "".join(f"\\u{ord(char):04x}" for char in text)


def test_a_notebook_that_spells_every_key_in_escapes_is_still_read() -> None:
    """A file that never shows a prefix nor ``environ`` in its raw text, because each is written in
    ``\\u`` escapes (a hostile writer's trick: no JSON writer escapes letters), still reaches the parts:
    both screens take an escaped letter, digit, ``_``, ``-`` or ``.`` as a place a needle may hide."""
    output = new_output("stream", text=f"{TOKEN2}\n")
    cells = [
        new_code_cell(f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"', outputs=[output]),
        new_markdown_cell(f"key: {TOKEN3}"),
    ]
    nb = json.loads(notebook_text(cells, metadata={"note": make_token(32)}))
    nb["unknown field"] = {"deep": [make_token(33)]}  # no part covers it: the safety net's
    raw = json.dumps(nb, indent=1)
    for secret in (TOKEN, TOKEN2, TOKEN3, make_token(32), make_token(33), "environ"):
        raw = raw.replace(secret, _all_escaped(secret))
    data = raw.encode()
    assert b"environ" not in data and not any(prefix.encode() in data for prefix in PREFIXES)
    found = api.scan_bytes(data, "nb.ipynb").findings
    assert sorted((f.rule, f.masked) for f in found) == sorted(
        [
            ("HFG002", mask(TOKEN)),  # the environment write, environ and the key both escaped
            ("HFG003", mask(TOKEN2)),  # the output
            ("HFG004", mask(TOKEN3)),  # the markdown
            ("HFG004", mask(make_token(32))),  # the notebook's metadata
            ("HFG004", mask(make_token(33))),  # a field no part covers
        ]
    )
    lines = raw.splitlines()
    for f in found:  # each at the escaped key's own line in the file
        assert _all_escaped(f.masked[:3]) in lines[f.file_line - 1], f.masked
    assert not any(t in repr(found) for t in (TOKEN, TOKEN2, TOKEN3, make_token(32), make_token(33)))


def test_escapes_of_controls_and_accents_are_no_hiding_place() -> None:
    """What writers do escape (controls such as the ANSI colours of outputs, accents and emoji under
    ``ensure_ascii``) does not send a clean notebook to the full reader."""
    from hf_secret_guard.screen.prefilter import may_contain_leak, notebook_may_leak

    output = new_output("stream", text="\x1b[31mcafé ☕ done\x1b[0m\n")
    raw = json.dumps(json.loads(notebook_text([new_code_cell("x = 1", outputs=[output])])), ensure_ascii=True)
    assert "\\u001b" in raw and "\\u00e9" in raw
    assert not may_contain_leak(raw.encode()) and not notebook_may_leak(raw, data=raw.encode())


@example("\ufeff\u00e9\u0800 hf_", False)  # a text that begins with the mark itself
@example("\ufeff\u00e9 hf_", True)
@settings(max_examples=examples(75), deadline=None)
@given(
    st.lists(
        PIECES | st.sampled_from(["\u0800", "\u00e9", "\ufeff", "A", "AKIA", "_", "-", "sk", "z"]),
        max_size=14,
    ).map("".join),
    st.booleans(),
)
def test_the_prefixes_found_in_the_bytes_are_those_of_the_text(text: str, bom: bool) -> None:
    """A notebook's prefixes are looked for in its UTF-8 bytes (1 byte an ASCII character, where its text
    may take 4) and placed in its text: the same prefixes at the same characters, with characters of 1 to
    4 bytes before them, and after a byte order mark."""
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    from_bytes, from_text = PrefixIndex(text, data), PrefixIndex(text)
    assert (from_bytes.starts, from_bytes.prefixes) == (from_text.starts, from_text.prefixes)
    assert all(
        text.startswith(prefix, at) for at, prefix in zip(from_bytes.starts, from_bytes.prefixes, strict=True)
    )
