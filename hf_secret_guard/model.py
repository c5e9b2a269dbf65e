"""Every value that flows between the stages of a scan, in one place.

The flow is: discover paths -> read a ``Document`` (one or more ``Part``) -> find ``Finding`` in each part
-> report them, or plan ``Edit`` and apply them.  All of these are immutable so that a stage can never
change what an earlier stage produced.

They are ``NamedTuple`` rather than frozen dataclasses for start-up time: every run, a clean pre-commit run
included, defines them before it reads a byte, and a frozen dataclass is several times slower to define
(six generated methods, each through ``exec``; see benchmarks/README.md).  The classes that hold a secret
keep it out of their ``repr``.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, Optional

Confidence = Literal["high", "medium"]
PartKind = Literal["code", "shell", "output", "text", "raw"]
ErrorKind = Literal["read", "parse", "notebook", "config", "fix"]


def _repr_hiding_secret(record: tuple[object, ...], fields: tuple[str, ...]) -> str:
    """``Finding(rule='HFG001', ...)`` without its ``secret`` field: a repr ends up in logs and tracebacks."""
    shown = ", ".join(
        f"{name}={value!r}" for name, value in zip(fields, record, strict=True) if name != "secret"
    )
    return f"{type(record).__name__}({shown})"


class Part(NamedTuple):
    """A piece of a document that is scanned on its own.

    A ``.py`` file is one ``code`` part.  A notebook is many: code cells (``code``, or ``shell`` for cell
    magics such as ``%%bash``), saved outputs (``output``), markdown/raw cells and metadata (``text``).
    ``json_path`` says where the text lives in the notebook JSON, so a fix can be written back there.
    """

    kind: PartKind
    text: str
    cell: Optional[int] = None  # 1-based over all cells of a notebook
    output: Optional[int] = None  # 1-based within the cell
    json_path: tuple[object, ...] = ()
    label: str = ""  # a human name for where this part lives, e.g. "markdown", "metadata"
    # Where the text sits in a notebook's raw JSON: either each JSON string it was joined from, as
    # (offset in ``text``, offset of the string's opening quote), or a raw slice starting at ``raw_start``.
    raw_pieces: tuple[tuple[int, int], ...] = ()
    raw_start: int = -1


class Span(NamedTuple):
    """1-based line/column range within a part's text, plus the 0-based character offsets."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


class Leak(NamedTuple):
    """What a detector found in one part's text, before it is placed in a file (offsets into the part)."""

    rule: str
    start: int
    end: int
    secret: str  # never in repr: see _repr_hiding_secret
    confidence: Confidence
    site: str
    fixable: bool
    env_name: Optional[str] = None
    reason: str = ""  # why it cannot be fixed, when ``fixable`` is False and the detector knows
    label: str = ""  # what a message calls a secret whose shape does not say ("Cohere key"), from its slot

    def __repr__(self) -> str:
        return _repr_hiding_secret(self, self._fields)


class Finding(NamedTuple):
    """One leaked secret at one place.

    ``secret`` holds the full value for fixing, verifying and hashing; it is excluded from ``repr`` and no
    reporter ever prints it (they use ``masked``).
    """

    rule: str
    path: str
    span: Span
    message: str
    masked: str
    confidence: Confidence
    fingerprint: str
    secret_hash: str
    fixable: bool
    site: str  # what kind of place: "string", "comment", "docstring", "environ", "ipython-env", ...
    secret: str  # never in repr: see _repr_hiding_secret
    cell: Optional[int] = None
    output: Optional[int] = None
    part_index: int = 0
    # Where the secret sits in the file itself (for notebooks: inside the JSON); 1-based.
    file_line: int = 0
    file_column: int = 0
    env_name: Optional[str] = None  # the environment variable name, when the leak is an environment write
    not_fixable_reason: str = ""  # set exactly when ``fixable`` is False
    # Whether ``span`` is a position in the file itself (a .py file; notebook metadata and other nested
    # JSON) or within the cell or output named by ``cell``/``output``.
    span_in_file: bool = True
    provider: str = ""  # whose key it is ("huggingface", "openai"), when its shape or its slot says

    def __repr__(self) -> str:
        return _repr_hiding_secret(self, self._fields)

    @property
    def key(self) -> tuple[str, str, int, int]:
        """The same finding in two scans of the same bytes, however a reporter may have decorated it."""
        return self.rule, self.fingerprint, self.part_index, self.span.start

    def as_leak(self) -> Leak:
        """The detector's view of this finding again (offsets into its part), for planning a fix."""
        return Leak(
            self.rule,
            self.span.start,
            self.span.end,
            self.secret,
            self.confidence,
            self.site,
            self.fixable,
            self.env_name,
            self.not_fixable_reason,
        )


