"""Colour, the progress bar, --quiet and --verbose: the pieces, then the real CLI on a pseudo-terminal."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import click
import pytest

from hf_secret_guard import scan_source
from hf_secret_guard.cli.main import cli
from hf_secret_guard.cli.terminal import Progress, color_enabled, paint_finding, progress_enabled
from hf_secret_guard.report.text import format_finding
from tests.conftest import TOKEN, cli_runner
from tests.inprocess import run_main

LEAK = f'login(token="{TOKEN}")\n'


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_colour_only_on_a_terminal_without_no_color() -> None:
    assert color_enabled(Terminal(), env={})
    assert color_enabled(Terminal(), env={"NO_COLOR": ""})  # no-color.org: set AND not empty
    assert not color_enabled(Terminal(), env={"NO_COLOR": "1"})
    assert not color_enabled(Terminal(), no_color=True, env={})
    assert not color_enabled(io.StringIO(), env={})


def test_progress_only_on_a_terminal_outside_ci() -> None:
    assert progress_enabled(Terminal(), env={})
    assert not progress_enabled(Terminal(), env={"CI": "true"})
    assert not progress_enabled(Terminal(), quiet=True, env={})
    assert not progress_enabled(io.StringIO(), env={})


def test_a_long_path_named_after_a_token_is_masked_before_it_is_cut() -> None:
    """Cut first, the bar could keep the token's body and drop its ``hf_`` prefix: masked first, never."""
    stream, clock = Terminal(), Clock()
    progress = Progress(10, stream, clock=clock)
    clock.now += 1
    for depth in range(0, 120, 7):
        progress.advance("d/" * depth + TOKEN + ".py\x1b[2J")
        clock.now += 1
    shown = stream.getvalue()
    assert TOKEN[3:] not in shown and TOKEN[-20:] not in shown and "\x1b[2J" not in shown
    assert "hf_****" + TOKEN[-4:] in shown


def test_progress_appears_after_the_delay_and_is_erased() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(10, stream, clock=clock)
    progress.advance("a.py")
    assert stream.getvalue() == ""  # quick scans never show it
    clock.now += 0.6
    progress.advance("b.py")
    assert stream.getvalue().endswith("[####....................] 2/10 files  b.py")
    clock.now += 0.01
    progress.advance("c.py")
    assert "3/10" not in stream.getvalue()  # at most ten redraws a second
    clock.now += 0.2
    progress.advance("dir/" + "x" * 300 + ".py")
    frame = stream.getvalue().rsplit("\r\x1b[K", 1)[-1]
    assert "4/10 files  ..." in frame and len(frame) < 300  # long paths are cut to the width
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    disabled = Terminal()
    off = Progress(10, disabled, enabled=False, clock=clock)
    clock.now += 5
    off.advance("a.py")
    assert disabled.getvalue() == ""


