"""Tokens in plain string literals, comments and f-strings without ``{...}`` answered by ``ast``
(``detect.python_ast.ast_leaks``) against libcst (``detect.python.find_python_leaks``), on code built from
pieces: keys of several providers in plain strings, docstrings, bytes and raw literals, environment
writes, key slots, ``match`` patterns, comments (on their own line, after code, after a line
continuation, beside a ``#`` in a string, in a ``match`` block), f-strings, and where only libcst can
place them (names, f-strings' ``{...}``, joined pieces, escapes, URL parameters).  ``ast_leaks`` gives
libcst's leaks exactly or None; for code whose tokens are all in plain literals, comments and f-strings
without fields it must answer, so a path that always hands over fails here."""

from __future__ import annotations

import random
import string
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard.detect import python_ast
from hf_secret_guard.detect.key_writes import EnvironAliases
from hf_secret_guard.detect.python import find_python_leaks
from hf_secret_guard.detect.python_ast import ast_leaks
from hf_secret_guard.providers import PROVIDERS
from tests.conftest import TOKEN, examples, make_key, make_token

# Keys of several providers (Hugging Face user and organization tokens, then the first formats of other
# providers), generated at run time.
OTHERS = [
    make_key(provider.formats[0], 1)
    for provider in PROVIDERS
    if provider.formats and provider.formats[0].anywhere and not provider.formats[0].prefix.startswith("hf_")
]
KEYS = [TOKEN, make_token(7), make_token(8, prefix="api_org_"), *OTHERS[:8]]
# A key with no shape of its own, for key slots and URL parameters.
_RNG = random.Random("python-ast-tokens")
REAL_LOOKING = "".join(_RNG.choice(string.ascii_letters) for _ in range(28)) + "7"

# Pieces whose tokens are all in plain literals, written as one piece each: ``<K>`` and ``<L>`` are keys.
PLAIN = [
    'token = "<K>"\n',
    "login(token='<K>')\n",
    'model.push_to_hub("me/model", token="<K>")\n',
    '"""A module docstring with <K> in it."""\n',
    "def f():\n    '''<K>\n    on two lines'''\n    return 1\n",
    "class C:\n    api_key: str = '<K>'\n",
    'key = b"<K>"\n',
    "key = r'<K>'\n",
    "key = u'<K>'\n",
    "key = rb'''<K>'''\n",
    'pair = ["<K>", "<K>"]\n',
    'both = "<K> and <L>"\n',
    'glued = "<K>xyz"\n',  # a key followed by more letters: no token, to either parser
    'import os\nos.environ["HF_TOKEN"] = "<K>"\n',
    'os.environ.update({"OPENAI_API_KEY": "<K>"}, OTHER="<L>")\n',
    'from os import environ as env\nenv["MY_TOKEN"] = "<K>"\n',
    'os.environ.setdefault("HF_TOKEN", "<K>")\n',
    'headers = {"Authorization": "Bearer <K>"}\n',
    'client = Client(api_key="Bearer <R>")\n',
    "match x:\n    case '<K>':\n        pass\n    case _:\n        token = '<L>'\n",
    "if x:\n    pass\nelse:\n    '<K>'\n",
    'msg = "\u00fcn\u00efc\u00f6d\u00e9 \U0001f917"; token = "<K>"\n',
    'print("<K>"[0:3], sep="")\n',
    'def g(token="<K>", *, api_key="YOUR_API_KEY"):\n    return token\n',
    'token = "YOUR_HF_TOKEN"\n',
    "x = 1\n",
    "# a comment without a key\n",
    "x = 1\r\ntoken = '<K>'\r\n",
    'kaggle = {"username": "me", "key": "<R>"}\n',
    "(\n    '<K>'\n)\n",
]
# Pieces with tokens in comments (``tokenize`` finds them) and in f-strings without ``{...}`` (one piece,
# no escape: libcst's value is the text between the quotes): answered too, but not in code with ``\r``
# line ends, which ``PLAIN`` has (``PLAIN_LF`` does not).
COMMENTS = [
    "# <K>\n",
    "x = 1  # <K>\n",
    "# <K>\n# and <L>\n\n#<K>\n",
    "total = 1 + \\\n    2  # <K>\n",
    'url = "#not-a-comment"  # <K>\n',
    "s = '# not <K> a comment'  # <L>\n",
    "print('a # b', \"<K>\")  # c # <L>\n",
    "match x:\n    case 1:  # <K>\n        pass\n    case (  # <L>\n        'a'):\n        pass\n",
    '"""# <K> in a docstring-looking string"""\n',
    '"""A docstring\n# <K>\n"""  # <L>\n',
    "msg = (  # <K>\n    'text'\n)\n",
    "call(\n    a,  # <K>\n    b,\n)\n",
    "def f():\n    # <K>\n    return 1\n",
    "def g():\n    x = 1\n# <K>\n    return x\n",
    "@decorator  # <K>\nclass D:\n    pass\n",
    'print(f"{x}")  # <K>\n',
    "x = [  # <K>\n    1,\n]  # <L>\n",
]
FSTRINGS = [
    'headers = {"Authorization": f"Bearer <K>"}\n',
    "print(f'<K>')\n",
    "f'''<K> as a docstring'''\n",
    'import os\nos.environ["HF_TOKEN"] = f"<K>"\n',
    "token = f'<K>'\n",
    'api_key = F"Bearer <K>"\n',
    'x = F"{{<K>}}"\n',
    "login(token=rf'<K>')\n",
    'x = Fr"""<K>\n  and <L>"""\n',
    "pair = (f'<K>', f'{x}')\n",
]
if sys.version_info >= (3, 12):  # PEP 701: quotes and comments inside an f-string's ``{...}``
    COMMENTS += [
        'x = f"{"a"}"  # <K>\n',
        'x = f"""{\n    a  # a comment in the braces\n}"""  # <K>\n',
    ]
