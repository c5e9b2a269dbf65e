"""The ``ast`` path for key slots and environment writes (``detect.python_ast``) against libcst's
(``detect.python``): on every self-written cell below it either gives libcst's leaks exactly (rule,
offsets, value, names, fixability) and the same names bound to ``os.environ``, or hands the cell to
libcst.  Each case also says which of the two it must do, so a path that always gives up fails here."""

from __future__ import annotations

import ast
import random
import string
import sys
from collections.abc import Callable

import pytest

from hf_secret_guard.detect import python_ast
from hf_secret_guard.detect.key_writes import MATCH_PATTERN, EnvironAliases
from hf_secret_guard.detect.python import find_python_leaks
from hf_secret_guard.detect.python_ast import ast_leaks
from hf_secret_guard.read.ipython import mask_cell
from hf_secret_guard.read.python_parse import MAX_AST_DEPTH, too_deep
from tests.conftest import TOKEN


def _fake(seed: int) -> str:
    rng = random.Random(f"python-ast-{seed}")
    while True:
        value = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value):
            return value


REAL_LOOKING = _fake(1)

# (cell, answered by ast, leaks expected)
CASES: list[tuple[str, bool, bool]] = [
    ('token = ("YOUR_"  "HF_TOKEN")\n', True, True),
    ('api_key = (\n    "YOUR_"  # the first half\n    "API_KEY"\n)\n', True, True),
    ('token = f"{x}"\nheaders = {"Authorization": f"Bearer {token}"}\n', True, False),
    ('token = "YOUR_" f"{x}"\n', False, False),
    ('api_key = b"YOUR_API_KEY"\n', True, True),
    ('api_key = b"YOUR_" b"API_KEY"\n', True, True),
    (
        'client = OpenAI(api_key=get(token="YOUR_TOKEN"),\n'
        '                http=Client(headers={"Authorization": "Bearer YOUR_KEY"}))\n',
        True,
        True,
    ),
    ('!pip install -q openai\n%env A=1\ntoken = "YOUR_HF_TOKEN"\n!echo done\n', True, True),
    ('greeting = "héllo wörld 🤗"; token = "YOUR_HF_TOKEN"\n', True, True),
    ('notes = """🤗\n🤗 🤗"""; api_key = "<YOUR_API_KEY>"\n', True, True),
    ('名前 = "YOUR_HF_TOKEN"\ntoken = "YOUR_HF_TOKEN"\n', False, True),
    ("import os\r\nos.environ['HF_TOKEN'] = 'YOUR_TOKEN'\r\ntoken = 'hf_...'\r\n", True, True),
    ("if True:\n\ttoken = 'YOUR_TOKEN'\n\tif x:\n\t\tapi_key =\t'<KEY>'\n", True, True),
    (
        'from os import environ as env, putenv as put\nenv["OPENAI_API_KEY"] = "sk-xxx"\n'
        'put("HF_TOKEN", "<TOKEN>")\n',
        True,
        True,
    ),
    (
        'import os as system\nsystem.environ.update({"HF_TOKEN": "YOUR"}, GROQ_API_KEY="xxx")\n'
        'system.environ.setdefault("MISTRAL_API_KEY", "YOUR MISTRAL API KEY")\n'
        'system.environ.update(*[{"A": "B"}], **{"TAVILY_API_KEY": "<KEY>"})\n'
        'system.environ.update(dict(WANDB_API_KEY="PUT_HERE"))\n',
        True,
        True,
    ),
    ('import os\nos.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "my_account.json"\n', True, False),
    ('import os\nos.environ["HF_TOKEN"] = "' + REAL_LOOKING + '"\n', True, True),
    (f'client = Client(api_key="Bearer {REAL_LOOKING}")\n', True, True),  # one piece: libcst's layout
    (f'client = Client(api_key=("Bearer " "{REAL_LOOKING}"))\n', False, True),
    (f'client = Client(api_key="Bearer\\t{REAL_LOOKING}")\n', False, True),
    (f'token = "{TOKEN}"\n', True, True),
    (f'"""{TOKEN}"""\ntoken = b"{TOKEN}"\nmatch x:\n    case r"{TOKEN}":\n        pass\n', True, True),
    (f"import os\nos.environ['HF_TOKEN'] = '{TOKEN}'  # the token\n", True, True),
    (f'token = "{TOKEN}"  # {TOKEN}\n', True, True),
    (f'token = "{TOKEN}"\nlogin({TOKEN})\n', False, True),
    (f'token = "{TOKEN}"\nprint(f"{{x}} {TOKEN}")\n', sys.version_info >= (3, 12), True),  # fields placed
    (f"# {TOKEN}\nx = 1\n", True, True),
    (f"# {TOKEN}\r\nx = 1\r\n", False, True),
    (f'headers = {{"Authorization": f"Bearer {TOKEN}"}}\n', True, True),
    (f'print(f"{{{{x}}}} {TOKEN}")\n', True, True),
    (f'print(f"{TOKEN}" "{{x}}")\n', False, True),
    ('token = "\\x68' + TOKEN[1:] + '"\n', False, True),
    ('token = "' + TOKEN[:10] + '" "' + TOKEN[10:] + '"\n', False, True),
    ('match x:\n    case "YOUR_TOKEN":\n        token = "YOUR_TOKEN"\n', True, True),
    (  # match statements in other statements' bodies: a case, a handler, an else, a loop's else
        "def f(x):\n    try:\n        pass\n    except E:\n        for y in x:\n            pass\n"
        '        else:\n            match x:\n                case {"token": "<YOUR_TOKEN>"}:\n'
        '                    match y:\n                        case "YOUR_TOKEN":\n'
        '                            token = "YOUR_TOKEN"\n    finally:\n        api_key = "<KEY>"\n',
        True,
        True,
    ),
    (
        "class A:\n    if x:\n        pass\n    else:\n        match x:\n"
        '            case C(token="YOUR_TOKEN"):\n                pass\n',
        True,
        False,
    ),
    ('import os\nos.environ[("A", "B")] = "YOUR_TOKEN"\n', False, False),
    ('import os\nos.environ["HF_TOKEN",] = "YOUR_TOKEN"\nos.environ["A", "B"] = "x"\n', True, True),
    ("arr[0, 1] = 5\narr[1:2] = 'YOUR_TOKEN'\ntoken = api_key = 'YOUR_TOKEN'\n", True, True),
    ('kaggle = {"username": "me", "key": "YOUR_KAGGLE_KEY"}\n', True, True),
    ('token, other = "YOUR_TOKEN", "x"\nTOKEN_CLS = "TOKEN_CLS"\n', True, True),
    ("print(f\"{login(token='YOUR_TOKEN')}\")\n", True, False),
    ("def f(token: str = 'YOUR_TOKEN') -> None:\n    self.api_key: str = '<API_KEY>'\n", True, True),
    ("x = (1 +\n", False, False),
    ("token = 'YOUR_TOKEN'\nx = " + ".".join(["a"] * 600) + "\n", False, False),  # libcst: too deep
    ('token = "YOUR_TOKEN"\nprint(f"{名前}")\n', False, False),
    ('token = "YOUR_TOKEN"\nprint(f"{x!r} ünï")  # ünï\n', True, True),
]


