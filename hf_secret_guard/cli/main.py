"""The command line: ``hf-secret-guard scan [PATHS]``.

A thin caller of ``api``: exit 0 clean, 1 leaks, 2 usage errors or unreadable paths.  Each option of
``scan`` becomes a field of ``Settings`` with the same name.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Optional, TextIO, TypeVar

import click

from hf_secret_guard._version import __version__
from hf_secret_guard.cli.process import discovered, few_collections
from hf_secret_guard.cli.settings import Settings
from hf_secret_guard.model import Candidate, FileResult, Finding, ScanError, Verification

if TYPE_CHECKING:
    from hf_secret_guard.cli.fix_run import Planner

EXIT_CLEAN, EXIT_LEAKS, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hf-secret-guard")
def cli() -> None:
    """Find and fix Hugging Face tokens and other secrets in Python files and notebooks."""


def _secret_name(context: click.Context, parameter: click.Parameter, value: Optional[str]) -> Optional[str]:
    if value is None:  # click calls this on every run: the fixer loads only when the option is given
        return None
    from hf_secret_guard.cli.fix_run import secret_name_option

    return secret_name_option(context, parameter, value)


F = TypeVar("F", bound=Callable[..., Any])


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several click options as one decorator, so ``scan`` and ``baseline`` share them (not copies)."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


# Which rules, and which names hold secrets.
rule_options = _options(
    click.option("--select", multiple=True, help="Only these rules (codes or prefixes, comma separated)."),
    click.option("--ignore", multiple=True, help="Skip these rules (codes or prefixes, comma separated)."),
    click.option(
        "--extend-select",
        multiple=True,
        help="Rules to add to those selected (codes or prefixes, comma separated).",
    ),
    click.option(
        "--extend-ignore", multiple=True, help="Rules to skip as well (same as --ignore, as in ruff)."
    ),
    click.option(
        "--per-file-ignores",
        multiple=True,
        metavar="PATTERN:CODES",
        help="Skip rules in files matching a glob, replacing the config's per-file-ignores. Repeatable.",
    ),
    click.option(
        "--extend-per-file-ignores",
        multiple=True,
        metavar="PATTERN:CODES",
        help="Like --per-file-ignores, but added to the config's table.",
    ),
    click.option("--secret-names", multiple=True, help="More environment variable names that hold secrets."),
)
# The config file and which files are read: resolved the same way for every command (``config.resolve``).
config_options = _options(
    click.option(
        "--config",
        type=click.Path(exists=True, dir_okay=False, path_type=str),
        help="Read settings from this TOML file (a pyproject.toml, or a file with the keys at the top level) "
        "instead of the nearest pyproject.toml with [tool.hf-secret-guard].",
    ),
    click.option("--isolated", is_flag=True, help="Ignore all configuration files."),
    click.option(
        "--exclude",
        multiple=True,
        help="Glob patterns to skip, replacing the default list (.git, .venv, build, ...). Comma separated.",
    ),
    click.option("--extend-exclude", multiple=True, help="Glob patterns to skip as well. Comma separated."),
    click.option(
        "--force-exclude",
        is_flag=True,
        help="Apply the excludes to files named on the command line too (the pre-commit hooks pass this).",
    ),
    click.option(
        "--no-gitignore", is_flag=True, help="Walk directories without asking git: .gitignore is not read."
    ),
    click.option(
        "--max-file-size",
        type=click.IntRange(min=0),
        default=100,
        show_default=True,
        metavar="MB",
        help="Skip files larger than this (0: no limit); each skipped file gets a warning.",
    ),
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        metavar="N",
        help="Scan (and fix) in N processes; 1: all in this one.  [default: one per core for a large tree]",
    ),
)
verbosity_options = _options(
    click.option(
        "-q", "--quiet", is_flag=True, help="Print only the findings: no summary, no advice, no progress."
    ),
    click.option(
        "-v",
        "--verbose",
        is_flag=True,
        help="Also print skipped files and why, the config file used, the timing.",
    ),
)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="Report format: text like ruff, json, sarif (GitHub code scanning), github (Actions annotations).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the report to FILE; the console keeps the human report.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=str),
    help="Hide findings recorded in this baseline file (see the `baseline` command).",
)
@click.option("--statistics", is_flag=True, help="Show a count per rule instead of each finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when leaks are found.")
@rule_options
@click.option(
    "--fix",
    is_flag=True,
    help="Rewrite each fixable leak in place: literals read the secret at run time "
    '(`userdata.get("HF_TOKEN")`), comments and outputs are masked. Exit 1 all the same: revoke the token.',
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print what --fix would change as a diff (secrets masked) on stdout; write nothing. The diff "
    "replaces the report, so --format json/sarif/github and --output are usage errors with it (exit 2).",
)
@click.option(
    "--fix-style",
    type=click.Choice(["auto", "userdata", "kaggle", "env"]),
    default="auto",
    show_default=True,
    help='Where fixed code reads the secret: `userdata.get("HF_TOKEN")` (Colab), '
    '`UserSecretsClient().get_secret("HF_TOKEN")` (Kaggle) or `os.environ["HF_TOKEN"]`; auto: by where '
    "each file runs (a notebook Kaggle saved: Kaggle; other notebooks: Colab; a .py file: the environment, "
    "unless it imports google.colab or kaggle_secrets). Config: fix-style, per-file-fix-style.",
)
@click.option(
    "--secret-name",
    metavar="NAME",
    callback=_secret_name,
    help="Secret name for a token that has no environment key of its own [default: HF_TOKEN].",
)
@click.option(
    "--history",
    is_flag=True,
    help="Scan the git history instead of the files: every token ever added in a commit of HEAD (in its "
    "diff or its message), where it was added and whether it is still at HEAD. PATHS limit the history to "
    "those paths (commit messages are then not read).",
)
@click.option(
    "--history-revs",
    multiple=True,
    metavar="REVS",
    help="Which commits --history reads, as git log takes them (main..feature, origin/main.., --all); "
    "implies --history. Repeatable.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Ask each key's own provider (the Hub: HF_ENDPOINT, default https://huggingface.co; others: "
    "HFSG_<NAME>_ENDPOINT) whether it is live, one read-only request per distinct key, at most 100; keys "
    "with no documented check are listed as not checked. Without it the network is never used.",
)
@click.option(
    "--revoke",
    is_flag=True,
    help="Revoke the Hugging Face tokens and GitHub personal access tokens found (irreversible): lists "
    "them and asks first.",
)
@click.option("--yes", is_flag=True, help="With --revoke: do not ask for confirmation (CI).")
@click.option(
    "--hub-timeout",
    type=click.FloatRange(min=0.1, max=300),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Time allowed for each --verify / --revoke request, start to end.",
)
@config_options
@click.option(
    "--staged",
    is_flag=True,
    help="Scan what is staged in git (the index, what a commit records), not the working files. "
    "PATHS limit it; a PATH with nothing staged under it is a warning (exit 0 if all else is clean), "
    "a PATH that does not exist at all is an error (exit 2).",
)
@verbosity_options
@click.option("--no-color", is_flag=True, help="No colour (also off with NO_COLOR, or when not a terminal).")
@click.option(
    "--stdin-filename",
    type=click.Path(path_type=str),
    metavar="PATH",
    help="Read the document from stdin (PATH `-`, or no PATH) as if it were PATH: PATH's config, rules and "
    "per-file-ignores apply (and its excludes, with --force-exclude), findings name PATH, a .ipynb PATH "
    "is read as a notebook. For editors.",
)
def scan(**options: Any) -> None:
    """Scan PATHS (default: the current directory) for leaked secrets."""
    context = click.get_current_context()
    settings = _resolve(context, options)
    context.exit(run_scan(settings) if settings is not None else EXIT_ERROR)


def _usage_problem(options: dict[str, Any]) -> Optional[str]:
    """Options that cannot go together, and paths that cannot be paths: the error line, or None."""
    if "" in options.get("paths", ()):
        return "'': error: empty path"
    if options.get("quiet") and options.get("verbose"):
        return "error: --quiet and --verbose cannot be used together"
    if "stdin_filename" not in options and "-" in options.get("paths", ()):
        return "error: `-` (stdin): only `scan` reads stdin"
    stdin = _reads_stdin(options)
    if "-" in options.get("paths", ()) and len(options["paths"]) > 1:
        return "error: `-` (stdin) cannot be scanned with other paths"
    if options.get("stdin_filename") is not None and not stdin:
        return "error: --stdin-filename names the document read from stdin: give `-` (or no path), not paths"
    if options.get("stdin_filename") == "":
        return "error: --stdin-filename: empty path"
    if stdin:
        clash = [f"--{name.replace('_', '-')}" for name in _NOT_WITH_STDIN if options.get(name)]
        if clash:
            # --fix would print the fixed document, and stdout masks every token in it (allowed ones too):
            # an editor replacing its buffer with that would silently change the user's text.
            return f"error: {', '.join(clash)} cannot read stdin (`-`): run it on the file itself"
    if options.get("yes") and not options.get("revoke"):
        return "error: --yes confirms --revoke and does nothing without it: add --revoke or drop --yes"
    if options.get("staged") and (options.get("fix") or options.get("diff")):
        return "error: --staged scans the index; --fix and --diff change working files: use one"
    if options.get("diff"):
        # The diff is the output: silently printing it where SARIF was asked for would break CI uploads.
        if options.get("output_format", "text") != "text":
            return (
                f"error: --diff prints a diff, not a {options['output_format']} report: drop one "
                "(--fix works with --format)"
            )
        if options.get("output"):
            return "error: --diff prints the diff on stdout and writes no report: drop --output"
    return None


def _warn(message: str) -> None:
    click.echo(message, err=True)


_NOT_WITH_STDIN = ("fix", "diff", "staged", "history", "history_revs")


def _reads_stdin(options: dict[str, Any]) -> bool:
    """``scan -``, or ``scan --stdin-filename PATH`` without paths (as ruff reads it)."""
    paths = tuple(options.get("paths", ()))
    return paths == ("-",) or (not paths and options.get("stdin_filename") is not None)


def _resolve(context: click.Context, options: dict[str, Any]) -> Optional[Settings]:
    """The settings of this run: the command line over ``[tool.hf-secret-guard]``; None after an error."""
    from click.core import ParameterSource

    from hf_secret_guard.cli.config import ConfigError, resolve
    from hf_secret_guard.cli.settings import split_names

    problem = _usage_problem(options)
    if problem:
        click.echo(problem, err=True)
        return None
    for key in ("exclude", "extend_exclude"):
        if key in options:
            options[key] = split_names(options[key])
    given = {
        name
        for name in options
        if context.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    }
    try:
        return resolve(Settings(**options), given, warn=None if options.get("quiet") else _warn)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        return None


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=str),
    help="Where to write the baseline [default: the `baseline` setting of [tool.hf-secret-guard], else "
    ".hf-secret-guard-baseline.json].",
)
@rule_options
@config_options
@verbosity_options
def baseline(**options: Any) -> None:
    """Record today's findings in PATHS as accepted; `scan --baseline FILE` then reports only new ones.

    Keyed by path, rule and a hash of the secret (no line numbers), so moving code does not change it.
    The file never holds a secret.
    """
    context = click.get_current_context()
    settings = _resolve(context, options)
    context.exit(run_baseline(settings) if settings is not None else EXIT_ERROR)


def run_baseline(settings: Settings) -> int:
    """Scan as ``scan`` does (same config, discovery, notes and errors), then write the baseline."""
    from hf_secret_guard.baseline import BASELINE_NAME, write_baseline
    from hf_secret_guard.report.text import count

    target = settings.output or settings.baseline or BASELINE_NAME
    if _refuse_target(target, what="baseline", config_file=settings.config):
        return EXIT_ERROR
    results = _collect(settings)
    if results is None:
        return EXIT_ERROR
    if any(e.kind == "read" for r in results for e in r.errors):
        click.echo("error: some files could not be read; baseline not written", err=True)
        return EXIT_ERROR
    if _refuse_target(target, results, "baseline"):
        return EXIT_ERROR
    findings = [f for r in results for f in r.findings]
    try:
        write_baseline(target, findings)
    except OSError as exc:
        click.echo(f"{target}: error: cannot write baseline: {exc.strerror or exc}", err=True)
        return EXIT_ERROR
    if not settings.quiet:
        secrets = len({(f.path, f.rule, f.secret_hash) for f in findings})
        click.echo(
            f"Wrote {target}: {count(secrets, 'accepted finding')} "
            f"({count(len(findings), 'occurrence')} in {count(_scanned(results), 'file')} scanned)."
        )
    return EXIT_CLEAN


def run_scan(settings: Settings) -> int:
    # The report too: after a large scan, a full collection (set off by whatever the report imports)
    # would pass over every finding to free nothing.
    with few_collections():
        return _run_scan(settings)


def _run_scan(settings: Settings) -> int:
    if settings.fix or settings.diff:
        from hf_secret_guard.cli.fix_run import usage_problem

        problem = usage_problem(settings)
        if problem:
            click.echo(f"error: {problem}", err=True)
            return EXIT_ERROR
    if settings.output and _refuse_target(
        settings.output, config_file=settings.config, baseline=settings.baseline
    ):
        return EXIT_ERROR
    if settings.history or settings.history_revs:
        from hf_secret_guard.cli.leak_response import run_history

        return run_history(settings)
    if settings.verify or settings.revoke:
        from hf_secret_guard.cli.leak_response import network_problem

        problem = network_problem(settings)
        if problem:
            click.echo(f"error: {problem}", err=True)
            return EXIT_ERROR
    baseline = None
    if settings.baseline:
        from hf_secret_guard.baseline import BaselineError, read_baseline

        try:
            baseline = read_baseline(settings.baseline)
        except BaselineError as exc:
            hint = ""
            if not os.path.lexists(settings.baseline):  # configured before it was made: say how to make it
                hint = f"; create it with `hf-secret-guard baseline --output {settings.baseline}`"
            click.echo(f"error: {exc}{hint}", err=True)
            return EXIT_ERROR
    planner = None
    if settings.fix and not settings.diff:
        from hf_secret_guard.cli.fix_run import Planner

        def kept(result: FileResult) -> list[Finding]:
            """The findings this run reports and fixes of one scanned file."""
            if settings.file_ignores:
                result = _drop_per_file_ignores([result], settings)[0]
            return baseline.split(result.findings)[0] if baseline is not None else list(result.findings)

        planner = Planner(
            settings.scan_options,
            settings.fix_options,
            kept,
            settings.fix_styles,
            settings.root,
            settings.jobs,
        )
    collected = _collect(settings, planner)
    if collected is None:
        return EXIT_ERROR
    results = collected
    if settings.output and _refuse_target(settings.output, results):
        return EXIT_ERROR
    findings: list[Finding] = [f for r in results for f in r.findings]
    errors: list[ScanError] = [e for r in results for e in r.errors]
    hidden = 0
    if baseline is not None:
        findings, known = baseline.split(findings)
        hidden = len(known)
    fixes = None
    if settings.fix or settings.diff:
        from hf_secret_guard.cli.fix_run import fix_for_settings

        digests = {r.path: r.digest for r in results if r.digest}
        fixes = fix_for_settings(settings, findings, digests, planner.plans if planner is not None else None)
        if settings.diff:
            if any(e.kind == "read" for e in errors):
                return EXIT_ERROR
            return EXIT_LEAKS if findings and not settings.exit_zero else EXIT_CLEAN
    verifications: dict[str, Verification] = {}
    if settings.verify:
        from hf_secret_guard.cli.leak_response import verify
        from hf_secret_guard.report.verification import live_first

        verifications = verify([f.secret for f in findings], settings)
        findings = live_first(findings, verifications)  # live write tokens on top, in every format
    fixed = fixes.fixed_keys if fixes is not None else frozenset()
    if not _report(settings, findings, errors, _scanned(results), hidden, verifications, fixed):
        return EXIT_ERROR
    if fixes is not None:
        from hf_secret_guard.cli.fix_run import echo_summary

        echo_summary(fixes, findings, settings)
    if settings.revoke:
        from hf_secret_guard.cli.leak_response import finding_targets, revoke

        override = revoke(finding_targets(findings), verifications, settings)
        if override is not None:
            return override
    if any(e.kind == "read" for e in errors):
        return EXIT_ERROR
    return EXIT_LEAKS if findings and not settings.exit_zero else EXIT_CLEAN


def _human_report(
    settings: Settings,
    findings: list[Finding],
    files: int,
    hidden: int,
    verifications: Optional[dict[str, Verification]] = None,
    color: bool = False,
    unreadable: int = 0,
    fixed: frozenset[tuple[str, str, int, int]] = frozenset(),
) -> list[str]:
    from hf_secret_guard.cli.terminal import paint_finding, paint_summary
    from hf_secret_guard.report.text import format_finding, revoke_advice, statistics, summary

    listed = [f for f in findings if f.key not in fixed]  # after --fix, like ruff: only what is left
    if settings.statistics:
        lines = statistics(findings)
    elif verifications:
        from hf_secret_guard.report.verification import label

        lines = [format_finding(f) + label(verifications.get(f.secret_hash)) for f in listed]
    else:
        lines = [format_finding(f) for f in listed]
    if color and not settings.statistics:
        lines = [paint_finding(line, finding) for line, finding in zip(lines, listed, strict=True)]
    if settings.quiet:
        return lines
    fix_command = ""
    if os.environ.get("PRE_COMMIT") == "1" and not settings.fix:  # pre-commit sets it for its hooks
        from hf_secret_guard.report.text import hook_fix_command

        fix_command = hook_fix_command(findings)
    last = summary(findings, files, hidden, unreadable, fix_command, fixed=len(findings) - len(listed))
    lines.append(paint_summary(last, bool(findings)) if color else last)
    if settings.verify:
        from hf_secret_guard.cli.leak_response import verify_lines

        items = [(f.secret, f.masked, f.secret_hash, f.rule) for f in findings]
        lines.extend(verify_lines(items, verifications or {}))
    if findings:
        lines.append(revoke_advice(findings))
    return lines


def _report(
    settings: Settings,
    findings: list[Finding],
    errors: list[ScanError],
    files: int,
    hidden: int,
    verifications: Optional[dict[str, Verification]] = None,
    fixed: frozenset[tuple[str, str, int, int]] = frozenset(),
) -> bool:
    """Print (or write to ``--output``) the report; False when the output file cannot be written."""
    from hf_secret_guard.cli.terminal import color_enabled
    from hf_secret_guard.report import render

    unreadable = len({e.path for e in errors if e.kind == "read"})
    human = _human_report(
        settings, findings, files, hidden, verifications, unreadable=unreadable, fixed=fixed
    )
    text_report = "".join(line + "\n" for line in human)
    console = text_report  # stdout may get colour; a report file never does
    if color_enabled(sys.stdout, settings.no_color):
        painted = _human_report(settings, findings, files, hidden, verifications, True, unreadable, fixed)
        console = "".join(line + "\n" for line in painted)
    if settings.output_format == "text":
        machine = text_report
    elif settings.statistics and settings.output_format == "json" and not settings.output:
        # On stdout the statistics are the report; a report file keeps every finding, as before.
        from hf_secret_guard.report.text import json_statistics

        machine = json_statistics(findings)
    else:
        machine = render.render(settings.output_format, findings, errors, verifications, fixed)
    if settings.output:
        try:
            _make_parent(settings.output)
            render.write_report(settings.output, machine)
        except OSError as exc:
            click.echo(f"{settings.output}: error: cannot write report: {exc.strerror or exc}", err=True)
            return False
        click.echo(console, nl=False)
    elif settings.output_format == "text":
        click.echo(console, nl=False)
    else:
        click.echo(machine, nl=False)
        if settings.statistics:  # stdout is for the machine format
            click.echo(text_report, nl=False, err=True)
    return True


def _collect(settings: Settings, planner: Optional[Planner] = None) -> Optional[list[FileResult]]:
    """Discover and scan, with the progress bar and the notes on stderr; None after a fatal error.
    With ``planner`` (``--fix``), the scan's workers plan the fixes too."""
    from hf_secret_guard import api
    from hf_secret_guard.cli.terminal import Progress, progress_enabled
    from hf_secret_guard.discover import MissingPath, discover_files, discover_staged
    from hf_secret_guard.report.text import format_error

    started = time.monotonic()
    if settings.verbose:
        click.echo(f"config: {settings.config or 'none (defaults)'}", err=True)
    git_errors: tuple[type[Exception], ...] = ()  # git (and subprocess) load only for --staged
    if settings.staged:
        from hf_secret_guard.discover.git import GitError

        git_errors = (GitError,)
    if _reads_stdin(settings._asdict()):
        return [_scan_stdin(settings)]
    try:
        if settings.staged:
            staged = discover_staged(settings.paths, settings.discover_options)
            paths = [candidate.path for candidate, _ in staged]
            if not _check_pathspecs(settings.paths, paths, settings.quiet):
                return None
            total, stream = len(staged), api.scan_staged_candidates(staged, settings.scan_options)
        else:
            paths = list(settings.paths) or ["."]
            found = discovered(paths, settings.discover_options)  # by ``head_start``: not walked again
            if found is None:
                found = discover_files(paths, settings.discover_options)
            candidates = _not_our_own(found, settings)
            total = len(candidates)
            if planner is not None:
                stream = planner.scan(candidates)
            else:
                # The digest of a file's bytes tells --fix and --diff that a file read again is unchanged.
                digests = bool(settings.fix or settings.diff)
                stream = api.scan_candidates(
                    candidates, settings.scan_options, settings.jobs, digests=digests
                )
    except MissingPath as missing:
        click.echo(f"{missing.args[0]}: error: no such file or directory", err=True)
        return None
    except git_errors as exc:
        click.echo(f"error: {exc}", err=True)
        return None
    progress = Progress(total, sys.stderr, enabled=progress_enabled(sys.stderr, settings.quiet))
    results: list[FileResult] = []
    try:
        with few_collections():
            for result in stream:
                results.append(result)
                for error in result.errors:
                    if error.kind == "read" or not settings.quiet:  # -q keeps errors, drops warnings
                        progress.echo(format_error(error))
                if result.skipped and (
                    settings.verbose or (api.is_size_skip(result.skipped) and not settings.quiet)
                ):
                    level = "warning" if api.is_size_skip(result.skipped) else "note"
                    progress.echo(f"{result.path}: {level}: skipped: {result.skipped}")
                progress.advance(result.path)
    except git_errors as exc:
        progress.clear()
        click.echo(f"error: {exc}", err=True)
        return None
    finally:
        progress.clear()
    if settings.file_ignores:
        results = _drop_per_file_ignores(results, settings)
    if settings.verbose:
        from hf_secret_guard.report.text import count

        unreadable = sum(1 for result in results if _unreadable(result))
        skipped = len(results) - _scanned(results) - unreadable
        not_read = f", {unreadable} unreadable" if unreadable else ""
        click.echo(
            f"scanned {count(_scanned(results), 'file')} ({skipped} skipped{not_read}) "
            f"in {time.monotonic() - started:.2f} s",
            err=True,
        )
    if not settings.quiet:
        for line in _exclusion_notes(settings, results):
            click.echo(line, err=True)
    return results


