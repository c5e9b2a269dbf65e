"""A baseline: the findings a team has accepted, so that a scan reports only new ones.

Each entry is keyed by path + rule + a one-way hash of the secret, and nothing else: no line numbers (code
moves; detect-secrets' line-keyed baseline is its users' most frequent merge conflict), no timestamps, no
tool version, entries sorted, so the file changes only when the accepted set does.  It never holds a
secret: the hash (``tokens.secret_hash``) and the masked form that every report already shows.

Paths are stored relative to the baseline file's directory, so a scan run from a subdirectory, or with
absolute paths, still matches.  The same secret in the same file under the same rule is one entry,
wherever and however often it appears there; a different token in that file is new.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any, NamedTuple

from hf_secret_guard import discover
from hf_secret_guard.model import Finding
from hf_secret_guard.read.small_files import BASELINE_LIMIT, read_small_file, write_text_no_follow
from hf_secret_guard.tokens.redaction import redact_output

BASELINE_NAME = discover.BASELINE_NAME
FORMAT_VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read or is not one of ours; the message names the file."""


class BaselineKey(NamedTuple):
    path: str
    rule: str
    secret_hash: str


class Baseline(NamedTuple):
    keys: frozenset[BaselineKey]
    root: str  # the directory that the stored paths are relative to

    def key(self, finding: Finding) -> BaselineKey:
        return key_for(finding, self.root)

    def split(self, findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(new findings, findings already in the baseline)."""
        new: list[Finding] = []
        known: list[Finding] = []
        for finding in findings:
            (known if self.key(finding) in self.keys else new).append(finding)
        return new, known


def stored_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` with ``/`` separators (``..`` when outside it)."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return PurePath(relative).as_posix()


def key_for(finding: Finding, root: str) -> BaselineKey:
    """A path that holds a token (a file named after one) is stored, and so compared, masked."""
    return BaselineKey(redact_output(stored_path(finding.path, root)), finding.rule, finding.secret_hash)


def render_baseline(findings: Iterable[Finding], root: str) -> str:
    """The baseline file's text for ``findings``, stored relative to ``root``."""
    entries: dict[BaselineKey, str] = {}
    for finding in findings:
        entries.setdefault(key_for(finding, root), finding.masked)
    document = {
        "tool": "hf-secret-guard",
        "version": FORMAT_VERSION,
        "findings": [
            {"path": key.path, "rule": key.rule, "secret_hash": key.secret_hash, "masked": masked}
            for key, masked in sorted(entries.items())
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _entry_key(entry: Any, source: str, index: int) -> BaselineKey:
    if not isinstance(entry, dict):
        raise BaselineError(f"{source}: findings[{index}] is not an object")
    values = [entry.get(name) for name in ("path", "rule", "secret_hash")]
    if not all(isinstance(value, str) and value for value in values):
        raise BaselineError(f"{source}: findings[{index}] needs string 'path', 'rule' and 'secret_hash'")
    path, rule, secret_hash = (str(value) for value in values)
    return BaselineKey(path, rule, secret_hash)


def parse_baseline(text: str, source: str, root: str) -> Baseline:
    """Raises ``BaselineError`` naming ``source`` for anything that is not a baseline we wrote."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{source}: not an hf-secret-guard baseline (no 'findings' list)")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise BaselineError(f"{source}: baseline format version {version!r}, expected {FORMAT_VERSION}")
    keys = frozenset(_entry_key(entry, source, i) for i, entry in enumerate(document["findings"]))
    return Baseline(keys, root)


def read_baseline(path: str) -> Baseline:
    try:
        text = read_small_file(path, BASELINE_LIMIT).decode("utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise BaselineError(f"{path}: cannot read baseline: {reason}") from None
    return parse_baseline(text, path, os.path.dirname(os.path.abspath(path)))


def write_baseline(path: str, findings: Iterable[Finding]) -> None:
    """Write the baseline for ``findings``; paths are stored relative to the file's own directory."""
    root = os.path.dirname(os.path.abspath(path))
    text = redact_output(render_baseline(findings, root))  # the file is shared: it never holds a token
    write_text_no_follow(path, text)  # the same bytes on every OS, never through a link
