"""The public pages through the app, on SQLite and PostgreSQL: the home page, the verify page
(paste, upload, URL; valid, tampered, refused input) and the public credential page (status,
QR code, revocation), with their headers."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.formats.baked import bake, tiny_png
from credstack.web.templating import CONTENT_SECURITY_POLICY
from tests.conftest import vector_path
from tests.functional.conftest import BASE_URL, token_for
from tests.functional.test_api_credentials import bearer, issue

HTML = {"Accept": "text/html"}


def main_text(page: str) -> str:
    """The visible words of the page's <main>, tags removed, spaces collapsed."""
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_home_page_links_to_every_part(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for link in ('href="/verify"', 'href="/wallet"', 'href="/console"', 'href="/login"'):
        assert link in page.text
    assert 'aria-current="page">Home' in page.text
    stylesheet = re.search(r'href="(/static/style\.css\?v=[0-9a-f]{12})"', page.text)
    assert stylesheet is not None
    css = client.get(stylesheet.group(1))
    assert css.status_code == 200
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert css.headers["content-type"].startswith("text/css")
    assert client.get("/static/missing.css").status_code == 404


def test_verify_page_form_has_a_label_for_every_input(client: TestClient) -> None:
    page = client.get("/verify").text
    assert 'action="/verify/report"' in page
    for field in ("credential", "file", "url"):
        assert f'<label for="{field}">' in page
        assert f'id="{field}" name="{field}"' in page


def test_pasted_credential_valid_then_tampered(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    text = issue(client, org.slug, secret).text
    valid = client.post("/verify/report", data={"credential": text})
    assert valid.status_code == 200
    words = main_text(valid.text)
    assert "Valid: Teamwork" in words
    assert "Passed Signature." in words
    assert f"Org {org.slug}" in words
    tampered = json.loads(text)
    tampered["credentialSubject"]["achievement"]["name"] = "Rocket science"
    invalid = client.post("/verify/report", data={"credential": json.dumps(tampered)})
    assert invalid.status_code == 200
    words = main_text(invalid.text)
    assert "Not valid: Rocket science" in words
    assert "Failed Signature." in words


def test_uploaded_file_and_jwt(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    jwt = issue(client, org.slug, secret, suite="jwt").text
    uploaded = client.post(
        "/verify/report", files={"file": ("badge.jwt", jwt.encode(), "text/plain")}
    )
    assert uploaded.status_code == 200
    assert "Valid: Teamwork" in main_text(uploaded.text)
    baked = bake(tiny_png(), jwt)
    image = client.post("/verify/report", files={"file": ("badge.png", baked, "image/png")})
    assert image.status_code == 200
    words = main_text(image.text)
    assert "Valid: Teamwork" in words
    assert "Passed Badge image. The credential was read from a baked PNG image" in words
    plain = client.post("/verify/report", files={"file": ("x.png", tiny_png(), "image/png")})
    assert plain.status_code == 200
    words = main_text(plain.text)
    assert "Not valid" in words
    assert "Failed Badge image." in words


def test_uploaded_clr_shows_every_credential_inside(client: TestClient) -> None:
    clr = vector_path("1edtech-validator-clr20/simple.json").read_bytes()
    page = client.post("/verify/report", files={"file": ("clr.json", clr, "application/json")})
    assert page.status_code == 200
    words = main_text(page.text)
    assert "Valid: Sample Transcript" in words
    assert "Credential 1 of 1" in words
    assert "Valid: Teamwork" in words.split("Credential 1 of 1", 1)[1]


def test_url_of_our_credential_is_read_from_the_database(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    issued = issue(client, org.slug, secret)
    url = BASE_URL + issued.headers["location"]
    by_link = client.get("/verify", params={"url": url})
    assert by_link.status_code == 200
    assert "Valid: Teamwork" in main_text(by_link.text)
    by_form = client.post("/verify/report", data={"url": url})
    assert "Valid: Teamwork" in main_text(by_form.text)
    unknown = client.get(
        "/verify", params={"url": f"{BASE_URL}/credentials/00000000-0000-4000-8000-000000000000"}
    )
    assert unknown.status_code == 404
    assert "[credential_not_found]" in main_text(unknown.text)


def test_refused_input_is_a_400_page_with_the_reason(client: TestClient) -> None:
    empty = client.post("/verify/report", data={"credential": "  "})
    assert empty.status_code == 400
    assert "[nothing_to_verify]" in main_text(empty.text)
    not_a_url = client.post("/verify/report", data={"url": "javascript:alert(1)"})
    assert not_a_url.status_code == 400
    assert "[invalid_url]" in main_text(not_a_url.text)
    # The guarded fetcher refuses loopback addresses (server-side request forgery).
    private = client.get("/verify", params={"url": "https://127.0.0.1/credentials/1"})
    assert private.status_code == 400
    assert "not a public address" in main_text(private.text)


def test_markup_in_a_credential_is_shown_as_text(client: TestClient) -> None:
    hostile = {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "<script>x()</script>"}
    page = client.post("/verify/report", data={"credential": json.dumps(hostile)}).text
    assert "<script>x()" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page


def test_credential_page_shows_status_qr_and_revocation(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    issued = issue(client, org.slug, secret)
    path = issued.headers["location"]
    page = client.get(path, headers=HTML)
    assert page.status_code == 200
    assert page.headers["vary"] == "Accept"
    words = main_text(page.text)
    assert "Status: Active" in words
    assert "Valid" in words
    assert "Not valid" not in words
    assert 'src="data:image/svg+xml' in page.text
    verify_link = "/verify?url=" + quote(BASE_URL + path, safe="")
    assert f'href="{verify_link}"' in page.text
    assert "Valid: Teamwork" in main_text(client.get(verify_link).text)
    for download, kind in (("badge.png", "image/png"), ("certificate.pdf", "application/pdf")):
        assert f'href="{path}/{download}"' in page.text
        fetched = client.get(f"{path}/{download}")
        assert (fetched.status_code, fetched.headers["content-type"]) == (200, kind)
    uid = path.rsplit("/", 1)[-1]
    revoked = client.post(
        f"/orgs/{org.slug}/credentials/{uid}/revoke", json={"reason": "x"}, headers=bearer(secret)
    )
    assert revoked.status_code == 200
    words = main_text(client.get(path, headers=HTML).text)
    assert "Status: Revoked since" in words
    assert "Not valid" in words
    assert "The issuer revoked this credential" in words
    assert client.get(path, headers={"Accept": "application/json"}).text == issued.text


def test_unknown_credential_is_a_404_page_for_people_and_a_problem_for_machines(
    client: TestClient,
) -> None:
    path = "/credentials/00000000-0000-4000-8000-000000000000"
    page = client.get(path, headers=HTML)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "No such credential" in main_text(page.text)
    problem = client.get(path, headers={"Accept": "application/json"})
    assert problem.status_code == 404
    assert problem.json()["code"] == "credential_not_found"
