"""Everything one ``scan`` run was asked to do, from the command line (and later pyproject.toml).

Each click option of ``scan`` is a field here with the same name, so adding an option is one decorator in
``cli.py`` and one field below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from hf_secret_guard.ftypes import ScanOptions


def split_codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select HFG001,HFG002 --select HFG003`` -> every code, upper-cased."""
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def split_names(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


@dataclass(frozen=True)
class Settings:
    paths: tuple[str, ...] = ()
    output_format: str = "text"
    exit_zero: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    secret_names: tuple[str, ...] = ()
    output: Optional[str] = None  # --output: the report (scan) or the baseline file (baseline)
    baseline: Optional[str] = None
    statistics: bool = False

    @property
    def scan_options(self) -> ScanOptions:
        return ScanOptions(
            select=split_codes(self.select),
            ignore=split_codes(self.ignore),
            secret_names=split_names(self.secret_names),
        )
