"""Hide IPython syntax from libcst without moving any character, reading the cell as IPython does.

IPython (``IPython.core.inputtransformer2.TransformerManager``) first cleans a cell up (drops leading blank
lines, removes the indentation common to every line, strips ``>>>``/``...`` and ``In [n]:`` prompts), then
turns a first-line ``%%magic`` into one call, then tokenizes the rest as Python and turns each escaped
command (``!cmd``, ``%magic``, ``x = !cmd``, ``x = %magic``, ``obj?``, ``?obj``, ``,f a``...) with its
backslash-continued lines into one call, re-tokenizing after each.  The same steps are taken here on the
same tokens, so a line is Python exactly when IPython reads it as Python: ``% b`` and ``!= b`` inside
brackets or after a backslash stay Python, and a ``!`` command's indented continuation lines are not.

Offsets never move: each IPython command becomes ``0`` and spaces; an indentation or prompt IPython strips
ends in a form feed (``\\f``), which resets Python's column count, so the rest of the line sits in the
column IPython gives it.  The hidden commands are scanned as shell text (``shell_lines``).
"""

from __future__ import annotations

import re
import textwrap
import tokenize
from collections.abc import Iterator
from typing import NamedTuple, Optional

from hf_secret_guard import regexes

# Cell magics whose body is Python: IPython reads the body as a cell again (``capture``, ``time``...), or
# it is a Python program of its own (``python``).
TRANSFORMED_BODY_MAGICS = frozenset({"capture", "time", "timeit", "prun", "debug"})
PYTHON_CELL_MAGICS = TRANSFORMED_BODY_MAGICS | {"python", "python3", "ipython", "pypy"}
# Cell magics whose body runs in a shell; every other non-Python cell magic (``%%html``, ``%%sql``,
# ``%%javascript``, ``%%writefile notes.txt``...) holds text, scanned for secrets but not as shell.
SHELL_CELL_MAGICS = frozenset({"bash", "sh", "zsh", "system", "!"})
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "fish"})
# What IPython expands ``{expr}`` and ``$name`` in: ``!cmd``, ``!!cmd``, ``%magic`` and their assignments.
EXPANDING_KINDS = frozenset({"!", "!!", "%", "=!", "=%"})

_NEWLINE_RE = regexes.compile(r"[\r\n]")
_ENDING_RE = regexes.compile(r"(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])\Z")
_AUTOMAGIC_RE = regexes.compile(
    r"[ \t]*(?:pip|conda|cd|ls|ll|pwd|env|set_env|load_ext|reload_ext|matplotlib|timeit|who|whos|"
    r"pinfo|store|run|rm|mkdir|cp|mv|cat|mamba|uv|wget|curl|git|apt|huggingface-cli|hf)[ \t]+(?![=(\[.,:])\S"
)
_PS1_INITIAL_RE = regexes.compile(r"^\s*>>>")
_PS1_RE = regexes.compile(r"^\s*>>>[ \t]?")
_PS2_RE = regexes.compile(r"^\s*\.\.\.[ \t]?")
_TRIPLE_QUOTE_RE = regexes.compile(r"(?<!\\)(\"\"\"|''')")
_STRING_PREFIX_RE = regexes.compile(r"(?i)[rubf]*")
_IPYTHON_PROMPT_RE = regexes.compile(r"^(((\[nav\]|\[ins\])? )?In \[\d+\]: |\s*\.{3,}: ?)")
_HELP_END_RE = regexes.compile(r"(%{0,2}(?!\d)[\w*]+(\.(?!\d)[\w*]+|\[-?[0-9]+\])*)(\?\??)$")
_ESCAPES = frozenset({"!", "?", "%", ",", ";", "/"})
# A superset of where the token transforms can match: an escape first on a line, `=` then `!`/`%`, a `?`.
_FIRST_CODE_RE = regexes.compile(r"^([ \t]*)(\S)", re.MULTILINE)
_ODD_BREAK_RE = regexes.compile(
    r"[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
)  # str.splitlines breaks there too
_MAY_ESCAPE_RE = regexes.compile(r"^[ \t\f]*[!?%,;/]|=[\s\\]*[!%]|\?", re.MULTILINE)
_TRANSFORM_LIMIT = 500
# Tokenizer errors after which IPython adds an empty error token to the last logical line (others end it).
_CAUGHT_TOKEN_ERRORS = (
    "unterminated string literal",
    "invalid non-printable character",
    "after line continuation character",
    "invalid decimal literal",
    "invalid binary literal",
    "invalid octal literal",
    "invalid hexadecimal literal",
    "in binary literal",
    "in octal literal",
    "expected EOF",
)


