"""Revocation end to end: ``credstack verify`` reads a status list from a real HTTP server.

The list is served on 127.0.0.1 by ``http.server`` in a thread, so the command needs
``--allow-private-network``; without it the fetcher refuses the address and the status check
fails closed. Revoking is re-publishing the list with the credential's bit set.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from credstack.issue import build_credential
from credstack.proofs.data_integrity import add_proof
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.keys import generate_key
from credstack.status import (
    MIN_LENGTH,
    Bitstring,
    allocate,
    status_list_credential,
    status_list_entry,
)
from tests.conftest import REPO

KEY = generate_key("ed25519")
METHOD = verification_method_id(KEY.public_key)
ISSUER = METHOD.split("#", 1)[0]
START = datetime(2026, 1, 1, tzinfo=UTC)


class StatusServer(ThreadingHTTPServer):
    """Serves one JSON document per path, replaceable while it runs."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.documents: dict[str, bytes] = {}
        self.hits: list[str] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: StatusServer

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        body = self.server.documents.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/vc+ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep the test output quiet


@pytest.fixture
def server() -> Iterator[StatusServer]:
    running = StatusServer()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)


def publish(server: StatusServer, path: str, revoked: set[int]) -> None:
    listed = status_list_credential(
        server.url(path),
        issuer=ISSUER,
        purpose="revocation",
        bitstring=Bitstring.generate(MIN_LENGTH, revoked),
        valid_from=START,
    )
    signed = add_proof(listed, KEY, cryptosuite="eddsa-rdfc-2022", verification_method=METHOD)
    server.documents[path] = json.dumps(signed).encode()


def revocable_credential(tmp_path: Path, list_url: str, index: int) -> Path:
    achievement = json.loads((REPO / "examples" / "achievement.json").read_text())
    credential = build_credential(
        achievement,
        issuer={"id": ISSUER, "type": ["Profile"], "name": "Example Academy"},
        recipient="did:example:learner",
        valid_from=START,
    )
    credential["credentialStatus"] = status_list_entry(list_url, index)
    signed = add_proof(credential, KEY, cryptosuite="eddsa-rdfc-2022", verification_method=METHOD)
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed))
    return path


def credstack_verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credstack", "verify", "--json", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def status_of(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    report = json.loads(result.stdout)
    return [(c["outcome"], c["code"]) for c in report["checks"] if c["name"] == "status"]


def test_revoking_is_flipping_the_bit(server: StatusServer, tmp_path: Path) -> None:
    index = allocate(set(), MIN_LENGTH)
    publish(server, "/status/1", revoked={index ^ 1})  # a neighbour is revoked, not this one
    badge = revocable_credential(tmp_path, server.url("/status/1"), index)

    good = credstack_verify("--allow-private-network", str(badge))
    assert good.returncode == 0, good.stdout + good.stderr
    assert status_of(good) == [("passed", "ok")]
    assert server.hits == ["/status/1"]

    publish(server, "/status/1", revoked={index ^ 1, index})
    revoked = credstack_verify("--allow-private-network", str(badge))
    assert revoked.returncode == 1, revoked.stdout + revoked.stderr
    assert status_of(revoked) == [("failed", "revoked")]

    text = subprocess.run(
        [sys.executable, "-m", "credstack", "verify", "--allow-private-network", str(badge)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert text.returncode == 1
    assert "INVALID" in text.stdout
    assert "revoked: The issuer revoked this credential" in text.stdout


def test_private_addresses_are_refused_without_the_flag(
    server: StatusServer, tmp_path: Path
) -> None:
    publish(server, "/status/2", revoked=set())
    badge = revocable_credential(tmp_path, server.url("/status/2"), 7)
    refused = credstack_verify(str(badge))
    assert refused.returncode == 1
    assert status_of(refused) == [("failed", "status_list_unreachable")]
    assert "forbidden_scheme" in refused.stdout or "forbidden_address" in refused.stdout
    assert server.hits == []


def test_offline_verification_does_not_fetch_the_list(server: StatusServer, tmp_path: Path) -> None:
    badge = revocable_credential(tmp_path, server.url("/status/3"), 7)
    offline = credstack_verify("--offline", str(badge))
    assert offline.returncode == 0, offline.stdout
    assert status_of(offline) == [("skipped", "status_not_checked")]
    assert server.hits == []


def test_a_list_that_is_gone_fails_closed(server: StatusServer, tmp_path: Path) -> None:
    badge = revocable_credential(tmp_path, server.url("/status/missing"), 7)
    gone = credstack_verify("--allow-private-network", str(badge))
    assert gone.returncode == 1
    assert status_of(gone) == [("failed", "status_list_unreachable")]
    assert "HTTP 404" in gone.stdout
