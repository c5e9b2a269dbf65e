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
from hf_secret_guard.providers import PROVIDERS
from hf_secret_guard.report.verification import Verifications, label, live_first, summary_lines
from hf_secret_guard.tokens import provider_of

EXIT_CLEAN, EXIT_LEAKS, EXIT_ERROR = 0, 1, 2
TOKENS_PAGE = DEFAULT_PROVIDER.revoke_url
GITHUB_TOKENS_PAGE = next(p.revoke_url for p in PROVIDERS if p.name == "github")


def network_problem(settings: Settings) -> Optional[str]:
    """A reason not to start at all (checked before any scanning), or None."""
    if settings.revoke and os.environ.get("PRE_COMMIT"):
        return "--revoke never runs inside a pre-commit hook; run `hf-secret-guard scan --revoke` by hand"
    if settings.verify or settings.revoke:
        from hf_secret_guard.hub import HubError, check_endpoints, hub_endpoint

        try:
            hub_endpoint()
            check_endpoints()
        except HubError as exc:
            return str(exc)
    return None


def verify(secrets: Sequence[str], settings: Settings) -> dict[str, Verification]:
    """One read-only request per distinct key to its own provider, or nothing without ``--verify``."""
    if not settings.verify:
        return {}
    from hf_secret_guard.hub import hub_endpoint, verify_tokens

    return verify_tokens(secrets, hub_endpoint(), settings.hub_timeout)


def verify_lines(
    items: Sequence[tuple[str, str, str, str]], verifications: Verifications, verified: bool = True
) -> list[str]:
    """The text report's ``--verify`` block; ``items`` are (secret, masked, secret_hash, rule) in report
    order.  Placeholders (HFG005) are no keys: they are neither checked nor listed."""
    if not verified:
        return []
    from hf_secret_guard.hub import verify_target

    unchecked = []
    for secret, masked, digest, rule in items:
        if rule != "HFG005" and digest not in verifications:
            _, why = verify_target(secret)
            unchecked.append((masked, why or "not asked"))
    return summary_lines([(masked, digest) for _, masked, digest, _ in items], verifications, unchecked)


def revoke(
    targets: Sequence[tuple[str, str, str, str]], verifications: Verifications, settings: Settings
) -> Optional[int]:
    """Confirm and revoke.  ``targets``: (secret, masked, secret_hash, where) in report order.

    Returns an exit status that overrides the scan's (2: refused without an answer, or the Hub did not
    accept), or None.  Everything is said on stderr, so a JSON or SARIF report on stdout stays clean.
    """
    from hf_secret_guard.hub import hub_endpoint, provider_endpoint, revoke_target, revoke_tokens

    chosen: dict[str, tuple[str, str, str]] = {}
    rejected: set[str] = set()  # distinct tokens, not findings: one token may be found many times
    posts: dict[str, None] = {}  # the revoke endpoints, in order
    for secret, masked, digest, where in targets:
        provider = revoke_target(secret)
        if provider is None or provider.hub is None or secret in chosen or secret in rejected:
            continue
        verification = verifications.get(digest)
        if verification is not None and verification.status == "not_live":
            rejected.add(secret)
            continue
        chosen[secret] = (masked, where, label(verification))
        posts[provider_endpoint(provider) + provider.hub.revoke] = None
    only_hub = all(provider_of(s) is DEFAULT_PROVIDER for s in chosen)
    dead = len(rejected)
    they = "the Hub" if only_hub else "their provider"
    skipped = f" ({dead} {they} already rejects {'is' if dead == 1 else 'are'} left alone)" if dead else ""
    if not chosen:
        click.echo(
            f"--revoke: no Hugging Face token or GitHub personal access token to revoke{skipped}.", err=True
        )
        return None
    endpoint = hub_endpoint()
    one = len(chosen) == 1
    count = f"{len(chosen)} token{'' if one else 's'}"
    owners = ("the Hub emails " if only_hub else "the provider tells ") + (
        "its owner" if one else "each owner"
    )
    click.echo(
        f"About to revoke {count} with {' and '.join('POST ' + url for url in posts)}{skipped}.\n"
        f"This cannot be undone: whatever uses {'this token' if one else 'these tokens'} stops working, "
        f"and {owners}.",
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
    pages = TOKENS_PAGE if only_hub else f"{TOKENS_PAGE} and {GITHUB_TOKENS_PAGE}"
    if failed:
        who = "The Hub" if only_hub else "A provider"
        click.echo(f"{who} did not accept the request: revoke the tokens at {pages}.", err=True)
        return EXIT_ERROR
    click.echo(
        f"Revocation requested for {count}. Create new tokens at {pages} and keep them in Colab's "
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
        items = [(leak.secret, leak.masked, leak.secret_hash, "") for leak in leaks]
        lines.extend(verify_lines(items, verifications, settings.verify))
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
