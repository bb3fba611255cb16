"""The admin REST API over HTTP, on SQLite and PostgreSQL: API tokens, members, signing keys.

Secrets appear once (a token's at its creation, a generated password at a user's); token
hashes and private keys never appear, in an answer or in the log.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credstack.bootstrap import Platform
from credstack.store.models import ApiToken, SigningKey
from tests.functional.conftest import ACHIEVEMENT, token_for

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def secrets_of(platform: Platform, slug: str) -> list[str]:
    """Every token hash and sealed private key of the organisation, as text."""
    with platform.sessions() as session:
        org_id = platform.services(session).organizations.get(slug).id
        hashes = session.scalars(
            select(ApiToken.token_hash).where(ApiToken.organization_id == org_id)
        ).all()
        sealed = session.scalars(
            select(SigningKey.encrypted_private_key).where(SigningKey.organization_id == org_id)
        ).all()
    return [*hashes, *(blob.hex() for blob in sealed)]


def method_of(credential: dict[str, Any]) -> str:
    [proof] = credential["proof"]  # OB 3.0 writes proof as an array
    method: str = proof["verificationMethod"]
    return method


def test_tokens_create_list_page_revoke(
    client: TestClient, api_platform: Platform, make_org: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    made = client.post(
        f"/orgs/{org.slug}/tokens", json={"role": "issuer", "name": "LMS"}, headers=bearer(admin)
    )
    assert made.status_code == 201, made.text
    created = made.json()
    secret = created["secret"]
    assert secret.startswith(created["prefix"])
    assert (created["role"], created["name"], created["revokedAt"]) == ("issuer", "LMS", None)
    assert client.get(f"/orgs/{org.slug}/admin", headers=bearer(secret)).status_code == 200

    listed = client.get(f"/orgs/{org.slug}/tokens", headers=bearer(admin))
    assert [t["name"] for t in listed.json()] == ["admin token", "LMS"]
    assert secret not in listed.text
    assert all("secret" not in t for t in listed.json())
    page = client.get(f"/orgs/{org.slug}/tokens?offset=1&limit=1", headers=bearer(admin))
    assert [t["id"] for t in page.json()] == [created["id"]]

    revoked = client.post(f"/orgs/{org.slug}/tokens/{created['id']}/revoke", headers=bearer(admin))
    assert revoked.status_code == 200
    assert revoked.json()["revokedAt"] is not None
    assert client.get(f"/orgs/{org.slug}/admin", headers=bearer(secret)).status_code == 401

    hidden = secrets_of(api_platform, org.slug)
    for text in (made.text, listed.text, revoked.text, caplog.text):
        assert not any(value in text for value in hidden)


def test_token_refusals(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    above = client.post(f"/orgs/{org.slug}/tokens", json={"role": "owner"}, headers=bearer(admin))
    assert above.status_code == 403
    assert above.json()["code"] == "role_above_own"
    bad = client.post(f"/orgs/{org.slug}/tokens", json={"role": "root"}, headers=bearer(admin))
    assert bad.status_code == 422
    unknown = client.post(
        f"/orgs/{org.slug}/tokens/7f9c1a52-7d6a-4f7e-8a4b-0d7b6c1e2f30/revoke",
        headers=bearer(admin),
    )
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "token_not_found"
    for query in ("limit=0", "limit=501", "offset=-1", "limit=x"):
        paged = client.get(f"/orgs/{org.slug}/tokens?{query}", headers=bearer(admin))
        assert paged.status_code == 422, query
        assert paged.headers["content-type"] == "application/problem+json"


def test_members_add_list_change_remove(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    owner = token_for(api_platform, org.slug, "owner")
    base = f"/orgs/{org.slug}/members"
    email = f"ada-{org.slug}@example.org"
    added = client.post(base, json={"email": email, "role": "issuer"}, headers=bearer(owner))
    assert added.status_code == 201, added.text
    member = added.json()
    assert member["role"] == "issuer"
    assert len(member["generatedPassword"]) >= 20
    boss = client.post(
        base,
        json={"email": f"boss-{org.slug}@example.org", "role": "owner", "password": "x" * 16},
        headers=bearer(owner),
    ).json()
    assert boss["generatedPassword"] is None

    listing = client.get(base, headers=bearer(owner))
    assert "$argon2" not in added.text + listing.text  # no password hash, ever
    listed = listing.json()
    assert [m["email"] for m in listed] == [email, f"boss-{org.slug}@example.org"]
    assert "generatedPassword" not in listed[0]
    assert client.get(f"{base}?offset=1&limit=1", headers=bearer(owner)).json() == listed[1:]

    changed = client.patch(
        f"{base}/{member['userId']}", json={"role": "admin"}, headers=bearer(owner)
    )
    assert changed.json()["role"] == "admin"
    again = client.post(base, json={"email": email, "role": "issuer"}, headers=bearer(owner))
    assert again.status_code == 409
    assert again.json()["code"] == "already_member"

    assert client.delete(f"{base}/{member['userId']}", headers=bearer(owner)).status_code == 204
    gone = client.delete(f"{base}/{member['userId']}", headers=bearer(owner))
    assert gone.status_code == 404
    assert gone.json()["code"] == "member_not_found"
    last = client.delete(f"{base}/{boss['userId']}", headers=bearer(owner))
    assert last.status_code == 409
    assert last.json()["code"] == "last_owner"


def test_member_input_is_checked(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    base = f"/orgs/{org.slug}/members"
    for body, status, code in [
        ({"email": "not-an-email", "role": "issuer"}, 400, "invalid_email"),
        ({"email": "a@example.org", "role": "issuer", "password": "short"}, 400, "weak_password"),
        ({"email": "a@example.org", "role": "owner"}, 403, "role_above_own"),
        ({"email": "a@example.org", "role": "pope"}, 422, "invalid_request"),
        ({"email": "a@example.org", "role": "issuer", "extra": 1}, 422, "invalid_request"),
    ]:
        response = client.post(base, json=body, headers=bearer(admin))
        assert (response.status_code, response.json()["code"]) == (status, code), body
    assert client.get(base, headers=bearer(admin)).json() == []
    bad_id = client.patch(f"{base}/not-a-uuid", json={"role": "admin"}, headers=bearer(admin))
    assert bad_id.status_code == 422


def test_rotation_over_http_keeps_old_credentials_verifying(
    client: TestClient, api_platform: Platform, make_org: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    old = client.post(
        f"/orgs/{org.slug}/credentials",
        json={"achievement": BADGE, "recipient": "learner@example.com"},
        headers=bearer(admin),
    )
    assert old.status_code == 201
    [first] = client.get(f"/orgs/{org.slug}/keys", headers=bearer(admin)).json()
    assert (first["kind"], first["status"], first["number"]) == ("ed25519", "active", 1)

    rotated = client.post(f"/orgs/{org.slug}/keys/rotate", json={}, headers=bearer(admin))
    assert rotated.status_code == 201, rotated.text
    p256 = client.post(
        f"/orgs/{org.slug}/keys/rotate", json={"kind": "p256"}, headers=bearer(admin)
    )
    assert p256.json()["kind"] == "p256"
    keys = client.get(f"/orgs/{org.slug}/keys", headers=bearer(admin)).json()
    assert [(k["number"], k["kind"], k["status"]) for k in keys] == [
        (1, "ed25519", "retired"),
        (2, "ed25519", "active"),
        (3, "p256", "active"),
    ]
    assert client.get(f"/orgs/{org.slug}/keys?offset=1&limit=1", headers=bearer(admin)).json() == [
        keys[1]
    ]
    document = client.get(f"/orgs/{org.slug}/did.json").json()
    assert [m["id"] for m in document["verificationMethod"]] == [
        k["verificationMethod"] for k in keys
    ]

    new = client.post(
        f"/orgs/{org.slug}/credentials",
        json={"achievement": BADGE, "recipient": "learner@example.com"},
        headers=bearer(admin),
    )
    assert method_of(new.json()) == rotated.json()["verificationMethod"]
    assert method_of(old.json()) == first["verificationMethod"]
    for issued in (old, new):
        assert client.post("/verify", content=issued.text).json()["valid"] is True

    retired = client.post(f"/orgs/{org.slug}/keys/{keys[2]['id']}/retire", headers=bearer(admin))
    assert retired.json()["status"] == "retired"
    assert client.post("/verify", content=new.text).json()["valid"] is True
    last = client.post(f"/orgs/{org.slug}/keys/{keys[1]['id']}/retire", headers=bearer(admin))
    assert last.status_code == 409
    assert last.json()["code"] == "last_active_key"

    hidden = secrets_of(api_platform, org.slug)
    for text in (rotated.text, p256.text, retired.text, str(keys), caplog.text):
        assert not any(value in text for value in hidden)
    assert all("private" not in field.lower() for field in keys[0])


def test_key_refusals(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    base = f"/orgs/{org.slug}/keys"
    wrong = client.post(f"{base}/rotate", json={"kind": "rsa"}, headers=bearer(admin))
    assert wrong.status_code == 422
    missing = client.post(
        f"{base}/7f9c1a52-7d6a-4f7e-8a4b-0d7b6c1e2f30/retire", headers=bearer(admin)
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "key_not_found"
    issuer = token_for(api_platform, org.slug, "issuer")
    assert client.get(base, headers=bearer(issuer)).status_code == 200
    refused = client.post(f"{base}/rotate", headers=bearer(issuer))
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_too_weak"
