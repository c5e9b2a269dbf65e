"""The speed levers may skip work, never findings.

- ``prefilter.python_may_leak`` / ``notebook_may_leak`` say whether a file can hold a finding at all: every
  file the detectors flag must pass them (the tables below run the real detector on the whole text).
- ``read.slices`` hands libcst only the statements that matter: on real modules with leaks planted at
  every kind of place, the findings on the slice are the findings on the whole file, at the same offsets.
"""

from __future__ import annotations

import inspect
import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard.api import scan_bytes
from hf_secret_guard.model import Leak
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.scan.code import find_code_leaks
from hf_secret_guard.screen import prefilter
from hf_secret_guard.screen.slices import relevant_statements
from tests.conftest import ORG_TOKEN, TOKEN, examples, make_token
from tests.notebooks import new_code_cell, notebook_text

OPTIONS = ScanOptions()
HEAD, TAIL = TOKEN[:12], TOKEN[12:]

# Python that leaks in ways a needle search must not be fooled out of.
LEAKY_PYTHON = [
    f"t = '{TOKEN}'",
    f"t = ('{HEAD}'\n     '{TAIL}')",  # implicitly concatenated pieces are one literal
    f"t = '{HEAD}' \\\n    '{TAIL}'",
    f"t = '{TOKEN[:5]}\\x{ord(TOKEN[5]):02x}{TOKEN[6:]}'",  # an escape inside the body
    f"# {ORG_TOKEN}",
    'import os\nos.environ["OPENAI_API_KEY"] = "sk-live-1234567890"',
    'import os\nos.environ[\n    "OPENAI_API_KEY"  # the key\n] = "sk-live-1234567890"',
    'import os\n(os.environ)["DB_PASSWORD"] = "hunter2-hunter2"',
    'import os\nos.environ["API_" "KEY"] = "sk-live-1234567890"',
    'import os\nos.environ[b"API_KEY".decode()] = "x"',  # not a literal key: no finding, no matter
    'import os\nos.environ.setdefault(\n    "SECRET_KEY", "abcdefgh12345678")',
    'import os\nos.environ.update({"A": "1", "MY_TOKEN": "abcdefgh12345678"})',
    'import os\nos.environ.update(MY_TOKEN="abcdefgh12345678")',
    'import os\nos.environ.update(dict(MY_TOKEN="abcdefgh12345678"))',
    'import os\nos.environ.update(**{"MY_TOKEN": "abcdefgh12345678"})',
    'import os as o\no.environ["HF_TOKEN"] = "hf_your_token_here"',
    'from os import environ as env\nenv["HF_TOKEN"] = "hf_your_token_here"',
    'from os import environ as env\nenv.setdefault("HF_TOKEN", "placeholder-value")',
    'from os import putenv as put\nput("AWS_SECRET_ACCESS_KEY", "abcdefgh12345678")',
    'import os\nos.putenv("HF_TOKEN", "placeholder-value")',
    # A value that starts like a name or a call but is not all of it: the prefilter must not say no.
    'import os\nos.environ["API_KEY"] = key = "sk-live-1234567890"',
    'import os\nos.environ["API_KEY"] = cfg()["k"] = "sk-live-1234567890"',
    'import os\nos.environ["API_KEY"] = os.environ["SESSION"] = "sk-live-1234567890"',
    'import os\nos.environ["API_KEY"] = \\\n    "sk-live-1234567890"',
    'import os\nos.environ["API_KEY"] = (\n    "sk-live-1234567890")',
    'import os\nos.environ["API_KEY"], os.environ["X"] = "sk-live-1234567890", x',
    'import os\nos.environ.setdefault("API_KEY", fallback or "sk-live-1234567890")',
    'import os\nos.environ["API_KEY"] = r"sk-live-1234567890"',
    # Found by an adversarial review: spellings the detector reads and the prefilters once did not.
    'import os\nos.environ["HF_TOKEN",] = "Xq9vLm2pR7tK"',  # one subscript element: a tuple to ast
    'from os import environ \\\n    as env\nenv["HF_TOKEN"] = "Xq9vLm2pR7tK"',
    'from os import (environ # c\n as env)\nenv["HF_TOKEN"] = "Xq9vLm2pR7tK"',
    'from os import putenv \\\n    as p\np("HF_TOKEN", "Xq9vLm2pR7tK")',
    'import os\n(os.putenv)("HF_TOKEN", "Xq9vLm2pR7tK")',
    'import os\n(os.environ.setdefault)("HF_TOKEN", "Xq9vLm2pR7tK")',
    'import os\n(os.environ.__setitem__) ("HF_TOKEN", "Xq9vLm2pR7tK")',
    'import os\nos.environ.setdefault(*(), "HF_TOKEN", "Xq9vLm2pR7tK")',
    'import os\nos.putenv(*[], "HF_TOKEN", "Xq9vLm2pR7tK")',
]

