"""The README's Python API example runs as written and prints only masked secrets."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from tests.conftest import REPO


def _python_block(section: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1]
    return body.split("```python\n", 1)[1].split("```", 1)[0]


def test_python_api_example() -> None:
    code = _python_block("Python API")
    out = io.StringIO()
    previous = Path.cwd()
    os.chdir(REPO)
    try:
        namespace: dict[str, object] = {}
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), namespace)
    finally:
        os.chdir(previous)
    printed = out.getvalue()
    fake = namespace["fake"]
    assert isinstance(fake, str) and fake not in printed
    assert printed.startswith(f"HFG001 2 14 hf_****{fake[-4:]} True\n")
    assert 'login(token=os.environ["HF_TOKEN"])' in printed
    assert "fixtures/leaky_colab.ipynb 3 1 HFG003" in printed
