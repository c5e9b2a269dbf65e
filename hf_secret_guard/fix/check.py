"""Checks that a fixed text is still what it was: Python that parses, a notebook that validates.

A fix is only written when the result passes the same check the original passed: code that compiled
must still compile; code that only libcst could parse (newer syntax than this interpreter) must still
parse; a notebook that nbformat accepted must still be accepted.
"""

from __future__ import annotations

import ast
import json
import warnings
from collections.abc import Callable
from typing import Any, Optional, cast

Checker = Callable[[str], bool]


def compiles(text: str) -> bool:
    """Compiled as IPython compiles a cell (top-level ``await`` allowed); warnings are not ours to show."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fix>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True


def parse_ast(text: str) -> ast.Module:
    """CPython's tree of code ``compiles`` accepted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = compile(
            text, "<fix>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
        )
    return cast(ast.Module, tree)


def libcst_parses(text: str) -> bool:
    from hf_secret_guard.read.python_parse import (
        ParseError,
        parse_module,
    )  # libcst: only when compile() fails

    try:
        parse_module(text)
    except ParseError:
        return False
    return True


def checker_for(original: str) -> Optional[Checker]:
    """The strictest check the original passes, or None when it is not Python we can parse."""
    if compiles(original):
        return compiles
    if libcst_parses(original):
        return libcst_parses
    return None


def notebook_is_valid(value: Any, copy: bool = True) -> bool:
    """nbformat's own schema validation of a parsed notebook (``copy=False``: a value the caller owns,
    which validation may repair in place)."""
    import nbformat  # nbformat (with jsonschema): about a second to import, only to validate

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(json.loads(json.dumps(value)) if copy else value)
    except Exception:  # ValidationError, an unknown version, a shape the validator trips on: all "no"
        return False
    return True
