"""Inline allow comments: a person looked at this line and accepted it.

On the line of a finding (any line of it, when a literal spans several):

- ``# hf-secret-guard: ignore`` (every rule) or ``# hf-secret-guard: ignore[HFG002]`` (comma-separated codes);
- for people migrating from other tools: ``# noqa: HFG001`` (flake8/ruff; a bare ``# noqa`` does NOT
  silence a secret, since it is sprinkled for line length), ``# pragma: allowlist secret`` (detect-secrets)
  and ``gitleaks:allow`` (gitleaks, anywhere on the line).

Where a trailing comment would change what a line does (IPython passes it to a ``%magic``: ``%env`` keeps
it in the value):

- ``# hf-secret-guard: ignore-next-line`` (or ``ignore-next-line[HFG002]``) on the line above the finding's
  first line, or above the first line of the backslash-continued command it is part of;
- in a notebook code cell, ``hf-secret-guard: ignore-cell`` (or ``ignore-cell[...]``) in the cell's first
  line, after its ``%%magic`` header lines, in whatever comment the cell's language has (``#``, ``--``,
  ``<!-- -->``): every finding of the cell.

Pure functions over a part's text and a leak's offsets; the scan drops allowed leaks before they become
findings, so they are neither reported nor written to a baseline.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from hf_secret_guard import regexes
from hf_secret_guard.model import Leak
from hf_secret_guard.read.lines import line_starts

_ANY = "*"
_OURS_RE = regexes.compile(r"#\s*hf-secret-guard\s*:\s*ignore(?![-\w])(?:\[([^\]\n\r]*)\])?", re.IGNORECASE)
_NEXT_LINE_RE = regexes.compile(
    r"#\s*hf-secret-guard\s*:\s*ignore-next-line(?![-\w])(?:\[([^\]\n\r]*)\])?", re.I
)
_CELL_RE = regexes.compile(r"hf-secret-guard\s*:\s*ignore-cell(?![-\w])(?:\[([^\]\n\r]*)\])?", re.IGNORECASE)
_NOQA_RE = regexes.compile(r"#\s*noqa\s*:\s*((?:[A-Za-z]+[0-9]+(?:[\s,]+|$))+)", re.IGNORECASE)
_ANY_RULE_RE = regexes.compile(
    r"#\s*pragma\s*:\s*(?:allowlist|whitelist)[ -]secret|gitleaks:allow", re.IGNORECASE
)
_CODE_RE = regexes.compile(r"[A-Za-z]+[0-9]+")


def _line_bounds(text: str, start: int, end: int, cr: bool = True) -> tuple[int, int]:
    """The lines that ``text[start:end]`` touches, without their line endings.  ``cr``: False when
    ``text`` has no ``\r`` (then only ``\n`` is looked for)."""
    if not cr:
        following = text.find("\n", end)
        return text.rfind("\n", 0, start) + 1, max(end, len(text)) if following < 0 else following
    first = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    last = end
    while last < len(text) and text[last] not in "\r\n":
        last += 1
    return first, last


def allowed_codes(line: str) -> frozenset[str]:
    """The rule codes a line's comments allow, upper-cased; ``"*"`` for every rule."""
    codes: set[str] = set()
    if _ANY_RULE_RE.search(line):
        codes.add(_ANY)
    for match in _OURS_RE.finditer(line):
        listed = match.group(1)
        codes.update(_CODE_RE.findall(listed.upper()) if listed is not None else [_ANY])
    for match in _NOQA_RE.finditer(line):
        codes.update(_CODE_RE.findall(match.group(1).upper()))
    return frozenset(codes)


def _previous_line(text: str, line_start: int, cr: bool = True) -> tuple[int, int]:
    """The (start, end) of the line before the one starting at ``line_start`` (which must not be 0);
    ``cr`` as for ``_line_bounds``."""
    end = line_start - 1
    if not cr:
        return text.rfind("\n", 0, end) + 1, end
    if end > 0 and text[end - 1 : end + 1] == "\r\n":
        end -= 1
    return max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1, end


def _allows(match: re.Match[str], rule: str) -> bool:
    listed = match.group(1)
    return listed is None or rule.upper() in _CODE_RE.findall(listed.upper())


def _next_line_comments(text: str, start: int, cr: bool = True) -> list[re.Match[str]]:
    """``ignore-next-line`` comments above the finding's line, or above the first line of the
    backslash-continued command it sits in (each of its lines but the last ends in a backslash); ``cr``
    as for ``_line_bounds``."""
    line_start = _line_bounds(text, start, start, cr)[0]
    found: list[re.Match[str]] = []
    while line_start > 0:
        above, above_end = _previous_line(text, line_start, cr)
        found += [m for m in _NEXT_LINE_RE.finditer(text, above, above_end)]
        if not text[above:above_end].rstrip(" \t").endswith("\\"):
            break
        line_start = above
    return found


