"""Leaks found with CPython's ``ast`` instead of libcst, for code whose findings are whole literals in key
places (``token = "YOUR_HF_TOKEN"``), environment writes, or tokens in string literals and f-strings
(their literal text; with ``{...}`` from Python 3.12 on) each written as one plain piece
(``login(token="hf_...")``, a docstring, ``os.environ["HF_TOKEN"] = "hf_..."``, ``f"Bearer hf_..."``)
and in comments (``# old key hf_...``).

Template notebooks put a placeholder in almost every cell that reaches the parser, and a file with a key
in it most often has it in a plain string or a comment; ``ast`` parses in C and builds far fewer objects
than libcst (benchmarks/README.md), and libcst is not even imported.  This path mirrors
``detect.python``'s collector node for node and hands what it finds to the same ``detect.key_writes``
functions (slots, writes, the string scan, match patterns); a literal written as one piece with no
escape has libcst's layout exactly (an f-string's value is then the text between its quotes, each
``{...}`` one ``\0``: Python 3.12 places them), so a token's place in it is libcst's.  Comments are
found only when a token in the text is in no literal: by ``tokenize``, in the chunk that holds the
token (a chunk parses on its own, so it tokenizes as it does in the file), skipping those inside an
f-string's ``{...}``, which libcst does not collect; libcst finds each comment at the same place (a
``#`` outside strings starts one).  Where it could differ it does not guess: ``ast_leaks`` returns None
and the caller runs libcst.  That is when a token found in the text is not one reported here (a name,
in an f-string's ``{...}``, in an f-string with fields before Python 3.12, in a literal joined from
pieces or with an escape, in a comment in code with ``\r`` line ends), the code has a credential URL
parameter, cannot be parsed or is too deep, has non-ASCII names (libcst's name rules differ), holds an
f-string that libcst would read as a literal in a key place, or a finding that is a part of a literal
(``Bearer ...`` with a real-looking key) that is not one plain piece.  Before Python 3.12, CPython refuses
f-strings with strings in their own quote in ``{...}`` (PEP 701), which libcst reads: a chunk with such
f-strings in a narrow form is read with those quotes swapped (``_parse_own_quotes``).
"""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any, NamedTuple, Optional, Union

from hf_secret_guard import regexes
from hf_secret_guard.detect.key_writes import (
    AliasNames,
    EnvironAliases,
    EnvWrite,
    Layout,
    Piece,
    Slot,
    StringLayout,
    ast_offset,
    comment_leaks,
    env_write_leaks,
    in_match_patterns,
    slot_leaks,
    string_leaks,
)
from hf_secret_guard.detect.memo import Memo
from hf_secret_guard.model import Leak
from hf_secret_guard.read.lines import LineIndex, line_starts
from hf_secret_guard.read.python_parse import (
    MAX_AST_DEPTH,
    MAX_PARSE_CHARS,
    ParseError,
    assignment_pairs,
    check_parseable,
)
from hf_secret_guard.tokens import find_tokens
from hf_secret_guard.tokens.env_names import is_placeholder, is_secret_value
from hf_secret_guard.tokens.slots import (
    KAGGLE_JSON_SLOT,
    POSITIONAL_KEY_CALLS,
    SLOT_NAME_PARTS,
    has_url_parameter_hint,
    is_slot_name,
    login_call,
    looks_real,
    may_name_slot,
    url_parameters,
)


class _NeedsLibcst(Exception):
    """This code is for libcst to read."""


