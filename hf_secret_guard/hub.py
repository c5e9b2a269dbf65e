"""The only module that talks to the network, and only for ``--verify`` and ``--revoke``.

- Verify: each key whose own shape names its provider goes to that provider's documented read-only
  endpoint (``Provider.hub``), never elsewhere.  The Hub: ``GET {endpoint}/api/whoami-v2`` with
  ``Authorization: Bearer <token>``; 200 means live (we keep the token's role and display name, never the
  account's email), 401 means not live, anything else is unknown.  Other providers: 200 live, the
  endpoint's ``dead`` answers not live, anything else unknown; nothing of their answer is kept.  Each
  distinct key is asked about once per run, at most ``MAX_VERIFIED`` keys per run, with a timeout and no
  retries; after a rate-limit answer (429), a server error or a network failure that provider is not asked
  again in the run, rather than hammering a server that already said no.  Keys with no endpoint (a
  provider that documents none, a value found only by where it is written) are not sent anywhere.
- Revoke: ``POST {endpoint}/api/credentials/revoke`` with ``{"credentials": [...]}``, and GitHub's
  ``POST /credentials/revoke`` for the personal access tokens it documents.  Anyone holding a key may
  revoke it; the provider answers 202 and tells the owner.  Sent without any Authorization header, so the
  user's own login can never be what gets revoked.

Redirects are not followed: urllib would resend the key to wherever a redirect points.  Only https is
used, except for localhost.  The Hub's endpoint is ``HF_ENDPOINT`` when set, as in huggingface_hub; another
provider's is ``HFSG_<NAME>_ENDPOINT`` (``HFSG_OPENAI_ENDPOINT``), for tests and proxies.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import queue
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any, Optional
from urllib.parse import urlsplit

from hf_secret_guard._version import __version__
from hf_secret_guard.model import Revocation, Verification, VerifyStatus
from hf_secret_guard.providers import DEFAULT as HUB_PROVIDER
from hf_secret_guard.providers import PROVIDERS, Provider
from hf_secret_guard.tokens import mask, provider_of, redact, secret_hash
from hf_secret_guard.tokens.redaction import printable

assert HUB_PROVIDER.hub is not None
DEFAULT_ENDPOINT = HUB_PROVIDER.hub.default
DEFAULT_TIMEOUT = 10.0
WHOAMI_PATH = HUB_PROVIDER.hub.whoami
REVOKE_PATH = HUB_PROVIDER.hub.revoke
ENDPOINT_ENV = HUB_PROVIDER.hub.env
REVOKE_BATCH = 1000  # what huggingface_hub's revoke_tokens sends per request
MAX_VERIFIED = 100  # distinct keys asked about per run: 2,000 planted strings must not be 2,000 requests
_MAX_BODY = 1 << 20
_USER_AGENT = f"hf-secret-guard/{__version__}"


class HubError(Exception):
    """The endpoint cannot be used (not an http(s) URL): a one-line reason."""


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def provider_endpoint(provider: Provider, environ: Optional[Mapping[str, str]] = None) -> str:
    """Where ``provider``'s keys may go: its ``env`` variable when set, else its own host; without a trailing
    slash.  http:// only for localhost, so a key never crosses the network in clear."""
    if provider.hub is None:
        raise HubError(f"{provider.title} has no endpoint")
    env = os.environ if environ is None else environ
    name = provider.hub.env
    value = (env.get(name) or "").strip() or provider.hub.default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HubError(f"{name} must be an http:// or https:// URL, not {redact(value)!r}")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:  # a key would cross in clear
        raise HubError(f"{name} must use https:// (http:// only for localhost), not {redact(value)!r}")
    return value.rstrip("/")


def hub_endpoint(environ: Optional[Mapping[str, str]] = None) -> str:
    """``HF_ENDPOINT`` (as huggingface_hub reads it) or https://huggingface.co, without a trailing slash."""
    return provider_endpoint(HUB_PROVIDER, environ)


def check_endpoints(environ: Optional[Mapping[str, str]] = None) -> None:
    """Raise ``HubError`` for the first endpoint variable that is set to something unusable."""
    for provider in PROVIDERS:
        if provider.hub is not None:
            provider_endpoint(provider, environ)


def hub_tokens(secrets: Iterable[str]) -> list[str]:
    """The distinct Hugging Face tokens among ``secrets``, in order; other secrets never go to the Hub."""
    return list(dict.fromkeys(s for s in secrets if provider_of(s) is HUB_PROVIDER))


def verify_target(secret: str) -> tuple[Optional[Provider], str]:
    """The provider ``--verify`` may ask about ``secret``, or None and why it is not checked."""
    provider = provider_of(secret)
    if provider is None:
        return None, "its value does not say whose key it is"
    name = provider.title
    if provider.hub is None:
        return None, f"{name} documents no read-only check"
    if secret.startswith(provider.hub.not_verified):
        return None, f"{name}'s read-only check is not for this kind of key"
    return provider, ""


