"""Leaks in Python code, found with libcst: tokens in literals and comments (HFG001), literals written
into the process environment (HFG002).

Where each literal and comment sits in the text comes from ``read.literals``, which the fixer shares.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

import libcst as cst

from hf_secret_guard.model import Leak
from hf_secret_guard.read.lines import LineIndex
from hf_secret_guard.read.literals import StringLeaves, flatten_string, piece_value
from hf_secret_guard.read.python_parse import ParseError, parse_module
from hf_secret_guard.tokens import TOKEN_PREFIXES, find_tokens
from hf_secret_guard.tokens.env_names import is_placeholder, is_secret_name, is_secret_value
from hf_secret_guard.tokens.slots import (
    KAGGLE_JSON_SLOT,
    POSITIONAL_KEY_CALLS,
    attribute,
    is_slot_name,
    login_call,
    looks_real,
    strip_scheme,
)

_UNQUOTED = "an unquoted token is a name to Python: replace it by hand with the read from the secret store"


@dataclass
class EnvironAliases:
    """Names through which code reaches ``os.environ`` and ``os.putenv``.  Notebook cells share one."""

    modules: set[str] = field(default_factory=lambda: {"os"})
    environs: set[str] = field(default_factory=lambda: {"environ", "environb"})
    putenvs: set[str] = field(default_factory=set)


class _Slot(NamedTuple):
    """A value that stands where a key goes: ``api_key=...``, ``{"Authorization": ...}``, ``token = ...``."""

    name: str
    callee: Optional[str]
    value: cst.BaseExpression


class _EnvWrite(NamedTuple):
    target: str  # dotted name of what is written to: "os.environ", "env", "os.putenv"
    method: str  # "item", "setdefault", "update", "putenv"
    key: Optional[str]
    value: cst.BaseExpression


def _dotted(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _literal_text(node: cst.BaseExpression) -> Optional[str]:
    """The value of a plain string literal (not an f-string), or None."""
    if isinstance(node, cst.SimpleString):
        return piece_value(node)  # never raises: an escape libcst cannot evaluate reads as written
    if isinstance(node, cst.ConcatenatedString):
        left, right = _literal_text(node.left), _literal_text(node.right)
        return None if left is None or right is None else left + right
    return None


class _Collector(StringLeaves):
    """The string and comment leaves (``StringLeaves``), names that look like tokens, how the module
    reaches the environment, and every write to it."""

    def __init__(self, module: cst.Module, aliases: EnvironAliases) -> None:
        super().__init__(module)
        self.aliases = aliases
        self.env_writes: list[_EnvWrite] = []
        self.token_names: set[str] = set()
        self.slots: list[_Slot] = []

    def _slot_target(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        name: Optional[str] = None
        if isinstance(target, cst.Name):
            name = target.value
        elif isinstance(target, cst.Attribute):
            name = target.attr.value
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            if isinstance(index, cst.Index):
                name = _literal_text(index.value)
        if name and is_slot_name(name):
            self.slots.append(_Slot(name, None, value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._slot_target(node.target, node.value)

    def visit_Dict(self, node: cst.Dict) -> None:
        elements = [e for e in node.elements if isinstance(e, cst.DictElement)]
        keys = [_literal_text(element.key) for element in elements]
        kaggle_json = "username" in keys and "key" in keys  # {"username": ..., "key": ...}: kaggle.json
        for element, key in zip(elements, keys, strict=True):
            if key == "key" and kaggle_json:
                self.slots.append(_Slot(KAGGLE_JSON_SLOT, None, element.value))
            elif key and is_slot_name(key):
                self.slots.append(_Slot(key, None, element.value))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value.startswith(TOKEN_PREFIXES):
            self.token_names.add(node.value)

    # -- how the environment is reached
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if _dotted(alias.name) == "os":
                self.aliases.modules.add(_alias_name(alias) or "os")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is None or _dotted(node.module) != "os" or isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = _dotted(alias.name)
            bound = _alias_name(alias) or name
            if name in ("environ", "environb") and bound:
                self.aliases.environs.add(bound)
            elif name == "putenv" and bound:
                self.aliases.putenvs.add(bound)

    # -- writes
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            for element, value in _pairs(target.target, node.value):
                self._slot_target(element, value)
                if isinstance(element, cst.Subscript) and len(element.slice) == 1:
                    index = element.slice[0].slice
                    base = _dotted(element.value)
                    if base and isinstance(index, cst.Index):
                        key = _literal_text(index.value)
                        self.env_writes.append(_EnvWrite(base, "item", key, value))

    def visit_Call(self, node: cst.Call) -> None:
        func = _dotted(node.func)
        login = login_call(func)
        for arg in node.args:
            if arg.keyword is not None and is_slot_name(arg.keyword.value, login):
                self.slots.append(_Slot(arg.keyword.value, func, arg.value))
        if func is None:
            return
        if (func in POSITIONAL_KEY_CALLS or func.rsplit(".", 1)[-1] in POSITIONAL_KEY_CALLS) and node.args:
            first = node.args[0]
            if first.keyword is None and not first.star:
                self.slots.append(_Slot("key", func, first.value))
        owner, _, method = func.rpartition(".")
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if method in ("setdefault", "__setitem__", "putenv") and len(positional) >= 2:
            target = func if method == "putenv" else owner
            key = _literal_text(positional[0])
            self.env_writes.append(_EnvWrite(target, method, key, positional[1]))
        elif not owner and func in self.aliases.putenvs and len(positional) >= 2:
            self.env_writes.append(_EnvWrite(func, "putenv", _literal_text(positional[0]), positional[1]))
        elif method == "update":
            for key, value in _update_items(node):
                self.env_writes.append(_EnvWrite(owner, "update", key, value))


def _pairs(
    target: cst.BaseExpression, value: cst.BaseExpression
) -> Iterable[tuple[cst.BaseExpression, cst.BaseExpression]]:
    """``a, b = x, y`` pairs ``a`` with ``x``; any other assignment is one pair."""
    if (
        isinstance(target, (cst.Tuple, cst.List))
        and isinstance(value, (cst.Tuple, cst.List))
        and len(target.elements) == len(value.elements)
        and not any(isinstance(e, cst.StarredElement) for e in (*target.elements, *value.elements))
    ):
        for element, item in zip(target.elements, value.elements, strict=False):
            yield from _pairs(element.value, item.value)
    else:
        yield target, value


def _alias_name(alias: cst.ImportAlias) -> Optional[str]:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _update_items(node: cst.Call) -> Iterable[tuple[Optional[str], cst.BaseExpression]]:
    """``update({K: v})``, ``update(K=v)`` and ``update(dict(K=v))``."""
    for arg in node.args:
        if arg.keyword is not None:
            yield arg.keyword.value, arg.value
        elif isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                if isinstance(element, cst.DictElement):
                    yield _literal_text(element.key), element.value
        elif isinstance(arg.value, cst.Call) and _dotted(arg.value.func) == "dict":
            yield from _update_items(arg.value)


def _is_environ(target: str, method: str, aliases: EnvironAliases) -> bool:
    if method == "putenv":
        module, _, name = target.rpartition(".")
        return (name == "putenv" and module in aliases.modules) or target in aliases.putenvs
    if target in aliases.environs:
        return True
    module, _, name = target.rpartition(".")
    return name in ("environ", "environb") and module in aliases.modules


class _Piece(NamedTuple):
    raw_start: int
    raw: str
    value_start: int
    value: str


class _StringLayout:
    """Maps offsets in a string expression's value back to offsets in the source."""

    def __init__(self, pieces: Sequence[_Piece]) -> None:
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


