"""Deprecated home of the records and options, kept because the README named it: import from
``hf_secret_guard.model`` (records between stages) and ``hf_secret_guard.options`` (what a run is asked)."""

from __future__ import annotations

from hf_secret_guard.model import (
    Candidate,
    Confidence,
    Edit,
    ErrorKind,
    FileResult,
    Finding,
    HistoryLeak,
    HistoryResult,
    HistorySource,
    Leak,
    Part,
    PartKind,
    Revocation,
    ScanError,
    Span,
    Verification,
    VerifyStatus,
)
from hf_secret_guard.options import DEFAULT_OPTIONS, DiscoverOptions, ScanOptions

__all__ = [
    "DEFAULT_OPTIONS",
    "Candidate",
    "Confidence",
    "DiscoverOptions",
    "Edit",
    "ErrorKind",
    "FileResult",
    "Finding",
    "HistoryLeak",
    "HistoryResult",
    "HistorySource",
    "Leak",
    "Part",
    "PartKind",
    "Revocation",
    "ScanError",
    "ScanOptions",
    "Span",
    "Verification",
    "VerifyStatus",
]
