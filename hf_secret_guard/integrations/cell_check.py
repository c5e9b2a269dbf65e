"""Check one notebook cell before it runs, with the scanner a saved notebook gets, and say how to fix it.

The cell is wrapped in a one-cell notebook so that IPython syntax (``!cmd``, ``%env``, ``%%bash``) is read
exactly as in a ``.ipynb`` file.  The advice is the fixer's own rewrite of the cell, shown as the lines to
change, so what the warning suggests is what ``hf-secret-guard scan --fix`` would write.
"""

from __future__ import annotations

import difflib
import json
import sys
from typing import NamedTuple

from hf_secret_guard import api
from hf_secret_guard.tokens import redact

CELL_PATH = "<cell>"


class CellReport(NamedTuple):
    """What the check found in a cell; ``text`` is the message to show (secrets masked)."""

    findings: int
    text: str


def in_colab() -> bool:
    """Colab has its Secrets panel (``userdata``); elsewhere a secret comes from the environment."""
    return "google.colab" in sys.modules


def one_cell_notebook(source: str) -> str:
    cell: dict[str, object] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source,
    }
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]})


def check_cell(source: str, colab: bool) -> CellReport:
    """Findings in the cell's source; an empty report when it is clean (the usual, fast case)."""
    raw = one_cell_notebook(source)
    result = api.scan_notebook(raw, CELL_PATH)
    if not result.findings:
        return CellReport(0, "")
    lines = [
        f"hf-secret-guard: line {finding.span.line} of this cell: {finding.message}"
        + ("" if finding.fixable else f" ({finding.not_fixable_reason})")
        for finding in result.findings
    ]
    # The fix options' type lives in the fixer, which may move: take api's default and change the style.
    defaults = api.DEFAULT_FIX_OPTIONS  # type: ignore[attr-defined]
    fix_options = defaults._replace(style="userdata" if colab else "env")
    fixed = api.fix_notebook(raw, CELL_PATH, fix_options=fix_options)
    new_source = _cell_source(fixed.text) if fixed.fixed else None
    if new_source is not None and new_source != source:
        lines.append("Change the cell to read the secret at run time:")
        lines.extend(_changed_lines(source, new_source))
    elif colab:
        lines.append('Read the secret at run time instead: userdata.get("HF_TOKEN")')
    else:
        lines.append('Read the secret at run time instead: os.environ["HF_TOKEN"]')
    names = ", ".join(fixed.secret_names) or "HF_TOKEN"
    if colab:
        lines.append(
            f"Store {names} in Colab Secrets (the key icon on the left) and grant this notebook access."
        )
    else:
        lines.append(f"Set {names} in the environment Jupyter starts from, not in the notebook.")
    lines.append(
        "A token that was saved in a notebook or shared should be revoked: huggingface.co/settings/tokens"
    )
    return CellReport(len(result.findings), redact("\n".join(lines)) + "\n")


def _cell_source(notebook_text: str) -> str | None:
    try:
        source = json.loads(notebook_text)["cells"][0]["source"]
    except (ValueError, LookupError, TypeError):
        return None
    if isinstance(source, list):
        return "".join(str(piece) for piece in source)
    return source if isinstance(source, str) else None


def _changed_lines(old: str, new: str) -> list[str]:
    """The changed lines as a small diff: ``-`` the line as it is (masked later), ``+`` what replaces it."""
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    shown: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag != "equal":
            shown.extend(f"  - {line}" for line in old_lines[old_start:old_end])
            shown.extend(f"  + {line}" for line in new_lines[new_start:new_end])
    return shown
