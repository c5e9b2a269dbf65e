"""``line_starts`` sums line lengths when a text has only ``\\n`` breaks: it must give what the line-break
regex gives (``\\r\\n``, ``\\r`` and ``\\n`` each end a line), on every text."""

from __future__ import annotations

import random

import pytest

from hf_secret_guard.read.lines import LINE_BREAK_RE, CountedLineIndex, LineIndex, line_starts


def _by_regex(text: str) -> list[int]:
    return [0] + [m.end() for m in LINE_BREAK_RE.finditer(text)]


@pytest.mark.parametrize("alphabet", ["ab\n", "a\n\r", "é🤗\n\t"])
def test_line_starts_match_the_line_break_regex(alphabet: str) -> None:
    rng = random.Random(alphabet)
    texts = ["", "\n", "\n\n", "a\n", "a", "\r\n", "\r"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40))) for _ in range(3000)]
    for text in texts:
        assert line_starts(text) == _by_regex(text), repr(text)


def test_positions_after_the_last_break() -> None:
    index = LineIndex("ab\ncd\n")
    assert index.position(4) == (2, 2)
    assert index.position(6) == (3, 1)


@pytest.mark.parametrize("alphabet", ["ab\n", "a\n\r", "é🤗\n\t", "abc"])
def test_counted_line_index_answers_as_the_index(alphabet: str) -> None:
    """``CountedLineIndex`` counts lines from the last offset asked for: in any order of offsets, it must
    answer as ``LineIndex`` (with ``\\r`` in the text it indexes, as ``LineIndex`` does)."""
    rng = random.Random(f"counted-{alphabet}")
    texts = ["", "\n", "a", "a\n\nb", "\n\r\n\r"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 300))) for _ in range(100)]
    for text in texts:
        index, counted = LineIndex(text), CountedLineIndex(text)
        offsets = [rng.randrange(len(text) + 1) for _ in range(20)]
        offsets += [*sorted(offsets), len(text), 0]
        for offset in offsets:
            assert counted.position(offset) == index.position(offset), (text, offset)
            end = rng.randrange(offset, len(text) + 1)
            assert counted.span(offset, end) == index.span(offset, end)
        for line in range(0, text.count("\n") + 3):
            assert counted.offset(line) == index.offset(line)
