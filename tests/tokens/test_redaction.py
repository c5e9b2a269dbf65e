"""No output of the real CLI holds a full token, whatever road the token takes: a file named after it, a
path, an option value, a rule code (upper-cased on the way), click's own error messages, report and
baseline files.  Each case runs the console entry point (``python -m hf_secret_guard``, or ``cli.main``
in this process) and checks stdout, stderr and files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click
import pytest

from hf_secret_guard.tokens import mask
from hf_secret_guard.tokens.redaction import RedactingStream, redact_any_case, redact_output
from tests.conftest import ORG_TOKEN, TOKEN, TOKEN2
from tests.gitrepo import git, init_repo
from tests.hub_server import FakeHub, hub  # noqa: F401 - the fixture
from tests.inprocess import run_main

SECRET_BODIES = (TOKEN, TOKEN[3:].upper(), TOKEN2, TOKEN2[3:].upper(), ORG_TOKEN, ORG_TOKEN[8:].upper())


def assert_no_token(*texts: str) -> None:
    for text in texts:
        for secret in SECRET_BODIES:
            assert secret not in text


@pytest.fixture
def named_after_token(tmp_path: Path) -> Path:
    """A file whose name is a token, holding another token."""
    (tmp_path / f"{TOKEN}.py").write_text(f'login(token="{TOKEN2}")\n')
    return tmp_path


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_a_file_named_after_a_token(named_after_token: Path, output_format: str) -> None:
    result = run_main("scan", "--isolated", "--format", output_format, ".", cwd=named_after_token)
    assert result.returncode == 1
    assert_no_token(result.stdout, result.stderr)
    assert mask(TOKEN) + ".py" in result.stdout and mask(TOKEN2) in result.stdout
    if output_format in ("json", "sarif"):
        json.loads(result.stdout)  # still a valid document


def test_a_file_named_after_a_token_in_the_diff_and_verbose(named_after_token: Path) -> None:
    diff = run_main("scan", "--isolated", "--diff", ".", cwd=named_after_token)
    assert diff.returncode == 1 and f"--- a/{mask(TOKEN)}.py" in diff.stdout
    verbose = run_main("scan", "--isolated", "-v", "--statistics", ".", cwd=named_after_token)
    assert verbose.returncode == 1
    assert_no_token(diff.stdout, diff.stderr, verbose.stdout, verbose.stderr)


def test_report_and_baseline_files(named_after_token: Path) -> None:
    for output_format in ("text", "json", "sarif", "github"):
        report = named_after_token / f"report.{output_format}"
        result = run_main(
            "scan",
            "--isolated",
            "--format",
            output_format,
            "--output",
            str(report),
            ".",
            cwd=named_after_token,
        )
        assert result.returncode == 1
        written = report.read_text(encoding="utf-8")
        assert_no_token(written, result.stdout, result.stderr)
        assert mask(TOKEN) in written
    made = run_main("baseline", "--isolated", "--output", "base.json", ".", cwd=named_after_token)
    assert made.returncode == 0, made.stderr
    stored = (named_after_token / "base.json").read_text(encoding="utf-8")
    assert_no_token(stored, made.stdout, made.stderr)
    assert f"{mask(TOKEN)}.py" in stored
    # The baseline still matches the file it describes: the masked path is what is compared.
    hidden = run_main("scan", "--isolated", "--baseline", "base.json", ".", cwd=named_after_token)
    assert hidden.returncode == 0 and "1 known finding hidden" in hidden.stdout


def test_a_token_given_as_a_path(tmp_path: Path) -> None:
    result = run_main("scan", TOKEN, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"{mask(TOKEN)}: error: no such file or directory"
    assert_no_token(result.stdout, result.stderr)


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_a_token_given_as_a_rule_code(tmp_path: Path, option: str) -> None:
    for value in (TOKEN, f"HFG001,{ORG_TOKEN}"):
        result = run_main("scan", "--isolated", option, value, ".", cwd=tmp_path)
        assert result.returncode == 2
        assert_no_token(result.stdout, result.stderr)
        assert "unknown rule code" in result.stderr and "****" in result.stderr


def test_a_token_as_a_rule_code_in_the_config(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(f'[tool.hf-secret-guard]\nselect = ["{TOKEN}"]\n')
    result = run_main("scan", ".", cwd=tmp_path)
    assert result.returncode == 2 and "unknown rule code" in result.stderr
    assert_no_token(result.stdout, result.stderr)
    assert mask(TOKEN) in result.stderr


def test_a_mistyped_rule_code_is_still_shown_as_typed(tmp_path: Path) -> None:
    result = run_main("scan", "--isolated", "--select", "hfg9", ".", cwd=tmp_path)
    assert result.returncode == 2 and "unknown rule code 'hfg9'" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("scan", "--format", f"foo{TOKEN}"),
        ("scan", f"--bogus-{TOKEN}"),
        ("scan", f"--fix-style={TOKEN}"),
        ("scan", "--max-file-size", TOKEN),
        ("scan", "--secret-name", TOKEN),
        (f"x{TOKEN}",),
    ],
)
def test_click_usage_errors(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run_main(*args, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr
    assert_no_token(result.stdout, result.stderr)
    assert "Traceback" not in result.stderr


def test_history_paths_are_redacted(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / f"{TOKEN}.py").write_text(f'login(token="{TOKEN2}")\n')
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "leak")
    for output_format in ("text", "json"):
        result = run_main("scan", "--history", "--format", output_format, cwd=repo)
        assert result.returncode == 1
        assert_no_token(result.stdout, result.stderr)
        assert mask(TOKEN) + ".py" in result.stdout


def test_history_commit_messages_are_masked(tmp_path: Path, hub: FakeHub) -> None:  # noqa: F811
    """A token only in a commit message: every --history format, --output, --verify and --revoke."""
    repo = init_repo(tmp_path / "repo")
    (repo / "a.py").write_text("x = 1\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", f"Remove {TOKEN}\n\nand {ORG_TOKEN} too")
    hub.behaviour[TOKEN] = "write"
    outputs: list[str] = []
    for output_format in ("text", "json", "sarif", "github"):
        result = run_main("scan", "--history", "--format", output_format, cwd=repo)
        assert result.returncode == (1 if output_format in ("text", "json") else 2)
        outputs += [result.stdout, result.stderr]
    assert mask(TOKEN) in outputs[0] and mask(ORG_TOKEN) in outputs[2]
    report = tmp_path / "history.json"
    written = run_main("scan", "--history", "--format", "json", "--output", str(report), cwd=repo)
    outputs += [written.stdout, written.stderr, report.read_text(encoding="utf-8")]
    assert json.loads(outputs[-1])["tokens"][0]["source"] == "message"
    revoked = run_main("scan", "--history", "--verify", "--revoke", "--yes", cwd=repo)
    assert revoked.returncode == 1 and hub.whoami[TOKEN] == 1 and len(hub.revokes) == 1
    outputs += [revoked.stdout, revoked.stderr]
    assert_no_token(*outputs)


def test_verify_and_revoke_output_is_redacted(named_after_token: Path, hub: FakeHub) -> None:  # noqa: F811
    hub.behaviour[TOKEN2] = "write"
    result = run_main("scan", "--isolated", "--verify", "--revoke", "--yes", ".", cwd=named_after_token)
    assert result.returncode == 1 and hub.whoami[TOKEN2] == 1 and len(hub.revokes) == 1
    assert_no_token(result.stdout, result.stderr)
    assert mask(TOKEN) in result.stderr  # "first seen at <masked>.py:1:..." in the revoke list


# ------------------------------------------------------------------ the stream and the redaction


def test_redact_output_masks_tokens_glued_to_other_text() -> None:
    assert redact_output(f"foo{TOKEN}bar") == f"foo{mask(TOKEN)}bar"
    assert redact_output(f"--bogus-{ORG_TOKEN}") == f"--bogus-{mask(ORG_TOKEN)}"
    placeholder = "hf_" + "x" * 34
    assert redact_output(f"login('{placeholder}')") == f"login('{placeholder}')"
    assert redact_output("No leaks found in 1 file.") == "No leaks found in 1 file."
    assert TOKEN[3:].upper() not in redact_any_case(f"code 'HF_{TOKEN[3:].upper()}'")


def test_the_stream_redacts_what_click_echo_writes() -> None:
    target = io.StringIO()
    stream = RedactingStream(target)
    click.echo(f"path {TOKEN}.py", file=stream)
    click.echo(f"partial {TOKEN2}", file=stream, nl=False)  # no newline: click.echo flushes
    assert target.getvalue() == f"path {mask(TOKEN)}.py\npartial {mask(TOKEN2)}"
    stream.write(TOKEN[:10])
    stream.write(TOKEN[10:] + "\n")  # one line written in two pieces is redacted whole
    assert TOKEN not in target.getvalue()
    with pytest.raises(TypeError):
        stream.write(b"bytes")  # type: ignore[arg-type]
    assert not stream.isatty() and stream.writable()
    stream.close()
    assert not target.closed
