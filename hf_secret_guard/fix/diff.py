"""``--diff``: what ``--fix`` would change, as a unified diff with every secret masked.

The removed and context lines come from the original, which holds the secrets.  Masking them line by line
would miss a secret written in pieces (implicit concatenation across lines, a notebook source split over
JSON list elements) or with escapes (``\\x4f``, JSON's ``\\u0045``): no piece equals the secret.  So each
finding's whole source span is masked in the original first, then the diff is cut from it; every line then
still goes through ``tokens.redaction``.  Nothing of the diff may leak what the report would not print.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

from hf_secret_guard.fix.model import FixResult
from hf_secret_guard.model import Finding
from hf_secret_guard.read.jsonspan import JsonSpanError
from hf_secret_guard.read.notebook import NotebookShapeError, raw_offset, read_notebook
from hf_secret_guard.tokens import mask, redact

_LINE_BREAKS = "\r\n"


def _masked(line: str, secrets: Iterable[str]) -> str:
    line = redact(line)
    for secret in secrets:
        line = line.replace(secret, mask(secret))
    return line


def _file_spans(result: FixResult, findings: Sequence[Finding]) -> list[tuple[int, int, str]]:
    """(start, end, secret) of each finding in ``result.original``: cell-relative spans of a notebook are
    carried to the file through the cell's JSON string (escapes and list elements included)."""
    spans = [(f.span.start, f.span.end, f.secret) for f in findings if f.span_in_file and f.secret]
    inside = [f for f in findings if not f.span_in_file and f.secret and f.part_index >= 0]
    if inside:
        try:
            parts = read_notebook(result.original).parts
        except (JsonSpanError, NotebookShapeError):
            parts = ()
        for finding in inside:
            if finding.part_index < len(parts) and finding.span.end > finding.span.start:
                part = parts[finding.part_index]
                start = raw_offset(result.original, part, finding.span.start)
                end = raw_offset(result.original, part, finding.span.end - 1) + 1
                spans.append((start, end, finding.secret))
    return spans


def masked_original(result: FixResult, findings: Sequence[Finding]) -> str:
    """The original text with each finding's source span masked, its line breaks kept (so that its lines
    stay the original's lines): the secret masked where the span holds it as written, else each line's
    piece of the span as ``****``."""
    text = result.original
    out: list[str] = []
    position = 0
    for start, end, secret in sorted(_file_spans(result, findings)):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        out.append(text[position:start])
        written = text[start:end]
        if secret in written and "\n" not in written and "\r" not in written:  # as written: keep its quotes
            out.append(written.replace(secret, mask(secret)))
        else:
            out.append("".join(piece if piece in _LINE_BREAKS else "****" for piece in _pieces(written)))
        position = end
    out.append(text[position:])
    return "".join(out)


def _pieces(text: str) -> Iterator[str]:
    """The runs of ``text``: line breaks one by one, the rest as whole runs."""
    run = ""
    for char in text:
        if char in _LINE_BREAKS:
            if run:
                yield run
                run = ""
            yield char
        else:
            run += char
    if run:
        yield run


def unified_diff(result: FixResult, also: Sequence[Finding] = ()) -> str:
    """The diff of one fixed file, ``a/path`` to ``b/path``; "" when nothing changed.  ``also``: other
    findings of the same original whose spans are masked as well (those the report left out)."""
    if not result.changed:
        return ""
    findings = [*result.fixed, *(n.finding for n in result.not_fixed), *also]
    secrets = sorted({f.secret for f in findings if f.secret}, key=len, reverse=True)
    before = result.original.splitlines(keepends=True)
    shown = masked_original(result, findings).splitlines(keepends=True)
    if len(shown) != len(before):  # cannot happen: masking keeps every line break
        shown = before
    after = result.text.splitlines(keepends=True)
    out: list[str] = []
    for line in _diff_lines(before, shown, after, result.path):
        masked = _masked(line, secrets)
        out.append(masked if masked.endswith("\n") else masked + "\n\\ No newline at end of file\n")
    return "".join(out)


def _diff_lines(before: list[str], shown: list[str], after: list[str], path: str) -> Iterator[str]:
    """difflib's unified diff of ``before`` and ``after``, with the old side's lines taken from ``shown``."""
    groups = list(difflib.SequenceMatcher(None, before, after).get_grouped_opcodes(3))
    if not groups:
        return
    name = path.lstrip("/")  # `a/` + an absolute path: `a/tmp/x.py`, never `a//tmp/x.py`
    yield f"--- a/{name}\n"
    yield f"+++ b/{name}\n"
    for group in groups:
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in shown[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in shown[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in after[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's line range, as difflib writes it."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return str(beginning)
    if not length:
        beginning -= 1
    return f"{beginning},{length}"
