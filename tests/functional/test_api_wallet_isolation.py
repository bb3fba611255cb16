"""A learner never sees or touches another learner's anything, on SQLite and PostgreSQL: the
wallet routes act only on the session's own learner."""

from __future__ import annotations

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.wallet import bearer, fresh_email, last_token, mailbox, sign_in


def test_addresses_are_the_learners_own(client: TestClient, api_platform: Platform) -> None:
    alice, bob = fresh_email("alice"), fresh_email("bob")
    alice_token = sign_in(client, api_platform, alice)
    bob_token = sign_in(client, api_platform, bob)
    bob_pending = fresh_email("bob-pending")
    client.post("/wallet/emails", json={"email": bob_pending}, headers=bearer(bob_token))

    alice_view = client.get("/wallet/emails", headers=bearer(alice_token)).json()
    assert [e["email"] for e in alice_view] == [alice]
    for address in (bob, bob_pending):
        refused = client.delete(f"/wallet/emails/{address}", headers=bearer(alice_token))
        assert refused.status_code == 404
        assert refused.json()["code"] == "email_not_found"
    bob_view = client.get("/wallet/emails", headers=bearer(bob_token)).json()
    assert [e["email"] for e in bob_view] == [bob, bob_pending]

    # Bob's confirmation link confirms Bob's address, whoever opens it: Alice gains nothing.
    client.post("/wallet/emails/confirm", json={"token": last_token(api_platform, bob_pending)})
    assert [
        e["email"] for e in client.get("/wallet/emails", headers=bearer(alice_token)).json()
    ] == [alice]
    assert client.get("/wallet/me", headers=bearer(alice_token)).json()["email"] == alice


def test_sign_out_ends_only_ones_own_session(client: TestClient, api_platform: Platform) -> None:
    alice, bob = fresh_email("alice"), fresh_email("bob")
    alice_token = sign_in(client, api_platform, alice)
    bob_token = sign_in(client, api_platform, bob)
    assert client.post("/wallet/sign-out", headers=bearer(alice_token)).status_code == 204
    assert client.get("/wallet/me", headers=bearer(bob_token)).json()["email"] == bob
    # The outbox keeps each learner's mail apart too.
    assert all(bob not in body for _, body, _ in mailbox(api_platform, alice))
