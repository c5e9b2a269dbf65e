"""The only module that talks to the network, and only for ``--verify`` and ``--revoke``.

- Verify: ``GET {endpoint}/api/whoami-v2`` with ``Authorization: Bearer <token>``.  200 means live (we keep
  the token's role and display name, never the account's email), 401 means not live, anything else is
  unknown.  That endpoint is rate-limited, so each distinct token is asked about once per run, with a
  timeout and no retries; after a rate-limit answer (429), a server error or a network failure the
  remaining tokens are not asked at all, rather than hammering a Hub that already said no.
- Revoke: ``POST {endpoint}/api/credentials/revoke`` with ``{"credentials": [...]}``.  Anyone holding a
  token may revoke it; the Hub answers 202 and emails the owner.  Sent without any Authorization header,
  so the user's own login can never be what gets revoked.

Redirects are not followed: urllib would resend the Authorization header to wherever a redirect points.
The endpoint is ``HF_ENDPOINT`` when set, as in huggingface_hub.
"""

from __future__ import annotations

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
from hf_secret_guard.tokens import mask, provider_of, redact, secret_hash
from hf_secret_guard.tokens.redaction import printable

assert HUB_PROVIDER.hub is not None
DEFAULT_ENDPOINT = HUB_PROVIDER.hub.default
DEFAULT_TIMEOUT = 10.0
WHOAMI_PATH = HUB_PROVIDER.hub.whoami
REVOKE_PATH = HUB_PROVIDER.hub.revoke
ENDPOINT_ENV = HUB_PROVIDER.hub.env
REVOKE_BATCH = 1000  # what huggingface_hub's revoke_tokens sends per request
MAX_VERIFIED = 100  # distinct tokens asked about per run: 2,000 planted strings must not be 2,000 requests
_MAX_BODY = 1 << 20
_USER_AGENT = f"hf-secret-guard/{__version__}"


class HubError(Exception):
    """The endpoint cannot be used (not an http(s) URL): a one-line reason."""


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def hub_endpoint(environ: Optional[Mapping[str, str]] = None) -> str:
    """``HF_ENDPOINT`` (as huggingface_hub reads it) or https://huggingface.co, without a trailing slash."""
    env = os.environ if environ is None else environ
    value = (env.get(ENDPOINT_ENV) or "").strip() or DEFAULT_ENDPOINT
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HubError(f"{ENDPOINT_ENV} must be an http:// or https:// URL, not {redact(value)!r}")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:  # a Bearer token would cross in clear
        raise HubError(
            f"{ENDPOINT_ENV} must use https:// (http:// only for localhost), not {redact(value)!r}"
        )
    return value.rstrip("/")


def hub_tokens(secrets: Iterable[str]) -> list[str]:
    """The distinct Hugging Face tokens among ``secrets``, in order; other secrets never go to the Hub."""
    return list(dict.fromkeys(s for s in secrets if provider_of(s) is HUB_PROVIDER))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx becomes an HTTPError: an answer we do not understand


_OPENER = urllib.request.build_opener(_NoRedirect)


def _request(request: urllib.request.Request, timeout: float) -> tuple[Optional[int], bytes, str]:
    """(status, body, problem): status None when no HTTP answer came back, with the reason.

    ``timeout`` bounds the whole request: a socket timeout alone bounds each read, and a server sending
    a byte every half second would hold the run forever.  The request runs in a daemon thread that is
    abandoned (never joined) when the time is up."""
    answer: queue.Queue[tuple[Optional[int], bytes, str]] = queue.Queue(maxsize=1)
    worker = threading.Thread(target=lambda: answer.put(_blocking_request(request, timeout)), daemon=True)
    worker.start()
    try:
        return answer.get(timeout=timeout)
    except queue.Empty:
        return None, b"", f"no answer within {timeout:g} s"


def _blocking_request(request: urllib.request.Request, timeout: float) -> tuple[Optional[int], bytes, str]:
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
        return None, b"", redact(f"cannot reach the Hub ({reason})")
    except (OSError, ValueError) as exc:
        return None, b"", redact(f"cannot reach the Hub ({type(exc).__name__}: {exc})")


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


def verify_tokens(
    secrets: Iterable[str], endpoint: str, timeout: float = DEFAULT_TIMEOUT
) -> dict[str, Verification]:
    """Ask the Hub about each distinct token once.  Keyed by ``tokens.secret_hash``."""
    results: dict[str, Verification] = {}
    stopped = ""
    stopped_status: VerifyStatus = "unknown"
    for number, token in enumerate(hub_tokens(secrets)):
        if number == MAX_VERIFIED and not stopped:
            stopped = f"more than {MAX_VERIFIED} distinct tokens (the most one run asks about)"
        if stopped:
            results[secret_hash(token)] = Verification(stopped_status, f"not asked: {stopped}")
            continue
        request = urllib.request.Request(
            endpoint + WHOAMI_PATH,
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": _USER_AGENT,
                "Accept": "application/json",
            },
            method="GET",
        )
        status, body, problem = _request(request, timeout)
        verification = interpret_whoami(status, body, problem)
        results[secret_hash(token)] = verification
        if _stops_asking(status):
            stopped = f"an earlier request failed ({verification.detail})"
            stopped_status = verification.status
    return results


def revoke_tokens(
    secrets: Iterable[str], endpoint: str, timeout: float = DEFAULT_TIMEOUT
) -> list[Revocation]:
    """Revoke the distinct tokens, in batches; one ``Revocation`` per request, saying what came back."""
    tokens = hub_tokens(secrets)
    url = endpoint + REVOKE_PATH
    done: list[Revocation] = []
    for start in range(0, len(tokens), REVOKE_BATCH):
        batch = tokens[start : start + REVOKE_BATCH]
        request = urllib.request.Request(
            url,
            data=json.dumps({"credentials": batch}).encode("utf-8"),
            headers={"Content-Type": "application/json", "User-Agent": _USER_AGENT},
            method="POST",
        )
        status, body, problem = _request(request, timeout)
        if status is None:
            detail = problem
        else:
            text = printable(redact(body.decode("utf-8", "replace").strip()))
            detail = f"HTTP {status}" + (f": {text[:200]}" if text else "")
        done.append(Revocation(url, tuple(mask(t) for t in batch), status, detail))
    return done
