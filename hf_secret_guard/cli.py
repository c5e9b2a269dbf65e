"""The command line: ``hf-secret-guard scan [PATHS]``.

A thin caller of ``api``: exit 0 clean, 1 leaks, 2 usage errors or unreadable paths.  Each option of
``scan`` becomes a field of ``Settings`` with the same name.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Optional

import click

from hf_secret_guard import __version__
from hf_secret_guard.ftypes import FileResult, Finding, ScanError
from hf_secret_guard.settings import Settings

EXIT_CLEAN, EXIT_LEAKS, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hf-secret-guard")
def cli() -> None:
    """Find and fix Hugging Face tokens and other secrets in Python files and notebooks."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when leaks are found.")
@click.option("--select", multiple=True, help="Only these rules (codes or prefixes, comma separated).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes or prefixes, comma separated).")
@click.option("--secret-names", multiple=True, help="More environment variable names that hold secrets.")
def scan(**options: Any) -> None:
    """Scan PATHS (default: the current directory) for leaked secrets."""
    click.get_current_context().exit(run_scan(Settings(**options)))


def run_scan(settings: Settings) -> int:
    from hf_secret_guard.api import scan_paths
    from hf_secret_guard.discover import MissingPath
    from hf_secret_guard.report.text import REVOKE_ADVICE, format_error, format_finding, summary

    results: list[FileResult] = []
    try:
        for result in scan_paths(list(settings.paths) or ["."], settings.scan_options):
            results.append(result)
            for error in result.errors:
                click.echo(format_error(error), err=True)
    except MissingPath as missing:
        click.echo(f"{missing.args[0]}: error: no such file or directory", err=True)
        return EXIT_ERROR
    findings: list[Finding] = [f for r in results for f in r.findings]
    errors: list[ScanError] = [e for r in results for e in r.errors]
    if settings.output_format == "json":
        from hf_secret_guard.report.json_report import render_json

        click.echo(render_json(findings, errors), nl=False)
    else:
        for finding in findings:
            click.echo(format_finding(finding))
        click.echo(summary(findings, len(results)))
        if findings:
            click.echo(REVOKE_ADVICE)
    if any(e.kind == "read" for e in errors):
        return EXIT_ERROR
    return EXIT_LEAKS if findings and not settings.exit_zero else EXIT_CLEAN


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point for the console script and ``python -m hf_secret_guard``."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else sys.argv[1:],
            prog_name="hf-secret-guard",
            standalone_mode=False,
        )
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN
