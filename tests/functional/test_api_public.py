"""The public HTTP API through ``create_app()``: health, DID documents, ``POST /verify``.

A credential signed with an organisation's key names its did:web DID under
``https://badges.example.edu``, a host nothing here can reach: it verifies only because the
app resolves its own DIDs from the database.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import issue_for


def _check(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [c for c in report["checks"] if c["name"] == name]


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/verify", "/credentials/verify", "/presentations/verify"} <= set(paths)


def test_did_document_is_the_services_document(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    response = client.get(f"/orgs/{org.slug}/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "max-age" in response.headers["cache-control"]
    with api_platform.unit_of_work() as services:
        assert response.json() == services.organizations.did_document(org.slug)
    assert response.json()["id"] == org.issuer_did
    asked = client.get(f"/orgs/{org.slug}/did.json", headers={"Accept": "application/did+json"})
    assert asked.headers["content-type"] == "application/did+json"


def test_unknown_organisation_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/orgs/no-such-org/did.json")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "organization_not_found"
    assert problem["status"] == 404
    assert problem["title"] == "Not Found"
    assert problem["type"] == "urn:credstack:problem:organization_not_found"


def test_credential_of_an_organisation_verifies(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    text = issue_for(api_platform, org.slug)
    response = client.post("/verify", content=text, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is True, report
    assert report["issuer"] == org.issuer_did
    assert [c["outcome"] for c in _check(report, "proof")] == ["passed"]


def test_wrapped_credential_and_jwt_verify(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    wrapped = {"verifiableCredential": json.loads(issue_for(api_platform, org.slug))}
    assert client.post("/verify", json=wrapped).json()["valid"] is True
    jwt = issue_for(api_platform, org.slug, suite="jwt")
    response = client.post("/verify", content=jwt, headers={"Content-Type": "application/vc+jwt"})
    assert response.json()["valid"] is True, response.json()
    plain = client.post("/verify", content=jwt, headers={"Content-Type": "text/plain"})
    assert plain.json()["valid"] is True


def test_tampered_credential_is_invalid_with_200(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    credential = json.loads(issue_for(api_platform, org.slug))
    credential["credentialSubject"]["achievement"]["name"] = "Leadership"
    response = client.post("/verify", json=credential)
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is False
    assert "invalid_signature" in {c["code"] for c in _check(report, "proof")}


def test_credential_of_an_unknown_local_org_does_not_verify(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    text = issue_for(api_platform, org.slug).replace(org.slug, "gone-org")
    report = client.post("/verify", content=text).json()
    assert report["valid"] is False


def test_malformed_json_is_a_report_not_an_error(client: TestClient) -> None:
    # Decision: POST /verify answers every body with a report; a body that cannot be parsed
    # is a failed "parse" check (200), never a 500 and never a problem.
    response = client.post(
        "/verify", content=b'{"@context": [', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is False
    assert _check(report, "parse")[0]["code"] == "malformed_json"
    for body in (b"", b"[1, 2]", b"\xff\xfe", b"null"):
        answer = client.post("/verify", content=body)
        assert answer.status_code == 200
        assert answer.json()["valid"] is False


def test_oversize_body_is_a_413_problem(client: TestClient) -> None:
    response = client.post("/verify", content=b" " * (1_048_576 + 1))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "too_large"


def test_oversize_chunked_body_is_a_413_problem(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(17):
            yield b" " * 65_536

    response = client.post("/verify", content=chunks())
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_unknown_path_and_method_are_problems(client: TestClient) -> None:
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = client.get("/presentations/verify")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"
