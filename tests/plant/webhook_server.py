"""A real HTTP receiver on loopback for webhook tests (verifies signatures, scripted replies),
and a service "inside the network" that a webhook must never reach."""

from __future__ import annotations

import hashlib
import hmac
import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    secret: str = ""
    replies: list[int] = field(default_factory=list)  # status per request; then 200
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    location: str = ""  # the Location of a 3xx reply


def signature_ok(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(f"sha256={expected.hexdigest()}", header)


@contextmanager
def receiver(secret: str = "", replies: list[int] | None = None) -> Iterator[Receiver]:
    state = Receiver(secret=secret, replies=list(replies or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ts, sig = self.headers["X-Takt-Timestamp"], self.headers["X-Takt-Signature"]
            state.received.append(
                {
                    "body": json.loads(body),
                    "headers": dict(self.headers),
                    "valid": signature_ok(state.secret, ts, body, sig),
                }
            )
            code = state.replies.pop(0) if state.replies else 200
            self.send_response(code)
            if 300 <= code < 400:
                self.send_header("Location", state.location)
            self.end_headers()
            self.wfile.write(b"ok" if code < 300 else b"try again later")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/takt"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Inner:
    port: int = 0
    connections: int = 0


INNER_REPLY = b"HTTP/1.0 200 OK\r\nContent-Length: 17\r\n\r\ninner-secret-data"


@contextmanager
def inner_service(reply: bytes = INNER_REPLY) -> Iterator[Inner]:
    """A TCP service on loopback that counts who connects and answers each with `reply`
    (after their first words, if they speak first: HTTP does, FTP waits for a greeting)."""
    state = Inner()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            state.connections += 1
            self.request.settimeout(0.3)
            with suppress(TimeoutError):
                self.request.recv(4096)
            self.request.sendall(reply)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
