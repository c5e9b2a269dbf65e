"""Cut a Python file down to the statements that can hold a finding, so libcst reads only those.

libcst builds a Python object for every node and parses slowly, so one token in a long module would make
the whole module expensive.  CPython's own parser (``ast``, in C) finds every statement's lines much
faster (benchmarks/README.md), so a candidate file is sliced first: statements that mention no needle (a token
prefix, ``environ``, ``putenv``, a name imported as one of those, an ``import os``) are left out, whole
lines at a time, and findings in the slice are mapped back to offsets in the file.

Nothing that can change a finding is left out: the detector looks at literals, comments and environment
writes statement by statement, and the only thing it carries between statements is which names reach
``os.environ``, which the kept imports provide.  A block keeps at least one statement so the slice stays
valid Python; when anything is doubtful (a syntax error, statements sharing a line) the caller gets
``None`` and parses the whole file, as before.
"""

from __future__ import annotations

import ast
import re
import warnings
from bisect import bisect_right
from collections.abc import Sequence
from typing import NamedTuple, Optional

from hf_secret_guard import regexes
from hf_secret_guard.model import Leak
from hf_secret_guard.providers import PREFIXES
from hf_secret_guard.read.lines import line_starts
from hf_secret_guard.read.python_parse import MAX_PARSE_CHARS, too_deep
from hf_secret_guard.screen.prefilter import slot_candidate, url_candidate, write_names

_IMPORT_OS_RE = regexes.compile(r"\bimport\b[^\r\n]*\bos\b")
_BASE_NEEDLES = (*PREFIXES, "environ", "putenv")
MIN_SIZE = 400  # below this the whole file parses in a few milliseconds: not worth slicing
MAX_KEPT = 0.6  # a slice keeping more than this share of the file saves too little to be worth it

Block = Sequence[ast.stmt]


class SourceSlice(NamedTuple):
    """Pieces of the original text, joined; ``pieces`` holds each one's (start in ``text``, start in file)."""

    text: str
    pieces: tuple[tuple[int, int], ...]

    def file_offset(self, offset: int) -> int:
        index = max(0, bisect_right([start for start, _ in self.pieces], offset) - 1)
        start, origin = self.pieces[index]
        return origin + offset - start

    def restore(self, leak: Leak) -> Leak:
        """The same leak, with offsets in the file instead of the slice."""
        start = self.file_offset(leak.start)
        end = self.file_offset(leak.end - 1) + 1 if leak.end > leak.start else start
        return leak._replace(start=start, end=end)


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)

    def start(self, line: int) -> int:
        """Offset of 1-based ``line``; one past the last line is the end of the text."""
        return self.starts[line - 1] if line <= len(self.starts) else len(self.text)

    def span(self, first: int, last: int) -> str:
        return self.text[self.start(first) : self.start(last + 1)]


def _first_line(node: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _last_line(node: ast.stmt) -> int:
    return node.end_lineno or node.lineno


def _children(node: ast.stmt) -> list[Block]:
    """The statement lists inside a compound statement (bodies, else, handlers, cases)."""
    blocks: list[Block] = []
    for name in ("body", "orelse", "finalbody"):
        block = getattr(node, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            blocks.append(block)
    for holder in [*getattr(node, "handlers", []), *getattr(node, "cases", [])]:
        if holder.body:
            blocks.append(holder.body)
    return blocks


class _Slicer:
    def __init__(self, text: str, needle_re: re.Pattern[str]) -> None:
        self.lines = _Lines(text)
        self.needle_re = needle_re
        self.dropped: list[tuple[int, int]] = []  # 1-based inclusive line ranges

    def relevant(self, node: ast.stmt) -> bool:
        text = self.lines.span(_first_line(node), _last_line(node))
        return self.needle_re.search(text) is not None or slot_candidate(text) or url_candidate(text)

    def alone(self, node: ast.stmt) -> bool:
        """Does ``node`` have its lines to itself?  Not after ``;`` or in ``if x: y``, not before ``;``."""
        first, last = _first_line(node), _last_line(node)
        first_text = self.lines.span(first, first)
        if first != node.lineno:  # decorated: the line holds only the decorator
            head = b"" if first_text.lstrip().startswith("@") else b"?"
        else:
            head = first_text.encode("utf-8", "surrogatepass")[: node.col_offset]
        tail = self.lines.span(last, last).encode("utf-8", "surrogatepass")[node.end_col_offset or 0 :]
        return not head.strip() and (not tail.strip() or tail.lstrip().startswith(b"#"))

    def block(self, block: Block) -> None:
        """Drop what cannot matter in ``block``, keeping at least one statement."""
        keep = [node for node in block if self.relevant(node)] or [block[0]]
        kept = {id(node) for node in keep}
        for node in block:
            if id(node) not in kept and self.alone(node):
                self.dropped.append((_first_line(node), _last_line(node)))
        for node in keep:
            for child in _children(node):
                self.block(child)


def _needle_re(text: str, known: Sequence[str] = ()) -> re.Pattern[str]:
    names = write_names(text)  # the prefilter's reading of ``environ as env`` and the like
    found = {*names[0], *names[1]} if names is not None else set()
    aliases = sorted({*found, *known} - set(_BASE_NEEDLES))
    words = [re.escape(needle) for needle in _BASE_NEEDLES]
    if aliases:
        words.append(rf"\b(?:{'|'.join(map(re.escape, aliases))})\b")
    return re.compile("|".join([*words, _IMPORT_OS_RE.pattern]))


def relevant_statements(text: str, known: Sequence[str] = ()) -> Optional[SourceSlice]:
    """The statements of ``text`` that can hold a finding, or None to parse the whole file.

    ``known``: names that reach ``os`` or its environment from outside ``text`` (a notebook cell uses
    what an earlier cell imported); a statement naming one is kept."""
    if not MIN_SIZE <= len(text) <= MAX_PARSE_CHARS:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like: libcst's business
            module = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None  # libcst decides, and reports, on the whole file
    if not module.body or too_deep(module):
        return None  # too deep: the whole file is refused by the detector's guard, as on every Python
    slicer = _Slicer(text, _needle_re(text, known))
    slicer.block(module.body)
    return _cut(slicer.lines, sorted(slicer.dropped))


def _cut(lines: _Lines, dropped: list[tuple[int, int]]) -> Optional[SourceSlice]:
    pieces: list[tuple[int, int]] = []
    parts: list[str] = []
    position = length = 0
    for first, last in dropped:
        start, end = lines.start(first), lines.start(last + 1)
        if start > position:
            pieces.append((length, position))
            parts.append(lines.text[position:start])
            length += start - position
        position = max(position, end)
    if position < len(lines.text):
        pieces.append((length, position))
        parts.append(lines.text[position:])
        length += len(lines.text) - position
    if not pieces or length > MAX_KEPT * len(lines.text):
        return None
    return SourceSlice("".join(parts), tuple(pieces))


__all__ = ["SourceSlice", "relevant_statements"]
