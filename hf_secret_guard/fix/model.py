"""What ``--fix`` did to one file.  ``FixOptions`` (what it is asked to do) lives in ``options.py``; it is
re-exported here, where the README has always named it."""

from __future__ import annotations

from typing import NamedTuple, Optional

from hf_secret_guard.model import Finding, ScanError
from hf_secret_guard.options import DEFAULT_FIX_OPTIONS, DEFAULT_SECRET_NAME, FixOptions, FixStyle


class NotFixed(NamedTuple):
    """A finding that is still in the file after ``--fix``, and why."""

    finding: Finding
    reason: str


class FixResult(NamedTuple):
    """One file after ``--fix``.  ``text`` is the new text (the original when nothing changed).

    ``data`` and ``new_data`` are the file's bytes before and after, set when the fix started from bytes;
    ``new_data`` is None when the file must not be written (no change, or a check failed).
    """

    path: str
    original: str
    text: str
    fixed: tuple[Finding, ...] = ()
    not_fixed: tuple[NotFixed, ...] = ()
    errors: tuple[ScanError, ...] = ()
    secret_names: tuple[str, ...] = ()  # the secrets the fixed code reads: create them in Colab Secrets
    # Those of them a separate program (a %%writefile or %%python body) reads from the environment: the
    # notebook must set them there before the program runs.
    program_names: tuple[str, ...] = ()
    data: Optional[bytes] = None
    new_data: Optional[bytes] = None
    style: str = ""  # where the fixed code reads secrets: "userdata" or "env" (auto made concrete)
    echoed: tuple[str, ...] = ()  # variables now holding a secret that the code prints or displays

    @property
    def changed(self) -> bool:
        return self.text != self.original


__all__ = ["DEFAULT_FIX_OPTIONS", "DEFAULT_SECRET_NAME", "FixOptions", "FixResult", "FixStyle", "NotFixed"]