def test_painted_line_is_the_plain_line_in_colour() -> None:
    for source in (LEAK, f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\n'):
        finding = scan_source(source, "dir/x.py").findings[0]
        plain = format_finding(finding)
        painted = paint_finding(plain, finding)
        assert painted != plain and click.unstyle(painted) == plain
        assert click.style(finding.rule, fg="red", bold=True) in painted
        assert TOKEN not in painted


# --- the real CLI on a pseudo-terminal ----------------------------------------------------------------


def run_tty(
    args: list[str], cwd: Path, env: dict[str, str], stdout_tty: bool = True, stderr_tty: bool = False
) -> tuple[str, str, int]:
    """Run the CLI with stdout and/or stderr on a pseudo-terminal; returns (tty output, piped output)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "hf_secret_guard", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave if stdout_tty else subprocess.PIPE,
        stderr=slave if stderr_tty else subprocess.PIPE,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    piped_out, piped_err = process.communicate(timeout=60)
    piped = (piped_out or piped_err or b"").decode()
    return b"".join(chunks).decode(), piped, process.returncode


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI", "FORCE_COLOR")}
    env.update(extra)
    return env


@pytest.mark.e2e
def test_colour_on_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text(LEAK)
    out, _, status = run_tty(["scan", "--isolated", "x.py"], tmp_path, clean_env())
    assert status == 1 and "\x1b[" in out
    assert "x.py:1:14: HFG001" in click.unstyle(out) and TOKEN not in out
    no_color, _, _ = run_tty(["scan", "--isolated", "x.py"], tmp_path, clean_env(NO_COLOR="1"))
    flag, _, _ = run_tty(["scan", "--isolated", "--no-color", "x.py"], tmp_path, clean_env())
    assert "\x1b[" not in no_color and "\x1b[" not in flag
    assert click.unstyle(out) == no_color == flag
    piped = cli_runner().invoke(cli, ["scan", "--isolated", str(tmp_path / "x.py")])
    assert piped.exit_code == 1 and "HFG001" in piped.stdout and "\x1b[" not in piped.stdout


SKIPPED_FILES = 320  # ~88 KB of warnings: more than a pseudo-terminal's or a pipe's buffer holds
STALL = 0.7  # seconds the reader waits: longer than the bar's half-second delay


@pytest.fixture(scope="module")
def slow_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tree whose scan the test can hold up without using the CPU: each oversized (sparse) file gets a
    size warning on stderr, and a writer that nobody reads blocks once the terminal's or the pipe's
    buffer is full.  ``big_0.py`` holds the leak."""
    root = tmp_path_factory.mktemp("slow")
    for index in range(SKIPPED_FILES):
        with open(root / f"{index:03d}_{'n' * 200}.py", "wb") as oversized:
            oversized.truncate(2 * 1024 * 1024)
    (root / "big_0.py").write_text(LEAK)
    return root


class Stalled:
    """``scan`` of the slow tree with stderr on a pseudo-terminal or a pipe (stdout piped), its stderr
    left unread until the first warning is out (the bar's clock has started) and then ``STALL`` more."""

    def __init__(self, tree: Path, env: dict[str, str], stderr_tty: bool) -> None:
        self.master: Optional[int] = None
        stderr: int = subprocess.PIPE
        if stderr_tty:
            self.master, stderr = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hf_secret_guard", "scan", "--isolated", "--max-file-size", "1", "."],
            cwd=tree,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        if stderr_tty:
            os.close(stderr)
        self.err_fd = self.master if self.master is not None else self.process.stderr.fileno()  # type: ignore[union-attr]

    def wait_for_output(self) -> None:
        ready, _, _ = select.select([self.err_fd], [], [], 60)
        assert ready, "no warning within a minute"

    def finish(self) -> tuple[str, str, int, bool]:
        """(stderr, stdout, exit status, whether it was still running when its reader came back)."""
        blocked = self.process.poll() is None
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(self.err_fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        if self.master is not None:
            os.close(self.master)
        out, _ = self.process.communicate(timeout=60)
        return b"".join(chunks).decode(), out.decode(), self.process.returncode, blocked


@pytest.fixture(scope="module")
def stalled_runs(slow_tree: Path) -> dict[str, tuple[str, str, int, bool]]:
    """The three slow scans at once, so they share one wait: on a terminal, on a terminal under CI, and
    piped."""
    runs = {
        "terminal": Stalled(slow_tree, clean_env(), True),
        "ci": Stalled(slow_tree, clean_env(CI="true"), True),
        "piped": Stalled(slow_tree, clean_env(), False),
    }
    for run in runs.values():
        run.wait_for_output()
    time.sleep(STALL)
    return {name: run.finish() for name, run in runs.items()}


@pytest.mark.e2e
def test_progress_bar_on_a_terminal(stalled_runs: dict[str, tuple[str, str, int, bool]]) -> None:
    err, out, status, blocked = stalled_runs["terminal"]
    assert blocked and status == 1 and "files scanned" not in out
    assert "\r\x1b[K[" in err and f"/{SKIPPED_FILES + 1} files" in err  # it was drawn ...
    assert err.rstrip("\r\n").endswith("\x1b[K") or err.endswith("\r\x1b[K")  # ... and erased at the end
    assert "big_0.py:" in out  # findings stay on stdout
    assert err.count("warning: skipped:") == SKIPPED_FILES  # the bar tears no warning


@pytest.mark.e2e
@pytest.mark.parametrize("run", ["ci", "piped"])
def test_no_progress_bar_in_ci_or_when_piped(
    stalled_runs: dict[str, tuple[str, str, int, bool]], run: str
) -> None:
    err, out, status, blocked = stalled_runs[run]
    assert blocked and status == 1 and "big_0.py:" in out
    assert " files" not in err and "\x1b[K" not in err  # neither drawn nor erased
    assert "\r" not in err.replace("\r\n", "\n")  # a terminal ends lines with CR LF: no other CR
    assert err.count("warning: skipped:") == SKIPPED_FILES


def test_quiet_and_verbose(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text(LEAK)
    (tmp_path / ".venv").mkdir()
    quiet = run_main("scan", "--isolated", "-q", ".", cwd=tmp_path)
    lines = quiet.stdout.splitlines()
    assert quiet.returncode == 1 and len(lines) == 1 and lines[0].startswith("x.py:1:14: HFG001 ")
    assert quiet.stderr == ""
    verbose = run_main("scan", "--isolated", "-v", ".", cwd=tmp_path)
    assert "config: none (defaults)" in verbose.stderr
    assert ".venv: note: skipped: excluded by '.venv'" in verbose.stderr
    assert "scanned 1 file (1 skipped) in " in verbose.stderr and "Found 1 leak" in verbose.stdout
    both = run_main("scan", "-q", "-v", ".", cwd=tmp_path)
    assert both.returncode == 2 and "--quiet and --verbose" in both.stderr
