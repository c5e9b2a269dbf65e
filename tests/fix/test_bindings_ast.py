"""The facts a fix needs about a cell without findings come from CPython's tree (``ast_facts``) instead of
libcst's (``python_facts``): they must be the same facts, name for name.  Checked on every shape of
binding the fix cares about and on the real cells kept under tests/data; measured on 55,853 cells of
public notebooks with ``benchmarks/fix_facts_parity.py`` (0 differ)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from hf_secret_guard.fix.bindings import Facts, TopImport, ast_facts, python_facts
from hf_secret_guard.fix.check import compiles, parse_ast
from hf_secret_guard.read.ipython import mask_cell
from hf_secret_guard.read.python_parse import parse_module

ROOT = Path(__file__).parents[2]

SHAPES = [
    "import os\nos.environ['A'] = '1'",
    "import os as operating_system, sys\nfrom os import path as p, environ",
    "import os.path\nimport a._os.b as c",
    "from google.colab import userdata\nfrom google.colab import userdata as ud, drive",
    "from kaggle_secrets import UserSecretsClient as K\nfrom . import userdata\nfrom .os import x",
    "from os import *\nfrom google.colab import *",
    "userdata = {'HF_TOKEN': None}\nos = 'linux'\n_os: int = 1\ncolab_userdata += 1",
    "a, (b, *os) = 1, (2, 3)\n[userdata, x] = 1, 2\nobj.os = 1\nd['userdata'] = 2",
    "for os in range(3):\n    pass\nasync def f():\n    async for userdata in g():\n        pass",
    "[os for os in x]\n{k: v for k, userdata in y}\n(z for _os in w if _os)",
    "with open(p) as os, ctx() as (userdata, b):\n    pass",
    "if (os := 1):\n    del userdata, _os\n    del obj.attr",
    "def f(os, /, userdata=1, *args, _os, **kw):\n    import os\n    return lambda colab_userdata: os",
    "class userdata:\n    import os\n    def get(self, name):\n        return name",
    "@decorator(os=1)\ndef os_helper(x: 'os') -> None:\n    global userdata\n    nonlocal_thing = 1",
    "try:\n    from google.colab import userdata\nexcept ImportError:\n    userdata = None",
    "try:\n    import os\n    from google.colab import userdata as ud\nexcept ImportError as error:\n"
    "    ud = None\n    os = None\n    def f():\n        ud = 1\n"
    "else:\n    userdata = 3\nfinally:\n    _os = 4",
    "try:\n    pass\nexcept* ValueError as os:\n    userdata = 1",
    "match command:\n    case {'os': os, **userdata}:\n        pass\n"
    "    case Point(x=_os, y=[*colab_userdata]):\n        pass\n"
    "    case str() as KaggleUserSecretsClient:\n        pass\n    case os.sep:\n        pass",
    "print(f'{os.environ[\"A\"]!r:>{width}} {userdata}')\nf(os=1, **{'userdata': 2})\nx = True or None",
    "await client.get(os)\nasync with lock as userdata:\n    pass",
    "def outer():\n    def inner(userdata):\n        from google.colab import userdata\n    return inner",
    "type Alias = os\ndef g[T, *Ts, **P](x: T) -> T:\n    return x\n"
    "class C[KaggleUserSecretsClient]:\n    pass",
]


def _comparable(facts: Facts, top: list[TopImport]) -> tuple[object, ...]:
    binders = {name: sorted(kinds) for name, kinds in facts.binders.items()}
    return binders, sorted(facts.mentioned), [(item.kind, item.name) for item in top]


def _check(python: str) -> None:
    libcst_facts = _comparable(*python_facts(parse_module(python)))
    assert _comparable(*ast_facts(parse_ast(python))) == libcst_facts


@pytest.mark.parametrize("code", SHAPES, ids=range(len(SHAPES)))
def test_the_same_facts_on_every_binding_shape(code: str) -> None:
    if not compiles(code):
        assert "type Alias" in code and sys.version_info < (3, 12)
        pytest.skip("type parameters are Python 3.12 syntax")
    _check(code)


def _real_cells() -> list[str]:
    cells = [
        cell["source"] for cell in json.loads((ROOT / "tests/data/ipython_cells.json").read_text())["cells"]
    ]
    for path in sorted(ROOT.glob("tests/data/**/*.ipynb")) + sorted(ROOT.glob("fixtures/*.ipynb")):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                source = cell["source"]
                cells.append("".join(source) if isinstance(source, list) else source)
    return cells


def test_the_same_facts_on_the_real_cells() -> None:
    checked = 0
    for text in _real_cells():
        masked = mask_cell(text.replace("@TOKEN@", "hf_x"))
        if masked.python_body and compiles(masked.python):
            _check(masked.python)
            checked += 1
    assert checked >= 100


def test_a_difference_is_seen() -> None:
    """The comparison can fail: a name only libcst sees (``True`` is a name there) makes them differ."""
    without = ast_facts(ast.parse("x = 1"))
    assert _comparable(*without) != _comparable(*python_facts(parse_module("x = True")))
