"""Everything one ``scan`` run was asked to do, from the command line (and later pyproject.toml).

Each click option of ``scan`` is a field here with the same name, so adding an option is one decorator in
``cli.py`` and one field below.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from hf_secret_guard.fix.model import FixOptions, FixStyle
from hf_secret_guard.options import FIX_STYLES, DiscoverOptions, ScanOptions


def split_codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select HFG001,HFG002 --select HFG003`` -> every code, upper-cased."""
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def split_names(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def as_style(value: str) -> FixStyle:
    """A style name checked by click or the config; anything else is the default."""
    return next((style for style in FIX_STYLES if style == value), "auto")


class Settings(NamedTuple):
    paths: tuple[str, ...] = ()
    output_format: str = "text"
    exit_zero: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()  # merged into select/ignore by config.apply (ruff's order)
    extend_ignore: tuple[str, ...] = ()
    # --per-file-ignores PATTERN:CODES (replaces the config's table), --extend-per-file-ignores (adds)
    per_file_ignores: tuple[str, ...] = ()
    extend_per_file_ignores: tuple[str, ...] = ()
    file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # not an option: both, as (pattern, codes)
    stdin_filename: Optional[str] = None  # --stdin-filename: the path the document read from stdin has
    secret_names: tuple[str, ...] = ()
    output: Optional[str] = None  # --output: the report (scan) or the baseline file (baseline)
    baseline: Optional[str] = None
    statistics: bool = False
    # Config, discovery and the terminal (config.py, discover.py, terminal.py).
    config: Optional[str] = None  # --config FILE; after config.resolve: the config file used, if any
    isolated: bool = False  # --isolated: no config file at all
    exclude: Optional[tuple[str, ...]] = None  # None: excludes.DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False  # --force-exclude: excludes hold for files named explicitly (pre-commit)
    no_gitignore: bool = False
    staged: bool = False  # --staged: scan the git index, not the working files
    max_file_size: int = 100  # megabytes; 0: no limit
    jobs: Optional[int] = None  # --jobs: worker processes; None: one per core for a large tree
    quiet: bool = False
    verbose: bool = False
    no_color: bool = False
    fix_style: str = "auto"  # --fix-style (also the config key fix-style)
    fix_styles: tuple[tuple[str, str], ...] = ()  # not an option: the config's per-file-fix-style
    secret_name: Optional[str] = None  # --secret-name (also the config key secret-name)
    fix: bool = False  # --fix: rewrite the leaks in place (fix/)
    diff: bool = False  # --diff: print what --fix would change as a masked diff; write nothing
    root: str = "."  # not an option: the config file's directory, where its patterns are relative to
    history: bool = False  # --history: scan the git history instead of the files
    history_revs: tuple[str, ...] = ()  # --history-revs: which commits (default HEAD); implies --history
    verify: bool = False  # --verify: ask the Hub whether each token is live (network)
    revoke: bool = False  # --revoke: revoke the tokens found, after confirmation (network)
    yes: bool = False  # --yes: confirm --revoke without asking
    hub_timeout: float = 10.0

    @property
    def scan_options(self) -> ScanOptions:
        return ScanOptions(
            select=split_codes(self.select),
            ignore=split_codes(self.ignore),
            secret_names=split_names(self.secret_names),
            max_file_size=self.max_file_size * 1024 * 1024,
        )

    @property
    def fix_options(self) -> FixOptions:
        return FixOptions(style=as_style(self.fix_style), secret_name=self.secret_name or None)

    @property
    def discover_options(self) -> DiscoverOptions:
        return DiscoverOptions(
            exclude=self.exclude,
            extend_exclude=self.extend_exclude,
            root=self.root,
            gitignore=not self.no_gitignore,
            force_exclude=self.force_exclude,
        )
