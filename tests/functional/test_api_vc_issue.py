"""The W3C VC-API issue endpoint, on SQLite and PostgreSQL: issue, verify, retry; tenancy, roles
and bad requests answered as problems."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import ACHIEVEMENT, BASE_URL, token_for

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
        ({"credential": unsigned(achievement="urn:x")}, 404, "achievement_not_found"),
        ({"credential": unsigned(achievement={"id": "urn:x"})}, 404, "achievement_not_found"),
        ({"credential": unsigned(achievement=5)}, 422, "invalid_request"),
        ({"credential": unsigned(), "options": {"format": "jwt"}}, 400, "unknown_option"),
        ({"credential": unsigned(), "options": {"mandatoryPointers": ["/issuer"]}}, 400,
         "unsupported_option"),
        ({"credential": unsigned(), "options": {"previousProof": "urn:p"}}, 400,
         "unsupported_option"),
        ({"credential": unsigned(), "options": {"credentialId": 7}}, 400, "invalid_option"),
        ({"credential": unsigned(), "options": {"credentialId": "a b"}}, 400, "invalid_option"),
        ({"credential": unsigned(), "options": {"proofId": "not a uri"}}, 400, "invalid_option"),
        ({"credential": unsigned(), "options": {"proofId": "proof-1"}}, 400, "invalid_option"),
        ({"credential": unsigned(), "options": []}, 422, "invalid_request"),
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


def test_credential_id_names_the_credential_for_retries_and_status(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    url = f"/orgs/{org.slug}/credentials/issue"
    options = {"credentialId": "urn:example:enrolment-42", "proofId": "urn:uuid:1234"}
    first = client.post(url, json={"credential": unsigned(), "options": options},
                        headers=bearer(secret))  # fmt: skip
    assert first.status_code == 201, first.text
    credential = first.json()["verifiableCredential"]
    assert credential["proof"][0]["id"] == "urn:uuid:1234"
    assert client.post("/credentials/verify", json={"verifiableCredential": credential}).json()[
        "verified"
    ]
    again = client.post(url, json={"credential": unsigned(), "options": options},
                        headers=bearer(secret))  # fmt: skip
    assert (again.status_code, again.content) == (201, first.content)
    other = client.post(
        url,
        json={"credential": unsigned(id="did:example:other"), "options": options},
        headers=bearer(secret),
    )
    assert (other.status_code, other.json()["code"]) == (409, "credential_id_taken")
    assert len(client.get(f"/orgs/{org.slug}/credentials", headers=bearer(secret)).json()) == 1
    revoked = client.post(
        f"/orgs/{org.slug}/credentials/status",
        json={
            "credentialId": "urn:example:enrolment-42",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=bearer(secret),
    )
    assert (revoked.status_code, revoked.json()["status"]) == (200, "revoked"), revoked.text
    # The name is the organisation's own: another organisation may use it too.
    elsewhere = make_org()
    theirs = client.post(
        f"/orgs/{elsewhere.slug}/credentials/issue",
        json={"credential": unsigned(), "options": {"credentialId": "urn:example:enrolment-42"}},
        headers=bearer(token_for(api_platform, elsewhere.slug)),
    )
    assert theirs.status_code == 201, theirs.text


@pytest.mark.parametrize("named", ["string", "object"])
def test_a_stored_achievement_is_issued_by_its_id_and_its_version_named(
    client: TestClient, api_platform: Platform, make_org: Any, named: str
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    badge = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
    created = client.post(f"/orgs/{org.slug}/achievements", json=badge, headers=bearer(secret))
    uid = created.json()["id"]
    public_id = f"{BASE_URL}/orgs/{org.slug}/achievements/{uid}"
    reference: Any = public_id if named == "string" else {"id": public_id}
    url = f"/orgs/{org.slug}/credentials/issue"
    draft = client.post(url, json={"credential": unsigned(achievement=reference)},
                        headers=bearer(secret))  # fmt: skip
    assert (draft.status_code, draft.json()["code"]) == (409, "achievement_not_published")
    client.post(f"/orgs/{org.slug}/achievements/{uid}/publish", headers=bearer(secret))
    client.put(
        f"/orgs/{org.slug}/achievements/{uid}",
        json={**badge, "name": "Teamwork II"},
        headers=bearer(secret),
    )
    issued = client.post(url, json={"credential": unsigned(achievement=reference)},
                         headers=bearer(secret))  # fmt: skip
    assert issued.status_code == 201, issued.text
    achievement = issued.json()["verifiableCredential"]["credentialSubject"]["achievement"]
    assert (achievement["id"], achievement["name"]) == (public_id, "Teamwork II")
    listed = client.get(f"/orgs/{org.slug}/credentials", headers=bearer(secret)).json()
    assert [(c["achievementId"], c["achievementVersion"]) for c in listed] == [(uid, 2)]
    stranger = make_org()
    theirs = client.post(
        f"/orgs/{stranger.slug}/credentials/issue",
        json={"credential": unsigned(achievement=reference)},
        headers=bearer(token_for(api_platform, stranger.slug)),
    )
    assert (theirs.status_code, theirs.json()["code"]) == (404, "achievement_not_found")
