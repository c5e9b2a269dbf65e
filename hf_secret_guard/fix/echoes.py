"""After a fix: does the code still show the secret?  ``hf_token = userdata.get("HF_TOKEN")`` followed by
``print(hf_token)`` (or ``display(hf_token)``, or ``hf_token`` as a notebook cell's last line) puts the
secret back into the saved output on the next run, fix or no fix: the summary says so.  Pure, over text."""

from __future__ import annotations

import ast
import warnings

_SHOWING_CALLS = frozenset({"print", "display", "pprint", "repr", "str"})


def _reads_a_secret(value: ast.expr) -> bool:
    """``userdata.get(...)``, ``os.environ[...]``, ``os.environ.get(...)``, ``os.getenv(...)``."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        owner = value.func.value
        if value.func.attr == "get" and isinstance(owner, ast.Name) and owner.id.startswith("userdata"):
            return True
        if value.func.attr in ("get", "getenv") and ast.unparse(owner) in ("os.environ", "os", "environ"):
            return True
    return isinstance(value, ast.Subscript) and ast.unparse(value.value).endswith("environ")


def echoed_names(code: str, notebook_cell: bool = False) -> list[str]:
    """The variables holding a secret read that ``code`` prints or displays, in order of first show."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    holders = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _reads_a_secret(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    if not holders:
        return []
    shown: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SHOWING_CALLS:
            for argument in node.args:
                names = {n.id for n in ast.walk(argument) if isinstance(n, ast.Name)}
                shown.extend(sorted(names & holders))
    last = tree.body[-1] if tree.body else None
    if (
        notebook_cell
        and isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Name)
        and last.value.id in holders
    ):
        shown.append(last.value.id)
    return list(dict.fromkeys(shown))
