"""The console script and ``python -m hf_secret_guard``: the click-free clean path, else the full CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Optional


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(argv) if argv is not None else sys.argv[1:]
    from hf_secret_guard.cli.fastpath import clean_scan

    try:
        status = clean_scan(args, sys.stdout)
    except Exception:  # whatever went wrong, the full command line reports it properly
        status = None
    if status is not None:
        return status
    from hf_secret_guard.cli.main import main as cli_main

    return cli_main(args)
