"""The last line of defence: nothing the tool prints or writes holds a full token.

Reporters already show ``Finding.masked``, but a token also reaches the output by other roads: a file
named after one (``<token>.py``), a token pasted as a path, an option value or a rule code, a diff line.
Rather than remember every road, ``cli.main`` sends stdout and stderr through ``RedactingStream`` and every
report file goes through ``redact_output`` before it is written.

Printed text is redacted more eagerly than a scan finds tokens: a token glued to other letters
(``--format foo<token>``) is no finding (the scanner must not flag ``my<token>``-like identifiers), but
printed whole it would still hand the token to whoever reads the log.  Only the placeholder check stays,
so ``hf_xxxx...`` and names print as they are.  Masking a random-looking string by mistake costs a
readable character or two; printing a token costs a revocation.
"""

from __future__ import annotations

import io
import re
from typing import Optional, TextIO

from hf_secret_guard import regexes
from hf_secret_guard.providers import FORMATS, PREFIXES
from hf_secret_guard.tokens import is_token, mask

# A token anywhere, whatever stands around it; ``tokens.is_token`` then drops placeholders.
ANYWHERE_PATTERN = "|".join(fmt.pattern for _, fmt in FORMATS if fmt.anywhere)
# The same in any case (``re.IGNORECASE``): a rule code is upper-cased before it is checked, so a token
# pasted as one comes back as ``HF_ABC...``, which no longer looks random but is still the token (its
# letters, one case).  Both compiled on first use (``_anywhere``): a run that prints no token prefix
# never needs them, and the any-case one is the costlier to compile.
_NEEDLES = PREFIXES
_COMPILED: dict[int, re.Pattern[str]] = {}


def _anywhere(flags: int) -> re.Pattern[str]:
    """``ANYWHERE_PATTERN`` compiled with ``flags``, once per process (``re``'s own cache holds 512
    patterns and may drop it)."""
    pattern = _COMPILED.get(flags)
    if pattern is None:
        pattern = _COMPILED[flags] = regexes.compile(ANYWHERE_PATTERN, flags)
    return pattern


_CONTROL_RE = regexes.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from outside (a file name, a Hub answer) as a terminal may show it: control characters (an
    escape sequence, a newline that would forge a report line) written as ``\\x1b``."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def redact_output(text: str) -> str:
    """``text`` with every token, wherever it stands, replaced by its masked form (``hf_****abcd``)."""
    if not any(needle in text for needle in _NEEDLES):  # the common case: tokens.py is not even loaded
        return text

    return _anywhere(0).sub(lambda m: mask(m.group()) if is_token(m.group()) else m.group(), text)


def redact_any_case(text: str) -> str:
    """For text that may hold a token in another case (rule codes): mask anything token-shaped, in any
    case, placeholder or not.  Only for short messages where no real text has that shape."""
    return _anywhere(re.IGNORECASE).sub(lambda m: mask(m.group()), redact_output(text))


class RedactingStream(io.TextIOBase):
    """A text stream that redacts whatever is written, then hands it to ``stream``.

    Whole lines are redacted at once (a token is never split between two writes of one line); the rest of
    a line waits for its newline or for ``flush``, which ``click.echo``, prompts and the progress bar all
    call, so nothing printed is held back.  ``isatty``, ``fileno`` and ``encoding`` are the wrapped
    stream's, so colour, the progress bar and click's stream checks behave as before.  There is no
    ``buffer``: bytes cannot go around the redaction.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # like io.TextIOWrapper: click probes for a binary stream this way
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._pending += text
        cut = self._pending.rfind("\n") + 1
        if cut:  # taken out before the write: a write that fails is not tried again at every flush
            line, self._pending = self._pending[:cut], self._pending[cut:]
            self._put(redact_output(line))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            rest, self._pending = self._pending, ""
            self._put(redact_output(rest))
        self.stream.flush()

    def _put(self, text: str) -> None:
        """``text`` to the stream; a character its encoding cannot write (a lone surrogate, which a key's
        escapes or a file name's undecodable byte can make) as its ``\\u`` escape, not a traceback."""
        try:
            self.stream.write(text)
        except UnicodeEncodeError:  # the stream encodes the whole text before it writes any of it
            encoding = self.encoding
            self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))

    def close(self) -> None:
        """Flush, but leave the wrapped stream open: it belongs to the interpreter."""
        if not self.closed:
            self.flush()
        super().close()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property  # io.TextIOBase has these as read-only properties too; typeshed calls them attributes
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.stream, "encoding", None) or "utf-8")

    @property
    def errors(self) -> Optional[str]:  # type: ignore[override]
        return getattr(self.stream, "errors", None)
