"""The signed-in learner's own record over HTTP, on SQLite and PostgreSQL: the transcript and
skills over every confirmed address and the wallet's held credentials, a CLR signed by an
organisation the learner picks (verified by POST /verify), and nothing of another learner's."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import ACHIEVEMENT, token_for
from tests.functional.wallet import bearer, fresh_email, last_token, sign_in

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
SKILL = {
    "type": ["Alignment"],
    "targetName": "Teamwork",
    "targetUrl": "http://data.europa.eu/esco/skill/teamwork",
    "targetFramework": "ESCO",
}


def award(client: TestClient, slug: str, secret: str, recipient: str, name: str) -> str:
    response = client.post(
        f"/orgs/{slug}/credentials",
        json={"achievement": {**BADGE, "name": name, "alignment": [SKILL]}, "recipient": recipient},
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def confirm(client: TestClient, platform: Platform, token: str, address: str) -> None:
    added = client.post("/wallet/emails", json={"email": address}, headers=bearer(token))
    assert added.status_code == 202, added.text
    done = client.post("/wallet/emails/confirm", json={"token": last_token(platform, address)})
    assert done.status_code == 200, done.text


def test_the_learner_reads_their_record_and_exports_a_clr(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    home, work = fresh_email("home"), fresh_email("work")
    acme, other = make_org(), make_org()
    acme_secret, other_secret = (
        token_for(api_platform, acme.slug),
        token_for(api_platform, other.slug),
    )
    first = award(client, acme.slug, acme_secret, home.upper(), "Unit A")
    second = award(client, acme.slug, acme_secret, work, "Unit B")
    elsewhere = award(client, other.slug, other_secret, home, "Other badge")
    token = sign_in(client, api_platform, home)
    confirm(client, api_platform, token, work)

    record = client.get("/wallet/transcript", headers=bearer(token))
    assert record.status_code == 200, record.text
    entries = record.json()["entries"]
    assert sorted(e["credential"] for e in entries) == sorted([first, second, elsewhere])
    assert record.json()["totals"]["credentials"] == 3
    skills = client.get("/wallet/skills", headers=bearer(token)).json()
    [esco] = skills["frameworks"]
    [teamwork] = esco["skills"]
    assert len(teamwork["credentials"]) == 3

    exported = client.post("/wallet/clr", json={"organization": acme.slug}, headers=bearer(token))
    assert exported.status_code == 200, exported.text
    inside = exported.json()["credentialSubject"]["verifiableCredential"]
    assert sorted(c["id"] for c in inside) == sorted([first, second])
    assert len(exported.json()["credentialSubject"]["identifier"]) == 2
    report = client.post("/verify", content=exported.text).json()
    assert report["valid"], report
    assert [child["valid"] for child in report["credentials"]] == [True, True]

    picked = client.post(
        "/wallet/clr",
        json={"organization": acme.slug, "credentials": [first, elsewhere], "suite": "jwt"},
        headers=bearer(token),
    )
    assert picked.status_code == 200, picked.text
    assert picked.headers["content-type"].startswith("application/vc+jwt")
    verified = client.post(
        "/verify", content=picked.text, headers={"Content-Type": "text/plain"}
    ).json()
    assert verified["valid"], verified
    assert len(verified["credentials"]) == 2


def test_one_learner_sees_nothing_of_another(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    ada, bob = fresh_email("ada"), fresh_email("bob")
    acme = make_org()
    secret = token_for(api_platform, acme.slug)
    adas = award(client, acme.slug, secret, ada, "Unit A")
    bobs_token = sign_in(client, api_platform, bob)
    assert client.get("/wallet/transcript", headers=bearer(bobs_token)).json()["entries"] == []
    assert client.get("/wallet/skills", headers=bearer(bobs_token)).json()["frameworks"] == []
    taken = client.post(
        "/wallet/clr",
        json={"organization": acme.slug, "credentials": [adas]},
        headers=bearer(bobs_token),
    )
    assert taken.status_code == 404, taken.text
    assert taken.json()["code"] == "credential_not_in_record"
    nothing = client.post(
        "/wallet/clr", json={"organization": acme.slug}, headers=bearer(bobs_token)
    )
    assert nothing.status_code == 409
    assert nothing.json()["code"] == "no_credential_of_organization"


def test_the_routes_need_a_session_and_good_input(
    client: TestClient, api_platform: Platform
) -> None:
    for method, path in (
        ("GET", "/wallet/transcript"),
        ("GET", "/wallet/skills"),
        ("POST", "/wallet/clr"),
    ):
        refused = client.request(method, path, json={"organization": "x"})
        assert refused.status_code == 401, refused.text
        assert refused.json()["code"] == "invalid_session"
    token = sign_in(client, api_platform, fresh_email())
    unknown = client.post("/wallet/clr", json={"organization": "no-such"}, headers=bearer(token))
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "organization_not_found"
    assert client.post("/wallet/clr", json={}, headers=bearer(token)).status_code == 422
