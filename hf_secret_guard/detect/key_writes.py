"""Key slots and environment writes turned into leaks, whichever parser found them.

``detect.python`` finds slots and writes with libcst; ``detect.python_ast`` finds the same ones with
CPython's ``ast`` for code whose only possible findings are literals in those places.  Both hand them to
``slot_leaks`` and ``env_write_leaks`` here, so a finding cannot depend on which parser found it.  Nothing
here imports libcst: a scan that never needs it never loads it.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple, Optional

from hf_secret_guard.model import Leak
from hf_secret_guard.read.lines import LineIndex
from hf_secret_guard.tokens import find_tokens
from hf_secret_guard.tokens.env_names import is_placeholder, is_secret_name, is_secret_value
from hf_secret_guard.tokens.slots import attribute, looks_real, strip_scheme, url_parameter_leaks

AliasNames = tuple[frozenset[str], frozenset[str], frozenset[str]]  # modules, environs, putenvs


class EnvironAliases:
    """Names through which code reaches ``os.environ`` and ``os.putenv``.  Notebook cells share one.

    A plain class, not a dataclass: ``dataclasses`` (with ``inspect`` and ``copy``) would be imported
    by every process that reads a file with a possible finding."""

    __slots__ = ("environs", "modules", "putenvs")
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __init__(
        self,
        modules: Optional[set[str]] = None,
        environs: Optional[set[str]] = None,
        putenvs: Optional[set[str]] = None,
    ) -> None:
        self.modules: set[str] = {"os"} if modules is None else modules
        self.environs: set[str] = {"environ", "environb"} if environs is None else environs
        self.putenvs: set[str] = set() if putenvs is None else putenvs

    def __repr__(self) -> str:
        return (
            f"EnvironAliases(modules={self.modules!r}, environs={self.environs!r}, putenvs={self.putenvs!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EnvironAliases):
            return NotImplemented
        return (self.modules, self.environs, self.putenvs) == (other.modules, other.environs, other.putenvs)

    def names(self) -> AliasNames:
        """The names as they stand, as a value: a key for results that depend on them."""
        return frozenset(self.modules), frozenset(self.environs), frozenset(self.putenvs)

    def restore(self, names: AliasNames) -> None:
        """Back to names taken with ``names()`` (after code that bound them was skipped)."""
        self.modules, self.environs, self.putenvs = set(names[0]), set(names[1]), set(names[2])

    def bound(self) -> set[str]:
        """The names to look for in later code: all of them but ``os`` and ``environ``, which the screens
        look for anyway."""
        return (self.modules - {"os"}) | (self.environs - {"environ"}) | self.putenvs


class Slot(NamedTuple):
    """A value that stands where a key goes: ``api_key=...``, ``{"Authorization": ...}``, ``token = ...``."""

    name: str
    callee: Optional[str]
    value: object  # the parser's node


class EnvWrite(NamedTuple):
    target: str  # dotted name of what is written to: "os.environ", "env", "os.putenv"
    method: str  # "item", "setdefault", "update", "putenv"
    key: Optional[str]
    value: object  # the parser's node


def is_environ(target: str, method: str, aliases: EnvironAliases) -> bool:
    if method == "putenv":
        module, _, name = target.rpartition(".")
        return (name == "putenv" and module in aliases.modules) or target in aliases.putenvs
    if target in aliases.environs:
        return True
    module, _, name = target.rpartition(".")
    return name in ("environ", "environb") and module in aliases.modules


class Piece(NamedTuple):
    raw_start: int
    raw: str
    value_start: int
    value: str


class StringLayout:
    """Maps offsets in a string expression's value back to offsets in the source."""

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.pieces = pieces
        self.value = "".join(p.value for p in pieces)
        self._cursor = [0] * len(pieces)

    def _piece_at(self, offset: int) -> int:
        for index, piece in enumerate(self.pieces):
            if piece.value_start <= offset < piece.value_start + len(piece.value):
                return index
        return len(self.pieces) - 1

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        first, last = self._piece_at(start), self._piece_at(end - 1)
        head = self.pieces[first]
        segment = self.value[start : min(end, head.value_start + len(head.value))]
        found = head.raw.find(segment, self._cursor[first])
        source_start = head.raw_start + (found if found >= 0 else 0)
        if found >= 0:
            self._cursor[first] = found + len(segment)
        tail = self.pieces[last]
        segment = self.value[max(start, tail.value_start) : end]
        found = tail.raw.find(segment, max(0, found) if first == last else 0)
        source_end = tail.raw_start + (found + len(segment) if found >= 0 else len(tail.raw))
        return source_start, max(source_end, source_start + 1)

    @property
    def whole(self) -> tuple[int, int]:
        return self.pieces[0].raw_start, self.pieces[-1].raw_start + len(self.pieces[-1].raw)


Layout = Callable[[object], Optional[StringLayout]]


def env_write_leaks(
    writes: Sequence[EnvWrite],
    aliases: EnvironAliases,
    layout: Layout,
    is_literal: Callable[[object], bool],
    consumed: set[int],
    extra_secret_names: Sequence[str],
) -> list[Leak]:
    """A token written into the environment (HFG002), or a literal under a secret name: a key (HFG002)
    or a placeholder (HFG005).  Each written value counts once (``a[K1] = a[K2] = "..."``)."""
    leaks: list[Leak] = []
    for write in writes:
        if not is_environ(write.target, write.method, aliases):
            continue
        strings = layout(write.value)
        if strings is None or id(write.value) in consumed:
            continue
        consumed.add(id(write.value))
        tokens = list(find_tokens(strings.value))
        for match in tokens:
            start, end = strings.source_range(match.start, match.end)
            leaks.append(
                Leak("HFG002", start, end, match.value, match.confidence, "environ", True, write.key)
            )
        if (
            not tokens
            and is_literal(write.value)
            and write.key is not None
            and is_secret_name(write.key, extra_secret_names)
            and is_secret_value(strings.value)
        ):
            start, end = strings.whole
            rule = "HFG005" if is_placeholder(strings.value) else "HFG002"
            leaks.append(Leak(rule, start, end, strings.value, "high", "environ", True, write.key))
    return leaks