# Python that mentions every needle and leaks nothing: the prefilter should let libcst off.
CLEAN_PYTHON = [
    "from huggingface_hub import hf_hub_download\npath = hf_hub_download('gpt2', 'config.json')",
    'token = kwargs["hf_token"]\nos.environ["HOME"] = "/tmp"',
    'os.environ["TOKENIZERS_PARALLELISM"] = "false"\nos.environ.get("HF_TOKEN")',
    "env = dict(os.environ)\nenv['PATH'] = '/usr/bin'\nos.environ[key] = value",
    "def hf_model_id(): ...",
    "from os import environ\nenviron.update(self.env)\nos.environ.update(defaults)",
    # The safe pattern, which --fix writes: a name or a call, not a string, is the value.
    'import os\nfrom google.colab import userdata\nos.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")',
    'os.environ["OPENAI_API_KEY"] = os.getenv("KEY", "")  # from CI\r\nos.environ["HF_TOKEN"] = token\r\n',
    'os.environ.setdefault("HF_TOKEN", token)\nos.putenv("API_KEY", read_key(path, "x", ))',
    'os.environ["WANDB_API_KEY"] = settings.wandb_key',
    'os.environ["HF_TOKEN"] = os.environ["HF_TOKEN"]\nlogin(os.environ["HF_TOKEN"])',  # --fix-style env
    # Reads of secret-named keys, told from writes by CPython's parser.
    'import os\ntoken = os.environ["HF_TOKEN"]\nlogin(token=os.environ["HF_TOKEN"])\n',
    'import os\nmodel = load(\n    "gpt2",\n    token=os.environ["HF_TOKEN"],\n)',
    'import os\nkey = (os.environ["API_KEY"], 1)\nos.environ.setdefault("KEY", k)',
    'import os\nos.environ["HF_TOKEN"] += ""\nos.environ["API_KEY"]: str = get()',  # not what HFG002 reads
    'import os\nos.environ["API_KEY"], n = get_key(), "n"',
    'import os\ntoken = os.environ["HF_TOKEN"]\npbar.update(1)\nconfig.update({"lr": 0.1}, seed="x")',
    'PREFIXES = ("hf_", "api_org_")\nNEEDLES = [b"hf_", b"api_org_"]',  # in Python, two values each
]


def _detected(text: str) -> list[Leak]:
    """What the libcst detector finds on the whole text, with no prefilter in the way."""
    leaks, _ = find_code_leaks(text, OPTIONS, force=True)
    return leaks


@pytest.mark.parametrize("text", LEAKY_PYTHON, ids=range(len(LEAKY_PYTHON)))
def test_every_leak_passes_the_python_prefilter(text: str) -> None:
    if _detected(text):
        assert prefilter.python_may_leak(text)
    assert sorted(f.rule for f in scan_bytes(text.encode(), "x.py").findings) == sorted(
        leak.rule for leak in _detected(text)
    )


def test_the_leaky_table_is_mostly_leaks() -> None:
    assert sum(1 for text in LEAKY_PYTHON if _detected(text)) >= len(LEAKY_PYTHON) - 3


@pytest.mark.parametrize("text", CLEAN_PYTHON)
def test_clean_python_is_settled_without_a_parser(text: str) -> None:
    assert _detected(text) == []
    assert not prefilter.python_may_leak(text)


def test_secret_names_from_the_command_line_count() -> None:
    text = 'import os\nos.environ["CORP_DB"] = "abcdefgh12345678"'
    assert not prefilter.python_may_leak(text)
    assert prefilter.python_may_leak(text, ("CORP_DB",))
    assert scan_bytes(text.encode(), "x.py", ScanOptions(secret_names=("CORP_DB",))).findings


