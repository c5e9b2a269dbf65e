"""Whether ``ast_facts`` (CPython's tree) and ``python_facts`` (libcst's) give the same binding facts on
every code cell of a folder of notebooks that compiles after IPython masking.

    uv run python benchmarks/fix_facts_parity.py FOLDER
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

from hf_secret_guard.fix.bindings import Facts, TopImport, ast_facts, python_facts
from hf_secret_guard.fix.check import compiles, parse_ast
from hf_secret_guard.read.ipython import mask_cell
from hf_secret_guard.read.python_parse import ParseError, parse_module


def _comparable(facts: Facts, top: list[TopImport]) -> tuple[object, ...]:
    binders = {name: sorted(kinds) for name, kinds in facts.binders.items()}
    return binders, sorted(facts.mentioned), [(item.kind, item.name) for item in top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    cells = differ = 0
    for path in sorted(args.folder.rglob("*.ipynb")):
        try:
            notebook = json.loads(path.read_text("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        for cell in notebook.get("cells", []):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            masked = mask_cell(text)
            if cell.get("cell_type") != "code" or not masked.python_body or not compiles(masked.python):
                continue
            try:
                module = parse_module(masked.python)
            except ParseError:
                continue
            cells += 1
            if _comparable(*python_facts(module)) != _comparable(*ast_facts(parse_ast(masked.python))):
                differ += 1
                print(f"differ: {path} (cell {notebook['cells'].index(cell)})")
    print(f"{cells} cells compared, {differ} differ")


if __name__ == "__main__":
    main()