class MaskedCell(NamedTuple):
    """A code cell with IPython syntax blanked out.

    ``shell_lines``: the (start, end) of each IPython command, all of its continued lines (a cell magic's
    header lines are one span; a ``%%bash`` cell is one span); ``kinds``: each one's escape (``!``,
    ``%``, ``=!`` for ``x = !cmd``, ``?`` for help, ``%%`` for cell magic headers...).
    ``margins``: the (start, end) of the indentation and prompts IPython strips from a line.
    """

    python: str
    shell_lines: tuple[tuple[int, int], ...]
    cell_magic: Optional[str]
    python_body: bool  # False for %%bash and friends: the whole cell is shell or foreign text
    text_body: bool = False  # a non-Python, non-shell cell magic (%%html, %%sql...): text, not shell
    kinds: tuple[str, ...] = ()
    margins: tuple[tuple[int, int], ...] = ()

    def with_margin(self, text: str, offset: int, inserted: str) -> str:
        """``inserted`` (whole lines, put at the line start ``offset`` of ``text``) with the indentation
        or prompt IPython strips from the next code line, so IPython strips it from the new lines too."""
        if not self.margins or (offset > 0 and text[offset - 1] not in "\r\n"):
            return inserted
        margin = next((text[start:end] for start, end in self.margins if start >= offset), "")
        return "".join(margin + line for line in inserted.splitlines(keepends=True))

    def command_at(self, offset: int) -> Optional[tuple[int, int, str]]:
        """The IPython command (start, end, kind) that holds ``offset``, if any."""
        for (start, end), kind in zip(self.shell_lines, self.kinds, strict=True):
            if start <= offset < end:
                return start, end, kind
        return None


class _Line:
    """One physical line: its offset in the cell, what was stripped in front of it, its current text."""

    __slots__ = ("cut", "ending", "start", "text")

    def __init__(self, start: int, raw: str) -> None:
        ending = _ENDING_RE.search(raw)
        self.start = start
        self.cut = 0  # characters IPython strips from the line's start (indentation, prompt)
        self.ending = ending.group() if ending else ""
        self.text = raw[: len(raw) - len(self.ending)]

    @property
    def full(self) -> str:
        return self.text + self.ending


class _Reading:
    """What the steps found, in cell offsets."""

    def __init__(self) -> None:
        self.commands: list[tuple[int, int, str]] = []
        self.magic: Optional[str] = None
        self.body = "python"  # or "verbatim" (%%writefile x.py), "shell", "text"


def _split(text: str) -> list[_Line]:
    lines: list[_Line] = []
    position = 0
    for raw in text.splitlines(keepends=True):
        lines.append(_Line(position, raw))
        position += len(raw)
    return lines


def _first_code_line(lines: list[_Line], lo: int) -> Optional[int]:
    for index in range(lo, len(lines)):
        if lines[index].text.strip():
            return index
    return None


def _replace(lines: list[_Line], indexes: list[int], new_texts: list[str]) -> None:
    """Take the new texts of ``lines[indexes]``; each is its old text with a prefix removed."""
    for index, new in zip(indexes, new_texts, strict=False):
        line = lines[index]
        ending = _ENDING_RE.search(new)
        new = new[: len(new) - len(ending.group())] if ending else new
        # A whitespace-only line IPython empties is a blank line either way: it keeps its whitespace here.
        if new != line.text and line.text.endswith(new) and line.text.strip(" \t"):
            line.cut += len(line.text) - len(new)
            line.text = new


def _dedent(lines: list[_Line], indexes: list[int]) -> bool:
    """``textwrap.dedent`` of those lines, as IPython does it; whether anything changed."""
    before = "".join(lines[i].full for i in indexes)
    after = textwrap.dedent(before)
    if after == before:
        return False
    new = after.splitlines(keepends=True)
    new += [""] * (len(indexes) - len(new))  # a last whitespace-only line without line break vanishes
    _replace(lines, indexes, new)
    return True


