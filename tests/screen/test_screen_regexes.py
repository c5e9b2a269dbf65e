"""The one-pass screens say exactly what the needle searches they replaced said.

The byte and text screens were a ``find`` per token prefix and per slot word; they are now a few regexes
entered at rare characters (``providers._needles``).  Each is checked here against the plain search it
replaced, on generated texts built from the needles' own pieces, and the notebook shortcuts (image base64
skipped, metadata read by the C decoder, cells sliced) against what a reader without them finds.
"""

from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hf_secret_guard import api
from hf_secret_guard.providers import PREFIXES
from hf_secret_guard.providers._needles import (
    TOKEN_BRANCHES,
    by_first_character,
    pivoted,
    prefix_ends,
    prefix_ends_by_pivot,
    prefix_starts_in_bytes,
)
from hf_secret_guard.read.jsonspan import JsonSpanError, parse_with_spans
from hf_secret_guard.screen import prefilter
from hf_secret_guard.tokens import mask
from hf_secret_guard.tokens.slots import (
    URL_PARAMETER_HINTS,
    URL_PARAMETER_RE,
    has_url_parameter_hint,
    is_slot_name,
    url_parameters,
)
from tests.conftest import TOKEN, TOKEN2, examples, make_token
from tests.notebooks import PNG, new_code_cell, new_markdown_cell, new_output, notebook_text

