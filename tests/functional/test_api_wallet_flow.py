"""The learner's whole journey through HTTP, on SQLite and PostgreSQL: sign in through the
outbox link, add and confirm a second address, see the credentials issued to both (with their
status), submit evidence, fail, resubmit, an assessor passes it, and the credential appears."""

from __future__ import annotations

import base64
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import ACHIEVEMENT, token_for
from tests.functional.test_api_assessment import RUBRIC, achievement
from tests.functional.test_api_wallet_emails import add_and_confirm
from tests.functional.wallet import bearer, fresh_email, sign_in

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
PDF = b"%PDF-1.7\n" + b"my work " * 40


def issue_to(client: TestClient, slug: str, secret: str, uid: str, recipient: str) -> str:
    issued = client.post(
        f"/orgs/{slug}/credentials",
        json={"achievementId": uid, "recipient": recipient},
        headers=bearer(secret),
    )
    assert issued.status_code == 201, issued.text
    credential_id: str = issued.headers["Credstack-Credential"]
    return credential_id


def assessed(client: TestClient, slug: str, secret: str) -> str:
    uid = achievement(client, slug, secret, name="Essay")
    settings = {
        "prompt": "Write an essay.",
        "rubric": RUBRIC,
        "evidence": {"fileTypes": ["application/pdf"], "maxFileBytes": 4096},
    }
    put = client.put(
        f"/orgs/{slug}/achievements/{uid}/assessment", json=settings, headers=bearer(secret)
    )
    assert put.status_code == 200, put.text
    return uid


def evidence() -> list[dict[str, Any]]:
    return [
        {"type": "text", "text": "What I did."},
        {
            "type": "file",
            "name": "work.pdf",
            "mediaType": "application/pdf",
            "content": base64.b64encode(PDF).decode(),
        },
    ]


