"""Pure parts of the mail and wallet services: the retry backoff, and a wallet credential's
status and description from its text."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime

import pytest

from credstack.services.mail import RetryPolicy
from credstack.services.wallet import JWT_MEDIA_TYPE, describe, document_of, wallet_status
from credstack.store.wallet import WalletEntry

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_the_backoff_doubles() -> None:
    policy = RetryPolicy(max_attempts=5, retry_seconds=30)
    assert [policy.delay(n) for n in range(1, 5)] == [30.0, 60.0, 120.0, 240.0]


def entry(
    document: dict[str, object] | str, *, status: str = "active", jwt: bool = False
) -> WalletEntry:
    if jwt:
        payload = base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
        text = f"eyJhbGciOiJFZERTQSJ9.{payload}.c2ln"
    else:
        text = document if isinstance(document, str) else json.dumps(document)
    return WalletEntry(
        text=text,
        media_type=JWT_MEDIA_TYPE if jwt else "application/vc",
        issued_at=NOW,
        source="issued",
        id=uuid.uuid4(),
        status=status,
    )


@pytest.mark.parametrize(
    ("document", "status", "expected"),
    [
        ({"validUntil": "2027-01-01T00:00:00Z"}, "active", "active"),
        ({"validUntil": "2026-01-01T00:00:00Z"}, "active", "expired"),
        ({"validUntil": "2026-01-01T00:00:00"}, "active", "expired"),
        ({"expirationDate": "2026-01-01T00:00:00Z"}, "active", "expired"),
        ({"validUntil": "not a date"}, "active", "active"),
        ({}, "active", "active"),
        ({"validUntil": "2026-01-01T00:00:00Z"}, "revoked", "revoked"),
        ({}, "suspended", "suspended"),
    ],
)
def test_status(document: dict[str, object], status: str, expected: str) -> None:
    assert wallet_status(entry(document, status=status), NOW) == expected


def test_a_jwt_expires_by_its_exp() -> None:
    expired = entry({"exp": int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())}, jwt=True)
    assert wallet_status(expired, NOW) == "expired"
    assert wallet_status(entry({"exp": 4_000_000_000}, jwt=True), NOW) == "active"


def test_describe_names_the_credential_and_its_issuer() -> None:
    view = describe(
        entry(
            {
                "issuer": {"id": "did:example:issuer", "name": "Org"},
                "credentialSubject": {"achievement": {"name": "Teamwork"}},
            }
        ),
        NOW,
    )
    assert (view.name, view.issuer, view.status, view.valid_until) == (
        "Teamwork",
        "did:example:issuer",
        "active",
        None,
    )
    named = describe(entry({"name": "Own name", "issuer": "https://issuer.example"}), NOW)
    assert (named.name, named.issuer) == ("Own name", "https://issuer.example")


def test_unreadable_text_describes_as_nothing() -> None:
    assert document_of("not json", "application/vc") == {}
    assert document_of("[1, 2]", "application/vc") == {}
    assert document_of("a.!!.c", JWT_MEDIA_TYPE) == {}
    assert document_of("only-one-part", JWT_MEDIA_TYPE) == {}
    assert describe(entry("not json"), NOW).name is None