def revoke_target(secret: str) -> Optional[Provider]:
    """The provider that takes revocation reports for ``secret`` from anyone, or None."""
    provider = provider_of(secret)
    if provider is None or provider.hub is None or not provider.hub.revoke:
        return None
    prefixes = provider.hub.revoke_prefixes
    return provider if not prefixes or secret.startswith(prefixes) else None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx becomes an HTTPError: an answer we do not understand


_OPENER = urllib.request.build_opener(_NoRedirect)


def _request(
    request: urllib.request.Request, timeout: float, who: str = "the Hub"
) -> tuple[Optional[int], bytes, str]:
    """(status, body, problem): status None when no HTTP answer came back, with the reason.

    ``timeout`` bounds the whole request: a socket timeout alone bounds each read, and a server sending
    a byte every half second would hold the run forever.  The request runs in a daemon thread that is
    abandoned (never joined) when the time is up."""
    answer: queue.Queue[tuple[Optional[int], bytes, str]] = queue.Queue(maxsize=1)
    worker = threading.Thread(target=lambda: answer.put(_guarded_request(request, timeout, who)), daemon=True)
    worker.start()
    try:
        return answer.get(timeout=timeout)
    except queue.Empty:
        return None, b"", f"no answer within {timeout:g} s"


def _guarded_request(
    request: urllib.request.Request, timeout: float, who: str
) -> tuple[Optional[int], bytes, str]:
    """``_blocking_request`` that always answers: an exception in the thread would print a traceback
    holding the server's bytes, and the run would wait out the whole timeout."""
    try:
        return _blocking_request(request, timeout, who)
    except Exception as exc:  # whatever a hostile server provokes ends this request only
        return None, b"", f"cannot reach {who} ({type(exc).__name__})"


def _blocking_request(
    request: urllib.request.Request, timeout: float, who: str
) -> tuple[Optional[int], bytes, str]:
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return int(response.status), response.read(_MAX_BODY), ""
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(_MAX_BODY)
        except (OSError, ValueError):
            body = b""
        return exc.code, body, ""
    except TimeoutError:
        return None, b"", f"no answer within {timeout:g} s"
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return None, b"", f"no answer within {timeout:g} s"
        return None, b"", printable(redact(f"cannot reach {who} ({reason})"))
    except (OSError, ValueError, http.client.HTTPException) as exc:  # a malformed answer names its bytes
        return None, b"", printable(redact(f"cannot reach {who} ({type(exc).__name__}: {exc})"))


def _can_write(access: Mapping[str, Any]) -> bool:
    """A write token, or a fine-grained one allowed to write to repositories (globally or scoped)."""
    role = access.get("role")
    if role == "write":
        return True
    if role != "fineGrained":
        return False
    grained = access.get("fineGrained")
    if not isinstance(grained, Mapping):
        return False
    permissions: list[object] = []
    if isinstance(grained.get("global"), list):
        permissions.extend(grained["global"])
    for scope in grained.get("scoped") or ():
        if isinstance(scope, Mapping) and isinstance(scope.get("permissions"), list):
            permissions.extend(scope["permissions"])
    return any(isinstance(p, str) and p.startswith("repo.") and p.endswith("write") for p in permissions)


def interpret_whoami(status: Optional[int], body: bytes, problem: str = "") -> Verification:
    """What one whoami-v2 answer means.  Pure: the tests feed it every kind of answer."""
    if status is None:
        return Verification("unreachable", problem or "no answer")
    if status == 401:
        return Verification("not_live", "HTTP 401: the Hub does not accept this token")
    if status == 429:
        return Verification("unknown", "HTTP 429: rate limited by the Hub")
    if status != 200:
        return Verification("unknown", f"HTTP {status}")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Verification("unknown", "HTTP 200 with an answer that is not JSON")
    if not isinstance(payload, dict):
        return Verification("unknown", "HTTP 200 with an unexpected answer")
    auth = payload.get("auth")
    access = auth.get("accessToken") if isinstance(auth, dict) else None
    if not isinstance(access, dict):
        return Verification("live", "HTTP 200 (no token details in the answer)")
    role = access.get("role")
    name = access.get("displayName")
    return Verification(
        "live",
        "HTTP 200",
        role=_hub_text(role),
        token_name=_hub_text(name),
        can_write=_can_write(access),
    )


def _hub_text(value: object) -> Optional[str]:
    """A string from the Hub's answer as it may be printed: no token, no control character, not long."""
    if not isinstance(value, str):
        return None
    text = printable(redact(value))
    return text if len(text) <= 100 else text[:97] + "..."


def _stops_asking(status: Optional[int]) -> bool:
    """After these answers the Hub (or the network) is not answering: asking again would be a storm."""
    return status is None or status == 429 or status >= 500


