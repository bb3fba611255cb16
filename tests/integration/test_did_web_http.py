"""did:web and controller documents over real HTTP(S) servers on this machine.

The servers run in threads on the loopback interface, so the fetcher is built with
``allow_private=True`` (the setting tests and local demos use); the HTTPS server presents a
certificate made here for ``localhost``, which the fetcher is told to trust. Nothing is mocked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.api.verification import Verifier
from credstack.bootstrap import Platform
from credstack.errors import ResolutionError
from credstack.proofs.data_integrity import add_proof, verify_proofs
from credstack.proofs.did_web import did_web_document, did_web_for
from credstack.proofs.jose import sign_jwt, verify_jwt
from credstack.proofs.keys import generate_key
from credstack.proofs.resolver import KeyResolver
from credstack.verify import VerificationReport

CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:2b0d5a8e-6a1b-4b0b-9f36-5d7f3b1c0a11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:placeholder", "type": ["Profile"]},
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]},
}


class _Handler(BaseHTTPRequestHandler):
    """Serves ``routes``: path -> (status, headers, body, delay before answering)."""

    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes, float]]] = {}
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        status, headers, body, delay = self.routes.get(self.path, (404, {}, b"", 0.0))
        time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if headers.get("Transfer-Encoding") == "chunked":
            self._drip(body, int(headers.get("X-Drip-Chunk", "16")))
        else:
            self.wfile.write(body)

    def _drip(self, body: bytes, size: int) -> None:
        """A chunked body, one chunk every 0.1 s."""
        try:
            for start in range(0, len(body), size):
                chunk = body[start : start + size]
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
                time.sleep(0.1)
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher gave up, as it should

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return thread


@pytest.fixture
def handler() -> type[_Handler]:
    class Handler(_Handler):
        routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes, float]]] = {}
        hits: ClassVar[list[str]] = []

    return Handler


@pytest.fixture
def http_server(handler: type[_Handler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    _serve(server)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _certificate() -> tuple[bytes, bytes]:
    """A self-signed certificate for localhost, and its key, in PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


@pytest.fixture
def https_server(handler: type[_Handler]) -> Iterator[tuple[str, ssl.SSLContext]]:
    """An HTTPS server for ``localhost`` on the address the fetcher will pick."""
    family, _, _, _, address = socket.getaddrinfo("localhost", 0, type=socket.SOCK_STREAM)[0]

    class Server(ThreadingHTTPServer):
        address_family = family

    certificate, key = _certificate()
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
        cert_file.write_bytes(certificate)
        key_file.write_bytes(key)
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(cert_file, key_file)
    server = Server((str(address[0]), 0), handler)
    server.daemon_threads = True
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    _serve(server)
    client_context = ssl.create_default_context(cadata=certificate.decode())
    yield f"localhost:{server.server_address[1]}", client_context
    server.shutdown()
    server.server_close()


def _json(document: Any) -> tuple[int, dict[str, str], bytes, float]:
    return 200, {"Content-Type": "application/did+json"}, json.dumps(document).encode(), 0.0


def test_did_web_credential_verifies_over_https(
    https_server: tuple[str, ssl.SSLContext], handler: type[_Handler]
) -> None:
    host, context = https_server
    key = generate_key("ed25519")
    did = did_web_for(host, ["issuers", "1"])
    handler.routes["/issuers/1/did.json"] = _json(did_web_document(did, [key.public_key]))
    credential = {**CREDENTIAL, "issuer": {"id": did, "type": ["Profile"]}}
    signed = add_proof(
        credential, key, cryptosuite="eddsa-rdfc-2022", verification_method=f"{did}#key-1"
    )
    fetcher = HttpDocumentFetcher(allow_private=True, verify=context)
    (check,) = verify_proofs(signed, KeyResolver(fetcher))
    assert (check.code, check.controller, check.from_fragment) == ("ok", did, False)
    token = sign_jwt(credential, key, kid=f"{did}#key-1")
    assert verify_jwt(token, KeyResolver(fetcher)).verification_method.controller == did
    assert handler.hits == ["/issuers/1/did.json"]  # the second resolver hit the cache


