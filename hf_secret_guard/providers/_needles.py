"""Where token prefixes are in a text, in one regex pass instead of a ``find`` per prefix.

The byte screen, the text screens and the token finder all start from these; they are derived from the
registry's prefixes, so a new provider needs nothing here.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import AnyStr, Optional

from hf_secret_guard import regexes
from hf_secret_guard.providers import PREFIXES

# Characters rare in code and in notebook JSON, rarest first.  A regex whose every branch starts with a
# literal character is searched by ``re`` at C speed, stopping only where one of those first characters
# is; so each needle is entered at its rarest character (``k`` of ``token``) and the part before that is
# checked behind it.  A needle with no rare character is searched for on its own (``str.find`` speed).
RARE_CHARS = "zZqQjJxXKkGWwCDY_-Sv"


def pivoted(needle: str, tail: str = "") -> Optional[str]:
    """``needle`` (then ``tail``) as a regex branch that starts with its rarest character, or None."""
    at = next((needle.rfind(char) for char in RARE_CHARS if char in needle), -1)
    if at < 0:
        return None
    before = f"(?<={re.escape(needle[: at + 1])})" if at else ""
    return f"{re.escape(needle[at])}{before}{re.escape(needle[at + 1 :])}{tail}"


def _pivot_at(needle: str) -> int:
    """Where a needle is entered: a final separator, else its rarest character, else its first."""
    if needle[-1] in "_-.":
        return len(needle) - 1
    return next((needle.rfind(char) for char in RARE_CHARS if char in needle), 0)


_NEEDLES = [n for n in PREFIXES if not any(other != n and other in n for other in PREFIXES)]


def _pass_pivots() -> dict[str, int]:
    """Where ``prefix_ends_by_pivot`` enters each needle: as the token screen does (``_pivot_at``), but
    the needles entered at a letter that share their first character (``AKIA``, ``ASIA``, ``AIza``,
    ``AQ.Ab8RN6``) at that character, together: that search costs a pass over the text, as each of
    theirs did, where one search per letter costs one pass each."""
    pivots = {needle: _pivot_at(needle) for needle in _NEEDLES}
    firsts = Counter(needle[0] for needle, at in pivots.items() if needle[at].isalpha())
    return {
        needle: 0 if needle[at].isalpha() and firsts[needle[0]] > 1 else at for needle, at in pivots.items()
    }


def _token_branches(pivots: dict[str, int]) -> list[str]:
    """The token needles (a needle that holds another, as ``sk-ant-`` holds ``sk-``, is implied by it) as
    regex branches, one per character they are entered at (``pivots``).

    Every branch consumes one character, its pivot (the rest is checked behind and ahead of it), so a
    search stops only at those characters and no occurrence hides inside another's match."""
    by_pivot: dict[str, list[tuple[str, int]]] = {}
    for needle, at in pivots.items():
        by_pivot.setdefault(needle[at], []).append((needle, at))
    branches = []
    for char, group in by_pivot.items():
        # The needles that end at the pivot, one look-behind for those of each length (``re`` tries its
        # alternatives with one step back, skipping each at its first character); then each other needle.
        ending: dict[int, list[str]] = {}
        for n, at in group:
            if at and not n[at + 1 :]:
                ending.setdefault(at + 1, []).append(re.escape(n))
        whole = [f"(?<={'|'.join(same)})" for same in ending.values()] + [
            (f"(?<={re.escape(n[: at + 1])})" if at else "")
            + (f"(?={re.escape(n[at + 1 :])})" if n[at + 1 :] else "")
            for n, at in group
            if not at or n[at + 1 :]
        ]
        # The two characters behind first, or one where a needle has only one (``_`` follows many letters,
        # few of them a needle's, and fewer pairs), or the one ahead for needles entered at their first;
        # then each needle.
        if all(at >= 2 for _, at in group):
            pairs = "|".join(sorted({re.escape(n[at - 2 : at]) for n, at in group}))
            firsts = "".join(sorted({re.escape(n[at - 2]) for n, at in group}))
            seconds = "".join(sorted({re.escape(n[at - 1]) for n, at in group}))
            gate = f"(?<=[{firsts}][{seconds}]{re.escape(char)})(?<=(?:{pairs}){re.escape(char)})"
        elif all(at for _, at in group):
            gate = f"(?<=[{''.join(sorted({re.escape(n[at - 1]) for n, at in group}))}]{re.escape(char)})"
        elif not any(at for _, at in group):  # entered at their first character: the next one ahead
            gate = f"(?=[{''.join(sorted({re.escape(n[1]) for n, _ in group}))}])"
        else:
            gate = ""
        branches.append(f"{re.escape(char)}{gate}(?:{'|'.join(whole)})")
    return branches