def _cell_line(text: str) -> tuple[int, int]:
    """A cell's first line after blank lines and ``%%magic`` headers: where ``ignore-cell`` goes."""
    position = 0
    while position < len(text):
        first, last = _line_bounds(text, position, position)
        line = text[first:last].strip()
        if line and not line.startswith("%%"):
            return first, last
        position = last + (2 if text.startswith("\r\n", last) else 1)
    return len(text), len(text)


def _cell_comments(text: str, cell: bool) -> list[re.Match[str]]:
    return list(_CELL_RE.finditer(text, *_cell_line(text))) if cell else []


def is_allowed(text: str, start: int, end: int, rule: str, cell: bool = False) -> bool:
    """Whether a comment allows ``rule`` at ``text[start:end]``: on its lines, on the line above
    (``ignore-next-line``), or, in a notebook code cell (``cell``), in the cell's first line."""
    return _Allowances(text, cell).allows(start, end, rule)


class _Allowances:
    """The allow comments of one text, each line read once however many leaks it holds: a long line
    full of tokens costs its length, not its length times its tokens."""

    def __init__(self, text: str, cell: bool) -> None:
        self.text = text
        self.cr = "\r" in text  # else a line's bounds are found with ``find``, without an index of all
        self.starts = line_starts(text) if self.cr else []
        self.line = (1, 0)  # the last line looked up in a text without ``\r``: its start, its ``\n`` or end
        self.codes: dict[tuple[int, int], frozenset[str]] = {}
        self.above: dict[int, list[re.Match[str]]] = {}
        self.cell = _cell_comments(text, cell)

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The lines that ``text[start:end]`` touches, without their line endings."""
        if self.cr:
            first = self.starts[bisect.bisect_right(self.starts, start) - 1]
            following = bisect.bisect_right(self.starts, end)
            last = self.starts[following] if following < len(self.starts) else len(self.text)
        else:  # the line starts after each ``\n``: the same lines
            line = self.line
            if line[0] <= start <= end <= line[1]:  # on the last line looked up: a long line is searched once
                return line
            first = self.text.rfind("\n", 0, start) + 1
            following = self.text.find("\n", end)
            last = len(self.text) if following < 0 else following + 1
            if self.text.find("\n", start, end) < 0:
                self.line = (first, len(self.text) if following < 0 else following)
        while last > max(first, end) and self.text[last - 1] in "\r\n":
            last -= 1
        return first, last

    def allows(self, start: int, end: int, rule: str) -> bool:
        first, last = self.bounds(start, end)
        codes = self.codes.get((first, last))
        if codes is None:
            codes = self.codes[(first, last)] = allowed_codes(self.text[first:last])
        if _ANY in codes or rule.upper() in codes:
            return True
        comments = self.above.get(first)
        if comments is None:
            comments = self.above[first] = _next_line_comments(self.text, start, self.cr)
        return any(_allows(match, rule) for match in comments + self.cell)


def may_allow(text: str) -> bool:
    """Cheap: an allow comment of ours needs one of these words."""
    lowered = text.lower()
    return "hf-secret-guard" in lowered or "noqa" in lowered


UNUSED_REASON = "remove the comment"


def unused_allow_comments(text: str, leaks: Sequence[Leak], cell: bool = False) -> list[Leak]:
    """HFG100: our own allow comments in ``text`` that allow none of ``leaks`` (every leak found, before
    rule selection: a comment that allows a leak of an ignored rule still does its job).  A ``# noqa``
    counts only when it lists an HFG code; other tools' comments are theirs to judge."""
    used: set[int] = set()
    cell_comments = _cell_comments(text, cell)
    for leak in leaks:
        first, last = _line_bounds(text, leak.start, leak.end)
        line, rule = text[first:last], leak.rule.upper()
        for match in _OURS_RE.finditer(line):
            if _allows(match, rule):
                used.add(first + match.start())
        for match in _NOQA_RE.finditer(line):
            if rule in _CODE_RE.findall(match.group(1).upper()):
                used.add(first + match.start())
        for match in _next_line_comments(text, leak.start) + cell_comments:
            if _allows(match, rule):
                used.add(match.start())
    ours = [*_OURS_RE.finditer(text), *_NEXT_LINE_RE.finditer(text), *cell_comments]
    unused = [match for match in ours if match.start() not in used]
    unused += [
        match
        for match in _NOQA_RE.finditer(text)
        if match.start() not in used
        and any(c.startswith("HFG") for c in _CODE_RE.findall(match.group(1).upper()))
    ]
    return [
        Leak(
            "HFG100",
            m.start(),
            m.start() + len(m.group(0).rstrip()),
            "",
            "high",
            "allow-comment",
            False,
            None,
            UNUSED_REASON,
        )
        for m in sorted(unused, key=lambda m: m.start())
    ]


def drop_allowed(text: str, leaks: Sequence[Leak], cell: bool = False) -> list[Leak]:
    """``leaks`` found in ``text`` without those an inline comment allows (``cell``: ``text`` is a
    notebook code cell, where ``ignore-cell`` counts)."""
    if not leaks:
        return []
    allowances = _Allowances(text, cell)
    return [leak for leak in leaks if not allowances.allows(leak.start, leak.end, leak.rule)]
