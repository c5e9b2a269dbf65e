"""The console script ends at once after flushing its output, and the usual way whenever something still
waits for the exit (an ``atexit`` function, another thread) or the output cannot be flushed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_token
from tests.notebooks import one_cell_compact

# A probe: an object whose finalizer writes "cleaned" when the interpreter's clean-up frees it, then
# ``leave`` with the status given, after whatever the case sets up.
PROBE = """\
import os, sys, threading, time
from hf_secret_guard.cli.entry import leave

class Witness:
    def __del__(self):
        os.write(2, b"cleaned\\n")

witness = Witness()
case = sys.argv[1]
if case == "atexit":
    import atexit
    atexit.register(lambda: os.write(2, b"atexit ran\\n"))
elif case == "thread":
    def late():
        time.sleep(0.2)
        os.write(2, b"thread done\\n")
    threading.Thread(target=late).start()
print("printed, not yet flushed")
leave(int(sys.argv[2]))
"""


def probe(case: str, status: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, case, str(status)], capture_output=True, text=True, check=False
    )


def test_a_plain_exit_flushes_the_output_keeps_the_status_and_skips_the_clean_up() -> None:
    result = probe("plain", 3)
    assert result.returncode == 3
    assert result.stdout == "printed, not yet flushed\n"
    assert "cleaned" not in result.stderr  # the interpreter's clean-up did not run


@pytest.mark.parametrize(("case", "waited_for"), [("atexit", "atexit ran"), ("thread", "thread done")])
def test_an_exit_something_waits_for_is_the_usual_one(case: str, waited_for: str) -> None:
    result = probe(case, 1)
    assert result.returncode == 1
    assert result.stdout == "printed, not yet flushed\n"
    assert waited_for in result.stderr
    assert "cleaned" in result.stderr


def test_output_that_cannot_be_flushed_takes_the_usual_exit(tmp_path: Path) -> None:
    """stdout on a full device: the flush fails, and the usual exit reports it as Python does."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-c", PROBE, "plain", "0"], stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert "cleaned" in result.stderr
    assert "No space left on device" in result.stderr
    assert result.returncode != 0


