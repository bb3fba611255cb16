"""A learner never sees or touches another learner's anything, on SQLite and PostgreSQL: the
wallet routes act only on the session's own learner (addresses, sessions, credentials,
submissions), and a wallet session opens no organisation's routes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import token_for
from tests.functional.test_api_assessment import achievement
from tests.functional.test_api_wallet_flow import assessed, evidence, issue_to
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


def test_credentials_and_submissions_are_the_learners_own(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issuer = token_for(api_platform, org.slug)
    essay = assessed(client, org.slug, issuer)
    plain = achievement(client, org.slug, issuer)
    alice, bob = fresh_email("alice"), fresh_email("bob")
    to_bob = issue_to(client, org.slug, issuer, plain, bob)
    alice_token = sign_in(client, api_platform, alice)
    bob_token = sign_in(client, api_platform, bob)
    submitted = client.post(
        "/wallet/submissions",
        json={"achievementId": essay, "evidence": evidence()},
        headers=bearer(bob_token),
    )
    assert submitted.status_code == 201

    assert client.get("/wallet/credentials", headers=bearer(alice_token)).json() == []
    hidden = client.get(f"/wallet/credentials/{to_bob}", headers=bearer(alice_token))
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "credential_not_found"
    assert client.get(f"/wallet/credentials/{to_bob}", headers=bearer(bob_token)).status_code == 200
    assert client.get("/wallet/submissions", headers=bearer(alice_token)).json() == []
    # Alice cannot submit as Bob's address either.
    as_bob = client.post(
        "/wallet/submissions",
        json={"achievementId": essay, "email": bob, "evidence": evidence()},
        headers=bearer(alice_token),
    )
    assert as_bob.status_code == 403
    assert as_bob.json()["code"] == "email_not_confirmed"
    assert [
        s["id"] for s in client.get("/wallet/submissions", headers=bearer(bob_token)).json()
    ] == [submitted.json()["id"]]
    # A wallet session is no API token: the organisation's routes refuse it.
    staff_route = client.get(f"/orgs/{org.slug}/assessment/queue", headers=bearer(bob_token))
    assert staff_route.status_code == 401
