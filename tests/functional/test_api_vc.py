"""The W3C VC-API verify endpoints: 200 with the result when valid, 400 when not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.api.schemas import VerificationResultPublic
from credstack.bootstrap import Platform
from tests.functional.conftest import issue_for


def test_valid_credential_is_200_with_the_result(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    credential = json.loads(issue_for(api_platform, org.slug))
    response = client.post(
        "/credentials/verify", json={"verifiableCredential": credential, "options": {}}
    )
    assert response.status_code == 200, response.json()
    result = response.json()
    assert result["verified"] is True
    assert "proof" in result["checks"]
    assert result["errors"] == []
    assert result["report"]["issuer"] == org.issuer_did
    # Written without the response model (the hot path), the answer is still exactly it.
    public = VerificationResultPublic.model_validate(result)
    assert public.model_dump(mode="json", by_alias=True) == result
    assert response.headers["content-type"] == "application/json"


def test_jwt_credential_verifies(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    jwt = issue_for(api_platform, org.slug, suite="jwt")
    response = client.post("/credentials/verify", json={"verifiableCredential": jwt})
    assert response.status_code == 200, response.json()


def test_invalid_credential_is_400_with_the_result_and_its_problems(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    credential = json.loads(issue_for(api_platform, org.slug))
    credential["validFrom"] = "2020-01-01T00:00:00Z"
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    result = response.json()
    assert result["verified"] is False
    assert result["status"] == 400
    assert "invalid_signature" in {e["code"] for e in result["errors"]}
    assert result["code"] == result["errors"][0]["code"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{", "malformed_json"),
        (b"[]", "invalid_request"),
        (b'{"credential": {}}', "invalid_request"),
        (b'{"verifiableCredential": 3}', "invalid_request"),
        (b'{"verifiableCredential": {}, "options": []}', "invalid_request"),
    ],
)
def test_bad_requests_are_400_problems(client: TestClient, body: bytes, code: str) -> None:
    response = client.post("/credentials/verify", content=body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_presentation_of_a_valid_credential_verifies(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    credential = json.loads(issue_for(api_platform, org.slug))
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [credential],
    }
    response = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    result = response.json()
    assert response.status_code == 200, result
    assert result["verified"] is True
    assert result["report"]["credentials"][0]["valid"] is True

    credential["credentialSubject"]["achievement"]["name"] = "Leadership"
    tampered = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    assert tampered.status_code == 400
    assert "invalid_signature" in {e["code"] for e in tampered.json()["errors"]}


def test_credential_and_presentation_endpoints_are_not_interchangeable(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    credential = json.loads(issue_for(api_platform, org.slug))
    response = client.post("/presentations/verify", json={"verifiablePresentation": credential})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
