"""Every value that flows between the stages of a scan, in one place.

The flow is: discover paths -> read a ``Document`` (one or more ``Part``) -> find ``Finding`` in each part
-> report them, or plan ``Edit`` and apply them.  All of these are frozen so that a stage can never change
what an earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

Confidence = Literal["high", "medium"]
PartKind = Literal["code", "shell", "output", "text", "raw"]
ErrorKind = Literal["read", "parse", "notebook", "config", "fix"]


@dataclass(frozen=True)
class Part:
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


@dataclass(frozen=True)
class Span:
    """1-based line/column range within a part's text, plus the 0-based character offsets."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Leak:
    """What a detector found in one part's text, before it is placed in a file (offsets into the part)."""

    rule: str
    start: int
    end: int
    secret: str = field(repr=False)
    confidence: Confidence
    site: str
    fixable: bool
    env_name: Optional[str] = None


@dataclass(frozen=True)
class Finding:
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
    secret: str = field(repr=False, compare=False)
    cell: Optional[int] = None
    output: Optional[int] = None
    part_index: int = 0
    # Where the secret sits in the file itself (for notebooks: inside the JSON); 1-based.
    file_line: int = 0
    file_column: int = 0
    env_name: Optional[str] = None  # the environment variable name, when the leak is an environment write


@dataclass(frozen=True)
class ScanError:
    """A file the tool could not fully understand.  ``kind == "read"`` makes the scan fail (exit 2)."""

    path: str
    kind: ErrorKind
    message: str


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``.  Offsets are into one part's text."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class ScanOptions:
    """What to look for.  Built from the command line and ``[tool.hf-secret-guard]``."""

    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    secret_names: tuple[str, ...] = ()  # extra environment names that hold secrets

    def wants(self, rule: str) -> bool:
        if self.select and not any(rule.startswith(code) for code in self.select):
            return False
        return not any(rule.startswith(code) for code in self.ignore)


DEFAULT_OPTIONS = ScanOptions()


@dataclass(frozen=True)
class FileResult:
    """What scanning one file produced."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()
