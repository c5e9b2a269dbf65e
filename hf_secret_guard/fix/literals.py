"""Where each string expression of a Python text sits, piece by piece, so a fix can rewrite one in place.

An expression is one literal or several implicitly concatenated ones (``"hf_abc" "def"`` is one value).
The leaves and their offsets come from ``read.literals``, as the detector's do, so a finding's offsets
are where the fix looks.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import NamedTuple, Optional

import libcst as cst

from hf_secret_guard.read.literals import (
    EXPRESSION_PLACEHOLDER,
    StringLeaf,
    StringLeaves,
    flatten_string,
    piece_value,
)
from hf_secret_guard.read.python_parse import ParseError


class TextRun(NamedTuple):
    """A run of an f-string's literal text: its value offset in the piece and its offset in ``raw``."""

    value_start: int
    raw_start: int
    text: str


class Piece(NamedTuple):
    """One literal of a string expression, as written in the source."""

    start: int  # offset of the prefix (or the opening quote) in the text
    raw: str  # the literal exactly as written, prefix and quotes included
    prefix: str  # as written: "", "r", "Rb", "f", ...
    quote: str  # ', ", ''' or """
    value: str  # its value; an f-string's expressions are one ``\0`` each
    runs: tuple[TextRun, ...] = ()  # f-strings only: the literal text between expressions

    @property
    def end(self) -> int:
        return self.start + len(self.raw)

    @property
    def body(self) -> str:
        """The raw text between the quotes."""
        return self.raw[len(self.prefix) + len(self.quote) : len(self.raw) - len(self.quote)]

    @property
    def body_start(self) -> int:
        return len(self.prefix) + len(self.quote)

    @property
    def is_bytes(self) -> bool:
        return "b" in self.prefix.lower()

    @property
    def is_raw(self) -> bool:
        return "r" in self.prefix.lower()

    @property
    def is_fstring(self) -> bool:
        return "f" in self.prefix.lower()

    def value_index(self, raw_index: int, segment: str) -> Optional[int]:
        """Where ``segment``, written at ``raw[raw_index:]``, is in the value; None when unclear."""
        if self.raw[raw_index : raw_index + len(segment)] != segment or not segment:
            return None
        if self.is_fstring:
            for run in self.runs:
                if run.raw_start <= raw_index and raw_index + len(segment) <= run.raw_start + len(run.text):
                    return run.value_start + raw_index - run.raw_start
            return None
        body_index = raw_index - self.body_start
        body = self.body
        if body_index < 0 or body_index + len(segment) > len(body):
            return None
        if body.count(segment) != self.value.count(segment):
            return None  # escapes write it differently: the n-th in the source is not the n-th in the value
        found = -1
        for _ in range(body.count(segment, 0, body_index) + 1):
            found = self.value.find(segment, found + 1)
        return found


class StringExpr(NamedTuple):
    """A whole string expression: its pieces in order; ``docstring`` when it is a statement of its own."""

    pieces: tuple[Piece, ...]
    docstring: bool
    in_pattern: bool = False  # a ``case`` pattern: a call there is a class pattern, never the value

    @property
    def start(self) -> int:
        return self.pieces[0].start

    @property
    def end(self) -> int:
        return self.pieces[-1].end

    @property
    def value(self) -> str:
        return "".join(piece.value for piece in self.pieces)

    @property
    def is_bytes(self) -> bool:
        return self.pieces[0].is_bytes

    def value_offset(self, offset: int, segment: str) -> Optional[int]:
        """Where ``segment``, written at ``offset`` of the source inside one piece, is in the whole value:
        also a token that is not a token once the pieces are joined (``"hf_..." "b"``)."""
        base = 0
        for piece in self.pieces:
            if piece.start <= offset and offset + len(segment) <= piece.end:
                found = piece.value_index(offset - piece.start, segment)
                return None if found is None else base + found
            base += len(piece.value)
        return None


class _Collector(StringLeaves):
    """The string and comment leaves (``StringLeaves``), and which strings are ``case`` patterns."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(module)
        self.patterns: set[int] = set()  # string nodes inside ``case`` patterns

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        marker = _StringIds()
        node.pattern.visit(marker)
        self.patterns |= marker.ids


class _StringIds(cst.CSTVisitor):
    def __init__(self) -> None:
        self.ids: set[int] = set()

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.ids.add(id(node))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.ids.add(id(node))

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.ids.add(id(node))


def _piece(module: cst.Module, node: StringLeaf, start: int, raw: str) -> Piece:
    if isinstance(node, cst.SimpleString):
        prefix = raw[: len(node.prefix)]
        return Piece(start, raw, prefix, node.quote, piece_value(node))
    prefix = node.start[: -len(node.quote)] if node.quote else node.start
    position = len(node.start)
    value: list[str] = []
    runs: list[TextRun] = []
    value_length = 0
    for part in node.parts:
        code = module.code_for_node(part)
        if isinstance(part, cst.FormattedStringText):
            runs.append(TextRun(value_length, position, part.value))
            value.append(part.value)
            value_length += len(part.value)
        else:
            value.append(EXPRESSION_PLACEHOLDER)
            value_length += 1
        position += len(code)
    return Piece(start, raw, prefix, node.quote, "".join(value), tuple(runs))


def string_expressions(module: cst.Module, text: str, offsets_of_interest: Sequence[int]) -> list[StringExpr]:
    """The outermost string expressions of ``module`` (parsed from ``text``) that cover one of
    ``offsets_of_interest``, in source order.  Only those are evaluated: a big file has thousands of
    strings, and evaluating a literal costs a ``compile``."""
    collector = _Collector(module)
    try:
        offsets, raw_of = collector.walk(text)
    except RecursionError:
        raise ParseError("too deeply nested") from None
    wanted = sorted(offsets_of_interest)
    expressions: list[StringExpr] = []
    for outer in collector.strings:
        leaves = flatten_string(outer)
        if not leaves or any(id(leaf) not in offsets for leaf in leaves):
            continue
        start, last = offsets[id(leaves[0])], leaves[-1]
        end = offsets[id(last)] + len(raw_of[id(last)])
        found = bisect.bisect_left(wanted, start)
        if found == len(wanted) or wanted[found] >= end:
            continue
        pieces = tuple(_piece(module, leaf, offsets[id(leaf)], raw_of[id(leaf)]) for leaf in leaves)
        is_statement = id(outer) in collector.statements
        expressions.append(StringExpr(pieces, is_statement, id(outer) in collector.patterns))
    return expressions


def containing(expressions: Sequence[StringExpr], offset: int) -> int:
    """Index of the expression whose source covers ``offset``, or -1."""
    for index, expression in enumerate(expressions):
        if expression.start <= offset < expression.end:
            return index
    return -1