def _dotted(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _constant_text(node: object) -> Optional[str]:
    """A plain string literal's value as ``read.literals.piece_value`` gives it (bytes as latin-1)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bytes):
            return node.value.decode("latin-1")
    return None


def _fstring_value(node: ast.JoinedStr) -> str:
    """The value libcst's pieces would give: literal text, and ``\\0`` for each ``{...}``."""
    return "".join(
        _constant_text(part) or "" if isinstance(part, ast.Constant) else "\0" for part in node.values
    )


# Fields that hold only a leaf with nothing under it (``Load``, ``Add``, ``Eq``: no fields of their own) or
# a name, never a node to visit: skipped by ``_Collector.walk`` below the depth limit, where such a leaf can
# change nothing (libcst's depth limit counts it, so at the limit every field is looked at).
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_NAME_FIELDS: dict[type[ast.AST], frozenset[str]] = {
    ast.Name: frozenset({"id"}),
    ast.Attribute: frozenset({"attr"}),
    ast.keyword: frozenset({"arg"}),
    ast.arg: frozenset({"arg", "type_comment"}),
    ast.alias: frozenset({"name", "asname"}),
}
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_FIELDS_LAST_FIRST: dict[type[ast.AST], tuple[str, ...]] = {}  # the same, in reverse order


def _node_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        skip = _LEAF_FIELDS | _NAME_FIELDS.get(kind, frozenset())
        fields = _FIELDS[kind] = tuple(name for name in kind._fields if name not in skip)
    return fields


def _check_fstring(node: ast.AST, depth: int, check_names: bool) -> None:
    """An f-string at ``depth``, walked whole in one pass: too deep for libcst, a token in its text or in
    its fields, a non-ASCII name (when ``check_names``) each leave it to libcst."""
    stack: list[tuple[ast.AST, int]] = [(node, depth)]
    while stack:
        inner, level = stack.pop()
        if level > MAX_AST_DEPTH:
            raise _NeedsLibcst
        if isinstance(inner, ast.JoinedStr) and _has_token(_fstring_value(inner)):
            raise _NeedsLibcst
        value = _constant_text(inner)
        if value is not None and _has_token(value):
            raise _NeedsLibcst
        for _, field in ast.iter_fields(inner):
            items = field if isinstance(field, list) else [field]
            for item in items:
                if isinstance(item, ast.AST):
                    stack.append((item, level + 1))
                elif (
                    check_names
                    and not isinstance(inner, ast.Constant)
                    and isinstance(item, str)
                    and not item.isascii()
                ):
                    raise _NeedsLibcst


# Top-level statements known to hold nothing, by their text and the names bound to ``os.environ`` before
# them (``_Collector.walk``); at most MAX_INERT of them, each of at most MAX_INERT_CHARS, and
# MAX_INERT_TOTAL characters in all.
MAX_INERT = 8192
MAX_INERT_CHARS = 20_000
MAX_INERT_TOTAL = 4_000_000
_INERT: Memo[Union[tuple[str, AliasNames], tuple[str, int, int, Optional[int], AliasNames]], bool] = Memo(
    MAX_INERT, MAX_INERT_TOTAL
)
# Chunks that hold slots, environment writes or literals with a token, by their text and the names
# bound before them: the chunk's tree, what its walk collected and the names bound after it.  Template
# scripts repeat the chunks with their placeholders (``token = "YOUR_HF_TOKEN"``) as often as the others;
# a remembered one is neither parsed nor walked again, only placed at its lines.
MAX_FOUND = 2048
MAX_FOUND_TOTAL = 1_000_000


class _Literal(NamedTuple):
    """A string constant whose value holds a token: libcst's string scan reports it."""

    value: object  # the node; a ``_Placed`` once placed
    statement: bool  # a statement of its own (a docstring): libcst's site "docstring"


class _Walked(NamedTuple):
    tree: ast.Module
    slots: tuple[Slot, ...]
    env_writes: tuple[EnvWrite, ...]
    literals: tuple[_Literal, ...]
    names: AliasNames  # bound after the chunk


_FOUND: Memo[tuple[str, AliasNames], _Walked] = Memo(MAX_FOUND, MAX_FOUND_TOTAL)
# Chunks the screen found inert, by their text and the screen's names (``_Screen.aliases``): a chunk
# such as ``e["KEY"] = ...`` is inert in a text where no import binds ``e`` to the environment, even
# after it, and a write in one where one does (so not in ``_INERT``, which knows only the names before).
_SCREENED: Memo[tuple[str, tuple[str, ...]], bool] = Memo(MAX_INERT, MAX_INERT_TOTAL)


class _Placed(NamedTuple):
    """A slot's or a write's value node, and the lines before the chunk it was parsed in: a remembered
    chunk's nodes are shared by every place it stands, so a node's own ``lineno`` is the chunk's."""

    node: ast.expr
    line_offset: int


# Where a chunk of a file may begin (``_Collector.walk_chunks``): a line that starts in the first column
# with anything but a closing bracket (a comment too: a block of comments is a chunk of its own, so the
# statements around it are the same chunks in every file that has them).  A comment line is matched
# with the lines after it up to the next line that starts with something else: no comment line after
# the first of a block begins a chunk, and exported notebooks are mostly comment lines.  A line that goes
# on with the statement before it (``else:``, ``elif``, ``except``, ``finally:``) begins none either: its
# chunk would not parse alone, nor joined to the ones after it.  Each match is a line break and the start
# of the line after it: a pattern that starts with a character is searched for much faster than one that
# starts with ``^``.
_CHUNK_START_RE = regexes.compile(
    r"\n(?:#[^\n]*(?:\n(?:[^\S\n]|[)\]}#]|(?=\n))[^\n]*)*|(?!(?:else|elif|except|finally)\b)[^\s)\]}])"
)
# A chunk of nothing but comments and blank lines (lines of space and comments, ended by ``\n``): nothing
# to parse.  Told by looking for a line that is not one, its first and then any after a line break: a
# search that starts with a literal, where a match of the whole chunk went through a repeat per line.
_CODE_FIRST_LINE_RE = regexes.compile(r"[ \t\f]*[^ \t\f#\n]")
_CODE_LINE_RE = regexes.compile(r"\n[ \t\f]*[^ \t\f#\n]")
# What such a chunk can begin with (the empty text is in every string too): a chunk that begins with
# anything else is not one, without a match.
_NO_CODE_FIRST = " \t\f#\n"
# Chunks joined to one that does not parse alone (a string or bracket left open across lines that start
# in the first column) before the whole file is parsed instead.
MAX_CHUNK_MERGES = 8


def _no_code(chunk: str) -> bool:
    """Whether ``chunk`` is only comments and blank lines (a ``\\r`` ends no line here)."""
    return (
        "\r" not in chunk and _CODE_FIRST_LINE_RE.match(chunk) is None and _CODE_LINE_RE.search(chunk) is None
    )


def _chunk_bounds(text: str) -> list[int]:
    """Where the chunks of ``text`` begin, and its end."""
    bounds = [0]
    previous = text[:1]
    for match in _CHUNK_START_RE.finditer(text):
        start = match.start() + 1
        char = text[start]
        # A decorator's chunk runs on to what it decorates; a block of comments is one chunk.
        if previous != "@" and not (char == previous == "#"):
            bounds.append(start)
        previous = char
    bounds.append(len(text))
    return bounds


def _open_triple_quote(text: str) -> bool:
    """An odd number of ``\"\"\"`` or of ``\'\'\'``: a guess that a string is left open, only to parse less
    often (whether a chunk parses decides)."""
    return text.count('"""') % 2 == 1 or text.count("'''") % 2 == 1


# What a walk of a chunk (``_Collector._walk``) can act on, for ``_Screen``.  In the chunk made lower
# case: the end of a slot word (``may_name_slot`` judges the whole run of word characters around it).
_SLOT_PART_RE = regexes.compile("|".join(sorted({part[1:] for part in SLOT_NAME_PARTS})))
_RUN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# The last part of a call that takes a key first (``POSITIONAL_KEY_CALLS``) without a slot word in it.
_KEY_CALLS = tuple(
    sorted(
        {call.rsplit(".", 1)[-1] for call in POSITIONAL_KEY_CALLS}
        - {call for call in POSITIONAL_KEY_CALLS if any(part in call.lower() for part in SLOT_NAME_PARTS)}
    )
)
# ``import os``, ``from os import ...``: names bound to ``os`` or its environment.
# (``\bos\b``, written to start with its letters: a pattern that starts with an assertion is tried at
# every character, one that starts with a literal is searched for.)
_OS_WORD_RE = regexes.compile(r"os(?!\w)(?<!\wos)")
# A gap between two tokens: space and comments (a comment runs to its line's end: no backtracking).
_GAP = r"(?:\s|#[^\n]*(?![^\n]))*"
# A subscript whose index is a tuple written in brackets or with a starred item, which ``_subscript_key``
# leaves to libcst: ``[`` then ``(`` or ``*``, or ``,`` then ``*``.
_TUPLE_INDEX_RE = regexes.compile(rf"\[{_GAP}[(*]|,{_GAP}\*")
# The end of one string literal and the start of the next, joined by the parser into one value.
_JOINED_RE = regexes.compile(rf"[\"']+{_GAP}[rRbBuUfF]{{0,2}}[\"']+")
# ``environ as env``, ``putenv as put``: the names an import binds to the environment's writers.
_ALIAS_RE = regexes.compile(
    r"\b(?:environb?|putenv)(?:\s|\\|#[^\n]*(?![^\n]))*as\b(?:\s|\\|#[^\n]*(?![^\n]))*(\w+)"
)
# A tree nests at most twice as deep as its tokens (a word, or any other character but space) are
# many: each node has one of its own, but for a few (``Expr``, ``arguments``, ``withitem``) between two
# that have, and the leaf under the last.  A text has no more tokens than pieces between spaces and
# characters other than word characters and space.
_PUNCTUATION_RE = regexes.compile(r"[^\w\s]")
# The ASCII characters that ``_PUNCTUATION_RE`` does not count, to delete them (``str.translate``).
_NOT_PUNCTUATION = {code: None for code in range(128) if not _PUNCTUATION_RE.match(chr(code))}


def _may_be_deep(chunk: str) -> bool:
    if 2 * len(chunk) + 4 <= MAX_AST_DEPTH:
        return False
    if chunk.isascii():
        punctuation = len(chunk.translate(_NOT_PUNCTUATION))
    else:
        punctuation = len(_PUNCTUATION_RE.findall(chunk))
    return 2 * (len(chunk.split()) + 2 * punctuation) + 4 > MAX_AST_DEPTH


class _Screen:
    """Tells the parsed chunks whose walk would find nothing, bind nothing and raise nothing, from their
    text, so they need no walk.  The walk acts on: a slot name (a target, a dict key, a keyword, a call
    that takes a key first); a write through ``os.environ``, ``os.putenv`` or a name an import binds to
    them, in this text or before it (``aliases``); ``import os``; a token or a credential URL parameter in
    a string's value; a tuple index it leaves to libcst; a tree deeper than libcst reads; a non-ASCII
    name.  A chunk in which none of these can be is skipped.  Escapes can spell anything, and joined
    string pieces make one value (a token, a slot word or a name across the join): a chunk with a
    backslash, non-ASCII or two string pieces side by side is walked.  The verdict depends on the chunk
    and ``aliases`` alone (names bound anywhere in the text, or before it): it is remembered by them
    (``_SCREENED``)."""

    def __init__(self, text: str, aliases: EnvironAliases) -> None:
        bound = set(aliases.environs | aliases.putenvs)
        normal = text if text.isascii() else unicodedata.normalize("NFKC", text)  # ``ｅnv`` is ``env``
        texts = [text] if normal == text else [text, normal]  # the same text: looked through once
        for each in texts:
            for word in ("environ", "putenv"):
                at = each.find(word)
                while at >= 0:
                    alias = _ALIAS_RE.match(each, at)
                    if alias and not (at and (each[at - 1].isalnum() or each[at - 1] == "_")):
                        bound.add(unicodedata.normalize("NFKC", alias.group(1)))
                    at = each.find(word, at + 1)
        self.aliases = tuple(sorted(bound - {"environ", "environb", "putenv"}))

    def needs_walk(self, chunk: str) -> bool:
        if not chunk.isascii() or "\\" in chunk or "environ" in chunk or "putenv" in chunk:
            return True
        if "import" in chunk and _OS_WORD_RE.search(chunk):
            return True
        # The cheaper searches first: a chunk deep enough to be walked is most often long.
        if _may_be_deep(chunk) or _JOINED_RE.search(chunk):
            return True
        if any(_word_in(chunk, word) for word in (*self.aliases, *_KEY_CALLS)) or _names_slot(chunk):
            return True
        return _TUPLE_INDEX_RE.search(chunk) is not None


def _word_in(text: str, word: str) -> bool:
    """``word`` in ``text`` as a whole word (the pattern starts with the word: see ``_OS_WORD_RE``)."""
    if word not in text:
        return False
    pattern = _WORDS.get(word)
    if pattern is None:
        if len(_WORDS) > 4096:
            _WORDS.clear()
        escaped = re.escape(word)
        pattern = _WORDS[word] = re.compile(rf"{escaped}(?!\w)(?<!\w{escaped})")
    return pattern.search(text) is not None


_WORDS: dict[str, re.Pattern[str]] = {}  # ``_word_in``'s patterns, by word, per process


_RUNS: dict[str, bool] = {}  # ``may_name_slot`` of the runs seen, per process


def _names_slot(text: str) -> bool:
    """A run of word characters and ``-`` in ``text`` that may be a slot name, or part of one."""
    for match in _SLOT_PART_RE.finditer(text.lower()):
        first, last = match.start(), match.end()
        while first and text[first - 1] in _RUN_CHARS:
            first -= 1
        while last < len(text) and text[last] in _RUN_CHARS:
            last += 1
        run = text[first:last]
        named = _RUNS.get(run)
        if named is None:
            if len(_RUNS) > 65_536:
                _RUNS.clear()
            named = _RUNS[run] = may_name_slot(run)
        if named:
            return True
    return False


class _Collector:
    """``detect.python._Collector``'s slots, environment writes and imports, from an ``ast`` tree."""

    def __init__(self, text: str, aliases: EnvironAliases, token_starts: Sequence[int] = ()) -> None:
        self.text = text
        self.aliases = aliases
        self.token_starts = token_starts  # where the tokens found in ``text`` start, in order
        self.slots: list[Slot] = []
        self.env_writes: list[EnvWrite] = []
        self.literals: list[_Literal] = []
        self.line_offset = 0  # lines before the chunk being walked (``walk_chunks``)
        self.trees: list[tuple[ast.Module, int]] = []  # what holds the slots and writes, and its line offset
        # The parts of the text read each on its own (the chunks, or the whole text): where each starts and
        # ends, and whether it is only comments and blank lines.  Comments are found in them (``_comments``).
        self.units: list[tuple[int, int, bool]] = [(0, len(text), False)]
        self.unit_lines = [1]  # the line each unit begins on
        # A chunk was read with its f-strings' inner quotes swapped (``_parse_own_quotes``): CPython
        # refuses the whole text, so libcst's path sees no ``match`` pattern (``in_match_patterns``).
        self.own_quotes = False

    def _place(self, walked: _Walked, line_offset: int) -> None:
        """``walked``'s slots and writes, at the lines of the chunk being read: one ``_Placed`` for each
        value node, so a value that stands in two places (``a[K1] = a[K2] = "..."``) is still one."""
        placed: dict[int, _Placed] = {}

        def at(node: object) -> _Placed:
            assert isinstance(node, ast.expr)
            found = placed.get(id(node))
            if found is None:
                found = placed[id(node)] = _Placed(node, line_offset)
            return found

        self.slots.extend(slot._replace(value=at(slot.value)) for slot in walked.slots)
        self.env_writes.extend(write._replace(value=at(write.value)) for write in walked.env_writes)
        self.literals.extend(literal._replace(value=at(literal.value)) for literal in walked.literals)
        self.trees.append((walked.tree, line_offset))

    def _found(self) -> tuple[int, int, int]:
        """How many slots, writes and literals with a token have been collected."""
        return len(self.slots), len(self.env_writes), len(self.literals)

    def _collected(self, tree: ast.Module, found: tuple[int, int, int]) -> _Walked:
        """What the walk of ``tree`` collected since ``_found()`` was ``found``, taken out of the lists
        to be placed."""
        slots, writes, literals = found
        walked = _Walked(
            tree,
            tuple(self.slots[slots:]),
            tuple(self.env_writes[writes:]),
            tuple(self.literals[literals:]),
            self.aliases.names(),
        )
        del self.slots[slots:], self.env_writes[writes:], self.literals[literals:]
        return walked

    def _holds_token(self, start: int, end: int) -> bool:
        """Whether a token found in the text starts in ``text[start:end]``."""
        at = bisect_left(self.token_starts, start)
        return at < len(self.token_starts) and self.token_starts[at] < end

    def walk_chunks(self) -> bool:
        """``ast.parse`` and ``walk`` of the file a chunk at a time, skipping the chunks remembered to
        hold nothing (``_INERT``, under the same bound names) without parsing them, and placing the
        remembered ones that hold something (``_FOUND``); False when the file is to be read whole (then
        nothing here counts).

        A chunk runs from a line that starts in the first column to the next such line; one that does
        not parse alone is joined to the next ones.  Every chunk is a text that ``ast`` parses on its
        own, from the file's start on, so each ends where the file's parser stands between top-level
        statements (no string or bracket open, no indentation), and its statements are the whole
        file's: a continuation (``else:``, a decorator, an open bracket) does not parse alone.  The
        trees kept (``trees``) are those of the chunks that hold something, with their line offsets; a
        leak is in one of them."""
        text = self.text
        if "\r" in text or "barry_as_FLUFL" in text or len(text) > MAX_PARSE_CHARS:
            return False  # other line ends, or the one future import that changes the grammar
        bounds = _chunk_bounds(text)
        self.units = []
        self.unit_lines = []
        line = 1
        first = 0
        names = self.aliases.names()
        screen: Optional[_Screen] = None
        while first < len(bounds) - 1:
            last = first + 1
            while True:
                chunk = text[bounds[first] : bounds[last]]
                no_code = chunk[:1] in _NO_CODE_FIRST and _no_code(chunk)
                if no_code:
                    break
                key: Optional[tuple[str, AliasNames]] = None
                screened: Optional[tuple[str, tuple[str, ...]]] = None
                # The screen does not look for tokens: a chunk with one in its text is walked.
                token = bool(self.token_starts) and self._holds_token(bounds[first], bounds[last])
                if len(chunk) <= MAX_INERT_CHARS:
                    key = (chunk, names)
                    screen = screen or _Screen(text, self.aliases)
                    screened = None if token else (chunk, screen.aliases)
                    if key in _INERT or screened in _SCREENED:
                        break
                    walked = _FOUND.get(key)
                    if walked is not None:
                        self._place(walked, line - 1)
                        self.aliases.restore(walked.names)
                        names = walked.names
                        break
                tree = _parse_chunk(chunk)
                if tree is None and not token and _OWN_QUOTES_SCREEN.search(chunk):
                    tree = _parse_own_quotes(chunk)
                    if tree is not None:  # a tree of other text than the chunk's: not remembered
                        self.own_quotes = True
                        key = screened = None
                if tree is not None:
                    screen = screen or _Screen(text, self.aliases)
                    if not token and not screen.needs_walk(chunk):
                        if screened is not None:
                            _SCREENED.keep(screened, chunk, True)
                        break
                    found = self._found()
                    self.line_offset = line - 1
                    # Only a chunk with non-ASCII text can hold a non-ASCII name: an ASCII one is walked
                    # the faster way, in any file (``_walk``).
                    check_names = not chunk.isascii()
                    for statement in tree.body:
                        self._walk(statement, 2, check_names)
                    before, names = names, self.aliases.names()
                    if found != self._found():
                        walked = self._collected(tree, found)
                        self._place(walked, line - 1)
                        if key is not None:
                            _FOUND.keep(key, chunk, walked)
                    elif key is not None and before == names:
                        _INERT.keep(key, chunk, True)
                    break
                if last - first > MAX_CHUNK_MERGES or last == len(bounds) - 1:
                    return False
                last += 1
                while last < len(bounds) - 1 and _open_triple_quote(text[bounds[first] : bounds[last]]):
                    last += 1  # a string that the next line does not close: no use parsing before it is
            self.units.append((bounds[first], bounds[last], no_code))
            self.unit_lines.append(line)
            line += chunk.count("\n")
            first = last
        return True

    def walk(self, tree: ast.Module) -> None:
        """Every node in source order, but not inside f-strings (libcst does not visit their parts).
        In the same pass: the depth limit libcst is held to (``read.python_parse.too_deep``) and, in
        non-ASCII code, the names (libcst's rules for non-ASCII names differ from CPython's).

        A top-level statement whose walk found nothing, raised nothing and bound no name is remembered
        by its text (``_INERT``): the same statement again, under the same bound names, is skipped.
        Template files repeat most of their statements.  The text decides the rest: a statement with a
        non-ASCII character is in a non-ASCII file wherever it is, so its names are checked everywhere."""
        check_names = not self.text.isascii()
        if tree.type_ignores:
            self._walk(tree, 1, check_names)
            self._place(self._collected(tree, (0, 0, 0)), 0)
            return
        starts = line_starts(self.text)
        for statement in tree.body:
            first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))])
            last = statement.end_lineno or statement.lineno
            source = self.text[starts[first - 1] : starts[last] if last < len(starts) else len(self.text)]
            key = None
            if len(source) <= MAX_INERT_CHARS:
                where = (statement.lineno - first, statement.col_offset, statement.end_col_offset)
                key = (source, *where, self.aliases.names())
                if key in _INERT:
                    continue
            found = self._found()
            self._walk(statement, 2, check_names)
            if key is not None and found == self._found() and key[-1] == self.aliases.names():
                _INERT.keep(key, source, True)
        self._place(self._collected(tree, (0, 0, 0)), 0)

    def _walk(self, root: ast.AST, root_depth: int, check_names: bool) -> None:
        visits: dict[type[ast.AST], Callable[[Any], None]] = {
            ast.AnnAssign: self.visit_AnnAssign,
            ast.Assign: self.visit_Assign,
            ast.Call: self.visit_Call,
            ast.Dict: self.visit_Dict,
            ast.Import: self.visit_Import,
            ast.ImportFrom: self.visit_ImportFrom,
            ast.Expr: lambda node: statements.add(id(node.value)),
        }
        statements: set[int] = set()  # expressions that are statements of their own: libcst's docstrings
        node_type = ast.AST
        leaf = ast.Name
        constant = ast.Constant
        joined = ast.JoinedStr
        literals = self.literals
        stack: list[tuple[ast.AST, int]] = [(root, root_depth)]
        pop = stack.pop
        push = stack.append
        while stack:
            node, depth = pop()
            if depth > MAX_AST_DEPTH:
                raise _NeedsLibcst
            kind = type(node)
            if kind is constant:
                value = _constant_text(node)
                if value is not None and _text_holds(value):
                    literals.append(_Literal(node, id(node) in statements))
                continue
            if kind is joined:
                assert isinstance(node, ast.JoinedStr)
                if (node.values and depth >= MAX_AST_DEPTH) or not (_FIELDS_PLACED or _no_fields(node)):
                    _check_fstring(node, depth, check_names)
                    continue
                # Its literal text (a ``{...}`` is one ``\0``) is what libcst's string scan reads; a
                # token inside a ``{...}`` is libcst's to place.
                for part in node.values:
                    if not isinstance(part, ast.Constant):
                        _check_fstring(part, depth + 1, check_names)
                if _text_holds(_fstring_value(node)):
                    literals.append(_Literal(node, id(node) in statements))
                continue
            visit = visits.get(kind)
            if visit is not None:
                visit(node)
            # Each child is pushed after the ones that follow it, so the first is walked first.
            if check_names or depth + 1 >= MAX_AST_DEPTH:
                # Every field, as they stand, from the level whose children reach the depth limit.
                children: list[ast.AST] = []
                for name in node._fields:
                    field = getattr(node, name, None)
                    if isinstance(field, node_type):
                        children.append(field)
                    elif isinstance(field, list):
                        for item in field:
                            if isinstance(item, node_type):
                                children.append(item)
                            elif check_names and isinstance(item, str) and not item.isascii():
                                raise _NeedsLibcst
                    elif check_names and isinstance(field, str) and not field.isascii():
                        raise _NeedsLibcst
                children.reverse()
                stack.extend(zip(children, repeat(depth + 1)))
                continue
            # The fields that can hold a node with something under it (``_node_fields``), last first.
            # A name here is below the depth limit, with nothing in it to look at: not visited.
            fields = _FIELDS_LAST_FIRST.get(kind)
            if fields is None:
                fields = _FIELDS_LAST_FIRST[kind] = _node_fields(kind)[::-1]
            depth += 1
            for name in fields:
                field = getattr(node, name, None)
                if type(field) is list:
                    for item in reversed(field):
                        if isinstance(item, node_type) and type(item) is not leaf:
                            push((item, depth))
                elif isinstance(field, node_type) and type(field) is not leaf:
                    push((field, depth))

    def _subscript_key(self, target: ast.Subscript) -> tuple[bool, Optional[str]]:
        """(is it one index, as libcst sees it; the index's literal text)."""
        index = target.slice
        if isinstance(index, ast.Slice):
            return False, None
        if isinstance(index, ast.Tuple):
            # ``a[x, y]`` is two indexes to libcst, ``a[(x, y)]`` one: tell them apart by the text.
            line = index.lineno + self.line_offset
            start = ast_offset(self.text, LineIndex(self.text), line, index.col_offset)
            if self.text[start : start + 1] == "(" or any(isinstance(e, ast.Starred) for e in index.elts):
                raise _NeedsLibcst
            if len(index.elts) == 1:  # ``a["K",]``: one index to libcst
                return True, _constant_text(index.elts[0])
            return False, None
        return True, _constant_text(index)

    def _slot_target(self, target: ast.expr, value: ast.expr) -> None:
        name: Optional[str] = None
        if isinstance(target, ast.Name):
            name = target.id
        elif isinstance(target, ast.Attribute):
            name = target.attr
        elif isinstance(target, ast.Subscript):
            name = self._subscript_key(target)[1]
        if name and is_slot_name(name):
            self.slots.append(Slot(name, None, value))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._slot_target(node.target, node.value)

    def visit_Dict(self, node: ast.Dict) -> None:
        pairs = [(key, value) for key, value in zip(node.keys, node.values, strict=True) if key is not None]
        keys = [_constant_text(key) for key, _ in pairs]
        kaggle_json = "username" in keys and "key" in keys  # {"username": ..., "key": ...}: kaggle.json
        for (_, value), key in zip(pairs, keys, strict=True):
            if key == "key" and kaggle_json:
                self.slots.append(Slot(KAGGLE_JSON_SLOT, None, value))
            elif key and is_slot_name(key):
                self.slots.append(Slot(key, None, value))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "os":
                self.aliases.modules.add(alias.asname or "os")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module != "os" or any(alias.name == "*" for alias in node.names):
            return
        for alias in node.names:
            bound = alias.asname or alias.name
            if alias.name in ("environ", "environb"):
                self.aliases.environs.add(bound)
            elif alias.name == "putenv":
                self.aliases.putenvs.add(bound)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            for element, value in assignment_pairs(target, node.value):
                self._slot_target(element, value)
                if isinstance(element, ast.Subscript):
                    single, key = self._subscript_key(element)
                    base = _dotted(element.value)
                    if base and single:
                        self.env_writes.append(EnvWrite(base, "item", key, value))

    def visit_Call(self, node: ast.Call) -> None:
        func = _dotted(node.func)
        if node.keywords:
            login = login_call(func)
            for keyword in node.keywords:
                if keyword.arg is not None and is_slot_name(keyword.arg, login):
                    self.slots.append(Slot(keyword.arg, func, keyword.value))
        if func is None:
            return
        if node.args and (func in POSITIONAL_KEY_CALLS or func.rsplit(".", 1)[-1] in POSITIONAL_KEY_CALLS):
            first = node.args[0]
            if not isinstance(first, ast.Starred):
                self.slots.append(Slot("key", func, first))
        owner, _, method = func.rpartition(".")
        # The arguments as they stand, only for a call the two branches below can take.
        positional: list[ast.expr] = []
        if method in _WRITE_METHODS or (not owner and func in self.aliases.putenvs):
            positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        if method in _WRITE_METHODS and len(positional) >= 2:
            target = func if method == "putenv" else owner
            key = _constant_text(positional[0])
            self.env_writes.append(EnvWrite(target, method, key, positional[1]))
        elif not owner and func in self.aliases.putenvs and len(positional) >= 2:
            self.env_writes.append(EnvWrite(func, "putenv", _constant_text(positional[0]), positional[1]))
        elif method == "update":
            for key, value in _update_items(node):
                self.env_writes.append(EnvWrite(owner, "update", key, value))


