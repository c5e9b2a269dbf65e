"""A file read by ``ast`` a chunk at a time (``python_ast._Collector.walk_chunks``) gives what it gives
read whole.  Chunks start at lines in the first column; one that does not parse alone (a string or a
bracket left open, a decorator, an ``else:``) is joined to the next; chunks remembered to hold nothing
are not parsed again.  The reference here is the same file as a single chunk: every line start that
could begin a chunk is taken away, so the file is parsed whole, exactly as before chunks."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hf_secret_guard.detect import python_ast
from hf_secret_guard.detect.key_writes import EnvironAliases
from hf_secret_guard.detect.python_ast import ast_leaks
from hf_secret_guard.model import Leak
from hf_secret_guard.read.lines import LineIndex
from tests.conftest import REPO, TOKEN, examples

NEVER = re.compile(r"(?!)")


def _forget() -> None:
    python_ast._INERT.clear()
    python_ast._FOUND.clear()
    python_ast._SCREENED.clear()
    python_ast._REFUSED.clear()
    python_ast._HOLDS.clear()


def _whole(text: str, aliases: EnvironAliases | None = None) -> list[Leak] | None:
    saved = python_ast._CHUNK_START_RE
    python_ast._CHUNK_START_RE = NEVER
    try:
        _forget()
        return ast_leaks(text, aliases)
    finally:
        python_ast._CHUNK_START_RE = saved
        _forget()


def _walked(
    text: str, aliases: EnvironAliases | None = None, names: tuple[str, ...] = ()
) -> list[Leak] | None:
    """The file parsed whole and every node walked (``_Collector.walk``), with no chunk and no screen:
    ``walk_chunks`` leaves a file naming the grammar-changing future import to it, and a comment at the
    end changes no finding's place."""
    _forget()
    try:
        return ast_leaks(text + "# barry_as_FLUFL\n", aliases, names)
    finally:
        _forget()


def _chunked_twice(text: str, aliases: EnvironAliases | None = None) -> list[list[Leak] | None]:
    """The chunked answer on a fresh memory, then again with every chunk remembered."""
    _forget()
    first = ast_leaks(text, aliases)
    return [first, ast_leaks(text, aliases)]


