"""A piece of code: parsed by libcst where it can hold a finding, else scanned as text; its shell lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from hf_secret_guard.detect.shell import find_shell_leaks
from hf_secret_guard.detect.text import find_text_leaks
from hf_secret_guard.model import Leak
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.screen import prefilter


def find_code_leaks(
    text: str, options: ScanOptions, aliases: object = None, force: bool = False
) -> tuple[list[Leak], Optional[str]]:
    """Leaks in Python code, and the reason it could not be parsed (then it was scanned as text).

    Without ``force`` the code is parsed only when the prefilter says it can hold a finding.
    """
    if not force and not prefilter.needs_parse(text):
        return [], None
    from hf_secret_guard.detect.python import (
        EnvironAliases,
        find_python_leaks,
    )  # libcst: only for a file that can leak
    from hf_secret_guard.read.python_parse import ParseError  # libcst: only for a file that can leak

    try:
        shared = aliases if isinstance(aliases, EnvironAliases) else None
        return find_python_leaks(text, shared, options.secret_names), None
    except ParseError as exc:
        return find_text_leaks(text, "HFG001", "text", fixable=False), str(exc)


def source_leaks(text: str, options: ScanOptions, tokens: bool = True) -> tuple[list[Leak], Optional[str]]:
    """``ast`` answers when the only possible findings are whole literals in key places
    (``detect.python_ast``); else libcst reads only the statements that can hold a finding
    (``read.slices``), or the whole file.  ``tokens``: False when ``prefilter.token_candidate`` said
    the text cannot hold a token."""
    from hf_secret_guard.detect.python_ast import ast_leaks

    found = ast_leaks(text, None, options.secret_names, tokens)
    if found is not None:
        return found, None
    # libcst is needed either way; loading it before slicing lets a worker process that must not load it
    # hand the file over at once (``parallel``), without slicing it first for nothing.
    import hf_secret_guard.detect.python  # noqa: F401
    from hf_secret_guard.screen.slices import relevant_statements  # libcst: only for a file that can leak

    sliced = relevant_statements(text)
    if sliced is not None:
        leaks, parse_error = find_code_leaks(sliced.text, options, force=True)
        if parse_error is None:
            return [sliced.restore(leak) for leak in leaks], None
    return find_code_leaks(text, options, force=True)


def shell_part_leaks(
    part_text: str, spans: Sequence[tuple[int, int]], fixable: bool, options: ScanOptions
) -> list[Leak]:
    leaks: list[Leak] = []
    for start, end in spans:
        leaks.extend(
            find_shell_leaks(part_text, start, end, fixable=fixable, extra_secret_names=options.secret_names)
        )
    return leaks