def slot_leaks(
    slots: Sequence[Slot], layout: Layout, is_literal: Callable[[object], bool], consumed: set[int]
) -> list[Leak]:
    """A plain literal in a key slot: a key when it looks real (HFG001), a placeholder when it is one
    (HFG005).  A value with a key format of its own is left to the string scan, which names it."""
    leaks: list[Leak] = []
    for slot in slots:
        if not is_literal(slot.value) or id(slot.value) in consumed:
            continue
        strings = layout(slot.value)
        if strings is None:
            continue
        verdict = _slot_verdict(strings.value, slot.name, slot.callee)
        if verdict is None:
            continue
        rule, offset, value, secret_name, label = verdict
        if rule == "HFG005":
            start, end = strings.whole
            leaks.append(Leak("HFG005", start, end, strings.value, "high", "string", True, secret_name))
        else:
            start, end = strings.source_range(offset, offset + len(value))
            leaks.append(Leak("HFG001", start, end, value, "medium", "string", True, secret_name, "", label))
        consumed.add(id(slot.value))
    return leaks


@lru_cache(maxsize=4096)
def _slot_verdict(literal: str, name: str, callee: Optional[str]) -> Optional[tuple[str, int, str, str, str]]:
    """What ``literal`` in the slot ``name`` (of a call to ``callee``) is: (rule, where the key starts in
    it, the key, the secret's name, the label), or None.  Template code puts the same placeholder in the
    same slots over and over."""
    if any(True for _ in find_tokens(literal)):
        return None
    offset, value = strip_scheme(literal)
    if is_placeholder(value) and value.upper() != name.upper():  # TOKEN_CLS = "TOKEN_CLS": an enum
        return "HFG005", offset, value, attribute(value, name, callee).secret_name, ""
    if looks_real(value):
        who = attribute(value, name, callee)
        return "HFG001", offset, value, who.secret_name, who.label
    return None


def string_leaks(strings: StringLayout, site: str) -> list[Leak]:
    """The tokens (HFG001) in a string expression that no slot or write took, and the credential URL
    parameters (``"https://...?api_key=<key>"``) outside them; ``site``: "docstring" or "string"."""
    leaks: list[Leak] = []
    found = list(find_tokens(strings.value))
    for match in found:
        start, end = strings.source_range(match.start, match.end)
        leaks.append(Leak("HFG001", start, end, match.value, match.confidence, site, True))
    taken = [(match.start, match.end) for match in found]
    for leak in url_parameter_leaks(strings.value, site, taken):
        start, end = strings.source_range(leak.start, leak.end)
        leaks.append(leak._replace(start=start, end=end))
    return leaks


def comment_leaks(base: int, raw: str) -> list[Leak]:
    """The tokens (HFG001) in a comment whose text ``raw`` starts at ``base``."""
    return [
        Leak("HFG001", base + match.start, base + match.end, match.value, match.confidence, "comment", True)
        for match in find_tokens(raw)
    ]


MATCH_PATTERN = "a match pattern compares with the literal; a call cannot stand there"


def in_match_patterns(
    text: str, leaks: list[Leak], trees: Optional[Sequence[tuple[ast.Module, int]]] = None
) -> list[Leak]:
    """A literal in a ``case`` pattern cannot become a call: such a leak is reported not fixable, so the
    scan says exactly what ``--fix`` will do.  ``trees``: ``text`` already parsed by ``ast``, whole or in
    parts, each with the number of lines before it."""
    if not any(leak.fixable for leak in leaks):
        return leaks
    if trees is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                trees = [(ast.parse(text), 0)]
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return leaks
    lines: Optional[LineIndex] = None
    spans: list[tuple[int, int]] = []
    for tree, line_offset in trees:
        for case in _match_cases(tree.body):
            lines = lines or LineIndex(text)
            pattern = case.pattern
            first = pattern.lineno + line_offset
            last = (pattern.end_lineno or pattern.lineno) + line_offset
            start = ast_offset(text, lines, first, pattern.col_offset)
            end = ast_offset(text, lines, last, pattern.end_col_offset or 0)
            spans.append((start, end))
    if not spans:
        return leaks
    return [
        leak._replace(fixable=False, reason=MATCH_PATTERN)
        if leak.fixable and any(a <= leak.start < b for a, b in spans)
        else leak
        for leak in leaks
    ]


def _match_cases(body: list[ast.stmt]) -> Iterator[ast.match_case]:
    """The cases of every ``match`` statement, found by walking statements only: a statement sits only
    in another's body (``body``, ``orelse``, ``finalbody``, a handler's, a case's), never in an
    expression, so the expressions, most of a tree, are not visited."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Match):
            yield from node.cases
        blocks: list[list[ast.stmt]] = []
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                blocks.append(block)
        for holder in [*getattr(node, "handlers", ()), *getattr(node, "cases", ())]:
            blocks.append(holder.body)
        for block in reversed(blocks):
            stack.extend(reversed(block))


def ast_offset(text: str, lines: LineIndex, line: int, utf8_column: int) -> int:
    """A character offset from ``ast``'s line and UTF-8 byte column."""
    start = lines.offset(line)
    head = text[start : start + utf8_column]  # a character takes one byte or more: these hold the column
    if head.isascii():
        return start + utf8_column
    return start + len(head.encode("utf-8")[:utf8_column].decode("utf-8", "ignore"))
