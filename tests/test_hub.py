"""``--verify`` and ``--revoke`` against a real HTTP server on 127.0.0.1 (``HF_ENDPOINT``).

The server (tests/hub_server.py) counts what it is asked, so these tests check both what the tool reports
and what it sent: one request per distinct token, nothing for other secrets, no retries after a 429.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hf_secret_guard.cli.main import cli
from hf_secret_guard.hub import (
    DEFAULT_ENDPOINT,
    HubError,
    hub_endpoint,
    interpret_whoami,
    revoke_tokens,
    verify_tokens,
)
from hf_secret_guard.tokens import mask, secret_hash
from tests.conftest import ORG_TOKEN, TOKEN, TOKEN2, make_token
from tests.hub_server import ACCOUNT_EMAIL, FakeHub, hub

__all__ = ["hub"]  # the fixture

T3, T4, T5 = make_token(31), make_token(32), make_token(33)


def verify(fake: FakeHub, *tokens: str, timeout: float = 2.0) -> dict[str, object]:
    results = verify_tokens(tokens, hub_endpoint(), timeout)
    return {token: results.get(secret_hash(token)) for token in tokens}


@pytest.mark.parametrize(
    ("behaviour", "status", "role", "can_write"),
    [
        ("write", "live", "write", True),
        ("read", "live", "read", False),
        ("fine-write", "live", "fineGrained", True),
        ("fine-read", "live", "fineGrained", False),
        ("401", "not_live", None, False),
        ("403", "unknown", None, False),
        ("malformed", "unknown", None, False),
        ("redirect", "unknown", None, False),
    ],
)
def test_each_answer(hub: FakeHub, behaviour: str, status: str, role: str | None, can_write: bool) -> None:
    hub.behaviour[TOKEN] = behaviour
    result = verify_tokens([TOKEN], hub_endpoint(), 2.0)[secret_hash(TOKEN)]
    assert (result.status, result.role, result.can_write) == (status, role, can_write)
    assert result.live_write == (status == "live" and can_write)
    if status == "live":
        assert result.token_name is not None and result.token_name.endswith("token-name")
    assert ACCOUNT_EMAIL not in repr(result) and TOKEN not in repr(result)
    assert hub.whoami == {TOKEN: 1}
    assert not hub.other_paths  # the redirect was not followed


def test_each_distinct_token_is_asked_once(hub: FakeHub) -> None:
    hub.behaviour.update({TOKEN: "write", TOKEN2: "read"})
    results = verify_tokens([TOKEN, TOKEN2, TOKEN, TOKEN2, TOKEN], hub_endpoint(), 2.0)
    assert hub.whoami == {TOKEN: 1, TOKEN2: 1}
    assert {h: v.status for h, v in results.items()} == {
        secret_hash(TOKEN): "live",
        secret_hash(TOKEN2): "live",
    }


def test_other_secrets_are_never_sent(hub: FakeHub) -> None:
    results = verify_tokens(["sk-" + "a1B2" * 10, "hf_your_token_here", "hf_" + "x" * 34], hub_endpoint())
    assert results == {}
    assert hub.requests == 0


def test_org_tokens_are_checked_too(hub: FakeHub) -> None:
    verify_tokens([ORG_TOKEN], hub_endpoint(), 2.0)
    assert hub.whoami == {ORG_TOKEN: 1}


def test_rate_limit_stops_the_run_without_retries(hub: FakeHub) -> None:
    hub.behaviour.update({TOKEN: "read", TOKEN2: "429", T3: "write", T4: "write"})
    got = verify(hub, TOKEN, TOKEN2, T3, T4)
    assert hub.whoami == {TOKEN: 1, TOKEN2: 1}  # no retry of TOKEN2, T3 and T4 never asked
    statuses = {token: getattr(v, "status", None) for token, v in got.items()}
    assert statuses == {TOKEN: "live", TOKEN2: "unknown", T3: "unknown", T4: "unknown"}
    assert "429" in getattr(got[TOKEN2], "detail", "")
    assert "not asked" in getattr(got[T3], "detail", "")


def test_server_error_also_stops_asking(hub: FakeHub) -> None:
    hub.behaviour.update({TOKEN: "503", TOKEN2: "write"})
    got = verify(hub, TOKEN, TOKEN2)
    assert hub.whoami == {TOKEN: 1}
    assert getattr(got[TOKEN2], "status", None) == "unknown"


def test_malformed_answer_does_not_stop_the_others(hub: FakeHub) -> None:
    hub.behaviour.update({TOKEN: "malformed", TOKEN2: "write"})
    got = verify(hub, TOKEN, TOKEN2)
    assert hub.whoami == {TOKEN: 1, TOKEN2: 1}
    assert getattr(got[TOKEN2], "status", None) == "live"


def test_slow_answer_times_out_once(hub: FakeHub) -> None:
    hub.behaviour.update({TOKEN: "slow", TOKEN2: "write", T3: "write"})
    started = time.monotonic()
    got = verify(hub, TOKEN, TOKEN2, T3, timeout=0.15)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0  # one timeout, not one per token, and far less than the server's delay
    assert hub.whoami == {TOKEN: 1}
    result = got[TOKEN]
    assert getattr(result, "status", None) == "unreachable"  # no HTTP answer at all (issue 16)
    assert "no answer within 0.15 s" in getattr(result, "detail", "")


def test_the_timeout_bounds_the_whole_request(hub: FakeHub) -> None:
    """A server that sends a byte every 50 ms answers each socket read in time, forever: the timeout is
    for the whole request."""
    hub.behaviour.update({TOKEN: "trickle"})
    started = time.monotonic()
    got = verify(hub, TOKEN, timeout=0.2)
    assert time.monotonic() - started < 3.0  # the server would trickle for 10 s
    assert getattr(got[TOKEN], "status", None) == "unreachable"


def test_a_run_asks_about_a_bounded_number_of_tokens(hub: FakeHub) -> None:
    from hf_secret_guard.hub import MAX_VERIFIED

    tokens = [make_token(1000 + n) for n in range(MAX_VERIFIED + 20)]
    got = verify(hub, *tokens, timeout=2.0)
    assert sum(hub.whoami.values()) == MAX_VERIFIED  # 120 planted strings: 100 requests, not 120
    unasked = [got[t] for t in tokens[MAX_VERIFIED:]]
    assert all("not asked: more than" in getattr(v, "detail", "") for v in unasked)


def test_text_from_the_hub_cannot_drive_the_terminal(hub: FakeHub) -> None:
    hub.behaviour.update({TOKEN: "hostile-name"})
    name = getattr(verify(hub, TOKEN)[TOKEN], "token_name", "")
    assert "\x1b" not in name and "\n" not in name and "\\x1b]0;pwned" in name


def test_a_malformed_status_line_is_an_answer_not_a_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    """http.client raises BadStatusLine (no OSError) holding the server's bytes: it used to kill the
    request's thread with a raw traceback (escape sequences included) and hold the run for the timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def answer() -> None:
        for _ in range(2):
            connection, _ = server.accept()
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 2\x1b]0;pwned\x07\x1b[2J00 OK\r\n\r\n")
            connection.close()

    threading.Thread(target=answer, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.getsockname()[1]}"
    started = time.monotonic()
    got = verify_tokens([TOKEN], endpoint, timeout=5.0)[secret_hash(TOKEN)]
    revoked = revoke_tokens([TOKEN], endpoint, timeout=5.0)[0]
    assert time.monotonic() - started < 4.0
    server.close()
    for detail in (got.detail, revoked.detail):
        assert "BadStatusLine" in detail and "\x1b" not in detail and "\\x1b]0;pwned" in detail
    assert "Traceback" not in capfd.readouterr().err


def test_unreachable_endpoint_is_unreachable_and_asked_once() -> None:
    # A port nobody listens on: connection refused at once, and the second token is not tried.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    results = verify_tokens([TOKEN, TOKEN2], f"http://127.0.0.1:{port}", 1.0)
    assert results[secret_hash(TOKEN)].status == "unreachable"
    assert "cannot reach" in results[secret_hash(TOKEN)].detail
    assert "not asked" in results[secret_hash(TOKEN2)].detail
    assert results[secret_hash(TOKEN2)].status == "unreachable"


def test_revoke_sends_the_tokens_and_reports_the_answer(hub: FakeHub) -> None:
    done = revoke_tokens([TOKEN, "sk-" + "a1B2" * 10, TOKEN2, TOKEN], hub_endpoint(), 2.0)
    assert len(hub.revokes) == 1
    headers, body = hub.revokes[0]
    assert json.loads(body) == {"credentials": [TOKEN, TOKEN2]}
    assert headers["content-type"] == "application/json"
    assert "authorization" not in headers  # never the user's own login
    [revocation] = done
    assert revocation.status == 202 and revocation.accepted
    assert revocation.sent == (mask(TOKEN), mask(TOKEN2))
    assert revocation.url == hub.url + "/api/credentials/revoke"
    assert TOKEN not in repr(revocation) and TOKEN2 not in repr(revocation)


def test_revoke_failure_is_reported(hub: FakeHub) -> None:
    hub.revoke_status = 422
    [revocation] = revoke_tokens([TOKEN], hub_endpoint(), 2.0)
    assert revocation.status == 422 and not revocation.accepted
    assert revocation.detail.startswith("HTTP 422")


def test_endpoint_from_environment() -> None:
    assert hub_endpoint({}) == DEFAULT_ENDPOINT
    assert hub_endpoint({"HF_ENDPOINT": "https://hub.example.org/"}) == "https://hub.example.org"
    for bad in ("file:///etc/passwd", "huggingface.co", "ftp://x"):
        with pytest.raises(HubError, match="HF_ENDPOINT"):
            hub_endpoint({"HF_ENDPOINT": bad})


def test_interpret_answers_without_a_server() -> None:
    assert interpret_whoami(None, b"", "no answer within 1 s").detail == "no answer within 1 s"
    assert interpret_whoami(200, b"[]").status == "unknown"
    assert interpret_whoami(200, b"\xff\xfe").status == "unknown"
    bare = interpret_whoami(200, b'{"name": "x"}')  # an accepted token without details: live, role unknown
    assert (bare.status, bare.role, bare.can_write) == ("live", None, False)


# --- through the command line -------------------------------------------------------------------------

READ, WRITE, DEAD = TOKEN, TOKEN2, T3
OPENAI = "sk-" + "a1B2" * 10


@pytest.fixture
def leaky(tmp_path: Path, hub: FakeHub) -> Path:
    """Three Hugging Face tokens (read, write, revoked) and an OpenAI key; READ appears twice."""
    hub.behaviour.update({READ: "read", WRITE: "write", DEAD: "401"})
    (tmp_path / "a.py").write_text(f'login(token="{READ}")\n')
    (tmp_path / "b.py").write_text(f'import os\nos.environ["HF_TOKEN"] = "{WRITE}"\n')
    (tmp_path / "c.py").write_text(f'OLD = "{DEAD}"\nAGAIN = "{READ}"\n')
    (tmp_path / "d.py").write_text(f'import os\nos.environ["OPENAI_API_KEY"] = "{OPENAI}"\n')
    return tmp_path


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["scan", *args], input=input)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in (READ, WRITE, DEAD, OPENAI):
            assert secret not in text
        assert ACCOUNT_EMAIL not in text