# Statements and pieces of statements of the shapes template scripts have, and of the shapes that make a
# chunk not parse alone: strings and brackets over lines that start in the first column, decorators,
# ``else:``, backslash continuations, comment blocks, ``match``, imports that bind ``os.environ``.
PIECES = [
    'token = "YOUR_HF_TOKEN"\n',
    'os.environ["OPENAI_API_KEY"] = "<your key>"\n',
    'env["HF_TOKEN"] = "hf_..."\n',
    "from os import environ as env\n",
    "import os\n",
    'login(token="YOUR_TOKEN")\n',
    'client = OpenAI(\napi_key="sk-...",\n)\n',
    'prompt = """Below is an instruction.\n\n### Instruction:\napi_key = "YOUR_API_KEY"\n"""\n',
    "text = '''\nx = 1\n'''\n",
    "@app.cell\ndef _():\n    return\n",
    "@app.cell(hide_code=True)\n# a comment\ndef _(mo):\n    api_key = 'YOUR_KEY'\n    return\n",
    "if x:\n    pass\nelse:\n    y = 2\n",
    "try:\n    a = 1\nexcept Exception:\n    pass\nfinally:\n    b = 2\n",
    "if a:\n    b = 1\nelif c:\n    b = 2\nelse:\n    token = 'YOUR_HF_TOKEN'\n",
    "for i in x:\n    pass\n# a comment\nelse:\n    api_key = '<KEY>'\n",
    "else_value = 'YOUR_TOKEN'\nfinally_ = 1\nexcept_hook = 2\nelif_ = 3\n",
    "x = 1 + \\\n2\n",
    "x = 1 \\\n\n",
    "# ### Data prep\n# token = 'YOUR_HF_TOKEN'\n\n",
    "match command:\n    case 'YOUR_API_KEY':\n        pass\n",
    "d = {\n'api_key': 'YOUR_KEY',\n}\n",
    'secrets["token"] = "<TOKEN>"\n',
    "value = (1,\n2)\n",
    "\n",
    "def f():\n    token = 'YOUR_HF_TOKEN'\n\n    return token\n",
    "class C:\n    api_key: str = '<KEY>'\n",
    "print('x')\n",
    '"""\n',
    "(\n",
    ")\n",
    "    indented = 1\n",
    "caf\u00e9 = 'YOUR_HF_TOKEN'\n",
    # What the screen of parsed chunks (``python_ast._Screen``) must send to the walk: a slot name spelled
    # with an escape, joined from pieces or in camel case; a call that takes a key first; a name bound to
    # the environment across a comment; ``import os`` among others; a tuple index; a token joined from
    # pieces; a chain too deep for libcst in a long line; and what it may skip.
    'd = {"\\x74oken": "YOUR_TOKEN"}\n',
    'd = {"to" "ken": "YOUR_TOKEN"}\n',
    "d = {'api_' # the rest\n 'key': '<KEY>'}\n",
    'myToken = "YOUR_TOKEN"\n',
    'cfg.apiKey = "<KEY>"\n',
    'g = Github("YOUR_GITHUB_TOKEN")\n',
    'c = cohere.Client("<YOUR_KEY>")\n',
    "from os import (environ  # the environment\n    as e2)\n",
    'e2["OPENAI_API_KEY"] = "<KEY>"\n',
    'e2.update({"HF_TOKEN": "YOUR"})\n',
    "import sys, os as o3\n",
    'o3.putenv("HF_TOKEN", "<TOKEN>")\n',
    'x[(1, 2)] = "YOUR_TOKEN"\n',
    'os.environ["A", *b] = "YOUR_TOKEN"\n',
    f'pieces = ("{TOKEN[:9]}"  "{TOKEN[9:]}")\n',
    f'url = "https://example.com/?api_" "key={TOKEN[3:]}"\n',
    "deep = " + "-" * 520 + "1\n",
    "shallow = " + " + ".join(["tokenizer(x)"] * 40) + "\n",
    "print(tokenizer.decode(ids), max_new_tokens=8, keys=k.keys())\n",
]


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10))
def test_generated_scripts_read_in_chunks_as_whole(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected = _whole(text)
    assert _walked(text) == expected
    assert _chunked_twice(text) == [expected, expected]


def test_names_bound_before_the_file_are_used_in_its_chunks() -> None:
    text = 'x = 1\n\nenv["HF_TOKEN"] = "hf_..."\n'
    expected = _whole(text, EnvironAliases(environs={"env"}))
    assert expected and expected[0].site == "environ"
    assert _chunked_twice(text, EnvironAliases(environs={"env"})) == [expected, expected]
    without = _whole(text)
    assert without != expected  # without the alias the same chunk is no environment write
    assert _chunked_twice(text) == [without, without]


def test_a_chunk_remembered_under_other_names_is_read_again() -> None:
    """``pe(...)`` holds nothing until ``pe`` is bound to ``os.putenv``: what was remembered without the
    name does not hide the write once it is bound."""
    text = 'x = 1\n\npe("HF_TOKEN", "hf_...")\n'
    _forget()
    assert ast_leaks(text) == []
    bound = ast_leaks(text, EnvironAliases(putenvs={"pe"}))
    assert bound and bound == _whole(text, EnvironAliases(putenvs={"pe"}))


def test_the_repository_sources_read_in_chunks_as_whole() -> None:
    sources = sorted(p for p in (REPO / "hf_secret_guard").rglob("*.py"))
    assert len(sources) > 100
    for path in sources:
        text = path.read_text(encoding="utf-8")
        expected = _whole(text)
        assert _chunked_twice(text) == [expected, expected], path


@pytest.mark.parametrize("tail", ["", "\n", "\n\n# the end"])
def test_lines_counted_from_their_chunk_start_where_the_index_says(tail: str) -> None:
    """A leak's line is found from the start of the chunk that holds it (``python_ast._UnitLines``):
    every line of a file read in chunks, and the lines before and past it, start where ``LineIndex``
    says; so does each line of a file read whole."""
    script = (
        "# ## Setup\n# install first\n\nimport os\n\n\ndef f(x):\n    return x\n\n"
        'os.environ["HF_TOKEN"] = "hf_..."\nmodel = load(\n    "name",\n)\n# done\ntoken = "YOUR_HF_TOKEN"'
    )
    long_function = "def f():\n" + "    x = 1\n" * 200 + "    token = 'YOUR_HF_TOKEN'\n"
    for text in (script + tail, "token = 'YOUR_HF_TOKEN'" + tail, script + "\n" + long_function + tail):
        for chunked in (True, False):
            collector = python_ast._Collector(text, EnvironAliases())
            assert collector.walk_chunks() if chunked else collector.units == [(0, len(text), False)]
            lines = python_ast._UnitLines(text, collector.units, collector.unit_lines)
            index = LineIndex(text)
            assert [lines.offset(n) for n in range(-1, text.count("\n") + 4)] == [
                index.offset(n) for n in range(-1, text.count("\n") + 4)
            ]


def test_template_scripts_remember_the_chunks_that_hold_nothing() -> None:
    """Two files sharing their statements: what the first held nothing in is remembered by its text."""
    shared = "".join(PIECES[:7]) + "# ### Train\n\nprint('x')\n"
    _forget()
    first = ast_leaks(shared + "y = 2\n")
    remembered = [key[0] for memo in (python_ast._INERT, python_ast._SCREENED) for key in memo]
    assert "print('x')\n" in remembered
    assert not any("token" in chunk for chunk in remembered)  # a chunk with a finding is not
    assert ast_leaks(shared + "y = 2\n") == first and first


def test_a_statement_going_on_in_the_first_column_is_one_chunk() -> None:
    """``else:``, ``elif``, ``except`` and ``finally:`` in the first column go on with the statement before
    them: the file is still read a chunk at a time (each chunk remembered by its text), not whole, with
    the answer of the file read whole; names that begin with those words begin chunks of their own."""
    compound = "if a:\n    b = 1\nelif c:\n    b = 2\nelse:\n    b = 3\n"
    guarded = "try:\n    b = 4\nexcept OSError:\n    pass\nfinally:\n    b = 5\n"
    named = "else_value = 1\n"
    text = compound + guarded + named + 'token = "YOUR_HF_TOKEN"\n'
    expected = _whole(text)
    assert expected and len(expected) == 1
    assert _chunked_twice(text) == [expected, expected]
    # A chunk is remembered by its text and names; a statement of a file read whole, with its place too.
    chunks = {key[0] for memo in (python_ast._INERT, python_ast._SCREENED) for key in memo if len(key) == 2}
    assert {compound, guarded, named} <= chunks


# Chunks with findings, each followed by what its finding's text must be.
FOUND_CHUNKS = [
    ('model.push_to_hub("me/model", token = "YOUR_HF_TOKEN")\n', '"YOUR_HF_TOKEN"'),
    ('import os\nos.environ["OPENAI_API_KEY"] = "<your key>"\n', '"<your key>"'),
    ("def f():\n    x = 'caf\u00e9'; api_key = '<YOUR_KEY>'\n", "'<YOUR_KEY>'"),
    ('d = {\n    "token": (\n        "YOUR_"\n        "TOKEN"),\n}\n', '"YOUR_"\n        "TOKEN"'),
    ('token = api_key = "<KEY>"\n', '"<KEY>"'),
]
# What may stand before them: lines of other lengths, non-ASCII text, comment blocks, a string over lines.
PREFIXES = [
    "",
    "x = 1\n",
    "# caf\u00e9 \U0001f917\n# more\n\n",
    'text = """\nline\n\n"""\n',
    "\u00e9t\u00e9 = 'd\u00e9j\u00e0'\n",
    "if x:\n    pass\n\n\n",
]


@settings(max_examples=examples(75), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PREFIXES), st.sampled_from(FOUND_CHUNKS)), min_size=1, max_size=6))
def test_a_remembered_chunk_is_placed_at_its_own_lines(parts: list[tuple[str, tuple[str, str]]]) -> None:
    """A chunk with findings is parsed once (``python_ast._FOUND``) and placed wherever it stands: in
    every file, and at every place in one file, each finding covers its literal exactly, as in the
    file parsed whole."""
    text = "".join(prefix + chunk for prefix, (chunk, _) in parts)
    expected = _whole(text)
    if expected is None:  # a non-ASCII name: libcst's
        assert any("\u00e9t\u00e9" in prefix for prefix, _ in parts)
        return
    assert _chunked_twice(text) == [expected, expected]
    literals = sorted({literal for _, (_, literal) in parts})
    assert sorted({text[leak.start : leak.end] for leak in expected}) == literals
    _forget()
    for prefix, (chunk, literal) in parts:  # each piece alone, then in the whole file: the same places
        alone = ast_leaks(prefix + chunk)
        assert alone and {(prefix + chunk)[leak.start : leak.end] for leak in alone} == {literal}
    assert python_ast._FOUND
    assert ast_leaks(text) == expected


