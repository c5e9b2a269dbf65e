"""Reports for ``scan --history``: one entry per distinct token, where it entered the history.

Text like the file scan (``path:line:col: ...``, the place in the commit that added it; for a token first
written in a commit message, ``commit 1a2b3c4d5e (message), line 2, column 9: ...``), or JSON
``{"version", "history", "tokens", "errors"}``.  Only masked tokens, never a full one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, Optional

from hf_secret_guard._version import __version__
from hf_secret_guard.model import HistoryLeak, HistoryResult
from hf_secret_guard.providers import DEFAULT
from hf_secret_guard.report.text import count
from hf_secret_guard.report.verification import Verifications, label, record

HISTORY_ADVICE = (
    "A token in git history stays readable by everyone who has a clone, a fork or a cached copy: deleting\n"
    "it from the files, or even rewriting history, does not make it safe. Revoke it (`--revoke`, or\n"
    f"{DEFAULT.revoke_url}), create a new one and keep it in Colab's Secrets panel or\n"
    "the environment."
)
HISTORY_FORMATS = ("text", "json")


def commit_date(leak: HistoryLeak) -> str:
    return datetime.fromtimestamp(leak.timestamp, tz=timezone.utc).date().isoformat()


def _head_text(leak: HistoryLeak) -> str:
    if not leak.head:
        return "no longer at HEAD (still in history)"
    places = ", ".join(f"{path}:{line}" for path, line in leak.head[:5])
    more = f" and {len(leak.head) - 5} more" if len(leak.head) > 5 else ""
    return f"still at HEAD: {places}{more}"


def history_origin(leak: HistoryLeak) -> str:
    """Where the token entered history, in a few words (the ``--revoke`` list)."""
    if leak.source == "message":
        return f"in the message of {leak.commit[:10]}, line {leak.line}"
    return f"added in {leak.commit[:10]} at {leak.path}:{leak.line}"


def format_history_leak(leak: HistoryLeak, verifications: Optional[Verifications] = None) -> str:
    commits = f", added by {leak.commits} commits" if leak.commits > 1 else ""
    if leak.source == "message":  # no file: the commit, then the place in its message
        where = f"commit {leak.commit[:10]} (message), line {leak.line}, column {leak.column}"
        added = f"in the commit message on {commit_date(leak)}"
    else:
        where = f"{leak.path}:{leak.line}:{leak.column}"
        added = f"added in {leak.commit[:10]} on {commit_date(leak)}"
    text = f"{where}: token in git history ({leak.masked}), {added}{commits}; {_head_text(leak)}"
    return text + label(verifications.get(leak.secret_hash) if verifications else None)


def history_summary(result: HistoryResult) -> str:
    revs = " ".join(result.revs) or "HEAD"
    read = f"{count(result.commits, 'commit')} read"
    if not result.leaks:
        return f"No tokens found in the history of {revs} ({read})."
    at_head = sum(1 for leak in result.leaks if leak.at_head)
    return (
        f"Found {count(len(result.leaks), 'distinct token')} in the history of {revs} ({read}); "
        f"{at_head} still at HEAD."
    )


def history_record(leak: HistoryLeak, verifications: Optional[Verifications] = None) -> dict[str, Any]:
    return {
        "secret": leak.masked,
        "confidence": leak.confidence,
        "fingerprint": leak.secret_hash,
        "commit": leak.commit,
        "date": datetime.fromtimestamp(leak.timestamp, tz=timezone.utc).isoformat(),
        "source": leak.source,  # "diff": a line added to ``path``; "message": the commit message, path ""
        "path": leak.path,
        "line": leak.line,
        "column": leak.column,
        "commits": leak.commits,
        "at_head": leak.at_head,
        "head": [{"path": path, "line": line} for path, line in leak.head],
        "verified": record(verifications.get(leak.secret_hash) if verifications else None),
    }


def render_history_json(
    result: HistoryResult,
    leaks: Sequence[HistoryLeak],
    verifications: Optional[Verifications] = None,
) -> str:
    """``leaks`` is ``result.leaks`` in report order (live write tokens first when verified)."""
    report = {
        "version": __version__,
        "history": {"revs": list(result.revs), "commits": result.commits, "notes": list(result.notes)},
        "tokens": [history_record(leak, verifications) for leak in leaks],
        "errors": [],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
