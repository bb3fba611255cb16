"""Status lists are stored signed, re-signed only when a bit changed, and served with HTTP
validators (ETag, Last-Modified) that answer 304; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from credstack.bootstrap import Platform
from credstack.store.credentials import StatusListRecord
from tests.functional.conftest import ACHIEVEMENT, token_for

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}


def issued(client: TestClient, slug: str, secret: str) -> dict[str, Any]:
    response = client.post(
        f"/orgs/{slug}/credentials",
        json={"achievement": BADGE, "recipient": "learner@example.com"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()
    return credential


def test_the_list_is_signed_once_until_a_bit_changes(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    credential = issued(client, org.slug, secret)
    path = credential["credentialStatus"]["statusListCredential"].removeprefix(
        "https://badges.example.edu"
    )
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.headers["cache-control"] == "public, max-age=60"
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(path)
    assert (again.text, again.headers["etag"]) == (first.text, etag)  # stored, not signed again
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": f'W/{etag}, "x"'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    earlier = format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 section 13.2.2).
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert client.get(path, headers=both).status_code == 200

    uid = credential["id"].rsplit("/", 1)[-1]
    revoke = client.post(
        f"/orgs/{org.slug}/credentials/{uid}/revoke",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert revoke.status_code == 200
    after = client.get(path, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert (
        after.json()["credentialSubject"]["encodedList"]
        != first.json()["credentialSubject"]["encodedList"]
    )


def test_an_ageing_list_is_signed_again(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    credential = issued(client, org.slug, secret)
    url = credential["credentialStatus"]["statusListCredential"]
    first = client.get(url.removeprefix("https://badges.example.edu"))
    soon = datetime.now(UTC) + timedelta(minutes=2)
    with api_platform.sessions.begin() as session:
        session.execute(
            update(StatusListRecord).where(StatusListRecord.url == url).values(published_until=soon)
        )
    second = client.get(url.removeprefix("https://badges.example.edu"))
    assert second.status_code == 200
    until = datetime.fromisoformat(second.json()["validUntil"].replace("Z", "+00:00"))
    assert until > soon + timedelta(minutes=5)
    assert first.json()["credentialSubject"] == second.json()["credentialSubject"]