class ScanError(NamedTuple):
    """A file the tool could not fully understand.  ``kind == "read"`` makes the scan fail (exit 2)."""

    path: str
    kind: ErrorKind
    message: str


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``replacement``.  Offsets are into one part's text."""

    start: int
    end: int
    replacement: str


class Candidate(NamedTuple):
    """A file discovery found: to scan, or skipped (``skipped`` says why) or unreadable (``error``)."""

    path: str
    skipped: str = ""
    error: str = ""


class FileResult(NamedTuple):
    """What scanning one file produced."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()
    skipped: str = ""  # not scanned, and why (excluded, binary, too large...); shown with --verbose
    # ``digest`` of the bytes scanned, set when there are findings: --fix reading the same bytes again
    # knows the findings still hold without scanning them again.
    digest: str = ""


def digest(data: bytes) -> str:
    """A fingerprint of a file's bytes: equal bytes, equal digest."""
    import hashlib  # OpenSSL's start-up: only when there is a finding

    return hashlib.blake2b(data, digest_size=16).hexdigest()


VerifyStatus = Literal["live", "not_live", "unknown", "unreachable"]


class Verification(NamedTuple):
    """What a key's provider said about it (``--verify``).  Never holds the key or the owner's email.

    ``unknown`` covers everything that is not a clear yes (200) or no (401): rate limiting, timeouts,
    server errors, answers we cannot read.  ``unreachable``: no HTTP answer at all (connection refused, DNS,
    timeout), so nothing is known about the token.  ``detail`` says which, for the report.
    """

    status: VerifyStatus
    detail: str = ""
    role: Optional[str] = None  # "read", "write" or "fineGrained", from auth.accessToken.role
    token_name: Optional[str] = None  # the token's display name on the Hub, not the account's
    can_write: bool = False  # a write token, or a fine-grained one with a write permission on repos
    provider: str = ""  # whose endpoint was asked ("huggingface", "openai")
    url: str = ""  # the endpoint asked, for the report's summary

    @property
    def live_write(self) -> bool:
        return self.status == "live" and self.can_write


class Revocation(NamedTuple):
    """One revoke request: the masked tokens sent, and what the Hub answered (``status`` None: no answer)."""

    url: str
    sent: tuple[str, ...]
    status: Optional[int]
    detail: str

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


# Where a commit holds a history token: a line its diff adds to a file, or its commit message.
HistorySource = Literal["diff", "message"]


class HistoryLeak(NamedTuple):
    """A token found in a repository's history, once per distinct token, where it first appeared.

    ``commit``/``path``/``line``/``column`` locate the earliest commit that added it (the line in that
    version of the file; for a notebook, a line of its JSON).  When ``source`` is ``"message"`` the token
    was first written in that commit's message: ``path`` is empty (a message belongs to no file) and
    ``line``/``column`` count within the message, its subject being line 1.  ``head`` lists where it
    still is at HEAD.
    """

    masked: str
    secret_hash: str
    confidence: Confidence
    commit: str
    timestamp: int  # committer time, seconds since the epoch
    path: str
    line: int
    column: int
    commits: int  # how many commits added this token, in a diff or a message (1 or more)
    head: tuple[tuple[str, int], ...] = ()  # (path, line) at HEAD
    source: HistorySource = "diff"
    secret: str = ""  # never in repr: see _repr_hiding_secret

    def __repr__(self) -> str:
        return _repr_hiding_secret(self, self._fields)

    @property
    def at_head(self) -> bool:
        return bool(self.head)


class HistoryResult(NamedTuple):
    """What ``scan --history`` found: the tokens, how many commits were read, and notes (shallow clone)."""

    leaks: tuple[HistoryLeak, ...]
    commits: int
    revs: tuple[str, ...]
    notes: tuple[str, ...] = ()
