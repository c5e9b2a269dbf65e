"""Where a ``.py`` file's findings and allow comments are placed without an index of all its lines
(``read.lines.CountedLineIndex``, as ``scan.python_file`` uses it; ``detect.allow._Allowances``): the same
lines and columns as ``LineIndex``, whatever order the offsets come in, with ``\\n``, ``\\r\\n`` or ``\\r``
line ends."""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_secret_guard.detect.allow import _Allowances
from hf_secret_guard.read.lines import CountedLineIndex, LineIndex, line_starts
from hf_secret_guard.scan.python_file import scan_source
from tests.conftest import examples

_TEXTS = st.text(alphabet="ab #\n\r", max_size=60)


@settings(max_examples=examples(300), deadline=None)
@given(_TEXTS, st.lists(st.integers(0, 70), min_size=1, max_size=12), st.booleans())
def test_finding_lines_are_the_index_lines(text: str, offsets: list[int], in_order: bool) -> None:
    offsets = sorted(min(o, len(text)) for o in offsets) if in_order else [min(o, len(text)) for o in offsets]
    counted, index = CountedLineIndex(text), LineIndex(text)
    assert [counted.position(o) for o in offsets] == [index.position(o) for o in offsets]


def _indexed_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """A line's bounds looked up in the index of every line (how ``_Allowances`` finds them with ``\\r``)."""
    starts = line_starts(text)
    first = starts[bisect.bisect_right(starts, start) - 1]
    following = bisect.bisect_right(starts, end)
    last = starts[following] if following < len(starts) else len(text)
    while last > max(first, end) and text[last - 1] in "\r\n":
        last -= 1
    return first, last


@settings(max_examples=examples(300), deadline=None)
@given(_TEXTS, st.lists(st.tuples(st.integers(0, 70), st.integers(0, 10)), min_size=1, max_size=12))
def test_allow_comment_lines_are_the_index_lines(text: str, spans: list[tuple[int, int]]) -> None:
    allowances = _Allowances(text, False)
    for at, length in spans:
        start = min(at, len(text))
        end = min(start + length, len(text))
        assert allowances.bounds(start, end) == _indexed_bounds(text, start, end)


def test_many_findings_on_one_long_line_each_at_its_column() -> None:
    """Each finding of a one-line list of placeholders at its own column (the line is searched once)."""
    item = "{'api_key': 'YOUR_API_KEY'}"
    text = "x = [" + ", ".join([item] * 2000) + "]\n"
    found = scan_source(text, "one_line.py").findings
    assert len(found) == 2000
    assert {finding.span.line for finding in found} == {1}
    assert [finding.span.column for finding in found] == [
        6 + index * (len(item) + 2) + len("{'api_key': ") for index in range(2000)
    ]