NEEDLE_PIECES = st.sampled_from(
    [*PREFIXES, *(p[: len(p) // 2] for p in PREFIXES), *prefilter.TEXT_NEEDLES, "x", " ", "_", "-", "A", "\n"]
)
TEXTS = st.lists(NEEDLE_PIECES, max_size=12).map("".join)


def _find_each(text: str) -> set[tuple[str, int]]:
    found = set()
    for prefix in PREFIXES:
        start = text.find(prefix)
        while start >= 0:
            found.add((prefix, start + len(prefix)))
            start = text.find(prefix, start + 1)
    return found


@settings(max_examples=examples(100), deadline=None)
@given(TEXTS)
@example(" x ".join(PREFIXES))  # every prefix, whichever way it is searched for (a pass, a ``find``)
@example("".join(p + p for p in PREFIXES))
def test_prefix_ends_is_a_find_per_prefix(text: str) -> None:
    assert set(prefix_ends(text)) == _find_each(text) == set(prefix_ends_by_pivot(text))
    in_bytes = {(prefix, start + len(prefix)) for prefix, start in prefix_starts_in_bytes(text.encode())}
    assert in_bytes == _find_each(text)  # the pieces are ASCII: a byte a character


@settings(max_examples=examples(100), deadline=None)
@given(TEXTS)
def test_needle_screens_are_any_needle_in(text: str) -> None:
    data = text.encode()
    assert prefilter.has_token_needle(data) == any(p.encode() in data for p in PREFIXES)
    assert prefilter.has_text_needle(text) == any(n in text for n in prefilter.TEXT_NEEDLES)


def _slot_bytes_by_find(data: bytes) -> bool:
    """The byte slot screen as it was written before: ``find`` each word, ``match`` its tail."""
    for words, tail in (
        (prefilter._SLOT_WORDS, prefilter._SLOT_TAIL),
        (prefilter._SLOT_CALLS, prefilter._CALL_TAIL),
    ):
        pattern = re.compile(tail.encode())
        for word in words:
            at = data.find(word.encode())
            while at >= 0:
                if pattern.match(data, at + len(word)):
                    return True
                at = data.find(word.encode(), at + 1)
    return False


SLOT_PIECES = st.sampled_from(
    [
        *prefilter._SLOT_WORDS,
        *prefilter._SLOT_CALLS,
        "t",
        "_id",
        "-",
        " ",
        "=",
        ":",
        '"',
        "'",
        "\\",
        "r",
        "f",
        "(",
        "login",
        "\n",
    ]
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(SLOT_PIECES, max_size=14).map("".join))
def test_slot_byte_screen_is_find_and_match(text: str) -> None:
    assert prefilter._slot_bytes(text.encode()) == _slot_bytes_by_find(text.encode())


ESCAPE_PIECES = st.sampled_from(
    ["\\u0068", "\\u00e9", "\\u005f", "\\ud83d", "\\\\u", "\\", "u", "00", "x", "é", " "]
)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(ESCAPE_PIECES, max_size=10).map("".join))
def test_notebook_escapes_is_any_escape_and_hides_needles(text: str) -> None:
    """One search for the first ``\\u``, the needle escapes looked for from there: the same answers as
    searching the whole text for each, of the text and of its bytes."""
    expected = ("\\u" in text, prefilter.hides_needles(text))
    assert expected[1] == prefilter.hides_needles(text.encode())
    assert (
        prefilter.notebook_escapes(text, None) == expected == prefilter.notebook_escapes(text, text.encode())
    )


def test_image_base64_is_skipped_and_nothing_else() -> None:
    image = f'"image/png": "{PNG}\\n{PNG}"'
    assert prefilter.without_images(image.encode()) == b'"'  # up to the closing quote
    for kept in ('"image/svg+xml": "<svg>hf_</svg>"', '"image/png": {"width": 400}', '"text/plain": "x"'):
        assert prefilter.without_images(kept.encode()) == kept.encode()
        assert prefilter.without_images(kept) == kept


# What ``without_images`` takes out, as one regex (what it was until the base64 was read by ``find``):
# a key, and then a run of base64 that the closing quote ends.
IMAGE_VALUE = r'"image/(?!svg)[^"\\]{1,100}"[ \t\r\n]*:[ \t\r\n]*"[A-Za-z0-9+/=\\]*(?=")'
IMAGE_PIECES = st.sampled_from(
    [
        '"image/png"',
        '"image/svg+xml"',
        '"image/',
        ": ",
        ":",
        '"',
        "iVBOR",
        "+/=",
        "\\n",
        "\\",
        "hf_",
        "é",
        " ",
        "{",
    ]
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(IMAGE_PIECES, max_size=16).map("".join))
@example('"image/png": "hf_x" "image/png": "QUJD" é')  # not all base64, then all
@example('"image/png": "image/x y": "QUJD"')  # a key that fails, and one in its value's opening quote
@example('"image/png": "AA"image/png": "BB" x')
def test_images_are_taken_out_as_the_regex_took_them(text: str) -> None:
    """Key by regex, value by ``find`` and ``translate``: the same pieces out as the one regex's split,
    of the text and of its bytes; and ``_images_away`` agrees with where the regex's matches lie."""
    expected = "".join(re.split(IMAGE_VALUE, text))
    assert prefilter.without_images(text) == expected
    assert prefilter.without_images(text.encode()) == expected.encode()
    taken = [(m.start(), m.end()) for m in re.finditer(IMAGE_VALUE, text)]
    for start in range(0, len(text) + 1, 3):
        for end in range(start, len(text) + 1, 4):
            whole = all(not (at < end and stop > start) for at, stop in taken)
            assert prefilter._images_away(text, start, end) == whole, (start, end)


@pytest.mark.parametrize(
    "text",
    [
        'ab"image/png": "QUJD" cd',  # an image that begins one character before the stretch's end
        '"image/png": {"w": 1} "image/png": "QUJD"',  # a key that is no image, then one that is
        'x"image/png":\n   "QUJD"y"image/jpeg": "hf_x" "image/gif": "R0lG"',  # a value no image
    ],
)
def test_images_away_at_every_stretch(text: str) -> None:
    """``_images_away`` looks only for images that begin before the stretch ends: at every stretch of
    these texts, what the images the regex takes out say."""
    taken = [(m.start(), m.end()) for m in re.finditer(IMAGE_VALUE, text)]
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            whole = all(not (at < end and stop > start) for at, stop in taken)
            assert prefilter._images_away(text, start, end) == whole, (start, end)


def test_a_key_under_an_image_name_outside_an_output_is_found_alone_too() -> None:
    """The screens skip an image's base64 (never scanned), only a whole string of base64: a key written
    as the value of an ``image/png`` name in cell metadata, which the reader scans as the metadata's text,
    is found when it is the notebook's only key as when another key makes the screens read on.  (They
    took its first letters for base64, up to the ``_``, and saw no prefix in what was left.)"""
    assert prefilter.without_images(f'"image/png": "{TOKEN}"'.encode()) == f'"image/png": "{TOKEN}"'.encode()
    for others in ([], [new_markdown_cell(f"and {TOKEN2}\n")]):
        nb = json.loads(notebook_text([new_markdown_cell("a plot\n"), *others]))
        nb["cells"][0]["metadata"] = {"image/png": TOKEN}
        raw = json.dumps(nb, indent=1)
        for result in (api.scan_notebook(raw, "nb.ipynb"), api.scan_bytes(raw.encode(), "nb.ipynb")):
            found = [(f.rule, f.cell, f.masked) for f in result.findings]
            assert found[0] == ("HFG004", 1, mask(TOKEN)) and len(found) == 1 + len(others)


def test_a_key_beside_an_image_is_found_and_one_inside_its_base64_is_not() -> None:
    cell = new_code_cell("show()")
    cell.outputs = [
        new_output("display_data", data={"image/png": PNG, "text/plain": f"<Figure {TOKEN}>"}),
        new_output("display_data", data={"image/png": PNG[:40] + TOKEN2 + PNG[40:]}),
    ]
    findings = api.scan_notebook(notebook_text([cell]), "nb.ipynb").findings
    assert [(f.rule, f.masked) for f in findings] == [("HFG003", mask(TOKEN))]


SECRET = "".join(random.Random(13).choice(string.ascii_letters + string.digits) for _ in range(28))


def test_a_cell_sliced_for_libcst_keeps_an_alias_from_an_earlier_cell() -> None:
    """A long cell is cut to its relevant statements; ``env`` was bound in the cell before."""
    filler = "".join(f"x{n} = compute({n}, 'value {n}')\n" for n in range(40))
    cells = [
        new_code_cell("from os import environ as env"),
        new_code_cell(f'{filler}env["SERVICE_SECRET"] = "{SECRET}"\n{filler}'),
    ]
    [found] = api.scan_notebook(notebook_text(cells), "nb.ipynb").findings
    assert (found.rule, found.cell, found.span.line) == ("HFG002", 2, 41)
    assert found.masked == mask(SECRET)


def test_metadata_read_by_the_c_decoder_keeps_positions_and_errors() -> None:
    raw = json.dumps({"metadata": {"widgets": {"state": [1, 2.5, None, "x"]}, "note": TOKEN}}, indent=1)
    value, spans = parse_with_spans(raw)
    start, end = spans[("metadata",)]
    assert json.loads(raw[start:end]) == value["metadata"]
    assert ("metadata", "note") not in spans  # nothing asks for positions inside metadata
    for bad in ('{"metadata": {"a": Infinity}}', '{"metadata": {"a": 1,}}', '{"metadata": {"a" 1}}'):
        with pytest.raises(JsonSpanError):
            parse_with_spans(bad)
    nan = parse_with_spans('{"metadata": {"a": NaN}}')[0]["metadata"]["a"]
    assert nan != nan
    notebook = notebook_text([new_code_cell("x = 1")])
    leaky = notebook.replace('"metadata": {', f'"metadata": {{"note": "{TOKEN}", ', 1)
    [found] = api.scan_notebook(leaky, "nb.ipynb").findings
    assert found.masked == mask(TOKEN) and leaky.splitlines()[found.file_line - 1].count(TOKEN) == 1


def test_an_object_in_a_mime_bundle_read_by_the_c_decoder_keeps_positions_and_errors() -> None:
    """An output's ``application/vnd.jupyter.widget-view+json`` (any object under a MIME type) is read
    whole by the C decoder, as metadata is: its own position kept, errors as ``json`` reports them, a key
    in it placed on its line and fixed nowhere else."""
    view = "application/vnd.jupyter.widget-view+json"
    cell = new_code_cell("x = 1")
    cell.outputs = [
        new_output("display_data", data={view: {"model_id": "m1", "note": TOKEN}, "text/plain": "x"})
    ]
    raw = notebook_text([cell])
    value, spans = parse_with_spans(raw, lazy=True)
    path = ("cells", 0, "outputs", 0, "data", view)
    assert json.loads(raw[slice(*spans[path])]) == value["cells"][0]["outputs"][0]["data"][view]
    assert (*path, "note") not in spans and ("cells", 0, "outputs", 0, "data", "text/plain") in spans
    [found] = api.scan_notebook(raw, "nb.ipynb").findings
    assert (found.rule, found.masked) == ("HFG003", mask(TOKEN))
    assert raw.splitlines()[found.file_line - 1].count(TOKEN) == 1
    for bad in ("Infinity", "1,}", '{"a" 1}', "[1,]", '"\\q"', "01"):
        broken = raw.replace('"model_id": "m1"', f'"model_id": {bad}', 1)
        with pytest.raises(JsonSpanError) as error:
            parse_with_spans(broken, lazy=True)
        try:
            json.loads(broken)
        except json.JSONDecodeError as expected:
            assert str(error.value) == str(expected)
        else:
            assert bad == "Infinity"  # json reads it; the reader here does not, inside metadata either


PY_BYTE_PIECES = st.sampled_from(
    [
        *prefilter._SLOT_WORDS,
        *prefilter._SLOT_CALLS,
        *URL_PARAMETER_HINTS,
        *PREFIXES,
        *(p[:-1] for p in PREFIXES),
        *("t", "s", "e", "r", "lo", "pass", "word", "ord", "Token=", "KEY=", "_id", "=", ":", '"', "'", " "),
        *("\\", "-", "_", "\n"),
    ]
)


@settings(max_examples=examples(75), deadline=None)
@given(st.lists(PY_BYTE_PIECES, max_size=14).map("".join))
def test_py_byte_screen_is_a_prefix_a_slot_or_a_hint(text: str) -> None:
    """The ``.py`` byte screen (token prefixes, slot words and URL parameter hints in three passes, some
    entered late) says what an ``in`` per prefix and per hint and the slot screen say."""
    data = text.encode()
    hint = any(h.encode() in data for h in URL_PARAMETER_HINTS)
    prefix = any(p.encode() in data for p in PREFIXES)
    assert prefilter._py_needle_bytes(data) == (prefix or _slot_bytes_by_find(data) or hint)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(PY_BYTE_PIECES, max_size=14).map("".join))
def test_branches_grouped_by_first_character_match_as_the_plain_join(text: str) -> None:
    """``by_first_character`` (a group per first character, the commonest first) finds the same matches,
    at the same places and of the same length, as the branches joined in their order: of the token
    screen's branches, and of the ``.py`` byte screen's (prefixes, slot words with their tails, calls)."""
    screen = [pivoted(needle, tail) for needle, tail in prefilter._slot_or_url_branches()]
    for branches in (list(TOKEN_BRANCHES), [*TOKEN_BRANCHES, *(b for b in screen if b)]):
        plain, grouped = re.compile("|".join(branches)), re.compile(by_first_character(branches))
        assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)]
        data = text.encode()
        plain_b, grouped_b = re.compile("|".join(branches).encode()), re.compile(grouped.pattern.encode())
        assert [m.span() for m in grouped_b.finditer(data)] == [m.span() for m in plain_b.finditer(data)]