def test_a_remembered_chunk_binds_its_names_again() -> None:
    """``import os as system`` in a remembered chunk with a finding: the names it binds count again in
    the next file that has it."""
    chunk = 'if True:\n    import os as system\n    token = "YOUR_HF_TOKEN"\n'
    later = '\nsystem.environ["HF_TOKEN"] = "<YOUR_TOKEN>"\n'
    _forget()
    first = ast_leaks(chunk + later)
    assert first and len(first) == 2 and first == _whole(chunk + later)
    assert ast_leaks(chunk) and (chunk, EnvironAliases().names()) in python_ast._FOUND
    assert ast_leaks(chunk + later) == first


@pytest.mark.parametrize(
    ("chunk", "walked"),
    [
        ("print(tokenizer.decode(ids), max_new_tokens=8)\n", False),
        ("for k in d.keys():\n    monkey = spoken(k)\n", False),
        ("x = {'a': 'y', 'c': \"z\"}\n", False),
        ("x = {'a': '', 'b': 2}\n", True),  # an empty string: two quotes side by side, as joined pieces
        ("y = f('" + "long words, " * 40 + "')\n", False),  # long, but few tokens: not deep
        ("for key in d:\n    pass\n", True),  # ``key`` alone is a slot in a login call
        ("pad_token_id = 0\n", True),
        ("myToken = x\n", True),
        ("g = Github(x)\n", True),
        ("e = os.environ.get('A')\n", True),
        ("import sys, os\n", True),
        ("v = e2['A']\n", True),  # ``e2`` is bound to os.environ below
        ("x[(1, 2)] = 3\n", True),
        ("s = 'a\\n'\n", True),
        ("s = 'caf\u00e9'\n", True),
        ("k = 'to' 'ken'\n", True),
        ("z = " + "-" * 300 + "1\n", True),
    ],
)
def test_the_screen_walks_what_can_act(chunk: str, walked: bool) -> None:
    """The parsed chunks the walk may skip: nothing in them can name a slot, write the environment,
    bind ``os``, hold a token, or nest deeper than libcst reads."""
    screen = python_ast._Screen("from os import environ as e2\n" + chunk, EnvironAliases())
    assert screen.needs_walk(chunk) == walked


