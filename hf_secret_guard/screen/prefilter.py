"""Cheap byte-level checks that decide whether a file or part can hold a finding at all.

Everything expensive (JSON parsing, libcst) runs only behind these.  A needle search with ``bytes.find``
runs at memory speed, so a clean tree costs little more than reading it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Sequence
from typing import AnyStr, Optional

from hf_secret_guard import regexes
from hf_secret_guard.detect.shell import find_shell_leaks
from hf_secret_guard.providers import FORMATS, PREFIXES
from hf_secret_guard.providers._needles import (
    RARE_CHARS,
    TOKEN_BRANCHES,
    TOKEN_PIVOTS,
    TOKEN_SCREEN,
    by_first_character,
    pivoted,
    prefix_ends,
    prefix_ends_by_pivot,
    prefixes_at,
)
from hf_secret_guard.tokens.env_names import is_placeholder, is_secret_name
from hf_secret_guard.tokens.slots import (
    CLI_LOGIN_COMMANDS,
    POSITIONAL_KEY_CALLS,
    SLOT_NAME_PARTS,
    URL_PARAMETER_HINTS,
    URL_PARAMETER_RE,
    is_slot_name,
    looks_real,
    strip_scheme,
)

# A token starts with one of these; an environment write needs one of the others.
TOKEN_NEEDLES = tuple(prefix.encode() for prefix in PREFIXES)
ENV_NEEDLES = (b"environ", b"putenv", b"%env", b"set_env", b"export")  # export: also before a tab
# The same needles, for text that is already decoded (a notebook's parts).
TEXT_NEEDLES = (*(needle.decode() for needle in (*TOKEN_NEEDLES, *ENV_NEEDLES)), *CLI_LOGIN_COMMANDS)
TOKEN_PREFIX_SET = frozenset(PREFIXES)

_ENV_WRITE = (
    r"environ\s*\.\s*(?:setdefault|__setitem__|update)\b|putenv\b|%env\b|%set_env\b|\bexport\s+\w+="
    r"|\[[^\]\n]{1,200}\]\s*=(?!=)|\bimport\s+os\s+as\b|\bfrom\s+os\s+import\b"
)


def _re(pattern: AnyStr) -> re.Pattern[AnyStr]:
    """Compiled (or read from the cache of ``regexes``) on first use, and then from that module's memory:
    a clean file never needs most patterns, so start-up does not pay for building them."""
    return regexes.compile(pattern)


# A key slot with a literal in it (``api_key="``, ``"Authorization": "``, ``token = '``, ``Github("``), in
# code or in notebook JSON (``\\"``; ``\\\\\\"`` for a cell's shell-escaped quote, ``echo "{\\"key\\":``):
# a superset of what the slot detector accepts.  Driven by ``find`` of literal words, since a regex without
# a literal prefix crawls over every byte.
_SLOT_WORDS = tuple(
    word
    for part in SLOT_NAME_PARTS  # each slot name holds one, in any case
    for word in ((part, part.title(), part.upper()) if len(part) < 4 else (part[1:], part[1:].upper()))
)  # ``oken`` is in ``token`` and ``Token``: a short part is written out in its three cases
# The calls that take a key first (``tokens.slots.POSITIONAL_KEY_CALLS``), by their last name.
_SLOT_CALLS = tuple(sorted({call.rsplit(".", 1)[-1] + "(" for call in POSITIONAL_KEY_CALLS}))
# What may stand between a name, the ``=`` or ``:`` after it and the literal: white space and line breaks
# (also a backslash's, and in notebook JSON ``\n`` and the end of one line's string and the start of the
# next), an opening bracket after the sign; a subscript's ``]`` before it.
_BREAK = r"\s|\\\n|\\+n|\\*\",\s*\""
_SLOT_TAIL = rf"[\w-]*\\{{0,3}}[\"']?\]?(?:{_BREAK})*[:=](?:[(]|{_BREAK})*[rbufRBUF]{{0,2}}\\{{0,3}}([\"'])"
_CALL_TAIL = rf"(?:[(]|{_BREAK})*[rbuRBU]{{0,2}}\\?([\"'])"


# The letters that begin most words in code: a regex that starts with one stops at each.
_COMMON_LEADS = "etaoinsrl"


def _entered_late(needle: str, tail: str) -> str:
    """``needle`` then ``tail``, as a regex that starts after the needle's common leading letters
    (``cret`` of ``ecret``) and checks the whole needle behind: ``re`` finds a literal start at C speed,
    and stops at fewer places when it begins with a rarer letter."""
    at = 0
    while at < len(needle) - 1 and needle[at] in _COMMON_LEADS:
        at += 1
    behind = f"(?<={re.escape(needle)})" if at else ""
    return f"{re.escape(needle[at:])}{behind}{tail}"


def _screens(branches: Sequence[tuple[str, str]]) -> list[str]:
    """Regexes that together find any ``needle`` followed by its ``tail``: one for every needle with a
    rare character, one for each other needle (entered late: ``_entered_late``)."""
    pivoted_ = [(pivoted(needle, tail), needle, tail) for needle, tail in branches]
    joined = "|".join(branch for branch, _, _ in pivoted_ if branch)
    alone = [_entered_late(needle, tail) for branch, needle, tail in pivoted_ if not branch]
    return ([joined] if joined else []) + alone


# Words and calls in as few passes as possible; a hit that holds ``(`` before any sign is a call
# (``_is_call``).
_SLOT_BRANCHES = [(word, _SLOT_TAIL) for word in _SLOT_WORDS] + [(call, _CALL_TAIL) for call in _SLOT_CALLS]
_SLOT_SCREEN = _screens(_SLOT_BRANCHES)
_SLOT_SCREEN_B: list[re.Pattern[bytes]] = []
# The branches of the slot screen's first regex that are entered at ``k`` (``token``, ``key``, ``Token(``,
# ``save_token(``), in its order: one regex that ``re`` searches as fast as a literal, where the first
# stops at each of the first regex's many entry letters.  Template notebooks have ``token = "..."``.
_K_SLOT_SCREEN = "|".join(
    branch
    for branch in (
        *(pivoted(word, _SLOT_TAIL) for word in _SLOT_WORDS),
        *(pivoted(call, _CALL_TAIL) for call in _SLOT_CALLS),
    )
    if branch is not None and branch.startswith("k")
)


def _slot_bytes(data: bytes) -> bool:
    """A slot word followed by a literal, or a key-taking call: ``find`` of each word and ``match`` of
    its tail, done by a few regexes (see ``providers._needles.RARE_CHARS``)."""
    if not _SLOT_SCREEN_B:
        _SLOT_SCREEN_B.extend(regexes.compile(pattern.encode()) for pattern in _SLOT_SCREEN)
    return any(screen.search(data) is not None for screen in _SLOT_SCREEN_B)


def _value_may_be_key(text: str, quote_at: int) -> bool:
    """The literal after a slot: a key or a placeholder?  Unsure (an escape, no closing quote on the
    line, or in notebook JSON the end of one string of a list and the start of the next before the closing
    quote or at it: a cell's source line that goes on in the next item) counts as yes."""
    quote = text[quote_at]
    close = text.find(quote, quote_at + 1)
    line_end = text.find("\n", quote_at + 1)
    if close < 0 or (0 <= line_end < close):
        return True
    split = _re(_JSON_LIST_SPLIT).search(text, quote_at + 1, close + _SPLIT_REACH)
    if split is not None and split.start() <= close:
        return True
    value = text[quote_at + 1 : close].replace("\\", "")  # as the token screens: keys are written out
    return is_placeholder(value) or looks_real(strip_scheme(value)[1])


def slot_names(text: str, word_at: int, quote_at: int) -> set[str]:
    """The name that the slot word at ``word_at`` stands in, its literal opening at ``quote_at``: as it is
    written up to the sign (quotes, a string prefix and the sign taken off), and as the whole run of name
    characters around the word, for when more than the sign stands after it (``d["key"] =``)."""
    begin = word_at
    while begin and (text[begin - 1].isalnum() or text[begin - 1] in "_-"):
        begin -= 1
    name = text[begin:quote_at].rstrip(" \t:=\\\"'").rstrip("rbufRBUF")
    name = regexes.compile(r"[\\\"'\s:=]+$").sub("", name)
    end = word_at
    while end < quote_at and (text[end].isalnum() or text[end] in "_-"):
        end += 1
    return {name, text[begin:end]}


def _is_call(match: str) -> bool:
    """A match of the slot screen that is a call's: its ``(`` comes before any sign (a word's match holds
    one only after its ``=`` or ``:``, as in ``token = (``)."""
    bracket = match.find("(")
    return bracket >= 0 and not any(sign in match[:bracket] for sign in ":=")


def slot_candidate(text: str) -> bool:
    """Could ``text`` hold a key or a placeholder in a key slot?"""
    return _slot_in(text, _SLOT_SCREEN)


def _slot_in(text: str, screens: Sequence[str]) -> bool:
    """Whether a match of one of ``screens`` (regexes of branches of the slot screen, each branch written
    as there) is a slot that may hold a key."""
    # Each match is a slot word, the rest of its name and a literal's opening quote (the match's last
    # character), or a call and the quote.  A word later in the same name has the same name and quote,
    # so the matches not overlapping loses nothing; a call's match and a word's cannot overlap (a word's
    # holds no ``(`` before its sign nor letters after it, and a call's holds no word but at its own
    # pivot, where a word's tail cannot match).
    login: list[Optional[bool]] = [None]
    return any(
        _slot_holding_key(text, slot, login) is not None
        for pattern in screens
        for slot in _re(pattern).finditer(text)
    )


def _slot_holding_key(text: str, slot: re.Match[str], login: list[Optional[bool]]) -> Optional[set[str]]:
    """The names of the slot a match of the slot screen found, when the literal in it may be a key (none
    for a call's match); None when it may not.  ``login``: whether ``text`` has a login call or a
    ``username`` (which make a plain ``key`` a slot), asked once per text and kept there."""
    quote_at = slot.end() - 1
    if _is_call(slot.group()):
        return set() if _value_may_be_key(text, quote_at) else None
    names = slot_names(text, slot.start(), quote_at)
    if "key" in {each.lower() for each in names} and login[0] is None:
        # ``wandb.login(key=...)``, or a kaggle.json dict ``{"username": ..., "key": ...}``
        login[0] = "login(" in text or "username" in text
    if any(is_slot_name(each, each.lower() == "key" and bool(login[0])) for each in names) and (
        _value_may_be_key(text, quote_at)
    ):
        return names
    return None


# A character that no path of a slot regex's tail takes after the match's end (only white space,
# backslashes, quotes, ``]``, ``,``, ``:``, ``=``, ``(``, the ``n`` of ``\\n`` and string prefixes may
# follow a slot's name): the regex reads nothing past the first such character.
_TAIL_STOP = r"""[^\s\\"'\],:=(nrbufRBUF]"""


def _k_slot_shown(raw: str) -> Optional[bool]:
    """The ``k`` slot screen (``_slot_in(raw, (_K_SLOT_SCREEN,))``) of a notebook's raw text: False when it
    finds no slot; True when it finds one that the text without its image base64 (``without_images``)
    has too, so that the text screen says yes without building that text; else None.  Such a slot, from
    its name's beginning (and the regex's look-behind) to the first character past the match that the
    regex cannot take (``_TAIL_STOP``) and the literal's closing quote (``_value_may_be_key``), stands
    whole in the text without images (``_images_away``), and is not named ``key`` (whose judgement reads
    the whole text for ``login(``): what the regex and the judgement read is the same in both texts, so
    the match at that place and its judgement are too."""
    login: list[Optional[bool]] = [None]
    found = False
    for slot in _re(_K_SLOT_SCREEN).finditer(raw):
        names = _slot_holding_key(raw, slot, login)
        if names is None:
            continue
        found = True
        quote_at = slot.end() - 1
        if "key" in {each.lower() for each in names}:
            continue
        close = raw.find(raw[quote_at], quote_at + 1)
        stop = _re(_TAIL_STOP).search(raw, slot.end())
        if close < 0 or stop is None:
            continue
        seen = max(close, stop.start()) + 1
        begin = slot.start()  # where the name begins: its judgement reads back to there
        while begin and (raw[begin - 1].isalnum() or raw[begin - 1] in "_-"):
            begin -= 1
        return _images_away(raw, max(0, min(slot.start() - _LOOKBEHIND, begin - 1)), seen) or None
    return None if found else False


# More than the longest look-behind of the ``k`` slot screen's branches (``(?<=set_auth_tok)``).
_LOOKBEHIND = 16


def _images_away(raw: str, start: int, end: int) -> bool:
    """Whether ``raw[start:end]`` stands whole, with what comes before it, in the text without image base64
    (``without_images``): every image string that function takes out and that begins before ``end`` ends
    by ``start`` (``_images``, which searches no further than ``end``)."""
    images = _images(raw, _re(_IMAGE_KEY.decode()), before=end)
    return all(image_end <= start for _, image_end in images)


_TOKEN_SCREEN_B: list[re.Pattern[bytes]] = []


_TEXT_SCREEN = "|".join(
    [TOKEN_SCREEN]
    + [
        pivoted(n) or re.escape(n)
        for n in (*(needle.decode() for needle in ENV_NEEDLES), *CLI_LOGIN_COMMANDS)
    ]
)


def has_text_needle(text: str) -> bool:
    """``any(needle in text for needle in TEXT_NEEDLES)``, in one pass."""
    return _re(_TEXT_SCREEN).search(text) is not None


def has_token_needle(data: bytes) -> bool:
    """Any token prefix in ``data``: ``any(needle in data for needle in TOKEN_NEEDLES)`` in one pass."""
    if not _TOKEN_SCREEN_B:
        _TOKEN_SCREEN_B.append(regexes.compile(TOKEN_SCREEN.encode()))  # compiled once: every file needs it
    return _TOKEN_SCREEN_B[0].search(data) is not None


_SECRET_WORD_BYTES = regexes.compile(rb"(?i)token|key|secret|passw|credential")


def text_may_leak(data: bytes, extra_names: Sequence[str] = ()) -> bool:
    """A text file (not Python, not a notebook): a token prefix, or a word every secret-named slot has
    (``tokens.env_names``: every secret name holds one of them, ``NGROK_AUTHTOKEN`` included)."""
    if has_token_needle(data) or _SECRET_WORD_BYTES.search(data) is not None:
        return True
    if any(needle in data for needle in _LOGIN_NEEDLES):
        return True
    return any(name.encode("utf-8", "replace") in data for name in extra_names)


# An image (or other base64) string in notebook JSON: ``"image/png": "iVBOR..."``, up to its closing quote,
# when all of it is base64 and its ``\n`` escapes.  The reader never scans such a string in an output, so
# the byte screen need not either; in a notebook with plots it is most of the bytes.  A key whose value
# is no string (``"image/png": {"width": 400}`` in output metadata) does not match, nor does a string with
# another character (``"image/png": "hf_..."`` in cell metadata, which the reader scans as text).  The key
# and the opening quote are found by a regex; the rest, up to the closing quote, by ``find`` and checked
# by ``translate`` (a regex reads a long run of base64 a character at a time, several times slower).
_IMAGE_KEY = rb'"image/(?!svg)[^"\\]{1,100}"[ \t\r\n]*:[ \t\r\n]*"'
_IMAGE_LITERAL = '"image/'  # how every match of ``_IMAGE_KEY`` begins
_BASE64_CHARS = string.ascii_letters.encode() + string.digits.encode() + b"+/=\\"


def without_images(data: AnyStr) -> AnyStr:
    """``data`` without the base64 of its ``image/*`` strings (``image/svg+xml`` is text: kept): each
    from its key to its closing quote, taken left to right."""
    if isinstance(data, bytes):
        if _IMAGE_LITERAL.encode() not in data:
            return data
        key = _re(_IMAGE_KEY)
    elif _re(_IMAGE_LITERAL).search(data) is None:  # ``re`` finds a literal faster than ``in`` beyond Latin-1
        return data
    else:
        key = _re(_IMAGE_KEY.decode())
    pieces = []
    kept = 0
    for start, end in _images(data, key):
        pieces.append(data[kept:start])
        kept = end
    pieces.append(data[kept:])
    return data[:0].join(pieces)


def _images(data: AnyStr, key: re.Pattern[AnyStr], before: Optional[int] = None) -> Iterator[tuple[int, int]]:
    """Where each image string that ``without_images`` takes out begins (its key) and ends (its closing
    quote), left to right; with ``before``, those that begin before it, and nothing is searched past it.
    Every key begins with ``_IMAGE_LITERAL``: the literal is searched for, the key matched there."""
    literal = _re(_IMAGE_LITERAL if isinstance(data, str) else _IMAGE_LITERAL.encode())
    endpos = len(data) if before is None else before + len(_IMAGE_LITERAL) - 1
    at = 0
    while True:
        found = literal.search(data, at, endpos)
        if found is None:
            return
        image = key.match(data, found.start())
        end = None if image is None else _base64_end(data, image.end())
        if end is None:  # no image string begins here: the search goes on past it
            at = found.start() + 1
        else:
            yield found.start(), end
            at = end


def _base64_end(data: AnyStr, start: int) -> Optional[int]:
    """Where the string whose value begins at ``start`` closes, when all of its value is base64."""
    if isinstance(data, bytes):
        end = data.find(b'"', start)
        value = data[start:end]
    else:
        end = data.find('"', start)
        text = data[start:end]
        if not text.isascii():
            return None
        value = text.encode("ascii")
    if end < 0 or value.translate(None, _BASE64_CHARS):
        return None
    return end


def may_contain_leak(data: bytes, notebook: bool = True) -> bool:
    """False only when no rule can fire on ``data``: no token prefix and no environment write.

    ``%env``, ``set_env`` and ``export`` are IPython and shell syntax, which only notebooks have.  Every
    environment needle but ``export`` contains ``env``, found in one file in five: one pass instead of four.
    """
    if notebook:
        return _notebook_may_contain_leak(data)
    return python_bytes_screen(data) is not None


def python_bytes_screen(data: bytes) -> Optional[int]:
    """``may_contain_leak`` of a ``.py`` file's bytes, and where the text screen's search for tokens and
    slots (``python_screen``'s ``start``) may begin in the text they are the UTF-8 of: None when no rule
    can fire on ``data``; else, where the text holds what the bytes hold (``same_in_text``), the offset of
    the first place the byte screen's search of token prefixes and slots stops at a match (``len(data)``
    when there is none: then only an environment write or a slot word of a pass of its own lets the file
    on); 0 elsewhere.  A file with an environment write is let on whatever the search finds: it is made
    only where its first hit spares the text screen a search of as much."""
    joined, *late = _py_screens()
    env = b"env" in data and (b"environ" in data or b"putenv" in data)
    if env and not same_in_text(data):
        return 0
    hit = joined.search(data)
    if hit is None and not env and not any(screen.search(data) for screen in late):
        return None
    if not env and not same_in_text(data):
        return 0
    return len(data) if hit is None else hit.start()


def same_in_text(data: bytes) -> bool:
    """Whether ``data``'s ASCII text holds what a screen finds at the same places in ``data``: each
    screen is one regex for bytes and one for text, written alike, and on ASCII they differ only where
    ``\\s`` in text also takes the separators ``\\x1c``-``\\x1f``."""
    return data.isascii() and not any(separator in data for separator in _SEPARATORS)


_SEPARATORS = (b"\x1c", b"\x1d", b"\x1e", b"\x1f")


def _url_tails(word: str) -> list[str]:
    """What follows ``word`` in each URL parameter hint that holds it (``oken`` in ``token=``: ``=``, with
    the rest of the hint checked behind)."""
    tails = []
    for hint in URL_PARAMETER_HINTS:
        at = hint.find(word)
        if at >= 0:
            behind = f"(?<={re.escape(hint)})" if at else ""
            tails.append(re.escape(hint[at + len(word) :]) + behind)
    return tails


def _slot_or_url_branches() -> list[tuple[str, str]]:
    """The slot screen's words and calls, each word also followed by the rest of any URL parameter hint
    that holds it (``key=``); a hint that holds no word is a needle of its own."""
    branches = []
    for word in _SLOT_WORDS:
        tails = _url_tails(word)
        branches.append((word, f"(?:{'|'.join(tails)}|{_SLOT_TAIL})" if tails else _SLOT_TAIL))
    branches += [(call, _CALL_TAIL) for call in _SLOT_CALLS]
    return branches + [
        (hint, "") for hint in URL_PARAMETER_HINTS if not any(word in hint for word in _SLOT_WORDS)
    ]


def _py_needle_screens() -> list[str]:
    """The ``.py`` byte screen in as few passes as possible: the token prefixes and every slot word or
    call that has a rare character in one regex (a search that may stop at any of a set of characters
    costs much more than one for a literal, but about the same for a set of six as for one of fifteen);
    each other word alone, entered late (``_entered_late``)."""
    branches = [(pivoted(needle, tail), needle, tail) for needle, tail in _slot_or_url_branches()]
    joined = by_first_character([*TOKEN_BRANCHES, *(branch for branch, _, _ in branches if branch)])
    return [joined, *(_entered_late(needle, tail) for branch, needle, tail in branches if not branch)]


_PY_SCREENS_B: list[re.Pattern[bytes]] = []


def _py_screens() -> list[re.Pattern[bytes]]:
    """``_py_needle_screens``, compiled when first needed."""
    if not _PY_SCREENS_B:
        _PY_SCREENS_B.extend(regexes.compile(pattern.encode()) for pattern in _py_needle_screens())
    return _PY_SCREENS_B


def _py_needle_bytes(data: bytes) -> bool:
    """``has_token_needle(data) or _slot_bytes(data) or any(hint.encode() in data for hint in
    URL_PARAMETER_HINTS)``,
    in the passes of ``_py_needle_screens``: every URL parameter hint holds a slot word, so the hints cost
    no pass of their own."""
    return any(screen.search(data) is not None for screen in _py_screens())


def _notebook_may_contain_leak(data: bytes) -> bool:
    """``may_contain_leak`` of a notebook: the same needles, the likeliest first (``environ``, then
    ``export``, then a key slot, which template notebooks have early), so that most files are decided by a
    search of a part of them; the needles that are mostly absent, each a search of the whole file, last.
    Token prefixes, slots and URL hints are looked for outside image base64, in the ``.py`` screen's
    passes (one search fewer than a pass for slots and one for prefixes); the rest everywhere."""
    if _re(_ENV_FAMILY).search(data) or _re(_EXPORT).search(data) or hides_needles(data):
        return True
    if _py_needle_bytes(without_images(data)):  # slots, token prefixes and URL hints: the .py passes
        return True
    return any(_re(screen).search(data) for screen in _LOGIN_SCREENS)  # ``_write_needle_in``'s


# Every environment needle but ``export`` holds ``env``: one search entered at it finds them all.
_ENV_FAMILY = (
    b"env(?:"
    + b"|".join(
        re.escape(needle[needle.find(b"env") + 3 :]) + b"(?<=" + re.escape(needle) + b")"
        for needle in ENV_NEEDLES
        if b"env" in needle
    )
    + b")"
)


def _pivot_passes(needles: Sequence[str]) -> list[bytes]:
    """``any(needle in data for needle in needles)`` as one regex per character the needles are entered
    at (their rarest, ``RARE_CHARS``; a needle with none at its first): fewer passes where they share one.
    Each branch reads on from that character before it looks behind for the whole needle (``ken`` is rarer
    than ``k``)."""
    by_pivot: dict[str, list[str]] = {}
    for needle in needles:
        at = next((needle.rfind(char) for char in RARE_CHARS if char in needle), 0)
        behind = f"(?<={re.escape(needle)})" if at else ""
        by_pivot.setdefault(needle[at], []).append(re.escape(needle[at + 1 :]) + behind)
    return [f"{re.escape(pivot)}(?:{'|'.join(branches)})".encode() for pivot, branches in by_pivot.items()]


# A letter, digit, ``_``, ``-`` or ``.`` written as a JSON ``\u`` escape: what every key and needle is
# made of.  No notebook writer escapes these (they escape quotes, backslashes, controls and, with
# ``ensure_ascii``, non-ASCII), so the raw text can hide a key or ``environ`` only by this.
_NEEDLE_ESCAPE = r"\\u00(?:2[dDeE]|3[0-9]|4[1-9a-fA-F]|5[0-9aAfF]|6[1-9a-fA-F]|7[0-9aA])"


def hides_needles(data: AnyStr) -> bool:
    """Whether a notebook's raw text writes a character of a needle as an escape (its parts are then
    read, where the decoded text shows it).  Of bytes, the regex alone: it starts with the literal
    ``\\u00``, which ``re`` finds as fast as ``in`` does."""
    if isinstance(data, bytes):
        return _re(_NEEDLE_ESCAPE.encode()).search(data) is not None
    return "\\u00" in data and _re(_NEEDLE_ESCAPE).search(data) is not None


def notebook_escapes(raw: str, data: Optional[bytes]) -> tuple[bool, bool]:
    """Whether a notebook's raw text has any ``\\u`` escape, and ``hides_needles`` of it, in one search:
    the needle escapes are looked for from the first ``\\u`` on.  Asked of its bytes when the caller has
    them: the patterns are ASCII, so the answers are the same, and a search of text with characters beyond
    Latin-1 costs more."""
    if data is None:
        first = _re(r"\\u").search(raw)
        if first is None:
            return False, False
        return True, _re(_NEEDLE_ESCAPE).search(raw, first.start()) is not None
    first_b = _re(rb"\\u").search(data)
    if first_b is None:
        return False, False
    return True, _re(_NEEDLE_ESCAPE.encode()).search(data, first_b.start()) is not None


def notebook_hides_needles(raw: str, data: Optional[bytes]) -> bool:
    """``hides_needles`` of a notebook (``notebook_escapes``)."""
    return notebook_escapes(raw, data)[1]


def url_candidate(text: str) -> bool:
    """Could ``text`` hold a key in a credential URL parameter (``?api_key=...``)?  ``has_url_parameter_hint``
    and ``url_parameters``, in one search: every parameter's name ends in a hint (``_URL_HINT_SCREEN`` finds
    its ``=``), and its match starts right before the name, at the ``?``, ``&`` or ``;`` that the run of
    name letters ending there follows; its matches cannot overlap (none holds a second such character), so
    ``url_parameters`` finds a match at each place this tries where one starts."""
    for hint in _re(_URL_HINT_SCREEN).finditer(text):
        begin = hint.start()
        while begin > hint.start() - _URL_NAME_LONGEST and begin and text[begin - 1] in _URL_NAME_LETTERS:
            begin -= 1
        if begin and text[begin - 1] in "?&;":
            parameter = URL_PARAMETER_RE.match(text, begin - 1)
            if parameter is not None and looks_real(parameter.group("value")):
                return True
    return False


# What a credential URL parameter's name is written with, and its most letters (``client_secret``).
_URL_NAME_LETTERS = frozenset(string.ascii_letters + "_")
_URL_NAME_LONGEST = 13


def may_write_environ(text: str) -> bool:
    """Could this code write a literal into the environment?  Decides whether libcst must look."""
    if "environ" not in text and "putenv" not in text and "env" not in text:
        return False
    return _re(_ENV_WRITE).search(text) is not None


def may_bind_os(text: str) -> bool:
    """``import os as o``: a later part may write through ``o.environ``, so this part is read for the name
    even when it has no needle of its own (``from os import environ as e`` names ``environ`` itself)."""
    return "os" in text and _re(r"\bimport\s+os\s+as\b").search(text) is not None


def needs_parse(text: str) -> bool:
    """A code part is parsed only when it has a token prefix or may write the environment."""
    return token_candidate(text) or may_write_environ(text) or slot_candidate(text) or url_candidate(text)


# --- Finer checks: could this text produce a finding, not merely mention a needle?
#
# Each accepts a superset of what the detectors report, so a text they reject cannot hold a finding and
# is not parsed.  The contract is the needle's: a token's prefix and an environment name are written out
# in the source, not spelled with escapes.  Each search starts from ``str.find`` of a literal word:
# CPython's ``re`` only skips ahead fast for a pattern that starts with a literal.

# What may stand between two Python tokens: space, line continuations, comments.  Each alternative starts
# with its own character and a comment runs to the end of its line, so a failed match cannot backtrack
# through the same text in more than one way.
_GAP = r"(?:\s|\\|#[^\r\n]*(?![^\r\n]))*"
# After a token prefix: a whole body, or a body that continues past a quote (implicit concatenation:
# ``"hf_abc" "def..."``) or a backslash (an escape, a line continuation, the ``\"`` of notebook JSON).
# ``hf_hub_download(`` and ``kwargs["hf_token"]`` are neither: most ``hf_`` in real code is part of a name.
# In notebook JSON a multiline string is a list of lines, so there a token may also continue in the next
# list element: ``"... hf_abc",\n "def..."``.  In Python, ``("hf_", "api_org_")`` is two values.
_SPLIT = rf"(?:\\|[\"']{{1,3}}{_GAP}[rRbBuUfF]{{0,2}}[\"'])"
_JSON_LIST_SPLIT = r"\"\s*,\s*\""
_SPLIT_REACH = 64  # how far past a literal's closing quote a list split is looked for (white space in it)
_TOKEN_BODY: dict[str, tuple[str, str]] = {}
for _, _fmt in FORMATS:  # formats that share a prefix share its entry
    if _fmt.anywhere:
        _whole, _part = _TOKEN_BODY.get(_fmt.prefix, ("", ""))
        _TOKEN_BODY[_fmt.prefix] = (
            f"{_whole}|{_fmt.body}" if _whole else _fmt.body,
            f"{_part}|{_fmt.partial_body}" if _part else _fmt.partial_body,
        )
# ``environ as env``, also across a line continuation or a comment in ``from os import (...)``.
_ALIAS_TAIL = rf"{_GAP}as\b{_GAP}(\w+)"
# A gap that may also close brackets: ``(os.environ)[...]``, ``(os.putenv)(...)``.
_CLOSING_GAP = r"(?:\s|\\|\)|#[^\r\n]*(?![^\r\n]))*"
# After ``os.environ`` (or a name bound to it): ``[``, ``.setdefault(``, ``.__setitem__(``, ``.update``;
# after ``putenv``: ``(``.
_ENVIRON_TAIL = (
    rf"{_CLOSING_GAP}(?:\[|\.{_GAP}(?:(?:setdefault|__setitem__){_CLOSING_GAP}\(|(?P<update>update)(?!\w)))"
)
_PUTENV_TAIL = rf"{_CLOSING_GAP}\("
# ``environ.update(other)``, ``environ.update(self.env)``: a name has no literal keys for the detector.
_UPDATE_FROM_NAME = rf"{_GAP}\({_GAP}[A-Za-z_][\w.]*{_GAP}\)"
_STRING_START = r"(?:\s|\\|\(|#[^\r\n]*(?![^\r\n]))*[rRbBuU]{0,2}([\"'])"
_AFTER_STRING = r"(?:\s|\\|\)|#[^\r\n]*(?![^\r\n]))*[rRbBuUfF]{0,2}[\"']"


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _ends_of(text: str, word: str, bounded: bool = True) -> Iterator[int]:
    """Where each occurrence of ``word`` ends; with ``bounded``, only whole words (as regex ``\\b``)."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if not bounded or not (
            (start and _is_word(text[start - 1])) or (end < len(text) and _is_word(text[end]))
        ):
            yield end
        start = text.find(word, end)


def token_candidate(text: str, json: bool = False) -> bool:
    """Could ``text`` hold a token, whole or split across string pieces?  ``json``: the raw text of a
    notebook, where a string may also continue in the next element of a list of lines.  A long text (a
    whole ``.py`` file) is searched a pivot character at a time (``prefix_ends_by_pivot``: the same
    prefixes, in another order), faster there than one search for any of them."""
    if len(text) >= _BY_PIVOT_CHARS:
        ends = prefix_ends_by_pivot(text)
    elif _re(TOKEN_SCREEN).search(text) is None:
        return False
    else:
        ends = prefix_ends(text)
    return any(_token_body(prefix, json).match(text, end) for prefix, end in ends)


def _token_body(prefix: str, json: bool) -> re.Pattern[str]:
    """What must follow ``prefix`` for ``token_candidate``: a whole body, or a part and a split."""
    split = f"(?:{_SPLIT}|{_JSON_LIST_SPLIT})" if json else _SPLIT
    return _re(f"(?:{_TOKEN_BODY[prefix][0]})|(?:{_TOKEN_BODY[prefix][1]}){split}")


_BY_PIVOT_CHARS = 4096  # from this length ``token_candidate`` searches a pivot character at a time
# The token screen's branches and the slot screen's first regex's, one group per character
# (``_tokens_and_slot``).
_TOKEN_SLOT_SCREEN = by_first_character(
    [
        *TOKEN_BRANCHES,
        *(branch for branch in (pivoted(needle, tail) for needle, tail in _SLOT_BRANCHES) if branch),
    ]
)


def _tokens_and_slot(text: str, start: int = 0) -> tuple[bool, bool]:
    """``token_candidate(text)``, and whether the slot screen's first regex (``_SLOT_SCREEN[0]``) finds a
    slot that may hold a key (when it is False), in one search instead of one per token pivot and one for
    slots: every place either finds a match at is a place this search stops at (it holds all their
    branches, and goes on from the next character, not from a match's end).  There it asks each: the
    token prefixes that hold that character (``prefixes_at``: each an occurrence of a prefix, and every
    occurrence is seen at its pivot), and the slot regex, at the first place at or past the end of its
    last match, as its ``finditer`` would.  From ``start``: the caller knows this search stops nowhere
    before it (``python_screen``)."""
    screen, slots = _re(_TOKEN_SLOT_SCREEN), _re(_SLOT_SCREEN[0])
    login: list[Optional[bool]] = [None]
    slot = False
    slot_from = 0  # where the slot regex's next match may start
    hit = screen.search(text, start)
    while hit is not None:
        at = hit.start()
        if text[at] in TOKEN_PIVOTS:
            for prefix, end in prefixes_at(text, at):
                if _token_body(prefix, False).match(text, end):
                    return True, slot
        if not slot and at >= slot_from:
            match = slots.match(text, at)
            if match is not None:
                slot_from = match.end()
                slot = _slot_holding_key(text, match, login) is not None
        hit = screen.search(text, at + 1)
    return False, slot


# The names through which code reaches ``os.environ`` and ``os.putenv`` (``env`` after
# ``from os import environ as env``); ``os.environ`` itself ends in ``environ``.
WriteNames = tuple[frozenset[str], frozenset[str]]  # (environ names, putenv names)


# Where each of the three names ends as a whole word (``_ends_of``), and whether the text has
# ``environ`` or ``putenv`` anywhere; None for a text with neither.
_Ends = dict[str, list[int]]


def _write_word_ends(text: str) -> Optional[_Ends]:
    """``_ends_of`` of ``environ``, ``environb`` and ``putenv`` in ``text``, in two searches instead of
    three (each ``environb`` is an ``environ`` followed by ``b``); None when neither word is in it."""
    environ: list[int] = []
    environb: list[int] = []
    start = text.find("environ")
    found = start >= 0
    while start >= 0:
        end = start + len("environ")
        if not (start and _is_word(text[start - 1])):
            if end == len(text) or not _is_word(text[end]):
                environ.append(end)
            elif text[end] == "b" and (end + 1 == len(text) or not _is_word(text[end + 1])):
                environb.append(end + 1)
        start = text.find("environ", end)
    putenv = text.find("putenv")
    if not found and putenv < 0:
        return None
    return {
        "environ": environ,
        "environb": environb,
        "putenv": list(_ends_of(text, "putenv")) if putenv >= 0 else [],
    }


def write_names(scope: str) -> Optional[WriteNames]:
    """The write names of code whose imports are in ``scope``; None when it cannot write at all."""
    return _write_names(scope, _write_word_ends(scope))


def _write_names(scope: str, ends: Optional[_Ends]) -> Optional[WriteNames]:
    """``write_names(scope)``, given ``_write_word_ends(scope)``."""
    if ends is None:
        return None
    environs, putenvs = {"environ", "environb"}, {"putenv"}
    for names, word in ((environs, "environ"), (environs, "environb"), (putenvs, "putenv")):
        for end in ends[word]:
            alias = _re(_ALIAS_TAIL).match(scope, end)
            if alias:
                names.add(alias.group(1))
    return frozenset(environs), frozenset(putenvs)


def _literal_key_may_be_secret(text: str, pos: int, extra_names: Sequence[str]) -> bool:
    """The key after a write site: can it be a plain string that ``is_secret_name`` accepts?  (Whether
    the value is a string, which a finding also needs, is for CPython's parser: ``string_writes``.)

    The detector only judges plain string keys, so a variable or an f-string here cannot give a finding.
    Escapes, triple quotes and implicitly concatenated pieces are not worked out: they count as yes.
    """
    start = _re(_STRING_START).match(text, pos)
    if start is None:  # a name or an expression: no literal key; but ``(*args, "KEY", ...)`` may have one
        return _re(r"[\s(\\]*\*").match(text, pos) is not None
    quote = start.group(1)
    opening = start.end()
    if text.startswith(quote * 2, opening):
        return True  # a triple-quoted key
    close = opening
    while close < len(text) and text[close] not in (quote, "\\", "\n", "\r"):
        close += 1
    if close >= len(text) or text[close] != quote or _re(_AFTER_STRING).match(text, close + 1):
        return True

    return is_secret_name(text[opening:close], extra_names)


def may_write_secret(code: str, names: Optional[WriteNames], extra_names: Sequence[str] = ()) -> bool:
    """Could Python ``code`` write a literal under a secret-like name into the environment (HFG002)?

    A finding needs a write through ``environ`` / ``putenv`` (or a name imported as them) whose key is a
    plain string with a secret-like name; ``update(...)`` counts unless its one argument is a name.
    """
    return _may_write_secret(code, names, extra_names, _write_word_ends(code) if names else None)


def _may_write_secret(
    code: str, names: Optional[WriteNames], extra_names: Sequence[str], ends: Optional[_Ends]
) -> bool:
    """``may_write_secret``, given ``_write_word_ends(code)``: the names' ends are read from there."""
    if names is None:
        return False
    environs, putenvs = names

    def ends_of(name: str) -> Iterable[int]:
        return ends[name] if ends is not None and name in ends else _ends_of(code, name)

    for name in environs:
        for end in ends_of(name):
            site = _re(_ENVIRON_TAIL).match(code, end)
            if site is None:
                continue
            if site.group("update"):
                if not _re(_UPDATE_FROM_NAME).match(code, site.end()):
                    return True
            elif _literal_key_may_be_secret(code, site.end(), extra_names):
                return True
    for name in putenvs:
        for end in ends_of(name):
            site = _re(_PUTENV_TAIL).match(code, end)
            if site and _literal_key_may_be_secret(code, site.end(), extra_names):
                return True
    return False


def python_may_leak(text: str, extra_names: Sequence[str] = (), tokens: Optional[bool] = None) -> bool:
    """Could a ``.py`` file's text hold any finding?  If not, libcst never sees it.  ``tokens``:
    ``token_candidate(text)``, when the caller has it already.

    A possible environment write gets a second look with CPython's parser (``string_writes``), which
    tells the many reads of ``os.environ["HF_TOKEN"]`` from writes of a string.
    """
    if tokens is None:
        return python_screen(text, extra_names) is not None
    if tokens or slot_candidate(text) or url_candidate(text):
        return True
    return _may_write(text, extra_names)


def python_screen(text: str, extra_names: Sequence[str] = (), start: int = 0) -> Optional[bool]:
    """``python_may_leak(text, extra_names)``: None when it is False, else ``token_candidate(text)`` (which
    the scanner wants next), with the token screen and the slot screen's first regex in one search
    (``_tokens_and_slot``).  ``start``: where that search may begin, as ``python_bytes_screen`` found it
    in bytes that hold the same in text (``same_in_text``); 0 for any other text."""
    tokens, slot = _tokens_and_slot(text, start)
    if tokens or slot or _slot_in(text, _SLOT_SCREEN[1:]) or url_candidate(text):
        return tokens
    return False if _may_write(text, extra_names) else None


def _may_write(text: str, extra_names: Sequence[str]) -> bool:
    """The environment-write part of ``python_may_leak``."""
    ends = _write_word_ends(text)
    names = _write_names(text, ends)
    if names is None or not _may_write_secret(text, names, extra_names, ends):
        return False
    from hf_secret_guard.screen.string_writes import (
        may_write_string,
    )  # CPython's parser: only for a file with an environment write

    return may_write_string(text, extra_names, names[1])


# What ``detect.shell`` looks for in a code cell: environment writes and login commands given a key.
_SHELL_NEEDLES = ("%env", "set_env", "export", *CLI_LOGIN_COMMANDS)
_LOGIN_NEEDLES = tuple(command.encode() for command in CLI_LOGIN_COMMANDS)
_LOGIN_SCREENS = _pivot_passes(CLI_LOGIN_COMMANDS)  # the ``token`` ones at their ``k``, ``wandb login``
(_EXPORT,) = _pivot_passes(["export"])  # entered at its ``x``: found faster than by ``in``


# Any URL parameter hint, in one search entered at its ``=`` (rarer than the letters before it); any
# environment or shell needle, each entered at its rarest character.
_URL_HINT_SCREEN = by_first_character(
    f"=(?<={re.escape(hint)})" if hint.endswith("=") else re.escape(hint) for hint in URL_PARAMETER_HINTS
)
_WRITE_SCREEN = "|".join(
    pivoted(needle) or re.escape(needle) for needle in ("environ", "putenv", *_SHELL_NEEDLES)
)


def _write_needle_in(data: bytes) -> bool:
    """``_WRITE_SCREEN`` of the text ``data`` is the UTF-8 of: its needles are ASCII, so they are in the
    bytes where they are in the text, and the byte screen's literal-led searches find them faster than
    one search that stops at any of their entry characters (in text beyond Latin-1, at 2 or 4 bytes a
    character)."""
    if _re(_ENV_FAMILY).search(data) is not None or _re(_EXPORT).search(data):
        return True
    return any(_re(screen).search(data) for screen in _LOGIN_SCREENS)


def notebook_may_leak(
    raw: str, extra_names: Sequence[str] = (), data: Optional[bytes] = None, escapes: Optional[bool] = None
) -> bool:
    """Could a notebook's JSON text hold any finding?  If not, it is not read with positions at all.

    Outputs, markdown and metadata can only hold tokens, and a token is in the raw text too (unless it
    is written in escapes: ``hides_needles``).  Without
    one, only a code cell can leak (an environment write); those are read with the C ``json`` decoder.
    Anything unusual is left to the full reader, which reports it.  ``data``: the bytes ``raw`` was
    decoded from as UTF-8 (a byte order mark aside), when the caller has them: whether ``raw`` holds
    ``"image/`` is found there, at 1 byte a character (``raw`` may take 4).  The URL hints and the
    environment and shell needles are each looked for by one search (``in`` once per needle cost more).
    ``escapes``: ``hides_needles`` of the file, when the caller has asked it already.
    """

    if escapes is None:
        escapes = notebook_hides_needles(raw, data)
    if escapes:
        return True
    # The slot screen first: in template notebooks (``token = "YOUR_HF_TOKEN"``) it says yes early.  Its
    # ``k`` branches alone first, at ``find`` speed: a slot they find is one the whole screen finds (at the
    # same place, or, when an earlier match of the screen covers that place, in the same name, with the same
    # literal after it: see ``_slot_in``); and when they find none, the whole screen decides.  They are
    # asked of the raw text, which is the text without images up to a slot before the first image.
    shown = _k_slot_shown(raw)
    if shown:
        return True
    visible = raw if data is not None and b'"image/' not in data else without_images(raw)
    if visible is raw:
        if shown is None:  # the k branches found a slot in this very text
            return True
    elif _slot_in(visible, (_K_SLOT_SCREEN,)):
        return True
    if slot_candidate(visible) or token_candidate(visible, json=True):
        return True
    if url_candidate(visible):
        return True
    if not (_write_needle_in(data) if data is not None else _re(_WRITE_SCREEN).search(raw) is not None):
        return False  # `hf_hub_download` and friends: no token, and no way to write the environment
    import json  # not loaded by a clean run of a .py file

    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # deeply nested JSON: the full reader reports it
        return True
    cells = value.get("cells") if isinstance(value, dict) else None
    if not isinstance(cells, list):
        return True
    code: list[str] = []
    for cell in cells:
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            return True
        if cell.get("cell_type") == "code":
            code.append(source)
    names = write_names("\n".join(code))  # a cell may use a name imported in another
    if names is not None and may_write_secret("\n\n".join(code), names, extra_names):
        from hf_secret_guard.read.ipython import mask_cell  # only for a notebook with shell lines
        from hf_secret_guard.screen.string_writes import (
            may_write_string,
        )  # CPython's parser: only for a file with an environment write

        # CPython's parser on each cell that names a way in, with its IPython lines blanked (they are the
        # shell check's, below), both ways the scanner may blank them (it retries with automagic lines
        # such as ``pip install x`` blanked when libcst cannot parse the cell); a cell that still does
        # not parse counts as yes.
        writers = [text for text in code if any(name in text for name in (*names[0], *names[1]))]
        if any(
            may_write_string(mask_cell(text, automagic=automagic).python, extra_names, names[1])
            for text in writers
            for automagic in (False, True)
        ):
            return True
    shell = [text for text in code if any(needle in text for needle in _SHELL_NEEDLES)]
    if not shell:
        return False

    return any(
        find_shell_leaks(text, 0, len(text), fixable=False, extra_secret_names=extra_names) for text in shell
    )
