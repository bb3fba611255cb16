"""The organisation profile page over HTTP, on SQLite and PostgreSQL: an admin edits the
issuer Profile, the public profile shows it; bad values come back on the form beside their
fields with their codes and nothing stored; weaker roles read but may not save."""

from __future__ import annotations

from typing import Any

from credstack.bootstrap import Platform
from credstack.services.profiles import PROFILE_FIELDS
from tests.functional.console import browser, csrf, make_member, sign_in

PROFILE = {
    "name": "Atlantic Technological University",
    "url": "https://atu.example",
    "email": "Badges@ATU.example",
    "image": "https://atu.example/logo.png",
    "description": "A university in the west of Ireland.",
    "country": "ie",
    "street_address": "Ash Lane",
    "locality": "Sligo",
    "region": "Connacht",
    "postal_code": "F91 YW50",
    "accreditation": "Quality assured by QQI.",
    "accreditation_url": "https://www.qqi.ie",
}


def _stored(platform: Platform, slug: str) -> dict[str, Any]:
    with platform.unit_of_work() as services:
        org = services.organizations.get(slug)
        return {name: getattr(org, name) for name in PROFILE_FIELDS}


def test_an_admin_edits_the_profile_and_the_public_profile_shows_it(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    member = make_member(api_platform, org.slug, "admin")
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/profile")
        assert form.status_code == 200
        assert f'value="Org {org.slug}"' in form.text
        saved = client.post(
            "/console/profile", data={**PROFILE, "csrf_token": csrf(form)}, follow_redirects=False
        )
        assert saved.status_code == 303
        page = client.get(saved.headers["location"])
        assert "The profile was saved" in page.text
        assert 'value="badges@atu.example"' in page.text
        public = client.get(f"/orgs/{org.slug}", headers={"Accept": "application/json"}).json()
    assert public["name"] == PROFILE["name"]
    assert public["address"]["addressCountryCode"] == "IE"
    assert public["address"]["addressLocality"] == "Sligo"
    stored = _stored(api_platform, org.slug)
    assert stored["email"] == "badges@atu.example"
    assert stored["accreditation"] == "Quality assured by QQI."
    # A blank optional field clears it.
    with browser(api_platform) as client:
        sign_in(client, member)
        token = csrf(client.get("/console/profile"))
        cleared = client.post(
            "/console/profile",
            data={**PROFILE, "region": "  ", "csrf_token": token},
            follow_redirects=False,
        )
        assert cleared.status_code == 303
    assert _stored(api_platform, org.slug)["region"] is None


def test_bad_values_are_shown_on_the_form_and_nothing_is_stored(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    member = make_member(api_platform, org.slug, "owner")
    before = _stored(api_platform, org.slug)
    with browser(api_platform) as client:
        sign_in(client, member)
        token = csrf(client.get("/console/profile"))
        answer = client.post(
            "/console/profile",
            data={
                **PROFILE,
                "name": "A new name",
                "email": "not an address",
                "country": "XX",
                "url": "ftp://atu.example",
                "postal_code": "9" * 40,
                "csrf_token": token,
            },
        )
        assert answer.status_code == 400
        assert 'role="alert"' in answer.text
        for field, code in [
            ("email", "invalid_email"),
            ("country", "invalid_country"),
            ("url", "invalid_url"),
            ("postal_code", "invalid_postal_code"),
        ]:
            assert f'id="{field}-error"' in answer.text, field
            assert f"({code})" in answer.text, code
        assert 'id="name-error"' not in answer.text
        # The values typed come back.
        assert 'value="A new name"' in answer.text
        assert 'value="not an address"' in answer.text
        blank_name = client.post(
            "/console/profile", data={**PROFILE, "name": " ", "csrf_token": token}
        )
        assert blank_name.status_code == 400
        assert "invalid_name" in blank_name.text
        huge = client.post(
            "/console/profile", data={**PROFILE, "description": "x" * 6000, "csrf_token": token}
        )
        assert huge.status_code == 400
        assert "invalid_description" in huge.text
    assert _stored(api_platform, org.slug) == before


def test_an_issuer_reads_the_profile_but_may_not_save_it(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    member = make_member(api_platform, org.slug, "issuer")
    before = _stored(api_platform, org.slug)
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/profile")
        assert form.status_code == 200
        assert "Save the profile" not in form.text
        refused = client.post("/console/profile", data={**PROFILE, "csrf_token": csrf(form)})
        assert refused.status_code == 403
        assert "role_too_weak" in refused.text
        forged = client.post("/console/profile", data=PROFILE)
        assert forged.status_code == 403
        assert "csrf_failed" in forged.text
    assert _stored(api_platform, org.slug) == before