def _outside_braces(raw: str, offset: int) -> bool:
    """Is ``raw[offset]`` in an f-string's literal text rather than in a ``{...}``?  (Always, for a
    plain string.)  ``{{`` and ``}}`` are escaped braces, not fields."""
    depth = 0
    index = 0
    while index < offset:
        pair = raw[index : index + 2]
        if depth == 0 and pair in ("{{", "}}"):
            index += 2
            continue
        if raw[index] == "{":
            depth += 1
        elif raw[index] == "}":
            depth = max(0, depth - 1)
        index += 1
    return depth == 0


def _slot_leaks(
    slots: Sequence[_Slot],
    layout: Callable[[cst.BaseExpression], Optional[_StringLayout]],
    consumed: set[int],
) -> list[Leak]:
    """A plain literal in a key slot: a key when it looks real (HFG001), a placeholder when it is one
    (HFG005).  A value with a key format of its own is left to the string scan, which names it."""
    leaks: list[Leak] = []
    for slot in slots:
        literal = isinstance(slot.value, (cst.SimpleString, cst.ConcatenatedString))
        if not literal or id(slot.value) in consumed:
            continue
        strings = layout(slot.value)
        if strings is None or any(True for _ in find_tokens(strings.value)):
            continue
        offset, value = strip_scheme(strings.value)
        if is_placeholder(value) and value.upper() != slot.name.upper():  # TOKEN_CLS = "TOKEN_CLS": an enum
            who = attribute(value, slot.name, slot.callee)
            start, end = strings.whole
            leaks.append(Leak("HFG005", start, end, strings.value, "high", "string", True, who.secret_name))
        elif looks_real(value):
            who = attribute(value, slot.name, slot.callee)
            start, end = strings.source_range(offset, offset + len(value))
            label = who.label
            leaks.append(
                Leak("HFG001", start, end, value, "medium", "string", True, who.secret_name, "", label)
            )
        else:
            continue
        consumed.add(id(slot.value))
    return leaks


