"""``--verify`` for every provider with a documented read-only endpoint, and GitHub's ``--revoke``, against
a real HTTP server on 127.0.0.1 (``HFSG_<NAME>_ENDPOINT``).  The server keeps every request, so the tests
check where each key went, in which header, and that keys without an endpoint went nowhere."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hf_secret_guard.cli.main import cli
from hf_secret_guard.hub import MAX_VERIFIED, HubError, check_endpoints, revoke_tokens, verify_tokens
from hf_secret_guard.providers import PROVIDERS
from hf_secret_guard.providers.spec import Provider
from hf_secret_guard.tokens import mask, provider_of, secret_hash
from tests.conftest import TOKEN, make_key
from tests.hub_server import ACCOUNT_EMAIL, PROVIDER_NAMES, FakeHub, FakeProviders, hub, other_providers

__all__ = ["hub", "other_providers"]  # the fixtures

WITH_ENDPOINT = [p for p in PROVIDERS if p.hub is not None and p.name != "huggingface"]


def checked_key(provider: Provider, seed: int) -> str:
    """A key of ``provider`` its endpoint answers for (not an admin key, not a refresh token)."""
    assert provider.hub is not None
    for n in range(seed * 1000, seed * 1000 + 50):
        for fmt in provider.formats:
            key = make_key(fmt, n)
            if fmt.anywhere and not key.startswith(provider.hub.not_verified):
                return key
    raise AssertionError(provider.name)


def test_every_endpoint_is_https_and_named_alike() -> None:
    assert sorted(p.name for p in WITH_ENDPOINT) == sorted(PROVIDER_NAMES)
    for provider in WITH_ENDPOINT:
        assert provider.hub is not None
        assert provider.hub.env == f"HFSG_{provider.name.upper()}_ENDPOINT"
        assert provider.hub.default.startswith("https://") and provider.hub.whoami.startswith("/")


@pytest.mark.parametrize("provider", WITH_ENDPOINT, ids=lambda p: p.name)
def test_a_key_is_asked_about_at_its_own_endpoint(other_providers: FakeProviders, provider: Provider) -> None:
    assert provider.hub is not None
    key = checked_key(provider, 1)
    result = verify_tokens([key, key], timeout=2.0)[secret_hash(key)]
    [(name, method, path, headers, body)] = other_providers.requests  # asked once
    assert (name, method, path) == (provider.name, provider.hub.method, provider.hub.whoami)
    carried = headers[provider.hub.auth_header.lower()]
    if provider.hub.auth_scheme.startswith("Basic "):
        assert other_providers.key_in(headers) == key and key not in carried
    else:
        assert carried == provider.hub.auth_scheme + key
    for header, value in provider.hub.headers:
        assert headers[header.lower()] == value
    assert body == provider.hub.body.encode()
    assert (result.status, result.detail, result.provider) == ("live", "HTTP 200", provider.name)
    assert ACCOUNT_EMAIL not in repr(result) and key not in repr(result)
    other_providers.answers[key] = provider.hub.dead[0]
    dead = verify_tokens([key], timeout=2.0)[secret_hash(key)]
    assert dead.status == "not_live" and (provider.display or provider.name) in dead.detail


def test_no_key_reaches_another_providers_host(other_providers: FakeProviders, hub: FakeHub) -> None:
    keys = [make_key(fmt, 2) for provider in PROVIDERS for fmt in provider.formats]
    results = verify_tokens(keys, timeout=2.0)
    for name, _, _, headers, _ in other_providers.requests:
        carried = [k for k in keys if k in json.dumps(headers)] or [other_providers.key_in(headers)]
        owner = provider_of(carried[0])
        assert owner is not None and owner.name == name
    asked = {provider_of(k) for k in keys if secret_hash(k) in results}
    assert all(p is not None and p.hub is not None for p in asked)
    tavily = next(make_key(fmt, 2) for p in PROVIDERS if p.name == "tavily" for fmt in p.formats)
    assert secret_hash(tavily) not in results and tavily not in json.dumps(
        other_providers.requests, default=str
    )
    assert len(hub.whoami) == 2  # the two Hugging Face formats, at the Hub only


def test_a_rate_limit_stops_only_that_provider(other_providers: FakeProviders) -> None:
    openai = next(p for p in PROVIDERS if p.name == "openai")
    groq = next(p for p in PROVIDERS if p.name == "groq")
    first, second = checked_key(openai, 3), checked_key(openai, 4)
    other = checked_key(groq, 3)
    other_providers.answers[first] = 429
    results = verify_tokens([first, second, other], timeout=2.0)
    assert [r[0] for r in other_providers.requests] == ["openai", "groq"]
    assert "rate limited by OpenAI" in results[secret_hash(first)].detail
    assert results[secret_hash(second)].detail.startswith("not asked: an earlier request failed")
    assert results[secret_hash(other)].status == "live"


def test_the_cap_counts_every_provider(other_providers: FakeProviders) -> None:
    keys = [checked_key(WITH_ENDPOINT[n % len(WITH_ENDPOINT)], 100 + n) for n in range(MAX_VERIFIED + 10)]
    results = verify_tokens(keys, timeout=2.0)
    assert len(other_providers.requests) == MAX_VERIFIED
    assert sum("not asked: more than" in v.detail for v in results.values()) == 10


def test_an_endpoint_in_clear_or_not_a_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for bad in ("http://api.example.org", "api.openai.com", "file:///etc/passwd"):
        with pytest.raises(HubError, match="HFSG_OPENAI_ENDPOINT"):
            check_endpoints({"HFSG_OPENAI_ENDPOINT": bad})
    check_endpoints({"HFSG_OPENAI_ENDPOINT": "http://localhost:8080/v"})
    monkeypatch.setenv("HFSG_GROQ_ENDPOINT", "http://api.example.org")
    result = CliRunner().invoke(cli, ["scan", "--verify", "."])
    assert result.exit_code == 2 and "HFSG_GROQ_ENDPOINT must use https://" in result.stderr


def _random_value(seed: int, length: int) -> str:
    rng = random.Random(f"slot-{seed}")
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["scan", *args])


def test_cli_checks_what_it_can_and_lists_the_rest(
    tmp_path: Path, other_providers: FakeProviders, hub: FakeHub
) -> None:
    by_name = {p.name: p for p in PROVIDERS}
    openai = checked_key(by_name["openai"], 5)
    tavily = make_key(by_name["tavily"].formats[0], 5)
    mistral = _random_value(5, 32)
    (tmp_path / "a.py").write_text(
        f'import os\nclient = OpenAI(api_key="{openai}")\nsearch = "{tavily}"\n'
        f'os.environ["MISTRAL_API_KEY"] = "{mistral}"\nos.environ["HF_TOKEN"] = "hf_..."\n'
    )
    other_providers.answers[openai] = 401
    result = invoke("--verify", str(tmp_path))
    assert result.exit_code == 1, result.output
    out = result.stdout
    url = f"{other_providers.url}/openai/v1/models"
    assert f"Checked 1 distinct key with {url} (at most one request each): 0 live." in out
    assert f"  {mask(openai)}  not live (revoked or invalid)" in out
    assert "Not checked: 2 distinct secrets (sent nowhere):" in out
    assert f"  {mask(tavily)}  not checked (Tavily documents no read-only check)" in out
    assert f"  {mask(mistral)}  not checked (its value does not say whose key it is)" in out
    assert "hf_..." not in out.split("Not checked")[1]  # a placeholder is no key
    assert [r[0] for r in other_providers.requests] == ["openai"] and hub.requests == 0
    for secret in (openai, tavily, mistral):
        assert secret not in result.output
    report = json.loads(invoke("--verify", "--format", "json", str(tmp_path)).stdout)
    verified = {f["secret"]: f["verified"] and f["verified"]["status"] for f in report["findings"]}
    assert verified[mask(openai)] == "not_live" and verified[mask(tavily)] is None


def test_cli_without_verify_sends_nothing(tmp_path: Path, other_providers: FakeProviders) -> None:
    key = checked_key(next(p for p in PROVIDERS if p.name == "openai"), 6)
    (tmp_path / "a.py").write_text(f'client = OpenAI(api_key="{key}")\n')
    assert invoke(str(tmp_path)).exit_code == 1
    assert "Not checked" not in invoke(str(tmp_path)).stdout
    assert other_providers.requests == []


# --- GitHub's revocation endpoint -------------------------------------------------------------------

GITHUB = next(p for p in PROVIDERS if p.name == "github")
GHP, OAUTH, PAT = (
    make_key(next(f for f in GITHUB.formats if f.prefix == p), 7) for p in ("ghp_", "gho_", "github_pat_")
)


def test_github_tokens_are_revoked_at_github_without_a_login(
    other_providers: FakeProviders, hub: FakeHub
) -> None:
    other_providers.answers.update({GHP: 202, PAT: 202})
    done = revoke_tokens([GHP, OAUTH, TOKEN, PAT, GHP], timeout=2.0)
    [(name, method, path, headers, body)] = other_providers.requests
    assert (name, method, path) == ("github", "POST", "/credentials/revoke")
    assert json.loads(body) == {"credentials": [GHP, PAT]}  # gho_ is not a type the endpoint documents
    assert "authorization" not in headers  # an authenticated request gets 403, and revokes nothing of ours
    assert headers["accept"] == "application/vnd.github+json"
    assert [json.loads(b) for _, b in hub.revokes] == [{"credentials": [TOKEN]}]
    assert [r.sent for r in done] == [(mask(TOKEN),), (mask(GHP), mask(PAT))]
    assert all(r.accepted for r in done) and GHP not in repr(done)


def test_cli_revoke_names_both_endpoints(
    tmp_path: Path, other_providers: FakeProviders, hub: FakeHub
) -> None:
    other_providers.answers.update({GHP: 202})
    (tmp_path / "a.py").write_text(f'token = "{TOKEN}"\ng = Github("{GHP}")\nclient = OpenAI(api_key="x")\n')
    result = invoke("--revoke", "--yes", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert (
        f"About to revoke 2 tokens with POST {hub.url}/api/credentials/revoke and "
        f"POST {other_providers.url}/github/credentials/revoke." in result.stderr
    )
    assert (
        f'"credentials": ["{mask(GHP)}"]' in result.stderr
        and "the provider tells each owner" in result.stderr
    )
    assert GHP not in result.output and TOKEN not in result.output
