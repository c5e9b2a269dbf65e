"""A real HTTP server on 127.0.0.1 that answers like the Hub, for ``--verify`` and ``--revoke`` tests.

Each token is given a behaviour; the server counts every request per token and keeps every revoke body, so
tests check what the tool actually sent.  Nothing here imports our own code.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

ACCOUNT_EMAIL = "owner-of-the-token@example.com"
SLOW_SECONDS = 3.0


def whoami_answer(role: str, name: str, permissions: tuple[str, ...] = ()) -> dict[str, Any]:
    """A whoami-v2 body shaped like the Hub's, including the account email we must never print."""
    access: dict[str, Any] = {"displayName": name, "role": role}
    if role == "fineGrained":
        access["fineGrained"] = {
            "global": ["discussion.write"],
            "scoped": [{"entity": {"type": "user", "name": "someone"}, "permissions": list(permissions)}],
        }
    return {
        "type": "user",
        "name": "someone",
        "fullname": "Some One",
        "email": ACCOUNT_EMAIL,
        "auth": {"type": "access_token", "accessToken": access},
    }


class FakeHub:
    def __init__(self) -> None:
        self.behaviour: dict[str, str] = {}  # token -> write | read | fine-write | fine-read | 401 | ...
        self.whoami: Counter[str] = Counter()  # token -> requests
        self.other_paths: Counter[str] = Counter()
        self.revokes: list[tuple[dict[str, str], bytes]] = []
        self.revoke_status = 202
        self.lock = threading.Lock()
        self.url = ""

    @property
    def requests(self) -> int:
        return sum(self.whoami.values()) + sum(self.other_paths.values()) + len(self.revokes)


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path != "/api/whoami-v2":
                with hub.lock:
                    hub.other_paths[self.path] += 1
                self._send(404, b'{"error": "not found"}')
                return
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            with hub.lock:
                hub.whoami[token] += 1
            kind = hub.behaviour.get(token, "401")
            if kind in ("write", "read"):
                self._send(200, json.dumps(whoami_answer(kind, f"{kind}-token-name")).encode())
            elif kind == "fine-write":
                body = whoami_answer("fineGrained", "fine-token-name", ("repo.content.read", "repo.write"))
                self._send(200, json.dumps(body).encode())
            elif kind == "fine-read":
                body = whoami_answer("fineGrained", "fine-token-name", ("repo.content.read",))
                self._send(200, json.dumps(body).encode())
            elif kind == "malformed":
                self._send(200, b'{"auth": {"accessToken": ')
            elif kind == "slow":
                time.sleep(SLOW_SECONDS)
                with contextlib.suppress(OSError):  # the client gave up long ago
                    self._send(200, json.dumps(whoami_answer("write", "slow")).encode())
            elif kind == "trickle":  # headers one byte at a time: each read is quick, the answer never ends
                with contextlib.suppress(OSError):
                    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.05)
            elif kind == "hostile-name":  # a display name that would drive a terminal
                body = whoami_answer("write", "ok\x1b]0;pwned\x07\x1b[2J\nFake: line")
                self._send(200, json.dumps(body).encode())
            elif kind == "redirect":
                self.send_response(302)
                self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                status = int(kind)
                self._send(status, json.dumps({"error": f"status {status}"}).encode())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if self.path != "/api/credentials/revoke":
                with hub.lock:
                    hub.other_paths[self.path] += 1
                self._send(404, b"{}")
                return
            with hub.lock:
                hub.revokes.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self._send(hub.revoke_status, b'{"message": "Revocation requested"}')

    return Handler


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A fake Hub on 127.0.0.1 (port chosen by the OS), set as ``HF_ENDPOINT`` for the API and the CLI."""
    fake = FakeHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("HF_ENDPOINT", fake.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


class FakeProviders:
    """One server standing in for every other provider: ``HFSG_<NAME>_ENDPOINT`` points at
    ``{url}/<name>``, so the first path segment says which provider was asked.  Each request is kept
    (provider, method, path, headers, body); ``answers`` maps a key to the status to send back (200 when
    not set), found in whichever header carries it."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str, dict[str, str], bytes]] = []
        self.answers: dict[str, int] = {}
        self.lock = threading.Lock()
        self.url = ""

    def key_in(self, headers: dict[str, str]) -> str:
        """The key a request carried, whatever the header: Bearer, a bare key header, or HTTP Basic."""
        import base64

        for value in headers.values():
            for key in self.answers:
                if key in value:
                    return key
            if value.startswith("Basic "):
                decoded = base64.b64decode(value[6:]).decode()
                return decoded.partition(":")[2]
        return ""


def _providers_handler(fake: FakeProviders) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length) if length else b""
            provider, _, rest = self.path.lstrip("/").partition("/")
            headers = {k.lower(): v for k, v in self.headers.items()}
            with fake.lock:
                fake.requests.append((provider, self.command, "/" + rest, headers, body))
            status = fake.answers.get(fake.key_in(headers), 200)
            payload = b'{"data": {"viewer": {"id": "owner-id"}}, "email": "' + ACCOUNT_EMAIL.encode() + b'"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

    return Handler


@pytest.fixture
def other_providers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProviders]:
    """Every ``HFSG_<NAME>_ENDPOINT`` pointed at one fake server on 127.0.0.1."""
    fake = FakeProviders()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _providers_handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    for name in PROVIDER_NAMES:
        monkeypatch.setenv(f"HFSG_{name.upper()}_ENDPOINT", f"{fake.url}/{name}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


# The providers with a read-only endpoint other than the Hub, spelled out here (this file imports none of
# our code): a provider that gains or loses one changes this list and the test that compares them.
PROVIDER_NAMES = (
    "anthropic",
    "elevenlabs",
    "firecrawl",
    "github",
    "google",
    "groq",
    "langsmith",
    "openai",
    "openrouter",
    "pinecone",
    "replicate",
    "together",
    "wandb",
    "xai",
)
