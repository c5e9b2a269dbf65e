"""After a leak: ``scan --history``, ``--verify`` and ``--revoke`` at the terminal.

The network is touched only here, and only when ``--verify`` or ``--revoke`` was given.  Revoking is
irreversible, so it lists the masked tokens, asks (``--yes`` skips the question; no answer on stdin means
no), refuses inside a pre-commit hook, and says exactly what was sent and what the Hub answered.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Optional

import click

from hf_secret_guard.cli.settings import Settings
from hf_secret_guard.model import Finding, HistoryLeak, Verification
from hf_secret_guard.providers import DEFAULT as DEFAULT_PROVIDER
from hf_secret_guard.report.verification import Verifications, label, live_first, summary_lines
from hf_secret_guard.tokens import is_token

EXIT_CLEAN, EXIT_LEAKS, EXIT_ERROR = 0, 1, 2
TOKENS_PAGE = DEFAULT_PROVIDER.revoke_url


def network_problem(settings: Settings) -> Optional[str]:
    """A reason not to start at all (checked before any scanning), or None."""
    if settings.revoke and os.environ.get("PRE_COMMIT"):
        return "--revoke never runs inside a pre-commit hook; run `hf-secret-guard scan --revoke` by hand"
    if settings.verify or settings.revoke:
        from hf_secret_guard.hub import HubError, hub_endpoint

        try:
            hub_endpoint()
        except HubError as exc:
            return str(exc)
    return None


def verify(secrets: Sequence[str], settings: Settings) -> dict[str, Verification]:
    """One whoami request per distinct Hugging Face token, or nothing without ``--verify``."""
    if not settings.verify:
        return {}
    from hf_secret_guard.hub import hub_endpoint, verify_tokens

    return verify_tokens(secrets, hub_endpoint(), settings.hub_timeout)


def verify_lines(pairs: Sequence[tuple[str, str]], verifications: Verifications) -> list[str]:
    """The text report's ``--verify`` block; ``pairs`` are (masked, secret_hash) in report order."""
    if not verifications:
        return []
    from hf_secret_guard.hub import hub_endpoint

    return summary_lines(pairs, verifications, hub_endpoint())


def revoke(
    targets: Sequence[tuple[str, str, str, str]], verifications: Verifications, settings: Settings
) -> Optional[int]:
    """Confirm and revoke.  ``targets``: (secret, masked, secret_hash, where) in report order.

    Returns an exit status that overrides the scan's (2: refused without an answer, or the Hub did not
    accept), or None.  Everything is said on stderr, so a JSON or SARIF report on stdout stays clean.
    """
    from hf_secret_guard.hub import REVOKE_PATH, hub_endpoint, revoke_tokens

    chosen: dict[str, tuple[str, str, str]] = {}
    rejected: set[str] = set()  # distinct tokens, not findings: one token may be found many times
    for secret, masked, digest, where in targets:
        if not is_token(secret) or secret in chosen or secret in rejected:
            continue
        verification = verifications.get(digest)
        if verification is not None and verification.status == "not_live":
            rejected.add(secret)
            continue
        chosen[secret] = (masked, where, label(verification))
    dead = len(rejected)
    skipped = f" ({dead} the Hub already rejects {'is' if dead == 1 else 'are'} left alone)" if dead else ""
    if not chosen:
        click.echo(f"--revoke: no Hugging Face token to revoke{skipped}.", err=True)
        return None
    endpoint = hub_endpoint()
    one = len(chosen) == 1
    count = f"{len(chosen)} token{'' if one else 's'}"
    click.echo(
        f"About to revoke {count} with POST {endpoint}{REVOKE_PATH}{skipped}.\n"
        f"This cannot be undone: whatever uses {'this token' if one else 'these tokens'} stops working, "
        f"and the Hub emails {'its owner' if one else 'each owner'}.",
        err=True,
    )
    for masked, where, suffix in chosen.values():
        click.echo(f"  {masked}  {where}{suffix}", err=True)
    if not settings.yes:
        try:
            question = "Revoke this token?" if one else f"Revoke these {count}?"
            agreed = click.confirm(question, default=False, err=True)
        except click.Abort:
            click.echo(
                "\nNo answer (stdin is closed or not interactive): nothing revoked. "
                "Add --yes to revoke without asking.",
                err=True,
            )
            return EXIT_ERROR
        if not agreed:
            click.echo("Nothing revoked.", err=True)
            return None
    failed = False
    for revocation in revoke_tokens(list(chosen), endpoint, settings.hub_timeout):
        sent = ", ".join(f'"{masked}"' for masked in revocation.sent)
        click.echo(f'Sent: POST {revocation.url} {{"credentials": [{sent}]}}', err=True)
        click.echo(f"Answer: {revocation.detail}", err=True)
        failed = failed or not revocation.accepted
    if failed:
        click.echo(f"The Hub did not accept the request: revoke the tokens at {TOKENS_PAGE}.", err=True)
        return EXIT_ERROR
    click.echo(
        f"Revocation requested for {count}. Create new tokens at {TOKENS_PAGE} and keep them in Colab's "
        "Secrets panel or the environment, never in a file.",
        err=True,
    )
    return None


