"""Paging the organisation's credentials, on SQLite and PostgreSQL: by offset, and by the
``after`` cursor (the id of the last credential seen), which reads the same pages in the same
order at any depth."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import ACHIEVEMENT, token_for


def test_after_pages_through_in_the_order_of_the_offset_pages(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    headers = {"Authorization": f"Bearer {token_for(api_platform, org.slug)}"}
    url = f"/orgs/{org.slug}/credentials"
    for index in range(7):
        issued = client.post(
            url,
            json={"recipient": f"did:example:learner-{index}", "achievement": ACHIEVEMENT},
            headers=headers,
        )
        assert issued.status_code == 201, issued.text
    everything = [c["id"] for c in client.get(f"{url}?limit=50", headers=headers).json()]
    assert len(everything) == 7
    by_offset = [
        c["id"]
        for offset in range(0, 7, 3)
        for c in client.get(f"{url}?offset={offset}&limit=3", headers=headers).json()
    ]
    by_cursor: list[str] = []
    page = client.get(f"{url}?limit=3", headers=headers).json()
    while page:
        by_cursor += [c["id"] for c in page]
        page = client.get(f"{url}?after={by_cursor[-1]}&limit=3", headers=headers).json()
    assert by_cursor == by_offset == everything


def test_a_bad_cursor_is_a_problem(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org, other = make_org(), make_org()
    headers = {"Authorization": f"Bearer {token_for(api_platform, org.slug)}"}
    theirs = client.post(
        f"/orgs/{other.slug}/credentials",
        json={"recipient": "did:example:x", "achievement": ACHIEVEMENT},
        headers={"Authorization": f"Bearer {token_for(api_platform, other.slug)}"},
    ).headers["Credstack-Credential"]
    url = f"/orgs/{org.slug}/credentials"
    for query, status, code in [
        (f"after={theirs}", 400, "invalid_cursor"),  # another organisation's credential
        ("after=00000000-0000-4000-8000-000000000000", 400, "invalid_cursor"),
        (f"after={theirs}&offset=3", 400, "invalid_paging"),
        ("after=not-a-uuid", 422, "invalid_request"),
    ]:
        response = client.get(f"{url}?{query}", headers=headers)
        assert (response.status_code, response.json()["code"]) == (status, code), query
        assert response.headers["content-type"] == "application/problem+json"