def _not_our_own(candidates: list[Candidate], settings: Settings) -> list[Candidate]:
    """The report (``--output``) and the baseline this run writes or reads are the tool's own files: a
    second run must not scan its last report (it holds masked values only) nor refuse to replace it."""
    own = {os.path.realpath(path) for path in (settings.output, settings.baseline) if path}
    own -= {os.path.realpath(path) for path in settings.paths}  # named to be scanned: it is scanned
    if not own:
        return candidates
    return [
        c._replace(skipped="hf-secret-guard's own report or baseline")
        if not c.skipped and not c.error and os.path.realpath(c.path) in own
        else c
        for c in candidates
    ]


def _exclusion_notes(settings: Settings, results: Sequence[FileResult]) -> list[str]:
    """What the user's own settings kept out of the scan, and a run that can find nothing: a config that
    comes with a repository could otherwise pass every file with "No leaks found"."""
    from hf_secret_guard.report.text import count
    from hf_secret_guard.rules import RULES

    source = os.path.basename(settings.config) if settings.config else "the command line"
    notes: list[str] = []
    if not any(settings.scan_options.wants(code) for code in RULES):
        notes.append(f"warning: every rule is turned off (by {source}): this run cannot find anything")
    options = settings.discover_options
    own = {*(options.exclude or ()), *options.extend_exclude}
    by_pattern: dict[str, int] = {}
    for result in results:
        pattern = (
            result.skipped[len("excluded by '") : -1] if result.skipped.startswith("excluded by '") else ""
        )
        if pattern in own:
            by_pattern[pattern] = by_pattern.get(pattern, 0) + 1
    if by_pattern:
        listed = ", ".join(f"{pattern!r} ({n})" for pattern, n in sorted(by_pattern.items()))
        total = count(sum(by_pattern.values()), "path")
        if not _scanned(results) and not any(r.errors for r in results):
            notes.append(f"warning: every file was excluded by {source} ({listed}): nothing was scanned")
        else:
            notes.append(f"note: {total} excluded by {source}: {listed}; -v lists them")
    return notes


