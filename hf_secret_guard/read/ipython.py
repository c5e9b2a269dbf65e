"""Hide IPython syntax from libcst without moving any character.

Each IPython line (``%magic``, ``!cmd``, ``x = !cmd``, ``obj?``) is replaced by ``0`` and spaces of the same
length, so offsets in the masked text are offsets in the cell.  The hidden lines are scanned as shell text.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

# Cell magics whose body is Python; every other cell magic body is shell or foreign text.
PYTHON_CELL_MAGICS = frozenset({"capture", "time", "timeit", "prun", "debug", "python", "python3", "ipython"})

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")
_NEWLINE_RE = re.compile(r"[\r\n]")
_STRING_OR_COMMENT_RE = re.compile(r"\'\'\'|\"\"\"|[\'\"#]")
_IPYTHON_LINE_RE = re.compile(
    r"[ \t]*(?:[!%]|[A-Za-z_][\w, \t]*=[ \t]*[!%](?!=)|\?{1,2}[\w.]+[ \t]*$|[\w.]+\?{1,2}[ \t]*$)"
)
_AUTOMAGIC_RE = re.compile(
    r"[ \t]*(?:pip|conda|cd|ls|ll|pwd|env|set_env|load_ext|reload_ext|matplotlib|timeit|who|whos|"
    r"pinfo|store|run|rm|mkdir|cp|mv|cat|mamba|uv|wget|curl|git|apt|huggingface-cli|hf)[ \t]+(?![=(\[.,:])\S"
)


class MaskedCell(NamedTuple):
    """A code cell with IPython lines blanked out; ``shell_lines`` are their (start, end) offsets."""

    python: str
    shell_lines: tuple[tuple[int, int], ...]
    cell_magic: Optional[str]
    python_body: bool  # False for %%bash and friends: the whole cell is shell or foreign text


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line without its line break."""
    spans: list[tuple[int, int]] = []
    for match in _LINE_RE.finditer(text):
        if match.start() == len(text) and spans:
            break
        line = match.group().rstrip("\r\n")
        spans.append((match.start(), match.start() + len(line)))
    return spans


def _blank(chars: list[str], start: int, end: int) -> None:
    stripped = start
    while stripped < end and chars[stripped] in " \t":
        stripped += 1
    for index in range(stripped, end):
        chars[index] = "0" if index == stripped else " "


def cell_magic_name(text: str) -> Optional[str]:
    stripped = text.lstrip()
    if not stripped.startswith("%%"):
        return None
    return stripped[2:].split(None, 1)[0] if len(stripped) > 2 and not stripped[2].isspace() else ""


def _string_interiors(text: str) -> list[tuple[int, int]]:
    """Where multi-line (triple-quoted) strings run, so a line inside one is never taken for IPython.

    IPython transforms lines with a tokenizer; a ``%env`` or ``!cmd`` line inside a string stays text.
    Comments and one-line strings are stepped over so that their quotes do not open anything.
    """
    interiors: list[tuple[int, int]] = []
    position = 0
    while True:
        match = _STRING_OR_COMMENT_RE.search(text, position)
        if match is None:
            return interiors
        token = match.group()
        if token == "#":
            newline = _NEWLINE_RE.search(text, match.end())
            position = newline.start() if newline else len(text)
            continue
        closing = re.compile(r"\\.|" + re.escape(token) + ("" if len(token) == 3 else r"|[\r\n]"), re.S)
        end = len(text)
        for close in closing.finditer(text, match.end()):
            if not close.group().startswith("\\"):
                end = close.end()
                break
        if len(token) == 3:
            interiors.append((match.end(), end))
        position = end


def mask_cell(text: str, *, automagic: bool = False) -> MaskedCell:
    """Blank IPython lines; with ``automagic``, also lines such as ``pip install x`` written without ``%``.

    A cell magic whose body is Python (``%%time``, ``%%capture``) has its first line blanked and its body
    treated like any cell, as IPython does; ``%%writefile x.py`` writes its body verbatim, so only the
    first line is IPython there.  Other cell magics (``%%bash``) make the whole cell shell text.
    """
    magic = cell_magic_name(text)
    lines = _lines(text)
    chars = list(text)
    shell: list[tuple[int, int]] = []
    if magic is not None:
        first_line = next((span for span in lines if text[span[0] : span[1]].strip()), lines[0])
        header = text[first_line[0] : first_line[1]]
        python_body = magic in PYTHON_CELL_MAGICS or (
            magic == "writefile" and header.rstrip().endswith((".py", ".pyw"))
        )
        if not python_body:
            return MaskedCell(text, ((0, len(text)),), magic, False)
        _blank(chars, *first_line)
        shell.append(first_line)
        if magic == "writefile":
            return MaskedCell("".join(chars), tuple(shell), magic, True)
        lines = [span for span in lines if span[0] > first_line[0]]
    interiors = _string_interiors(text)
    continuing = False
    for start, end in lines:
        if any(a <= start < b for a, b in interiors):
            continue
        line = text[start:end]
        if continuing or _IPYTHON_LINE_RE.match(line) or (automagic and _AUTOMAGIC_RE.match(line)):
            _blank(chars, start, end)
            shell.append((start, end))
            continuing = line.endswith("\\")
    return MaskedCell("".join(chars), tuple(shell), magic, True)