def test_by_first_character_groups_in_order_commonest_first() -> None:
    assert by_first_character(["key", "k(?<=ok)en", "\\-x", "Q", "ey"]) == "ey|\\-x|k(?:ey|(?<=ok)en)|Q"


WRITE_WORD_PIECES = st.sampled_from(["environ", "environb", "putenv", "b", "x", "_", "1", ".", " ", "é", "("])


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(WRITE_WORD_PIECES, max_size=10).map("".join))
def test_write_word_ends_are_ends_of_each_word(text: str) -> None:
    """The two searches of ``_write_word_ends`` give what ``_ends_of`` gives for each of its words."""
    ends = prefilter._write_word_ends(text)
    if "environ" not in text and "putenv" not in text:
        assert ends is None
    else:
        words = ("environ", "environb", "putenv")
        assert ends == {word: list(prefilter._ends_of(text, word)) for word in words}


PY_TEXT_PIECES = st.sampled_from(
    [
        *prefilter._SLOT_WORDS,
        *prefilter._SLOT_CALLS,
        *PREFIXES,
        *(p[:-1] for p in PREFIXES),
        TOKEN,
        TOKEN[3:20],
        *("key_", "_key", "os.environ[", "] = ", "username", "login(", "YOUR_KEY", "x", "AKIA", "S", "z"),
        *("t", "e", "_id", "=", " = ", ":", '"', "'", " ", "(", "\\", "-", "_", "\n", "r", "f", "é"),
    ]
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(PY_TEXT_PIECES, max_size=16).map("".join))
def test_python_screen_is_the_token_and_slot_screens_apart(text: str) -> None:
    """``python_screen`` asks the token screen and the slot screen's first regex in one search that goes
    on from each hit's next character: the same answer as ``token_candidate`` and ``python_may_leak``
    with their own searches, where a slot's match covers a token's prefix (``key_hf_x = "..."``) too."""
    tokens = prefilter.token_candidate(text)
    expected = tokens if prefilter.python_may_leak(text, (), tokens) else None
    assert prefilter.python_screen(text) == expected
    assert prefilter._tokens_and_slot(text) in (
        (True, False),
        (True, True),
        (False, prefilter._slot_in(text, prefilter._SLOT_SCREEN[:1])),
    )
    assert prefilter._tokens_and_slot(text)[0] == tokens