def _triple_quote_mask(lines: list[_Line], indexes: list[int]) -> list[bool]:
    """Lines IPython's doctest prompt stripper leaves alone: inside a triple-quoted string that opened
    at the start of its line (after an optional prompt), not as prompted code."""
    mask: list[bool] = []
    in_triple: Optional[str] = None
    preserve = seen_prompt = False
    for index in indexes:
        line = lines[index].full
        mask.append(in_triple is not None and preserve)
        for match in _TRIPLE_QUOTE_RE.finditer(line):
            quote = match.group(1)
            if in_triple is None:
                in_triple = quote
                before = line[: match.start()]
                stripped = _PS2_RE.sub("", _PS1_RE.sub("", before, count=1), count=1)
                prompted_code = stripped != before and seen_prompt
                preserve = not prompted_code and _STRING_PREFIX_RE.fullmatch(stripped.strip()) is not None
                mask[-1] = preserve
            elif in_triple == quote:
                in_triple, preserve = None, False
        seen_prompt = seen_prompt or _PS1_INITIAL_RE.match(line) is not None
    return mask


def _classic_prompts(lines: list[_Line], indexes: list[int]) -> None:
    if not any(">>>" in lines[index].text for index in indexes):
        return
    protected = _triple_quote_mask(lines, indexes)
    pairs = list(zip(indexes, protected, strict=True))
    if not any(not protect and _PS1_INITIAL_RE.match(lines[index].full) for index, protect in pairs):
        return
    stripped: list[bool] = []
    for index, protect in zip(indexes, protected, strict=True):
        line = lines[index]
        full = line.full
        if protect:
            stripped.append(False)
            continue
        regex = _PS1_RE if _PS1_RE.match(full) else _PS2_RE if _PS2_RE.match(full) else None
        new = regex.sub("", full, count=1) if regex else full
        stripped.append(new != full)
        _replace(lines, [index], [new])
    start = 0
    while start < len(indexes):  # dedent each run of unprotected lines where a prompt was stripped
        end = start
        while end < len(indexes) and protected[end] == protected[start]:
            end += 1
        if not protected[start] and any(stripped[start:end]):
            _dedent(lines, indexes[start:end])
        start = end


def _cleanup(lines: list[_Line], lo: int) -> None:
    """IPython's cleanup steps on ``lines[lo:]``: leading blank lines, common indentation, prompts."""
    first = _first_code_line(lines, lo)
    if first is None:
        return
    indexes = list(range(first, len(lines)))
    _dedent(lines, indexes)
    _classic_prompts(lines, indexes)
    texts = [lines[i].full for i in indexes]
    if _IPYTHON_PROMPT_RE.match(texts[0]) or (len(texts) > 1 and _IPYTHON_PROMPT_RE.match(texts[1])):
        _replace(lines, indexes, [_IPYTHON_PROMPT_RE.sub("", text, count=1) for text in texts])


def _offset(lines: list[_Line], index: int, column: int) -> int:
    line = lines[index]
    return line.start + line.cut + column


def _blank(lines: list[_Line], first: int, column: int, last: int) -> None:
    """``0`` at (first, column), spaces to the end of line ``last``: what IPython turns into one call."""
    for index in range(first, last + 1):
        line = lines[index]
        keep = column if index == first else 0
        rest = len(line.text) - keep
        if rest > 0:
            line.text = line.text[:keep] + ("0" if index == first else " ") + " " * (rest - 1)


