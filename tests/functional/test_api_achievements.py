"""Achievements through the API, on SQLite and PostgreSQL: create, list, read, edit, publish
(refused under eu-2022 with what is missing), archive; the public read; roles and tenancy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import ACHIEVEMENT, BASE_URL, token_for

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
EU_FIXTURE = Path(__file__).parents[1] / "unit" / "model" / "eu_achievement.json"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def create(client: TestClient, slug: str, secret: str, body: dict[str, Any]) -> Any:
    response = client.post(f"/orgs/{slug}/achievements", json=body, headers=bearer(secret))
    assert response.status_code == 201, response.text
    return response.json()


def test_create_list_get_edit_publish_archive(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    created = create(client, org.slug, secret, BADGE)
    uid = created["id"]
    public_id = f"{BASE_URL}/orgs/{org.slug}/achievements/{uid}"
    assert (created["status"], created["version"], created["quality"]) == ("draft", 1, None)
    assert created["achievement"]["id"] == public_id
    admin = f"/orgs/{org.slug}/admin/achievements"
    listed = client.get(f"{admin}?offset=0&limit=10", headers=bearer(secret)).json()
    assert [(a["id"], a["publicId"], a["status"]) for a in listed] == [(uid, public_id, "draft")]
    assert client.get(f"{admin}/{uid}", headers=bearer(secret)).json() == created

    url = f"/orgs/{org.slug}/achievements/{uid}"
    draft_edit = client.put(url, json={**BADGE, "name": "Team work"}, headers=bearer(secret))
    assert (draft_edit.json()["version"], draft_edit.json()["achievement"]["name"]) == (
        1,
        "Team work",
    )
    published = client.post(f"{url}/publish", headers=bearer(secret))
    assert published.json()["status"] == "published"
    edited = client.put(url, json={**BADGE, "name": "Teamwork II"}, headers=bearer(secret)).json()
    assert (edited["status"], edited["version"]) == ("published", 2)
    assert client.get(url).json()["name"] == "Teamwork II"
    archived = client.post(f"{url}/archive", headers=bearer(secret)).json()
    assert archived["status"] == "archived"
    refused = client.put(url, json=BADGE, headers=bearer(secret))
    assert (refused.status_code, refused.json()["code"]) == (409, "achievement_archived")


def test_publishing_under_eu_2022_is_refused_with_the_missing_elements(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()  # no country: the one element the fixture cannot carry itself
    secret = token_for(api_platform, org.slug)
    eu = json.loads(EU_FIXTURE.read_text())
    created = create(client, org.slug, secret, {**eu, "profile": "eu-2022"})
    assert created["profile"] == "eu-2022"
    assert created["quality"]["met"] is False
    unmet = {e["id"] for e in created["quality"]["elements"] if e["mandatory"] and not e["met"]}
    assert unmet == {"country"}
    url = f"/orgs/{org.slug}/achievements/{created['id']}"
    refused = client.post(f"{url}/publish", headers=bearer(secret))
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "quality_profile_unmet"
    assert "(country)" in refused.json()["detail"]
    bare = create(client, org.slug, secret, {**BADGE, "profile": "eu-2022"})
    detail = client.post(
        f"/orgs/{org.slug}/achievements/{bare['id']}/publish", headers=bearer(secret)
    ).json()["detail"]
    assert "(country)" in detail
    assert "(learning_outcomes)" in detail
    assert client.get(url).status_code == 404


def test_public_read_serves_published_achievements_only(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    uid = create(client, org.slug, secret, BADGE)["id"]
    url = f"/orgs/{org.slug}/achievements/{uid}"
    draft = client.get(url)
    assert draft.status_code == 404
    assert draft.headers["content-type"] == "application/problem+json"
    client.post(f"{url}/publish", headers=bearer(secret))
    public = client.get(url)
    assert public.status_code == 200
    assert public.headers["cache-control"] == "public, max-age=300"
    assert public.json()["id"] == f"{BASE_URL}{url}"
    assert public.json()["name"] == "Teamwork"
    assert client.get(f"/orgs/{make_org().slug}/achievements/{uid}").status_code == 404


@pytest.mark.parametrize("role_or_other", ["assessor", "other-owner", "none"])
def test_weaker_roles_and_other_organisations_change_nothing(
    client: TestClient, api_platform: Platform, make_org: Any, role_or_other: str
) -> None:
    org = make_org()
    mine = token_for(api_platform, org.slug)
    uid = create(client, org.slug, mine, BADGE)["id"]
    headers: dict[str, str] = {}
    if role_or_other == "assessor":
        headers = bearer(token_for(api_platform, org.slug, "assessor"))
    elif role_or_other == "other-owner":
        headers = bearer(token_for(api_platform, make_org().slug, "owner"))
    admin = f"/orgs/{org.slug}/admin/achievements"
    before = client.get(f"{admin}/{uid}", headers=bearer(mine)).json()
    url = f"/orgs/{org.slug}/achievements"
    calls = [
        ("post", url, BADGE),
        ("put", f"{url}/{uid}", {**BADGE, "name": "Hijacked"}),
        ("post", f"{url}/{uid}/publish", None),
        ("post", f"{url}/{uid}/archive", None),
    ]
    if role_or_other != "assessor":  # an assessor may read its organisation's achievements
        calls += [("get", admin, None), ("get", f"{admin}/{uid}", None)]
    for method, path, body in calls:
        response = client.request(method, path, json=body, headers=headers)
        expected = 401 if role_or_other == "none" else 403
        assert response.status_code == expected, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"{admin}/{uid}", headers=bearer(mine)).json() == before
    assert len(client.get(admin, headers=bearer(mine)).json()) == 1


def test_bad_input_is_a_problem_never_a_500(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    url = f"/orgs/{org.slug}/achievements"
    bodies: list[Any] = [
        {},
        {"name": 5},
        {**BADGE, "profile": "us-2030"},
        {**BADGE, "criteria": "not an object"},
        [1, 2],
        "text",
    ]
    for body in bodies:
        response = client.post(url, json=body, headers=bearer(secret))
        assert 400 <= response.status_code < 500, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    missing = "00000000-0000-4000-8000-000000000000"
    for method, path in (
        ("get", f"{url}/{missing}"),
        ("get", f"{url}/nope"),
        ("put", f"{url}/{missing}"),
        ("post", f"{url}/{missing}/publish"),
        ("post", f"{url}/{missing}/explode"),
        ("get", f"/orgs/{org.slug}/admin/achievements?limit=0"),
        ("get", f"/orgs/{org.slug}/admin/achievements/{missing}"),
        ("get", "/orgs/no-such-org/admin/achievements"),
    ):
        response = client.request(method, path, json=BADGE, headers=bearer(secret))
        assert 400 <= response.status_code < 500, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
