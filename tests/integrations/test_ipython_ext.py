"""``%load_ext hf_secret_guard`` in a real IPython ``InteractiveShell``: cells are checked before they run
(warned about, or not run at all in strict mode) and tokens never reach the output in full.

Cells build their token at run time from hex (``bytes.fromhex``), so a cell that prints a token holds none
in its source, and the output masking is tested apart from the cell check.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from IPython.core.displaypub import CapturingDisplayPublisher
from IPython.core.error import InputRejected
from IPython.core.interactiveshell import InteractiveShell

from hf_secret_guard.integrations import ipython_ext
from hf_secret_guard.tokens import mask
from tests.conftest import ORG_TOKEN, TOKEN, TOKEN2
from tests.notebooks import PNG

MASKED = mask(TOKEN)


def built(token: str = TOKEN, name: str = "t") -> str:
    """A line that makes ``token`` at run time without writing it in the cell."""
    return f'{name} = bytes.fromhex("{token.encode().hex()}").decode()\n'


def assert_masked(text: str, *tokens: str) -> None:
    for token in tokens or (TOKEN,):
        assert token not in text
        assert mask(token) in text


class Shell:
    """A real ``InteractiveShell`` with the extension loaded, run cell by cell.

    pytest puts its own ``sys.stdout`` back between a test's setup, call and teardown, so the extension is
    loaded inside the test (``with loaded(capsys)``), after capsys took the streams: it wraps capsys's.
    """

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.ip = InteractiveShell.instance()
        self.capsys = capsys
        self.result: Any = None

    def run(self, cell: str, silent: bool = False) -> tuple[str, str, str]:
        """What the cell did ("ok", "rejected: X", "error: X") and its stdout and stderr.  The result object
        stays out of assertions: its repr holds the raw cell."""
        self.result = self.ip.run_cell(cell, silent=silent)
        out, err = self.capsys.readouterr()
        return outcome(self.result), out, err

    @property
    def ns(self) -> dict[str, Any]:
        return self.ip.user_ns  # type: ignore[no-any-return]


def outcome(result: Any) -> str:
    if result.error_before_exec is not None:
        kind = "rejected" if isinstance(result.error_before_exec, InputRejected) else "not run"
        return f"{kind}: {type(result.error_before_exec).__name__}"
    if result.error_in_exec is not None:
        return f"error: {type(result.error_in_exec).__name__}"
    return "ok"


@contextmanager
def loaded(capsys: pytest.CaptureFixture[str]) -> Iterator[Shell]:
    shell = Shell(capsys)
    shell.ip.run_cell("%load_ext hf_secret_guard")
    assert ipython_ext.guard_of(shell.ip) is not None
    capsys.readouterr()
    try:
        yield shell
    finally:
        shell.ip.run_cell("%unload_ext hf_secret_guard")
        assert ipython_ext.guard_of(shell.ip) is None
        for name in ("t", "u", "ran", "leaked", "PNG"):
            shell.ns.pop(name, None)


# -- the cell check ------------------------------------------------------------------------------------


def test_a_token_in_a_cell_is_a_warning_with_the_line_to_write(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        status, out, err = sh.run(f'import os\nleaked = "{TOKEN}"\nran = True\n')
        assert status == "ok" and sh.ns["ran"] is True  # warn mode: the cell still runs
    assert_masked(err)
    assert TOKEN not in out
    assert "line 2 of this cell: Hugging Face token in a string literal" in err
    assert f'  - leaked = "{MASKED}"' in err
    assert '  + leaked = os.environ["HF_TOKEN"]' in err
    assert "Set HF_TOKEN in the environment" in err


def test_in_colab_the_suggestion_reads_colab_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    with loaded(capsys) as sh:
        _, _, err = sh.run(f'leaked = "{TOKEN}"\n')
    assert_masked(err)
    assert '  + leaked = userdata.get("HF_TOKEN")' in err
    assert "  + from google.colab import userdata" in err
    assert "Colab Secrets" in err


def test_clean_cells_say_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        result = sh.run('import os\nhome = os.environ.get("HOME")\nprint("hf_hub")\n')
    assert result == ("ok", "hf_hub\n", "")


@pytest.mark.parametrize(
    ("cell", "suggestion"),
    [
        (f"!echo --token {TOKEN} > marker.txt\n", "  + !echo --token {os.environ['HF_TOKEN']} > marker.txt"),
        (  # %env under env: the line is removed, since the variable comes from outside
            f"%env HF_TOKEN={TOKEN}\n",
            f"  - %env HF_TOKEN={MASKED}",
        ),  # removed: the variable comes from outside
        (f"%%bash\necho {ORG_TOKEN} > marker.txt\n", None),
    ],
    ids=["shell-command", "env-magic", "bash-cell"],
)
def test_strict_mode_stops_ipython_syntax_cells(
    capsys: pytest.CaptureFixture[str],
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    cell: str,
    suggestion: str | None,
) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with loaded(capsys) as sh:
        sh.run("%hf_secret_guard strict")
        status, out, err = sh.run(cell)
    assert status == "rejected: SecretInCell"
    assert not (workdir / "marker.txt").exists()  # the command never ran
    assert "HF_TOKEN" not in os.environ  # nor did %env
    shown = out + err
    assert_masked(shown, ORG_TOKEN if "%%bash" in cell else TOKEN)
    assert "the cell was not run (strict mode)" in shown
    if suggestion is not None:
        assert suggestion in shown
    else:
        assert "cannot read Colab or Kaggle secrets" in shown  # not fixable: said so, with the general advice


def test_strict_mode_does_not_run_the_code_and_the_next_cell_runs(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        sh.run("%hf_secret_guard strict")
        status, out, err = sh.run(f'ran = True\nprint("side effect")\nleaked = "{TOKEN}"\n')
        assert status == "rejected: SecretInCell"
        assert "ran" not in sh.ns and "leaked" not in sh.ns
        assert "side effect" not in out + err
        assert_masked(out + err)
        assert sh.run("ran = True\nprint('next')\n") == ("ok", "next\n", "")
        assert sh.ns["ran"] is True
        # The gate was an AST transformer for the refused cell only: clean cells pay nothing for it.
        assert not any(type(t).__name__ == "_Gate" for t in sh.ip.ast_transformers)


def test_reload_ext_keeps_one_guard(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        sh.run("%reload_ext hf_secret_guard")
        assert not isinstance(sys.stdout.hfsg_target, type(sys.stdout))  # wrapped once, not twice
        assert sh.run(built() + "print(t)\n") == ("ok", f"{MASKED}\n", "")


def test_a_stopped_cell_that_does_not_compile_leaves_no_block_behind(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The mark is taken by the AST transformer, which a syntax error never reaches: the next cell (and a
    silent one, which has no pre_run_cell) must not be refused in its place."""
    with loaded(capsys) as sh:
        sh.run("%hf_secret_guard strict")
        status, out, err = sh.run(f'leaked = "{TOKEN}" +\n')
        assert status == "not run: SyntaxError" and "leaked" not in sh.ns
        assert_masked(out + err)  # the syntax error shows the line: masked too
        assert sh.run("ran = 1", silent=True)[0] == "ok"
        assert sh.run("ran = 2\n")[0] == "ok" and sh.ns["ran"] == 2


