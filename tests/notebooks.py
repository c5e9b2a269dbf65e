"""Build real notebooks with nbformat, in the shapes found in the wild."""

from __future__ import annotations

import json
from typing import Any, Literal

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

Style = Literal["jupyter-4.5", "jupyter-4.4", "colab-4.0"]
STYLES: tuple[Style, ...] = ("jupyter-4.5", "jupyter-4.4", "colab-4.0")

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

__all__ = [
    "PNG",
    "STYLES",
    "new_code_cell",
    "new_markdown_cell",
    "new_output",
    "new_raw_cell",
    "notebook_text",
    "one_cell_compact",
]


def notebook_text(
    cells: list[Any],
    style: Style = "jupyter-4.5",
    metadata: dict[str, Any] | None = None,
    list_sources: bool = True,
) -> str:
    """The file text of a notebook with these cells, validated by nbformat, written in ``style``."""
    nb = new_notebook(cells=cells, metadata=metadata or {})
    nbformat.validate(nb)
    data = json.loads(nbformat.writes(nb))  # nbformat's own on-disk shape: multiline strings as lists
    if not list_sources:
        for cell in data["cells"]:
            cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if style == "jupyter-4.5":
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    data["nbformat_minor"] = 4 if style == "jupyter-4.4" else 0
    for number, cell in enumerate(data["cells"]):
        cell_id = cell.pop("id", None)
        if style == "colab-4.0":
            cell["metadata"] = {"id": cell_id or f"cell{number}", **cell["metadata"]}
    if style == "jupyter-4.4":
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    data["metadata"] = {"colab": {"provenance": []}, **data["metadata"]}
    return json.dumps(data, indent=2, ensure_ascii=False)  # Colab: 2 spaces, no trailing newline


def one_cell_compact(source: str) -> str:
    """A notebook of one code cell holding ``source``, as ``json.dumps`` writes it with no indent: tests
    put hostile values into it by replacing ``"metadata": {}, "outputs"`` (the cell's),
    ``"outputs": []`` or ``"metadata": {}, "nbformat"`` (the notebook's)."""
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": [],
        "source": source.splitlines(True),
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
