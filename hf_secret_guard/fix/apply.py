"""Apply edits at offsets, last first, so earlier offsets stay valid and every other character stays."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from hf_secret_guard.model import Edit


class OverlappingEdits(ValueError):
    """Two edits touch the same characters: a planning bug, so the file is left alone."""


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit applied.

    Edits are ordered by position (stable, so insertions at one offset keep the order they were planned
    in, and an insertion lands before a replacement that starts at the same offset).
    """
    ordered = sorted(edits, key=lambda edit: (edit.start, edit.end))
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise OverlappingEdits(
                f"edits at {before.start}-{before.end} and {after.start}-{after.end} overlap"
            )
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(text):
            raise OverlappingEdits(f"edit at {edit.start}-{edit.end} is outside the text")
    pieces: list[str] = []
    last = len(text)
    for edit in reversed(ordered):
        pieces.append(text[edit.end : last])
        pieces.append(edit.replacement)
        last = edit.start
    pieces.append(text[:last])
    return "".join(reversed(pieces))
