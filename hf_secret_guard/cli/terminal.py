"""The terminal, at the edge: colour and a progress bar, only when a person is watching.

- Colour on stdout only when it is a terminal, ``NO_COLOR`` is unset or empty (https://no-color.org) and
  ``--no-color`` was not given.  Files, pipes and CI logs get plain text, byte for byte what ``--output``
  writes.
- The progress bar goes to stderr, only when stderr is a terminal, ``CI`` is not set (CI runners may
  fake a terminal; their logs would fill with bar redraws) and ``--quiet`` was not given.  It appears only
  after half a second, so quick scans (pre-commit) never flash it, and is erased before anything else is
  printed and when the scan ends.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Optional, TextIO

import click

from hf_secret_guard.model import Finding
from hf_secret_guard.report.location import location, printable
from hf_secret_guard.tokens import redact

PROGRESS_DELAY = 0.5  # seconds before the bar appears
PROGRESS_INTERVAL = 0.1  # seconds between redraws
_CLEAR_LINE = "\r\x1b[K"


def color_enabled(stream: TextIO, no_color: bool = False, env: Optional[Mapping[str, str]] = None) -> bool:
    env = os.environ if env is None else env
    if no_color or env.get("NO_COLOR"):
        return False
    return _isatty(stream)


def progress_enabled(stream: TextIO, quiet: bool = False, env: Optional[Mapping[str, str]] = None) -> bool:
    env = os.environ if env is None else env
    return not quiet and not env.get("CI") and _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def paint_finding(line: str, finding: Finding) -> str:
    """A report line with the path bold, the rule code red and the masked secret yellow, as ruff does.
    Only the parts that are exactly where the plain line has them are styled; anything else is left."""
    where = location(finding)
    if not line.startswith(where + ": " + finding.rule):
        return line
    rest = line[len(where) + 2 + len(finding.rule) :]
    position = where[len(finding.path) :]
    painted = (
        click.style(finding.path, bold=True)
        + click.style(position, fg="cyan")
        + ": "
        + click.style(finding.rule, fg="red", bold=True)
    )
    masked = f"({finding.masked})"
    if masked in rest:
        before, _, after = rest.rpartition(masked)
        rest = before + click.style(masked, fg="yellow") + after
    return painted + rest


def paint_summary(line: str, leaks: bool) -> str:
    return click.style(line, fg="red" if leaks else "green", bold=True)


def _columns(stream: TextIO) -> int:
    """The terminal's width (os, not shutil: shutil would import bz2 and lzma at start-up)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        columns = 0
    return columns or 80  # a terminal that never had its size set says 0


class Progress:
    """``[#####.....]  120/480 files  path/now.ipynb`` on one line of ``stream``, redrawn in place.

    ``total`` may grow (discovery streams in); ``clock`` is injectable so the timing can be tested.
    """

    def __init__(
        self,
        total: int,
        stream: TextIO,
        enabled: bool = True,
        delay: float = PROGRESS_DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.enabled = enabled
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.drawn_at: Optional[float] = None
        self.visible = False

    def advance(self, path: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self.drawn_at is not None and now - self.drawn_at < PROGRESS_INTERVAL and self.done < self.total:
            return
        self.drawn_at = now
        self._draw(path)

    def _draw(self, path: str) -> None:
        width = max(20, _columns(self.stream) - 1)
        total = max(self.total, self.done, 1)
        bar_width = 24
        filled = bar_width * self.done // total
        bar = "[" + "#" * filled + "." * (bar_width - filled) + "]"
        text = f"{bar} {self.done}/{total} files"
        room = width - len(text) - 2
        if path and room > 8:
            path = printable(redact(path))  # masked before it is cut: a cut could drop the key's prefix
            shown = path if len(path) <= room else "..." + path[-(room - 3) :]
            text = f"{text}  {shown}"
        self.stream.write(_CLEAR_LINE + text[:width])
        self.stream.flush()
        self.visible = True

    def clear(self) -> None:
        if self.visible:
            self.stream.write(_CLEAR_LINE)
            self.stream.flush()
            self.visible = False

    def echo(self, message: str, err: bool = True) -> None:
        """Print a line without tearing the bar: erase it first; the next ``advance`` redraws it."""
        self.clear()
        click.echo(message, err=err)
        self.drawn_at = None
