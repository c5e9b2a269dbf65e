"""Code nested deeper than the fixer's tree walks go (a long ``a + a + ...`` chain beside the leak): the
fix is refused with a warning that names the file and the reason, the file stays as it was, and the
leak is still reported; never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_token
from tests.inprocess import run_main
from tests.notebooks import one_cell_compact

CHAIN = "x = " + " + ".join(["a"] * 450) + "\n"  # parses; the fixer's walk of its tree is too deep


@pytest.mark.parametrize("kind", [".py", ".ipynb"])
def test_a_fix_of_code_nested_too_deeply_leaves_the_file_unchanged(tmp_path: Path, kind: str) -> None:
    token = make_token(45)
    source = f'from huggingface_hub import login\nlogin(token="{token}")\n{CHAIN}'
    text = source if kind == ".py" else one_cell_compact(source)
    path = tmp_path / f"deep{kind}"
    path.write_text(text)
    result = run_main("scan", "--fix", path.name, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert f"deep{kind}: warning: the fix could not be planned (nested too deeply); file left unchanged" in (
        result.stderr
    )
    assert "HFG001 not fixed: the fix could not be planned" in result.stdout + result.stderr
    assert path.read_text() == text
    assert token not in result.stdout + result.stderr
