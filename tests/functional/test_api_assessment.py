"""The whole assessment flow through the API, on SQLite and PostgreSQL: settings, a submission
with a file, the assessor's queue, a fail, a resubmission, a pass that issues a credential which
verifies, a second assessor, automated awards with Idempotency-Key, and bad input as problems."""

from __future__ import annotations

import base64
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.services.held import digest_of
from tests.functional.conftest import ACHIEVEMENT, token_for

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
PDF = b"%PDF-1.7\n" + b"essay " * 50
RUBRIC = {
    "passThreshold": 2,
    "criteria": [
        {
            "id": "argument",
            "name": "Argument",
            "levels": [
                {"id": "weak", "name": "Weak", "points": 0},
                {"id": "strong", "name": "Strong", "points": 2},
            ],
        }
    ],
}


def bearer(secret: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **extra}


def achievement(client: TestClient, slug: str, secret: str, **extra: Any) -> str:
    created = client.post(
        f"/orgs/{slug}/achievements", json={**BADGE, **extra}, headers=bearer(secret)
    )
    assert created.status_code == 201, created.text
    uid = str(created.json()["id"])
    client.post(f"/orgs/{slug}/achievements/{uid}/publish", headers=bearer(secret))
    return uid


def evidence() -> list[dict[str, Any]]:
    return [
        {"type": "text", "text": "Summary of my essay."},
        {
            "type": "file",
            "name": "essay.pdf",
            "mediaType": "application/pdf",
            "content": base64.b64encode(PDF).decode(),
        },
    ]


def verdict(client: TestClient, text: str) -> tuple[bool, set[str]]:
    report = client.post("/verify", content=text).json()
    return report["valid"], {c["code"] for c in report["checks"] if c["outcome"] == "failed"}