@pytest.mark.parametrize(
    ("cells", "leaks"),
    [
        (["from os import environ as env", 'env["HF_TOKEN"] = "placeholder-value"'], True),
        (["import os", "%env OPENAI_API_KEY=sk-live-1234567890"], True),
        (["%%bash\nexport HF_TOKEN=placeholder-value"], True),
        (["%%bash\nexport\tHF_TOKEN=placeholder-value"], True),
        ([f"!huggingface-cli login --token {TOKEN}"], True),
        (["import os", "os.environ['WANDB_DISABLED'] = 'true'", "%env CUDA_VISIBLE_DEVICES=0"], False),
        (["x = hf_hub_download('gpt2')", "!export PATH=$PATH:/opt/bin"], False),
        (
            [
                "from google.colab import userdata",
                'import os\nos.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")',
            ],
            False,
        ),
        # Reads, beside IPython lines: the parser sees the cell with those lines blanked.
        (["!pip install -q huggingface_hub", "import os\n!nvidia-smi\nlogin(os.environ['HF_TOKEN'])"], False),
        (["%%time\nimport os\nos.environ['HF_TOKEN'] = userdata.get('HF_TOKEN')"], False),
        (["%%time\nimport os\nos.environ['API_KEY'] = 'sk-live-1234567890'"], True),
        (["import os\n!echo hi\nos.environ['API_KEY'] = 'sk-live-1234567890'"], True),
        (["import os\npip install x\nos.environ['API_KEY'] = 'sk-live-1234567890'"], True),  # automagic
        # CPython parses the cell as it is (the write is inside a string); libcst cannot (600 terms), so
        # the scanner blanks the automagic `cd` line, which turns the string's end into a comment.
        (
            [
                "import os",
                "cd + " + "+".join(["x"] * 600) + " + '''\nos.environ['HF_TOKEN'] = 'Xq9vLm2pR7tK'  #'''\n",
            ],
            True,
        ),
    ],
)
def test_notebook_prefilter(cells: list[str], leaks: bool) -> None:
    raw = notebook_text([new_code_cell(source) for source in cells])
    assert prefilter.notebook_may_leak(raw) is leaks
    assert bool(scan_bytes(raw.encode(), "nb.ipynb").findings) is leaks


def test_unusual_notebooks_go_to_the_full_reader() -> None:
    """Whatever the reader would complain about is left to it, so its note is not lost."""
    assert prefilter.notebook_may_leak('{"cells": [ {"source": 1} ], "environ": 1}')
    assert prefilter.notebook_may_leak('{"cells": "environ"}')
    assert prefilter.notebook_may_leak('{"cells": [], environ')
    assert not prefilter.notebook_may_leak(json.dumps({"cells": [], "metadata": {"x": "environ"}}))


# ---------------------------------------------------------------------------- slices of real modules

PLANTS = [
    f'HF_TOKEN = "{TOKEN}"\n',
    f"# left over: {TOKEN}\n",
    f'@register("{TOKEN}")\ndef _planted():\n    pass\n',
    f"class _Planted:\n    '''Uses {TOKEN}.'''\n\n    def m(self):\n        return 1\n",
    "class _Env:\n    def run(self, x):\n        if x:\n            return 1\n        else:\n"
    '            os.environ["HF_TOKEN"] = "placeholder-value"\n',
    f'try:\n    import missing\nexcept ImportError:\n    t = ("{HEAD}"\n         "{TAIL}")\n'
    "finally:\n    pass\n",
    f'if a:\n    x = 1\nelif b:\n    y = 2\n    w = 3\nelse:\n    z = "{TOKEN}"\n',
    "for i in range(3):\n    pass\nelse:\n    done = True\n",  # an else that must keep one statement
    f'if DEBUG: t = "{TOKEN}"\n',  # a one-liner: the body shares the `if` line
    f'a = 1; t = "{TOKEN}"\n',
    'from os import environ as e\ne["MY_SECRET"] = "abcdefgh12345678"\n',
    "def f(\n    x,\n):\n    return x\n",  # nothing here: must be cut without breaking anything
]


def _modules() -> list[str]:
    """Real, mid-sized modules that every Python has."""
    import json.decoder
    import string

    return [inspect.getsource(module) for module in (textwrap, json.decoder, string)]


def _top_level_breaks(text: str) -> list[int]:
    lines = text.splitlines(keepends=True)
    offsets, position = [], 0
    for line in lines:
        if line.startswith(("def ", "class ")):
            offsets.append(position)
        position += len(line)
    return offsets


