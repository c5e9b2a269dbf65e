"""f-strings whose ``{...}`` hold strings in the f-string's own quote (PEP 701: ``f"{row["question"]}"``),
answered by ``ast`` (``detect.python_ast.ast_leaks``) against libcst (``detect.python.find_python_leaks``),
which reads them on every Python version.  Python 3.12 reads them as written; before it, a chunk that holds
them in the narrow form (``python_ast._OWN_QUOTES_RE``) is read with the inner quotes swapped, and the
answer must still be libcst's: its leaks and names, and no ``match`` pattern found where libcst's path
asks CPython for them and is refused.  Any other such f-string (a conversion, a format spec, a nested
f-string, a backslash, a token in it) is handed over before 3.12; one that libcst refuses is refused by
both."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard.detect import python_ast
from hf_secret_guard.detect.key_writes import EnvironAliases
from hf_secret_guard.detect.python import find_python_leaks
from hf_secret_guard.detect.python_ast import ast_leaks
from hf_secret_guard.model import Leak
from hf_secret_guard.read.python_parse import MAX_BRACKET_DEPTH, ParseError
from tests.conftest import TOKEN, examples, make_token

KEYS = [TOKEN, make_token(11), make_token(12, prefix="api_org_")]
# Chunks with a key (``<K>``) in a plain place, to stand beside the f-strings.
PLAIN = [
    'token = "<K>"\n',
    "import os\nos.environ['HF_TOKEN'] = '<K>'\n",
    "# an old key: <K>\n",
    'headers = {"Authorization": "Bearer <K>"}\n',
    "match x:\n    case '<K>':\n        pass\n",
    "x = 1\n",
]
# The narrow form, with no key in the f-string's chunk: answered on every version.
OWN = [
    'msg = f"{row["question"]}, answer {row["answer"]}"\n',
    "print(f'{cfg['name']}')\n",
    'instruction = (\n    f"{data[100]["question"]}, between {START} and {END} "\n'
    '    f"and then {SOLUTION}"\n)\n',
    'x = f"{a["b"]}\'s {{braces}} {c}"\n',
    'def f(row):\n    return f"{row["k"]} and {row["v"]}"\n',
    'token = f"{secrets["HF_TOKEN"]}"\n',
    'pair = f"{a["b"]}" f"{c["d"]}", F"{e[""]}"\n',
    "match y:\n    case 1:\n        z = f'{w['k']}'\n",
    'x = f"""{a["b"]}"""\n',  # a triple-quoted f-string: every version reads it as written
]
# Outside the narrow form, or with a key: handed over before 3.12; some are refused by both parsers.
OTHER = [
    'import os\nos.environ["HF_TOKEN"] = f"{cfg["token"]}"\n',  # an f-string with fields written: libcst's
    'x = f"{a["b"]=}"\n',
    'x = f"{a["b"]!r}"\n',
    'x = f"{a["b"]:>10}"\n',
    'x = f"{a["b"] + f"{c}"}"\n',
    'x = f"{a["b\\n"]}"\n',
    "x = rf'{a['b']}'\n",
    'x = f"{a["<K>"]}"\n',
    'x = f"{a["b"]} <K>"\n',
    'x = f"{a["#"]}"\n',
    'x = f"{d["a"]} {e[\'b\']}"\n',
    'x = (f"{a["b"]}",  # f"{c["d"]}"\n    \'f"{e["g"]}"\')\n',
    # the look-alike in a string would read as a call with a placeholder key were its quotes swapped
    'x = (f"{a["b"]}", \'- f"{c["+login("YOUR_HF_TOKEN")+"]}"\')\n',
    'x = f"{a["b"}"\n',  # refused by both
    'x = f"{a["b"]]}"\n',  # refused by both
    'x = f"{ }"\n',  # refused by both
    '# f"{a["b"]}" only in a comment\n',
    's = \'f"{a["b"]}"\'\n',
]


def _code(pieces: list[tuple[str, int]]) -> str:
    return "".join(piece.replace("<K>", KEYS[key % len(KEYS)]) for piece, key in pieces)


def _forget() -> None:
    python_ast._INERT.clear()
    python_ast._FOUND.clear()
    python_ast._SCREENED.clear()
    python_ast._REFUSED.clear()
    python_ast._HOLDS.clear()


def _libcst(code: str, aliases: EnvironAliases) -> list[Leak] | None:
    try:
        return find_python_leaks(code, aliases)
    except ParseError:
        return None


def _same_as_libcst(code: str, aliases: EnvironAliases | None = None) -> bool:
    """``ast_leaks`` gives libcst's leaks and names (True), or hands the code over (False); code that libcst
    refuses is always handed over."""
    ours = EnvironAliases() if aliases is None else aliases
    theirs = EnvironAliases(set(ours.modules), set(ours.environs), set(ours.putenvs))
    before = EnvironAliases(set(ours.modules), set(ours.environs), set(ours.putenvs))
    found = ast_leaks(code, ours)
    expected = _libcst(code, theirs)
    if found is None:
        assert ours == before  # nothing learned from code left to libcst
        return False
    assert expected is not None, "answered code that libcst refuses"
    assert found == expected
    assert ours == theirs
    return True


def _pieces(choices: list[str]) -> st.SearchStrategy[list[tuple[str, int]]]:
    return st.lists(
        st.tuples(st.sampled_from(choices), st.integers(0, len(KEYS) - 1)), min_size=1, max_size=6
    )


@settings(max_examples=examples(60), deadline=None)
@given(_pieces(PLAIN + OWN), st.booleans())
def test_own_quotes_in_the_narrow_form_are_answered_as_libcst_answers(
    pieces: list[tuple[str, int]], forget: bool
) -> None:
    """On every version: on a fresh memory or with chunks remembered, again with every chunk remembered,
    and with ``env`` bound by an earlier cell."""
    code = _code(pieces)
    if forget:
        _forget()
    assert _same_as_libcst(code)
    assert _same_as_libcst(code)
    assert _same_as_libcst(code, EnvironAliases(environs={"env"}))


@settings(max_examples=examples(60), deadline=None)
@given(_pieces(PLAIN + OWN + OTHER))
def test_any_mix_is_libcsts_answer_or_handed_over(pieces: list[tuple[str, int]]) -> None:
    _same_as_libcst(_code(pieces))


# Pieces of ``OTHER`` that every version reads as written: the look-alike is in a comment or a string.
AS_WRITTEN = OTHER[-2:]


def test_each_piece_alone_and_after_a_key() -> None:
    """Each narrow-form piece is answered, alone and after a key.  After a key, each other piece is handed
    over before 3.12 but those read as written; code that libcst refuses is refused (``_same_as_libcst``)."""
    for piece in OWN:
        for code in (_code([(piece, 0)]), _code([(PLAIN[0], 1), (piece, 2)])):
            assert _same_as_libcst(code), piece
    for piece in OTHER:
        answered = _same_as_libcst(_code([(PLAIN[0], 1), (piece, 2)]))
        if sys.version_info < (3, 12):
            assert answered == (piece in AS_WRITTEN), piece


def test_a_match_pattern_beside_own_quotes_is_libcsts() -> None:
    """A key in a ``case`` pattern is not fixable where CPython reads the whole file (3.12 on), and stays
    fixable before: libcst's path then cannot ask CPython for the patterns.  ``ast`` answers both ways."""
    code = _code([(PLAIN[4], 0), (OWN[0], 0)])
    _forget()
    assert _same_as_libcst(code)
    leaks = ast_leaks(code)
    assert leaks is not None and [leak.fixable for leak in leaks] == [sys.version_info < (3, 12)]
    assert all(leak.secret == TOKEN for leak in leaks)


def test_code_that_libcsts_path_refuses_whole_is_refused_beside_own_quotes() -> None:
    """Where CPython refuses the whole file, libcst's path refuses brackets nested deeper than its limit,
    even in a comment (``read.python_parse.check_parseable``): before 3.12 a file with own quotes is
    then handed over, though each chunk parses; from 3.12 on CPython reads it and both answer."""
    for own in OWN[:2]:
        for depth, refused in (
            (MAX_BRACKET_DEPTH + 1, sys.version_info < (3, 12)),
            (MAX_BRACKET_DEPTH - 4, False),
        ):
            deep = "# " + "(" * depth + "\n"
            for code in (
                _code([(own, 0), (deep, 0), (PLAIN[0], 0)]),
                _code([(PLAIN[0], 0), (deep, 0), (own, 0)]),
            ):
                _forget()
                assert _same_as_libcst(code) != refused
