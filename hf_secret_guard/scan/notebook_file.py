"""Scan a notebook part by part, then sweep the raw file for any token no part accounted for."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from hf_secret_guard import regexes
from hf_secret_guard.detect.allow import drop_allowed, may_allow, unused_allow_comments
from hf_secret_guard.detect.memo import Memo
from hf_secret_guard.detect.text import find_text_leaks
from hf_secret_guard.model import FileResult, Finding, Leak, Part, ScanError
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.providers import FORMATS
from hf_secret_guard.read.ipython import mask_cell
from hf_secret_guard.read.jsonspan import JsonSpanError, WholeCells, raw_offset_in_string
from hf_secret_guard.read.lines import CountedLineIndex, LineIndex
from hf_secret_guard.read.notebook import (
    NotebookRead,
    NotebookShapeError,
    part_span,
    placed,
    raw_offset,
    read_notebook,
    shows_prefixes,
)
from hf_secret_guard.read.notebook_shape import notebook_shape_error
from hf_secret_guard.scan.code import find_code_leaks, shell_part_leaks
from hf_secret_guard.scan.findings import finding, keep
from hf_secret_guard.screen.prefilter import (
    has_text_needle,
    hides_needles,
    may_bind_os,
    needs_parse,
    notebook_escapes,
    notebook_may_leak,
    slot_candidate,
    url_candidate,
)
from hf_secret_guard.tokens import PrefixIndex, TokenMatch, find_tokens

if TYPE_CHECKING:
    from hf_secret_guard.detect.key_writes import AliasNames


def _as_text(leak: Leak, reason: str) -> Leak:
    return leak._replace(
        site="cell-text" if leak.site == "shell" else leak.site, reason=leak.reason or reason
    )


def _python_leaks(code: str, options: ScanOptions, aliases: object) -> tuple[list[Leak], Optional[str]]:
    """A cell's Python, libcst reading only the statements that can hold a finding (as for a ``.py``
    file: ``screen.slices``), with the names earlier cells bound to ``os`` and its environment kept.
    A cell whose only possible findings are whole literals in key places is read with ``ast`` instead
    (``detect.python_ast``), and libcst is not loaded for it."""
    from hf_secret_guard.detect.key_writes import EnvironAliases  # only for code that can leak
    from hf_secret_guard.detect.python_ast import ast_leaks  # only for code that can leak

    found = ast_leaks(code, aliases if isinstance(aliases, EnvironAliases) else None, options.secret_names)
    if found is not None:
        return found, None
    import hf_secret_guard.detect.python  # noqa: F401  (before slicing: see ``scan.code.source_leaks``)
    from hf_secret_guard.screen.slices import relevant_statements  # libcst: only for a file that can leak

    known: list[str] = []
    if isinstance(aliases, EnvironAliases):
        known = sorted(aliases.bound())
    sliced = relevant_statements(code, known)
    if sliced is not None:
        leaks, parse_error = find_code_leaks(sliced.text, options, aliases, force=True)
        if parse_error is None:
            return [sliced.restore(leak) for leak in leaks], None
    return find_code_leaks(code, options, aliases, force=True)


def code_cell_leaks(text: str, options: ScanOptions, aliases: object) -> tuple[list[Leak], Optional[str]]:
    """A code cell: IPython lines as shell text, the rest as Python (or all as shell for ``%%bash``)."""
    masked = mask_cell(text)
    if masked.text_body:  # %%html, %%sql, %%writefile notes.txt...: text, never "a %%bash-style cell"
        reason = f"a %%{masked.cell_magic} cell is not Python: remove the secret by hand"
        leaks = shell_part_leaks(text, masked.shell_lines, False, options)
        return [_as_text(leak, reason) for leak in leaks], None
    if not masked.python_body:
        return shell_part_leaks(text, masked.shell_lines, False, options), None
    leaks, parse_error = _python_leaks(masked.python, options, aliases)
    if parse_error is not None:
        masked = mask_cell(text, automagic=True)
        leaks, parse_error = _python_leaks(masked.python, options, aliases)
    return leaks + shell_part_leaks(text, masked.shell_lines, True, options), parse_error


def _part_leaks(part: Part, options: ScanOptions, aliases: object) -> tuple[list[Leak], Optional[str]]:
    if part.kind == "code":  # inline allow comments apply to code cells, as to .py files
        leaks, parse_error = code_cell_leaks(part.text, options, aliases)
        unused = unused_allow_comments(part.text, leaks, cell=True) if options.wants("HFG100") else []
        kept = drop_allowed(part.text, leaks, cell=True)
        return sorted(kept + unused, key=lambda leak: leak.start), parse_error
    rule = "HFG003" if part.kind == "output" else "HFG004"
    return find_text_leaks(part.text, rule, part.kind, fixable=True), None


def _raw_text_findings(raw: str, path: str, options: ScanOptions, label: str) -> list[Finding]:
    lines = LineIndex(raw)
    part = Part("raw", raw, label=label, raw_start=0)
    leaks = keep(find_text_leaks(raw, "HFG004", "json", fixable=False), options)
    return [finding(leak, path, part, lines) for leak in leaks]


def _gaps(length: int, spans: tuple[tuple[int, int], ...]) -> Iterator[tuple[int, int]]:
    """The stretches of ``range(length)`` outside ``spans`` (which may overlap or nest)."""
    last = 0
    for start, end in sorted(spans):
        if start > last:
            yield last, start
        last = max(last, end)
    if last < length:
        yield last, length


def _swept_tokens(
    raw: str, skipped: tuple[tuple[int, int], ...], prefixes: Optional[PrefixIndex] = None
) -> Iterator[TokenMatch]:
    """``find_tokens(raw)`` as if every span of ``skipped`` were blanked to spaces, with offsets in ``raw``:
    each stretch between them searched on its own.  A token cannot reach into a blank, and a slice's
    edges act as the blanks did (no token character on either side), so the matches are the same.
    ``prefixes``: the token prefixes of ``raw``, found once for the whole file."""
    prefixes = prefixes or PrefixIndex(raw)
    for start, end in _gaps(len(raw), skipped):
        yield from prefixes.tokens(start, end)


def _raw_slices(parts: tuple[Part, ...]) -> tuple[tuple[int, int], ...]:
    """The file spans of the parts whose text is the file's own text (``raw_start``), which the safety
    net need not search again: such a part is one JSON value (object, array, string, number or
    constant), so a token cannot cross its edges, and ``find_tokens`` finds in it exactly what it finds
    in the same span of the file.  Either the part was scanned (each such token is a leak of it, so
    covered) or its text has no token prefix at all (``_worth_scanning``)."""
    return tuple((part.raw_start, part.raw_start + len(part.text)) for part in parts if part.raw_start >= 0)


def _slice_part(
    part: Part, prefixes: PrefixIndex, escapes: bool
) -> tuple[tuple[int, ...], list[Leak], Optional[str]]:
    """``_scanned_part`` of a part that is a stretch of the file (``raw_start``) and not code: one leak per
    token, as ``find_text_leaks(part.text)`` gives them, from the prefixes found in the whole file; and,
    when the file has them (``escapes``: ``hides_needles``), the tokens its strings spell in escapes."""
    rule = "HFG003" if part.kind == "output" else "HFG004"
    start = part.raw_start
    leaks = [
        Leak(rule, m.start - start, m.end - start, m.value, m.confidence, part.kind, True)
        for m in prefixes.tokens(start, start + len(part.text))
    ]
    tokens = tuple(leak.start for leak in leaks)
    if not escapes:
        return tokens, leaks, None
    escaped = [
        Leak(rule, m.start, m.end, m.value, m.confidence, part.kind, True)
        for m in escaped_tokens(part.text, 0, len(part.text))
    ]
    return tokens, sorted(leaks + escaped, key=lambda leak: leak.start) if escaped else leaks, None


_JSON_STRING = regexes.compile(r'"(?:[^"\\]|\\.)*"')


def escaped_tokens(raw: str, start: int, end: int) -> Iterator[TokenMatch]:
    """The tokens that the JSON strings of ``raw[start:end]`` (a stretch of whole JSON values and the
    text between them) write with a letter in a ``\\u`` escape, which no search of the raw text finds:
    each string that has such an escape, decoded and searched, the token placed at its own characters
    in ``raw``.  Tokens written out are the prefix search's."""
    if not hides_needles(raw[start:end]):
        return
    for string in _JSON_STRING.finditer(raw, start, end):
        literal = string.group()
        if not hides_needles(literal):
            continue
        try:
            value = json.loads(literal)
        except ValueError:
            continue
        for match in find_tokens(value):
            first = raw_offset_in_string(raw, string.start(), match.start)
            last = raw_offset_in_string(raw, string.start(), match.end)
            if "\\" in raw[first:last]:
                yield match._replace(start=first, end=last)