_WRITE_METHODS = ("setdefault", "__setitem__", "putenv")


def _update_items(node: ast.Call) -> Iterable[tuple[Optional[str], ast.expr]]:
    """``update({K: v})``, ``update(K=v)`` and ``update(dict(K=v))``; a starred dict counts (libcst)."""
    values = [a.value if isinstance(a, ast.Starred) else a for a in node.args]
    for keyword in node.keywords:
        if keyword.arg is not None:
            yield keyword.arg, keyword.value
        else:
            values.append(keyword.value)
    for value in values:
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if key is not None:
                    yield _constant_text(key), item
        elif isinstance(value, ast.Call) and _dotted(value.func) == "dict":
            yield from _update_items(value)


# Python 3.12 places each ``{...}`` of an f-string (``ast.FormattedValue``) at its braces; earlier
# versions give it the whole f-string's place.
_FIELDS_PLACED = sys.version_info >= (3, 12)


def _no_fields(node: ast.JoinedStr) -> bool:
    """An f-string (or f-strings and strings joined) without a ``{...}``."""
    return all(type(part) is ast.Constant for part in node.values)


def _has_token(value: str, urls_only: bool = False) -> bool:
    """A token, or a key in a credential URL parameter (only that with ``urls_only``)."""
    if has_url_parameter_hint(value) and url_parameters(value):
        return True
    return not urls_only and any(True for _ in find_tokens(value))


# ``_text_holds`` of the string values seen, per process: template scripts repeat their literals.
_HOLDS: Memo[str, bool] = Memo(MAX_INERT, MAX_INERT_TOTAL)


def _text_holds(value: str) -> bool:
    """Does a string's value hold a token (a literal for the string scan)?  A key in a credential URL
    parameter in it sends the code to libcst (``_NeedsLibcst``)."""
    holds = _HOLDS.get(value)
    if holds is None:
        if _has_token(value, urls_only=True):
            raise _NeedsLibcst
        holds = any(True for _ in find_tokens(value))
        _HOLDS.keep(value, value, holds)
    return holds


class _Whole(StringLayout):
    """One literal, taken whole; a position inside it needs libcst's pieces."""

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        raise _NeedsLibcst


# Chunks that ``ast`` refuses alone (a statement that goes on in the chunks after it), by their text: the
# scripts of a template repository repeat them as often as the others.
_REFUSED: Memo[str, bool] = Memo(MAX_INERT, MAX_INERT_TOTAL)


def _parse_chunk(chunk: str) -> Optional[ast.Module]:
    """``_parse`` of a chunk, remembering the refused ones (``_REFUSED``)."""
    if chunk in _REFUSED:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(chunk)
    except (SyntaxError, ValueError):  # the text's own: refused the same way every time
        if len(chunk) <= MAX_INERT_CHARS:
            _REFUSED.keep(chunk, chunk, True)
    except (RecursionError, MemoryError):
        pass
    return None


def _parse(text: str) -> Optional[ast.Module]:
    if len(text) > MAX_PARSE_CHARS:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return tree


# Python 3.12 lets an f-string's ``{...}`` hold strings in the f-string's own quote (PEP 701); libcst reads
# them on every version, earlier versions of CPython refuse them.  On those, such an f-string written on one
# line in a narrow form is read as the same f-string with its inner strings' quotes swapped for the other
# kind, which they accept: the same tree, at the same places (one character for one).  The form: a prefix
# ``f`` alone, literal text without its quote, a backslash or a lone brace; each ``{...}`` an expression
# without quotes, braces, backslashes, ``#``, ``!``, ``:`` or ``=`` (no conversion, format spec, debug ``=``,
# comparison, slice, lambda or walrus) but for inner strings in its quote that hold none of those either.
def _own_quotes_pattern(quote: str) -> str:
    inner = rf"{quote}[^\"'\\{{}}\r\n#]*{quote}"
    field = rf"\{{(?:[^\"'\\{{}}\r\n#!:=]|{inner})+\}}"
    literal = rf"[^{quote}\\{{}}\r\n]|\{{\{{|\}}\}}"
    return rf"(?<![\w\"'])[fF]{quote}(?:{literal}|{field})*{quote}"


_OWN_QUOTES_RE = regexes.compile("|".join(_own_quotes_pattern(quote) for quote in ('"', "'")))
# A field that opens a string in the f-string's own quote: ``{x["``, ``{x['``.
_OWN_QUOTES_SCREEN = regexes.compile(r"""(?<![\w"'])[fF](?:"[^"\n]*\{[^}"\n]*"|'[^'\n]*\{[^}'\n]*')""")


def _parse_own_quotes(chunk: str) -> Optional[ast.Module]:
    """The tree of ``chunk``, which ``ast`` refused, read with the inner quotes of its f-strings of the
    narrow form (``_OWN_QUOTES_RE``) swapped; None on Python 3.12 and later (which read it as written or
    not at all), or when the swapped text does not parse or places one of them elsewhere than in a string
    token of its own (in a comment, inside another string)."""
    if sys.version_info >= (3, 12):
        return None
    spans: list[tuple[int, int]] = []
    swapped: list[str] = []
    at = 0
    for match in _OWN_QUOTES_RE.finditer(chunk):
        start, end = match.span()
        body = chunk[start + 2 : end - 1]
        quote = chunk[end - 1]
        if quote not in body:
            continue
        spans.append((start, end))
        swapped += [chunk[at : start + 2], body.replace(quote, "'" if quote == '"' else '"'), quote]
        at = end
    if not spans:
        return None
    text = "".join(swapped) + chunk[at:]
    strings = _string_tokens(text)
    if strings is None or not strings.issuperset(spans):
        return None
    return _parse(text)


def _refused_whole(text: str) -> bool:
    """CPython refuses the whole text with a plain syntax error, and nothing else keeps it from libcst:
    ``read.python_parse.check_parseable``, which libcst's path runs first, lets libcst decide."""
    try:
        return check_parseable(text) is not None
    except ParseError:
        return False


def _string_tokens(source: str) -> Optional[set[tuple[int, int]]]:
    """Where ``tokenize`` finds the string tokens of ``source``; None if it cannot tokenize it."""
    import io
    import tokenize  # only for an f-string with inner quotes of its own, before Python 3.12

    offsets = line_starts(source)
    found: set[tuple[int, int]] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING:
                (first, column), (last, end) = token.start, token.end
                found.add((offsets[first - 1] + column, offsets[last - 1] + end))
    except (tokenize.TokenError, SyntaxError, ValueError, IndexError):
        return None
    return found


