"""Inline allow comments on the line of a finding, in .py files and notebook code cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hf_secret_guard.detect.allow import allowed_codes, is_allowed
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.scan import scan_notebook, scan_source
from tests.conftest import TOKEN, TOKEN2
from tests.inprocess import run_main
from tests.notebooks import STYLES, Style, new_code_cell, new_markdown_cell, notebook_text

LOGIN = "login(token='{TOKEN}')"
ENV = 'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"'

# (source, allowed?) — HFG001 for LOGIN lines, HFG002 for ENV lines.
CASES = [
    (LOGIN + "  # hf-secret-guard: ignore", True),
    (LOGIN + "  # HF-Secret-Guard: IGNORE", True),
    (LOGIN + "  # hf-secret-guard: ignore[HFG001]", True),
    (LOGIN + "  # hf-secret-guard: ignore[HFG003, HFG001]", True),
    (LOGIN + "  # hf-secret-guard: ignore[HFG002]", False),
    (LOGIN + "  # noqa: HFG001", True),
    (LOGIN + "  # noqa: E501, HFG001", True),
    (LOGIN + "  # noqa:E501,HFG001 reason", True),
    (LOGIN + "  # noqa", False),  # bare noqa is for line length, never for a secret
    (LOGIN + "  # noqa: E501", False),
    (LOGIN + "  # pragma: allowlist secret", True),
    (LOGIN + "  # gitleaks:allow", True),
    (LOGIN + "  # hf-secret-guard ignores nothing here", False),
    ("# hf-secret-guard: ignore\n" + LOGIN, False),  # the line above is not the line
    (LOGIN + "\n# hf-secret-guard: ignore", False),
    (ENV + "  # hf-secret-guard: ignore[HFG002]", True),
    (ENV + "  # noqa: HFG002", True),
    (ENV + "  # noqa: HFG001", False),
    ('t = ("{HEAD}"  # pragma: allowlist secret\n     "{TAIL}")', True),  # any line of the literal
    ('t = ("{HEAD}"\n     "{TAIL}")  # gitleaks:allow', True),
]


def fill(source: str, token: str = TOKEN) -> str:
    return source.replace("{TOKEN}", token).replace("{HEAD}", token[:12]).replace("{TAIL}", token[12:])


@pytest.mark.parametrize(("source", "allowed"), CASES)
def test_py(source: str, allowed: bool) -> None:
    findings = scan_source(fill(source) + "\n", "a.py").findings
    assert len(findings) == (0 if allowed else 1), findings


@pytest.mark.parametrize(("source", "allowed"), CASES)
def test_notebook_code_cell(source: str, allowed: bool) -> None:
    raw = notebook_text([new_markdown_cell("intro"), new_code_cell(fill(source))])
    findings = scan_notebook(raw, "nb.ipynb").findings
    # An allowed token is not reported again by the raw-file safety net either.
    assert [f.rule for f in findings if f.cell is None] == []
    assert len(findings) == (0 if allowed else 1), findings


@pytest.mark.parametrize("style", STYLES)
def test_only_the_allowed_line_in_a_cell(style: Style) -> None:
    cell = new_code_cell(f"a = '{TOKEN}'  # hf-secret-guard: ignore\nb = '{TOKEN2}'")
    findings = scan_notebook(notebook_text([cell], style=style), "nb.ipynb").findings
    assert [(f.masked, f.span.line) for f in findings] == [("hf_****" + TOKEN2[-4:], 2)]


def test_ipython_lines() -> None:
    cell = new_code_cell(
        f"!huggingface-cli login --token {TOKEN}  # gitleaks:allow\n"
        f"!huggingface-cli login --token {TOKEN2}\n"
        f"%env HF_TOKEN={TOKEN}  # noqa: HFG002"
    )
    findings = scan_notebook(notebook_text([cell]), "nb.ipynb").findings
    assert [(f.rule, f.span.line) for f in findings] == [("HFG001", 2)]


def test_markdown_is_not_a_code_comment() -> None:
    raw = notebook_text([new_markdown_cell(f"token {TOKEN} <!-- # hf-secret-guard: ignore -->")])
    assert [f.rule for f in scan_notebook(raw, "nb.ipynb").findings] == ["HFG004"]


def test_unparsable_file_still_honours_allow() -> None:
    source = f"print 'old python 2'\nt = '{TOKEN}'  # noqa: HFG001\nu = '{TOKEN2}'\n"
    result = scan_source(source, "old.py")
    assert result.errors  # scanned as text
    assert [f.span.line for f in result.findings] == [3]


def test_crlf_and_cr_line_endings() -> None:
    text = f"a = '{TOKEN}'  # gitleaks:allow\r\nb = '{TOKEN2}'\rc = 1"
    start = text.index(TOKEN2)
    assert not is_allowed(text, start, start + len(TOKEN2), "HFG001")
    first = text.index(TOKEN)
    assert is_allowed(text, first, first + len(TOKEN), "HFG001")


def test_allowed_codes() -> None:
    assert allowed_codes("x  # noqa: E501, HFG001  # hf-secret-guard: ignore[hfg002]") == {
        "E501",
        "HFG001",
        "HFG002",
    }
    assert allowed_codes("# hf-secret-guard: ignore") == {"*"}
    assert allowed_codes("nothing") == frozenset()


def test_cli(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"x = '{TOKEN}'  # hf-secret-guard: ignore\ny = '{TOKEN2}'\n")
    result = run_main("scan", "--format", "json", "a.py", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert [f["line"] for f in report["findings"]] == [2]
    assert result.returncode == 1
    (tmp_path / "a.py").write_text(f"x = '{TOKEN}'  # hf-secret-guard: ignore\n")
    assert run_main("scan", "a.py", cwd=tmp_path).returncode == 0


# Comments that change nothing a magic line does: on the line above, or in the cell's first line.
NEXT_LINE_CASES = [
    ("# hf-secret-guard: ignore-next-line\n%env HF_TOKEN={TOKEN}", True),
    ("# hf-secret-guard: ignore-next-line[HFG002]\n%env HF_TOKEN={TOKEN}", True),
    ("# hf-secret-guard: ignore-next-line[HFG001]\n%env HF_TOKEN={TOKEN}", False),
    ("# hf-secret-guard: ignore-next-line\nx = 1\n%env HF_TOKEN={TOKEN}", False),  # only the next line
    ("%env HF_TOKEN={TOKEN}\n# hf-secret-guard: ignore-next-line", False),
    (
        "# hf-secret-guard: ignore-next-line\n!python train.py \\\n    --hub_token {TOKEN}",
        True,
    ),  # the command
    ("# hf-secret-guard: ignore-next-line\r\n!huggingface-cli login --token {TOKEN}", True),
    ("    # hf-secret-guard: ignore-next-line\n    !huggingface-cli login --token {TOKEN}", True),
    ("%env HF_TOKEN={TOKEN}  # hf-secret-guard: ignore-next-line", False),
]
CELL_CASES = [
    ("# hf-secret-guard: ignore-cell\n%env HF_TOKEN={TOKEN}\n!echo {TOKEN2}", True),
    ("%%bash\n# hf-secret-guard: ignore-cell\nexport HF_TOKEN={TOKEN}\necho {TOKEN2}", True),
    (
        "%%capture\n%%bash\n# hf-secret-guard: ignore-cell[HFG002, HFG001]\n"
        "export HF_TOKEN={TOKEN}\necho {TOKEN2}",
        True,
    ),
    ("%%html\n<!-- hf-secret-guard: ignore-cell -->\n<p>{TOKEN}</p>\n<p>{TOKEN2}</p>", True),
    ("%%sql\n-- hf-secret-guard: ignore-cell\nSELECT '{TOKEN}', '{TOKEN2}'", True),
    ("# hf-secret-guard: ignore-cell[HFG002]\n%env HF_TOKEN={TOKEN}\n!echo {TOKEN2}", False),
    ("x = 1\n# hf-secret-guard: ignore-cell\n%env HF_TOKEN={TOKEN}\n!echo {TOKEN2}", False),  # not the first
]


@pytest.mark.parametrize(("source", "allowed"), NEXT_LINE_CASES + CELL_CASES)
def test_comments_that_leave_magic_lines_alone(source: str, allowed: bool) -> None:
    raw = notebook_text([new_code_cell(fill(source).replace("{TOKEN2}", TOKEN2))])
    findings = scan_notebook(raw, "nb.ipynb").findings
    assert (not findings) is allowed, [f.message for f in findings]


def test_ignore_next_line_in_a_py_file_and_not_ignore_cell() -> None:
    source = fill("# hf-secret-guard: ignore-next-line\n" + LOGIN + "\n" + LOGIN.replace("login", "other"))
    assert [f.span.line for f in scan_source(source, "a.py").findings] == [3]
    source = fill("# hf-secret-guard: ignore-cell\n" + LOGIN + "\n")
    assert len(scan_source(source, "a.py").findings) == 1  # a file is not a cell


def test_unused_next_line_and_cell_comments_are_hfg100() -> None:
    cell = new_code_cell(
        "# hf-secret-guard: ignore-cell[HFG003]\n# hf-secret-guard: ignore-next-line\nx = 1\n"
        + fill("# hf-secret-guard: ignore-next-line\n%env HF_TOKEN={TOKEN}")
    )
    findings = scan_notebook(notebook_text([cell]), "nb.ipynb", ScanOptions(select=("HFG",))).findings
    assert [(f.rule, f.span.line) for f in findings] == [("HFG100", 1), ("HFG100", 2)]