# A token format that matches only letters, digits, ``_``, ``-`` and ``.``, and whose tail turns away only
# such characters: written out, none of its characters is one JSON escapes (``"``, ``\\``, ``/``, controls).
_PLAIN_FORMAT = regexes.compile(
    r"(?:[A-Za-z0-9_-]|\\[-.]|\{\d+(?:,\d+)?\}|\(\?:|\(\?!|[|)?]"
    r"|\[(?:[A-Z]-[A-Z]|[a-z]-[a-z]|[0-9]-[0-9]|[A-Za-z0-9_])*-?\])*"
)
_PLAIN_PREFIXES: list[frozenset[str]] = []  # the prefixes all of whose formats are plain; built when asked


def _plain_prefixes() -> frozenset[str]:
    if not _PLAIN_PREFIXES:
        formats = [fmt for _, fmt in FORMATS if fmt.anywhere]
        plain = {fmt.prefix for fmt in formats if _PLAIN_FORMAT.fullmatch(fmt.pattern + fmt.tail)}
        _PLAIN_PREFIXES.append(frozenset(plain - {f.prefix for f in formats if f.prefix not in plain}))
    return _PLAIN_PREFIXES[0]


def _writes_no_token(prefixes: PrefixIndex, start: int, end: int) -> bool:
    """Whether the JSON string or list of strings at ``raw[start:end]`` holds no token once decoded, as
    far as its stretch of the file tells, when that stretch shows every prefix (``shows_prefixes``): it
    has no token prefix; or each one is of a plain format (``_PLAIN_FORMAT``) and no token stands there.
    A token of a plain format is written out in the file as it is in the decoded text, and its neighbours
    are told apart the same way: after it, a character JSON escapes, or the backslash of its escape, is
    no token character; before it, such a character, or the letter of an escape such as ``\\n``, which
    ``tokens`` accepts before a token as it accepts a line break; so a token of the text is one of the
    stretch."""
    if not prefixes.any_within(start, end):
        return True
    plain = _plain_prefixes()
    if any(prefix not in plain for prefix, _ in prefixes.within(start, end)):
        return False
    return next(prefixes.tokens(start, end), None) is None