def _tokens_by_line(lines: list[_Line], lo: int) -> list[list[tokenize.TokenInfo]]:
    """Tokens grouped into logical lines, as IPython groups them (a comment or blank line is a group)."""
    # Python 3.12's tokenizer refuses NUL (and leaves an exception set behind): a space of the same width.
    texts = [line.full.replace("\0", " ") for line in lines[lo:]]
    if texts and not texts[-1].endswith("\n"):
        texts[-1] += "\n"
    groups: list[list[tokenize.TokenInfo]] = [[]]
    level = 0
    readline = iter(texts).__next__
    try:
        for token in tokenize.generate_tokens(readline):
            groups[-1].append(token)
            if token.type == tokenize.NEWLINE or (token.type == tokenize.NL and level <= 0):
                groups.append([])
            elif token.type == tokenize.OP and token.string in "([{":
                level += 1
            elif token.type == tokenize.OP and token.string in ")]}" and level > 0:
                level -= 1
    except tokenize.TokenError as exc:  # input ends inside a string or brackets: IPython stops there too
        last = next((group[-1] for group in reversed(groups) if group), None)
        if last is not None and any(error in str(exc.args[0]) for error in _CAUGHT_TOKEN_ERRORS):
            position = (last.start[0], last.end[0])  # where IPython puts the error token it adds
            groups[-1].append(tokenize.TokenInfo(tokenize.ERRORTOKEN, "", position, position, last.line))
    except SyntaxError:
        pass  # inconsistent indentation: IPython fails the cell, and so does the parser here
    if not groups[-1]:
        groups.pop()
    return groups


def _assign_index(group: list[tokenize.TokenInfo]) -> Optional[int]:
    level = 0
    for index, token in enumerate(group):
        if token.string == "=" and level == 0:
            return index
        if token.string in ("(", "[", "{"):
            level += 1
        elif token.string in (")", "]", "}") and level > 0:
            level -= 1
    return None


class _Found(NamedTuple):
    line: int  # 0-based, relative to ``lo``
    column: int
    priority: int
    kind: str
    end_line: int = -1  # the ``?`` line of a help command


def _find_magic_assign(groups: list[list[tokenize.TokenInfo]]) -> Optional[_Found]:
    for group in groups:
        index = _assign_index(group)
        if index is not None and len(group) >= index + 2:
            after = group[index + 1]
            if after.string == "%" and index + 2 < len(group) and group[index + 2].type == tokenize.NAME:
                return _Found(after.start[0] - 1, after.start[1], 10, "=%")
    return None


def _find_system_assign(groups: list[list[tokenize.TokenInfo]]) -> Optional[_Found]:
    for group in groups:
        index = _assign_index(group)
        if index is None or group[index].line.strip().startswith("=") or len(group) < index + 2:
            continue
        if group[index + 1].type == tokenize.OP:  # Python 3.12 and later: `!` is an operator token
            if group[index + 1].string == "!":
                return _Found(group[index + 1].start[0] - 1, group[index + 1].start[1], 10, "=!")
            continue
        for token in group[index + 1 :]:
            if token.type != tokenize.ERRORTOKEN:
                break
            if token.string == "!":
                return _Found(token.start[0] - 1, token.start[1], 10, "=!")
            if not token.string.isspace():
                break
    return None


def _find_escaped(groups: list[list[tokenize.TokenInfo]]) -> Optional[_Found]:
    for group in groups:
        first = next((t for t in group if t.type not in (tokenize.INDENT, tokenize.DEDENT)), None)
        if first is not None and first.string in _ESCAPES:
            return _Found(first.start[0] - 1, first.start[1], 10, first.string)
    return None


def _find_help_end(groups: list[list[tokenize.TokenInfo]]) -> Optional[_Found]:
    for group in groups:
        if len(group) > 2 and group[-2].string == "?":
            first = next(t for t in group if t.type not in (tokenize.INDENT, tokenize.DEDENT))
            return _Found(first.start[0] - 1, first.start[1], 5, "help", group[-2].start[0] - 1)
    return None


def _continued_end(lines: list[_Line], index: int) -> int:
    """The last line of a backslash-continued line (IPython: a line ending in exactly ``\\`` + LF)."""
    while lines[index].full.endswith("\\\n") and index + 1 < len(lines):
        index += 1
    return index


def _apply(lines: list[_Line], lo: int, found: _Found, reading: _Reading) -> Optional[int]:
    """Blank what IPython turns into a call: the index of the last line blanked; None where IPython's
    transform raises SyntaxError (nothing is blanked)."""
    first = lo + found.line
    if found.kind == "help":
        last = lo + found.end_line
        piece = "".join(line.full for line in lines[first : last + 1])[found.column :]
        if not piece.endswith("\n") and last == len(lines) - 1:
            piece += "\n"
        if _HELP_END_RE.search(piece) is None:
            return None
        kind = "?"
    else:
        last = _continued_end(lines, first)
        rest = lines[first].text[found.column :]
        kind = found.kind
        if kind in ("!", "?") and rest[:2] in ("!!", "??"):
            kind = rest[:2]
        if kind == "/" and not rest[1:].partition(" ")[0]:
            return None  # `/` must be followed by a callable's name
    line_start = lines[first].start + lines[first].cut
    end = _offset(lines, last, len(lines[last].text))
    command_start = line_start if found.kind != "help" else _offset(lines, first, 0)
    _blank(lines, first, found.column, last)
    reading.commands.append((command_start, end, kind))
    return last


