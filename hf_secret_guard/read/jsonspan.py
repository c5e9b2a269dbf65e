"""A JSON reader that remembers where every value sits in the raw text.

``json.loads`` gives values but no positions.  Positions let a finding in a notebook point at its real line
in the ``.ipynb`` file, and let ``--fix`` replace one value in place so every other byte stays as it was.
Strings are decoded by the C ``scanstring`` that ``json`` itself uses, so large base64 outputs are cheap.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, Union

JsonPath = tuple[Union[str, int], ...]
Spans = dict[JsonPath, tuple[int, int]]

_WS_RE = re.compile(r"[ \t\n\r]*")
_NUMBER_RE = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_CONSTANTS = {"true": True, "false": False, "null": None, "NaN": float("nan")}
_ESCAPE_LENGTH = {"u": 6}


class JsonSpanError(ValueError):
    """Invalid JSON, with the position of the problem."""

    def __init__(self, message: str, raw: str, pos: int) -> None:
        self.pos = pos
        self.lineno = raw.count("\n", 0, pos) + 1
        self.colno = pos - raw.rfind("\n", 0, pos)
        super().__init__(f"{message}: line {self.lineno} column {self.colno} (char {pos})")


def parse_with_spans(raw: str) -> tuple[Any, Spans]:
    """The value of ``raw`` and, for every value in it, its ``(start, end)`` offsets in ``raw``."""
    spans: Spans = {}
    try:
        value, end = _value(raw, _skip(raw, 0), (), spans)
    except RecursionError:
        raise JsonSpanError("JSON nested too deeply", raw, 0) from None
    end = _skip(raw, end)
    if end != len(raw):
        raise JsonSpanError("Extra data", raw, end)
    return value, spans


def _skip(raw: str, pos: int) -> int:
    match = _WS_RE.match(raw, pos)
    return match.end() if match else pos


def _value(raw: str, pos: int, path: JsonPath, spans: Spans) -> tuple[Any, int]:
    if pos >= len(raw):
        raise JsonSpanError("Expecting value", raw, pos)
    char = raw[pos]
    value: Any
    if char == '"':
        try:
            value, end = scanstring(raw, pos + 1, True)
        except json.JSONDecodeError as exc:
            raise JsonSpanError(exc.msg, raw, exc.pos) from None
    elif char == "{":
        value, end = _object(raw, pos, path, spans)
    elif char == "[":
        value, end = _array(raw, pos, path, spans)
    else:
        match = _NUMBER_RE.match(raw, pos)
        if match and match.end() > pos:
            text = match.group()
            value = float(text) if any(c in text for c in ".eE") else int(text)
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


def _object(raw: str, pos: int, path: JsonPath, spans: Spans) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    pos = _skip(raw, pos + 1)
    if raw.startswith("}", pos):
        return result, pos + 1
    while True:
        if not raw.startswith('"', pos):
            raise JsonSpanError("Expecting property name enclosed in double quotes", raw, pos)
        try:
            key, pos = scanstring(raw, pos + 1, True)
        except json.JSONDecodeError as exc:
            raise JsonSpanError(exc.msg, raw, exc.pos) from None
        pos = _skip(raw, pos)
        if not raw.startswith(":", pos):
            raise JsonSpanError("Expecting ':' delimiter", raw, pos)
        result[key], pos = _value(raw, _skip(raw, pos + 1), (*path, key), spans)
        pos = _skip(raw, pos)
        if raw.startswith("}", pos):
            return result, pos + 1
        if not raw.startswith(",", pos):
            raise JsonSpanError("Expecting ',' delimiter", raw, pos)
        pos = _skip(raw, pos + 1)


def _array(raw: str, pos: int, path: JsonPath, spans: Spans) -> tuple[list[Any], int]:
    result: list[Any] = []
    pos = _skip(raw, pos + 1)
    if raw.startswith("]", pos):
        return result, pos + 1
    while True:
        item, pos = _value(raw, pos, (*path, len(result)), spans)
        result.append(item)
        pos = _skip(raw, pos)
        if raw.startswith("]", pos):
            return result, pos + 1
        if not raw.startswith(",", pos):
            raise JsonSpanError("Expecting ',' delimiter", raw, pos)
        pos = _skip(raw, pos + 1)


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