def test_cli_verify_puts_live_write_tokens_first(leaky: Path, hub: FakeHub) -> None:
    result = invoke("--verify", str(leaky))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(str(leaky / "b.py")) and '[LIVE write token "write-token-name"]' in lines[0]
    assert '[LIVE read token "read-token-name"]' in lines[1]
    assert "[not live (revoked or invalid)]" in result.stdout
    assert "Checked 3 distinct tokens" in result.stdout and ": 2 live." in result.stdout
    assert hub.whoami == {READ: 1, WRITE: 1, DEAD: 1}  # READ is in two files: asked once
    assert_no_secret(result.output)


def test_cli_verify_json_and_sarif(leaky: Path, hub: FakeHub) -> None:
    report = json.loads(invoke("--verify", "--format", "json", str(leaky)).stdout)
    verified = [(Path(f["path"]).name, f["verified"] and f["verified"]["status"]) for f in report["findings"]]
    assert verified[0] == ("b.py", "live")
    assert report["findings"][0]["verified"]["role"] == "write"
    assert report["findings"][0]["verified"]["can_write"] is True
    assert ("d.py", None) in verified  # the OpenAI key is never sent to the Hub
    assert ("c.py", "not_live") in verified
    sarif = json.loads(invoke("--verify", "--format", "sarif", str(leaky)).stdout)
    results = sarif["runs"][0]["results"]
    assert results[0]["properties"]["verified"]["status"] == "live"
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("b.py")
    levels = {r["properties"].get("verified", {}).get("status"): r["level"] for r in results}
    assert levels == {"live": "error", "not_live": "warning", None: "error"}
    github = invoke("--verify", "--format", "github", str(leaky)).stdout
    assert github.splitlines()[0].startswith("::error file=") and "b.py" in github.splitlines()[0]
    assert hub.whoami == {READ: 3, WRITE: 3, DEAD: 3}  # three runs, once per token each
    assert_no_secret(json.dumps(report), json.dumps(sarif), github)


