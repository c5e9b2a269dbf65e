"""Hostile input through the real CLI: one clear line per problem file, never a traceback, the other files
still scanned, nothing written, and no full secret in any output."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, new_output, notebook_text

# name -> (writer, expected rules found in that file, a phrase the file's one-line note must contain or None)
Writer = Callable[[Path], None]


def _bytes(data: bytes) -> Writer:
    return lambda path: path.write_bytes(data)


def _text(text: str) -> Writer:
    return lambda path: path.write_text(text)


T = TOKEN.encode()
CASES: dict[str, tuple[Writer, list[str], str | None]] = {
    "empty.py": (_bytes(b""), [], None),
    "empty.ipynb": (_bytes(b""), [], "not a Jupyter notebook"),
    "binary.py": (_bytes(bytes(range(256)) * 20 + T + b"\0"), ["HFG001"], "NUL"),
    "nul.py": (_bytes(b"x = 1\0\nt = '" + T + b"'\n"), ["HFG001"], "NUL"),
    "invalid_utf8.py": (_bytes(b"s = '\xff\xfe'\nt = '" + T + b"'\n"), ["HFG001"], "scanned as text"),
    "utf16.py": (
        _bytes(codecs.BOM_UTF16_LE + f"t = '{TOKEN}'\n".encode("utf-16-le")),
        ["HFG001"],
        "UTF-16",
    ),
    "utf32.ipynb": (
        _bytes(codecs.BOM_UTF32_LE + json.dumps({"cells": [], "x": TOKEN}).encode("utf-32-le")),
        ["HFG004"],
        "UTF-32",
    ),
    "latin1.py": (_bytes(b"# -*- coding: latin-1 -*-\ns = '\xe9'\nt = '" + T + b"'\n"), ["HFG001"], None),
    "crlf.py": (_bytes(b"import os\r\nos.environ['HF_TOKEN'] = '" + T + b"'\r\n"), ["HFG002"], None),
    "cr_only.py": (_bytes(b"import os\ros.environ['HF_TOKEN'] = '" + T + b"'\r"), ["HFG002"], None),
    # An escape libcst cannot evaluate, as an environment key: once an internal error for the whole run.
    "bad_escape_key.py": (
        _text(f"import os\nos.environ['\\N{{NOPE}}'] = 'x'\nt = '{TOKEN}'\n"),
        ["HFG001"],
        None,
    ),
    "deeply_nested.py": (
        _text("x = " + "(" * 3000 + "1" + ")" * 3000 + f"\nt = '{TOKEN}'\n"),
        ["HFG001"],
        "too deeply nested",
    ),
    "long_chain.py": (_text("x = " + "1+" * 30000 + f"1\nt = '{TOKEN}'\n"), ["HFG001"], "too deeply nested"),
    "attribute_chain.py": (
        _text("x = a" + ".b" * 20000 + f"\nt = '{TOKEN}'\n"),
        ["HFG001"],
        "too deeply nested",
    ),
    "single_line_10mb.py": (
        _text("x = '" + "a" * 10_000_000 + f"'; t = '{TOKEN}'\n"),
        ["HFG001"],
        "too large",
    ),
    "invalid.ipynb": (
        _text('{"cells": [ {"cell_type": "code" "source": "t = \'' + TOKEN + "'\"} ]}"),
        ["HFG004"],
        "invalid JSON",
    ),
    "list.ipynb": (_text(json.dumps([TOKEN])), ["HFG004"], "not a notebook"),
    "object.ipynb": (_text("{}"), [], "not a Jupyter notebook"),
    "nbformat3.ipynb": (
        _text(json.dumps({"nbformat": 3, "worksheets": [{"cells": [{"input": f"t = '{TOKEN}'"}]}]})),
        ["HFG004"],
        "nbformat 3",
    ),
    "missing_fields.ipynb": (
        _text(
            json.dumps(
                {
                    "nbformat": 4,
                    "nbformat_minor": 5,
                    "metadata": {},
                    "cells": [
                        {"cell_type": "code", "metadata": {}},
                        {"cell_type": "code", "metadata": {}, "source": 5, "outputs": "x"},
                        {"cell_type": "markdown", "metadata": {}, "source": [f"see {TOKEN}"]},
                    ],
                }
            )
        ),
        ["HFG004"],
        "no usable 'source'",
    ),
    "deep_json.ipynb": (
        _text('{"cells": ' + "[" * 50000 + "]" * 50000 + f', "x": "{TOKEN}"}}'),
        ["HFG004"],
        "nested too deeply",
    ),
    # No token, but a needle (environ): the prefilter's own JSON decoding must not crash on the nesting.
    "deep_json_environ.ipynb": (
        _text('{"cells": [], "metadata": {"environ": ' + "[" * 100_000 + "]" * 100_000 + "}}"),
        [],
        "nested too deeply",
    ),
}


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name, (writer, _, _) in CASES.items():
        writer(root / name)
    (root / "dir.py").mkdir()
    (root / "dir.py" / "inside.py").write_text(f"t = '{TOKEN}'\n")
    (root / "good.py").write_text(f"login(token='{TOKEN}')\n")
    os.symlink(root / "loop2.py", root / "loop1.py")
    os.symlink(root / "loop1.py", root / "loop2.py")
    os.symlink(root, root / "self_loop")
    return root


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def hostile_run(hostile_tree: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    before = _digest(hostile_tree)
    result = run_main("scan", "--format", "json", str(hostile_tree))
    assert _digest(hostile_tree) == before, "a scan must never write"
    return result, json.loads(result.stdout)


def test_no_traceback_and_no_secret(
    hostile_run: tuple[subprocess.CompletedProcess[str], dict[str, object]],
) -> None:
    result, _ = hostile_run
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr[-2000:]
    assert TOKEN not in result.stdout + result.stderr
    assert result.returncode in (1, 2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_file(
    name: str, hostile_tree: Path, hostile_run: tuple[subprocess.CompletedProcess[str], dict[str, object]]
) -> None:
    result, report = hostile_run
    path = str(hostile_tree / name)
    findings = [f for f in report["findings"] if f["path"] == path]  # type: ignore[union-attr,index]
    errors = [e for e in report["errors"] if e["path"] == path]  # type: ignore[union-attr,index]
    _, rules, phrase = CASES[name]
    assert sorted(f["rule"] for f in findings) == sorted(rules)
    if phrase is None:
        assert errors == []
    else:
        assert any(phrase in e["message"] for e in errors), errors
        lines = [line for line in result.stderr.splitlines() if line.startswith(path + ":")]
        assert lines and all(len(line) < 300 for line in lines)


def test_other_files_still_scanned(
    hostile_tree: Path, hostile_run: tuple[subprocess.CompletedProcess[str], dict[str, object]]
) -> None:
    _, report = hostile_run
    paths = {f["path"] for f in report["findings"]}  # type: ignore[union-attr,index]
    assert str(hostile_tree / "good.py") in paths
    assert str(hostile_tree / "dir.py" / "inside.py") in paths


def test_directory_named_py_given_explicitly(hostile_tree: Path) -> None:
    result = run_main("scan", str(hostile_tree / "dir.py"))
    assert result.returncode == 1 and "inside.py" in result.stdout


def test_symlink_loop_given_explicitly(hostile_tree: Path) -> None:
    result = run_main("scan", str(hostile_tree / "loop1.py"), str(hostile_tree / "good.py"))
    assert result.returncode == 2
    assert "loop1.py" in result.stderr and "Traceback" not in result.stderr
    assert "good.py:1:14: HFG001" in result.stdout


@pytest.mark.e2e
def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "hf_secret_guard", "scan", str(fifo)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2 and "not a regular file" in result.stderr


def test_vanished_path(tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone.py", tmp_path / "dangling.py")
    result = run_main("scan", str(tmp_path / "dangling.py"))
    assert result.returncode == 2 and "dangling.py" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.py"
    path.write_text("x = 1\n")
    path.chmod(0)
    result = run_main("scan", str(path))
    assert result.returncode == 2 and "Permission denied" in result.stderr


def test_big_notebook_of_images_is_cheap(tmp_path: Path) -> None:
    """10 MB of base64 images beside one token: the images are never searched, the token is found."""
    image = "iVBORw0KGgo" + "A" * (1_000_000 - 11)
    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 1,
            "source": "plt.show()",
            "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": image}}],
        }
        for _ in range(10)
    ]
    cells.append(
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "source": f"t = '{TOKEN}'", "outputs": []}
    )
    path = tmp_path / "images.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    result = run_main("scan", "--format", "json", str(path))
    report = json.loads(result.stdout)
    assert [(f["rule"], f["cell"]) for f in report["findings"]] == [("HFG001", 11)]


def test_a_notebook_of_millions_of_values_is_swept_as_text_not_parsed(tmp_path: Path) -> None:
    """Reading positions costs memory per JSON value: a notebook of more values than the limit (outputs of
    short lines) is read as text, and its keys are still found (reported, not fixable)."""
    from hf_secret_guard.scan.notebook_file import MAX_NOTEBOOK_VALUES

    lines = ["x\n"] * (MAX_NOTEBOOK_VALUES // 10 + 1)
    cells = [
        new_code_cell(f"print({i})", outputs=[new_output("stream", text="".join(lines))]) for i in range(10)
    ]
    cells.append(new_code_cell(f'login(token="{TOKEN}")'))
    path = tmp_path / "big.ipynb"
    path.write_text(notebook_text(cells))
    result = run_main("scan", "--format", "json", "big.ipynb", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert [f["rule"] for f in report["findings"]] == ["HFG004"] and not report["findings"][0]["fixable"]
    assert "scanned as text, not cell by cell" in result.stderr and TOKEN not in result.stdout + result.stderr
