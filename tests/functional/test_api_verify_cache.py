"""What the verifier remembers between requests never hides a change, on SQLite and
PostgreSQL: a revocation shows in the next verification, and a credential signed with a key
rotated in after the DID document was remembered verifies at once."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from credstack.bootstrap import Platform
from tests.functional.conftest import OPERATOR, issue_for, token_for


def verified(client: TestClient, text: str) -> tuple[bool, set[str]]:
    report = client.post("/verify", content=text).json()
    return report["valid"], {c["code"] for c in report["checks"] if c["outcome"] == "failed"}


def test_a_revocation_shows_in_the_next_verification(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    issued = client.post(
        f"/orgs/{org.slug}/credentials",
        json={"recipient": "did:example:learner", "achievement": {"name": "Teamwork",
              "description": "d", "criteria": {"narrative": "n"}, "type": ["Achievement"]}},
        headers={"Authorization": f"Bearer {secret}"},
    )  # fmt: skip
    assert issued.status_code == 201, issued.text
    uid = issued.headers["Credstack-Credential"]
    for _ in range(3):  # remembered now: the DID document and the verified status list
        assert verified(client, issued.text) == (True, set())
    client.post(
        f"/orgs/{org.slug}/credentials/{uid}/revoke",
        headers={"Authorization": f"Bearer {secret}"},
    )
    valid, failures = verified(client, issued.text)
    assert not valid
    assert "revoked" in failures


def test_a_key_rotated_in_verifies_at_once(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    before = issue_for(api_platform, org.slug)
    assert verified(client, before) == (True, set())  # the DID document is remembered
    with api_platform.unit_of_work() as services:
        services.organizations.rotate_key(OPERATOR, org.slug)
    after = issue_for(api_platform, org.slug)
    assert after != before
    assert verified(client, after) == (True, set())
    assert verified(client, before) == (True, set())


def test_a_verification_seen_before_opens_no_session(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    """Once a credential's DID document, status list, ledger leaf, proof and the ledger's head
    are remembered, verifying it again asks the database nothing through the engine: only
    the list's revision, on the verifier's own connection (test_a_revocation_shows... shows
    that it is asked)."""
    org = make_org()
    issued = client.post(
        f"/orgs/{org.slug}/credentials",
        json={"recipient": "did:example:learner", "achievement": {"name": "Teamwork",
              "description": "d", "criteria": {"narrative": "n"}, "type": ["Achievement"]}},
        headers={"Authorization": f"Bearer {token_for(api_platform, org.slug)}"},
    )  # fmt: skip
    assert issued.status_code == 201, issued.text
    text = issued.text
    with api_platform.unit_of_work() as services:
        services.ledger.checkpoint(OPERATOR)
    report = client.post("/verify", content=text).json()
    (ledger,) = [c for c in report["checks"] if c["name"] == "ledger"]
    assert (report["valid"], ledger["outcome"]) == (True, "passed")
    statements: list[str] = []

    def seen(*args: Any) -> None:
        if args[2] != "BEGIN":  # the transaction SQLite starts (store/db.py)
            statements.append(args[2])

    event.listen(api_platform.engine, "before_cursor_execute", seen)
    try:
        assert verified(client, text) == (True, set())
    finally:
        event.remove(api_platform.engine, "before_cursor_execute", seen)
    assert statements == []