# One file for each thing the screen looks for, alone: an inert chunk first, so the file is read in
# chunks; with the screen wrong, the chunk is skipped and the answer differs from the file read whole.
SCREENED = [
    ("x[(1, 2)] = 3\n", ()),  # a tuple index: libcst's
    ("x[1, *rest] = 3\n", ()),
    ('d = {"ap" "i_key": "<PUT_IT_HERE>"}\n', ()),  # a slot name joined from pieces
    ("d = {'ap'  # the rest\n     'i_key': '<PUT_IT_HERE>'}\n", ()),
    ('d = {"\\x61pi_key": "<PUT_IT_HERE>"}\n', ()),  # spelled with an escape
    ('g = Github("<PUT_IT_HERE>")\n', ()),  # a call that takes a key first
    ('c = cohere.Client("<PUT_IT_HERE>")\n', ()),
    ('cfg.dbPassword = "<PUT_IT_HERE>"\n', ()),  # camel case
    ("from os import (environ  # the environment\n    as e2)\n\ne2['MY_VAR'] = 'abc123'\n", ("MY_VAR",)),
    ("from os import putenv as p2\n\np2('MY_VAR', 'abc123')\n", ("MY_VAR",)),
    ("import sys, os as o3\n\no3.environ['MY_VAR'] = 'abc123'\n", ("MY_VAR",)),
    (f'pieces = ("{TOKEN[:9]}"  "{TOKEN[9:]}")\n', ()),  # a token joined from pieces: libcst's
    (f'url = "https://example.com/?api_" "key={TOKEN[3:]}"\n', ()),
    ("deep = " + "-" * 520 + "1\n", ()),  # too deep for libcst
    ("deep = (" + "not " * 600 + "x)\n", ()),
    # Statements in bodies, each judged by its own lines (``_Collector._walk_parts``).
    (
        "def f(x):\n    y = tokenizer(x)\n    if y:\n        api_key = '<PUT_IT_HERE>'\n    else:\n"
        "        z = 1\n    try:\n        pass\n    except E as e:\n        token = 'YOUR_TOKEN'\n"
        "    finally:\n        w = 2\n" + "    v = f(1, 2)\n" * 30,
        (),
    ),
    ("def f():\n    a = 1\n    deep = " + "-" * 520 + "1\n", ()),
    # too deep only for the statements above it: 497 levels under an assignment at depth 5
    ("def f():\n    if x:\n        if y:\n            z = " + "-" * 497 + "1\n", ()),
    ("def caf\u00e9():\n    token = 'YOUR_TOKEN'\n", ()),  # a non-ASCII name: libcst's
    ("class C:\n    def g(self):\n        for k in d:\n            self.secret = '<PUT_IT_HERE>'\n", ()),
    ("match x:\n    case 1:\n        token = 'YOUR_TOKEN'\n    case _:\n        y = 2\n", ()),
    ("@deco(api_key='<PUT_IT_HERE>')\ndef f():\n    return 1\n", ()),
    ("def f(x=login(token='YOUR_TOKEN')):\n    return 1\n", ()),
    ("with open(p) as h:\n    import os as o4\n\no4.environ['MY_VAR'] = 'abc123'\n", ("MY_VAR",)),
    ("while x:\n    y = 1\nelse:\n    g = Github('<PUT_IT_HERE>')\n", ()),
]