def interpret_answer(provider: Provider, status: Optional[int], problem: str = "") -> Verification:
    """What one answer of a provider other than the Hub means; its body is never kept."""
    assert provider.hub is not None
    name = provider.title
    if status is None:
        return Verification("unreachable", problem or "no answer")
    if status == 200:
        return Verification("live", "HTTP 200")
    if status in provider.hub.dead:
        return Verification("not_live", f"HTTP {status}: {name} does not accept this key")
    if status == 429:
        return Verification("unknown", f"HTTP 429: rate limited by {name}")
    return Verification("unknown", f"HTTP {status}")


def _verify_request(provider: Provider, secret: str, url: str) -> urllib.request.Request:
    hub = provider.hub
    assert hub is not None
    scheme = hub.auth_scheme
    if scheme.startswith("Basic "):  # "Basic api:": the key is the password of user "api"
        credential = base64.b64encode((scheme[len("Basic ") :] + secret).encode()).decode("ascii")
        value = f"Basic {credential}"
    else:
        value = scheme + secret
    headers = {hub.auth_header: value, "User-Agent": _USER_AGENT, "Accept": "application/json"}
    headers.update(hub.headers)
    data = None
    if hub.body:
        data = hub.body.encode("utf-8")
        headers["Content-Type"] = "application/json"
    return urllib.request.Request(url, data=data, headers=headers, method=hub.method)


def verify_tokens(
    secrets: Iterable[str],
    endpoint: Optional[str] = None,
    timeout: float = DEFAULT_TIMEOUT,
    environ: Optional[Mapping[str, str]] = None,
) -> dict[str, Verification]:
    """Ask each key's own provider about it, once per distinct key.  Keyed by ``tokens.secret_hash``.

    ``endpoint`` is the Hub's (``hub_endpoint()`` when None); the others come from ``environ``.  Keys with
    no endpoint get no entry: see ``verify_target``."""
    results: dict[str, Verification] = {}
    stopped: dict[str, tuple[str, VerifyStatus]] = {}  # provider name -> why it is not asked again
    asked = 0
    for secret in dict.fromkeys(secrets):
        provider, _ = verify_target(secret)
        if provider is None or provider.hub is None:
            continue
        base = endpoint if provider is HUB_PROVIDER and endpoint else provider_endpoint(provider, environ)
        url = base + provider.hub.whoami
        who = "the Hub" if provider is HUB_PROVIDER else provider.title
        if asked == MAX_VERIFIED:
            why = f"more than {MAX_VERIFIED} distinct tokens (the most one run asks about)"
            stopped = {p.name: stopped.get(p.name, (why, "unknown")) for p in PROVIDERS}
        if provider.name in stopped:
            why, status_then = stopped[provider.name]
            results[secret_hash(secret)] = Verification(
                status_then, f"not asked: {why}", provider=provider.name, url=url
            )
            continue
        asked += 1
        status, body, problem = _request(_verify_request(provider, secret, url), timeout, who)
        if provider is HUB_PROVIDER:
            verification = interpret_whoami(status, body, problem)
        else:
            verification = interpret_answer(provider, status, problem)
        results[secret_hash(secret)] = verification._replace(provider=provider.name, url=url)
        if _stops_asking(status):
            stopped[provider.name] = (
                f"an earlier request failed ({verification.detail})",
                verification.status,
            )
    return results


def revoke_tokens(
    secrets: Iterable[str],
    endpoint: Optional[str] = None,
    timeout: float = DEFAULT_TIMEOUT,
    environ: Optional[Mapping[str, str]] = None,
) -> list[Revocation]:
    """Revoke the distinct keys each provider takes reports for, in batches; one ``Revocation`` per
    request, saying what came back.  ``endpoint`` is the Hub's (``hub_endpoint()`` when None)."""
    by_provider: dict[str, list[str]] = {}
    providers: dict[str, Provider] = {}
    for secret in dict.fromkeys(secrets):
        provider = revoke_target(secret)
        if provider is not None:
            by_provider.setdefault(provider.name, []).append(secret)
            providers[provider.name] = provider
    done: list[Revocation] = []
    for name, tokens in sorted(by_provider.items(), key=lambda item: item[0] != HUB_PROVIDER.name):
        provider = providers[name]
        assert provider.hub is not None
        base = endpoint if provider is HUB_PROVIDER and endpoint else provider_endpoint(provider, environ)
        url = base + provider.hub.revoke
        who = "the Hub" if provider is HUB_PROVIDER else provider.title
        headers = {"Content-Type": "application/json", "User-Agent": _USER_AGENT}
        headers.update(provider.hub.headers)
        for start in range(0, len(tokens), REVOKE_BATCH):
            batch = tokens[start : start + REVOKE_BATCH]
            request = urllib.request.Request(
                url, data=json.dumps({"credentials": batch}).encode("utf-8"), headers=headers, method="POST"
            )
            status, body, problem = _request(request, timeout, who)
            if status is None:
                detail = problem
            else:
                text = printable(redact(body.decode("utf-8", "replace").strip()))
                detail = f"HTTP {status}" + (f": {text[:200]}" if text else "")
            done.append(Revocation(url, tuple(mask(t) for t in batch), status, detail))
    return done
