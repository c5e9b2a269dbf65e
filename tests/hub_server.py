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