def _scan_stdin(settings: Settings) -> FileResult:
    """The document on stdin, scanned as the file ``--stdin-filename`` names (``-`` without it); with
    --force-exclude an excluded name gives no findings, as in ruff."""
    from hf_secret_guard import api
    from hf_secret_guard.discover import make_excluder
    from hf_secret_guard.report.text import format_error

    path = settings.stdin_filename or "-"
    if settings.stdin_filename and settings.force_exclude:
        root = os.path.abspath(settings.root)
        absolute = os.path.abspath(path)
        inside = absolute.startswith(root.rstrip(os.sep) + os.sep)
        hit = make_excluder(settings.discover_options).match_below(
            absolute, root if inside else os.path.dirname(absolute)
        )
        if hit is not None:
            if settings.verbose:
                click.echo(f"{path}: note: skipped: excluded by {hit[0]!r}", err=True)
            return FileResult(path, skipped=f"excluded by {hit[0]!r}")
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    result = api.scan_bytes(data, path, settings.scan_options)
    for error in result.errors:
        if error.kind == "read" or not settings.quiet:
            click.echo(format_error(error), err=True)
    if settings.file_ignores:
        result = _drop_per_file_ignores([result], settings)[0]
    return result


def _drop_per_file_ignores(results: list[FileResult], settings: Settings) -> list[FileResult]:
    """Findings of the rules ``per-file-ignores`` turns off for their file (globs as ``exclude`` reads them:
    a name matches at any depth, a path is anchored to the config's directory or the current one)."""
    import os

    from hf_secret_guard.discover.excludes import Excluder

    tables = [(Excluder([pattern], settings.root), codes) for pattern, codes in settings.file_ignores]
    kept: list[FileResult] = []
    for result in results:
        absolute = os.path.abspath(settings.stdin_filename or result.path)
        off = [codes for excluder, codes in tables if excluder.match_below(absolute, os.sep) is not None]
        if off:
            findings = tuple(
                f for f in result.findings if not any(f.rule.startswith(c) for codes in off for c in codes)
            )
            result = result._replace(findings=findings)
        kept.append(result)
    return kept