# Tokens in the literal text of f-strings with fields: Python 3.12 places each field, so libcst's value
# (the text as written, a field as one ``\0``) is known; earlier versions leave them to libcst.
FIELDS = [
    'print(f"{x} <K>")\n',
    'headers = {"Authorization": f"Bearer <K> {x!r:>{w}}"}\n',
    "msg = f'{x=} <K> {{y}} {z}'\n",
    'x = f"\u00fcn\u00ef {x} <K>"\n',
    'import os\nos.environ["HF_TOKEN"] = f"<K>{x}"\n',
    "token = f'{x}<K>'\n",
    "f'''{x}\n<K>'''\n",
]
if sys.version_info >= (3, 12):
    FSTRINGS += [
        *FIELDS,
        'x = f"""<K> {\n    a  # a comment in the braces\n} <L>"""\n',
        'x = f"{"a"} <K> {\'b\'}"\n',
    ]
PLAIN_LF = [piece for piece in PLAIN if "\r" not in piece]
# Pieces that only libcst can place: a token as a name, in an f-string's fields or beside them, in joined
# pieces, with an escape, a URL parameter, a comment in code with ``\r`` line ends.
LIBCST = [
    "login(<K>)\n",
    'print(f"{x} {y!r:<K>}")\n',
    "x = f'{x} <K>' f'{y}'\n",
    "token = f'<K>' 'more'\n",
    "token = f'\\t<K>'\n",
    'token = "<H>" "<T>"\n',
    'token = ("<K>"\n    "more")\n',
    'token = "\\n<K>"\n',
    "token = '<K>\\t'\n",
    'url = "https://api.example.com/v1?api_key=<R>"\n',
    "print(f\"{'<K>'}\")\n",
    "x = 1  # <K>\r\n",
]
if sys.version_info < (3, 12):
    LIBCST += FIELDS
else:
    LIBCST.append('x = f"""{\n    a  # <K>\n}"""\n')  # a comment in the braces: libcst's safety net
# A key as a URL parameter: libcst's or not, by the key's shape (a token there takes the parameter's place).
EITHER = ['url = "https://api.example.com/v1?key=<K>"\n']


def _code(pieces: list[tuple[str, int, int]]) -> str:
    parts = []
    for piece, first, second in pieces:
        key, other = KEYS[first % len(KEYS)], KEYS[second % len(KEYS)]
        parts.append(
            piece.replace("<K>", key)
            .replace("<L>", other)
            .replace("<H>", key[:6])
            .replace("<T>", key[6:])
            .replace("<R>", REAL_LOOKING)
        )
    return "".join(parts)


