"""What ``--fix`` is asked to do, and what it did to one file."""

from __future__ import annotations

from typing import Literal, NamedTuple, Optional

from hf_secret_guard.ftypes import Finding, ScanError

FixStyle = Literal["userdata", "env"]
DEFAULT_SECRET_NAME = "HF_TOKEN"


class FixOptions(NamedTuple):
    """``style`` says where the secret comes from at run time: Colab's ``userdata`` or ``os.environ``.

    ``secret_name`` names a token that has no environment key of its own (a literal passed to
    ``login(token=...)``); an environment write always uses its key.
    """

    style: FixStyle = "userdata"
    secret_name: str = DEFAULT_SECRET_NAME


DEFAULT_FIX_OPTIONS = FixOptions()


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

    @property
    def changed(self) -> bool:
        return self.text != self.original
