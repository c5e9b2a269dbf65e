"""Finding leaks: pure functions from a part's text to ``Leak`` values at offsets in that text."""

from __future__ import annotations

import ast

# libcst takes seconds per megabyte: larger code is scanned as text, never parsed (by libcst, or by ``ast``
# in the stages in front of it, which would buy nothing).
MAX_PARSE_CHARS = 2_000_000
# Real code nests its syntax tree some tens deep (41 at most in 2,260 site-packages files).  libcst
# recurses once per level: a 30,000-term ``1+1+...`` chain stalled it for minutes where CPython's own
# parser (3.10, 3.13) accepts it, so the tree's depth is checked, not only whether ``ast`` gave up.
MAX_AST_DEPTH = 500


def too_deep(tree: ast.AST, limit: int = MAX_AST_DEPTH) -> bool:
    """Does the tree nest more than ``limit`` levels?  Walked without recursion, so any depth is safe."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False
