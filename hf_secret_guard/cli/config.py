"""``[tool.hf-secret-guard]`` in ``pyproject.toml``: find it, check every key, and merge it under the
command line (an option given on the command line wins).

Found by walking up from the scanned paths (their common directory; the current directory when none is
given) to the first ``pyproject.toml`` that has the table, as ruff does.  ``--config FILE`` names one
(a ``pyproject.toml``, or any other TOML file whose top level holds the keys); ``--isolated`` ignores all.

A config that is wrong is never half applied: an unknown key or a bad value is a ``ConfigError`` naming the
file and the key, and the CLI exits 2.  Paths in the file (``exclude``, ``extend-exclude``, ``baseline``)
are relative to the file's directory, so the same config means the same files from any working directory.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, NamedTuple, Optional

from hf_secret_guard import regexes
from hf_secret_guard.cli.settings import Settings, split_codes, split_names
from hf_secret_guard.discover import physical
from hf_secret_guard.discover.excludes import anchor
from hf_secret_guard.options import FIX_STYLES
from hf_secret_guard.read.small_files import CONFIG_LIMIT, read_small_file
from hf_secret_guard.rules import DEFAULT_RULES, RULES
from hf_secret_guard.tokens import find_tokens, redact

TABLE = "hf-secret-guard"
MISSPELLED = "hf_secret_guard"  # the package's import name; as a table name it is silently ignored
Warn = Callable[[str], None]
_NAME_RE = regexes.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the key."""


class Config(NamedTuple):
    """The checked keys of one config file.  None: the key is not set.  Paths are already resolved."""

    path: str = ""  # the file it came from ("" when there is none)
    root: str = "."  # the file's directory
    exclude: Optional[tuple[str, ...]] = None  # patterns as written, relative to ``root``
    extend_exclude: tuple[str, ...] = ()
    select: Optional[tuple[str, ...]] = None
    ignore: Optional[tuple[str, ...]] = None
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (anchored glob, codes)
    secret_names: tuple[str, ...] = ()
    fix_style: Optional[str] = None
    per_file_fix_style: tuple[tuple[str, str], ...] = ()  # (anchored glob, style)
    secret_name: Optional[str] = None
    baseline: Optional[str] = None
    max_file_size: Optional[int] = None  # megabytes


# Each key: what it must be, for the error message.  Parsing is in ``_check``.
KEYS: dict[str, str] = {
    "exclude": "a list of glob patterns",
    "extend-exclude": "a list of glob patterns",
    "select": "a list of rule codes",
    "ignore": "a list of rule codes",
    "extend-select": "a list of rule codes",
    "extend-ignore": "a list of rule codes",
    "per-file-ignores": "a table of glob patterns to lists of rule codes",
    "secret-names": "a list of environment variable names",
    "fix-style": "one of " + ", ".join(repr(s) for s in FIX_STYLES),
    "per-file-fix-style": "a table of glob patterns to one of " + ", ".join(repr(s) for s in FIX_STYLES),
    "secret-name": "an environment variable name",
    "baseline": "a file path",
    "max-file-size": "a whole number of megabytes (0: no limit)",
}


def _redact(text: str) -> str:

    return redact(text)


def _load_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(read_small_file(path, CONFIG_LIMIT).decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or type(exc).__name__}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {_redact(str(exc))}") from None
    except RecursionError:  # the TOML reader recurses into each nested array or table
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


def _table(document: Mapping[str, Any]) -> Optional[Any]:
    tool = document.get("tool")
    return tool.get(TABLE) if isinstance(tool, dict) else None