def test_untrusted_certificates_are_refused(
    https_server: tuple[str, ssl.SSLContext], handler: type[_Handler]
) -> None:
    host, _ = https_server
    handler.routes["/.well-known/did.json"] = _json({"id": "x"})
    fetcher = HttpDocumentFetcher(allow_private=True)  # the system trust store only
    with pytest.raises(ResolutionError) as info:
        fetcher.fetch_json(f"https://{host}/.well-known/did.json")
    assert info.value.code == "fetch_failed"


def test_a_wrong_key_in_the_did_document_fails(
    https_server: tuple[str, ssl.SSLContext], handler: type[_Handler]
) -> None:
    host, context = https_server
    key, other = generate_key("ed25519"), generate_key("ed25519")
    did = did_web_for(host)
    handler.routes["/.well-known/did.json"] = _json(did_web_document(did, [other.public_key]))
    signed = add_proof(
        {**CREDENTIAL, "issuer": {"id": did, "type": ["Profile"]}},
        key,
        cryptosuite="eddsa-rdfc-2022",
        verification_method=f"{did}#key-1",
    )
    resolver = KeyResolver(HttpDocumentFetcher(allow_private=True, verify=context))
    assert [c.code for c in verify_proofs(signed, resolver)] == ["invalid_signature"]
    signed["proof"]["verificationMethod"] = f"{did}#key-2"
    assert [c.code for c in verify_proofs(signed, resolver)] == ["unresolvable_key"]


def _code(fetcher: HttpDocumentFetcher, url: str) -> str:
    with pytest.raises(ResolutionError) as info:
        fetcher.fetch_json(url)
    return info.value.code


def test_json_documents_and_what_is_not_one(http_server: str, handler: type[_Handler]) -> None:
    handler.routes["/ok"] = _json({"id": "did:web:example.com"})
    handler.routes["/array"] = _json([1, 2])
    handler.routes["/html"] = (200, {"Content-Type": "text/html"}, b"<html>hi</html>", 0.0)
    handler.routes["/deep"] = (200, {}, b"[" * 100_000, 0.0)
    fetcher = HttpDocumentFetcher(allow_private=True)
    assert fetcher.fetch_json(f"{http_server}/ok") == {"id": "did:web:example.com"}
    assert _code(fetcher, f"{http_server}/array") == "not_json"
    assert _code(fetcher, f"{http_server}/html") == "not_json"
    assert _code(fetcher, f"{http_server}/deep") == "not_json"
    assert _code(fetcher, f"{http_server}/missing") == "fetch_failed"


def test_loopback_is_refused_unless_allowed(http_server: str, handler: type[_Handler]) -> None:
    handler.routes["/ok"] = _json({})
    url = f"{http_server}/ok".replace("http:", "https:")
    assert _code(HttpDocumentFetcher(), url) == "forbidden_address"
    assert _code(HttpDocumentFetcher(), f"{http_server}/ok") == "forbidden_scheme"
    assert handler.hits == []  # refused before any connection


def test_size_cap(http_server: str, handler: type[_Handler]) -> None:
    big = json.dumps({"padding": "x" * 300_000}).encode()
    handler.routes["/big"] = (200, {}, big, 0.0)
    chunked = {"Transfer-Encoding": "chunked", "X-Drip-Chunk": "512"}
    handler.routes["/big-chunked"] = (200, chunked, big[:5_000], 0.0)
    assert _code(HttpDocumentFetcher(allow_private=True), f"{http_server}/big") == "too_large"
    small = HttpDocumentFetcher(allow_private=True, max_bytes=1_000, timeout=30)
    assert _code(small, f"{http_server}/big-chunked") == "too_large"


def test_timeouts(http_server: str, handler: type[_Handler]) -> None:
    handler.routes["/slow"] = (200, {}, b"{}", 2.0)
    handler.routes["/drip"] = (200, {"Transfer-Encoding": "chunked"}, b"{}" + b" " * 400, 0.0)
    fetcher = HttpDocumentFetcher(allow_private=True, timeout=0.5)
    started = time.monotonic()
    assert _code(fetcher, f"{http_server}/slow") == "timeout"
    assert (
        _code(fetcher, f"{http_server}/drip") == "timeout"
    )  # each chunk is quick, the whole is not
    assert time.monotonic() - started < 2.5


