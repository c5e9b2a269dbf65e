"""``--verify`` and ``--revoke`` against a real HTTP server on 127.0.0.1 (``HF_ENDPOINT``).

The server (tests/hub_server.py) counts what it is asked, so these tests check both what the tool reports
and what it sent: one request per distinct token, nothing for other secrets, no retries after a 429.
"""

from __future__ import annotations

import json
import time

import pytest

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
    got = verify(hub, TOKEN, TOKEN2, T3, timeout=0.3)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0  # one timeout, not one per token, and far less than the server's delay
    assert hub.whoami == {TOKEN: 1}
    result = got[TOKEN]
    assert getattr(result, "status", None) == "unknown"
    assert "no answer within 0.3 s" in getattr(result, "detail", "")


def test_unreachable_endpoint_is_unknown_and_asked_once() -> None:
    # A port nobody listens on: connection refused at once, and the second token is not tried.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    results = verify_tokens([TOKEN, TOKEN2], f"http://127.0.0.1:{port}", 1.0)
    assert results[secret_hash(TOKEN)].status == "unknown"
    assert "cannot reach" in results[secret_hash(TOKEN)].detail
    assert "not asked" in results[secret_hash(TOKEN2)].detail


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
