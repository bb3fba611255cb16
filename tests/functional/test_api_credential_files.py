"""The downloads of a stored credential: baked badges, QR code, PDF certificate; public, cached,
and each read back with an independent reader."""

from __future__ import annotations

import io
from typing import Any

import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from credstack.bootstrap import Platform
from credstack.formats.baked import extract
from tests.functional.conftest import token_for
from tests.functional.test_api_credentials import BADGE, bearer, issue
from tests.unit.formats.test_qr import render_svg


def stored(
    client: TestClient, api_platform: Platform, make_org: Any, **body: Any
) -> tuple[str, str, str]:
    """(org slug, token, credential path) of a credential issued through the API."""
    org = make_org()
    secret = token_for(api_platform, org.slug)
    issued = issue(client, org.slug, secret, **body)
    return org.slug, secret, issued.headers["location"]


def test_the_baked_badges_carry_the_credential_and_verify(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    _, _, path = stored(client, api_platform, make_org)
    text = client.get(path, headers={"Accept": "application/json"}).text
    for kind, media_type in (("png", "image/png"), ("svg", "image/svg+xml")):
        response = client.get(f"{path}/badge.{kind}")
        assert response.status_code == 200
        assert response.headers["content-type"] == media_type
        assert response.headers["cache-control"] == "public, max-age=86400"
        assert extract(response.content).text == text
        report = client.post(
            "/verify", content=response.content, headers={"Content-Type": media_type}
        )
        assert report.json()["valid"] is True
        assert report.json()["checks"][0]["code"] == f"baked_{kind}"
    image = Image.open(io.BytesIO(client.get(f"{path}/badge.png").content))
    assert image.size == (256, 256)


def test_a_jwt_credential_is_baked_too(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    _, _, path = stored(client, api_platform, make_org, suite="jwt")
    baked = client.get(f"{path}/badge.svg")
    assert baked.status_code == 200
    assert extract(baked.content).text.count(".") == 2
    assert b'<openbadges:credential verify="' in baked.content


def test_the_qr_code_leads_to_the_public_page(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    _, _, path = stored(client, api_platform, make_org)
    response = client.get(f"{path}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert b"<title>QR code: Teamwork</title>" in response.content
    assert [r.text for r in zxingcpp.read_barcodes(render_svg(response.content))] == [
        "https://badges.example.edu" + path
    ]


def test_the_certificate_names_the_achievement_and_the_verify_address(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    slug, secret, path = stored(client, api_platform, make_org)
    response = client.get(f"{path}/certificate.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "public, max-age=300"
    uid = path.rsplit("/", 1)[-1]
    assert response.headers["content-disposition"] == f'inline; filename="credential-{uid}.pdf"'
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    text = page.extract_text()
    url = "https://badges.example.edu" + path
    assert BADGE["name"] in text
    assert f"Org {slug}" in text
    assert "Valid on" in text
    assert (
        "https://badges.example.edu/verify?url=https%3A%2F%2Fbadges.example.edu%2Fcredentials%2F"
        in text
    )
    assert f"Credential {url}" in text
    assert [r.text for r in zxingcpp.read_barcodes(page.images[0].image)] == [url]
    revoked = client.post(
        f"/orgs/{slug}/credentials/{uid}/revoke", json={"reason": "error"}, headers=bearer(secret)
    )
    assert revoked.status_code == 200
    again = PdfReader(io.BytesIO(client.get(f"{path}/certificate.pdf").content))
    assert "Revoked on" in again.pages[0].extract_text()


def test_an_unknown_credential_is_a_404_problem(client: TestClient) -> None:
    for name in ("badge.png", "badge.svg", "qr.svg", "certificate.pdf"):
        response = client.get(f"/credentials/00000000-0000-4000-8000-000000000000/{name}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "credential_not_found"
    assert client.get("/credentials/not-a-uuid/badge.png").status_code in (404, 422)
