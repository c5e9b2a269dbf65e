"""IPython's own reading of a notebook cell (its ``TransformerManager``), and ours, in the same words:
the oracle of the differential test (``tests/test_ipython_parity.py``) and of the measurement on real
notebooks (``benchmarks/ipython_parity.py``).  IPython's side knows nothing of our reader."""

from __future__ import annotations

import ast
from typing import Optional

from IPython.core import inputtransformer2 as it2

from hf_secret_guard.options import ScanOptions
from hf_secret_guard.read.ipython import mask_cell
from hf_secret_guard.scan.code import find_code_leaks

TRANSFORMED_BODIES = {"capture", "time", "timeit", "prun", "debug"}
PROGRAMS = {"writefile", "python", "python3"}  # a body that is a program of its own: scanned as Python


def compiles(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def magic_call(code: str) -> Optional[tuple[str, str, str]]:
    """(name, line, body) of a transformed cell that is a single ``run_cell_magic`` call."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "run_cell_magic":
        values = [a.value for a in call.args if isinstance(a, ast.Constant)]
        if len(values) == 3 and all(isinstance(v, str) for v in values):
            return values[0], values[1], values[2]
    return None


def transformed_lines(cell: str) -> Optional[set[int]]:
    """The cell's lines (0-based) that IPython's token transforms turn into calls; None if untraceable."""
    manager = it2.TransformerManager()
    lines = (cell if cell.endswith("\n") else cell + "\n").splitlines(keepends=True)
    origin = list(range(len(lines)))
    for step in manager.cleanup_transforms:
        new = step(lines)
        if step is it2.leading_empty_lines:
            origin = origin[len(lines) - len(new) :]
        elif len(new) != len(lines):
            return None
        lines = new
    covered: set[int] = set()
    for _ in range(it2.TRANSFORM_LOOP_LIMIT):
        candidates = [
            t for cls in manager.token_transformers if (t := cls.find(it2.make_tokens_by_line(lines)))
        ]
        for transformer in sorted(candidates, key=it2.TokenTransformBase.sortby):
            try:
                new = transformer.transform(lines)
            except SyntaxError:
                continue
            first, count = transformer.start_line, len(lines) - len(new) + 1
            covered.update(origin[first : first + count])
            origin = [*origin[:first], origin[first], *origin[first + count :]]
            lines = new
            break
        else:
            return covered
    return covered


def ipython_reading(cell: str) -> tuple[str, Optional[set[int]]]:
    """IPython's verdict ('ok', 'fail', 'foreign': a non-Python cell magic) and the lines it turns into
    calls (a Python cell magic's header and body lines included)."""
    try:
        code = it2.TransformerManager().transform_cell(cell)
    except Exception:  # IPython's run_cell reports it and runs nothing
        return "fail", set()
    magic = magic_call(code)
    if magic is None:
        return ("ok" if compiles(code) else "fail"), transformed_lines(cell)
    name, _, body = magic
    if name not in TRANSFORMED_BODIES:
        return "foreign", None
    header = next(i for i, line in enumerate(cell.splitlines()) if line.strip())
    verdict, inner = ipython_reading(body)
    return verdict, None if inner is None else {header} | {header + 1 + line for line in inner}


def our_reading(cell: str, automagic: bool = False) -> tuple[str, set[int]]:
    masked = mask_cell(cell, automagic=automagic)
    if not masked.python_body or masked.cell_magic in PROGRAMS:
        return "foreign", set()
    _, error = find_code_leaks(masked.python, ScanOptions(), force=True)
    starts = [0]
    for line in cell.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    blanked: set[int] = set()
    for start, end in masked.shell_lines:
        first = max(i for i, s in enumerate(starts) if s <= start)
        last = max(i for i, s in enumerate(starts) if s <= max(start, end - 1))
        blanked.update(range(first, last + 1))
    return ("ok" if error is None else "fail"), blanked
