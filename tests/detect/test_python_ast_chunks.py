"""A file read by ``ast`` a chunk at a time (``python_ast._Collector.walk_chunks``) gives what it gives
read whole.  Chunks start at lines in the first column; one that does not parse alone (a string or a
bracket left open, a decorator, an ``else:``) is joined to the next; chunks remembered to hold nothing
are not parsed again.  The reference here is the same file as a single chunk: every line start that
could begin a chunk is taken away, so the file is parsed whole, exactly as before chunks."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard.detect import python_ast
from hf_secret_guard.detect.key_writes import EnvironAliases
from hf_secret_guard.detect.python_ast import ast_leaks
from hf_secret_guard.model import Leak
from tests.conftest import REPO

NEVER = re.compile(r"(?!)")


def _forget() -> None:
    python_ast._INERT.clear()
    python_ast._FOUND.clear()


def _whole(text: str, aliases: EnvironAliases | None = None) -> list[Leak] | None:
    saved = python_ast._CHUNK_START_RE
    python_ast._CHUNK_START_RE = NEVER
    try:
        _forget()
        return ast_leaks(text, aliases)
    finally:
        python_ast._CHUNK_START_RE = saved
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
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10))
def test_generated_scripts_read_in_chunks_as_whole(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected = _whole(text)
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


def test_template_scripts_remember_the_chunks_that_hold_nothing() -> None:
    """Two files sharing their statements: what the first held nothing in is remembered by its text."""
    shared = "".join(PIECES[:7]) + "# ### Train\n\nprint('x')\n"
    _forget()
    first = ast_leaks(shared + "y = 2\n")
    assert any(key[0] == "print('x')\n" for key in python_ast._INERT)
    assert not any("token" in key[0] for key in python_ast._INERT)  # a chunk with a finding is not
    assert ast_leaks(shared + "y = 2\n") == first and first


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


@settings(max_examples=300, deadline=None)
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
