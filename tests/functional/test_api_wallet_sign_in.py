"""Learner sign-in by emailed one-time link over HTTP, on SQLite and PostgreSQL: the link from
the outbox, single use, expiry, no account enumeration, the rate limit, sessions and sign-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from credstack.bootstrap import Platform
from credstack.services.learners import SIGN_IN_LIMIT
from credstack.store.learners import LearnerLink, LearnerSession
from credstack.store.models import AuditEntry, User
from tests.functional.wallet import (
    OPERATOR,
    bearer,
    fresh_email,
    last_token,
    mailbox,
    sign_in,
)


def test_first_sign_in_creates_the_learner_and_a_session(
    client: TestClient, api_platform: Platform
) -> None:
    address = fresh_email()
    asked = client.post("/wallet/sign-in", json={"email": address.upper()})
    assert asked.status_code == 202
    [(subject, body, status)] = mailbox(api_platform, address)
    assert subject == "Your Credstack sign-in link"
    assert "https://badges.example.edu/wallet/sign-in/complete?token=" in body
    assert status in ("queued", "sent")
    token = last_token(api_platform, address)

    done = client.post("/wallet/sign-in/complete", json={"token": token})
    assert done.status_code == 200, done.text
    session = done.json()
    assert session["tokenType"] == "Bearer"
    assert session["accessToken"].startswith("csw_")
    expires = datetime.fromisoformat(session["expiresAt"])
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14)
    assert session["learner"]["email"] == address
    assert session["learner"]["emails"][0]["confirmed"] is True

    me = client.get("/wallet/me", headers=bearer(session["accessToken"]))
    assert me.status_code == 200
    assert me.json()["id"] == session["learner"]["id"]
    with api_platform.sessions() as db:
        stored = db.scalars(select(User).where(User.email == address)).one()
        assert str(stored.id) == session["learner"]["id"]
        actions = db.scalars(
            select(AuditEntry.action).where(AuditEntry.subject == f"user:{stored.id}")
        )
        assert list(actions) == ["learner.created"]


def test_the_answer_is_the_same_for_known_and_unknown_addresses(
    client: TestClient, api_platform: Platform
) -> None:
    known = fresh_email("known")
    sign_in(client, api_platform, known)
    unknown = fresh_email("unknown")
    first = client.post("/wallet/sign-in", json={"email": known})
    second = client.post("/wallet/sign-in", json={"email": unknown})
    assert (first.status_code, first.json()) == (second.status_code, second.json())
    assert first.status_code == 202
    assert set(first.headers) == set(second.headers)


def test_a_second_sign_in_reaches_the_same_account(
    client: TestClient, api_platform: Platform
) -> None:
    address = fresh_email()
    one = client.get("/wallet/me", headers=bearer(sign_in(client, api_platform, address)))
    two = client.get("/wallet/me", headers=bearer(sign_in(client, api_platform, address)))
    assert one.json()["id"] == two.json()["id"]
    assert len(two.json()["emails"]) == 1


def test_a_learner_made_by_the_operator_signs_in_to_their_account(
    client: TestClient, api_platform: Platform
) -> None:
    address = fresh_email()
    with api_platform.unit_of_work() as services:
        user, _ = services.users.create_learner(OPERATOR, email=address)
        user_id = str(user.id)
    me = client.get("/wallet/me", headers=bearer(sign_in(client, api_platform, address)))
    assert me.json()["id"] == user_id


def test_a_link_works_once(client: TestClient, api_platform: Platform) -> None:
    address = fresh_email()
    client.post("/wallet/sign-in", json={"email": address})
    token = last_token(api_platform, address)
    assert client.post("/wallet/sign-in/complete", json={"token": token}).status_code == 200
    again = client.post("/wallet/sign-in/complete", json={"token": token})
    assert again.status_code == 400
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["code"] == "link_used"


def test_an_expired_link_is_refused(client: TestClient, api_platform: Platform) -> None:
    address = fresh_email()
    client.post("/wallet/sign-in", json={"email": address})
    token = last_token(api_platform, address)
    with api_platform.sessions.begin() as db:
        db.execute(
            update(LearnerLink)
            .where(LearnerLink.email == address)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    refused = client.post("/wallet/sign-in/complete", json={"token": token})
    assert refused.status_code == 400
    assert refused.json()["code"] == "link_expired"
    with api_platform.sessions() as db:
        assert db.scalars(select(User).where(User.email == address)).first() is None


def test_bad_tokens_are_refused_with_clear_codes(client: TestClient) -> None:
    for token in ("", "x" * 43, "not a token", "a" * 200):
        refused = client.post("/wallet/sign-in/complete", json={"token": token})
        assert refused.status_code == 400, token
        assert refused.json()["code"] == "invalid_link"
    missing = client.post("/wallet/sign-in/complete", json={})
    assert missing.status_code == 422
    bad_email = client.post("/wallet/sign-in", json={"email": "not-an-address"})
    assert bad_email.status_code == 400
    assert bad_email.json()["code"] == "invalid_email"


def test_sign_in_requests_are_rate_limited_per_address(
    client: TestClient, api_platform: Platform
) -> None:
    address = fresh_email()
    for _ in range(SIGN_IN_LIMIT):
        assert client.post("/wallet/sign-in", json={"email": address}).status_code == 202
    limited = client.post("/wallet/sign-in", json={"email": address})
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["code"] == "too_many_links"
    assert 1 <= int(limited.headers["Retry-After"]) <= 15 * 60 + 1
    assert len(mailbox(api_platform, address)) == SIGN_IN_LIMIT
    other = client.post("/wallet/sign-in", json={"email": fresh_email()})
    assert other.status_code == 202


def test_sign_out_revokes_the_session(client: TestClient, api_platform: Platform) -> None:
    token = sign_in(client, api_platform, fresh_email())
    other = sign_in(client, api_platform, fresh_email())
    assert client.post("/wallet/sign-out", headers=bearer(token)).status_code == 204
    refused = client.get("/wallet/me", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_session"
    assert "Bearer" in refused.headers["WWW-Authenticate"]
    assert client.get("/wallet/me", headers=bearer(other)).status_code == 200


def test_sessions_are_stored_hashed_and_expire(client: TestClient, api_platform: Platform) -> None:
    address = fresh_email()
    token = sign_in(client, api_platform, address)
    with api_platform.sessions.begin() as db:
        user_id = db.scalars(select(User.id).where(User.email == address)).one()
        hashes = list(
            db.scalars(select(LearnerSession.token_hash).where(LearnerSession.user_id == user_id))
        )
        assert len(hashes) == 1
        assert token not in hashes[0]
        assert token[4:] not in hashes[0]
        db.execute(
            update(LearnerSession)
            .where(LearnerSession.user_id == user_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert client.get("/wallet/me", headers=bearer(token)).status_code == 401


def test_wallet_routes_need_a_wallet_session(client: TestClient) -> None:
    for headers in ({}, bearer("csw_" + "a" * 43), bearer("cst_" + "a" * 43), bearer("junk")):
        refused = client.get("/wallet/me", headers=headers)
        assert refused.status_code == 401, headers
        assert refused.json()["code"] == "invalid_session"