@pytest.mark.parametrize(("cell", "answered", "leaky"), CASES)
def test_ast_path_gives_libcst_leaks_or_none(cell: str, answered: bool, leaky: bool) -> None:
    code = mask_cell(cell).python
    ours, theirs = EnvironAliases(), EnvironAliases()
    found = ast_leaks(code, ours)
    assert (found is not None) == answered
    if not answered:
        assert ours == EnvironAliases()  # nothing learned from a cell left to libcst
        return
    expected = find_python_leaks(code, theirs)
    assert found == expected
    assert ours == theirs
    assert bool(found) == leaky


def test_names_bound_in_an_earlier_cell_are_used_and_kept() -> None:
    ours, theirs = EnvironAliases(), EnvironAliases()
    first = "from os import environ as env\n"
    second = 'env["HF_TOKEN"] = "YOUR_HF_TOKEN"\n'
    assert ast_leaks(first, ours) == find_python_leaks(first, theirs) == []
    found = ast_leaks(second, ours)
    assert found and found == find_python_leaks(second, theirs)
    assert ours == theirs


@pytest.mark.parametrize(
    "chain",
    [
        lambda n: ".".join(["a"] * n),  # Attribute, Name: each with its Load under it
        lambda n: " + ".join(["a"] * n),  # BinOp: an Add under each
        lambda n: "a" + "[0]" * n,  # Subscript in Subscript
        lambda n: "-" * n + "a",  # UnaryOp
    ],
)
def test_the_depth_limit_is_libcsts_to_the_node(chain: Callable[[int], str]) -> None:
    """Right at ``MAX_AST_DEPTH`` the leaves under a node (``Load``, ``Add``) count, as in
    ``too_deep``: the ast path gives up exactly where libcst's guard would refuse the code."""
    limits = set()
    for n in range(MAX_AST_DEPTH - 10, MAX_AST_DEPTH + 4):
        code = f"token = 'YOUR_TOKEN'\nx = {chain(n)}\n"
        try:
            tree = ast.parse(code)
        except (SyntaxError, RecursionError, MemoryError):  # CPython's own parser limit
            continue
        deep = too_deep(tree)
        limits.add(deep)
        assert (ast_leaks(code) is None) == deep, n
    assert limits == {True, False}


