"""The organisation's Profile over HTTP, on SQLite and PostgreSQL: edited by its admins, served
in public as JSON-LD and as a page, carried by the credentials it issues (which still verify);
the public achievement page; the EU context at its own URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.jsonld.loader import context_bytes
from credstack.model.quality import EU_MICROCREDENTIAL_CONTEXT
from tests.functional.conftest import ACHIEVEMENT, token_for

EU_FIXTURE = Path(__file__).parents[1] / "unit" / "model" / "eu_achievement.json"
BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
PROFILE = {
    "name": "Acme Academy",
    "url": "https://acme.example",
    "email": "Badges@Acme.example",
    "image": "https://acme.example/logo.png",
    "description": "Short courses <b>for</b> engineers.",
    "country": "nl",
    "streetAddress": "Keizersgracht 1",
    "locality": "Amsterdam",
    "region": "Noord-Holland",
    "postalCode": "1015 AA",
    "accreditation": "Accredited by NVAO",
    "accreditationUrl": "https://nvao.example/acme",
}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_admin_edits_the_profile_and_the_public_reads_it(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    edited = client.patch(f"/orgs/{org.slug}", json=PROFILE, headers=bearer(admin))
    assert edited.status_code == 200, edited.text
    assert edited.json()["country"] == "NL"
    assert edited.json()["email"] == "badges@acme.example"

    public = client.get(f"/orgs/{org.slug}", headers={"Accept": "application/json"})
    assert public.status_code == 200
    assert public.headers["cache-control"] == "public, max-age=300"
    profile = public.json()
    assert profile["@context"][-1] == EU_MICROCREDENTIAL_CONTEXT
    assert profile["id"] == org.issuer_did
    assert profile["type"] == ["Profile"]
    assert profile["image"] == {"id": "https://acme.example/logo.png", "type": "Image"}
    assert profile["address"] == {
        "type": ["Address"],
        "addressCountry": "Netherlands",
        "addressCountryCode": "NL",
        "addressRegion": "Noord-Holland",
        "addressLocality": "Amsterdam",
        "streetAddress": "Keizersgracht 1",
        "postalCode": "1015 AA",
    }
    assert profile["qualityAssurance"] == [
        {
            "type": "Accreditation",
            "title": "Accredited by NVAO",
            "homepage": "https://nvao.example/acme",
        }
    ]
    ld = client.get(f"/orgs/{org.slug}", headers={"Accept": "application/ld+json"})
    assert ld.headers["content-type"] == "application/ld+json"

    page = client.get(f"/orgs/{org.slug}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Acme Academy</h1>" in page.text
    assert "Short courses &lt;b&gt;for&lt;/b&gt; engineers." in page.text
    assert "Accredited by NVAO" in page.text
    assert f"/orgs/{org.slug}/did.json" in page.text


def test_clearing_fields_and_reading_as_a_member(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    client.patch(f"/orgs/{org.slug}", json=PROFILE, headers=bearer(admin))
    cleared = client.patch(
        f"/orgs/{org.slug}",
        json={"accreditation": None, "streetAddress": ""},
        headers=bearer(admin),
    )
    assert cleared.status_code == 200
    assert cleared.json()["accreditation"] is None
    assert cleared.json()["streetAddress"] is None
    assert cleared.json()["locality"] == "Amsterdam"
    profile = client.get(f"/orgs/{org.slug}").json()
    assert "qualityAssurance" not in profile
    assert EU_MICROCREDENTIAL_CONTEXT not in profile["@context"]
    assessor = token_for(api_platform, org.slug, "assessor")
    read = client.get(f"/orgs/{org.slug}/admin", headers=bearer(assessor))
    assert read.json()["url"] == "https://acme.example"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("url", "ftp://acme.example", "invalid_url"),
        ("url", "not a url", "invalid_url"),
        ("image", "javascript:alert(1)", "invalid_url"),
        ("accreditationUrl", "acme.example", "invalid_url"),
        ("email", "nobody", "invalid_email"),
        ("country", "ZZ", "invalid_country"),
        ("country", "NLD", "invalid_country"),
        ("name", None, "invalid_name"),
        ("name", "   ", "invalid_name"),
    ],
)
def test_bad_profile_input_is_a_stable_400_and_changes_nothing(
    client: TestClient, api_platform: Platform, make_org: Any, field: str, value: Any, code: str
) -> None:
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    before = client.get(f"/orgs/{org.slug}").json()
    response = client.patch(
        f"/orgs/{org.slug}", json={"locality": "Delft", field: value}, headers=bearer(admin)
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert client.get(f"/orgs/{org.slug}").json() == before


def test_unknown_fields_and_unknown_organisations(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    unknown = client.patch(f"/orgs/{org.slug}", json={"slug": "x"}, headers=bearer(admin))
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "invalid_request"
    missing = client.get("/orgs/no-such-org", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert missing.json()["code"] == "organization_not_found"


def test_credentials_carry_the_profile_and_verify(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    admin = token_for(api_platform, org.slug, "admin")
    assert client.patch(f"/orgs/{org.slug}", json=PROFILE, headers=bearer(admin)).is_success
    eu = json.loads(EU_FIXTURE.read_text())
    created = client.post(
        f"/orgs/{org.slug}/achievements",
        json={**eu, "profile": "eu-2022"},
        headers=bearer(admin),
    ).json()
    assert created["quality"]["met"] is True  # the country now comes from the Profile
    url = f"/orgs/{org.slug}/achievements/{created['id']}"
    assert client.post(f"{url}/publish", headers=bearer(admin)).status_code == 200

    for body, accredited in (
        ({"achievementId": created["achievement"]["id"]}, True),
        ({"achievement": BADGE}, False),
    ):
        issued = client.post(
            f"/orgs/{org.slug}/credentials",
            json={**body, "recipient": "learner@example.com"},
            headers=bearer(admin),
        )
        assert issued.status_code == 201, issued.text
        issuer = issued.json()["issuer"]
        assert issuer["name"] == "Acme Academy"
        assert issuer["address"]["addressCountryCode"] == "NL"
        assert issuer["image"]["id"] == "https://acme.example/logo.png"
        assert ("qualityAssurance" in issuer) is accredited
        report = client.post("/verify", content=issued.text).json()
        assert report["valid"] is True, report


def test_the_public_achievement_page(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    badge = {**BADGE, "name": "Teamwork <script>", "achievementType": "Badge"}
    created = client.post(f"/orgs/{org.slug}/achievements", json=badge, headers=bearer(secret))
    url = f"/orgs/{org.slug}/achievements/{created.json()['id']}"
    client.post(f"{url}/publish", headers=bearer(secret))
    page = client.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"
    assert "<h1>Teamwork &lt;script&gt;</h1>" in page.text
    assert "Peer nominated." in page.text
    as_json = client.get(url, headers={"Accept": "application/json"})
    assert as_json.json()["name"] == "Teamwork <script>"


def test_the_eu_context_is_served_as_bundled(client: TestClient) -> None:
    response = client.get("/contexts/eu-microcredential/v1.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.content == context_bytes(EU_MICROCREDENTIAL_CONTEXT)
    assert "qualityAssurance" in response.json()["@context"]