@pytest.mark.parametrize(("code", "names"), SCREENED)
def test_each_thing_the_screen_looks_for_is_walked(code: str, names: tuple[str, ...]) -> None:
    text = "print(tokenizer.decode(ids))\n\n" + code
    expected = _walked(text, None, names)
    assert expected is None or expected  # each case is libcst's or has a finding
    _forget()
    assert ast_leaks(text, None, names) == expected
    assert ast_leaks(text, None, names) == expected  # remembered


def _bounds_line_by_line(text: str) -> list[int]:
    """Where chunks begin, found a line at a time: every line that starts in the first column with
    anything but a closing bracket or a word that goes on with the statement before (``else``, ``elif``,
    ``except``, ``finally``), but a comment line after another and whatever follows a decorator."""
    bounds = [0]
    previous = text[:1]
    for match in re.finditer(r"^(?!(?:else|elif|except|finally)\b)[^\s)\]}]", text[1:], re.MULTILINE):
        start = match.start() + 1
        if text[start - 1] != "\n":
            continue
        char = text[start]
        if previous != "@" and not (char == previous == "#"):
            bounds.append(start)
        previous = char
    bounds.append(len(text))
    return bounds


LINES = [
    "# c",
    "#",
    "## h",
    "@d",
    "x = 1",
    "    y",
    "\tz",
    "\x0cw",
    ")",
    "]",
    "}",
    "",
    "  # i",
    "#!",
    "\u00e9",
    "else:",
    "elif x:",
    "except E:",
    "finally:",
    "elsewhere = 1",
    "except_ = 2",
]


@settings(max_examples=examples(125), deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=14), st.booleans())
def test_chunks_begin_where_lines_say(lines: list[str], last_newline: bool) -> None:
    """The chunk starts found with comment blocks taken whole are those found line by line."""
    text = "\n".join(lines) + ("\n" if last_newline else "")
    assert python_ast._chunk_bounds(text) == _bounds_line_by_line(text)


@pytest.mark.parametrize(
    "code",
    [
        'value = "{A}" "" "{B}"\n',  # an empty piece between the parts
        "value = '{A}' r'' '{B}'\n",
        'value = "{A}" """""" "{B}"\n',
        'x = r"""{A}""" "{B}"\n',  # a triple-quoted first piece with a prefix
        'x = f"""{A}""" "{B}"\n',
        'parts = [  # "quoted"\n    "{A}" "{B}"\n]\n',  # a comment ending in a quote, then a string
        'value = (  # from "config"\n    "{A}"\n    "{B}"\n)\n',
    ],
)
def test_a_token_split_over_joined_pieces_is_found_whatever_sits_between(code: str) -> None:
    """The screen may not take a chunk with joined string pieces for inert: ``ast`` joins the pieces into
    one value, and a token across the join is a leak (of libcst's, which ``ast_leaks`` hands it to)."""
    from hf_secret_guard import api

    _forget()
    text = code.format(A=TOKEN[:10], B=TOKEN[10:])
    [finding] = api.scan_bytes(text.encode(), "a.py").findings
    assert finding.rule == "HFG001" and finding.masked.endswith(TOKEN[-4:])


