"""A JSON reader that remembers where every value sits in the raw text.

``json.loads`` gives values but no positions.  Positions let a finding in a notebook point at its real line
in the ``.ipynb`` file, and let ``--fix`` replace one value in place so every other byte stays as it was.
Strings are decoded by the C ``scanstring`` that ``json`` itself uses, so large base64 outputs are cheap.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, Optional, Union

from hf_secret_guard import regexes

JsonPath = tuple[Union[str, int], ...]
Spans = dict[JsonPath, tuple[int, int]]


class WholeCells:
    """A lazy read (``parse_with_spans``) that also takes a notebook's cells whole, by the C decoder, where
    the caller does not refuse any of the cell's stretch of the text: no positions inside such a cell.  A
    notebook is mostly cells that hold nothing to report; reading each value of them costs more than
    decoding them.  ``refused_from(pos)``: where the first stretch at or after ``pos`` that the caller
    refuses begins (a token prefix), or the text's length.  A cell with a ``\\u`` escape is not taken
    when the text may write a letter, digit, ``_``, ``-`` or ``.`` as one (``escapes``; False when the
    caller knows it writes every one out: then its cells are not searched, and any escape in them stands
    for another character), so that every run of such characters in a cell taken whole is written out as
    its value reads (``read.notebook`` relies on it).  ``cells``: the indexes of the cells taken whole."""

    def __init__(self, refused_from: Callable[[int], int], escapes: bool = True) -> None:
        self.refused_from = refused_from
        self.escapes = escapes
        self.cells: set[int] = set()
        self.arrays = 0  # the ``cells`` arrays read: JSON keeps the last of a repeated key

    def __bool__(self) -> bool:  # a lazy read, as ``lazy=True``
        return True


Lazy = Union[bool, WholeCells]

# A regex, not ``str.find``: ``re`` searches for a literal faster in text that is not all Latin-1.
UNICODE_ESCAPE = regexes.compile(r"\\u")
_WS_RE = regexes.compile(r"[ \t\n\r]*")
_NUMBER_RE = regexes.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_CONSTANTS = {"true": True, "false": False, "null": None, "NaN": float("nan")}
_ESCAPE_LENGTH = {"u": 6}


class JsonSpanError(ValueError):
    """Invalid JSON, with the position of the problem."""

    def __init__(self, message: str, raw: str, pos: int) -> None:
        self.pos = pos
        self.lineno = raw.count("\n", 0, pos) + 1
        self.colno = pos - raw.rfind("\n", 0, pos)
        super().__init__(f"{message}: line {self.lineno} column {self.colno} (char {pos})")


def parse_with_spans(raw: str, lazy: Lazy = False) -> tuple[Any, Spans]:
    """The value of ``raw`` and, for every value in it, its ``(start, end)`` offsets in ``raw``; inside a
    ``metadata`` object, and inside an object that is a member of a ``data`` object (an output's MIME
    bundle: a widget view, Colab's JSON), only the object's own (see ``_opaque``).

    ``lazy``: a list of strings (a notebook's lines of source and output, most of its values) gets only
    its own span, the C decoder reading it whole; ``item_spans`` adds its items' when they are needed.
    ``WholeCells``: lazy, and the cells it takes have only their own span (``read_cell`` adds the rest)."""
    spans: Spans = {}
    try:
        value, end = _value(raw, _skip(raw, 0), (), spans, lazy)
    except RecursionError:
        raise JsonSpanError("JSON nested too deeply", raw, 0) from None
    end = _skip(raw, end)
    if end != len(raw):
        raise JsonSpanError("Extra data", raw, end)
    return value, spans


def _skip(raw: str, pos: int) -> int:
    if pos < len(raw) and raw[pos] not in " \t\n\r":
        return pos
    match = _WS_RE.match(raw, pos)
    return match.end() if match else pos


# What follows an item of an array: the delimiter and the white space around it, in one
# match (a notebook is mostly short strings in lists: per-value work is what reading it costs).
_AFTER_ITEM_RE = regexes.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
_COLON_RE = regexes.compile(r"[ \t\n\r]*:[ \t\n\r]*")
# A key with no escape or control character in it, and the colon after it.
_KEY_RE = regexes.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
# What follows a member: the closing brace, or the comma and, when it has no escape or control character,
# the next key and its colon (a key that has one is left to ``scanstring``): one match.
_NEXT_MEMBER_RE = regexes.compile(
    r'[ \t\n\r]*(?:(\})|,[ \t\n\r]*(?:"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*)?)'
)


def _only_nan(name: str) -> float:
    if name != "NaN":  # this reader accepts NaN, as json.loads does, but not Infinity
        raise ValueError(name)
    return float("nan")


_C_DECODER = json.JSONDecoder(parse_constant=_only_nan)


def _opaque(raw: str, pos: int) -> Optional[tuple[Any, int]]:
    """A metadata object, or an object of a MIME bundle, by the C decoder, without the positions inside it:
    nothing asks for them (a finding in one is placed from the object's own start: ``read.notebook``
    reads each as a stretch of the file), and widget state and views make them most of a notebook's
    values.  None when the C decoder refuses it: the reader here then finds the error."""
    try:
        value, end = _C_DECODER.raw_decode(raw, pos)
    except (ValueError, RecursionError):
        return None
    return value, end


# An object of a MIME bundle is read by the C decoder when it holds at most this many brackets (a widget view
# holds one), so that it nests at most as deep, and the stack has room for the reader here to nest as deep
# (``_has_room``): the reader would then have read it too, where it refuses JSON nested past the recursion
# limit.
_SHALLOW = 64


def _has_room(levels: int) -> bool:
    """Whether the stack has room for the reader here to read JSON nested ``levels`` deep from here: two
    calls a level, and as many again and 64 frames to spare (a later ``read_cell`` runs a few frames
    deeper)."""
    try:
        sys._getframe(max(0, sys.getrecursionlimit() - 4 * levels - 4 * _SHALLOW - 64))
    except ValueError:  # fewer frames than that on the stack: room enough
        return True
    return False


def _opaque_shallow(raw: str, pos: int, path: JsonPath) -> Optional[tuple[Any, int]]:
    """``_opaque`` of an object of a MIME bundle (a member of a ``data`` object) that the reader here would
    read as well (``_SHALLOW``); None for any other (the reader here reads it, or refuses it as nested too
    deeply, as it always has)."""
    if path[-1:] != ("data",):
        return None
    whole = _opaque(raw, pos)
    if whole is None or _brackets(raw, pos, whole[1]) > _SHALLOW:
        return None
    return whole if _has_room(0) else None


def _whole_cell(raw: str, pos: int, whole: WholeCells) -> Optional[tuple[Any, int]]:
    """The cell at ``pos`` by the C decoder, when ``whole`` takes its stretch, allows its escapes, and the
    reader here would have read it too, now and when ``read_cell`` reads it later (``_has_room`` for its
    nesting); else None: the reader here reads it."""
    refused = whole.refused_from(pos)
    if refused < len(raw) and _runs_past(raw, pos, refused):
        return None  # not decoded for nothing: it will not be taken
    decoded = _opaque(raw, pos)
    if decoded is None or refused < decoded[1]:
        return None
    if whole.escapes and UNICODE_ESCAPE.search(raw, pos, decoded[1]) is not None:
        return None
    # No deeper than it has brackets: counted in C, that settles most cells without measuring them.
    return decoded if _has_room(_brackets(raw, pos, decoded[1])) or _has_room(_depth(decoded[0])) else None


def _brackets(raw: str, start: int, end: int) -> int:
    """The opening brackets in ``raw[start:end]``: at least as many as its JSON nests deep."""
    return raw.count("{", start, end) + raw.count("[", start, end)


# The end of an item of the ``cells`` array as Jupyter lays a notebook out: a line of its own, indented
# by two spaces, as the item's opening bracket is.  A line break is never inside a JSON string.
_LAID_OUT_CELL_END = regexes.compile(r"\n  \}")


def _runs_past(raw: str, pos: int, limit: int) -> bool:
    """Whether the cell at ``pos`` runs on past ``limit``, as far as its layout tells (a guess, False when
    the cell is not laid out as Jupyter saves it).  A wrong guess costs time, never a result: a cell is
    then read with positions, or decoded and measured."""
    laid_out = pos >= 3 and raw.startswith("\n  {", pos - 3)
    return laid_out and _LAID_OUT_CELL_END.search(raw, pos, limit) is None


def _depth(value: Any) -> int:
    """How deep objects and arrays nest in ``value`` (a string or number: 0): a level at a time, the
    containers that hold none passed over in C."""
    depth = 0
    level = [value] if type(value) in _CONTAINERS else []
    while level:
        depth += 1
        below: list[Any] = []
        for item in level:
            children = item.values() if type(item) is dict else item
            if not _CONTAINERS.isdisjoint(map(type, children)):
                below.extend(child for child in children if type(child) in _CONTAINERS)
        level = below
    return depth


_CONTAINERS = frozenset({dict, list})


def read_cell(raw: str, spans: Spans, index: int) -> None:
    """Add the spans inside cell ``index``, which a ``WholeCells`` read took whole, as a lazy read has."""
    path: JsonPath = ("cells", index)
    _value(raw, spans[path][0], path, spans, True)


def _string(raw: str, pos: int) -> tuple[str, int]:
    try:
        value: str
        value, end = scanstring(raw, pos + 1, True)
    except json.JSONDecodeError as exc:
        raise JsonSpanError(exc.msg, raw, exc.pos) from None
    return value, end


def _value(raw: str, pos: int, path: JsonPath, spans: Spans, lazy: Lazy = False) -> tuple[Any, int]:
    if pos >= len(raw):
        raise JsonSpanError("Expecting value", raw, pos)
    char = raw[pos]
    value: Any
    if char == '"':
        value, end = _string(raw, pos)
    elif char == "{":
        value, end = _object(raw, pos, path, spans, lazy)
    elif char == "[":
        value, end = _array(raw, pos, path, spans, lazy)
    else:
        match = _NUMBER_RE.match(raw, pos)
        if match and match.end() > pos:
            text = match.group()
            try:
                value = float(text) if any(c in text for c in ".eE") else int(text)
            except ValueError:  # more digits than Python turns into an int (as json.loads refuses it)
                raise JsonSpanError("Number too long to read", raw, pos) from None
            end = match.end()
        else:
            for word, constant in _CONSTANTS.items():
                if raw.startswith(word, pos):
                    value, end = constant, pos + len(word)
                    break
            else:
                raise JsonSpanError("Expecting value", raw, pos)
    spans[path] = (pos, end)
    return value, end


def _object(raw: str, pos: int, path: JsonPath, spans: Spans, lazy: Lazy) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    pos = _skip(raw, pos + 1)
    if raw.startswith("}", pos):
        return result, pos + 1
    first = _KEY_RE.match(raw, pos)  # a key without escapes and its colon: one match
    key: Optional[str] = None
    if first is not None:
        key, pos = first.group(1), first.end()
    while True:
        if key is None:
            if not raw.startswith('"', pos):
                raise JsonSpanError("Expecting property name enclosed in double quotes", raw, pos)
            key, pos = _string(raw, pos)
            colon = _COLON_RE.match(raw, pos)
            if colon is None:
                raise JsonSpanError("Expecting ':' delimiter", raw, _skip(raw, pos))
            pos = colon.end()
        char = raw[pos : pos + 1]
        if char == '"':  # most values are strings: no call through _value
            try:
                value, end = scanstring(raw, pos + 1, True)
            except json.JSONDecodeError as exc:
                raise JsonSpanError(exc.msg, raw, exc.pos) from None
            spans[(*path, key)] = (pos, end)
        elif (
            char == "{"
            and (whole := _opaque(raw, pos) if key == "metadata" else _opaque_shallow(raw, pos, path))
            is not None
        ):
            value, end = whole
            spans[(*path, key)] = (pos, end)
        else:  # through ``_value``: two calls a level, the depth the reader refuses (``parse_with_spans``)
            value, end = _value(raw, pos, (*path, key), spans, lazy)
        result[key] = value
        after = _NEXT_MEMBER_RE.match(raw, end)  # the delimiter, and the next key when it has no escapes
        if after is None:
            raise JsonSpanError("Expecting ',' delimiter", raw, _skip(raw, end))
        if after.group(1) is not None:
            return result, after.end()
        key, pos = after.group(2), after.end()


def _array(raw: str, pos: int, path: JsonPath, spans: Spans, lazy: Lazy) -> tuple[list[Any], int]:
    result: list[Any] = []
    start = pos
    if isinstance(lazy, WholeCells) and path == ("cells",):
        lazy.arrays += 1
    pos = _skip(raw, pos + 1)
    if raw.startswith("]", pos):
        return result, pos + 1
    if lazy and raw.startswith('"', pos) and (strings := _string_list(raw, start)) is not None:
        return strings
    item: Any
    while True:
        char = raw[pos : pos + 1]
        if char == '"':  # a notebook's lists are mostly lines of text
            item, end = _string(raw, pos)
            spans[(*path, len(result))] = (pos, end)
        elif (
            char == "{"
            and isinstance(lazy, WholeCells)
            and path == ("cells",)
            and (whole := _whole_cell(raw, pos, lazy)) is not None
        ):
            item, end = whole
            spans[(*path, len(result))] = (pos, end)
            lazy.cells.add(len(result))
        else:  # through ``_value``, as an object's members are
            item, end = _value(raw, pos, (*path, len(result)), spans, lazy)
        result.append(item)
        after = _AFTER_ITEM_RE.match(raw, end)
        if after is None:
            raise JsonSpanError("Expecting ',' delimiter", raw, _skip(raw, end))
        if after.group(1) == "]":
            return result, after.start(1) + 1
        pos = after.end()


def _string_list(raw: str, pos: int) -> Optional[tuple[list[Any], int]]:
    """The list at ``pos`` by the C decoder when it holds only strings, else None (the reader here then
    reads it, and finds any error in it)."""
    try:
        value, end = _C_DECODER.raw_decode(raw, pos)
    except (ValueError, RecursionError):
        return None
    if not set(map(type, value)) <= {str}:  # every item a string, checked in C
        return None
    return value, end


def has_item_spans(spans: Spans, path: JsonPath) -> bool:
    """Whether the items of the list at ``path`` have spans.  Item spans before the list's own start are
    those of a former value of a repeated key (JSON keeps the last one), not this list's."""
    first = spans.get((*path, 0))
    return first is not None and path in spans and first[0] > spans[path][0]


def item_spans(raw: str, spans: Spans, path: JsonPath) -> None:
    """Add the spans of the items of the list at ``path`` that a lazy ``parse_with_spans`` left out."""
    if path in spans and not has_item_spans(spans, path) and raw.startswith("[", spans[path][0]):
        _array(raw, spans[path][0], path, spans, False)


def raw_offset_in_string(raw: str, quote: int, chars: int) -> int:
    """Offset in ``raw`` of decoded character ``chars`` of the JSON string whose quote is at ``quote``."""
    pos = quote + 1
    seen = 0
    while seen < chars:
        if raw[pos] == "\\":
            if raw[pos + 1] == "u":
                code = int(raw[pos + 2 : pos + 6], 16)
                pos += 6
                if 0xD800 <= code < 0xDC00 and raw.startswith("\\u", pos):
                    pos += 6  # a surrogate pair is one Python character
            else:
                pos += 2
        else:
            pos += 1
        seen += 1
    return pos