@settings(max_examples=examples(150), deadline=None)
@given(
    st.lists(PY_TEXT_PIECES | st.sampled_from(["\x1c", "\x1f", "os.environ", "putenv"]), max_size=16).map(
        "".join
    )
)
@example('api_key\x1c= "Xy7kP2mQ9vLw4Rt8Zq3N"\nx = "hf_"\n')  # a slot only text's \\s sees, a hit after
@example(f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\n')  # an environment write, no slot or prefix
@example(f'# {"é" * 40}\nlogin("{TOKEN}")\n')  # past characters of two bytes: the byte offset is later
def test_the_text_screen_from_the_byte_screen_s_first_hit_says_what_it_says_from_the_start(text: str) -> None:
    """``python_bytes_screen`` lets a file on exactly where the byte screens did, and the text screen's
    search begun where it says (its first hit, where the bytes hold what the text holds: ``same_in_text``)
    says what the search from the start says.  Where they do not (a character beyond ASCII, which text's
    ``\\w`` may take, or a separator ``\\x1c``-``\\x1f``, which text's ``\\s`` takes and bytes' do
    not), it begins at 0."""
    data = text.encode()
    start = prefilter.python_bytes_screen(data)
    env = b"env" in data and (b"environ" in data or b"putenv" in data)
    assert (start is not None) == (env or prefilter._py_needle_bytes(data))
    if start is not None:
        assert prefilter._tokens_and_slot(text, start) == prefilter._tokens_and_slot(text)
        assert prefilter.python_screen(text, start=start) == prefilter.python_screen(text)
    if "\x1c" in text or not text.isascii():
        assert not prefilter.same_in_text(data) and start in (None, 0)


def test_a_slot_only_text_sees_is_not_skipped_by_the_byte_screen_s_first_hit(tmp_path: Path) -> None:
    """A slot whose name the text's ``\\s`` ends at a separator (``\\x1c``), before the first place the
    byte screen stops at: the text screen searches from the start, and the file is read (Python cannot
    parse it: said so) as it is without the shortcut, where from the first hit it would pass as clean."""
    text = 'api_key\x1c= "Xy7kP2mQ9vLw4Rt8Zq3N"\nx = "hf_"\n'
    hit = text.index("hf_") + 2
    assert prefilter.python_screen(text, start=hit) is None and prefilter.python_screen(text) is False
    assert prefilter.python_bytes_screen(text.encode()) == 0
    (tmp_path / "sep.py").write_text(text)
    result = api.scan_file(str(tmp_path / "sep.py"))
    assert result == api.scan_text(text, str(tmp_path / "sep.py"))
    assert [error.kind for error in result.errors] == ["parse"]


def test_python_screen_finds_a_token_inside_a_slot_match() -> None:
    """The slot regex's match of ``key_hf_... = "x"`` runs over the ``hf_`` that a token follows."""
    text = f'key_{TOKEN} = "x"\n'
    assert prefilter.python_screen(text) is True and prefilter.token_candidate(text)
    assert prefilter.python_screen('key_hf_x = "x"\n') is None


def test_py_byte_screen_words_entered_late() -> None:
    """A word entered after its common leading letters is still found whole, and only whole."""
    for word in ("secret", "credential", "login("):
        tail = '"x"' if word.endswith("(") else ' = "x"'
        assert prefilter._py_needle_bytes(f"{word}{tail}".encode())
        assert not prefilter._py_needle_bytes(f"{word[2:]}{tail}".encode())


@pytest.mark.parametrize(
    "line",
    [
        'url = "https://x.org/v1?key=abc"',
        "q = '&access_token=abc'",
        "s = 'x?client_secret=1'",
        "pw = 'a?password=x1'",
    ],
)
def test_a_url_hint_alone_passes_the_py_byte_screen(line: str) -> None:
    data = f"import requests\n{line}\n".encode()
    assert not _slot_bytes_by_find(data) and prefilter.may_contain_leak(data, notebook=False)


def _slot_candidate_by_find(text: str) -> bool:
    """``slot_candidate`` as a ``find`` of every word and call and a ``match`` of its tail, each hit
    judged as the screen judges it: every occurrence, so nothing depends on how matches overlap."""
    has_login = "login(" in text or "username" in text
    for words, tail in (
        (prefilter._SLOT_WORDS, prefilter._SLOT_TAIL),
        (prefilter._SLOT_CALLS, prefilter._CALL_TAIL),
    ):
        pattern = re.compile(tail)
        for word in words:
            at = text.find(word)
            while at >= 0:
                hit = pattern.match(text, at + len(word))
                if hit and words is prefilter._SLOT_CALLS:
                    if prefilter._value_may_be_key(text, hit.end() - 1):
                        return True
                elif hit:
                    quote_at = hit.end() - 1
                    names = prefilter.slot_names(text, at, quote_at)
                    judged = [is_slot_name(each, each.lower() == "key" and has_login) for each in names]
                    if any(judged) and prefilter._value_may_be_key(text, quote_at):
                        return True
                at = text.find(word, at + 1)
    return False


REAL_LOOKING = make_token(11, prefix="k", digits=True)  # a key without a provider's shape
SLOT_TEXT_PIECES = st.sampled_from(
    [
        *prefilter._SLOT_WORDS,
        *prefilter._SLOT_CALLS,
        *("api_", "my", "_id", "s", "e", "r", "lo", "=", ": ", '"', "'", " ", "\\", "-", "(", "\n"),
        *("YOUR_TOKEN", "xx", "<key>", REAL_LOOKING, "username", "b", "f"),
    ]
)


@settings(max_examples=examples(75), deadline=None)
@given(st.lists(SLOT_TEXT_PIECES, max_size=12).map("".join))
def test_slot_candidate_is_every_word_and_call_judged(text: str) -> None:
    """Words and calls found by one pass (a call told by its ``(``), some words entered late: the same
    answer as judging every occurrence of every word and call."""
    assert prefilter.slot_candidate(text) == _slot_candidate_by_find(text)


@settings(max_examples=examples(75), deadline=None)
@given(st.lists(SLOT_TEXT_PIECES, max_size=12).map("".join))
def test_the_k_slot_screen_says_yes_only_where_the_slot_screen_does(text: str) -> None:
    """The notebook text screen asks the ``k`` branches first (``token``, ``key``, ``Token(``): a slot
    they find is one every occurrence judged finds too."""
    if prefilter._slot_in(text, (prefilter._K_SLOT_SCREEN,)):
        assert prefilter.slot_candidate(text) and _slot_candidate_by_find(text)


RAW_SLOT_PIECES = st.sampled_from(
    [
        *("token", "api_key", "key", "Token(", "save_token(", "secret", "my_", "-"),
        *(" = ", ": ", "=", '"', "'", '\\"', " ", "\n", "\\n", '",\n "', "(", "\\", "rb", "x"),
        *("YOUR_TOKEN", REAL_LOOKING, "login(", "username", "\u00a0", "\u00e9"),
        *('"image/png": "', '"image/png":"', "iVBORw0KGgo", "+", "/", "AAAA"),
        *('"image/svg+xml": "', '"text/plain": "'),
    ]
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(RAW_SLOT_PIECES, max_size=16).map("".join))
def test_a_slot_shown_in_the_raw_text_is_one_of_the_text_without_images(raw: str) -> None:
    """The notebook text screen asks the ``k`` branches of the raw text, and says yes for a slot before
    any image without building the text without images: that text has a slot too.  Its False and None
    are the ``k`` screen's no and yes of the raw text."""
    shown = prefilter._k_slot_shown(raw)
    k_slot = prefilter._slot_in(raw, (prefilter._K_SLOT_SCREEN,))
    assert (shown is not False) == k_slot
    if shown:
        visible = prefilter.without_images(raw)
        assert prefilter._slot_in(visible, (prefilter._K_SLOT_SCREEN,)) and prefilter.slot_candidate(visible)
        assert _slot_candidate_by_find(visible)


def test_a_slot_after_an_image_is_judged_in_the_text_without_images() -> None:
    slot = 'token = "YOUR_TOKEN"'
    assert prefilter._k_slot_shown(slot) is True
    image = '"image/png": "iVBORw0KGgo", "text/plain": "<Figure>"'
    assert prefilter._k_slot_shown(f"{image},\n{slot}") is True  # the image ends before the slot
    near = f'"image/png": "iVBORw0KGgo", {slot}'  # within the look-behind: asked again without images
    assert prefilter._k_slot_shown(near) is None and prefilter.slot_candidate(prefilter.without_images(near))
    assert prefilter._k_slot_shown('key = "YOUR_KEY"  # login(') is None  # a key's judgement reads it all
    # The image's base64 is no text: "token=" in it, then the quote that closes it, is not a slot.
    in_image = f'"image/png": "iVBOR+token="{REAL_LOOKING}"'
    assert prefilter._k_slot_shown(in_image) is None and prefilter.slot_candidate(in_image)
    assert not prefilter.slot_candidate(prefilter.without_images(in_image))


def test_the_k_slot_screen_is_the_first_screens_k_branches_in_order() -> None:
    first = prefilter._SLOT_SCREEN[0]
    branches = [
        *(pivoted(word, prefilter._SLOT_TAIL) for word in prefilter._SLOT_WORDS),
        *(pivoted(call, prefilter._CALL_TAIL) for call in prefilter._SLOT_CALLS),
    ]
    entered_at_k = [branch for branch in branches if branch and branch.startswith("k")]
    assert len(entered_at_k) == 5 and "|".join(entered_at_k) == prefilter._K_SLOT_SCREEN
    at = [first.index(branch) for branch in entered_at_k]  # each a branch of the first screen, in its order
    assert at == sorted(at)
    for line in ('token = "YOUR_HF_TOKEN"', '"api_key": "<key>"', 'save_token("YOUR_TOKEN")'):
        assert prefilter._slot_in(line, (prefilter._K_SLOT_SCREEN,)) and prefilter.slot_candidate(line)
    assert not prefilter._slot_in('secret = "YOUR_SECRET"', (prefilter._K_SLOT_SCREEN,))


@pytest.mark.parametrize(
    "line",
    [
        'secret = "YOUR_SECRET"',
        'DB_CREDENTIAL: "<credential>"',
        f'wandb.login("{REAL_LOOKING}")',
        'set_auth_token("YOUR_TOKEN")',
        f'Token("{REAL_LOOKING}")',
        'client_secret = Client("YOUR_KEY")',
    ],
    ids=["secret", "credential", "login", "set_auth_token", "Token", "Client"],
)
def test_slot_candidate_finds_words_entered_late_and_calls(line: str) -> None:
    assert prefilter.slot_candidate(line) and _slot_candidate_by_find(line)
    assert not prefilter.slot_candidate(line.replace('"', ""))


URL_PIECES = st.sampled_from(
    [
        *URL_PARAMETER_HINTS,
        "https://x.org/v1",
        "?",
        "&",
        "api_",
        "access_",
        "client_",
        "api",
        "_",
        ";",
        "x",
        "=",
        REAL_LOOKING,
        "YOUR_KEY",
        " ",
        "\n",
    ]
)


def test_url_parameter_names_are_what_url_candidate_reads_back() -> None:
    """``url_candidate`` reads a parameter's name back from its ``=`` over ASCII letters and ``_``, at most
    ``_URL_NAME_LONGEST`` of them: every name the parameter regex takes must be such a run."""
    names = re.search(r"\(\?P<name>([^)]*)\)", URL_PARAMETER_RE.pattern)
    assert names is not None
    written = names.group(1).split("|")
    spelled = [name for each in written for name in {each.replace("_?", "_"), each.replace("_?", "")}]
    assert spelled and all(re.fullmatch(r"[A-Za-z_]+", name) for name in spelled)
    assert max(map(len, spelled)) <= prefilter._URL_NAME_LONGEST
    assert all(any(f"{name}=".endswith(hint) for hint in URL_PARAMETER_HINTS) for name in spelled)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(URL_PIECES, max_size=10).map("".join))
