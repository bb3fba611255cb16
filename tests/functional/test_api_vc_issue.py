"""The W3C VC-API issue endpoint, on SQLite and PostgreSQL: issue, verify, retry; tenancy, roles
and bad requests answered as problems."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import ACHIEVEMENT, token_for

LEARNER = "did:example:learner"


def bearer(secret: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **extra}


def unsigned(issuer: Any = None, **subject: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": LEARNER,
            "achievement": ACHIEVEMENT,
            **subject,
        },
    }
    if issuer is not None:
        credential["issuer"] = issuer
    return credential


@pytest.mark.parametrize("issuer", ["omitted", "did", "profile"])
def test_issue_then_verify(
    client: TestClient, api_platform: Platform, make_org: Any, issuer: str
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    given = {"omitted": None, "did": org.issuer_did, "profile": {"id": org.issuer_did}}[issuer]
    response = client.post(
        f"/orgs/{org.slug}/credentials/issue",
        json={"credential": unsigned(given), "options": {}},
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.text
    credential = response.json()["verifiableCredential"]
    assert credential["issuer"]["id"] == org.issuer_did
    assert credential["credentialSubject"]["id"] == LEARNER
    assert credential["credentialSubject"]["achievement"]["id"] == ACHIEVEMENT["id"]
    verified = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True
    listed = client.get(f"/orgs/{org.slug}/credentials", headers=bearer(secret)).json()
    assert [c["recipient"] for c in listed] == [LEARNER]


def test_idempotency_key_returns_the_same_credential(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    headers = bearer(token_for(api_platform, org.slug), **{"Idempotency-Key": "vc-api-1"})
    url = f"/orgs/{org.slug}/credentials/issue"
    first = client.post(url, json={"credential": unsigned()}, headers=headers)
    again = client.post(url, json={"credential": unsigned()}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    other = client.post(url, json={"credential": unsigned(id="did:example:other")}, headers=headers)
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


@pytest.mark.parametrize("role_or_other", ["assessor", "other-owner"])
def test_weaker_roles_and_other_organisations_are_refused(
    client: TestClient, api_platform: Platform, make_org: Any, role_or_other: str
) -> None:
    org = make_org()
    if role_or_other == "assessor":
        secret = token_for(api_platform, org.slug, "assessor")
    else:
        secret = token_for(api_platform, make_org().slug, "owner")
    for issuer in (None, "did:example:someone-else"):
        response = client.post(
            f"/orgs/{org.slug}/credentials/issue",
            json={"credential": unsigned(issuer)},
            headers=bearer(secret),
        )
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
    mine = token_for(api_platform, org.slug)
    assert client.get(f"/orgs/{org.slug}/credentials", headers=bearer(mine)).json() == []


def test_bad_requests_are_problems_never_a_500(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    url = f"/orgs/{org.slug}/credentials/issue"
    coded: list[tuple[Any, int, str]] = [
        ({"credential": unsigned("did:example:someone-else")}, 400, "issuer_mismatch"),
        ({"credential": unsigned({"id": "did:example:x"})}, 400, "issuer_mismatch"),
        ({"credential": unsigned(id=None)}, 400, "invalid_recipient"),
        ({"credential": unsigned(id="learner@example.com")}, 400, "invalid_recipient"),
        ({"credential": {**unsigned(), "proof": {"type": "DataIntegrityProof"}}}, 400,
         "already_signed"),
        ({"credential": unsigned(achievement={"name": 5})}, 400, "invalid_credential"),
        ({"credential": unsigned(achievement="urn:x")}, 422, "invalid_request"),
        ({"credential": {"issuer": org.issuer_did}}, 422, "invalid_request"),
        ({"credential": unsigned(), "unknown": 1}, 422, "invalid_request"),
        ({"verifiableCredential": unsigned()}, 422, "invalid_request"),
        ([1, 2], 422, "invalid_request"),
        ("text", 422, "invalid_request"),
    ]  # fmt: skip
    for body, status, code in coded:
        response = client.post(url, json=body, headers=bearer(secret))
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code, (body, response.text)
    assert client.post(url, json={"credential": unsigned()}).status_code == 401
    assert client.get(f"/orgs/{org.slug}/credentials", headers=bearer(secret)).json() == []
