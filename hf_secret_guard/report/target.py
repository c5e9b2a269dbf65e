"""Where a report (``--output``) or a baseline may be written: never over a file the scan reads.

``scan --output leak.py leak.py`` would replace the source it just reported on with the report, the one
file the user most needs.  Paths are compared resolved (``./a.py``, ``sub/../a.py``, a symlink to it).
An existing Python file or notebook is refused whether or not this scan reads it (excluded, too large,
in another directory): a report has no business replacing source code, and the mistake cannot be undone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Optional

from hf_secret_guard.read.kinds import kind_of


def overwrites_source(target: str) -> Optional[str]:
    """Before the scan: why ``target`` must not be written (an existing source file, or a symbolic link:
    a repository can commit ``report.txt -> ~/.bashrc``), or None."""
    if os.path.islink(target):
        return f"{target} is a symbolic link (a report or baseline is never written through one)"
    kind = kind_of(target)
    if kind != "text" and os.path.isfile(target):
        return f"{target} is an existing {'notebook' if kind == 'notebook' else 'Python file'}"
    return None


def overwrites_scanned(target: str, scanned: Iterable[str]) -> Optional[str]:
    """After discovery: why ``target`` must not be written (it is one of the files scanned), or None."""
    if not os.path.lexists(target):
        return None
    real = os.path.realpath(target)
    for path in scanned:
        if os.path.realpath(path) == real:
            return f"{target} is a file being scanned ({path})"
    return None


def overwrites_input(target: str, inputs: Mapping[str, Optional[str]]) -> Optional[str]:
    """Why ``target`` must not be written (it is the config or baseline this run reads), or None.
    ``inputs``: what each file is (``"config file"``) -> its path, None when there is none."""
    if not os.path.lexists(target):
        return None
    real = os.path.realpath(target)
    for what, path in inputs.items():
        if path and os.path.realpath(path) == real:
            return f"{target} is the {what} this run reads"
    return None