def test_cli_never_touches_the_network_without_the_flags(leaky: Path, hub: FakeHub) -> None:
    for args in ([], ["--format", "json"], ["--format", "sarif"], ["--format", "github"]):
        assert invoke(*args, str(leaky)).exit_code == 1
    assert hub.requests == 0


def test_cli_revoke_after_confirmation(leaky: Path, hub: FakeHub) -> None:
    result = invoke("--revoke", "--format", "json", str(leaky), input="y\n")
    assert result.exit_code == 1, result.output
    [(headers, body)] = hub.revokes
    assert json.loads(body) == {"credentials": [READ, WRITE, DEAD]}
    assert "authorization" not in headers
    json.loads(result.stdout)  # the report on stdout stays valid JSON
    assert f"About to revoke 3 tokens with POST {hub.url}/api/credentials/revoke" in result.stderr
    for token in (READ, WRITE, DEAD):
        assert mask(token) in result.stderr
    assert f'"credentials": ["{mask(READ)}", "{mask(WRITE)}", "{mask(DEAD)}"]' in result.stderr
    assert "Answer: HTTP 202" in result.stderr
    assert hub.whoami == {}  # --revoke alone does not verify
    assert_no_secret(result.output)


def test_cli_revoke_declined_sends_nothing(leaky: Path, hub: FakeHub) -> None:
    result = invoke("--revoke", str(leaky), input="n\n")
    assert result.exit_code == 1 and "Nothing revoked." in result.stderr
    assert hub.revokes == []