def _check_pathspecs(pathspecs: Sequence[str], staged: Sequence[str], quiet: bool = False) -> bool:
    """``--staged PATH`` where nothing is staged: a warning when PATH exists (nothing to check there is a
    fine state, e.g. a hook on an unchanged folder), an error like any missing path when it does not
    (a typo must not pass as a clean scan).  False after an error.  Git pathspec magic (``*.py``,
    ``:(glob)``) is left to git: it matches what it matches."""
    import os

    staged_paths = [os.path.abspath(path) for path in staged]
    ok = True
    for spec in pathspecs:
        if spec.startswith(":") or any(char in spec for char in "*?["):
            continue
        top = os.path.abspath(spec)
        if any(path == top or path.startswith(top.rstrip(os.sep) + os.sep) for path in staged_paths):
            continue
        if os.path.lexists(spec):
            if quiet:
                continue
            click.echo(f"{spec}: warning: no Python file or notebook staged here", err=True)
        else:
            click.echo(f"{spec}: error: no such file or directory, and nothing staged there", err=True)
            ok = False
    return ok


def _refuse_target(
    target: str, results: Sequence[FileResult] = (), what: str = "report", **inputs: Optional[str]
) -> bool:
    """Say so and return True when writing ``target`` would overwrite source code, a scanned file or an
    input of the run (``inputs``: the config file, the baseline read) (``report.target``): checked before
    scanning, then on the files found."""
    from hf_secret_guard.report.target import overwrites_input, overwrites_scanned, overwrites_source

    problem = (
        overwrites_source(target)
        or overwrites_input(target, {name.replace("_", " "): path for name, path in inputs.items()})
        or overwrites_scanned(target, [r.path for r in results if not r.skipped])
    )
    if problem:
        click.echo(f"error: not writing the {what} there: {problem}; choose another file", err=True)
    return problem is not None