def test_positions_are_characters_not_bytes() -> None:
    code = 'msg = "ünïcödé 🤗"; api_key = "<YOUR_API_KEY>"\n'
    found = ast_leaks(code)
    assert found is not None and len(found) == 1
    assert code[found[0].start : found[0].end] == '"<YOUR_API_KEY>"'


@pytest.mark.parametrize(
    "code",
    [
        'match x:\n    case "<T>":\n        pass\n',
        "def f(x):\n    try:\n        pass\n    except E:\n        for y in x:\n            pass\n"
        "        else:\n            match x:\n                case 1:\n                    match y:\n"
        '                        case ["<T>", *rest]:\n                            pass\n',
        "class A:\n    with x:\n        if y:\n            pass\n        else:\n"
        '            match y:\n                case C(k="<T>") if True:\n                    pass\n',
    ],
)
def test_a_token_in_a_case_pattern_at_any_depth_is_not_fixable(code: str) -> None:
    """``in_match_patterns`` finds the ``match`` statements through the bodies they sit in."""
    code = code.replace("<T>", TOKEN)
    leaks = find_python_leaks(code)
    assert len(leaks) == 1 and leaks[0].secret == TOKEN
    assert not leaks[0].fixable and leaks[0].reason == MATCH_PATTERN
    outside = find_python_leaks(code.replace("pass\n", f'token = "{TOKEN}"\n', 1))
    assert any(leak.fixable for leak in outside)


# Files that share statements, where the same statement means something else in each: an alias bound
# before it, a decorator above it, a statement beside it on its line.
SHARED_STATEMENTS = [
    'from os import putenv as put\nput("HF_TOKEN", "<YOUR_TOKEN>")\nx = 1\n',
    'put("HF_TOKEN", "<YOUR_TOKEN>")\nx = 1\n',
    'import os as system\nenv = system.environ\nenv["OPENAI_API_KEY"] = "<KEY>"\n',
    'env = system.environ\nenv["OPENAI_API_KEY"] = "<KEY>"\nx = 1\n',
    '@app.cell(token="YOUR_HF_TOKEN")\ndef f():\n    return 1\n',
    "@app.cell(hide=True)\ndef f():\n    return 1\n",
    "def f():\n    return 1\nx = 1; y = 2\n",
    'x = 1; token = "YOUR_HF_TOKEN"\n',
    'x = 1; y = 2\napi_key = "<YOUR_KEY>"  # x = 1; y = 2\n',
    "x = 1\nabcdefg = 1234567",  # the last line, with no line end: the same length as the next
    'x = 1\napi_key = "<KEY>"',
]


@pytest.mark.parametrize("first", range(len(SHARED_STATEMENTS)))
def test_remembered_statements_give_what_a_first_walk_gives(first: int) -> None:
    """A statement that held nothing is skipped when seen again (``python_ast._INERT``), only where it
    is the same statement under the same names bound to ``os.environ``."""
    expected = []
    for code in SHARED_STATEMENTS:
        python_ast._INERT.clear()
        expected.append(ast_leaks(code))
    assert any(expected) and not all(expected)
    python_ast._INERT.clear()
    order = SHARED_STATEMENTS[first:] + SHARED_STATEMENTS[:first]
    assert [ast_leaks(code) for code in order] == expected[first:] + expected[:first]
    assert [ast_leaks(code) for code in order] == expected[first:] + expected[:first]  # all remembered
    assert python_ast._INERT


def test_remembered_statements_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(python_ast._INERT, "most_chars", 200)
    python_ast._INERT.clear()
    for number in range(30):
        assert ast_leaks(f"x{number} = compute({number}, 'some value')\ntoken = 'YOUR_HF_TOKEN'\n")
        assert python_ast._INERT.chars == sum(len(key[0]) for key in python_ast._INERT) <= 200


def test_remembered_string_values_give_what_a_first_look_gives() -> None:
    """Whether a string's value holds a token is remembered by the value (``python_ast._HOLDS``); a
    key in a URL parameter that only the value shows (``\\x3d`` is ``=``) sends the code to libcst
    every time, never remembered as holding nothing."""
    python_ast._HOLDS.clear()
    for code in (f'x = "{TOKEN}"\n', f'print("{TOKEN}")\n', f'x = "{TOKEN}"\n'):
        found = ast_leaks(code)
        assert found and found == find_python_leaks(code)
    hidden = f'url = "https://example.com/?key\\x3d{REAL_LOOKING}"\n'
    assert ast_leaks(hidden) is None
    assert ast_leaks(hidden) is None
    assert ast_leaks(f'url = "https://example.com/?tab\\x3d{REAL_LOOKING}"\n') == []