_ODD_BREAK_RE = regexes.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _token_transforms(lines: list[_Line], lo: int, reading: _Reading) -> None:
    """IPython's token transforms: the first that applies, in the order of where they stand, then the
    same on the new text, until none does.  The cell is tokenized again only when a transform's line
    was not one that the tokenizer leaves as it found it (``_without_blanked``)."""
    if not _MAY_ESCAPE_RE.search("\n".join(line.text for line in lines[lo:])):
        return  # no line can start with an escape, no `=` is followed by one, no `?`: nothing to find
    finders = (_find_magic_assign, _find_system_assign, _find_escaped, _find_help_end)
    groups = _tokens_by_line(lines, lo)
    # Line breaks that ``str.splitlines`` sees and the tokenizer does not (or sees otherwise): the lines
    # here and the tokenizer's are then not the same lines, so every transform tokenizes again.
    plain = not any(_ODD_BREAK_RE.search(line.full) for line in lines[lo:])
    for _ in range(_TRANSFORM_LIMIT):
        found = sorted(
            (f for f in (finder(groups) for finder in finders) if f is not None),
            key=lambda f: (f.line, f.column, f.priority),
        )
        applied = next(
            ((f, last) for f in found if (last := _apply(lines, lo, f, reading)) is not None), None
        )
        if applied is None:
            return
        groups = (plain and _without_blanked(groups, *applied, lo)) or _tokens_by_line(lines, lo)


def _without_blanked(
    groups: list[list[tokenize.TokenInfo]], found: _Found, last: int, lo: int
) -> Optional[list[list[tokenize.TokenInfo]]]:
    """The logical lines of the text after ``found`` was blanked up to line ``last``, without tokenizing
    it again, when the blanked text was one physical line holding one whole logical line (from its first
    token to its NEWLINE) that leaves the tokenizer as it found it (``_leaves_no_state``); else None.  The
    tokenizer reads left to right, so the lines before are the same tokens; the indentation is that of
    the line's start, which blanking keeps, so the lines after are too.  The blanked line becomes ``0``
    (``x = 0`` for an assignment), in which no finder finds anything: it is left out."""
    first = found.line + 1  # token lines count from 1 at ``lines[lo]``
    for index, group in enumerate(groups):
        if group[0].start[0] < first:
            continue
        if (
            group[0].start[0] == first == last - lo + 1
            and group[-1].type == tokenize.NEWLINE
            and group[-1].start[0] == first
            and _leaves_no_state(group)
        ):
            return groups[:index] + groups[index + 1 :]
        return None
    return None


def _leaves_no_state(group: list[tokenize.TokenInfo]) -> bool:
    """Whether the tokenizer read this one line of a command as it reads any closed line: every bracket it
    opened closed in order (the pure-Python tokenizer of 3.10 and 3.11 counts an unmatched ``)`` below
    zero and reads the next lines as continued), no string left open."""
    level = 0
    for token in group:
        if token.type == tokenize.OP and token.string in "([{":
            level += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            level -= 1
            if level < 0:
                return False
        elif token.type == tokenize.ERRORTOKEN and token.string[:1] in "'\"":
            return False
    return level == 0


def _automagic(lines: list[_Line], lo: int, reading: _Reading) -> None:
    """Lines such as ``pip install x`` written without ``%``: IPython's automagic (single-line cells)."""
    for group in _tokens_by_line(lines, lo):
        first = next((t for t in group if t.type not in (tokenize.INDENT, tokenize.DEDENT)), None)
        if first is None or first.type != tokenize.NAME:
            continue
        index = lo + first.start[0] - 1
        if index >= len(lines) or not _AUTOMAGIC_RE.match(lines[index].text):
            continue
        last = _continued_end(lines, index)
        start = lines[index].start + lines[index].cut
        end = _offset(lines, last, len(lines[last].text))
        _blank(lines, index, first.start[1], last)
        reading.commands.append((start, end, "auto"))