def find_python_leaks(
    text: str,
    aliases: Optional[EnvironAliases] = None,
    extra_secret_names: Sequence[str] = (),
) -> list[Leak]:
    """Leaks in Python source ``text``; raises ``ParseError`` when it cannot be parsed."""
    module = parse_module(text)
    collector = _Collector(module, aliases if aliases is not None else EnvironAliases())
    try:
        offsets, raw_of = collector.walk(text)
    except RecursionError:
        raise ParseError("too deeply nested") from None

    def layout(node: cst.BaseExpression) -> Optional[_StringLayout]:
        pieces: list[_Piece] = []
        position = 0
        for leaf in flatten_string(node):
            if id(leaf) not in offsets:
                return None
            value = piece_value(leaf)
            pieces.append(_Piece(offsets[id(leaf)], raw_of[id(leaf)], position, value))
            position += len(value)
        return _StringLayout(pieces) if pieces else None

    leaks: list[Leak] = []
    consumed: set[int] = set()
    for write in collector.env_writes:
        if not _is_environ(write.target, write.method, collector.aliases):
            continue
        strings = layout(write.value)
        if strings is None or id(write.value) in consumed:  # `a[K1] = a[K2] = "..."`: one literal
            continue
        consumed.add(id(write.value))
        tokens = list(find_tokens(strings.value))
        for match in tokens:
            start, end = strings.source_range(match.start, match.end)
            leaks.append(
                Leak("HFG002", start, end, match.value, match.confidence, "environ", True, write.key)
            )
        literal = isinstance(write.value, (cst.SimpleString, cst.ConcatenatedString))
        if (
            not tokens
            and literal
            and write.key is not None
            and is_secret_name(write.key, extra_secret_names)
            and is_secret_value(strings.value)
        ):
            start, end = strings.whole
            rule = "HFG005" if is_placeholder(strings.value) else "HFG002"
            leaks.append(Leak(rule, start, end, strings.value, "high", "environ", True, write.key))

    leaks.extend(_slot_leaks(collector.slots, layout, consumed))

    for node in collector.strings:
        if id(node) in consumed:
            continue
        strings = layout(node)
        if strings is None:
            continue
        site = "docstring" if id(node) in collector.statements else "string"
        for match in find_tokens(strings.value):
            start, end = strings.source_range(match.start, match.end)
            leaks.append(Leak("HFG001", start, end, match.value, match.confidence, site, True))

    for leaf, raw in collector.leaves:
        if isinstance(leaf, cst.Comment) and id(leaf) in offsets:
            base = offsets[id(leaf)]
            for match in find_tokens(raw):
                leaks.append(
                    Leak(
                        "HFG001",
                        base + match.start,
                        base + match.end,
                        match.value,
                        match.confidence,
                        "comment",
                        True,
                    )
                )

    # Safety net: a token in the source that no literal or comment accounted for, and is not a name.
    covered = {(leak.start, leak.secret) for leak in leaks}
    covered_text = [(leak.start, leak.end) for leak in leaks]
    for match in find_tokens(text):
        if (match.start, match.value) in covered:
            continue
        if match.value in collector.token_names:  # ``login(hf_...)``: a NameError waiting, and a leak
            leaks.append(
                Leak(
                    "HFG001",
                    match.start,
                    match.end,
                    match.value,
                    match.confidence,
                    "name",
                    False,
                    None,
                    _UNQUOTED,
                )
            )
            continue
        if any(start <= match.start < end for start, end in covered_text):
            continue
        # Inside one plain literal piece (``("hf_..." "b")`` joins into a longer word) the fixer can
        # rewrite that piece; inside an f-string's ``{...}`` it cannot.
        in_plain_piece = any(
            isinstance(leaf, (cst.SimpleString, cst.FormattedString))
            and id(leaf) in offsets
            and offsets[id(leaf)] <= match.start
            and match.end <= offsets[id(leaf)] + len(raw)
            and _outside_braces(raw, match.start - offsets[id(leaf)])
            for leaf, raw in collector.leaves
        )
        leaks.append(
            Leak("HFG001", match.start, match.end, match.value, match.confidence, "string", in_plain_piece)
        )
    leaks.sort(key=lambda leak: (leak.start, leak.end))
    return _in_match_patterns(text, leaks) if "case" in text else leaks


MATCH_PATTERN = "a match pattern compares with the literal; a call cannot stand there"


def _in_match_patterns(text: str, leaks: list[Leak]) -> list[Leak]:
    """A literal in a ``case`` pattern cannot become a call: such a leak is reported not fixable, so the
    scan says exactly what ``--fix`` will do."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return leaks
    lines = LineIndex(text)
    spans: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.match_case):
            pattern = node.pattern
            start = _offset(text, lines, pattern.lineno, pattern.col_offset)
            end = _offset(text, lines, pattern.end_lineno or pattern.lineno, pattern.end_col_offset or 0)
            spans.append((start, end))
    if not spans:
        return leaks
    return [
        leak._replace(fixable=False, reason=MATCH_PATTERN)
        if leak.fixable and any(a <= leak.start < b for a, b in spans)
        else leak
        for leak in leaks
    ]


def _offset(text: str, lines: LineIndex, line: int, utf8_column: int) -> int:
    """A character offset from ``ast``'s line and UTF-8 byte column."""
    start = lines.offset(line)
    return start + len(text[start:].encode("utf-8")[:utf8_column].decode("utf-8", "ignore"))
