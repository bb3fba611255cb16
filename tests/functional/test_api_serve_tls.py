"""``credstack serve --tls-cert --tls-key``: HTTPS with a certificate made here, from a CA of
our own that the client pins; /health and a DID document are fetched over TLS."""

from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.services.actors import Actor
from tests.functional.servers import running_server


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca_and_server_certificate(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for 127.0.0.1 and localhost that it signs: (ca, cert, key)."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Credstack test CA"))
        .issuer_name(_name("Credstack test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True,
                content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    paths[2].chmod(0o600)
    return paths


def test_serve_speaks_https_with_the_given_certificate(tmp_path: Path) -> None:
    ca, cert, key = make_ca_and_server_certificate(tmp_path)
    pinned = ssl.create_default_context(cafile=str(ca))  # trusts our CA, and only it
    arguments = ("--tls-cert", str(cert), "--tls-key", str(key))
    with running_server(tmp_path, *arguments, scheme="https", verify=pinned) as (base, env):
        health = httpx.get(f"{base}/health", verify=pinned, timeout=10)
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        assert health.url.scheme == "https"

        settings = Settings(
            database_url=env["CREDSTACK_DATABASE_URL"],
            key_file=Path(env["CREDSTACK_KEY_FILE"]),
            base_url=base,
        )
        platform = build(settings)
        try:
            with platform.unit_of_work() as services:
                services.organizations.create(Actor.operator("test"), slug="acme", name="Acme")
        finally:
            platform.close()
        document = httpx.get(f"{base}/orgs/acme/did.json", verify=pinned, timeout=10).json()
        port = base.rsplit(":", 1)[1]
        assert document["id"] == f"did:web:localhost%3A{port}:orgs:acme"
        assert document["verificationMethod"][0]["publicKeyMultibase"].startswith("z")

        # The certificate is checked: a client that does not trust our CA is refused, and
        # plain HTTP on the TLS port gets no answer.
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{base}/health", timeout=10)
        with pytest.raises(httpx.TransportError):
            httpx.get(base.replace("https://", "http://") + "/health", timeout=10)