def test_modes_switch_and_off_turns_everything_off(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        assert "off (cells are not checked" in sh.run("%hf_secret_guard off")[1]
        status, out, err = sh.run(f'leaked = "{TOKEN2}"\n' + built() + "print(t[:3], len(t))\n")
        assert (status, out, err) == ("ok", "hf_ 37\n", "")
        assert "warn: warns about a cell" in sh.run("%hf_secret_guard WARN")[1]
        _, _, err = sh.run(f'leaked = "{TOKEN2}"\n')
    assert_masked(err, TOKEN2)


def test_a_bad_argument_is_a_usage_message(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        _, out, err = sh.run(f"%hf_secret_guard {TOKEN}")
        guard = ipython_ext.guard_of(sh.ip)
        assert guard is not None and guard.mode == "warn"
    shown = out + err
    assert "UsageError" in shown and "use off, warn or strict" in shown and "Traceback" not in shown
    assert_masked(shown)


def test_status_reports_counts_never_values(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        sh.run(f'leaked = "{TOKEN}"\n')
        sh.run(built() + "print(t)\n")
        _, out, _ = sh.run("%hf_secret_guard")
    assert "mode warn" in out
    assert "output masking: stdout, stderr, display, results, tracebacks" in out
    assert "1 warned, 0 stopped (1 findings)" in out
    assert "stdout 1" in out
    assert TOKEN not in out and MASKED not in out  # not even the masked form: counts only


def test_a_bug_in_the_check_never_breaks_the_cell(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the scanner fails (with a token in its message); the cell runs, one warning."""
    from hf_secret_guard import api

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"scanner broke on {TOKEN}")

    monkeypatch.setattr(api, "scan_notebook", broken)
    with loaded(capsys) as sh:
        status, _, err = sh.run("ran = 1\n")
        assert status == "ok" and sh.ns["ran"] == 1
        assert "internal error in the cell check (RuntimeError" in err
        assert_masked(err)
        status, _, err = sh.run("ran = 2\n")
        assert (status, err) == ("ok", "") and sh.ns["ran"] == 2  # warned once


# -- output masking ------------------------------------------------------------------------------------


def test_print_and_stderr_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    cell = built() + built(ORG_TOKEN, "u") + "import sys\nprint('token:', t)\nprint(u, file=sys.stderr)\n"
    with loaded(capsys) as sh:
        assert sh.run(cell) == ("ok", f"token: {MASKED}\n", f"{mask(ORG_TOKEN)}\n")


def test_a_token_written_in_pieces_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    cell = built() + "import sys\nfor i in range(0, len(t), 5):\n    sys.stdout.write(t[i:i + 5])\n"
    cell += "sys.stdout.write('!')\nprint()\nprint('at the end', end=' ')\n"
    cell += "_ = sys.stdout.write(t)\n"  # held back until the cell ends, then masked
    with loaded(capsys) as sh:
        assert sh.run(cell) == ("ok", f"{MASKED}!\nat the end {MASKED}", "")
        # The result's "Out[..]:" comes right after a held-back token: it must not glue onto it.
        status, out, _ = sh.run(built() + "import sys\nsys.stdout.write(t)\n")
    assert status == "ok"
    assert out.startswith(f"{MASKED}Out[") and out.endswith(": 37\n")


def test_coloured_output_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    """An ANSI colour code glued to the token, written apart from it."""
    cell = built() + "import sys\nsys.stdout.write('\\x1b[31m')\n_ = sys.stdout.write(t + '\\x1b[0m\\n')\n"
    with loaded(capsys) as sh:
        assert sh.run(cell) == ("ok", f"\x1b[31m{MASKED}\x1b[0m\n", "")


def test_shell_command_output_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        status, out, err = sh.run(built() + "!echo logged in with {t}\n")
    assert status == "ok"
    assert TOKEN not in out + err
    assert f"logged in with {MASKED}" in out


def test_results_and_tracebacks_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    with loaded(capsys) as sh:
        status, out, err = sh.run(built() + "{'token': t}\n")
        assert status == "ok"
        assert_masked(out)
        status, out, err = sh.run(built() + "raise ValueError('bad token ' + t)\n")
    assert status == "error: ValueError"
    assert_masked(out + err)
    assert "ValueError" in out + err


def test_display_data_is_masked_in_every_text_format(capsys: pytest.CaptureFixture[str]) -> None:
    """display() goes through the shell's display publisher: a real recording one, wrapped at load."""
    ip = InteractiveShell.instance()
    publisher, ip.display_pub = ip.display_pub, CapturingDisplayPublisher()
    try:
        with loaded(capsys) as sh:
            sh.ns["PNG"] = PNG
            cell = built() + "from IPython.display import display\n"
            cell += (
                "display({'text/plain': t, 'text/html': f'<b>{t}</b>', 'text/markdown': f'`{t}`',"
                " 'application/json': {'nested': [t], t: 1}, 'image/png': PNG}, raw=True,"
                " metadata={'note': t})\n"
            )
            assert sh.run(cell)[0] == "ok"
        recorded = ip.display_pub.outputs  # type: ignore[attr-defined]
    finally:
        ip.display_pub = publisher
    assert len(recorded) == 1
    data, metadata = recorded[0]["data"], recorded[0]["metadata"]
    assert data["text/plain"] == MASKED
    assert data["text/html"] == f"<b>{MASKED}</b>"
    assert data["text/markdown"] == f"`{MASKED}`"
    assert data["application/json"] == {"nested": [MASKED], MASKED: 1}
    assert data["image/png"] == PNG
    assert metadata == {"note": MASKED}


# -- nothing changes when there is nothing to mask, and unloading puts everything back ------------------

CLEAN_CELLS = [
    "print('hello', 1, 'hf_hub_download')\n",
    "import sys\nsys.stdout.write('no newline, hf_')\nsys.stdout.write('hub word')\n",
    "{'key': 'value', 'api_org': [1, 2]}\n",
    "from IPython.display import display, HTML\ndisplay(HTML('<i>hi</i>'))\n",
    "raise KeyError('missing')\n",
    "!echo plain\n",
    "x = (\n",
]


def test_clean_output_is_byte_identical(capsys: pytest.CaptureFixture[str]) -> None:
    ip = InteractiveShell.instance()

    def outputs() -> list[tuple[str, str]]:
        seen = []
        for cell in CLEAN_CELLS:
            ip.run_cell(cell)
            seen.append(tuple(capsys.readouterr()))
        return seen  # type: ignore[return-value]

    before = outputs()
    with loaded(capsys):
        during = outputs()
    assert during == before
    assert any("KeyError" in out + err for out, err in before)  # the cells did produce output
    assert any("<IPython.core.display.HTML object>" in out for out, _ in before)


def test_unload_puts_everything_back(capsys: pytest.CaptureFixture[str]) -> None:
    ip = InteractiveShell.instance()

    def state() -> tuple[object, ...]:
        return (
            sys.stdout,
            sys.stderr,
            list(ip.ast_transformers),
            {event: list(callbacks) for event, callbacks in ip.events.callbacks.items()},
            "publish" in vars(ip.display_pub),
            "write_format_data" in vars(ip.displayhook),
            "_showtraceback" in vars(ip),
            "hf_secret_guard" in ip.magics_manager.magics["line"],
        )

    before = state()
    with loaded(capsys) as sh:
        during = state()
        sh.run("%load_ext hf_secret_guard")  # a second load installs nothing twice
        assert state() == during
    assert state() == before
    assert all(a != b for a, b in zip(before[:2], during[:2], strict=True))
    assert during[4:] == (True, True, True, True)


def test_loading_outside_ipython_is_a_clear_error() -> None:
    from IPython.core.error import UsageError

    import hf_secret_guard

    with pytest.raises(UsageError, match="IPython extension"):
        hf_secret_guard.load_ipython_extension(None)