def finding_targets(findings: Sequence[Finding]) -> list[tuple[str, str, str, str]]:
    from hf_secret_guard.report.location import location

    return [(f.secret, f.masked, f.secret_hash, f"first seen at {location(f)}") for f in findings]


def run_history(settings: Settings) -> int:
    """``scan --history``: tokens ever added in the commits of REVS (default HEAD), then verify/revoke."""
    from hf_secret_guard.history import HistoryError, scan_history
    from hf_secret_guard.report.history import (
        HISTORY_ADVICE,
        HISTORY_FORMATS,
        format_history_leak,
        history_origin,
        history_summary,
        render_history_json,
    )

    if settings.output_format not in HISTORY_FORMATS:
        click.echo(f"error: --history reports are text or json, not {settings.output_format}", err=True)
        return EXIT_ERROR
    # Options about the working files make no sense on commits (and --fix cannot rewrite history).
    clashing = [
        f"--{name}" for name in ("fix", "diff", "staged", "baseline") if getattr(settings, name, None)
    ]
    if clashing:
        click.echo(f"error: --history cannot be combined with {', '.join(clashing)}", err=True)
        return EXIT_ERROR
    problem = network_problem(settings)
    if problem:
        click.echo(f"error: {problem}", err=True)
        return EXIT_ERROR
    from hf_secret_guard.discover import make_excluder

    excluder = make_excluder(settings.discover_options, tracked=True)  # history holds only committed files
    try:
        result = scan_history(
            ".",
            settings.history_revs,
            settings.paths,
            exclude=lambda path, top: excluder.match_below(path, top) is not None,
        )
    except HistoryError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_ERROR
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    verifications = verify([leak.secret for leak in result.leaks], settings)
    leaks: list[HistoryLeak] = live_first(result.leaks, verifications)
    if settings.output_format == "json":
        report = render_history_json(result, leaks, verifications)
    else:
        lines = [format_history_leak(leak, verifications) for leak in leaks]
        lines.append(history_summary(result))
        lines.extend(verify_lines([(leak.masked, leak.secret_hash) for leak in leaks], verifications))
        if leaks:
            lines.append(HISTORY_ADVICE)
        report = "".join(line + "\n" for line in lines)
    if settings.output:
        from hf_secret_guard.report.render import write_report

        try:
            write_report(settings.output, report)
        except OSError as exc:
            click.echo(f"{settings.output}: error: cannot write report: {exc.strerror or exc}", err=True)
            return EXIT_ERROR
        click.echo(history_summary(result))
    else:
        click.echo(report, nl=False)
    status = EXIT_LEAKS if leaks and not settings.exit_zero else EXIT_CLEAN
    if settings.revoke:
        targets = [(leak.secret, leak.masked, leak.secret_hash, history_origin(leak)) for leak in leaks]
        override = revoke(targets, verifications, settings)
        status = override if override is not None else status
    return status