def _has_needle(code: bool, text: str) -> bool:
    if has_text_needle(text):
        return True
    return code and (slot_candidate(text) or url_candidate(text))


def _needs_parse(code: str) -> bool:
    if len(code) > MAX_REMEMBERED_CHARS:
        return needs_parse(code)
    return _PARSED.remember(code, code, lambda: needs_parse(code))


def _worth_scanning(part: Part, aliases: object) -> bool:
    code = part.kind == "code"
    if len(part.text) > MAX_REMEMBERED_CHARS:
        needle = _has_needle(code, part.text)
    else:
        needle = _NEEDLES.remember((code, part.text), part.text, lambda: _has_needle(code, part.text))
    if needle:
        return True
    if not code or aliases is None:
        return False
    if may_bind_os(part.text):
        return True
    # A later cell may write through a name bound in an earlier one: `env["KEY"] = "..."`.
    from hf_secret_guard.detect.key_writes import EnvironAliases  # only for code that can leak

    assert isinstance(aliases, EnvironAliases)
    return any(name in part.text for name in aliases.bound())


class ReadKeeper:
    """The notebook the last scan in this process read, for a fix planned right after it from the same
    text (``--fix`` on a large tree plans in the scan's workers): reading a notebook with positions is
    a large part of planning its fix.  Only set while such a caller runs (``KEEPER``)."""

    def __init__(self) -> None:
        self.last: Optional[NotebookRead] = None

    def pop(self) -> Optional[NotebookRead]:
        """The notebook the last scan read (None if it read none), forgotten here."""
        last, self.last = self.last, None
        return last


KEEPER: Optional[ReadKeeper] = None


