"""--fix on notebooks: golden files in Colab and Jupyter format, IPython lines that still run in a real
IPython shell, outputs and metadata masked, and every untouched byte kept."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import nbformat
import pytest

from hf_secret_guard import fix_bytes, fix_notebook, scan_notebook
from hf_secret_guard.fix.model import FixOptions
from hf_secret_guard.tokens import find_tokens
from tests.conftest import REPO, TOKEN
from tests.fix_support import SECRETS, install_fake_colab, sub
from tests.notebooks import STYLES, Style, new_code_cell, new_markdown_cell, new_output, notebook_text

DATA = REPO / "tests" / "data" / "fix"


def _golden(name: str) -> tuple[str, str]:
    return sub((DATA / f"{name}.ipynb").read_text("utf-8")), sub(
        (DATA / f"{name}.expected.ipynb").read_text("utf-8")
    )


@pytest.mark.parametrize("name", ["colab", "jupyter"])
def test_golden_notebooks(name: str) -> None:
    before, expected = _golden(name)
    result = fix_notebook(before, f"{name}.ipynb")
    assert result.text == expected
    nbformat.validate(json.loads(result.text))
    remaining = scan_notebook(result.text, f"{name}.ipynb").findings
    assert sorted((f.rule, f.cell) for f in remaining) == sorted(
        (item.finding.rule, item.finding.cell) for item in result.not_fixed
    )
    assert fix_notebook(result.text, f"{name}.ipynb").text == result.text  # idempotent


def test_colab_golden_keeps_colab_format() -> None:
    before, _ = _golden("colab")
    fixed = fix_notebook(before, "colab.ipynb").text
    # Colab writes json.dumps(indent=2, ensure_ascii=False) with no final newline; so must we.
    assert fixed == json.dumps(json.loads(fixed), indent=2, ensure_ascii=False)
    assert not fixed.endswith("\n")


def test_colab_golden_not_fixed_reasons() -> None:
    before, _ = _golden("colab")
    reasons = {item.finding.cell: item.reason for item in fix_notebook(before, "colab.ipynb").not_fixed}
    assert "%%bash" in reasons[7]
    assert "$" in reasons[8]


def test_bom_notebook_keeps_its_bom() -> None:
    before, expected = _golden("colab")
    result = fix_bytes(b"\xef\xbb\xbf" + before.encode(), "colab.ipynb")
    assert result.new_data == b"\xef\xbb\xbf" + expected.encode()


def _nb(cells: list[Any], style: Style = "colab-4.0", **kwargs: Any) -> str:
    return notebook_text(cells, style, **kwargs)


def _sources(text: str) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(text)["cells"]]


def test_import_goes_to_the_first_cell_that_needs_it() -> None:
    raw = _nb(
        [new_code_cell("x = 1"), new_code_cell(f'login(token="{TOKEN}")'), new_code_cell(f't = "{TOKEN}"')]
    )
    assert _sources(fix_notebook(raw).text) == [
        "x = 1",
        'from google.colab import userdata\n\nlogin(token=userdata.get("HF_TOKEN"))',
        't = userdata.get("HF_TOKEN")',
    ]


def test_no_import_when_an_earlier_cell_has_it() -> None:
    raw = _nb([new_code_cell("from google.colab import userdata"), new_code_cell(f'login(token="{TOKEN}")')])
    assert _sources(fix_notebook(raw).text)[1] == 'login(token=userdata.get("HF_TOKEN"))'


def test_import_after_a_cell_magic_line() -> None:
    raw = _nb([new_code_cell(f'%%time\nlogin(token="{TOKEN}")')])
    assert _sources(fix_notebook(raw).text) == [
        '%%time\nfrom google.colab import userdata\n\nlogin(token=userdata.get("HF_TOKEN"))'
    ]


def test_single_line_list_source_grows_in_the_files_style() -> None:
    for style, indent, newline in (("colab-4.0", 2, ""), ("jupyter-4.5", 1, "\n")):
        raw = _nb([new_code_cell(f'login(token="{TOKEN}")')], style)
        fixed = fix_notebook(raw).text
        value = json.loads(fixed)
        sort_keys = style != "colab-4.0"
        assert fixed == json.dumps(value, indent=indent, sort_keys=sort_keys, ensure_ascii=False) + newline
        assert value["cells"][0]["source"] == [
            "from google.colab import userdata\n",
            "\n",
            'login(token=userdata.get("HF_TOKEN"))',
        ]


def test_string_source_stays_a_string() -> None:
    raw = _nb([new_code_cell(f'login(token="{TOKEN}")\nx = "é"')], "jupyter-4.5", list_sources=False)
    value = json.loads(fix_notebook(raw).text)
    assert (
        value["cells"][0]["source"]
        == 'from google.colab import userdata\n\nlogin(token=userdata.get("HF_TOKEN"))\nx = "é"'
    )


def test_outputs_markdown_and_metadata_are_masked_in_place() -> None:
    cells = [
        new_markdown_cell(f"Token: {TOKEN}"),
        new_code_cell(
            "print(t)",
            outputs=[
                new_output("stream", name="stdout", text=f"{TOKEN}\n"),
                new_output("execute_result", data={"text/html": f"<b>{TOKEN}</b>"}, execution_count=1),
                new_output("error", ename="E", evalue=TOKEN, traceback=[f"\x1b[1m{TOKEN}\x1b[0m"]),
            ],
        ),
    ]
    raw = _nb(cells, metadata={"widgets": {"state": {"value": TOKEN}}})
    fixed = fix_notebook(raw).text
    assert not list(find_tokens(fixed))
    assert fixed == raw.replace(TOKEN, "hf_****" + TOKEN[-4:])


def test_invalid_json_is_never_rewritten() -> None:
    raw = _nb([new_code_cell(f'login(token="{TOKEN}")')])
    broken = raw.replace('"cells": [', '"cells": [[', 1)
    result = fix_notebook(broken)
    assert result.text == broken and not result.changed


def test_notebook_without_findings_is_byte_identical() -> None:
    raw = _nb([new_code_cell("import os\nprint(os.environ['HF_TOKEN'])"), new_markdown_cell("# hf_...")])
    result = fix_notebook(raw)
    assert result.text == raw and not result.changed
    assert fix_bytes(raw.encode(), "nb.ipynb").new_data is None


@pytest.mark.parametrize("style", STYLES)
def test_every_style_fixed_and_valid(style: Style) -> None:
    raw = _nb(
        [
            new_code_cell(
                f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"', outputs=[new_output("stream", text=TOKEN)]
            )
        ],
        style,
    )
    fixed = fix_notebook(raw).text
    nbformat.validate(json.loads(fixed))
    assert not list(find_tokens(fixed))
    assert fixed.endswith("\n") == raw.endswith("\n")


def test_env_style_in_a_notebook() -> None:
    raw = _nb([new_code_cell(f"!huggingface-cli login --token {TOKEN}")])
    fixed = fix_notebook(raw, fix_options=FixOptions(style="env")).text
    assert _sources(fixed) == ["import os\n\n!huggingface-cli login --token {os.environ['HF_TOKEN']}"]


# -- fixed cells run in a real IPython shell


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from IPython.core.interactiveshell import InteractiveShell

    environ = dict(os.environ)
    ipython = InteractiveShell.instance()
    ipython.reset(new_session=False)
    yield ipython
    ipython.reset(new_session=False)
    os.environ.clear()
    os.environ.update(environ)


def _run_cells(shell: Any, raw: str) -> dict[str, Any]:
    os.environ.pop("HF_TOKEN", None)
    os.environ.pop("OTHER_TOKEN", None)
    shell.reset(new_session=False)
    for cell in json.loads(raw)["cells"]:
        if cell["cell_type"] == "code":
            result = shell.run_cell("".join(cell["source"]), store_history=False)
            assert result.success, result.error_in_exec or result.error_before_exec
    return {
        "env": os.environ.get("HF_TOKEN"),
        "other": os.environ.get("OTHER_TOKEN"),
        "echo": list(shell.user_ns["echoed"]),
        "header": shell.user_ns["header"],
        "timed": shell.user_ns["timed"],
        "logins": list(shell.user_ns["logins"]),
        "raw": shell.user_ns["raw"],
    }


def test_fixed_cells_run_the_same_in_ipython(shell: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {**SECRETS, "OTHER_TOKEN": TOKEN}
    asked = install_fake_colab(monkeypatch, secrets)
    cells = [
        new_code_cell("logins = []\ndef login(token):\n    logins.append(token)"),
        new_code_cell(f"!true\n%env HF_TOKEN={TOKEN}\n%set_env OTHER_TOKEN {TOKEN}"),
        new_code_cell(f"echoed = !echo '{TOKEN}' done"),
        new_code_cell(f'%%capture captured\nlogin(token="{TOKEN}")\nheader = f"Bearer {TOKEN}"'),
        new_code_cell(f'%time timed = "{TOKEN}"'),
        new_code_cell(f'raw = b"x-{TOKEN}"'),
    ]
    original = _nb(cells)
    fixed = fix_notebook(original).text
    assert not list(find_tokens(fixed))
    assert _run_cells(shell, fixed) == _run_cells(shell, original)
    assert set(asked) == {"HF_TOKEN", "OTHER_TOKEN"}


# IPython lines the fixer leaves alone, and why (each would break, or print the token again).
IPYTHON_NOT_FIXED = [
    ("%env HF_TOKEN=<T> OTHER=1", "%env"),
    ("%env AUTH=user:<T>", "more than the secret"),
    ("!awk '{print $1}' <T>", "expansions"),
    ("!echo $HOME <T>", "expansions"),
    ("%time login(token='Bearer <T>')", "%time"),
    ("%%bash\nhuggingface-cli login --token <T>", "%%bash"),
]


@pytest.mark.parametrize(("source", "reason"), IPYTHON_NOT_FIXED)
def test_ipython_lines_not_fixed(source: str, reason: str) -> None:
    raw = _nb([new_code_cell(source.replace("<T>", TOKEN))])
    result = fix_notebook(raw)
    assert result.text == raw
    assert [reason in item.reason for item in result.not_fixed] == [True]


# -- golden cells that must run the same in a real IPython shell: (id, cells before, cells after).
# Each original defines R (and may set HF_TOKEN/HF_TOKEN_2 in the environment); the fixed cells must
# compute the same with the secrets read from a fake google.colab.userdata.
RUNS_THE_SAME: list[tuple[str, list[str], list[str]]] = [
    (
        "same-key-two-tokens-across-cells",
        ["%env HF_TOKEN=<T1>", "import os\nos.environ['HF_TOKEN'] = '<T2>'\nR = os.environ['HF_TOKEN']"],
        [
            "import os\n\nfrom google.colab import userdata\n\n"
            'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")',
            "import os\nos.environ['HF_TOKEN'] = userdata.get(\"HF_TOKEN_2\")\nR = os.environ['HF_TOKEN']",
        ],
    ),
    # An import counts only where it runs before the read: earlier cells, earlier top-level lines.
    (
        "env-before-import-os",
        ["%env HF_TOKEN=<T1>\nimport os\nR = os.environ['HF_TOKEN']"],
        [
            "import os\n\nfrom google.colab import userdata\n\n"
            'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")'
            "\nimport os\nR = os.environ['HF_TOKEN']"
        ],
    ),
    (
        "indented-set-env-before-import-os",
        ["if True:\n    %set_env HF_TOKEN <T1>\nimport os\nR = os.environ['HF_TOKEN']"],
        [
            "import os\n\nfrom google.colab import userdata\n\nif True:\n"
            '    os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\nimport os\nR = os.environ[\'HF_TOKEN\']'
        ],
    ),
    (
        "import-os-in-a-later-cell",
        ["%env HF_TOKEN=<T1>", "import os\nR = os.environ['HF_TOKEN']"],
        [
            "import os\n\nfrom google.colab import userdata\n\n"
            'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")',
            "import os\nR = os.environ['HF_TOKEN']",
        ],
    ),
    (
        "import-os-in-an-earlier-cell",
        ["import os as o\nimport os", "%env HF_TOKEN=<T1>\nR = 1"],
        [
            "import os as o\nimport os",
            'from google.colab import userdata\n\nos.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\nR = 1',
        ],
    ),
    (
        "import-in-an-earlier-function",
        ["def f():\n    from google.colab import userdata", 'R = "<T1>"'],
        [
            "def f():\n    from google.colab import userdata",
            'from google.colab import userdata\n\nR = userdata.get("HF_TOKEN")',
        ],
    ),
    (
        "import-in-a-later-cell",
        ['R = "<T1>"', "from google.colab import userdata"],
        [
            'from google.colab import userdata\n\nR = userdata.get("HF_TOKEN")',
            "from google.colab import userdata",
        ],
    ),
    # A name bound to something else, in any cell: the module gets a name of its own.
    (
        "userdata-is-a-dict-in-an-earlier-cell",
        ['userdata = {"a": 1}', 'R = ("<T1>", userdata)'],
        [
            'userdata = {"a": 1}',
            "from google.colab import userdata as colab_userdata\n\n"
            'R = (colab_userdata.get("HF_TOKEN"), userdata)',
        ],
    ),
    (
        "userdata-fallback-in-an-earlier-cell",
        [
            "try:\n    from google.colab import userdata\nexcept ImportError:\n    userdata = None",
            'R = "<T1>"',
        ],
        [
            "try:\n    from google.colab import userdata\nexcept ImportError:\n    userdata = None",
            'R = userdata.get("HF_TOKEN")',
        ],
    ),
    (
        "os-is-captured-shell-output",
        ["os = !echo linux", "%env HF_TOKEN=<T1>\nR = list(os)"],
        [
            "os = !echo linux",
            "import os as _os\n\nfrom google.colab import userdata\n\n"
            '_os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\nR = list(os)',
        ],
    ),
]


def _run_r(shell: Any, sources: list[str], environ: Optional[dict[str, str]] = None) -> dict[str, Any]:
    for name in ("HF_TOKEN", "HF_TOKEN_2"):
        os.environ.pop(name, None)
    os.environ.update(environ or {})
    shell.reset(new_session=False)
    for source in sources:
        result = shell.run_cell(source, store_history=False)
        assert result.success, result.error_in_exec or result.error_before_exec
    return {
        "R": shell.user_ns.get("R"),
        "env": (os.environ.get("HF_TOKEN"), os.environ.get("HF_TOKEN_2")),
    }


@pytest.mark.parametrize(("name", "before", "after"), RUNS_THE_SAME, ids=[row[0] for row in RUNS_THE_SAME])
def test_fixed_cells_golden_and_run_the_same(
    name: str, before: list[str], after: list[str], shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_colab(monkeypatch)
    original = [sub(source) for source in before]
    raw = _nb([new_code_cell(source) for source in original])
    result = fix_notebook(raw)
    fixed = _sources(result.text)
    assert fixed == [sub(source) for source in after]
    assert not result.not_fixed
    assert _run_r(shell, fixed) == _run_r(shell, original)


# -- %%writefile x.py writes a program of its own: it gets its own import, and its imports are not the
# notebook's.  It reads the environment whatever the style: ``!python app.py`` runs outside the kernel,
# where Colab's userdata does not answer.  (id, cells before, cells after, style)
WRITEFILE: list[tuple[str, list[str], list[str], str]] = [
    (
        "notebook-imports-userdata-already",
        [
            "from google.colab import userdata",
            "%%writefile app.py\nimport json\nTOKEN = '<T1>'\n",
            "R = '<T1>'",
        ],
        [
            "from google.colab import userdata",
            '%%writefile app.py\nimport json\nimport os\nTOKEN = os.environ["HF_TOKEN"]\n',  # sorted
            'R = userdata.get("HF_TOKEN")',
        ],
        "userdata",
    ),
    (
        "file-imports-are-not-the-notebooks",
        ["%%writefile app.py\nimport os\nTOKEN = '<T1>'\n", "R = '<T1>'"],
        [
            '%%writefile app.py\nimport os\nTOKEN = os.environ["HF_TOKEN"]\n',
            'from google.colab import userdata\n\nR = userdata.get("HF_TOKEN")',
        ],
        "userdata",
    ),
    (
        "names-are-the-files-own",
        ['os = "linux"\nR = os', "%%writefile app.py\nTOKEN = '<T1>'"],
        [
            'os = "linux"\nR = os',
            '%%writefile app.py\nimport os\n\nTOKEN = os.environ["HF_TOKEN"]',
        ],
        "userdata",
    ),
    (
        "env-style",
        ["import os", "%%writefile app.py\nTOKEN = '<T1>'\n", "R = '<T1>'"],
        [
            "import os",
            '%%writefile app.py\nimport os\n\nTOKEN = os.environ["HF_TOKEN"]\n',
            'R = os.environ["HF_TOKEN"]',
        ],
        "env",
    ),
]


def _run_with_file(shell: Any, sources: list[str], environ: dict[str, str]) -> dict[str, Any]:
    """Run the cells, then the file they wrote, as `python app.py` would (its own globals)."""
    import runpy

    values = _run_r(shell, sources, environ)
    values["TOKEN"] = runpy.run_path("app.py")["TOKEN"]
    return values


@pytest.mark.parametrize(("name", "before", "after", "style"), WRITEFILE, ids=[row[0] for row in WRITEFILE])
def test_writefile_body_is_a_program_of_its_own(
    name: str,
    before: list[str],
    after: list[str],
    style: str,
    shell: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    install_fake_colab(monkeypatch)
    monkeypatch.chdir(tmp_path)
    original = [sub(source) for source in before]
    options = FixOptions(style="env" if style == "env" else "userdata")
    result = fix_notebook(_nb([new_code_cell(source) for source in original]), fix_options=options)
    fixed = _sources(result.text)
    assert fixed == [sub(source) for source in after]
    assert not result.not_fixed
    # The file reads the environment, which the notebook sets before running it (the summary says so).
    environ = {"HF_TOKEN": TOKEN}
    assert _run_with_file(shell, fixed, environ) == _run_with_file(shell, original, environ)
    assert result.program_names == ("HF_TOKEN",)


# -- the scan says "not fixable" exactly where --fix leaves an IPython line alone, for the same reason
EXPANSIONS = "the line has other {...} or $ expansions, which IPython expands all or none"
NOT_EXPANDED = "not in a line IPython expands ({...})"
SCAN_AGREES: list[tuple[str, Optional[str]]] = [
    ("!echo $HOME <T>", EXPANSIONS),
    ("!awk '{print $1}' <T>", EXPANSIONS),
    ("files = !ls {folder} --token <T>", EXPANSIONS),
    ("%pip install git+https://user:<T>@huggingface.co/x.git --target=$HOME/lib", EXPANSIONS),
    ("env HF_TOKEN=<T>\nimport os", NOT_EXPANDED),  # automagic: IPython expands nothing there
    ("!echo a \\\n  <T>", None),  # IPython joins the continued lines into one command and expands it
    ("!echo $HOME \\\n  <T>", EXPANSIONS),
    ("!huggingface-cli login --token <T>", None),
    ("x = !curl -H 'Authorization: Bearer <T>' https://huggingface.co/api/whoami-v2", None),
    ("%env HF_TOKEN=<T>", None),
]


@pytest.mark.parametrize(("source", "reason"), SCAN_AGREES)
def test_scan_and_fix_agree_on_ipython_lines(source: str, reason: Optional[str]) -> None:
    raw = _nb([new_code_cell(source.replace("<T>", TOKEN))])
    findings = scan_notebook(raw).findings
    assert [f.fixable for f in findings] == [reason is None]
    result = fix_notebook(raw)
    assert [f.rule for f in result.fixed] == ([findings[0].rule] if reason is None else [])
    assert [item.reason for item in result.not_fixed] == ([] if reason is None else [reason])
