"""``GET /orgs/{slug}/admin``: the organisation for its members, behind an API token."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.services.actors import Actor
from tests.functional.conftest import token_for


def test_without_a_token_is_401_with_a_bearer_challenge(client: TestClient, make_org: Any) -> None:
    org = make_org()
    response = client.get(f"/orgs/{org.slug}/admin")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_credentials"


@pytest.mark.parametrize("secret", ["cst_" + "a" * 43, "nonsense", ""])
def test_an_unknown_token_is_401(client: TestClient, make_org: Any, secret: str) -> None:
    org = make_org()
    response = client.get(f"/orgs/{org.slug}/admin", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.json()["code"] in {"invalid_token", "invalid_credentials"}


def test_a_token_of_another_organisation_is_403(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    mine, theirs = make_org(), make_org()
    secret = token_for(api_platform, theirs.slug, "owner")
    response = client.get(f"/orgs/{mine.slug}/admin", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.json()["code"] == "other_organization"


@pytest.mark.parametrize("role", ["owner", "admin", "issuer", "assessor"])
def test_any_role_of_the_organisation_reads_its_profile(
    client: TestClient, api_platform: Platform, make_org: Any, role: str
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug, role)
    response = client.get(f"/orgs/{org.slug}/admin", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    profile = response.json()
    assert profile["slug"] == org.slug
    assert profile["issuerDid"] == org.issuer_did
    assert "id" not in profile


def test_a_revoked_token_is_401(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    with api_platform.unit_of_work() as services:
        services.tokens.revoke(Actor.operator(), organization=org.slug, token=secret[:12])
    response = client.get(f"/orgs/{org.slug}/admin", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