# Template notebooks repeat the same cells many times (an install cell, a login cell, the same markdown):
# what a part holds depends only on its kind and text, the options and the names earlier cells bound to
# ``os.environ``, so a part seen before is not scanned again.  Parts are remembered across notebooks in a
# process, each of at most MAX_REMEMBERED_CHARS (a long output is not worth keeping alive), up to
# MAX_REMEMBERED of them and MAX_REMEMBERED_TOTAL characters in all.
MAX_REMEMBERED = 4096
MAX_REMEMBERED_CHARS = 20_000
MAX_REMEMBERED_TOTAL = 4_000_000
_Aliases = Optional["AliasNames"]
_PartScan = tuple[tuple[int, ...], tuple[Leak, ...], Optional[str], _Aliases]
_NEEDLES: Memo[tuple[bool, str], bool] = Memo(MAX_REMEMBERED, MAX_REMEMBERED_TOTAL)
_PARSED: Memo[str, bool] = Memo(MAX_REMEMBERED, MAX_REMEMBERED_TOTAL)
_PARTS: Memo[tuple[str, str, ScanOptions, _Aliases], _PartScan] = Memo(MAX_REMEMBERED, MAX_REMEMBERED_TOTAL)


def _alias_names(aliases: object) -> _Aliases:
    if aliases is None:
        return None
    from hf_secret_guard.detect.key_writes import EnvironAliases  # loaded already: aliases is one

    assert isinstance(aliases, EnvironAliases)
    return aliases.names()


def _scanned_part(
    part: Part, options: ScanOptions, aliases: object
) -> tuple[tuple[int, ...], list[Leak], Optional[str]]:
    """Where ``part`` holds tokens, its leaks and parse error; the names its code binds are added to
    ``aliases``, as ``_part_leaks`` does."""

    def scan() -> _PartScan:
        leaks, parse_error = _part_leaks(part, options, aliases)
        if part.kind == "code":
            tokens = tuple(match.start for match in find_tokens(part.text))
        else:  # a text part's leaks are its tokens, one each (``find_text_leaks``)
            tokens = tuple(leak.start for leak in leaks)
        return tokens, tuple(leaks), parse_error, _alias_names(aliases)

    if len(part.text) > MAX_REMEMBERED_CHARS:
        tokens, leaks, parse_error, _ = scan()
        return tokens, list(leaks), parse_error
    before = _alias_names(aliases)
    tokens, leaks, parse_error, after = _PARTS.remember(
        (part.kind, part.text, options, before), part.text, scan
    )
    if after is not None and after != before:
        from hf_secret_guard.detect.key_writes import EnvironAliases  # loaded already: aliases is one

        assert isinstance(aliases, EnvironAliases)
        aliases.restore(after)
    return tokens, list(leaks), parse_error


# Reading a notebook with the position of every JSON value costs memory per value (about a kilobyte with
# its path and text); a notebook of more values than this (saved outputs of millions of short lines) is
# swept as text instead, still finding every key.  Images are one value each: they cost nothing here.
MAX_NOTEBOOK_VALUES = 400_000


