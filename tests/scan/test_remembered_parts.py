"""Parts seen before are not scanned again (``scan.notebook_file``: template notebooks repeat cells).
Every report must be the one a first scan gives: the same cells in another order, after other imports,
under other options, each scanned in a process that has remembered nothing."""

from __future__ import annotations

import pytest

from hf_secret_guard import scan_notebook
from hf_secret_guard.detect.memo import Memo
from hf_secret_guard.model import FileResult
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.scan import notebook_file
from tests.conftest import TOKEN
from tests.notebooks import new_code_cell, new_markdown_cell, new_output, notebook_text

IMPORT = "from os import environ as env\nimport os as system\n"
WRITE = 'env["HF_TOKEN"] = "YOUR_HF_TOKEN"\n'
LOGIN = 'token = "YOUR_HF_TOKEN"\nlogin(token=token)\n'
PUT = 'system.putenv("OPENAI_API_KEY", "<YOUR_KEY>")\n'
LEAK = f'print("{TOKEN}")\n'
NOTEBOOKS = [
    [IMPORT, WRITE, LOGIN, PUT],
    [WRITE, LOGIN, PUT],  # the same cells without the import: `env[...]` is no environment write
    [WRITE, IMPORT, WRITE, PUT, LEAK],
    [LOGIN, LEAK, IMPORT, PUT, WRITE, LOGIN],
]


def _notebook(sources: list[str]) -> str:
    cells = [
        new_code_cell(source, outputs=[new_output("stream", text=f"{source}\n{TOKEN}\n")])
        for source in sources
    ]
    return notebook_text([new_markdown_cell("# Login"), *cells, new_markdown_cell("# Login")])


def _fresh(raw: str, options: ScanOptions, path: str = "nb.ipynb") -> FileResult:
    notebook_file._PARTS.clear()
    notebook_file._NEEDLES.clear()
    return scan_notebook(raw, path, options)


@pytest.mark.parametrize(
    "options", [ScanOptions(), ScanOptions(ignore=("HFG005",)), ScanOptions(select=("HFG003",))]
)
def test_a_remembered_part_gives_what_a_first_scan_gives(options: ScanOptions) -> None:
    raws = [_notebook(sources) for sources in NOTEBOOKS]
    expected = [_fresh(raw, options) for raw in raws]
    for first in range(len(raws)):  # whichever notebook comes first, the others remember its cells
        notebook_file._PARTS.clear()
        order = raws[first:] + raws[:first]
        results = [scan_notebook(raw, "nb.ipynb", options) for raw in order]
        assert results == expected[first:] + expected[:first]
    assert notebook_file._PARTS  # remembered, not scanned again


def test_names_bound_by_a_remembered_cell_reach_later_cells() -> None:
    """The alias bound by the first cell comes from memory in the second notebook and still turns the
    write in its next cell (a cell never seen) into an environment write."""
    notebook_file._PARTS.clear()
    scan_notebook(_notebook([IMPORT]), "a.ipynb")
    write = 'env["OPENAI_API_KEY"] = "<YOUR_OPENAI_KEY>"\n'
    found = scan_notebook(_notebook([IMPORT, write]), "b.ipynb").findings
    assert found == _fresh(_notebook([IMPORT, write]), ScanOptions(), "b.ipynb").findings
    assert any(f.env_name == "OPENAI_API_KEY" and f.site == "environ" for f in found)
    alone = _fresh(_notebook([write]), ScanOptions()).findings  # ``env`` a dict: a key slot, no write
    assert not any(f.site == "environ" for f in alone)
    assert [(f.rule, f.site) for f in alone if f.env_name == "OPENAI_API_KEY"] == [("HFG005", "string")]


def test_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notebook_file._PARTS, "most", 3)
    notebook_file._PARTS.clear()
    for number in range(10):
        scan_notebook(_notebook([f'api_key_{number} = "<YOUR_KEY>"\n']), "nb.ipynb")
        assert len(notebook_file._PARTS) <= 3
    big = 'token = "YOUR_HF_TOKEN"\n' + "x = 1\n" * notebook_file.MAX_REMEMBERED_CHARS
    notebook_file._PARTS.clear()
    assert scan_notebook(_notebook([big]), "nb.ipynb").findings
    assert all(len(key[1]) <= notebook_file.MAX_REMEMBERED_CHARS for key in notebook_file._PARTS)


def test_memory_is_bounded_in_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notebook_file._PARTS, "most_chars", 300)
    notebook_file._PARTS.clear()
    for number in range(20):
        cell = f'api_key_{number} = "<YOUR_KEY>"\n' + "x = 1\n" * 10
        assert scan_notebook(_notebook([cell]), "nb.ipynb").findings
        assert notebook_file._PARTS.chars == sum(len(key[1]) for key in notebook_file._PARTS) <= 300


def test_a_memo_computes_once_and_empties_when_full() -> None:
    memo: Memo[str, int] = Memo(most=2, most_chars=10)
    calls: list[str] = []
    for text in ("abc", "abc", "de", "abc"):
        assert memo.remember(text, text, lambda text=text: calls.append(text) or len(text)) == len(text)
    assert calls == ["abc", "de"] and memo.chars == 5
    memo.keep("fgh", "fgh", 3)  # a third entry: emptied first
    assert dict(memo) == {"fgh": 3} and memo.chars == 3
    memo.keep("long", "x" * 8, 8)  # 3 + 8 characters > 10: emptied first
    assert dict(memo) == {"long": 8} and memo.chars == 8


@pytest.mark.parametrize(
    "write", ['o.environ["MY_API_KEY"] = "Xq7vL2pR9sT4wZ8k"', 'o.putenv("MY_API_KEY", "Xq7vL2pR9sT4wZ8k")']
)
def test_an_os_alias_bound_in_an_earlier_cell_is_known_in_a_later_one(write: str) -> None:
    """``import os as o`` alone in a cell has no needle of its own: it is still read for the name, so a
    write through ``o`` in a later cell is the same finding as in one cell."""
    split = scan_notebook(notebook_text([new_code_cell("import os as o"), new_code_cell(write)]))
    whole = scan_notebook(notebook_text([new_code_cell(f"import os as o\n{write}")]))
    assert [(f.rule, f.env_name) for f in split.findings] == [("HFG002", "MY_API_KEY")]
    assert [(f.rule, f.env_name) for f in whole.findings] == [("HFG002", "MY_API_KEY")]
