"""The prefilter's second look at code that may write a secret into the environment: CPython's parser.

The byte checks (``prefilter``) cannot tell ``login(token=os.environ["HF_TOKEN"])``, a read, from a
write, and these reads are everywhere in ML code; libcst is slow to import and to parse.  ``ast`` is in C
and already knows reads from writes, so it settles such code cheaply (benchmarks/README.md).

Besides tokens (which ``prefilter.token_candidate`` catches on its own), HFG002 reports a *string* written
under a secret-like *string* key: ``os.environ["K"] = "..."`` (also in tuple and chained assignments),
``setdefault("K", "...")``, ``__setitem__``, ``putenv``, and ``update({"K": "..."})`` in its forms.
This check answers yes for every such write, whatever the object written to (the byte checks already
looked at that), and for code it cannot parse, which libcst then reports.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Collection, Iterator, Sequence
from typing import Optional

from hf_secret_guard.read.python_parse import MAX_PARSE_CHARS, assignment_pairs
from hf_secret_guard.tokens.env_names import is_secret_name

_WRITE_METHODS = frozenset({"setdefault", "__setitem__", "putenv"})


def may_write_string(
    code: str, extra_names: Sequence[str] = (), putenvs: Collection[str] = ("putenv",)
) -> bool:
    """Could ``code`` write a string literal under a secret-like literal key (HFG002 without a token)?
    ``putenvs``: the bare names bound to ``os.putenv`` (``from os import putenv as put``)."""
    if len(code) > MAX_PARSE_CHARS:
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like
            tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return True  # libcst decides, and reports
    for node in _nodes(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for element, value in assignment_pairs(target, node.value):
                    key = _subscript_key(element) if isinstance(element, ast.Subscript) else None
                    if key is not None and is_secret_name(key, extra_names) and _is_string(value):
                        return True
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "update":
                for key, value in _update_items(node):
                    if key is not None and is_secret_name(key, extra_names) and _is_string(value):
                        return True
                continue
            func = node.func
            if not (
                (isinstance(func, ast.Attribute) and func.attr in _WRITE_METHODS)
                or (isinstance(func, ast.Name) and func.id in putenvs)
            ):
                continue  # ``os.getenv("API_KEY", "")`` reads
            positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
            if len(positional) >= 2 and _is_string(positional[1]):
                key = _string_value(positional[0])
                if key is not None and is_secret_name(key, extra_names):
                    return True
    return False


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree``, as ``ast.walk`` gives them but depth first (the answer does not depend on
    the order), without a generator call per node."""
    node_type = ast.AST
    stack = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        yield node
        for name in node._fields:
            field = getattr(node, name, None)
            if isinstance(field, node_type):
                push(field)
            elif isinstance(field, list):
                extend(item for item in field if isinstance(item, node_type))


def _update_items(call: ast.Call) -> Iterator[tuple[Optional[str], ast.expr]]:
    """``update({K: v})``, ``update(K=v)``, ``update(**{K: v})`` and ``update(dict(K=v))``, as the
    detector reads them (``pbar.update(1)`` has none)."""
    values: list[ast.expr] = []
    for keyword in call.keywords:
        if keyword.arg is not None:
            yield keyword.arg, keyword.value
        else:
            values.append(keyword.value)
    values += [arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args]
    for value in values:
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                yield (_string_value(key) if key is not None else None), item
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
            yield from _update_items(value)


def _subscript_key(node: ast.Subscript) -> Optional[str]:
    """``x["K"]``, also ``x["K",]``: libcst reads that as one subscript element, ``ast`` as a tuple."""
    index = node.slice
    if isinstance(index, ast.Tuple) and len(index.elts) == 1:
        index = index.elts[0]
    return _string_value(index)


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or _string_value(node) is not None


def _string_value(node: ast.expr) -> Optional[str]:
    """A string or bytes literal's value (``ast`` has already joined ``"A" "B"``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
    return None