def test_url_candidate_is_a_hint_and_a_parameter(text: str) -> None:
    """The hints found by one search: the same answer as an ``in`` per hint."""
    expected = has_url_parameter_hint(text) and bool(url_parameters(text))
    assert prefilter.url_candidate(text) == expected
    assert prefilter.url_candidate(f"u = 'https://x.org/v1?api_key={REAL_LOOKING}'")


TOKEN_TEXTS = st.lists(
    st.sampled_from(
        [*PREFIXES, TOKEN, TOKEN2, TOKEN[:9], TOKEN[9:], '"', "'", '" "', '",\n "', "\\", " ", "x"]
    ),
    max_size=10,
).map("".join)
# A long text with no character of any prefix: only the length changes.
FILLER = (" " * 63 + "\n") * 65


@settings(max_examples=examples(100), deadline=None)
@given(TOKEN_TEXTS, st.booleans())
def test_token_candidate_says_the_same_of_a_long_text(text: str, json_text: bool) -> None:
    """A long text (a whole ``.py`` file) is searched a pivot character at a time: the same answer as the
    one search for any, with the same text after a filler without prefix characters."""
    assert not any(char in FILLER for prefix in PREFIXES for char in prefix)
    long = FILLER + text
    assert len(long) >= 4096 > len(text)
    assert prefilter.token_candidate(long, json_text) == prefilter.token_candidate(text, json_text)
    if TOKEN in text:
        assert prefilter.token_candidate(long, json_text)


@pytest.mark.parametrize("quote", ["'", '"'])
@pytest.mark.parametrize("indent", [None, 1])
def test_a_key_in_a_slot_across_two_items_of_a_cell_source_is_found(quote: str, indent: int | None) -> None:
    """A cell's source line that goes on in the next item of its list (no line break between them), with a
    key in a slot across the two, is found in a notebook written without indentation as with it: the
    screens read the end of one JSON string and the start of the next inside the literal as unsure.  (They
    read it as the literal's value, judged it no key, and passed the notebook over.)"""
    token = make_token(11)
    nb = json.loads(notebook_text([new_code_cell("x = 1\n")]))
    nb["cells"][0]["source"] = [f"token = {quote}{token[:2]}", f"{token[2:]}{quote}\n"]
    raw = json.dumps(nb, indent=indent)
    [found] = api.scan_bytes(raw.encode(), "nb.ipynb").findings
    assert (found.rule, found.cell, found.masked) == ("HFG001", 1, mask(token))
