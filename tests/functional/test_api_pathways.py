"""Pathways through the API, on SQLite and PostgreSQL: define, follow progress, auto-award
through ordinary issuing, verify the stacked credential and its components' digests, revoke a
component and see the stack revoked; cycles, bad trees, roles and tenancy refused."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.services.held import digest_of
from tests.functional.conftest import ACHIEVEMENT, BASE_URL, token_for

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
LEARNER = "stacker@example.com"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def achievement(client: TestClient, slug: str, secret: str, name: str) -> str:
    response = client.post(
        f"/orgs/{slug}/achievements", json={**BADGE, "name": name}, headers=bearer(secret)
    )
    assert response.status_code == 201, response.text
    uid = response.json()["id"]
    published = client.post(f"/orgs/{slug}/achievements/{uid}/publish", headers=bearer(secret))
    assert published.status_code == 200, published.text
    return str(response.headers["location"])


def issue(client: TestClient, slug: str, secret: str, achievement_id: str) -> Any:
    response = client.post(
        f"/orgs/{slug}/credentials",
        json={"achievementId": achievement_id, "recipient": LEARNER},
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.text
    return response


def verdict(client: TestClient, text: str) -> tuple[bool, set[str]]:
    report = client.post("/verify", content=text).json()
    return report["valid"], {c["code"] for c in report["checks"] if c["outcome"] == "failed"}


def test_define_progress_award_verify_revoke(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    reader = token_for(api_platform, org.slug, "assessor")
    a, b = (
        achievement(client, org.slug, secret, "Unit A"),
        achievement(client, org.slug, secret, "Unit B"),
    )
    cert = achievement(client, org.slug, secret, "Certificate")
    assert cert.startswith(f"{BASE_URL}/orgs/{org.slug}/achievements/")
    body = {
        "name": "Certificate pathway",
        "achievementId": cert,
        "requirements": {
            "type": "allOf",
            "requirements": [
                {"type": "achievement", "achievement": a},
                {"type": "achievement", "achievement": b},
            ],
        },
    }
    created = client.post(f"/orgs/{org.slug}/pathways", json=body, headers=bearer(secret))
    assert created.status_code == 201, created.text
    pathway = created.json()
    assert (pathway["achievement"], pathway["revocationPolicy"]) == (cert, "revoke")
    base = f"/orgs/{org.slug}/pathways/{pathway['id']}"
    assert created.headers["location"] == base
    listed = client.get(f"/orgs/{org.slug}/pathways", headers=bearer(reader)).json()
    assert [p["id"] for p in listed] == [pathway["id"]]

    first = issue(client, org.slug, secret, a)
    halfway = client.post(f"{base}/progress", json={"learner": LEARNER}, headers=bearer(reader))
    assert halfway.status_code == 200, halfway.text
    assert (halfway.json()["percent"], halfway.json()["award"]) == (50, None)
    assert halfway.json()["remaining"] == [f"a credential of {b}"]

    second = issue(client, org.slug, secret, b)
    done = client.post(f"{base}/progress", json={"learner": LEARNER}, headers=bearer(reader)).json()
    assert (done["met"], done["percent"], done["award"]["status"]) == (True, 100, "awarded")
    stacked = client.get(
        f"/credentials/{done['award']['credential']}", headers={"Accept": "application/json"}
    )
    assert stacked.status_code == 200
    assert verdict(client, stacked.text) == (True, set())
    evidence = stacked.json()["evidence"]
    assert [e["id"] for e in evidence] == [first.json()["id"], second.json()["id"]]
    for entry, component in zip(evidence, (first, second), strict=True):
        fetched = client.get(
            entry["id"].removeprefix(BASE_URL), headers={"Accept": "application/json"}
        )
        assert entry["digestMultibase"] == digest_of(fetched.text) == digest_of(component.text)

    uid = first.headers["location"].rsplit("/", 1)[-1]
    revoked = client.post(
        f"/orgs/{org.slug}/credentials/{uid}/revoke",
        json={"reason": "error"},
        headers=bearer(secret),
    )
    assert revoked.status_code == 200, revoked.text
    assert verdict(client, stacked.text) == (False, {"revoked"})
    awards = client.get(f"{base}/awards?status=revoked", headers=bearer(reader)).json()
    assert [w["credential"] for w in awards] == [done["award"]["credential"]]

    resolve = f"{base}/awards/{awards[0]['id']}/resolve"
    settled = client.post(resolve, json={"decision": "keep"}, headers=bearer(secret))
    assert (settled.status_code, settled.json()["code"]) == (409, "award_not_in_review")

    archived = client.post(f"{base}/archive", headers=bearer(secret))
    assert archived.json()["status"] == "archived"
    again = client.post(f"{base}/awards", json={"learner": LEARNER}, headers=bearer(secret))
    assert (again.status_code, again.json()["code"]) == (409, "pathway_archived")


def test_bad_definitions_roles_and_tenancy(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org, other = make_org(), make_org()
    secret = token_for(api_platform, org.slug)
    a = achievement(client, org.slug, secret, "Unit A")
    cert = achievement(client, org.slug, secret, "Certificate")
    url = f"/orgs/{org.slug}/pathways"

    def post(body: dict[str, Any], token: str = secret) -> Any:
        return client.post(url, json=body, headers=bearer(token))

    def leaf(achievement_id: str) -> dict[str, Any]:
        return {"type": "achievement", "achievement": achievement_id}

    good = {"name": "p", "achievementId": cert, "requirements": leaf(a)}
    cycle = post({**good, "requirements": leaf(cert)})
    assert (cycle.status_code, cycle.json()["code"]) == (400, "pathway_cycle")
    assert cycle.headers["content-type"] == "application/problem+json"
    assert "Certificate" in cycle.json()["detail"]
    bad_tree = post({**good, "requirements": {"type": "nOf", "n": 2, "requirements": [leaf(a)]}})
    assert (bad_tree.status_code, bad_tree.json()["code"]) == (400, "invalid_requirements")
    assert "/n" in bad_tree.json()["detail"]
    schema = post({**good, "revocationPolicy": "ignore"})
    assert schema.status_code == 422
    assert client.post(url, json=good).status_code == 401
    assessor = post(good, token_for(api_platform, org.slug, "assessor"))
    assert (assessor.status_code, assessor.json()["code"]) == (403, "role_too_weak")
    stranger = post(good, token_for(api_platform, other.slug, "owner"))
    assert stranger.status_code == 403
    assert client.get(url, headers=bearer(secret)).json() == []  # nothing was stored
    created = post(good).json()
    edited = client.put(
        f"{url}/{created['id']}", json={**good, "name": "renamed"}, headers=bearer(secret)
    )
    assert edited.json()["name"] == "renamed"
    assert client.get(f"{url}/{created['id']}", headers=bearer(secret)).json()["name"] == "renamed"
    foreign = client.get(
        f"/orgs/{other.slug}/pathways/{created['id']}",
        headers=bearer(token_for(api_platform, other.slug)),
    )
    assert (foreign.status_code, foreign.json()["code"]) == (404, "pathway_not_found")
    nobody = client.post(
        f"{url}/{created['id']}/progress", json={"learner": "nobody"}, headers=bearer(secret)
    )
    assert (nobody.status_code, nobody.json()["code"]) == (400, "invalid_recipient")