def _offsets(pivots: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """Every prefix, at each pivot character it holds: from a hit there, where that prefix would start."""
    offsets: dict[str, list[tuple[str, int]]] = {}
    for prefix in PREFIXES:
        for at, char in enumerate(prefix):
            if char in pivots:
                offsets.setdefault(char, []).append((prefix, at))
    return offsets


def by_first_character(branches: Iterable[str]) -> str:
    """Regex branches, each starting with one (escaped) character as ``pivoted`` writes them, as one
    alternation with a branch per first character, the commonest first (``RARE_CHARS`` backwards).  ``re``
    tries a search's alternatives in turn at each place it stops; this way it tries one per character
    before the right one, not one per needle.  Each group keeps its branches in their order, and a branch
    can only match where the text has its first character: every match is the same, at every place."""
    groups: dict[str, list[str]] = {}
    for branch in branches:
        first = branch[:2] if branch.startswith("\\") else branch[:1]
        groups.setdefault(first, []).append(branch[len(first) :])
    rarity = {first: RARE_CHARS.find(first[-1]) % (len(RARE_CHARS) + 1) for first in groups}  # -1: common
    order = sorted(groups, key=rarity.__getitem__, reverse=True)
    return "|".join(
        first + (f"(?:{'|'.join(groups[first])})" if len(groups[first]) > 1 else groups[first][0])
        for first in order
    )


_SCREEN_PIVOTS = {needle: _pivot_at(needle) for needle in _NEEDLES}
_PASS_PIVOTS = _pass_pivots()
TOKEN_BRANCHES = _token_branches(_SCREEN_PIVOTS)
TOKEN_SCREEN = by_first_character(TOKEN_BRANCHES)
TOKEN_PIVOTS = frozenset(needle[at] for needle, at in _SCREEN_PIVOTS.items())  # where its hits are
# A needle that shares its pass's character with no other and is this long (``eyJhcGlfYWRkcmVzcyI6``) is
# found by ``find``, which skips along by the needle's length where a pass stops at every such character.
_ALONE_FROM = 8
_PASS_CHARS = Counter(needle[at] for needle, at in _PASS_PIVOTS.items())
_ALONE = {
    needle: at
    for needle, at in _PASS_PIVOTS.items()
    if len(needle) >= _ALONE_FROM and _PASS_CHARS[needle[at]] == 1
}
_PASS_BRANCHES = _token_branches({n: at for n, at in _PASS_PIVOTS.items() if n not in _ALONE})
_OFFSETS = _offsets(
    {needle[at] for pivots in (_SCREEN_PIVOTS, _PASS_PIVOTS) for needle, at in pivots.items()}
)
_SCREEN_RE: list[re.Pattern[str]] = []  # compiled when first needed
_BRANCH_RES: list[re.Pattern[str]] = []  # the same, one per pivot character
_BRANCH_BYTES: list[re.Pattern[bytes]] = []  # the same, for UTF-8 bytes


def prefix_ends(text: str) -> Iterator[tuple[str, int]]:
    """(prefix, where it ends) for every occurrence of every token prefix in ``text``, as a ``find`` loop
    per prefix would give them (some more than once): one regex pass instead of a pass per prefix.

    A hit is a needle's pivot character; every prefix holding that character is tried at each place it
    holds it, so prefixes longer than their needle (``sk-ant-api03-`` holds ``sk-``) are found too."""
    if not _SCREEN_RE:
        _SCREEN_RE.append(regexes.compile(TOKEN_SCREEN))
    for hit in _SCREEN_RE[0].finditer(text):
        yield from prefixes_at(text, hit.start())


def prefixes_at(text: str, at: int) -> Iterator[tuple[str, int]]:
    """(prefix, where it ends) of each prefix that holds the hit at ``at`` where it holds its character."""
    for prefix, offset in _OFFSETS[text[at]]:
        start = at - offset
        if start >= 0 and text.startswith(prefix, start):
            yield prefix, start + len(prefix)


def prefix_ends_by_pivot(text: str) -> Iterator[tuple[str, int]]:
    """``prefix_ends(text)``, the same pairs in another order: a search per pivot character instead of one
    for them all.  ``re`` searches for a pattern that starts with one literal character at about the speed
    of ``find``, and for one that starts with any of a set at a fraction of it: in a long text, a pass per
    character costs less than one pass.  Every hit of the whole screen is one character, a hit of one of
    its branches, so the hits are the same."""
    if not _BRANCH_RES:
        _BRANCH_RES.extend(regexes.compile(branch) for branch in _PASS_BRANCHES)
    hits = (hit.start() for branch in _BRANCH_RES for hit in branch.finditer(text))
    for at in itertools.chain(hits, _alone_hits(text, _ALONE)):
        yield from prefixes_at(text, at)


def prefix_starts_in_bytes(data: bytes) -> Iterator[tuple[str, int]]:
    """(prefix, where it starts, in bytes) for every token prefix in the UTF-8 text ``data``, as
    ``prefix_ends_by_pivot`` of its text finds them (their ends there are the same prefixes' ends in
    characters).  Prefixes and what the searches check around them are ASCII, and in UTF-8 an ASCII byte
    is always that character: the same places match.  ``re`` reads bytes a byte a character, where text
    beyond Latin-1 takes 2 or 4 bytes a character: each pass costs less."""
    if not _BRANCH_BYTES:
        _BRANCH_BYTES.extend(regexes.compile(branch.encode("ascii")) for branch in _PASS_BRANCHES)
    hits = (hit.start() for branch in _BRANCH_BYTES for hit in branch.finditer(data))
    for at in itertools.chain(hits, _alone_hits(data, _ALONE_BYTES)):
        for prefix, offset in _OFFSETS[chr(data[at])]:
            start = at - offset
            if start >= 0 and data.startswith(prefix.encode("ascii"), start):
                yield prefix, start


_ALONE_BYTES = {needle.encode("ascii"): at for needle, at in _ALONE.items()}


def _alone_hits(haystack: AnyStr, needles: dict[AnyStr, int]) -> Iterator[int]:
    """Where the pivot character of each ``_ALONE`` needle (``needles``: as text or as bytes, like
    ``haystack``) is in ``haystack``: a ``find`` loop per needle."""
    for needle, at in needles.items():
        found = haystack.find(needle)
        while found >= 0:
            yield found + at
            found = haystack.find(needle, found + 1)
