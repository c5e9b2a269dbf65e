"""The string literals and comments of a libcst module, and where each one sits in the text.

Both the detector (``detect.python``) and the fixer (``fix.literals``) need this, and must agree on it: a
finding's offsets are where the fix rewrites.  libcst's position metadata costs more than the parse, so
offsets are found by searching each leaf's exact text in source order, starting where the last one ended.
Quotes and ``#`` can only start a string or a comment, so the search cannot land anywhere else.

Source order takes one correction: libcst visits a parenthesized literal before the comments inside its
opening parenthesis (``msg = (  # note`` then the string), so those comments are collected first; and
an f-string's own children are not visited at all, so the comments in its closing parenthesis are
collected right after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

import libcst as cst

StringNode = Union[cst.SimpleString, cst.FormattedString, cst.ConcatenatedString]
StringLeaf = Union[cst.SimpleString, cst.FormattedString]
Leaf = Union[cst.SimpleString, cst.FormattedString, cst.Comment]
EXPRESSION_PLACEHOLDER = "\0"  # stands for an f-string's ``{...}`` in its value: no token spans it


class StringLeaves(cst.CSTVisitor):
    """Collects ``leaves`` (strings and comments, with their text as written, in source order) and
    ``strings`` (the outermost string expressions, in source order); ``statements`` holds the ids of
    expressions that are statements of their own (docstrings and the like)."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.leaves: list[tuple[Leaf, str]] = []
        self.strings: list[StringNode] = []
        self.statements: set[int] = set()
        self._inner: set[int] = set()
        self._early_comments: set[int] = set()

    def walk(self, text: str) -> tuple[dict[int, int], dict[int, str]]:
        """Visit the module (``text`` is its source); each leaf's offset and its text as written, by
        ``id``.  A leaf that cannot be found has no offset.  RecursionError: nested too deeply."""
        self.module.visit(self)
        return locate(text, self.leaves), {id(node): raw for node, raw in self.leaves}

    def visit_Expr(self, node: cst.Expr) -> None:
        self.statements.add(id(node.value))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._add_leaf(node, node.value)

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        self._add_leaf(node, self.module.code_for_node(node.with_changes(lpar=[], rpar=[])))
        return False  # strings inside its expressions are part of its text, not expressions of their own

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._add_outer(node)
        self._inner.update((id(node.left), id(node.right)))

    def visit_Comment(self, node: cst.Comment) -> None:
        if id(node) not in self._early_comments:
            self.leaves.append((node, node.value))

    def _add_leaf(self, node: StringLeaf, raw: str) -> None:
        for paren in node.lpar:  # ``(  # note`` comes before the literal in the text
            for comment in _comments(paren):
                self._early_comments.add(id(comment))
                self.leaves.append((comment, comment.value))
        self.leaves.append((node, raw))
        self._add_outer(node)
        if isinstance(node, cst.FormattedString):  # its children are not visited: ``"..."  # note\n)``
            for closing in node.rpar:
                self.leaves.extend((comment, comment.value) for comment in _comments(closing))

    def _add_outer(self, node: StringNode) -> None:
        if id(node) not in self._inner:
            self.strings.append(node)


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.Comment] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node)


def _comments(node: cst.CSTNode) -> list[cst.Comment]:
    visitor = _Comments()
    node.visit(visitor)
    return visitor.found


def locate(text: str, leaves: Sequence[tuple[Leaf, str]]) -> dict[int, int]:
    """``id(leaf)`` -> offset of its text in ``text``; a leaf that cannot be found is left out."""
    offsets: dict[int, int] = {}
    cursor = 0
    for node, raw in leaves:
        found = text.find(raw, cursor)
        if found >= 0:
            offsets[id(node)] = found
            cursor = found + len(raw)
    return offsets


def flatten_string(node: cst.BaseExpression) -> list[StringLeaf]:
    """The literal pieces of a string expression, in order (one, or several implicitly concatenated)."""
    if isinstance(node, cst.ConcatenatedString):
        return flatten_string(node.left) + flatten_string(node.right)
    if isinstance(node, (cst.SimpleString, cst.FormattedString)):
        return [node]
    return []


def piece_value(node: Leaf) -> str:
    """A literal's value (an f-string's expressions are one ``EXPRESSION_PLACEHOLDER`` each; bytes are
    read as latin-1); a comment's text."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # an escape libcst cannot evaluate: the text between the quotes is the best guess
            return node.raw_value
        return value.decode("latin-1") if isinstance(value, bytes) else value
    if isinstance(node, cst.FormattedString):
        return "".join(
            part.value if isinstance(part, cst.FormattedStringText) else EXPRESSION_PLACEHOLDER
            for part in node.parts
        )
    return node.value
