"""Leaks in Python code, found with libcst: tokens in literals and comments (HFG001), literals written
into the process environment (HFG002).

Where each literal and comment sits in the text comes from ``read.literals``, which the fixer shares.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Optional

import libcst as cst

from hf_secret_guard.detect.key_writes import (
    MATCH_PATTERN,
    EnvironAliases,
    EnvWrite,
    Piece,
    Slot,
    StringLayout,
    comment_leaks,
    env_write_leaks,
    in_match_patterns,
    slot_leaks,
    string_leaks,
)
from hf_secret_guard.model import Leak
from hf_secret_guard.read.literals import StringLeaves, flatten_string, piece_value
from hf_secret_guard.read.python_parse import ParseError, parse_module
from hf_secret_guard.tokens import TOKEN_PREFIXES, find_tokens
from hf_secret_guard.tokens.slots import (
    KAGGLE_JSON_SLOT,
    POSITIONAL_KEY_CALLS,
    is_slot_name,
    login_call,
)

__all__ = ["MATCH_PATTERN", "EnvironAliases", "find_python_leaks"]

_UNQUOTED = "an unquoted token is a name to Python: replace it by hand with the read from the secret store"


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
        self.env_writes: list[EnvWrite] = []
        self.token_names: set[str] = set()
        self.slots: list[Slot] = []

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
            self.slots.append(Slot(name, None, value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._slot_target(node.target, node.value)

    def visit_Dict(self, node: cst.Dict) -> None:
        elements = [e for e in node.elements if isinstance(e, cst.DictElement)]
        keys = [_literal_text(element.key) for element in elements]
        kaggle_json = "username" in keys and "key" in keys  # {"username": ..., "key": ...}: kaggle.json
        for element, key in zip(elements, keys, strict=True):
            if key == "key" and kaggle_json:
                self.slots.append(Slot(KAGGLE_JSON_SLOT, None, element.value))
            elif key and is_slot_name(key):
                self.slots.append(Slot(key, None, element.value))

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
                        self.env_writes.append(EnvWrite(base, "item", key, value))

    def visit_Call(self, node: cst.Call) -> None:
        func = _dotted(node.func)
        login = login_call(func)
        for arg in node.args:
            if arg.keyword is not None and is_slot_name(arg.keyword.value, login):
                self.slots.append(Slot(arg.keyword.value, func, arg.value))
        if func is None:
            return
        if (func in POSITIONAL_KEY_CALLS or func.rsplit(".", 1)[-1] in POSITIONAL_KEY_CALLS) and node.args:
            first = node.args[0]
            if first.keyword is None and not first.star:
                self.slots.append(Slot("key", func, first.value))
        owner, _, method = func.rpartition(".")
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if method in ("setdefault", "__setitem__", "putenv") and len(positional) >= 2:
            target = func if method == "putenv" else owner
            key = _literal_text(positional[0])
            self.env_writes.append(EnvWrite(target, method, key, positional[1]))
        elif not owner and func in self.aliases.putenvs and len(positional) >= 2:
            self.env_writes.append(EnvWrite(func, "putenv", _literal_text(positional[0]), positional[1]))
        elif method == "update":
            for key, value in _update_items(node):
                self.env_writes.append(EnvWrite(owner, "update", key, value))


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


def _is_literal(node: object) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString))


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

    def layout(node: object) -> Optional[StringLayout]:
        assert isinstance(node, cst.BaseExpression)
        pieces: list[Piece] = []
        position = 0
        for leaf in flatten_string(node):
            if id(leaf) not in offsets:
                return None
            value = piece_value(leaf)
            pieces.append(Piece(offsets[id(leaf)], raw_of[id(leaf)], position, value))
            position += len(value)
        return StringLayout(pieces) if pieces else None

    leaks: list[Leak] = []
    consumed: set[int] = set()
    writes, aliases_used = collector.env_writes, collector.aliases
    leaks.extend(env_write_leaks(writes, aliases_used, layout, _is_literal, consumed, extra_secret_names))
    leaks.extend(slot_leaks(collector.slots, layout, _is_literal, consumed))

    for node in collector.strings:
        if id(node) in consumed:
            continue
        strings = layout(node)
        if strings is None:
            continue
        leaks.extend(string_leaks(strings, "docstring" if id(node) in collector.statements else "string"))

    for leaf, raw in collector.leaves:
        if isinstance(leaf, cst.Comment) and id(leaf) in offsets:
            leaks.extend(comment_leaks(offsets[id(leaf)], raw))

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
    # A ``match`` statement is written with both words as they stand (soft keywords are not read
    # through NFKC as names are).
    return in_match_patterns(text, leaks) if "case" in text and "match" in text else leaks
