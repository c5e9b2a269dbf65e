"""A token that joining concatenated pieces glues to the next piece (so the joined value holds no token)
is still a leak in the file: the scan says fixable, and --fix rewrites the piece that holds it."""

from __future__ import annotations

import pytest

from hf_secret_guard import fix_source, scan_source
from hf_secret_guard.options import FixOptions
from hf_secret_guard.tokens import find_tokens
from tests.conftest import TOKEN
from tests.fix_support import install_fake_colab

# These tables test the rewrite into Colab's Secrets; the style a .py file gets by default (auto) is
# tested in tests/fix/test_fix_styles.py.
COLAB = FixOptions(style="userdata")

CASES = [
    'x = ("{T}" "b")',
    'x = (f"{T}"\n     f"b{{y}}")',
    'x = (f"a {{y}} {T}" "b")',
    'x = (f"{{{{{T}" "b")',
    'x = (b"{T}" b"b")',
]


@pytest.mark.parametrize("template", CASES, ids=[f"case{n}" for n in range(len(CASES))])
def test_glued_piece_is_fixable_and_fixed(template: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = "y = 1\n" + template.format(T=TOKEN) + "\n"
    (finding,) = scan_source(source, "a.py").findings
    assert finding.fixable and finding.not_fixable_reason == ""
    fixed = fix_source(source, "a.py", fix_options=COLAB)
    assert fixed.not_fixed == () and not list(find_tokens(fixed.text))
    install_fake_colab(monkeypatch, {"HF_TOKEN": TOKEN})
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    exec(compile(source, "a.py", "exec"), before)
    exec(compile(fixed.text, "a.py", "exec"), after)
    assert after["x"] == before["x"]


def test_a_token_inside_an_fstring_field_is_not_fixable() -> None:
    source = "x = f\"{'' + '" + TOKEN + "'}\"\n"
    (finding,) = scan_source(source, "a.py").findings
    assert not finding.fixable and "f-string" in finding.not_fixable_reason