def find_config(
    paths: Sequence[str] = (), cwd: Optional[str] = None, warn: Optional[Warn] = None
) -> Optional[str]:
    """The nearest ``pyproject.toml`` with a ``[tool.hf-secret-guard]`` table, walking up from the
    paths' common directory.  A ``pyproject.toml`` that never mentions us is not even parsed.  One with
    ``[tool.hf_secret_guard]`` (the import name) gets a warning: a table nobody reads looks like a config
    that works."""
    cwd = os.path.abspath(cwd or os.getcwd())
    starts = [os.path.join(cwd, p) for p in paths] or [cwd]
    # Where each path is (``physical``: ``plain/link/..`` is the link's target's parent, not ``plain``).
    starts = [
        p if os.path.isdir(p) else os.path.dirname(p) for p in map(os.path.abspath, map(physical, starts))
    ]
    try:
        directory = os.path.commonpath(starts)
    except ValueError:  # paths on different drives
        directory = cwd
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        mentions = _mentions(candidate)
        if TABLE in mentions:
            document = _load_toml(candidate)
            _check_spelling(document, candidate, warn)
            if _table(document) is not None:
                return candidate
        elif MISSPELLED in mentions:
            # Broken TOML without a table of ours is not ours to judge (as before): no error, no warning.
            with contextlib.suppress(ConfigError):
                _check_spelling(_load_toml(candidate), candidate, warn)
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _mentions(path: str) -> set[str]:
    """Which of our two spellings the file's bytes hold (cheap: no TOML parsing)."""
    try:
        data = read_small_file(path, CONFIG_LIMIT)
    except OSError:
        return set()
    return {name for name in (TABLE, MISSPELLED) if name.encode() in data}


def _misspelled(document: Mapping[str, Any]) -> bool:
    tool = document.get("tool")
    return isinstance(tool, dict) and MISSPELLED in tool


def _check_spelling(document: Mapping[str, Any], path: str, warn: Optional[Warn]) -> None:
    if warn is not None and _misspelled(document):
        warn(f"{path}: warning: [tool.{MISSPELLED}] is ignored: the table is spelled [tool.{TABLE}]")


def load_config(path: str, warn: Optional[Warn] = None) -> Config:
    """Read and check one config file (``--config`` or the one ``find_config`` found)."""
    document = _load_toml(path)
    table = _table(document)
    if table is None:
        if os.path.basename(path) == "pyproject.toml":
            hint = f" ([tool.{MISSPELLED}] is there: the table is spelled [tool.{TABLE}])"
            raise ConfigError(f"{path}: no [tool.{TABLE}] table{hint if _misspelled(document) else ''}")
        table = document  # a file of our own: the keys are at the top level
    else:
        _check_spelling(document, path, warn)
    source = f"{path}: [tool.{TABLE}]" if table is not document else path
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: must be a table")
    root = os.path.dirname(os.path.abspath(path))
    return parse_table(table, source, root, path)


def parse_table(table: Mapping[str, Any], source: str, root: str, path: str = "") -> Config:
    """Check every key of a config table (pure: nothing is read).  ``source`` names it in errors."""
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{source}: unknown key {key!r}{_suggest(key)}")
    values: dict[str, Any] = {"path": path, "root": root}
    for key, value in table.items():
        values[key.replace("-", "_")] = _check(key, value, source, root)
    return Config(**values)