@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_the_command_prints_a_whole_long_report_through_a_pipe(tmp_path: Path, how: str) -> None:
    """Many findings (more than a pipe's buffer holds) through a pipe: every line arrives, and the exit
    status is the scan's."""
    tokens = [make_token(n) for n in range(600)]
    lines = [f'login(token="{token}")' for token in tokens]
    (tmp_path / "many.py").write_text("from huggingface_hub import login\n" + "\n".join(lines) + "\n")
    script = shutil.which("hf-secret-guard", path=str(Path(sys.executable).parent))
    if how == "console script":
        assert script is not None
        command = [script]
    else:
        command = [sys.executable, "-m", "hf_secret_guard"]
    result = subprocess.run(
        [*command, "scan", "--format", "json", "many.py"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert len(result.stdout) > 65536
    assert result.stdout.rstrip().endswith("}")
    assert result.stdout.count('"rule": "HFG001"') == 600
    assert not any(token in result.stdout or token in result.stderr for token in tokens)


# A host program that runs the module in its own process, as ``python -m`` would, and goes on after it.
HOST = """\
import runpy, sys
sys.argv = ["hf-secret-guard", "scan", *sys.argv[1:]]
try:
    runpy.run_module("hf_secret_guard", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    print("host caught", exc.code)
print("host goes on")
"""


@pytest.mark.parametrize(("name", "status"), [("clean.py", 0), ("leak.py", 1)])
def test_a_host_that_runs_the_module_with_runpy_gets_its_system_exit(
    tmp_path: Path, name: str, status: int
) -> None:
    """``runpy.run_module("hf_secret_guard", run_name="__main__")`` in a host program ends with the
    ``SystemExit`` it always ended with, which the host catches and goes on: only ``python -m`` itself
    (and the console script) may end the process at once."""
    token = make_token(7)
    (tmp_path / "clean.py").write_text("x = 1\n")
    (tmp_path / "leak.py").write_text(f'from huggingface_hub import login\nlogin(token="{token}")\n')
    result = subprocess.run(
        [sys.executable, "-c", HOST, name], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(f"host caught {status}\nhost goes on\n")
    assert token not in result.stdout + result.stderr


# A ``sitecustomize`` whose object is freed by the interpreter's clean-up, which then says so.
WITNESS = """\
import json
import os

class Witness:
    def __del__(self):
        os.write(2, b"cleaned\\n")

witness = Witness()
"""


def test_python_m_still_ends_at_once(tmp_path: Path) -> None:
    """``python -m hf_secret_guard`` run by the interpreter itself skips the clean-up, as the console
    script does; the same scan run by a host with runpy goes through it."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(WITNESS)
    (tmp_path / "clean.py").write_text("x = 1\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    quick = subprocess.run(
        [sys.executable, "-m", "hf_secret_guard", "scan", "clean.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert quick.returncode == 0, quick.stderr
    assert "cleaned" not in quick.stderr
    hosted = subprocess.run(
        [sys.executable, "-c", HOST, "clean.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert hosted.stdout.endswith("host caught 0\nhost goes on\n")
    assert "cleaned" in hosted.stderr


# The console script before the quick exit: ``main`` called from the script's module, one frame down, and
# the command line called from ``main``, one frame further (``entry.main`` as it was: nothing the entry
# does since, the head start of a large scan's workers among it, may run the scan deeper).
MAIN_AS_BEFORE = (
    "import sys\n"
    "from hf_secret_guard.cli.main import main as cli_main\n"
    "def main():\n"
    "    return cli_main(sys.argv[1:])\n"
    "sys.exit(main())\n"
)


def _nested_notebook(depth: int, token: str) -> str:
    """A notebook whose cell metadata nests ``depth`` objects: the C decoder reads it whole, as deep as
    the recursion limit lets it from where it is called."""
    text = one_cell_compact(f't = "{token}"\n')
    return text.replace(
        '"metadata": {}, "outputs"', '"metadata": ' + '{"a": ' * depth + "1" + "}" * depth + ', "outputs"'
    )


def _read_whole(command: list[str], cwd: Path) -> bool:
    result = subprocess.run(
        [*command, "scan", "deep.ipynb"], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert result.returncode == 1, result.stderr
    return "nested too deeply" not in result.stderr


def _deepest_read_whole(command: list[str], cwd: Path, token: str) -> int:
    """The deepest nesting ``command`` reads whole, by bisection."""
    low, high = 100, 50_000  # read whole at low, not at high (3.12+: the C decoder has its own limit)
    (cwd / "deep.ipynb").write_text(_nested_notebook(high, token))
    assert not _read_whole(command, cwd)
    while high - low > 1:
        middle = (low + high) // 2
        (cwd / "deep.ipynb").write_text(_nested_notebook(middle, token))
        low, high = (middle, high) if _read_whole(command, cwd) else (low, middle)
    return low


def test_the_scan_runs_as_deep_in_the_stack_as_before(tmp_path: Path) -> None:
    """The console script and ``python -m`` run the scan at the stack depth the entries before the quick
    exit ran it at (``sys.exit(main())`` in the script, ``raise SystemExit(main())`` in ``__main__``), so
    a notebook nested right at the recursion limit reads the same: the deepest each old entry reads whole
    and one level more give the same answers through the new one."""
    token = make_token(43)
    (tmp_path / "before").mkdir()
    (tmp_path / "before" / "__main__.py").write_text(MAIN_AS_BEFORE.replace("sys.exit(", "raise SystemExit("))
    script = shutil.which("hf-secret-guard", path=str(Path(sys.executable).parent))
    assert script is not None
    pairs = [
        ([sys.executable, "-c", MAIN_AS_BEFORE], [script]),
        ([sys.executable, "-m", "before"], [sys.executable, "-m", "hf_secret_guard"]),
    ]
    for before, now in pairs:
        deepest = _deepest_read_whole(before, tmp_path, token)
        for depth, whole in ((deepest, True), (deepest + 1, False)):
            (tmp_path / "deep.ipynb").write_text(_nested_notebook(depth, token))
            assert _read_whole(now, tmp_path) is whole, (now, depth)


def _console_script() -> str:
    script = shutil.which("hf-secret-guard", path=str(Path(sys.executable).parent))
    assert script is not None
    return script


@pytest.mark.parametrize("target", ["leaky.py", "clean.py"])
@pytest.mark.parametrize("form", ["text", "json"])
def test_a_full_disk_under_the_output_is_one_line_of_error_not_a_traceback(
    tmp_path: Path, target: str, form: str
) -> None:
    """``scan . > report.txt`` on a full disk: exit 2 and one line saying why, never an internal error."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    token = make_token(46)
    (tmp_path / "leaky.py").write_text(f'from huggingface_hub import login\nlogin(token="{token}")\n')
    (tmp_path / "clean.py").write_text("x = 1\n")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [_console_script(), "scan", "--format", form, target],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
    assert result.returncode == 2
    assert result.stderr == "hf-secret-guard: error: cannot write the output: No space left on device\n"
    assert token not in result.stderr
