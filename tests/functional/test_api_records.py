"""A learner's record through the API, on SQLite and PostgreSQL: the transcript, a signed CLR
that POST /verify checks whole and credential by credential (and again after one inside is
revoked), the suites, picking credentials, and the refusals."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import ACHIEVEMENT, token_for

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
LEARNER = "Recorded@Example.com"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def achievement(client: TestClient, slug: str, secret: str, name: str, **extra: Any) -> str:
    response = client.post(
        f"/orgs/{slug}/achievements", json={**BADGE, "name": name, **extra}, headers=bearer(secret)
    )
    assert response.status_code == 201, response.text
    uid = response.json()["id"]
    published = client.post(f"/orgs/{slug}/achievements/{uid}/publish", headers=bearer(secret))
    assert published.status_code == 200, published.text
    return str(response.headers["location"])


def issue(client: TestClient, slug: str, secret: str, achievement_id: str, **extra: Any) -> str:
    response = client.post(
        f"/orgs/{slug}/credentials",
        json={"achievementId": achievement_id, "recipient": LEARNER, **extra},
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.text
    return str(response.headers["credstack-credential"])


def stacked_org(client: TestClient, api_platform: Platform, make_org: Any) -> tuple[str, str]:
    """An organisation whose certificate stacks two units, all three awarded to LEARNER."""
    org = make_org()
    secret = token_for(api_platform, org.slug)
    skill = {
        "type": ["Alignment"],
        "targetName": "Teamwork",
        "targetUrl": "http://data.europa.eu/esco/skill/teamwork",
        "targetFramework": "ESCO",
    }
    a = achievement(client, org.slug, secret, "Unit A", creditsAvailable=3, alignment=[skill])
    b = achievement(client, org.slug, secret, "Unit B", creditsAvailable=2)
    cert = achievement(client, org.slug, secret, "Certificate")
    tree = {
        "type": "allOf",
        "requirements": [
            {"type": "achievement", "achievement": a},
            {"type": "achievement", "achievement": b},
        ],
    }
    created = client.post(
        f"/orgs/{org.slug}/pathways",
        json={"name": "Cert", "achievementId": cert, "requirements": tree},
        headers=bearer(secret),
    )
    assert created.status_code == 201, created.text
    issue(client, org.slug, secret, a)
    issue(client, org.slug, secret, b, suite="jwt")
    return org.slug, secret


def test_transcript_clr_verify_and_revocation_after_export(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    slug, secret = stacked_org(client, api_platform, make_org)
    base = f"/orgs/{slug}/learners/{LEARNER.lower()}"
    transcript = client.get(f"{base}/transcript", headers=bearer(secret))
    assert transcript.status_code == 200, transcript.text
    record = transcript.json()
    assert sorted(e["name"] for e in record["entries"]) == ["Certificate", "Unit A", "Unit B"]
    assert record["totals"]["credentials"] == 3
    assert record["totals"]["credits"] == 5

    exported = client.post(f"{base}/clr", headers=bearer(secret))
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/vc")
    clr = exported.json()
    assert {a["associationType"] for a in clr["credentialSubject"]["association"]} == {
        "isParentOf",
        "isPartOf",
    }
    report = client.post("/verify", content=exported.text).json()
    assert report["valid"], report
    assert "ClrCredential" in report["type"]
    assert [child["valid"] for child in report["credentials"]] == [True, True, True]

    # One credential inside is revoked after the export: the same CLR now reports it.
    unit_a = next(e for e in record["entries"] if e["name"] == "Unit A")["credential"]
    revoked = client.post(
        f"/orgs/{slug}/credentials/{unit_a.rsplit('/', 1)[-1]}/revoke",
        json={"reason": "Exam misconduct."},
        headers=bearer(secret),
    )
    assert revoked.status_code == 200, revoked.text
    again = client.post("/verify", content=exported.text).json()
    assert not again["valid"]
    by_id = {child["credentialId"]: child for child in again["credentials"]}
    assert not by_id[unit_a]["valid"]
    assert "revoked" in {c["code"] for c in by_id[unit_a]["checks"] if c["outcome"] == "failed"}
    # The pathway's policy revoked the certificate too; Unit B stands.
    assert sorted(child["valid"] for child in again["credentials"]) == [False, False, True]
    # The record now flags them and leaves them out of the totals and of a new CLR.
    after = client.get(f"{base}/transcript", headers=bearer(secret)).json()
    assert sorted(e["state"] for e in after["entries"]) == ["revoked", "revoked", "valid"]
    assert after["totals"]["credits"] == 2
    fresh = client.post(f"{base}/clr", headers=bearer(secret)).json()
    assert len(fresh["credentialSubject"]["verifiableCredential"]) == 1


def test_suites_and_picked_credentials(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    slug, secret = stacked_org(client, api_platform, make_org)
    base = f"/orgs/{slug}/learners/{LEARNER}"
    token = client.post(f"{base}/clr", json={"suite": "jwt"}, headers=bearer(secret))
    assert token.status_code == 200, token.text
    assert token.headers["content-type"].startswith("application/vc+jwt")
    report = client.post(
        "/verify", content=token.text, headers={"Content-Type": "text/plain"}
    ).json()
    assert report["valid"], report
    assert report["format"] == "jwt"
    assert len(report["credentials"]) == 3
    rotated = client.post(
        f"/orgs/{slug}/keys/rotate",
        json={"kind": "p256"},
        headers=bearer(token_for(api_platform, slug, "admin")),
    )
    assert rotated.status_code == 201, rotated.text
    ecdsa = client.post(f"{base}/clr", json={"suite": "ecdsa-rdfc-2019"}, headers=bearer(secret))
    assert ecdsa.json()["proof"][0]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert client.post("/verify", content=ecdsa.text).json()["valid"]

    entries = client.get(f"{base}/transcript", headers=bearer(secret)).json()["entries"]
    unit_a = next(e for e in entries if e["name"] == "Unit A")["credential"]
    picked = client.post(f"{base}/clr", json={"credentials": [unit_a]}, headers=bearer(secret))
    assert picked.status_code == 200, picked.text
    assert picked.json()["partial"] is True
    assert len(picked.json()["credentialSubject"]["verifiableCredential"]) == 1


def problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_refusals(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    slug, secret = stacked_org(client, api_platform, make_org)
    base = f"/orgs/{slug}/learners/{LEARNER}"
    assessor = token_for(api_platform, slug, "assessor")
    stranger = token_for(api_platform, make_org().slug, "owner")
    problem(client.get(f"{base}/transcript"), 401, "invalid_credentials")
    problem(client.get(f"{base}/transcript", headers=bearer(assessor)), 403, "role_too_weak")
    problem(client.post(f"{base}/clr", headers=bearer(stranger)), 403, "other_organization")
    problem(
        client.post(f"{base}/clr", json={"suite": "rsa"}, headers=bearer(secret)),
        400,
        "unsupported_cryptosuite",
    )
    problem(
        client.post(f"{base}/clr", json={"credentials": ["urn:nope"]}, headers=bearer(secret)),
        404,
        "credential_not_in_record",
    )
    problem(
        client.post(f"/orgs/{slug}/learners/nobody@example.com/clr", headers=bearer(secret)),
        409,
        "no_credential_of_organization",
    )
    problem(
        client.get(f"/orgs/{slug}/learners/not-a-learner/transcript", headers=bearer(secret)),
        400,
        "invalid_recipient",
    )
    unknown = client.post(f"{base}/clr", json={"suites": "jwt"}, headers=bearer(secret))
    assert unknown.status_code == 422
    problem(
        client.get(f"/orgs/no-such-org/learners/{LEARNER}/transcript", headers=bearer(secret)),
        404,
        "organization_not_found",
    )
    assert json.loads(client.get(f"{base}/transcript", headers=bearer(secret)).text)["entries"]