def scan_notebook_text(raw: str, path: str, options: ScanOptions, data: Optional[bytes] = None) -> FileResult:
    """``data``: the bytes ``raw`` was decoded from as UTF-8 (a byte order mark aside), when the caller
    has them: the screens look for ASCII needles there."""
    # Any ``\\u`` escape in the file, and keys spelled in escapes: asked once, for screen and scan.
    unicode_escapes, escapes = notebook_escapes(raw, data)
    if not notebook_may_leak(raw, options.secret_names, data, escapes) and not (
        options.wants("HFG100") and may_allow(raw)
    ):
        return FileResult(path, (), notebook_shape_error(raw if data is None else data, path))
    if len(raw) > 2 * MAX_NOTEBOOK_VALUES and raw.count('"') > 2 * MAX_NOTEBOOK_VALUES:
        reason = f"more than {MAX_NOTEBOOK_VALUES:,} JSON values: scanned as text, not cell by cell"
        error = ScanError(path, "notebook", reason)
        return FileResult(path, tuple(_raw_text_findings(raw, path, options, "notebook JSON")), (error,))
    # Outputs, markdown and metadata can only hold tokens: every token prefix of the file is found once,
    # and a part whose stretch of the file holds none, or holds no token (``_writes_no_token``), is not
    # searched again; a cell whose stretch holds none is read whole (and, in a file that may spell a key in
    # ``\\u`` escapes, only one without any).
    prefixes = PrefixIndex(raw, data)
    try:  # a fix planned from it places the parts it edits (a fix in a worker: every code cell)
        lazy = True if KEEPER is not None else WholeCells(prefixes.next_start, escapes)
        notebook = read_notebook(raw, lazy)
    except (JsonSpanError, NotebookShapeError) as exc:
        reason = f"invalid JSON ({exc})" if isinstance(exc, JsonSpanError) else str(exc)
        error = ScanError(path, "notebook", f"{reason}; scanned as text")
        return FileResult(path, tuple(_raw_text_findings(raw, path, options, "notebook JSON")), (error,))
    if KEEPER is not None:
        KEEPER.last = notebook

    errors = [ScanError(path, "notebook", f"{note}; scanned as text") for note in notebook.notes]
    aliases: object = None
    if any(part.kind == "code" and _needs_parse(part.text) for part in notebook.parts):
        from hf_secret_guard.detect.key_writes import EnvironAliases  # only for code that can leak

        aliases = EnvironAliases()  # shared: a cell may use `env` imported in an earlier one
    raw_lines: Optional[LineIndex] = None
    findings: list[Finding] = []
    covered: set[int] = set()
    for at, part in enumerate(notebook.parts):
        index = notebook.indexes[at] if notebook.indexes else at
        if part.kind != "code":
            if part.raw_start >= 0:  # the file's own text: its tokens are those of its stretch
                tokens, leaks, parse_error = _slice_part(part, prefixes, escapes)
            elif _writes_no_token(prefixes, *part_span(notebook, part)) and shows_prefixes(
                notebook, part, unicode_escapes
            ):
                continue
            else:
                tokens, leaks, parse_error = _scanned_part(part, options, aliases)
        elif _worth_scanning(part, aliases) or (options.wants("HFG100") and may_allow(part.text)):
            # The part's detector decides about every token in its text, reported or not (a token-shaped
            # function name is not a leak), so the raw sweep below must not report them again.
            tokens, leaks, parse_error = _scanned_part(part, options, aliases)
        else:
            continue
        if parse_error is not None:
            message = f"cell {part.cell}: could not parse as Python ({parse_error}); scanned as text"
            errors.append(ScanError(path, "parse", message))
        if tokens or leaks:
            part = placed(notebook, part)
        covered.update(raw_offset(raw, part, start) for start in tokens)
        if not leaks:
            continue
        raw_lines = raw_lines or CountedLineIndex(raw)
        part_lines = LineIndex(part.text)
        for leak in leaks:
            start = raw_offset(raw, part, leak.start)
            if not options.wants(leak.rule):
                continue
            file_position = raw_lines.position(start)
            if part.raw_start >= 0:  # metadata and other nested JSON: a position in the file itself
                label = f"cell {part.cell} {part.label}" if part.cell else part.label
                span = raw_lines.span(start, part.raw_start + leak.end)
                found = finding(leak, path, part._replace(label=label), raw_lines, index, file_position)
                findings.append(found._replace(span=span))
            else:
                found = finding(leak, path, part, part_lines, index, file_position)
                findings.append(found._replace(span_in_file=False))

    # Safety net: a token anywhere in the file that no part accounted for (an unknown field, say).  The
    # base64 of images is left out (never a token), and so is every part that is a slice of the file
    # itself (metadata, widget state: its tokens are that part's own, found above).
    skipped = notebook.binary + _raw_slices(notebook.parts)
    swept = _swept_tokens(raw, skipped, prefixes)
    if escapes:  # and the tokens written in escapes
        swept = itertools.chain(
            swept, (m for s, e in _gaps(len(raw), skipped) for m in escaped_tokens(raw, s, e))
        )
    for match in swept:
        if match.start in covered or any(start <= match.start < end for start, end in notebook.binary):
            continue
        leak = Leak("HFG004", match.start, match.end, match.value, match.confidence, "json", True)
        if options.wants(leak.rule):
            raw_lines = raw_lines or CountedLineIndex(raw)
            part = Part("raw", raw, label="notebook JSON", raw_start=0)
            findings.append(finding(leak, path, part, raw_lines, -1))
    findings.sort(key=lambda f: (f.part_index < 0, f.part_index, f.span.start))  # the raw sweep's last
    return FileResult(path, tuple(findings), tuple(errors))