def _suggest(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key.replace("_", "-").lower(), KEYS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{hint} (known keys: {', '.join(sorted(KEYS))})"


def _bad(source: str, key: str, value: object, why: str = "") -> ConfigError:
    shown = _redact(repr(value))
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return ConfigError(f"{source}: {key}: expected {KEYS[key]}, got {shown}{why}")


def _strings(key: str, value: object, source: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _bad(source, key, value)
    return [v.strip() for v in value]


def _name(key: str, value: object, source: str) -> str:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise _bad(source, key, value)
    if _has_token(value):
        raise _bad(source, key, value, " (that is a token: write the NAME of the secret, never the secret)")
    return value


def _has_token(value: str) -> bool:

    return next(find_tokens(value), None) is not None


def _check(key: str, value: object, source: str, root: str) -> object:
    if key in ("exclude", "extend-exclude"):
        return tuple(_strings(key, value, source))  # relative to ``root``, where the Excluder anchors them
    if key in ("select", "ignore", "extend-select", "extend-ignore"):
        return _codes(key, value, source)
    if key == "per-file-ignores":
        if not isinstance(value, dict):
            raise _bad(source, key, value)
        pairs = []
        for pattern, codes in value.items():
            if not pattern.strip():
                raise _bad(source, key, value)
            pairs.append((anchor(pattern.strip(), root), _codes(key, codes, source)))
        return tuple(pairs)
    if key == "per-file-fix-style":
        if not isinstance(value, dict) or not all(
            style in FIX_STYLES and pattern.strip() for pattern, style in value.items()
        ):
            raise _bad(source, key, value)
        return tuple((anchor(pattern.strip(), root), style) for pattern, style in value.items())
    if key == "secret-names":
        return tuple(_name(key, name, source) for name in split_names(tuple(_strings(key, value, source))))
    if key == "secret-name":
        return _name(key, value, source)
    if key == "fix-style":
        if value not in FIX_STYLES:
            raise _bad(source, key, value)
        return value
    if key == "baseline":
        if not isinstance(value, str) or not value.strip():
            raise _bad(source, key, value)
        path = os.path.join(root, value.strip())
        real_root = os.path.realpath(root)
        real = os.path.realpath(path)
        if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
            # A config comes with the repository: it must not choose where on disk a baseline is written.
            raise _bad(
                source,
                key,
                value,
                f" (outside {_relative(root) or '.'}: a config names a file in its project)",
            )
        return _relative(path)
    if key == "max-file-size":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _bad(source, key, value)
        return value
    raise AssertionError(key)  # pragma: no cover - KEYS and _check list the same keys


def _codes(key: str, value: object, source: str) -> tuple[str, ...]:
    strings = tuple(_strings(key, value, source))
    unknown = first_unknown_code(strings)
    if unknown is not None:
        raise _bad(source, key, value, f" (unknown rule code {unknown}; rules: {_rule_list()})")
    return split_codes(strings)


def _relative(path: str) -> str:
    """A path as short as it can be written from the current directory."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith(os.pardir + os.sep) else relative


def unknown_codes(codes: Collection[str]) -> list[str]:
    """Codes (or prefixes such as ``HFG00``) that name no rule."""

    return [code for code in codes if not any(rule.startswith(code) for rule in RULES)]


def first_unknown_code(values: Sequence[str]) -> Optional[str]:
    """The first code in ``values`` (comma separated, any case) that names no rule, quoted as the user
    wrote it, or None.  Shown redacted in any case: a token pasted as a code must not come back whole,
    nor upper-cased (which would print its letters all the same)."""
    for value in values:
        for code in value.split(","):
            if code.strip() and unknown_codes([code.strip().upper()]):
                from hf_secret_guard.tokens.redaction import redact_any_case

                return redact_any_case(repr(code.strip()))
    return None


def _rule_list() -> str:

    return ", ".join(sorted(RULES))


def resolve(
    settings: Settings, given: Collection[str], cwd: Optional[str] = None, warn: Optional[Warn] = None
) -> Settings:
    """``settings`` (from the command line) completed with the config file.  ``warn`` hears about a
    config that is read but probably not as meant.

    ``given`` names the options that were given on the command line; those win.  Command-line patterns
    and paths are relative to the current directory, the config's to its file.
    """
    if settings.isolated and settings.config:
        raise ConfigError("--config and --isolated cannot be used together")
    for option in ("select", "ignore", "extend_select", "extend_ignore"):
        unknown = first_unknown_code(getattr(settings, option))
        if unknown is not None:
            raise ConfigError(
                f"--{option.replace('_', '-')}: unknown rule code {unknown} (rules: {_rule_list()})"
            )
    for name in split_names(settings.secret_names):
        if not _NAME_RE.match(name) or _has_token(name):
            raise ConfigError(f"--secret-names: {_redact(name)!r} is not an environment variable name")
    config = Config()
    if settings.config:
        config = load_config(settings.config, warn)
    elif not settings.isolated:
        found = find_config(_config_starts(settings), cwd, warn)
        if found is not None:
            config = load_config(found)
    return apply(settings, config, given, cwd)


def _config_starts(settings: Settings) -> Sequence[str]:
    """Where to look for the config: the named paths; for stdin, the path it stands for (as ruff does)."""
    if settings.staged:
        return ()
    if settings.stdin_filename and settings.paths in ((), ("-",)):
        return (settings.stdin_filename,)
    return settings.paths


def apply(settings: Settings, config: Config, given: Collection[str], cwd: Optional[str] = None) -> Settings:
    """Merge: command line first, then the config file, then the defaults (pure but for ``cwd``)."""
    here = os.path.abspath(cwd or os.getcwd())
    root = config.root if config.path else here
    # Command-line patterns are relative to the current directory: anchor them there unless that is root.
    cli_exclude = tuple(p if root == here else anchor(p, here) for p in settings.exclude or ())
    cli_extend = tuple(p if root == here else anchor(p, here) for p in settings.extend_exclude)
    changes: dict[str, Any] = {
        "exclude": cli_exclude if "exclude" in given else config.exclude,
        "extend_exclude": config.extend_exclude + cli_extend,
        "secret_names": config.secret_names + tuple(settings.secret_names),
        "root": root,
        "config": config.path or settings.config,
    }
    for field in ("fix_style", "secret_name", "baseline", "max_file_size"):
        value = getattr(config, field)
        if field not in given and value is not None:
            changes[field] = value
    enabled = resolve_rules(
        [
            Selection(config.select, config.extend_select, (config.ignore or ()) + config.extend_ignore),
            Selection(
                split_codes(settings.select) if "select" in given else None,
                split_codes(settings.extend_select),
                split_codes(settings.ignore) + split_codes(settings.extend_ignore),
            ),
        ]
    )

    changes["select"] = tuple(sorted(enabled))
    changes["ignore"] = tuple(sorted(set(RULES) - enabled))
    changes["extend_select"] = changes["extend_ignore"] = ()
    # --fix-style on the command line forces one style everywhere; the config's table refines only its own.
    changes["fix_styles"] = () if "fix_style" in given else config.per_file_fix_style
    cli_table = tuple((anchor(p, here), c) for p, c in parse_per_file_ignores(settings.per_file_ignores))
    cli_extend_table = parse_per_file_ignores(settings.extend_per_file_ignores)
    changes["file_ignores"] = (cli_table if "per_file_ignores" in given else config.per_file_ignores) + tuple(
        (anchor(p, here), c) for p, c in cli_extend_table
    )
    return settings._replace(**changes)


class Selection(NamedTuple):
    """One source of rule selection (the config file, then the command line), as ruff has them."""

    select: Optional[tuple[str, ...]]  # None: not set here
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()  # ignore and extend-ignore together, as in ruff


def resolve_rules(selections: Sequence[Selection]) -> frozenset[str]:
    """The enabled rules, resolved as ruff resolves ``select``/``extend-select``/``ignore``
    (https://docs.astral.sh/ruff/linter/#rule-selection): start from the default rules; each source in
    order of priority (config, then command line) either replaces the set (when it has ``select``) or
    adjusts it (``extend-select`` adds, ``ignore`` removes).  Within one source a more specific code wins
    over a shorter prefix, and ``ignore`` wins over ``select`` for the same code.  A source whose
    ``select`` is empty and only ignores passes its ignores on to the next one, as in ruff."""

    enabled = set(DEFAULT_RULES)
    carried: tuple[str, ...] = ()
    for selection in selections:
        updates: dict[str, bool] = {}
        picks = [(code, True) for code in (selection.select or ()) + selection.extend_select]
        picks += [(code, False) for code in selection.ignore + carried]
        carried = ()
        for code, on in sorted(picks, key=lambda pick: (len(pick[0]), not pick[1])):
            for rule in RULES:
                if rule.startswith(code):
                    updates[rule] = on
        if selection.select is not None:
            enabled = {rule for rule, on in updates.items() if on}
            if not selection.select and not selection.extend_select and selection.ignore:
                carried = selection.ignore
        else:
            for rule, on in updates.items():
                (enabled.add if on else enabled.discard)(rule)
    return frozenset(enabled)


def parse_per_file_ignores(values: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``--per-file-ignores 'tests/**:HFG001,HFG002'`` -> (pattern, codes) pairs; ConfigError if malformed."""
    pairs = []
    for value in values:
        pattern, colon, codes = value.rpartition(":")
        if not colon or not pattern.strip() or not codes.strip():
            raise ConfigError(f"--per-file-ignores: expected PATTERN:CODES, got {_redact(repr(value))}")
        unknown = first_unknown_code((codes,))
        if unknown is not None:
            raise ConfigError(f"--per-file-ignores: unknown rule code {unknown} (rules: {_rule_list()})")
        pairs.append((pattern.strip(), split_codes((codes,))))
    return tuple(pairs)
