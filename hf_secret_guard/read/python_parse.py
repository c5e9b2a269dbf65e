"""Parsing Python with libcst, safely: the one place that decides whether code can be parsed, and the one
error (``ParseError``) the detector and the fixer raise when it cannot.

libcst recurses once per level of nesting and is slow on huge inputs, so CPython's own parser (C, with
recursion guards) judges first; the limits are far above real code (``docs/design.md`` has the figures).
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from hf_secret_guard import regexes

if TYPE_CHECKING:
    import libcst as cst

MAX_PARSE_CHARS = 2_000_000  # larger code is scanned as text, never parsed
MAX_AST_DEPTH = 500  # syntax tree depth; libcst stalls on deeper chains that CPython accepts
MAX_BRACKET_DEPTH = 200  # when a syntax error hides the tree, bracket nesting stands in for its depth
_BRACKETS_RE = regexes.compile(r"[()\[\]{}]")


class ParseError(ValueError):
    """The code cannot be parsed: a syntax error, or too large or too deeply nested to try safely."""


def parse_module(text: str) -> cst.Module:
    """libcst's module of ``text``; raises ``ParseError`` with a one-line reason."""
    import libcst as cst  # start-up boundary: libcst loads on the first parse, never on a clean run

    syntax_error = check_parseable(text)
    try:
        return cst.parse_module(text)
    except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError, MemoryError, ValueError) as exc:
        # CSTValidationError: a name CPython accepts and libcst's validator does not (U+105C0...).
        reason = "too deeply nested" if isinstance(exc, RecursionError) else str(exc).split("\n", 1)[0]
        # CPython names the real line of the problem; libcst often says "@ 1:1" (an unclosed string).
        raise ParseError(syntax_error or reason) from None


def check_parseable(text: str) -> Optional[str]:
    """Refuse code that would crash or stall libcst: CPython's parser fails cleanly where libcst would
    overflow its stack.  Returns CPython's syntax error (``line 6, column 5: invalid syntax``), if any."""
    if len(text) > MAX_PARSE_CHARS:
        raise ParseError(f"too large to parse ({len(text) // 1_000_000} MB)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (RecursionError, MemoryError):
        raise ParseError("too deeply nested") from None
    except SyntaxError as exc:
        if "nested" in str(exc) or "too complex" in str(exc):
            raise ParseError("too deeply nested") from None
        if _bracket_depth(text) > MAX_BRACKET_DEPTH:  # a syntax error hid the rest: stay safe
            raise ParseError("too deeply nested") from None
        return _located(exc)
    except ValueError:  # NUL bytes and the like: libcst decides
        pass
    else:
        if too_deep(tree):  # some Python versions parse chains libcst cannot walk
            raise ParseError("too deeply nested")
    return None


def _located(error: SyntaxError) -> str:
    where = f"line {error.lineno}" if error.lineno else ""
    if where and error.offset:
        where += f", column {error.offset}"
    return f"{where}: {error.msg}" if where else error.msg


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for match in _BRACKETS_RE.finditer(text):
        depth = depth + 1 if match.group() in "([{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def too_deep(tree: ast.AST, limit: int = MAX_AST_DEPTH) -> bool:
    """Does the tree nest more than ``limit`` levels?  Walked without recursion, so any depth is safe."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


def assignment_pairs(target: ast.expr, value: ast.expr) -> Iterator[tuple[ast.expr, ast.expr]]:
    """``a, b = x, y`` pairs ``a`` with ``x``; any other assignment is one pair (as libcst's detector
    pairs them: the screens and the ``ast`` detector must agree with it)."""
    if (
        isinstance(target, (ast.Tuple, ast.List))
        and isinstance(value, (ast.Tuple, ast.List))
        and len(target.elts) == len(value.elts)
        and not any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts))
    ):
        for element, item in zip(target.elts, value.elts, strict=True):
            yield from assignment_pairs(element, item)
    else:
        yield target, value