def ast_leaks(
    text: str,
    aliases: Optional[EnvironAliases] = None,
    extra_secret_names: Sequence[str] = (),
    tokens: bool = True,
) -> Optional[list[Leak]]:
    """``detect.python.find_python_leaks(text, aliases, ...)``, or None when libcst must decide.
    An f-string joined to plain pieces is a literal to libcst (``"YOUR_" f"{x}"``), one alone is not;
    ``ast`` cannot tell them apart, so one whose value a rule could report goes to libcst.
    ``aliases`` is updated only when the answer is given here.  ``tokens``: False when the screen
    (``screen.prefilter.token_candidate``, a superset of ``find_tokens``) found none in ``text``.

    libcst reports a token found in the text (``find_tokens(text)``) that its string scan did not (at the
    same place, with the same value) from its comments (found here with ``tokenize``) or its safety net,
    which ``ast`` cannot see: so the answer is given only when each such token is one that the leaks here
    report."""
    if has_url_parameter_hint(text) and url_parameters(text):
        return None
    matches = list(find_tokens(text)) if tokens else []
    starts = [match.start for match in matches]
    shared = aliases if aliases is not None else EnvironAliases()
    mine = EnvironAliases(set(shared.modules), set(shared.environs), set(shared.putenvs))
    collector = _Collector(text, mine, starts)
    try:
        chunked = collector.walk_chunks()
    except (_NeedsLibcst, RecursionError):
        return None
    if chunked and collector.own_quotes and not _refused_whole(text):
        return None
    if not chunked:  # the whole file at once
        whole = _parse(text)
        if whole is None:
            return None
        mine = EnvironAliases(set(shared.modules), set(shared.environs), set(shared.putenvs))
        collector = _Collector(text, mine, starts)
        try:
            collector.walk(whole)
        except (_NeedsLibcst, RecursionError):
            return None
    lines: list[LineIndex] = []

    def layout(placed: object) -> Optional[StringLayout]:
        """libcst's layout of a literal written as one piece; ``_Whole`` for any other literal."""
        assert isinstance(placed, _Placed)
        node = placed.node
        if isinstance(node, ast.JoinedStr):  # an environment write's value, or a literal with a token
            fstring = one_fstring(node, placed.line_offset)
            if fstring is not None:
                return fstring
            if is_secret_value(_fstring_value(node)):
                raise _NeedsLibcst
            return None
        value = _constant_text(node)
        if value is None:
            return None
        assert isinstance(node, ast.Constant)
        start, raw = source(node, placed.line_offset)
        pieces = [Piece(start, raw, 0, value)]
        return StringLayout(pieces) if _one_piece(raw, value) else _Whole(pieces)

    def source(node: ast.expr, line_offset: int) -> tuple[int, str]:
        """Where ``node`` starts in the text, and its text."""
        if not lines:
            lines.append(_UnitLines(text, collector.units, collector.unit_lines))
        first = node.lineno + line_offset
        last = (node.end_lineno or node.lineno) + line_offset
        start = ast_offset(text, lines[0], first, node.col_offset)
        end = ast_offset(text, lines[0], last, node.end_col_offset or 0)
        return start, text[start:end]

    def one_fstring(node: ast.JoinedStr, line_offset: int) -> Optional[StringLayout]:
        """libcst's layout of an f-string written as one piece without escapes or ``\\r``, and without
        ``{...}`` (``_fstring_text``) or where ``ast`` places them (``_fields_text``); None for any
        other."""
        if _no_fields(node):
            start, raw = source(node, line_offset)
            value = _fstring_text(raw, _fstring_value(node))
        elif _FIELDS_PLACED:
            start, raw = source(node, line_offset)
            spans = []
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    at, field = source(part, line_offset)
                    spans.append((at - start, at - start + len(field)))
            value = _fields_text(raw, spans)
        else:
            return None
        return None if value is None else StringLayout([Piece(start, raw, 0, value)])

    def is_literal(placed: object) -> bool:
        """For slots; an environment write's f-string never gets past ``layout``."""
        assert isinstance(placed, _Placed)
        node = placed.node
        if isinstance(node, ast.JoinedStr):
            if one_fstring(node, placed.line_offset) is not None:
                return False  # a FormattedString to libcst, not a literal
            value = _fstring_value(node)
            if is_placeholder(value) or looks_real(value):
                raise _NeedsLibcst
            return False
        return _constant_text(node) is not None

    try:
        consumed: set[int] = set()
        leaks = env_write_leaks(collector.env_writes, mine, layout, is_literal, consumed, extra_secret_names)
        leaks.extend(slot_leaks(collector.slots, layout, is_literal, consumed))
        leaks.extend(_string_leaks(collector.literals, layout, consumed))
    except (_NeedsLibcst, RecursionError):
        return None
    covered = {(leak.start, leak.secret) for leak in leaks}
    left = [match.start for match in matches if (match.start, match.value) not in covered]
    trees: Optional[list[tuple[ast.Module, int]]] = collector.trees
    if left:  # in a comment, a name, an f-string's ``{...}``, a literal libcst reads in pieces
        comments = _comment_leaks(text, collector.units, left)
        if comments is None:
            return None
        leaks.extend(comments)
        covered.update((leak.start, leak.secret) for leak in comments)
        if any((match.start, match.value) not in covered for match in matches):
            return None  # libcst's safety net would report it: libcst's
        trees = None  # a chunk with only a comment's token is not among them: the whole text's, as libcst
    shared.modules.update(mine.modules)
    shared.environs.update(mine.environs)
    shared.putenvs.update(mine.putenvs)
    leaks.sort(key=lambda leak: (leak.start, leak.end))
    if collector.own_quotes:  # libcst's path asks ``ast`` for the ``match`` patterns, which it refuses
        return leaks
    # A ``match`` statement is written with both words as they stand (soft keywords are not read
    # through NFKC as names are).
    return in_match_patterns(text, leaks, trees) if "case" in text and "match" in text else leaks


_MOST_COUNTED_LINES = 64  # lines counted from a unit's start, at most, for one line's start


class _UnitLines(LineIndex):
    """``LineIndex`` of a text read in units (``_Collector.units``, each beginning on a line of
    ``firsts``): a line's start is counted from its unit's, so the few lines of a file's leaks need no
    index of all its lines.  Same answers: a text read in chunks has no ``\r``; the whole text (one
    unit), a line that is not the text's and one far into a long unit (a long function: its many leaks
    would each count its lines) are looked up in the index."""

    def __init__(self, text: str, units: Sequence[tuple[int, int, bool]], firsts: Sequence[int]) -> None:
        self._text = text
        self._starts_of_units = [unit[0] for unit in units]
        self._firsts = firsts
        self._indexed: Optional[LineIndex] = None

    @property
    def _starts(self) -> list[int]:  # type: ignore[override]
        self._indexed = self._indexed or LineIndex(self._text)
        return self._indexed._starts

    def offset(self, line: int) -> int:
        index = bisect_right(self._firsts, line) - 1
        # Not a line of the text, the text read whole, or a line far into a long unit: from the index.
        if index < 0 or len(self._firsts) < 2 or line - self._firsts[index] > _MOST_COUNTED_LINES:
            return super().offset(line)
        at = self._starts_of_units[index]
        for _ in range(line - self._firsts[index]):
            found = self._text.find("\n", at)
            if found < 0:
                return super().offset(line)
            at = found + 1
        return at


