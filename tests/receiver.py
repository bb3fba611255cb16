"""A real local HTTP server that receives webhook deliveries: it answers each POST with the
next status of a script (then the last one again) and keeps what it received."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[Received] = []
        self.url = ""
        self._lock = threading.Lock()

    def answer(self, request: Received) -> int:
        with self._lock:
            self.received.append(request)
            n = len(self.received) - 1
        return self.statuses[min(n, len(self.statuses) - 1)]


@contextmanager
def receiving(*statuses: int) -> Iterator[Receiver]:
    """A receiver on a free port of 127.0.0.1; ``url`` is its /hook address."""
    receiver = Receiver(list(statuses) or [204])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            request = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(receiver.answer(request))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def signature_ok(secret: str, request: Received) -> bool:
    """Standard Webhooks 1.0 verification, written from the specification, as a receiver
    would: HMAC-SHA256 of "id.timestamp.body" under the base64 key after ``whsec_``."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = (
        f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode()
        + request.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in request.headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, s) for s in offered)
