"""Issuing through the API, on SQLite and PostgreSQL: issue, fetch, verify, revoke, verify again;
suspend and unsuspend; idempotent retries; tenancy; bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import ACHIEVEMENT, BASE_URL, token_for
from tests.functional.test_api_bulk import outbox_for

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}


def bearer(secret: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **extra}


def issue(client: TestClient, slug: str, secret: str, **body: Any) -> Any:
    payload = {"achievement": BADGE, "recipient": "learner@example.com", **body}
    response = client.post(f"/orgs/{slug}/credentials", json=payload, headers=bearer(secret))
    assert response.status_code == 201, response.text
    return response


def verdict(client: TestClient, text: str) -> tuple[bool, set[str]]:
    report = client.post("/verify", content=text).json()
    failed = {c["code"] for c in report["checks"] if c["outcome"] == "failed"}
    return report["valid"], failed


def test_issue_fetch_verify_revoke_verify(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    issued = issue(client, org.slug, secret)
    path = issued.headers["location"]
    fetched = client.get(path, headers={"Accept": "application/json"})
    assert fetched.status_code == 200
    assert fetched.text == issued.text
    assert fetched.json()["id"].endswith(path)
    assert verdict(client, fetched.text) == (True, set())
    page = client.get(path, headers={"Accept": "text/html"})
    assert "<strong>Valid</strong>" in page.text  # the verdict, checked live
    assert "Teamwork" in page.text
    uid = path.rsplit("/", 1)[-1]
    revoked = client.post(
        f"/orgs/{org.slug}/credentials/{uid}/revoke",
        json={"reason": "issued in error"},
        headers=bearer(secret),
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    assert verdict(client, fetched.text) == (False, {"revoked"})
    status_url = fetched.json()["credentialStatus"]["statusListCredential"]
    listed = client.get(status_url.removeprefix("https://badges.example.edu"))
    assert listed.headers["cache-control"] == "public, max-age=60"
    assert listed.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]


def test_suspend_then_unsuspend(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    issued = issue(client, org.slug, secret, statusPurpose="suspension", suite="jwt")
    assert issued.headers["content-type"].startswith("application/vc+jwt")
    base = f"/orgs/{org.slug}/credentials/{issued.headers['credstack-credential']}"
    assert client.post(f"{base}/suspend", headers=bearer(secret)).status_code == 200
    assert verdict(client, issued.text) == (False, {"suspended"})
    assert client.post(f"{base}/unsuspend", headers=bearer(secret)).status_code == 200
    assert verdict(client, issued.text) == (True, set())
    listing = client.get(f"/orgs/{org.slug}/credentials?limit=5", headers=bearer(secret)).json()
    assert [(c["status"], c["recipient"]) for c in listing] == [("active", "learner@example.com")]


def test_idempotent_retry_and_key_reuse(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    url = f"/orgs/{org.slug}/credentials"
    body = {"achievement": BADGE, "recipient": "did:example:learner"}
    headers = bearer(secret, **{"Idempotency-Key": "retry-1"})
    first = client.post(url, json=body, headers=headers)
    again = client.post(url, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    other = client.post(url, json={**body, "recipient": "did:example:other"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"


def test_notify_emails_the_learner_once(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    url = f"/orgs/{org.slug}/credentials"
    body = {"achievement": BADGE, "recipient": "told-once@example.com", "notify": True}
    headers = bearer(secret, **{"Idempotency-Key": "notify-1"})
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201, first.text
    # The client's retry replays the credential; the learner is not told twice.
    assert client.post(url, json=body, headers=headers).content == first.content
    record = first.headers["Credstack-Credential"]
    [(recipient, text)] = outbox_for(api_platform, "told-once@example.com")
    assert f"{BASE_URL}/credentials/{record}\n" in text
    assert f'credential "{BADGE["name"]}"' in text
    # Without notify, or to a DID, nobody is emailed; notify must be a boolean.
    issue(client, org.slug, secret, recipient="untold@example.com")
    issue(client, org.slug, secret, recipient="did:example:told", notify=True)
    assert outbox_for(api_platform, "untold@example.com", "did:example:told") == []
    odd = client.post(url, json={**body, "notify": "perhaps"}, headers=bearer(secret))
    assert odd.status_code == 422
    assert outbox_for(api_platform, "told-once@example.com") == [(recipient, text)]


@pytest.mark.parametrize("role_or_other", ["assessor", "other-owner"])
def test_weaker_roles_and_other_organisations_change_nothing(
    client: TestClient, api_platform: Platform, make_org: Any, role_or_other: str
) -> None:
    org = make_org()
    mine = token_for(api_platform, org.slug)
    issued = issue(client, org.slug, mine)
    uid = issued.headers["credstack-credential"]
    if role_or_other == "assessor":
        secret = token_for(api_platform, org.slug, "assessor")
    else:
        secret = token_for(api_platform, make_org().slug, "owner")
    listed_before = client.get(f"/orgs/{org.slug}/credentials", headers=bearer(mine)).json()
    status_url = issued.json()["credentialStatus"]["statusListCredential"]
    path = status_url.removeprefix("https://badges.example.edu")
    bits_before = client.get(path).json()["credentialSubject"]["encodedList"]
    calls = [
        ("post", f"/orgs/{org.slug}/credentials", {"achievement": BADGE, "recipient": "a@b.cd"}),
        ("post", f"/orgs/{org.slug}/credentials/{uid}/revoke", {"reason": "x"}),
        ("post", f"/orgs/{org.slug}/credentials/{uid}/suspend", {}),
        ("post", f"/orgs/{org.slug}/credentials/{uid}/unsuspend", {}),
        ("get", f"/orgs/{org.slug}/credentials", None),
    ]
    for method, url, body in calls:
        response = client.request(method, url, json=body, headers=bearer(secret))
        assert response.status_code == 403, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"/orgs/{org.slug}/credentials", headers=bearer(mine)).json() == listed_before
    assert client.get(path).json()["credentialSubject"]["encodedList"] == bits_before


def test_bad_input_is_a_problem_never_a_500(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    url = f"/orgs/{org.slug}/credentials"
    bodies: list[Any] = [
        {"achievement": BADGE, "recipient": "nobody"},
        {"achievement": BADGE},
        {"recipient": "a@b.cd"},
        {"achievement": BADGE, "recipient": "a@b.cd", "suite": "rsa"},
        {"achievement": {"name": 5}, "recipient": "a@b.cd"},
        {"achievement": BADGE, "recipient": "a@b.cd", "validUntil": "2000-01-01T00:00:00Z"},
        {"achievement": BADGE, "recipient": "a@b.cd", "validUntil": "2030-01-01T00:00:00"},
        {"achievementId": "not-a-uuid", "recipient": "a@b.cd"},
        {"achievement": BADGE, "recipient": "a@b.cd", "unknown": 1},
        [1, 2],
        "text",
    ]
    for body in bodies:
        response = client.post(url, json=body, headers=bearer(secret))
        assert 400 <= response.status_code < 500, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    for path in (
        "/credentials/00000000-0000-4000-8000-000000000000",
        "/credentials/nope",
        f"/orgs/{org.slug}/status/00000000-0000-4000-8000-000000000000",
        f"/orgs/{org.slug}/credentials/00000000-0000-4000-8000-000000000000/revoke",
        f"/orgs/{org.slug}/credentials/00000000-0000-4000-8000-000000000000/explode",
        f"/orgs/{org.slug}/credentials?limit=0",
        "/orgs/no-such-org/credentials",
    ):
        method = "post" if path.endswith(("revoke", "explode")) else "get"
        response = client.request(method, path, headers=bearer(secret))
        assert 400 <= response.status_code < 500, (path, response.text)


def test_vc_api_status_update(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    issued = issue(client, org.slug, secret, statusPurpose="suspension")
    url = f"/orgs/{org.slug}/credentials/status"
    entry = {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}
    body = {"credentialId": issued.json()["id"], "credentialStatus": entry, "status": True}
    assert client.post(url, json=body, headers=bearer(secret)).json()["status"] == "suspended"
    assert verdict(client, issued.text) == (False, {"suspended"})
    body["status"] = False
    assert client.post(url, json=body, headers=bearer(secret)).json()["status"] == "active"
    wrong = {**body, "credentialStatus": {**entry, "statusPurpose": "revocation"}}
    assert client.post(url, json=wrong, headers=bearer(secret)).status_code == 400
    assessor = token_for(api_platform, org.slug, "assessor")
    assert client.post(url, json=body, headers=bearer(assessor)).status_code == 403