def test_a_chunk_the_screen_skipped_is_read_again_where_a_later_import_makes_it_a_write() -> None:
    """``e["DBPASS"] = ...`` is nothing in a file where ``e`` is no environment, and an environment
    write in one that binds ``e`` later on: the screen's verdict is remembered with the names the whole
    text binds, not only those bound before the chunk."""
    from hf_secret_guard import api
    from hf_secret_guard.options import ScanOptions

    _forget()
    options = ScanOptions(secret_names=("DBPASS",))
    write = 'e["DBPASS"] = "hunter2-correct-horse"\n'
    first = f'{write}import os\nos.environ["DBPASS"] = "another-secret-value"\n'
    assert [f.file_line for f in api.scan_bytes(first.encode(), "a.py", options).findings] == [3]
    second = api.scan_bytes(f"{write}from os import environ as e\n".encode(), "b.py", options)
    assert [(f.rule, f.file_line) for f in second.findings] == [("HFG002", 1)]


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        st.sampled_from(["os", "o", "s", "e2", "Client", "_", "x", "1", " ", ".", "\n", "\u00e9", "\uff4f"])
    ),
    st.sampled_from(["os", "e2", "Client"]),
)
def test_the_screen_finds_whole_words_as_word_boundaries_say(parts: list[str], word: str) -> None:
    """The screen's searches that start with the word (``_OS_WORD_RE``, ``_word_in``) find a whole word
    where ``\\b`` finds one, non-ASCII word characters included; and the punctuation it counts for depth is
    ``[^\\w\\s]``'s."""
    text = "".join(parts)
    whole = re.search(rf"\b{word}\b", text) is not None
    assert python_ast._word_in(text, word) == whole
    if word == "os":
        assert (python_ast._OS_WORD_RE.search(text) is not None) == whole
    long = text * (1 + python_ast.MAX_AST_DEPTH // max(1, len(text)))
    counted = 2 * (len(long.split()) + 2 * len(re.findall(r"[^\w\s]", long))) + 4 > python_ast.MAX_AST_DEPTH
    assert python_ast._may_be_deep(long) == (counted and 2 * len(long) + 4 > python_ast.MAX_AST_DEPTH)


def test_a_line_far_into_a_long_chunk_is_looked_up_not_counted() -> None:
    """The lines of a long function's many leaks are not each counted from the function's start (a
    count per leak as long as the function): past ``_MOST_COUNTED_LINES`` the index is built, once."""
    text = "import os\n\ndef f():\n" + "    hf_token = 'YOUR_HF_TOKEN'\n" * 300 + "\nprint(1)\n"
    collector = python_ast._Collector(text, EnvironAliases())
    assert collector.walk_chunks()
    lines = python_ast._UnitLines(text, collector.units, collector.unit_lines)
    assert lines.offset(4) == LineIndex(text).offset(4)
    assert lines._indexed is None  # near its chunk's start: counted
    far = 3 + python_ast._MOST_COUNTED_LINES + 10
    assert lines.offset(far) == LineIndex(text).offset(far)
    assert lines._indexed is not None
    found = ast_leaks(text)
    assert found is not None and len(found) == 300


# What a chunk of only comments and blank lines is, written as one regex over the whole chunk (how
# ``python_ast`` first told it): lines of space, then an optional comment, each ended by ``\n``.
_NO_CODE_REFERENCE = r"(?:[ \t\f]*(?:#[^\r\n]*)?\n)*[ \t\f]*(?:#[^\r\n]*)?"


@settings(max_examples=examples(2000), deadline=None)
@given(
    st.lists(st.sampled_from([" ", "\t", "\f", "\v", "#", "\n", "\r", "x", "é", "\x1c", "# c\n"])).map(
        "".join
    )
)
@example("# a\n\n   # b\n")
@example("# a\n  x = 1\n")
@example("# a\r# b\n")
@example("   ")
def test_a_chunk_without_code_is_what_the_regex_says(chunk: str) -> None:
    """``_no_code`` looks for a line that is code; the answer is the whole-chunk regex's."""
    assert python_ast._no_code(chunk) == (re.fullmatch(_NO_CODE_REFERENCE, chunk) is not None)
