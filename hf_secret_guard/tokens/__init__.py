"""Finding keys in text, and showing one without leaking it.

What a key looks like is declared once per provider (``providers/``); the patterns here are derived from
those declarations.  Pure functions over text; no I/O.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise
from typing import Any, AnyStr, NamedTuple, Optional

from hf_secret_guard import regexes
from hf_secret_guard.model import Confidence
from hf_secret_guard.providers import FORMATS, PREFIXES, PROVIDERS, Provider, TokenFormat, format_of
from hf_secret_guard.providers._needles import prefix_ends, prefix_ends_by_pivot, prefix_starts_in_bytes

# A candidate: the prefix, then the body, then no further token character.  The left boundary is checked
# by ``_left_boundary_ok`` because the allowed left neighbours (ANSI colour codes, backslash escapes)
# cannot be written as a fixed-width lookbehind.
_ANYWHERE = tuple(fmt for _, fmt in FORMATS if fmt.anywhere)
# One group per format, so a match says which format it is (two formats may share a prefix).
TOKEN_PATTERN = "|".join(f"({fmt.pattern}{fmt.tail})" for fmt in _ANYWHERE)
# One compiled pattern per prefix, tried only where ``prefix_ends`` saw that prefix: a single alternation
# of every format would try each alternative at every position of a large text.
_BY_PREFIX: dict[str, list[tuple[int, TokenFormat, re.Pattern[str]]]] = {}
for _order, _fmt in enumerate(_ANYWHERE):
    _BY_PREFIX.setdefault(_fmt.prefix, []).append(
        (_order, _fmt, regexes.compile(f"{_fmt.pattern}{_fmt.tail}"))
    )


def _matches(
    text: str, candidates: Iterable[tuple[str, int]], endpos: int
) -> list[tuple[int, int, str, TokenFormat]]:
    """(start, end, value, format) of each candidate, left to right, not overlapping; at one start the
    format listed first (the longest prefix) wins, as in a regex alternation.  ``candidates``: (prefix,
    where it starts) of the prefix occurrences to try; ``text`` is read as if it ended at ``endpos``."""
    found: list[tuple[int, int, int, str, TokenFormat]] = []
    tried: set[tuple[str, int]] = set()
    for prefix, at in candidates:
        if (prefix, at) in tried:
            continue
        tried.add((prefix, at))
        for order, fmt, pattern in _BY_PREFIX[prefix]:
            match = pattern.match(text, at, endpos)
            if match:
                found.append((at, order, match.end(), match.group(), fmt))
                break
    found.sort(key=lambda item: (item[0], item[1]))
    result: list[tuple[int, int, str, TokenFormat]] = []
    last_end = 0
    for start, _, end, value, fmt in found:
        if start >= last_end:
            result.append((start, end, value, fmt))
            last_end = end
    return result


class PrefixIndex:
    """Every token prefix in a text, found once (a pass per pivot character: ``prefix_ends_by_pivot``), so
    that the tokens of many stretches of it (a notebook's parts, the stretches between them) are found
    without searching each stretch again."""

    def __init__(self, text: str, data: Optional[bytes] = None) -> None:
        """``data``: the UTF-8 bytes ``text`` was decoded from (by ``utf-8`` or ``utf-8-sig``), when the
        caller has them: the prefixes are looked for there (``prefix_starts_in_bytes``)."""
        if data is None:
            found = sorted({(end - len(prefix), prefix) for prefix, end in prefix_ends_by_pivot(text)})
        else:
            found = _in_characters(
                sorted({(at, prefix) for prefix, at in prefix_starts_in_bytes(data)}), data, text
            )
        self.text = text
        self.starts = [start for start, _ in found]
        self.prefixes = [prefix for _, prefix in found]

    def any_within(self, start: int, end: int) -> bool:
        """Whether a prefix starts in ``text[start:end]``."""
        return self.next_start(start) < end

    def next_start(self, start: int) -> int:
        """Where the first prefix at or after ``start`` starts; the text's length if none does."""
        at = bisect_left(self.starts, start)
        return self.starts[at] if at < len(self.starts) else len(self.text)

    def within(self, start: int, end: int) -> Iterator[tuple[str, int]]:
        """(prefix, where it starts) of each prefix wholly inside ``text[start:end]``: what
        ``prefix_ends(text[start:end])`` finds there (a prefix inside the stretch is found in the whole text
        too: its pivot and what the search checks around it are inside)."""
        at = bisect_left(self.starts, start)
        while at < len(self.starts) and self.starts[at] < end:
            prefix_start, prefix = self.starts[at], self.prefixes[at]
            if prefix_start + len(prefix) <= end:
                yield prefix, prefix_start
            at += 1

    def tokens(self, start: int, end: int) -> Iterator[TokenMatch]:
        """``find_tokens(text[start:end])`` with offsets in ``text``."""
        if not self.any_within(start, end):
            return iter(())
        return _tokens(self.text, self.within(start, end), start, end)


def _in_characters(found: list[tuple[int, str]], data: bytes, text: str) -> list[tuple[int, str]]:
    """``found`` (where each prefix starts in ``data``, in order) with offsets in ``text``, which ``data``
    is the UTF-8 of, after one byte order mark more than ``text`` begins with if ``utf-8-sig`` took it
    off: the same, shifted, when every character is one byte; else each stretch up to a prefix decoded to
    count its characters."""
    length = len(text)
    at = len(_BOM) * (_leading(data, _BOM) - _leading(text, "\ufeff"))  # the mark a decoder took off
    if len(data) - at == length:
        return [(start - at, prefix) for start, prefix in found]
    view = memoryview(data)
    chars = 0
    placed = []
    for start, prefix in found:
        chars += len(str(view[at:start], "utf-8"))
        at = start
        placed.append((chars, prefix))
    return placed


_BOM = b"\xef\xbb\xbf"


def _leading(text: AnyStr, mark: AnyStr) -> int:
    """How many times ``text`` begins with ``mark``, one after another."""
    count = 0
    while text.startswith(mark, count * len(mark)):
        count += 1
    return count


# What may stand right before a token even though it ends in a letter or digit: a backslash escape such as
# ``\n`` or ``\u0022`` (Python source, notebook JSON), or an ANSI colour code such as ``\x1b[0;31m``.
_ESCAPE_BEFORE_RE = regexes.compile(
    r"(?:\\[ntrbfva]|\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[0-7]{1,3}"
    r"|(?:\x1b|\\x1b|\\u001[bB]|\\033|\\e)\[[0-9;]*m)\Z"
)
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")

TOKEN_PREFIXES = PREFIXES


class TokenMatch(NamedTuple):
    """A token found in a text: ``text[start:end] == value``."""

    start: int
    end: int
    value: str
    confidence: Confidence

    def __repr__(self) -> str:  # a repr ends up in logs and test reports: the value is masked
        shown = f"value={mask(self.value)!r}, confidence={self.confidence!r}"
        return f"TokenMatch(start={self.start}, end={self.end}, {shown})"


def _left_boundary_ok(text: str, start: int, lo: int = 0) -> bool:
    """``lo``: where the stretch of ``text`` that is searched begins (nothing before it is looked at)."""
    if start == lo or text[start - 1] not in _WORD_CHARS:
        return True
    return _ESCAPE_BEFORE_RE.search(text, max(lo, start - 16), start) is not None


def _looks_like_placeholder(body: str, mixed_case: bool = True) -> bool:
    """Names and placeholders: one case only (where real keys mix cases), long runs of one character,
    little entropy, or sequences like ``abcdef``."""
    letters = [c for c in body if c.isalpha()]
    if mixed_case and (not letters or all(c.islower() for c in letters) or all(c.isupper() for c in letters)):
        # A random 34-character token is single-case with probability about 2**-34.
        return True
    counts = Counter(body)
    if counts.most_common(1)[0][1] > len(body) // 2:
        return True
    entropy = -sum(n / len(body) * math.log2(n / len(body)) for n in counts.values())
    if entropy < 3.0:
        return True
    folded = body.lower()
    steps = sum(1 for a, b in pairwise(folded) if abs(ord(b) - ord(a)) == 1)
    return steps > len(body) // 2


def find_tokens(text: str) -> Iterator[TokenMatch]:
    """Every Hugging Face user or organization token in ``text``, left to right."""
    candidates = ((prefix, end - len(prefix)) for prefix, end in prefix_ends(text))
    return _tokens(text, candidates, 0, len(text))


def _tokens(text: str, candidates: Iterable[tuple[str, int]], lo: int, hi: int) -> Iterator[TokenMatch]:
    """The tokens of ``text[lo:hi]`` (offsets in ``text``), from its prefix occurrences ``candidates``."""
    for start, end, value, fmt in _matches(text, candidates, hi):
        if not _left_boundary_ok(text, start, lo):
            continue
        body = value[len(fmt.prefix) :]
        if _looks_like_placeholder(body, fmt.mixed_case) or (fmt.check is not None and not fmt.check(value)):
            continue
        yield TokenMatch(start, end, value, fmt.confidence(body))


def provider_of(value: str) -> Optional[Provider]:
    """The provider whose key ``value`` is, when it is exactly one key."""
    found = format_of(value)
    return found[0] if found is not None and is_token(value) else None


def provider_for(secret: str, env_name: Optional[str] = None, label: str = "") -> Optional[Provider]:
    """Whose key ``secret`` is: by its shape, else by the variable or slot it is written to, else by what
    the detector called it (``SerpAPI key``: a key named by the URL it is sent to)."""
    found = provider_of(secret)
    if found is None and env_name:
        found = next(
            (p for p in PROVIDERS if env_name.upper() in p.env_names or env_name == p.secret_name), None
        )
    if found is None and label:
        found = next((p for p in PROVIDERS if label == p.key_label), None)
    return found


def display_name(secret: str) -> str:
    """What a message calls ``secret``: the format's name (``Hugging Face token``), else "secret"."""
    found = format_of(secret)
    return found[1].display if found is not None else "secret"


def is_token(value: str) -> bool:
    """True when ``value`` is exactly one token and nothing else."""
    return any(m.start == 0 and m.end == len(value) for m in find_tokens(value))


def mask(secret: str) -> str:
    """``hf_****abcd``: a key's provider prefix and its last four characters, as huggingface_hub shows
    tokens; any other secret shows at most its last four."""
    found = format_of(secret)
    if found is not None and len(secret) > len(found[1].prefix) + 8:
        shown = regexes.compile(found[1].shown_prefix or re.escape(found[1].prefix)).match(secret)
        return f"{shown.group() if shown else found[1].prefix}****{secret[-4:]}"
    if len(secret) >= 16:  # a password's first letters are no prefix: they would help to guess it
        return f"****{secret[-4:]}"
    return "****"


def secret_hash(secret: str) -> str:
    """A stable, one-way name for a secret, used by baselines and fingerprints."""
    return _sha256_hex(("hf-secret-guard:" + secret).encode("utf-8", "surrogatepass"))[:32]


def _sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` in hex, from CPython's own implementation where it has one (``_sha2``;
    ``_sha256`` before 3.12): ``hashlib`` starts OpenSSL when it is imported, which every process that
    makes a finding (each scan worker) would pay for a hash this small.  Looked for once, at the first
    finding (a failed import is looked for again on every try): a clean run needs neither."""
    if not _SHA256:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            try:
                from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
            except ImportError:  # a build without them: OpenSSL's
                from hashlib import sha256
        _SHA256.append(sha256)
    return str(_SHA256[0](data).hexdigest())


_SHA256: list[Callable[[bytes], Any]] = []  # the constructor ``_sha256_hex`` found


def identity(secret: str, env_name: Optional[str]) -> str:
    """What baselines and fingerprints hash.  A token is random enough that its hash reveals nothing; a
    weak password's hash (``hunter2``) can be guessed, so other secrets are known by the environment name
    they are written to instead."""
    if is_token(secret):
        return secret
    return f"environment-name:{env_name or ''}"


def fingerprint(rule: str, path: str, secret: str) -> str:
    """Identifies a finding across runs without line numbers, so moving code does not change it."""
    material = f"{rule}\0{path}\0{secret_hash(secret)}"
    return _sha256_hex(material.encode("utf-8", "surrogatepass"))[:32]


def redact(text: str) -> str:
    """``text`` with every token replaced by its masked form; used for any text we print."""
    return redact_counting(text)[0]


def redact_counting(text: str) -> tuple[str, int]:
    """``redact`` and how many tokens it masked; ``text`` itself when there were none."""
    out: list[str] = []
    last = 0
    for m in find_tokens(text):
        out.append(text[last : m.start])
        out.append(mask(m.value))
        last = m.end
    if not out:
        return text, 0
    out.append(text[last:])
    return "".join(out), len(out) // 2