def test_cli_revoke_without_an_answer_refuses(leaky: Path, hub: FakeHub) -> None:
    result = invoke("--revoke", str(leaky))  # stdin is empty: EOF
    assert result.exit_code == 2 and "nothing revoked" in result.stderr and "--yes" in result.stderr
    assert hub.revokes == []


@pytest.mark.e2e
def test_cli_revoke_from_a_real_process_without_stdin(leaky: Path, hub: FakeHub) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hf_secret_guard", "scan", "--revoke", str(leaky)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "nothing revoked" in done.stderr
    assert hub.revokes == []
    assert_no_secret(done.stdout, done.stderr)


def test_cli_revoke_yes_and_verified_dead_tokens_are_skipped(leaky: Path, hub: FakeHub) -> None:
    result = invoke("--verify", "--revoke", "--yes", str(leaky))
    assert result.exit_code == 1, result.output
    [(_, body)] = hub.revokes
    assert json.loads(body) == {"credentials": [WRITE, READ]}  # live write first; the dead one left alone
    assert "1 the Hub already rejects is left alone" in result.stderr
    assert "Revoke these" not in result.output  # --yes: no question


def test_cli_revoke_failure_exits_2(leaky: Path, hub: FakeHub) -> None:
    hub.revoke_status = 422
    result = invoke("--revoke", "--yes", str(leaky))
    assert result.exit_code == 2 and "Answer: HTTP 422" in result.stderr
    assert "did not accept" in result.stderr


def test_cli_revoke_refused_in_pre_commit(leaky: Path, hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRE_COMMIT", "1")
    result = invoke("--revoke", "--yes", str(leaky))
    assert result.exit_code == 2 and "pre-commit" in result.stderr
    assert hub.requests == 0


def test_cli_bad_endpoint_is_a_usage_error(leaky: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "file:///etc/passwd")
    result = invoke("--verify", str(leaky))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "HF_ENDPOINT" in result.stderr