def _same_as_libcst(code: str, aliases: EnvironAliases | None = None) -> bool:
    """``ast_leaks`` gives libcst's leaks and names (True), or hands the code over (False)."""
    ours = EnvironAliases() if aliases is None else aliases
    theirs = EnvironAliases(set(ours.modules), set(ours.environs), set(ours.putenvs))
    before = EnvironAliases(set(ours.modules), set(ours.environs), set(ours.putenvs))
    found = ast_leaks(code, ours)
    if found is None:
        assert ours == before  # nothing learned from code left to libcst
        return False
    assert found == find_python_leaks(code, theirs)
    assert ours == theirs
    return True


def _pieces(choices: list[str]) -> st.SearchStrategy[list[tuple[str, int, int]]]:
    key = st.integers(0, len(KEYS) - 1)
    return st.lists(st.tuples(st.sampled_from(choices), key, key), min_size=1, max_size=6)


@settings(max_examples=examples(60), deadline=None)
@given(_pieces(PLAIN), st.booleans())
def test_tokens_in_plain_literals_are_answered_as_libcst_answers(
    pieces: list[tuple[str, int, int]], forget: bool
) -> None:
    """Every token in a literal written as one plain piece: answered without libcst, with its leaks, on a
    fresh memory or with chunks remembered from the examples before."""
    _answered_fresh_remembered_and_bound(_code(pieces), forget)


def _answered_fresh_remembered_and_bound(code: str, forget: bool) -> None:
    """``code`` is answered as libcst answers it: on an empty memory (``forget``) or with the chunks of
    the examples before, again with every chunk remembered, and with ``env`` bound by an earlier cell."""
    if forget:
        python_ast._INERT.clear()
        python_ast._FOUND.clear()
        python_ast._SCREENED.clear()
        python_ast._REFUSED.clear()
        python_ast._HOLDS.clear()
    assert _same_as_libcst(code)
    assert _same_as_libcst(code)  # every chunk remembered
    assert _same_as_libcst(code, EnvironAliases(environs={"env"}))  # a name bound by an earlier cell


@settings(max_examples=examples(60), deadline=None)
@given(_pieces(PLAIN_LF + COMMENTS + FSTRINGS), st.booleans())
def test_tokens_in_comments_and_plain_fstrings_are_answered_as_libcst_answers(
    pieces: list[tuple[str, int, int]], forget: bool
) -> None:
    """Tokens in comments (a block of comments is a chunk of its own) and f-strings without fields, among
    plain literals: answered without libcst, with its leaks, on a fresh memory or with chunks remembered
    (``_INERT``, ``_FOUND``: a chunk whose token is in a comment walks to nothing)."""
    code = _code(pieces)
    _answered_fresh_remembered_and_bound(code, forget)
    assert _same_as_libcst(code + "if y:\n    z = 1\n# a\nelse:\n    z = 2\n")  # read whole, not in chunks


def test_each_comment_and_fstring_piece_is_answered() -> None:
    """Each piece alone, and after a token in a comment, is answered (not None) with libcst's leaks."""
    for piece in COMMENTS + FSTRINGS:
        for code in (_code([(piece, 0, 1)]), _code([(COMMENTS[0], 2, 3), (piece, 4, 5)])):
            assert find_python_leaks(code)
            assert _same_as_libcst(code), piece


@settings(max_examples=examples(60), deadline=None)
@given(_pieces(PLAIN + COMMENTS + FSTRINGS + LIBCST + EITHER))
def test_any_mix_is_libcsts_answer_or_handed_over(pieces: list[tuple[str, int, int]]) -> None:
    code = _code(pieces)
    answered = _same_as_libcst(code)
    assert not answered or not any(piece in LIBCST for piece, _, _ in pieces)


def test_every_libcst_piece_is_handed_over() -> None:
    """Each piece that only libcst can place sends the code to libcst, after a plain token too."""
    for piece in LIBCST:
        code = _code([(PLAIN[0], 0, 1), (piece, 2, 3)])
        assert find_python_leaks(code)
        assert not _same_as_libcst(code), piece