def _make_parent(path: str) -> None:
    """``--output reports/x.sarif`` where ``reports/`` does not exist yet: create it, as ruff does."""
    import os

    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)


def _scanned(results: Sequence[FileResult]) -> int:
    """Files actually scanned: skipped ones (excluded, binary, too large) and unreadable ones do not count."""
    return sum(1 for result in results if not result.skipped and not _unreadable(result))


def _unreadable(result: FileResult) -> bool:
    """A FIFO, a symlink loop, a file that vanished: an error, and nothing may be said of its content."""
    return any(error.kind == "read" for error in result.errors)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point for the console script and ``python -m hf_secret_guard``.

    For the whole run stdout and stderr redact every token (``report.redact``): whatever prints a path, an
    option value or an error message, now or in a later version, cannot print a token in full.
    """
    from hf_secret_guard.tokens.redaction import RedactingStream

    streams = sys.stdout, sys.stderr
    if sys.stdout is not None:  # None: no console at all (pythonw)
        sys.stdout = RedactingStream(sys.stdout)
    if sys.stderr is not None:
        sys.stderr = RedactingStream(sys.stderr)
    try:
        status = _main(argv)
        for wrapper in (sys.stdout, sys.stderr):
            if wrapper is not None:
                wrapper.flush()
    except OSError as exc:
        if exc.errno not in OUTPUT_ERRORS:
            raise
        return _cannot_write(exc, *streams)
    finally:
        sys.stdout, sys.stderr = streams
    return status


# A write to standard output or error that fails for good: a closed pipe, a full disk or quota.
OUTPUT_ERRORS = frozenset(
    getattr(errno, name) for name in ("EPIPE", "ENOSPC", "EDQUOT", "EFBIG", "EIO") if hasattr(errno, name)
)  # each where the platform has it


def _cannot_write(exc: OSError, stdout: Optional[TextIO], stderr: Optional[TextIO]) -> int:
    """The run could not write its output (``scan . > report.txt`` on a full disk, a reader that went
    away): say so in one line where it can still be said, never a traceback, and exit as an error.  What
    is still buffered for the broken stream is dropped (written to the null device), so the exit does
    not fail on it again.  ``stdout``, ``stderr``: the process's own streams, not the redacting ones."""
    for stream in (stdout, stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except OSError:
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, stream.fileno())
                os.close(null)
            except (OSError, ValueError, AttributeError):  # not a file descriptor of its own
                pass
    try:
        if stderr is not None:
            stderr.write(f"hf-secret-guard: error: cannot write the output: {exc.strerror or exc}\n")
            stderr.flush()
    except OSError:  # standard error is the broken one: nothing more can be said
        pass
    return EXIT_ERROR


def _main(argv: Optional[Sequence[str]]) -> int:
    import io

    from hf_secret_guard.tokens.redaction import redact_output

    try:
        result = cli.main(
            args=list(argv) if argv is not None else sys.argv[1:],
            prog_name="hf-secret-guard",
            standalone_mode=False,
        )
    except click.ClickException as exc:
        # click repeats bad values in its messages (``--format foo<token>``, ``--bogus-<token>``).
        shown = io.StringIO()
        exc.show(file=shown)
        sys.stderr.write(redact_output(shown.getvalue()))
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_ERROR
    except Exception as exc:  # a bug: its traceback may quote a path or a value, so it is printed redacted
        if isinstance(exc, OSError) and exc.errno in OUTPUT_ERRORS:
            raise  # the output cannot be written: ``main`` says so in one line
        import traceback

        click.echo(f"internal error, please report it:\n{traceback.format_exc()}", err=True, nl=False)
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN
