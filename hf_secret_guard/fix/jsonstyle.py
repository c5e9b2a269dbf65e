"""Write a changed cell source back into the notebook's JSON text in the file's own style.

``nbformat.write`` re-indents and sorts every key (Colab files use 2 spaces and their own key order), so
a fix never re-serialises the notebook.  Only the JSON strings that hold changed characters are
rewritten: in a string-form source, the changed characters themselves; in a list-of-lines source, the
lines an edit touches, split again at ``\\n`` the way Jupyter splits them, joined with the list's own
separator, and escaped with the file's ``ensure_ascii`` style.  Every other byte stays.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from hf_secret_guard import regexes
from hf_secret_guard.fix.apply import apply_edits
from hf_secret_guard.model import Edit
from hf_secret_guard.read.jsonspan import JsonPath, Spans, raw_offset_in_string

# ``\u007f`` and above: what ``json.dumps(ensure_ascii=True)`` escapes and a writer that keeps UTF-8 does not.
# The pattern starts with its literal ``\u``, which the regex engine finds quickly; whether that backslash
# is itself escaped is counted apart (a look-behind first made the engine try every offset).
_NON_ASCII_ESCAPE_RE = regexes.compile(
    r"\\u(?:007[fF]|00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})"
)


def ensure_ascii_style(raw: str) -> bool:
    """True when the file escapes non-ASCII characters (``\\u00e9``); Jupyter and Colab write them as is."""
    if not raw.isascii():
        return False
    for match in _NON_ASCII_ESCAPE_RE.finditer(raw):
        start = before = match.start()
        while before and raw[before - 1] == "\\":
            before -= 1
        if (start - before) % 2 == 0:  # an even run of backslashes before it: this one starts an escape
            return True
    return False


def split_lines(text: str) -> list[str]:
    """nbformat's multiline string: each line keeps its ``\\n``; no empty last item."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _dump(value: str, ensure_ascii: bool) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii)


def _string_edits(raw: str, quote: int, edits: Sequence[Edit], ensure_ascii: bool) -> list[Edit]:
    return [
        Edit(
            raw_offset_in_string(raw, quote, edit.start),
            raw_offset_in_string(raw, quote, edit.end),
            _dump(edit.replacement, ensure_ascii)[1:-1],
        )
        for edit in edits
    ]


def _touched(bounds: Sequence[int], edit: Edit) -> tuple[int, int]:
    """First and last item an edit touches; an insertion touches the item it lands in."""
    count = len(bounds) - 1

    def item_at(offset: int) -> int:
        for index in range(count):
            if bounds[index] <= offset < bounds[index + 1]:
                return index
        return count - 1

    first = item_at(edit.start)
    last = item_at(edit.end - 1) if edit.end > edit.start else first
    return first, max(first, last)


def _separator(raw: str, spans: Spans, path: JsonPath, count: int) -> str:
    if count >= 2:
        return raw[spans[(*path, 0)][1] : spans[(*path, 1)][0]]
    opening = raw[spans[path][0] + 1 : spans[(*path, 0)][0]]
    if opening:
        return "," + opening
    return ", " if '": ' in raw else ","


def _list_edits(
    raw: str, spans: Spans, path: JsonPath, items: Sequence[str], edits: Sequence[Edit], ensure_ascii: bool
) -> list[Edit]:
    bounds = [0]
    for item in items:
        bounds.append(bounds[-1] + len(item))
    runs: list[list[int]] = []
    for first, last in sorted(_touched(bounds, edit) for edit in edits):
        if runs and first <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])
    separator = _separator(raw, spans, path, len(items))
    out: list[Edit] = []
    for first, last in runs:
        low, high = bounds[first], bounds[last + 1]
        inside = [
            Edit(e.start - low, e.end - low, e.replacement)
            for e in edits
            if low <= e.start and e.end <= high and (e.start < high or e.start == e.end == high == bounds[-1])
        ]
        old_items = list(items[first : last + 1])
        new_items = split_lines(apply_edits("".join(old_items), inside))
        old_raw = [raw[slice(*spans[(*path, index)])] for index in range(first, last + 1)]
        new_raw = [_dump(item, ensure_ascii) for item in new_items]
        matcher = SequenceMatcher(a=old_items, b=new_items, autojunk=False)
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):  # an unchanged line keeps its bytes, odd escapes and all
                new_raw[block.b + offset] = old_raw[block.a + offset]
        start, end = spans[(*path, first)][0], spans[(*path, last)][1]
        if not new_raw:  # nothing left of these lines: their separator goes too
            if last + 1 < len(items):
                end = spans[(*path, last + 1)][0]
            elif first > 0:
                start = spans[(*path, first - 1)][1]
        out.append(Edit(start, end, separator.join(new_raw)))
    return out


_INDENT_RE = regexes.compile(r"\{\r?\n([ \t]+)\S")


def _new_list(raw: str, start: int, text: str, ensure_ascii: bool) -> str:
    """An empty ``[]`` that gets lines: laid out as the file's writer lays out lists (``indent=N``)."""
    items = [_dump(line, ensure_ascii) for line in split_lines(text)]
    indent = _INDENT_RE.match(raw)
    if not items or indent is None:
        return "[" + (", " if '": ' in raw else ",").join(items) + "]"
    line_start = raw.rfind("\n", 0, start) + 1
    base = raw[line_start : len(raw[line_start:start]) - len(raw[line_start:start].lstrip()) + line_start]
    inner = "\n" + base + indent.group(1)
    return "[" + inner + ("," + inner).join(items) + "\n" + base + "]"


def source_edits(
    raw: str, spans: Spans, path: JsonPath, value: Any, edits: Sequence[Edit], ensure_ascii: bool
) -> list[Edit]:
    """Edits to the notebook text that apply ``edits`` (offsets into the joined source) to its value."""
    if not edits:
        return []
    if isinstance(value, str):
        return _string_edits(raw, spans[path][0], edits, ensure_ascii)
    if not value:
        return [Edit(*spans[path], _new_list(raw, spans[path][0], apply_edits("", edits), ensure_ascii))]
    return _list_edits(raw, spans, path, value, edits, ensure_ascii)