def test_redirects_are_followed_and_checked_at_every_hop(
    http_server: str, handler: type[_Handler]
) -> None:
    handler.routes["/moved"] = (302, {"Location": "/ok"}, b"", 0.0)
    handler.routes["/ok"] = _json({"id": "x"})
    handler.routes["/to-file"] = (302, {"Location": "file:///etc/passwd"}, b"", 0.0)
    handler.routes["/loop"] = (302, {"Location": "/loop"}, b"", 0.0)
    handler.routes["/nowhere"] = (302, {}, b"", 0.0)
    fetcher = HttpDocumentFetcher(allow_private=True)
    assert fetcher.fetch_json(f"{http_server}/moved") == {"id": "x"}
    assert _code(fetcher, f"{http_server}/to-file") == "forbidden_scheme"
    assert _code(fetcher, f"{http_server}/loop") == "fetch_failed"
    assert _code(fetcher, f"{http_server}/nowhere") == "fetch_failed"
    assert handler.hits.count("/loop") == 4  # the first request and three redirects


def test_cache_lives_for_its_ttl(http_server: str, handler: type[_Handler]) -> None:
    handler.routes["/doc"] = _json({"id": "x"})
    now = [0.0]
    fetcher = HttpDocumentFetcher(allow_private=True, cache_ttl=300, clock=lambda: now[0])
    fetcher.fetch_json(f"{http_server}/doc")
    fetcher.fetch_json(f"{http_server}/doc")
    assert handler.hits == ["/doc"]
    now[0] = 301.0
    fetcher.fetch_json(f"{http_server}/doc")
    assert handler.hits == ["/doc", "/doc"]
    uncached = HttpDocumentFetcher(allow_private=True, cache_ttl=0)
    uncached.fetch_json(f"{http_server}/doc")
    uncached.fetch_json(f"{http_server}/doc")
    assert len(handler.hits) == 4


def test_the_next_address_is_tried_when_one_refuses(
    http_server: str, handler: type[_Handler]
) -> None:
    handler.routes["/ok"] = _json({"id": "x"})
    port = int(http_server.rsplit(":", 1)[1])
    # 127.0.0.2 is loopback too, but nothing listens there on this port.
    fetcher = HttpDocumentFetcher(
        allow_private=True, resolve_host=lambda host, _: ["127.0.0.2", "127.0.0.1"]
    )
    assert fetcher.fetch_json(f"http://issuer.test:{port}/ok") == {"id": "x"}
    nobody = HttpDocumentFetcher(allow_private=True, resolve_host=lambda host, _: ["127.0.0.2"])
    assert _code(nobody, f"http://issuer.test:{port}/ok") == "fetch_failed"


def test_the_servers_verifier_fetches_from_another_server_off_the_event_loop(
    https_server: tuple[str, ssl.SSLContext], handler: type[_Handler], platform: Platform
) -> None:
    """``Verifier.check_soon`` verifies on the event loop only what this server holds; a
    credential whose issuer lives elsewhere is verified again in a worker thread, where its
    DID document is fetched."""
    host, context = https_server
    key = generate_key("ed25519")
    did = did_web_for(host, ["issuers", "2"])
    handler.routes["/issuers/2/did.json"] = _json(did_web_document(did, [key.public_key]))
    credential = {**CREDENTIAL, "issuer": {"id": did, "type": ["Profile"]}}
    signed = add_proof(
        credential, key, cryptosuite="eddsa-jcs-2022", verification_method=f"{did}#key-1"
    )
    verifier = Verifier(platform, HttpDocumentFetcher(allow_private=True, verify=context))
    reports: list[VerificationReport] = []

    async def verify() -> None:
        reports.append(await verifier.check_soon(signed))

    # An event loop of its own, in a thread: other tests may leave one running in this one.
    loop = threading.Thread(target=lambda: asyncio.run(verify()))
    loop.start()
    loop.join()
    (report,) = reports
    (proof,) = [c for c in report.checks if c.name == "proof"]
    assert (proof.outcome, proof.code) == ("passed", "ok"), proof
    assert handler.hits == ["/issuers/2/did.json"]
    # The same credential checked where fetching is allowed gives the same report.
    assert verifier.check(signed).to_dict() == report.to_dict()
