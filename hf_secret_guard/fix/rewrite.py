"""Rewrite one string expression so that each token in it is read at run time instead.

- The whole value is the token: the expression becomes the call, ``userdata.get("HF_TOKEN")``
  (``.encode()`` for bytes); implicitly concatenated pieces are replaced as one.
- The token is part of a larger ``str``: the piece holding it becomes an f-string with the call as a
  placeholder, its other text kept as written (braces doubled), so ``%`` and ``.format`` templates, URLs
  and f-string placeholders keep working.  The call uses the other quote character, which every Python
  from 3.6 accepts inside an f-string.
- Part of a larger ``bytes``: a parenthesised concatenation, ``(b"Bearer " + userdata.get(...).encode())``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple, Optional

from hf_secret_guard import regexes
from hf_secret_guard.fix.literals import Piece, StringExpr
from hf_secret_guard.model import Edit

CallText = Callable[[str, str], str]  # (secret name, quote character) -> the expression that reads it

_ESCAPE_RE = regexes.compile(r"\\N\{[^}]*\}|\\.", re.DOTALL)


class Target(NamedTuple):
    """``value[start:end]`` of a string expression is a secret that ``name`` will hold."""

    start: int
    end: int
    name: str


class _Cut(NamedTuple):
    start: int  # in the piece's value
    end: int
    name: Optional[str]  # the call goes here; None: the characters just go (the rest of a split token)


def _double_braces(segment: str, raw_string: bool) -> str:
    """Literal text moved into an f-string: ``{`` and ``}`` doubled, but not inside ``\\N{...}``."""
    if raw_string:
        return segment.replace("{", "{{").replace("}", "}}")
    out: list[str] = []
    position = 0
    for match in _ESCAPE_RE.finditer(segment):
        out.append(segment[position : match.start()].replace("{", "{{").replace("}", "}}"))
        out.append(match.group())
        position = match.end()
    out.append(segment[position:].replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def _raw_range(piece: Piece, start: int, end: int) -> Optional[tuple[int, int]]:
    """Where ``piece.value[start:end]`` is written in ``piece.raw``; None when escapes make it unclear."""
    segment = piece.value[start:end]
    if piece.is_fstring:
        for run in piece.runs:
            if run.value_start <= start and end <= run.value_start + len(run.text):
                offset = run.raw_start + start - run.value_start
                return (
                    (offset, offset + len(segment))
                    if piece.raw[offset : offset + len(segment)] == segment
                    else None
                )
        return None
    body = piece.body
    if not segment or body.count(segment) != piece.value.count(segment):
        return None
    nth = piece.value.count(segment, 0, start)
    found = -1
    for _ in range(nth + 1):
        found = body.find(segment, found + 1)
    return piece.body_start + found, piece.body_start + found + len(segment)


def _cuts(expression: StringExpr, targets: Sequence[Target]) -> Optional[dict[int, list[_Cut]]]:
    """Split each target over the pieces it spans; the call goes where the target starts."""
    cuts: dict[int, list[_Cut]] = {}
    position = 0
    bounds = []
    for piece in expression.pieces:
        bounds.append((position, position + len(piece.value)))
        position += len(piece.value)
    for target in targets:
        first = True
        for index, (low, high) in enumerate(bounds):
            start, end = max(target.start, low), min(target.end, high)
            if start >= end:
                continue
            cuts.setdefault(index, []).append(_Cut(start - low, end - low, target.name if first else None))
            first = False
        if first:
            return None
    return cuts


def _inner_quote(piece: Piece) -> str:
    return "'" if piece.quote.startswith('"') else '"'


def _str_piece(piece: Piece, cuts: Sequence[_Cut], call: CallText) -> Optional[str]:
    """The piece as an f-string with the calls in it; "" when nothing of it is left."""
    ranges = []
    for cut in cuts:
        found = _raw_range(piece, cut.start, cut.end)
        if found is None:
            return None
        ranges.append((found, cut.name))
    if all(name is None for _, name in ranges) and sum(c.end - c.start for c in cuts) == len(piece.value):
        return ""
    quote = _inner_quote(piece)
    out: list[str] = []
    position = piece.body_start
    for (start, end), name in sorted(ranges):
        literal = piece.raw[position:start]
        out.append(literal if piece.is_fstring else _double_braces(literal, piece.is_raw))
        if name is not None:
            out.append("{" + call(name, quote) + "}")
        position = end
    tail = piece.raw[position : len(piece.raw) - len(piece.quote)]
    out.append(tail if piece.is_fstring else _double_braces(tail, piece.is_raw))
    prefix = piece.prefix if piece.is_fstring else "".join(c for c in piece.prefix if c in "rR") + "f"
    return prefix + piece.quote + "".join(out) + piece.quote


def _str_edits(
    text: str, expression: StringExpr, cuts: dict[int, list[_Cut]], call: CallText
) -> Optional[list[Edit]]:
    edits: list[Edit] = []
    pieces = expression.pieces
    for index, piece in enumerate(pieces):
        if index not in cuts:
            continue
        new = _str_piece(piece, cuts[index], call)
        if new is None:
            return None
        if new:
            edits.append(Edit(piece.start, piece.end, new))
            continue
        # Nothing left of this piece (the tail of a split token): drop it with the gap before it,
        # unless the gap holds a comment.
        if index > 0 and "#" not in text[pieces[index - 1].end : piece.start]:
            edits.append(Edit(pieces[index - 1].end, piece.end, ""))
        elif index == 0 and len(pieces) > 1 and "#" not in text[piece.end : pieces[1].start]:
            edits.append(Edit(piece.start, pieces[1].start, ""))
        else:
            edits.append(Edit(piece.start, piece.end, '""'))
    return edits


def _bytes_replacement(expression: StringExpr, cuts: dict[int, list[_Cut]], call: CallText) -> Optional[str]:
    terms: list[str] = []
    for index, piece in enumerate(expression.pieces):
        position = piece.body_start
        for cut in sorted(cuts.get(index, []), key=lambda c: c.start):
            found = _raw_range(piece, cut.start, cut.end)
            if found is None:
                return None
            if found[0] > position:
                terms.append(piece.prefix + piece.quote + piece.raw[position : found[0]] + piece.quote)
            if cut.name is not None:
                terms.append(call(cut.name, '"') + ".encode()")
            position = found[1]
        end = len(piece.raw) - len(piece.quote)
        if end > position:
            terms.append(piece.prefix + piece.quote + piece.raw[position:end] + piece.quote)
    return "(" + " + ".join(terms) + ")"


def _compiles(expression: str) -> bool:
    try:
        compile("(" + expression + "\n)", "<fix>", "eval", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def rewrite_string(
    text: str, expression: StringExpr, targets: Sequence[Target], call: CallText
) -> Optional[list[Edit]]:
    """Edits (offsets into ``text``) that replace the targets of ``expression``; None when it cannot."""
    if not targets:
        return []
    value = expression.value
    if len(targets) == 1 and targets[0].start == 0 and targets[0].end == len(value):
        replacement = call(targets[0].name, '"') + (".encode()" if expression.is_bytes else "")
        return [Edit(expression.start, expression.end, replacement)]
    cuts = _cuts(expression, targets)
    if cuts is None:
        return None
    if expression.is_bytes:
        bytes_replacement = _bytes_replacement(expression, cuts, call)
        if bytes_replacement is None or not _compiles(bytes_replacement):
            return None
        return [Edit(expression.start, expression.end, bytes_replacement)]
    edits = _str_edits(text, expression, cuts, call)
    if edits is None:
        return None
    source = text[expression.start : expression.end]
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        start, end = edit.start - expression.start, edit.end - expression.start
        source = source[:start] + edit.replacement + source[end:]
    return edits if _compiles(source) else None