def _planted(module: str, plants: list[str]) -> str:
    """``module`` with each plant put before one of its top-level definitions, spread over the file."""
    breaks = _top_level_breaks(module)
    pieces, last = [], 0
    for number, plant in enumerate(plants, 1):
        at = breaks[number * len(breaks) // (len(plants) + 1)]
        pieces += [module[last:at], plant, "\n\n"]
        last = at
    return "import os\n" + "".join(pieces) + module[last:]


@pytest.mark.parametrize("index", range(3))
def test_findings_on_the_slice_are_the_findings_on_the_file(index: int) -> None:
    text = _planted(_modules()[index], PLANTS)
    sliced = relevant_statements(text)
    assert sliced is not None and len(sliced.text) < len(text) // 2
    whole = _detected(text)
    assert len(whole) >= 5
    assert [sliced.restore(leak) for leak in _detected(sliced.text)] == whole


def test_the_slice_keeps_every_needle_and_is_valid_python() -> None:
    text = _planted(_modules()[0], PLANTS)
    sliced = relevant_statements(text)
    assert sliced is not None
    compile(sliced.text, "<slice>", "exec")
    for needle in ("hf_", "environ"):
        assert sliced.text.count(needle) == text.count(needle)


@pytest.mark.parametrize(
    "text",
    [
        "x = 1\n" * 100 + "def broken(:\n    pass\n",  # a syntax error: libcst decides, on everything
        "x = 1\n",  # too small to bother
        "t = 'hf_'\n" * 100,  # nearly every statement is kept: not worth it
    ],
)
def test_no_slice_when_in_doubt(text: str) -> None:
    assert relevant_statements(text) is None


def test_a_scan_reads_sliced_files_from_disk_the_same(tmp_path: Path) -> None:
    text = _planted(_modules()[1], PLANTS)
    path = tmp_path / "planted.py"
    path.write_text(text)
    result = scan_bytes(path.read_bytes(), str(path))
    assert [(f.span.start, f.span.end, f.rule) for f in result.findings] == [
        (leak.start, leak.end, leak.rule) for leak in _detected(text)
    ]


# Environment writes and reads built from parts, for the property below: every shape the prefilter's
# two stages (byte checks, then CPython's parser) must let through when the detector reports it.
_KEYS = st.sampled_from(['"HF_TOKEN"', "'API_KEY'", '"DB_" "PASSWORD"', 'b"SECRET_KEY"', '"HOME"', "key"])
_VALUES = st.sampled_from(
    [
        '"sk-live-1234567890"',
        "'p' 'w-abcdefgh12345678'",
        'f"{x}abcdefgh12345678"',
        "userdata.get('K')",
        "token",
        'os.environ["HF_TOKEN"]',
        '("abcdefgh12345678")',
        'b"abcdefgh12345678"',
        '""',
    ]
)
_ENVIRONS = st.sampled_from(["os.environ", "env", "(os.environ)", "os.environb", "o.environ"])
_SHAPES = st.sampled_from(
    [
        "{e}[{k}] = {v}",
        "{e}[{k}] = x = {v}",
        "x = {e}[{k}] = {v}",
        "{e}[{k}], n = {v}, 1",
        "[n, {e}[{k}]] = [1, {v}]",
        "{e}[{k}] = \\\n    {v}",
        "{e}[\n    {k}\n] = {v}",
        "{e}.setdefault({k}, {v})",
        "{e}.__setitem__({k}, {v})",
        "{e}.update({{{k}: {v}}})",
        "{e}.update(**{{{k}: {v}}})",
        "{e}.update(HF_TOKEN={v})",
        "{e}.update(dict(API_KEY={v}), x=1)",
        "pbar.update(1)\n{e}.update({{{k}: {v}}}, other)",
        "os.putenv({k}, {v})",
        "put({k}, {v})",
        "print({e}[{k}], {v})",
        "{e}[{k}] += {v}",
        "def f():\n    {e}[{k}] = {v}",
        "if x:\n    y = {e}[{k}]\nelse:\n    {e}[{k}] = {v}",
    ]
)
_HEADER = "import os\nimport os as o\nfrom os import environ as env\nfrom os import putenv as put\n"


@settings(max_examples=examples(80), deadline=None)
@given(shapes=st.lists(st.tuples(_SHAPES, _ENVIRONS, _KEYS, _VALUES), min_size=1, max_size=3))
def test_the_prefilter_lets_every_environment_write_through(
    shapes: list[tuple[str, str, str, str]],
) -> None:
    text = _HEADER + "\n".join(shape.format(e=e, k=k, v=v) for shape, e, k, v in shapes) + "\n"
    if _detected(text):
        assert prefilter.python_may_leak(text)
        raw = notebook_text([new_code_cell(text)])
        assert prefilter.notebook_may_leak(raw)


def test_an_alias_across_lines_is_kept_in_the_slice() -> None:
    """The slicer keeps statements that use a name bound to ``os.environ``, however the import is written."""
    text = "from os import environ \\\n    as env\n" + "x = 1\n" * 100 + 'env["HF_TOKEN"] = "Xq9vLm2pR7tK"\n'
    sliced = relevant_statements(text)
    assert sliced is not None and 'env["HF_TOKEN"]' in sliced.text
    [finding] = scan_bytes(text.encode(), "x.py").findings
    assert (finding.rule, finding.env_name, finding.span.line) == ("HFG002", "HF_TOKEN", 103)


def test_deeply_nested_notebook_json_goes_to_the_full_reader() -> None:
    """``json`` gives up on nesting (RecursionError: from about 1,000 deep on Python 3.11, 50,000 on 3.13);
    the prefilter leaves the judgement to the reader."""
    raw = '{"cells": [], "metadata": {"environ": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    assert prefilter.notebook_may_leak(raw)


def test_a_token_split_across_the_lines_of_a_json_source_list() -> None:
    """nbformat joins a cell's list of lines, so a list may split a token anywhere: only notebook JSON
    needs that split considered (in Python, ``("hf_", "x")`` is two values)."""
    cell = {"cell_type": "markdown", "metadata": {}, "source": [f"key {TOKEN[:10]}", f"{TOKEN[10:]} here"]}
    raw = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    assert prefilter.notebook_may_leak(raw)
    assert [f.rule for f in scan_bytes(raw.encode(), "nb.ipynb").findings] == ["HFG004"]
    python = f'parts = ("{TOKEN[:10]}", "{TOKEN[10:]}")\n'
    assert not prefilter.python_may_leak(python) and not _detected(python)


def test_code_too_large_to_parse_is_left_to_the_text_scan() -> None:
    """Beyond libcst's limit the file is scanned as text anyway: the parser's second look is not spent."""
    from hf_secret_guard.read.python_parse import MAX_PARSE_CHARS
    from hf_secret_guard.screen.string_writes import may_write_string

    reads = 'token = os.environ["HF_TOKEN"]\n'
    assert not may_write_string(reads)
    assert may_write_string(reads * (MAX_PARSE_CHARS // len(reads) + 1))


def test_code_nested_too_deeply_for_libcst_is_refused_on_every_python() -> None:
    """CPython's parser accepts a 600-term chain (and 30,000 on 3.10); libcst recurses once per level.
    The guard measures the tree, so the answer does not depend on the interpreter or its recursion limit."""
    from hf_secret_guard.read.python_parse import ParseError, check_parseable

    check_parseable("x = " + "1+" * 100 + "1\n")
    with pytest.raises(ParseError, match="too deeply nested"):
        check_parseable("x = " + "1+" * 600 + "1\n")


@pytest.mark.parametrize(
    "code",
    [
        'd["api_key"] = "{V}"\n',  # a subscript's key, then the sign
        "cfg['secret_token'] = '{V}'\n",
        'token = (\n    "{V}"\n)\n',  # the literal on the next line, in brackets
        'client = OpenAI(api_key=\n    "{V}")\n',
        'login(\n    "{V}"\n)\n',  # a call that takes a key first, over lines
        'co = cohere.ClientV2("{V}")\n',  # every call of tokens.slots.POSITIONAL_KEY_CALLS
        'HfFolder.save_token("{V}")\n',
        'api_key \\\n    = "{V}"\n',  # a backslash's line break
    ],
)
def test_the_slot_screens_let_through_what_the_slot_detector_reports(code: str) -> None:
    """Each shape is reported by the detector once anything else lets its file through, so the screens
    must let it through alone (the review found them passed over)."""
    text = code.format(V=make_token(11, prefix="", digits=True))  # no prefix: a key only in a slot
    alone = scan_bytes(text.encode(), "a.py").findings
    shown = scan_bytes((text + f'token = "{make_token(7)}"\n').encode(), "b.py").findings
    assert [f.rule for f in alone] == ["HFG001"] == [f.rule for f in shown if f.span.line <= text.count("\n")]
    cell = notebook_text([new_code_cell(text)])
    assert [f.rule for f in scan_bytes(cell.encode(), "n.ipynb").findings] == ["HFG001"]