def _comment_leaks(
    text: str, units: Sequence[tuple[int, int, bool]], starts: Sequence[int]
) -> Optional[list[Leak]]:
    """``detect.python``'s tokens in comments (HFG001, site "comment"), in the units of the text that hold
    one of the tokens starting at ``starts``; None when a unit cannot be read exactly.

    libcst finds a comment by its text, searched from the end of the leaf before it: a ``#`` outside
    strings starts a comment, so the search lands on the comment itself, the place ``tokenize`` gives.
    A comment inside an f-string's ``{...}`` (Python 3.12) is not one of libcst's leaves: skipped."""
    if "\r" in text or text.startswith("\ufeff"):
        return None  # other line ends, a byte order mark: columns that could differ
    firsts = [unit[0] for unit in units]
    read: set[int] = set()
    leaks: list[Leak] = []
    for at in starts:
        index = bisect_right(firsts, at) - 1
        if index < 0 or index in read:
            continue
        read.add(index)
        start, end, no_code = units[index]
        comments = _blank_comments(text, start, end) if no_code else _tokenized_comments(text, start, end)
        if comments is None:
            return None
        for base, raw in comments:
            leaks.extend(comment_leaks(base, raw))
    return leaks


def _blank_comments(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """The comments of ``text[start:end]``, lines of nothing but space and comments (``_no_code``):
    each runs from its line's ``#`` to the line's end."""
    comments: list[tuple[int, str]] = []
    at = text.find("#", start, end)
    while at >= 0:
        stop = text.find("\n", at, end)
        stop = end if stop < 0 else stop
        comments.append((at, text[at:stop]))
        at = text.find("#", stop, end)
    return comments


def _tokenized_comments(text: str, start: int, end: int) -> Optional[list[tuple[int, str]]]:
    """The comments of ``text[start:end]``, a text that parses on its own, by ``tokenize``, outside
    f-strings; None if it cannot tokenize it or places a comment elsewhere than its text."""
    import io
    import tokenize  # only for code with a token outside the plain literals

    source = text[start:end]
    offsets = line_starts(source)
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    inside = 0
    comments: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == fstring_start:
                inside += 1
            elif token.type == fstring_end:
                inside -= 1
            elif token.type == tokenize.COMMENT and not inside:
                row, column = token.start
                at = offsets[row - 1] + column
                if not token.string.startswith("#") or source[at : at + len(token.string)] != token.string:
                    return None
                comments.append((start + at, token.string))
    except (tokenize.TokenError, SyntaxError, ValueError, IndexError):
        return None
    return comments


def _string_leaks(literals: Sequence[_Literal], layout: Layout, consumed: set[int]) -> list[Leak]:
    """``detect.python``'s scan of the strings not consumed by a slot or a write, for the literals with a
    token (the others hold no finding: a URL parameter sends the code to libcst), in source order."""
    found: list[tuple[StringLayout, str]] = []
    for literal in literals:
        if id(literal.value) in consumed:
            continue
        strings = layout(literal.value)
        if strings is None or isinstance(strings, _Whole):
            raise _NeedsLibcst
        found.append((strings, "docstring" if literal.statement else "string"))
    found.sort(key=lambda item: item[0].pieces[0].raw_start)
    leaks: list[Leak] = []
    for strings, site in found:
        leaks.extend(string_leaks(strings, site))
    return leaks


_PREFIX_RE = regexes.compile(r"[rRuUbB]{0,2}")
_FSTRING_PREFIX_RE = regexes.compile(r"[fF][rR]?|[rR][fF]")


def _one_piece(raw: str, value: str) -> bool:
    """Is ``raw``, the source of a string constant whose value is ``value``, one literal that spells its
    value as it is: no escape, no ``\\r`` (read as a line end), no pieces joined (``ast`` makes one
    constant of them, with a value shorter than the text between the outer quotes)?  Then libcst's
    layout of it is this one piece, and maps a value's offset to the source by the quote's length."""
    return _quoted_text(raw, _PREFIX_RE) == value


def _fstring_text(raw: str, value: str) -> Optional[str]:
    """libcst's value of an f-string without ``{...}`` whose source is ``raw`` and whose value to ``ast``
    is ``value``: the text between its quotes as written (``{{`` stays two braces), when it is one piece
    with no escape and no ``\\r``; else None."""
    text = _quoted_text(raw, _FSTRING_PREFIX_RE)
    if text is None or text.replace("{{", "{").replace("}}", "}") != value:
        return None
    return text


def _fields_text(raw: str, fields: Sequence[tuple[int, int]]) -> Optional[str]:
    """libcst's value of an f-string whose source is ``raw`` and whose ``{...}`` are at ``fields`` in it:
    the literal text between them as written, and ``\\0`` for each, when it is one piece (no quote of
    its own kind in the literal text, which joined pieces would put there) with no backslash and no
    ``\\r``, and every brace of the literal text is doubled; else None."""
    quoted = _quotes(raw, _FSTRING_PREFIX_RE)
    if quoted is None:
        return None
    at, quote, end = quoted
    texts: list[str] = []
    for first, last in fields:
        if first < at or last > end or raw[first : first + 1] != "{" or raw[last - 1 : last] != "}":
            return None
        texts.append(raw[at:first])
        at = last
    texts.append(raw[at:end])
    for text in texts:
        if quote in text or set(text.replace("{{", "").replace("}}", "")) & {"{", "}"}:
            return None
    return "\0".join(texts)


def _quotes(raw: str, prefixes: re.Pattern[str]) -> Optional[tuple[int, str, int]]:
    """Where the text between the quotes of ``raw`` begins, the quote and where it ends, when ``raw`` is a
    prefix that ``prefixes`` matches and one kind of quote on both ends, with no backslash and no
    ``\\r``."""
    if "\\" in raw or "\r" in raw:
        return None
    head = prefixes.match(raw)
    if head is None:
        return None
    prefix = head.end()
    quote = raw[prefix : prefix + 3]
    if quote not in ('"""', "'''"):
        quote = raw[prefix : prefix + 1]
        if quote not in ('"', "'"):
            return None
    end = len(raw) - len(quote)
    if end < prefix + len(quote) or raw[end:] != quote:
        return None
    return prefix + len(quote), quote, end


def _quoted_text(raw: str, prefixes: re.Pattern[str]) -> Optional[str]:
    """The text between the quotes of ``raw`` when it is one string literal (a prefix that ``prefixes``
    matches, one kind of quote on both ends and not between them) with no backslash and no ``\\r``."""
    quoted = _quotes(raw, prefixes)
    if quoted is None:
        return None
    at, quote, end = quoted
    body = raw[at:end]
    return None if quote in body else body
