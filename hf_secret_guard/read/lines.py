"""Turn character offsets into 1-based line and column numbers."""

from __future__ import annotations

import bisect
from itertools import accumulate
from typing import Optional

from hf_secret_guard import regexes
from hf_secret_guard.model import Span

LINE_BREAK_RE = regexes.compile(r"\r\n|\r|\n")  # what ends a line, for Python's tokenizer and for us


def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts (the first is 0).  The same list for the same text
    object as the last call (a file's detectors, allow comments and findings each ask): read it, never
    change it."""
    last_text, last_starts = _LAST[0]  # one read of one tuple: a thread may replace it meanwhile
    if last_text is text:
        return last_starts
    if "\r" in text:
        starts = [0] + [m.end() for m in LINE_BREAK_RE.finditer(text)]
    else:  # only ``\n``: each line's length plus one, summed in C (no Python step per line)
        starts = list(accumulate(map((1).__add__, map(len, text.split("\n"))), initial=0))
        starts.pop()
    _LAST[0] = (text, starts)
    return starts


# The last text asked about (kept alive, so ``is`` cannot meet a new text at a freed one's address) and
# its starts.
_LAST: list[tuple[Optional[str], list[int]]] = [(None, [])]


class LineIndex:
    """Line starts of a text; ``\\r\\n``, ``\\r`` and ``\\n`` each end a line, as in Python's tokenizer."""

    def __init__(self, text: str) -> None:
        self._starts = line_starts(text)

    def offset(self, line: int) -> int:
        """Where 1-based ``line`` starts (the end of the text past the last line)."""
        return (
            self._starts[line - 1] if 0 < line <= len(self._starts) else (self._starts[-1] if line > 0 else 0)
        )

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(start, end, line, column, end_line, end_column)


class CountedLineIndex(LineIndex):
    """``LineIndex`` for a few offsets in a long text (the findings of a file, mostly asked for in order):
    a line number is counted from the last line asked for (forwards or back), not looked up in an index
    of every line, which costs more than a long file's few findings; a line's start is found once for all
    the offsets on it.  Same answers (``\r`` makes it index)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._indexed: Optional[LineIndex] = LineIndex(text) if "\r" in text else None
        self._line = (0, -1, 1)  # the last line asked for: its start, its ``\n`` (or the text's end), number

    @property
    def _starts(self) -> list[int]:  # type: ignore[override]
        self._indexed = self._indexed or LineIndex(self._text)
        return self._indexed._starts

    def position(self, offset: int) -> tuple[int, int]:
        if self._indexed is not None:
            return self._indexed.position(offset)
        first, end, number = self._line
        if first <= offset <= end:
            return number, offset - first + 1
        text = self._text
        if offset > end:
            number += text.count("\n", max(end, 0), offset)
        else:
            number -= text.count("\n", offset, first)
        first = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        self._line = (first, len(text) if end < 0 else end, number)
        return number, offset - first + 1
