"""The scanner reads a notebook cell as IPython does: a differential test against IPython's own
``TransformerManager`` (a dev dependency), on the committed cell shapes and on generated cells; and the
fixes of tokens on IPython and Python lines, transformed by IPython and compiled."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from IPython.core import inputtransformer2 as it2
from IPython.utils.text import DollarFormatter
from nbformat.v4 import new_code_cell, new_notebook, writes

from hf_secret_guard import fix_notebook, fix_source, scan_notebook
from hf_secret_guard.fix.model import FixOptions
from hf_secret_guard.read.ipython import mask_cell
from tests.conftest import TOKEN, examples
from tests.ipython_oracle import ipython_reading, our_reading

CELLS = json.loads((Path(__file__).parent / "data" / "ipython_cells.json").read_text())["cells"]


def assert_same_reading(cell: str) -> None:
    theirs, transformed = ipython_reading(cell)
    ours, blanked = our_reading(cell)
    if ours == "fail" and theirs != "fail":
        ours, blanked = our_reading(cell, automagic=True)  # the scan's retry, as the scan does it
    # The automagic retry is lenient on purpose (`pip install x` in a multi-line cell): it may accept
    # a cell IPython rejects, never the other way round.
    if not (theirs == "fail" and ours == "ok"):
        assert ours == theirs, cell
    if theirs == "ok" and transformed is not None:
        assert blanked == transformed, cell  # every line IPython reads as Python is Python here


@pytest.mark.parametrize("cell", CELLS, ids=[cell["id"] for cell in CELLS])
def test_committed_cells_read_as_ipython_reads_them(cell: dict[str, str]) -> None:
    assert_same_reading(cell["source"].replace("@TOKEN@", TOKEN))


_PYTHON = [
    "x = 1",
    "print(x)",
    "import os",
    "def f():\n    return 1",
    "if x:\n    y = 2",
    "y = (x\n     % 3)",
    "ok = (x\n    != 2)",
    "z = x \\\n    % 2",
    "s = '''\n!not a command\n%nor this\n'''",
    "# a comment",
    "",
    "items = [\n    1,\n    2,\n]",
    "login(token='@T@')",
]
_IPYTHON = [
    "!pip install alpha",
    "!pip install alpha \\\n    beta",
    "!python train.py \\\n  --push_to_hub \\\n  --token @T@",
    "%pip install -q alpha",
    "%pip install \\\n     alpha",
    "%time f()",
    "%env HF_HOME=/tmp/hf",
    "files = !ls",
    "out = %sx ls",
    "len?",
    "os.path??",
    "?len",
    "x = len?",
    "!!ls",
    "if x:\n    !echo yes",
    "%load_ext autoreload",
]
_HEADERS = [
    "",
    "",
    "",
    "%%capture\n",
    "%%time\n",
    "%%bash\n",
    "%%html\n",
    "%%capture\n%%bash\n",
    "%%writefile a.py\n",
]


@st.composite
def generated_cells(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(_PYTHON + _IPYTHON), min_size=1, max_size=5))
    cell = "\n".join(pieces)
    style = draw(st.sampled_from(["plain", "plain", "indent", "prompt", "ipython-prompt"]))
    lines = cell.split("\n")
    if style == "indent":
        cell = "\n".join("    " + line if line else line for line in lines)
    elif style == "prompt":
        cell = "\n".join(
            (">>> " if i == 0 or not line.startswith(" ") else "... ") + line for i, line in enumerate(lines)
        )
    elif style == "ipython-prompt":
        cell = "\n".join(
            (f"In [{i}]: " if not line.startswith(" ") else "   ...: ") + line for i, line in enumerate(lines)
        )
    return (draw(st.sampled_from(_HEADERS)) + cell).replace("@T@", TOKEN)


@settings(max_examples=examples(75), deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(generated_cells())
def test_generated_cells_read_as_ipython_reads_them(cell: str) -> None:
    assert_same_reading(cell)


@pytest.mark.parametrize(
    "cell",
    [
        # The install cell of template notebooks: several commands in blocks, read one after another
        # without tokenizing the cell again (a command is one whole logical line)...
        'import os\nif "COLAB_" not in "".join(os.environ.keys()):\n    !pip install unsloth\nelse:\n'
        "    import torch\n    !pip install --no-deps xformers {v} peft \\\n        trl\n"
        '    !pip install "datasets==4.3.0"\n!pip install last\nx = 1',
        "files = !ls\nenv = %env\nlen?\n!echo a\n    !echo b",
        "def f():\n    !echo one\n    out = !echo two\n    return out\n!echo three",
        # ...and again where it is not: a quote left open, a command that runs on in brackets, a help
        # line in a bracket.
        '!echo "open\n!echo next\nx = 1\n!echo last',
        "!echo (\n!echo ) done\ny = 2\n!echo end",
        "z = (len?\n)\n!echo after",
        "!a\n!b\n!c\n!d\n!e\n!f\n!g\n!h",
        # A command whose ) the tokenizer of Python 3.10 and 3.11 counts below zero, reading the next
        # lines as continued; a lone CR (found by a hostile review).
        "!echo done :)\nif True:\n    !echo b",
        "!)\n !",
        "\t1\rx?\n %",
    ],
)
def test_cells_of_several_commands_read_as_ipython_reads_them(cell: str) -> None:
    assert_same_reading(cell)


# --- The fixes: a token on a Python line becomes Python, one in an IPython command becomes {...} ---------

_SECRET_VALUE = "value-from-the-secret-store"


def _fixed_cell(source: str) -> str:
    raw = writes(new_notebook(cells=[new_code_cell(source.replace("<T>", TOKEN))]))
    findings = scan_notebook(raw).findings
    assert findings and all(f.fixable for f in findings), [f.message for f in findings]
    assert TOKEN not in "".join(f.message for f in findings)
    result = fix_notebook(raw)
    assert len(result.fixed) == len(findings) and not result.not_fixed
    fixed = json.loads(result.text)["cells"][0]["source"]
    fixed = "".join(fixed) if isinstance(fixed, list) else fixed
    assert TOKEN not in fixed
    return str(fixed)


@pytest.fixture
def colab(monkeypatch: pytest.MonkeyPatch) -> None:
    """``google.colab.userdata`` as Colab has it, answering one value (Colab is not installed here)."""
    userdata = types.ModuleType("google.colab.userdata")
    userdata.get = lambda name: _SECRET_VALUE  # type: ignore[attr-defined]
    colab_module = types.ModuleType("google.colab")
    colab_module.userdata = userdata  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab_module)
    monkeypatch.setitem(sys.modules, "google.colab.userdata", userdata)


PYTHON_LINE_SHAPES = [
    ('msg = "token=%s"\\\n    % "<T>"', "msg", "token=" + _SECRET_VALUE),
    ('msg = ("token=%s"\n      % "<T>")', "msg", "token=" + _SECRET_VALUE),
    ("msg = ('Bearer %s'\n% '<T>')", "msg", "Bearer " + _SECRET_VALUE),
    ('given = "x"\nok = (given\n    != "<T>")', "ok", True),
    ("given = 'x'\nok = given \\\n    != '<T>'", "ok", True),
    ('import os\nos.environ["HF_TOKEN"] = ("%s"\n    % "<T>")', "os.environ['HF_TOKEN']", _SECRET_VALUE),
]


@pytest.mark.parametrize(("source", "name", "expected"), PYTHON_LINE_SHAPES)
def test_token_on_a_python_continuation_line_is_fixed_into_python(
    source: str, name: str, expected: object, colab: None
) -> None:
    fixed = _fixed_cell(source)
    assert "{userdata" not in fixed  # not the form IPython expands in commands: here it would stay text
    namespace: dict[str, object] = {}
    exec(compile(it2.TransformerManager().transform_cell(fixed), "<cell>", "exec"), namespace)
    assert eval(name, namespace) == expected


@pytest.mark.parametrize(
    "source",
    [
        "!huggingface-cli login --token <T>",
        "!python train.py \\\n    --push_to_hub \\\n    --hub_token <T>",
        "%pip install \\\n  git+https://user:<T>@huggingface.co/x.git",
        "files = !ls --token <T>",
        "if True:\n    !echo <T> \\\n      done",
    ],
)
def test_token_in_an_ipython_command_is_fixed_into_what_ipython_expands(source: str) -> None:
    fixed = _fixed_cell(source)
    code = it2.TransformerManager().transform_cell(fixed)
    compile(code, "<cell>", "exec")
    calls = [
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") in ("system", "getoutput", "run_line_magic")
    ]
    command = calls[0].args[-1]
    assert isinstance(command, ast.Constant) and isinstance(command.value, str)

    class Store:
        @staticmethod
        def get(name: str) -> str:
            return _SECRET_VALUE

    # IPython expands {...} in the command with the user's namespace before running it.
    expanded = DollarFormatter().vformat(command.value, args=[], kwargs={"userdata": Store()})
    assert _SECRET_VALUE in expanded and "userdata" not in expanded


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('x = "%s" % \\\n    "<T>"\nprint(x)', 'x = "%s" % \\\n    os.environ["HF_TOKEN"]\nprint(x)'),
        ('ok = (given\n    != "<T>")', 'ok = (given\n    != os.environ["HF_TOKEN"])'),
    ],
)
def test_the_same_shapes_in_a_python_file_run(source: str, expected: str, tmp_path: Path) -> None:
    result = fix_source(source.replace("<T>", TOKEN), "app.py", fix_options=FixOptions(style="env"))
    assert TOKEN not in result.text and expected in result.text
    if "print" in source:
        path = tmp_path / "app.py"
        path.write_text(result.text)
        run = subprocess.run(
            [sys.executable, str(path)], capture_output=True, text=True, env={"HF_TOKEN": "abc"}, check=True
        )
        assert run.stdout == "abc\n"


@pytest.mark.parametrize(
    ("source", "where", "reason"),
    [
        (
            "%%html\n<p><T></p>",
            "in a non-Python cell",
            "a %%html cell is not Python: remove the secret by hand",
        ),
        (
            "%%sql\nSELECT '<T>'",
            "in a non-Python cell",
            "a %%sql cell is not Python: remove the secret by hand",
        ),
        ("%%javascript\nconst t = '<T>'", "in a non-Python cell", "a %%javascript cell is not Python"),
        ("%%capture\n%%bash\necho <T>", "in a shell command", "a %%bash cell is not Python"),
        ("%%file app.sh\necho <T>", "in a non-Python cell", "a %%writefile cell is not Python"),
    ],
)
def test_non_python_cell_magics(source: str, where: str, reason: str) -> None:
    raw = writes(new_notebook(cells=[new_code_cell(source.replace("<T>", TOKEN))]))
    [finding] = scan_notebook(raw).findings
    assert where in finding.message and "bash-style" not in finding.message and not finding.fixable
    assert TOKEN not in finding.message
    [left] = fix_notebook(raw).not_fixed
    assert left.reason.startswith(reason)


def test_file_is_writefile_and_its_python_body_stays_a_program() -> None:
    masked = mask_cell("%%file app.py\nimport os\nx = 1\n")
    assert masked.cell_magic == "writefile" and masked.python_body
    assert masked.python.endswith("import os\nx = 1\n")


def test_could_not_parse_warning_names_the_line_in_the_cell() -> None:
    cell = "!pip install alpha \\\n    beta\nimport alpha\n\nprint('ok')\nx = (\n"
    raw = writes(new_notebook(cells=[new_code_cell("print(1)"), new_code_cell(cell + f"login('{TOKEN}')")]))
    [error] = scan_notebook(raw).errors
    assert error.message.startswith(
        "cell 2: could not parse as Python (line 6, column 5: '(' was never closed)"
    )


def test_allow_comments_for_magic_lines_change_nothing_ipython_runs() -> None:
    command = f"%env HF_TOKEN={TOKEN}\n"
    above = "# hf-secret-guard: ignore-next-line\n"
    manager = it2.TransformerManager()
    assert manager.transform_cell(above + command) == above + manager.transform_cell(command)
    assert not scan_notebook(writes(new_notebook(cells=[new_code_cell(above + command)]))).findings
    # A trailing comment would be part of the value %env sets.
    assert "ignore" in manager.transform_cell(command.rstrip("\n") + "  # hf-secret-guard: ignore\n")


@pytest.mark.parametrize(
    "source",
    [
        ">>> from huggingface_hub import login\n>>> login(token='<T>')",
        ">>> def go():\n...     login(token='<T>')",
        "In [1]: login(token='<T>')",
        "    import os\n    login(token='<T>')\n",
        "\tif True:\n\t    login(token='<T>')",
        "x = pd.read_csv?\nlogin(token='<T>')",
        "pd.read_csv??\n?len\nlogin(token='<T>')",
        "%%capture\nlogin(token='<T>')",
        "%%capture\n%%time\n!pip install alpha \\\n    beta\nlogin(token='<T>')",
        "!pip install alpha \\\n    beta\n%pip install \\\n     gamma\nlogin(token='<T>')",
    ],
)
def test_cells_only_ipython_parses_are_fixed_and_still_parse(source: str) -> None:
    before = source.replace("<T>", TOKEN)
    assert ipython_reading(before)[0] == "ok"
    fixed = _fixed_cell(source)
    assert ipython_reading(fixed)[0] == "ok", fixed
    assert our_reading(fixed)[0] == "ok"


def test_a_whitespace_only_line_is_not_indentation_to_strip() -> None:
    source = "!pip install alpha\nimport alpha\ndef f():\n    x = 1\n    \n    return x\nlogin(token='<T>')"
    fixed = _fixed_cell(source)
    assert "\nfrom google.colab import userdata\n" in "\n" + fixed
    assert ipython_reading(fixed)[0] == "ok"
