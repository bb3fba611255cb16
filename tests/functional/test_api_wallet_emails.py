"""A learner's email addresses over HTTP, on SQLite and PostgreSQL: add (a confirmation link is
mailed to the new address), confirm, list, remove (never the last); an address another
account holds is refused with ``email_taken``."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from credstack.bootstrap import Platform
from credstack.store.learners import LearnerEmail
from credstack.store.models import AuditEntry
from tests.functional.wallet import bearer, fresh_email, last_token, mailbox, sign_in


def add_and_confirm(client: TestClient, platform: Platform, token: str, address: str) -> None:
    added = client.post("/wallet/emails", json={"email": address}, headers=bearer(token))
    assert added.status_code == 202, added.text
    confirmed = client.post("/wallet/emails/confirm", json={"token": last_token(platform, address)})
    assert confirmed.status_code == 200, confirmed.text


def test_add_confirm_list_and_remove(client: TestClient, api_platform: Platform) -> None:
    first = fresh_email("first")
    token = sign_in(client, api_platform, first)
    second = fresh_email("second")
    added = client.post("/wallet/emails", json={"email": second}, headers=bearer(token))
    assert added.status_code == 202
    assert added.json()["confirmed"] is False
    [(subject, body, _)] = mailbox(api_platform, second)
    assert subject == "Confirm your email address for Credstack"
    assert f"{first} asked to add this address" in body
    assert "https://badges.example.edu/wallet/emails/confirm?token=" in body
    listed = client.get("/wallet/emails", headers=bearer(token)).json()
    assert [(e["email"], e["primary"], e["confirmed"]) for e in listed] == [
        (first, True, True),
        (second, False, False),
    ]

    confirmed = client.post(
        "/wallet/emails/confirm", json={"token": last_token(api_platform, second)}
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed"] is True
    listed = client.get("/wallet/emails", headers=bearer(token)).json()
    assert [e["confirmed"] for e in listed] == [True, True]
    again = client.post("/wallet/emails", json={"email": second}, headers=bearer(token))
    assert again.status_code == 409
    assert again.json()["code"] == "email_already_confirmed"

    # Signing in with the second address reaches the same account.
    other_session = sign_in(client, api_platform, second)
    me = client.get("/wallet/me", headers=bearer(other_session)).json()
    assert me["email"] == first

    assert client.delete(f"/wallet/emails/{second}", headers=bearer(token)).status_code == 204
    listed = client.get("/wallet/emails", headers=bearer(token)).json()
    assert [e["email"] for e in listed] == [first]
    with api_platform.sessions() as db:
        actions = db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject == f"user:{me['id']}")
            .order_by(AuditEntry.at)
        )
        assert list(actions) == [
            "learner.created",
            "learner.email_confirmed",
            "learner.email_removed",
        ]


def test_the_last_confirmed_address_stays(client: TestClient, api_platform: Platform) -> None:
    address = fresh_email()
    token = sign_in(client, api_platform, address)
    pending = fresh_email("pending")
    client.post("/wallet/emails", json={"email": pending}, headers=bearer(token))
    refused = client.delete(f"/wallet/emails/{address}", headers=bearer(token))
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "last_email"
    # A pending address can go.
    assert client.delete(f"/wallet/emails/{pending}", headers=bearer(token)).status_code == 204
    assert [e["email"] for e in client.get("/wallet/emails", headers=bearer(token)).json()] == [
        address
    ]


def test_removing_the_primary_makes_another_confirmed_address_primary(
    client: TestClient, api_platform: Platform
) -> None:
    first, second = fresh_email("first"), fresh_email("second")
    token = sign_in(client, api_platform, first)
    add_and_confirm(client, api_platform, token, second)
    assert client.delete(f"/wallet/emails/{first}", headers=bearer(token)).status_code == 204
    me = client.get("/wallet/me", headers=bearer(token)).json()
    assert me["email"] == second
    assert [(e["email"], e["primary"]) for e in me["emails"]] == [(second, True)]
    # The removed address is free again: signing in with it makes a new account.
    fresh = client.get("/wallet/me", headers=bearer(sign_in(client, api_platform, first))).json()
    assert fresh["id"] != me["id"]


def test_an_address_of_another_account_is_refused(
    client: TestClient, api_platform: Platform
) -> None:
    alice, bob = fresh_email("alice"), fresh_email("bob")
    alice_token = sign_in(client, api_platform, alice)
    bob_token = sign_in(client, api_platform, bob)
    taken = client.post("/wallet/emails", json={"email": bob}, headers=bearer(alice_token))
    assert taken.status_code == 409
    assert taken.json()["code"] == "email_taken"
    assert mailbox(api_platform, bob)[-1][0] == "Your Credstack sign-in link"

    # Both ask for the same new address; the first to confirm keeps it.
    shared = fresh_email("shared")
    client.post("/wallet/emails", json={"email": shared}, headers=bearer(alice_token))
    alice_link = last_token(api_platform, shared)
    client.post("/wallet/emails", json={"email": shared}, headers=bearer(bob_token))
    bob_link = last_token(api_platform, shared)
    assert client.post("/wallet/emails/confirm", json={"token": bob_link}).status_code == 200
    late = client.post("/wallet/emails/confirm", json={"token": alice_link})
    assert late.status_code == 409
    assert late.json()["code"] == "email_taken"
    with api_platform.sessions() as db:
        rows = db.scalars(select(LearnerEmail).where(LearnerEmail.email == shared)).all()
        assert sorted(r.confirmed_at is not None for r in rows) == [False, True]


def test_bad_input_is_refused_and_changes_nothing(
    client: TestClient, api_platform: Platform
) -> None:
    address = fresh_email()
    token = sign_in(client, api_platform, address)
    bad = client.post("/wallet/emails", json={"email": "nope"}, headers=bearer(token))
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_email"
    unknown = client.delete("/wallet/emails/nobody@example.org", headers=bearer(token))
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "email_not_found"
    wrong_kind = client.post(
        "/wallet/emails/confirm", json={"token": last_token(api_platform, address)}
    )
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["code"] == "invalid_link"
    assert len(client.get("/wallet/emails", headers=bearer(token)).json()) == 1