def test_sign_in_add_an_address_see_credentials_submit_and_be_awarded(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issuer = token_for(api_platform, org.slug)
    assessor = token_for(api_platform, org.slug, "assessor")
    teamwork = achievement(client, org.slug, issuer)
    home, work = fresh_email("home"), fresh_email("work")
    to_home = issue_to(client, org.slug, issuer, teamwork, home)
    to_work = issue_to(client, org.slug, issuer, teamwork, work.upper())
    revoked = issue_to(client, org.slug, issuer, teamwork, work)
    client.post(
        f"/orgs/{org.slug}/credentials/{revoked}/revoke",
        json={"reason": "Issued in error."},
        headers=bearer(issuer),
    )
    issue_to(client, org.slug, issuer, teamwork, fresh_email("stranger"))

    session = sign_in(client, api_platform, home)
    listed = client.get("/wallet/credentials", headers=bearer(session))
    assert listed.status_code == 200
    assert listed.headers["X-Total-Count"] == "1"
    [only] = listed.json()
    assert (only["id"], only["source"], only["status"]) == (to_home, "issued", "active")
    assert only["name"] == "Teamwork"
    assert only["issuer"] == org.issuer_did
    assert only["credential"]["credentialSubject"]["achievement"]["name"] == "Teamwork"

    # The work address is not the learner's until confirmed.
    client.post("/wallet/emails", json={"email": work}, headers=bearer(session))
    assert (
        client.get("/wallet/credentials", headers=bearer(session)).headers["X-Total-Count"] == "1"
    )
    add_and_confirm(client, api_platform, session, work)
    listed = client.get("/wallet/credentials", headers=bearer(session))
    assert listed.headers["X-Total-Count"] == "3"
    statuses = {c["id"]: c["status"] for c in listed.json()}
    assert statuses == {to_home: "active", to_work: "active", revoked: "revoked"}
    page = client.get("/wallet/credentials?offset=1&limit=1", headers=bearer(session))
    assert [c["id"] for c in page.json()] == [to_work]
    assert page.headers["X-Total-Count"] == "3"
    # Past the end: no credentials, and still how many there are.
    past = client.get("/wallet/credentials?offset=3&limit=1", headers=bearer(session))
    assert (past.json(), past.headers["X-Total-Count"]) == ([], "3")
    one = client.get(f"/wallet/credentials/{to_work}", headers=bearer(session))
    assert one.status_code == 200
    assert one.json()["credential"]["id"].endswith(to_work)
    # Each is the credential as issued: it verifies.
    verdict = client.post("/verify", json=one.json()["credential"]).json()
    assert verdict["valid"] is True, verdict

    # Self-service assessment: what is asked, a submission, a fail, a resubmission, a pass.
    essay = assessed(client, org.slug, issuer)
    brief = client.get(f"/wallet/assessments/{essay}", headers=bearer(session))
    assert brief.status_code == 200, brief.text
    assert brief.json()["prompt"] == "Write an essay."
    body = {"achievementId": essay, "email": work, "evidence": evidence()}
    first = client.post("/wallet/submissions", json=body, headers=bearer(session))
    assert first.status_code == 201, first.text
    assert (first.json()["attempt"], first.json()["status"]) == (1, "pending")
    assert first.json()["email"] == work
    assert "key" not in first.json()["evidence"][1]
    queue = client.get(f"/orgs/{org.slug}/assessment/queue", headers=bearer(assessor)).json()
    assert [s["id"] for s in queue] == [first.json()["id"]]
    pending_again = client.post("/wallet/submissions", json=body, headers=bearer(session))
    assert pending_again.status_code == 409
    assert pending_again.json()["code"] == "submission_pending"

    client.post(
        f"/orgs/{org.slug}/submissions/{first.json()['id']}/reviews",
        json={"levels": {"argument": "weak"}, "comment": "Argue more."},
        headers=bearer(assessor),
    )
    [failed] = client.get("/wallet/submissions", headers=bearer(session)).json()
    assert failed["status"] == "failed"
    assert [(r["points"], r["decision"], r["comment"]) for r in failed["reviews"]] == [
        ("0", "fail", "Argue more.")
    ]
    assert "assessor" not in failed["reviews"][0]

    second = client.post("/wallet/submissions", json=body, headers=bearer(session))
    assert second.json()["attempt"] == 2
    # Undecided: no reviews shown yet, even with a second assessor's pending.
    assert client.get("/wallet/submissions", headers=bearer(session)).json()[0]["reviews"] == []
    passed = client.post(
        f"/orgs/{org.slug}/submissions/{second.json()['id']}/reviews",
        json={"levels": {"argument": "strong"}, "comment": "Convincing."},
        headers=bearer(assessor),
    )
    assert passed.json()["status"] == "passed", passed.text
    mine = client.get("/wallet/submissions", headers=bearer(session)).json()
    assert [(s["attempt"], s["status"]) for s in mine] == [(2, "passed"), (1, "failed")]
    awarded = mine[0]["credential"]
    assert awarded is not None
    listed = client.get("/wallet/credentials", headers=bearer(session))
    assert listed.headers["X-Total-Count"] == "4"
    earned = client.get(f"/wallet/credentials/{awarded}", headers=bearer(session)).json()
    assert (earned["status"], earned["name"]) == ("active", "Essay")
    results = earned["credential"]["credentialSubject"]["result"]
    assert {"type": ["Result"], "value": "2", "status": "Completed"} in results
    again = client.post("/wallet/submissions", json=body, headers=bearer(session))
    assert again.status_code == 409
    assert again.json()["code"] == "already_passed"


def test_validity_and_jwt_credentials(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issuer = token_for(api_platform, org.slug)
    uid = achievement(client, org.slug, issuer)
    address = fresh_email()
    issued = client.post(
        f"/orgs/{org.slug}/credentials",
        json={"achievementId": uid, "recipient": address, "validUntil": "2027-01-01T00:00:00Z"},
        headers=bearer(issuer),
    )
    assert issued.status_code == 201, issued.text
    jwt = client.post(
        f"/orgs/{org.slug}/credentials",
        json={"achievementId": uid, "recipient": address, "suite": "jwt"},
        headers=bearer(issuer),
    )
    assert jwt.status_code == 201, jwt.text
    session = sign_in(client, api_platform, address)
    [entry, as_jwt] = client.get("/wallet/credentials", headers=bearer(session)).json()
    assert entry["status"] == "active"
    assert entry["validUntil"].startswith("2027-01-01")
    assert (as_jwt["mediaType"], as_jwt["name"], as_jwt["status"]) == (
        "application/vc+jwt",
        "Teamwork",
        "active",
    )
    assert as_jwt["credential"] == jwt.text


def test_submissions_refuse_bad_input_and_change_nothing(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issuer = token_for(api_platform, org.slug)
    essay = assessed(client, org.slug, issuer)
    plain = achievement(client, org.slug, issuer)
    draft = client.post(f"/orgs/{org.slug}/achievements", json=BADGE, headers=bearer(issuer))
    address = fresh_email()
    session = sign_in(client, api_platform, address)
    cases = [
        (
            {"achievementId": essay, "evidence": evidence(), "email": fresh_email()},
            403,
            "email_not_confirmed",
        ),
        ({"achievementId": plain, "evidence": evidence()}, 404, "not_assessed"),
        ({"achievementId": "nope", "evidence": evidence()}, 404, "achievement_not_found"),
        ({"achievementId": draft.json()["id"], "evidence": evidence()}, 404, "not_assessed"),
        (
            {"achievementId": essay, "evidence": [{"type": "url", "url": "http://x.example"}]},
            400,
            None,
        ),
        (
            {
                "achievementId": essay,
                "evidence": [
                    {
                        "type": "file",
                        "name": "a.pdf",
                        "mediaType": "application/pdf",
                        "content": "!",
                    }
                ],
            },
            400,
            "invalid_base64",
        ),
    ]
    for body, status, code in cases:
        refused = client.post("/wallet/submissions", json=body, headers=bearer(session))
        assert refused.status_code == status, (body, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        if code is not None:
            assert refused.json()["code"] == code
    assert client.get("/wallet/submissions", headers=bearer(session)).json() == []
    missing = client.get("/wallet/credentials/not-a-uuid", headers=bearer(session))
    assert missing.status_code == 404
    assert missing.json()["code"] == "credential_not_found"
    bad_page = client.get("/wallet/credentials?limit=0", headers=bearer(session))
    assert bad_page.status_code == 422
