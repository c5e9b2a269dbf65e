"""Do we read real notebook cells as IPython does, and does --fix keep them running?  (issue 14)

For every code cell of every notebook under FOLDER:
- IPython's verdict: its ``TransformerManager``'s output compiles ("parses"), raises SyntaxError
  ("fails"), or is a non-Python cell magic ("foreign"; a %%capture/%%time/%%timeit/%%prun/%%debug body is
  judged again), as ``tests/ipython_oracle.py`` (the differential test's oracle) reads it;
- ours: the scan's reading (``read.ipython.mask_cell``, then the automagic retry) parses or not.
Then, in each cell IPython parses, a generated token is planted on a new last line
(``login(token="hf_...")``, with the cell's common indentation), the notebook is fixed with the same code
as ``--fix`` (``hf_secret_guard.fix_notebook``), and each planted token must be gone and its cell must
still parse under IPython.  No token is printed; the notebooks are only read.

    uv run python benchmarks/ipython_parity.py FOLDER [--limit N]
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the oracle lives with the tests

from hf_secret_guard import fix_notebook
from tests.ipython_oracle import ipython_reading, our_reading

_VERDICT = {"ok": "parses", "fail": "fails", "foreign": "foreign"}


def ipython_verdict(cell: str) -> str:
    return _VERDICT[ipython_reading(cell)[0]]


def our_verdict(cell: str) -> str:
    ours = our_reading(cell)[0]
    if ours == "fail":
        ours = our_reading(cell, automagic=True)[0]  # the scan's retry, as the scan does it
    return _VERDICT[ours]


def new_token(rng: random.Random) -> str:
    while True:
        body = "".join(rng.choice(string.ascii_letters) for _ in range(34))
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return "hf_" + body


def planted(cell: str, token: str) -> str:
    """The cell with a new last line that leaks ``token``, indented as the whole cell is."""
    dedented = textwrap.dedent(cell)
    first = next((line for line in cell.splitlines() if line.strip()), "")
    margin = first[: len(first) - len(first.lstrip())] if dedented != cell else ""
    separator = "" if cell.endswith("\n") else "\n"
    return f'{cell}{separator}{margin}login(token="{token}")\n'


def source_of(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="at most this many notebooks")
    parser.add_argument("--examples", type=int, default=5, help="cell ids to list per kind of difference")
    args = parser.parse_args()
    rng = random.Random(14)
    paths = sorted(args.folder.rglob("*.ipynb"))[: args.limit or None]
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    started = time.perf_counter()
    for path in paths:
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
            cells = notebook["cells"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            counts["notebooks not read (not JSON, or nbformat 3)"] += 1
            continue
        counts["notebooks"] += 1
        tokens: dict[int, str] = {}
        for index, cell in enumerate(cells):
            if cell.get("cell_type") != "code" or not source_of(cell).strip():
                continue
            text = source_of(cell)
            theirs, ours = ipython_verdict(text), our_verdict(text)
            counts["code cells"] += 1
            counts[f"IPython {theirs}, we {ours}"] += 1
            if theirs != ours:
                examples.setdefault(f"IPython {theirs}, we {ours}", []).append(
                    f"{path.relative_to(args.folder)} cell {index}"
                )
            if theirs != "parses":
                continue
            token = new_token(rng)
            with_token = planted(text, token)
            if ipython_verdict(with_token) != "parses":
                counts["planted: the cell no longer parses under IPython with the new line (skipped)"] += 1
                continue
            cell["source"] = with_token
            tokens[index] = token
        if not tokens:
            continue
        counts["planted tokens"] += len(tokens)
        raw = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
        try:
            fixed_cells = json.loads(fix_notebook(raw, str(path)).text)["cells"]
        except Exception as exc:  # counted and named, never a traceback
            counts[f"notebooks --fix refused ({type(exc).__name__})"] += 1
            counts["planted tokens left"] += len(tokens)
            continue
        for index, token in tokens.items():
            after = source_of(fixed_cells[index])
            if token in after:
                counts["planted tokens left"] += 1
                examples.setdefault("token left", []).append(f"{path.relative_to(args.folder)} cell {index}")
            elif ipython_verdict(after) != "parses":
                counts["fixed cells IPython no longer parses"] += 1
                examples.setdefault("fixed cell broken", []).append(
                    f"{path.relative_to(args.folder)} cell {index}"
                )
            else:
                counts["planted tokens fixed, cell still parses under IPython"] += 1
    counts["seconds"] = round(time.perf_counter() - started)
    for key, value in sorted(counts.items()):
        print(f"{key}: {value}")
    for kind, where in sorted(examples.items()):
        print(f"{kind}: {len(where)}, e.g. " + "; ".join(where[: args.examples]))


if __name__ == "__main__":
    main()