def test_submit_fail_resubmit_pass_verify(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issuer = token_for(api_platform, org.slug)
    assessor = token_for(api_platform, org.slug, "assessor")
    uid = achievement(client, org.slug, issuer)
    base = f"/orgs/{org.slug}"
    settings = {
        "prompt": "Argue a case.",
        "rubric": RUBRIC,
        "evidence": {"fileTypes": ["application/pdf"], "maxFileBytes": 4096},
    }
    put = client.put(f"{base}/achievements/{uid}/assessment", json=settings, headers=bearer(issuer))
    assert put.status_code == 200, put.text
    read = client.get(f"{base}/achievements/{uid}/assessment", headers=bearer(assessor)).json()
    assert (read["prompt"], read["reviewsRequired"]) == ("Argue a case.", 1)

    body = {"learner": "writer@example.com", "evidence": evidence()}
    submitted = client.post(
        f"{base}/achievements/{uid}/assessment/submissions", json=body, headers=bearer(issuer)
    )
    assert submitted.status_code == 201, submitted.text
    first = submitted.json()
    assert first["evidence"][1] == {
        "type": "file",
        "name": "essay.pdf",
        "mediaType": "application/pdf",
        "size": len(PDF),
        "sha256": first["evidence"][1]["sha256"],
        "digest": digest_of(PDF),
    }
    queue = client.get(f"{base}/assessment/queue", headers=bearer(assessor)).json()
    assert [s["id"] for s in queue] == [first["id"]]
    file = client.get(f"{base}/submissions/{first['id']}/evidence/1", headers=bearer(assessor))
    assert (file.status_code, file.content) == (200, PDF)
    assert file.headers["content-type"] == "application/pdf"

    failed = client.post(
        f"{base}/submissions/{first['id']}/reviews",
        json={"levels": {"argument": "weak"}, "comment": "Not yet."},
        headers=bearer(assessor),
    )
    assert failed.json()["status"] == "failed", failed.text
    second = client.post(
        f"{base}/achievements/{uid}/assessment/submissions", json=body, headers=bearer(issuer)
    ).json()
    assert second["attempt"] == 2
    passed = client.post(
        f"{base}/submissions/{second['id']}/reviews",
        json={"levels": {"argument": "strong"}, "decision": "pass"},
        headers=bearer(assessor),
    ).json()
    assert passed["status"] == "passed"
    assert passed["reviews"][0]["points"] == "2"
    credential = client.get(
        f"/credentials/{passed['credential']}", headers={"Accept": "application/json"}
    )
    assert verdict(client, credential.text) == (True, set())
    document = credential.json()
    assert document["credentialSubject"]["result"][-1] == {
        "type": ["Result"],
        "value": "2",
        "status": "Completed",
    }
    assert document["evidence"][1]["digestMultibase"] == digest_of(PDF)
    assert client.get(f"{base}/assessment/queue", headers=bearer(assessor)).json() == []


def test_second_assessor_and_bad_input(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issuer = token_for(api_platform, org.slug)
    first, second = (token_for(api_platform, org.slug, "assessor") for _ in range(2))
    uid = achievement(client, org.slug, issuer)
    base = f"/orgs/{org.slug}"
    unassessed = client.post(
        f"{base}/achievements/{uid}/assessment/submissions",
        json={"learner": "w@example.com", "evidence": [{"type": "text", "text": "x"}]},
        headers=bearer(issuer),
    )
    assert (unassessed.status_code, unassessed.json()["code"]) == (404, "not_assessed")
    bad_rubric = client.put(
        f"{base}/achievements/{uid}/assessment",
        json={"prompt": "p", "rubric": {"criteria": []}},
        headers=bearer(issuer),
    )
    assert (bad_rubric.status_code, bad_rubric.json()["code"]) == (400, "invalid_rubric")
    assert bad_rubric.headers["content-type"] == "application/problem+json"
    settings = {
        "prompt": "Argue.",
        "rubric": RUBRIC,
        "evidence": {"text": True, "url": False},
        "reviewsRequired": 2,
    }
    as_assessor = client.put(
        f"{base}/achievements/{uid}/assessment", json=settings, headers=bearer(first)
    )
    assert as_assessor.status_code == 403
    client.put(f"{base}/achievements/{uid}/assessment", json=settings, headers=bearer(issuer))
    files = client.post(
        f"{base}/achievements/{uid}/assessment/submissions",
        json={"learner": "w@example.com", "evidence": evidence()},
        headers=bearer(issuer),
    )
    assert (files.status_code, files.json()["code"]) == (400, "evidence_type_not_allowed")
    not_base64 = client.post(
        f"{base}/achievements/{uid}/assessment/submissions",
        json={
            "learner": "w@example.com",
            "evidence": [{"type": "file", "name": "a", "mediaType": "x/y", "content": "%%%"}],
        },
        headers=bearer(issuer),
    )
    assert (not_base64.status_code, not_base64.json()["code"]) == (400, "invalid_base64")
    made = client.post(
        f"{base}/achievements/{uid}/assessment/submissions",
        json={"learner": "w@example.com", "evidence": [{"type": "text", "text": "My case."}]},
        headers=bearer(issuer),
    ).json()
    review = f"{base}/submissions/{made['id']}/reviews"
    strong = {"levels": {"argument": "strong"}}
    assert client.post(review, json=strong, headers=bearer(first)).json()["status"] == "pending"
    twice = client.post(review, json=strong, headers=bearer(first))
    assert (twice.status_code, twice.json()["code"]) == (409, "already_reviewed")
    below = client.post(
        review, json={"levels": {"argument": "weak"}, "decision": "pass"}, headers=bearer(second)
    )
    assert (below.status_code, below.json()["code"]) == (400, "below_threshold")
    done = client.post(review, json=strong, headers=bearer(second)).json()
    assert (done["status"], len(done["reviews"])) == ("passed", 2)
    as_issuer = client.get(f"{base}/assessment/queue", headers=bearer(first))
    assert as_issuer.json() == []
    missing = client.get(f"{base}/submissions/{made['id']}/evidence/0", headers=bearer(first))
    assert (missing.status_code, missing.json()["code"]) == (404, "evidence_not_found")


def test_automated_award_with_idempotency(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    description = {
        "id": "urn:rd:exam",
        "type": ["ResultDescription"],
        "name": "Exam",
        "resultType": "Percent",
        "requiredValue": "70",
        "valueMin": "0",
        "valueMax": "100",
    }
    uid = achievement(client, org.slug, secret, resultDescription=[description])
    url = f"/orgs/{org.slug}/achievements/{uid}/assessment/scores"
    low = client.post(url, json={"learner": "s@example.com", "value": "69"}, headers=bearer(secret))
    assert low.status_code == 200, low.text
    assert low.json() == {"awarded": False, "reason": "69 is below the required value 70."}
    headers = bearer(secret, **{"Idempotency-Key": "lms-42"})
    body = {"learner": "s@example.com", "value": "88"}
    awarded = client.post(url, json=body, headers=headers)
    assert awarded.status_code == 201, awarded.text
    assert awarded.json()["credentialSubject"]["result"] == [
        {"type": ["Result"], "resultDescription": "urn:rd:exam", "value": "88"}
    ]
    assert verdict(client, awarded.text) == (True, set())
    retried = client.post(url, json=body, headers=headers)
    assert (retried.status_code, retried.text) == (201, awarded.text)
    reused = client.post(url, json={**body, "value": "90"}, headers=headers)
    assert (reused.status_code, reused.json()["code"]) == (409, "idempotency_key_reused")
    out = client.post(url, json={**body, "value": "101"}, headers=bearer(secret))
    assert (out.status_code, out.json()["code"]) == (400, "value_out_of_range")
    both = client.post(url, json={**body, "level": "urn:x"}, headers=bearer(secret))
    assert (both.status_code, both.json()["code"]) == (400, "invalid_score")