def _body_kind(name: str, header: str) -> str:
    words = header[2:].split()
    if name in PYTHON_CELL_MAGICS:
        return "python"
    if name in ("writefile", "file"):
        target = words[-1] if len(words) > 1 else ""
        return "verbatim" if target.endswith((".py", ".pyw")) else "text"
    if name in SHELL_CELL_MAGICS:
        return "shell"
    if name == "script" and len(words) > 1:
        program = words[-1].rsplit("/", 1)[-1]
        if program in _SHELLS:
            return "shell"
        return "verbatim" if program.startswith("python") else "text"
    return "text"


def _read(lines: list[_Line], lo: int, reading: _Reading, automagic: bool) -> None:
    """IPython's reading of ``lines[lo:]`` as a cell; a Python cell magic's body is read as a cell again."""
    _cleanup(lines, lo)
    first = _first_code_line(lines, lo)
    header = lines[first].text if first is not None else ""
    if first is not None and header.startswith("%%") and not regexes.compile(r"%%\w+\?").match(header):
        name = header[2:].rstrip().partition(" ")[0]
        start, end = _offset(lines, first, 0), _offset(lines, first, len(header))
        if reading.commands and reading.commands[-1][2] == "%%":  # stacked: one span for all headers
            start = reading.commands.pop()[0]
        _blank(lines, first, 0, first)
        reading.commands.append((start, end, "%%"))
        reading.body = _body_kind(name, header)
        # %%file is IPython's alias of %%writefile; %%script python runs a program of its own like %%python
        if name == "file" or (name == "script" and reading.body == "verbatim"):
            name = "writefile" if name == "file" else "python"
        reading.magic = name
        if reading.body == "python" and first + 1 < len(lines):
            _read(lines, first + 1, reading, automagic)
        return
    _token_transforms(lines, lo, reading)
    if automagic:
        _automagic(lines, lo, reading)


def _python_text(lines: list[_Line]) -> Iterator[str]:
    for line in lines:
        if line.cut:  # the stripped part ends in a form feed: the line's code keeps IPython's column
            yield " " * (line.cut - 1) + "\f"
        yield line.full


def _plain_python(text: str) -> bool:
    """Cheap: no step of IPython's can change this cell (no cell magic, no indentation or prompt to strip,
    nothing a token transform could match), which is most cells."""
    first = _FIRST_CODE_RE.search(text)
    if first is None:
        return True
    return not (
        first.group(1) or text.startswith("%%", first.start(2)) or ">>>" in text or "In [" in text
    ) and not (_MAY_ESCAPE_RE.search(text) or _ODD_BREAK_RE.search(text))


def mask_cell(text: str, *, automagic: bool = False) -> MaskedCell:
    """Blank IPython syntax; with ``automagic``, also lines such as ``pip install x`` written without ``%``.

    A cell magic whose body is Python (``%%time``, ``%%capture``) has its header blanked and its body read
    like any cell, as IPython does (``%%capture`` then ``%%bash`` is a bash cell); ``%%writefile x.py``
    writes its body verbatim, so only the header is IPython there.  A shell cell magic (``%%bash``) makes
    the whole cell shell text, any other (``%%html``) makes it text.
    """
    if not automagic and _plain_python(text):
        return MaskedCell(text, (), None, True)
    lines = _split(text)
    reading = _Reading()
    _read(lines, 0, reading, automagic)
    if reading.body in ("shell", "text"):
        return MaskedCell(
            text, ((0, len(text)),), reading.magic, False, reading.body == "text", (reading.body,), ()
        )
    python = "".join(_python_text(lines))
    if len(python) != len(text):  # never expected: keep the offsets whatever happens
        python = python[: len(text)] + text[len(python) :]
    commands = sorted(reading.commands)
    margins = tuple((line.start, line.start + line.cut) for line in lines if line.cut)
    return MaskedCell(
        python,
        tuple((start, end) for start, end, _ in commands),
        reading.magic,
        True,
        False,
        tuple(kind for _, _, kind in commands),
        margins,
    )
