"""``POST /verify`` with a baked badge image: as the raw body or as a multipart upload."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.formats.baked import bake, tiny_png
from tests.functional.conftest import issue_for

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
)


@pytest.mark.parametrize(
    ("image", "media_type"), [(tiny_png(), "image/png"), (SVG, "image/svg+xml")]
)
def test_a_baked_image_sent_as_the_body_verifies(
    client: TestClient, api_platform: Platform, make_org: Any, image: bytes, media_type: str
) -> None:
    org = make_org()
    baked = bake(image, issue_for(api_platform, org.slug))
    response = client.post("/verify", content=baked, headers={"Content-Type": media_type})
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is True, report
    assert report["issuer"] == org.issuer_did
    first = report["checks"][0]
    assert (first["name"], first["code"]) == ("image", f"baked_{media_type[6:9]}")
    assert first["message"].startswith("The credential was read from a baked")


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "jwt"])
def test_a_baked_image_uploaded_as_a_file_verifies(
    client: TestClient, api_platform: Platform, make_org: Any, suite: Any
) -> None:
    org = make_org()
    baked = bake(tiny_png(), issue_for(api_platform, org.slug, suite=suite))
    response = client.post("/verify", files={"file": ("badge.png", baked, "image/png")})
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is True, report
    assert report["checks"][0]["code"] == "baked_png"


def test_an_uploaded_json_credential_verifies_too(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    text = issue_for(api_platform, org.slug)
    response = client.post("/verify", files={"file": ("credential.json", text.encode())})
    assert response.json()["valid"] is True
    # A form field with no file name (text pasted into a form) reaches us as text.
    pasted = client.post("/verify", files={"file": (None, text)})
    assert pasted.json()["valid"] is True


def test_an_image_without_a_credential_gives_a_report_that_says_so(client: TestClient) -> None:
    response = client.post("/verify", content=tiny_png(), headers={"Content-Type": "image/png"})
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is False
    assert [(c["name"], c["code"]) for c in report["checks"]] == [("image", "not_baked")]


def test_a_file_called_an_image_that_is_not_one_is_reported(client: TestClient) -> None:
    response = client.post("/verify", content=b"GIF89a", headers={"Content-Type": "image/gif"})
    assert response.status_code == 200
    assert response.json()["checks"][0]["code"] == "unsupported_image"


def test_a_multipart_upload_without_a_file_part_is_a_400_problem(client: TestClient) -> None:
    response = client.post("/verify", files={"other": (None, "x")})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "missing_file"
