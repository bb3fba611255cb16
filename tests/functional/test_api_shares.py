"""``GET /shares/{token}`` over HTTP on SQLite and PostgreSQL: the shared credentials as issued
(JSON, a page, each one byte for byte), no caching, and 410 once revoked or expired."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.issue import issue
from credstack.proofs.keys import generate_key
from credstack.services.issuing import IssueRequest
from credstack.verify import check
from tests.functional.conftest import ACHIEVEMENT, OPERATOR


def _wallet(platform: Platform) -> tuple[uuid.UUID, list[uuid.UUID], list[str]]:
    """A learner with an imported JSON credential, an imported JWT and one issued here."""
    key = generate_key("ed25519")
    with platform.unit_of_work() as services:
        email = f"l-{uuid.uuid4().hex[:8]}@example.org"
        user, _ = services.users.create_learner(OPERATOR, email=email, password="long enough 1")
        texts = [
            issue(ACHIEVEMENT, key, recipient=email).text,
            issue(ACHIEVEMENT, key, recipient=email, suite="jwt").text,
        ]
        ids = [services.imports.add(user.id, t.encode(), check=check).id for t in texts]
        slug = f"org-{uuid.uuid4().hex[:10]}"
        services.organizations.create(OPERATOR, slug=slug, name="Org")
        issued = services.credentials.issue(
            OPERATOR, slug, IssueRequest(recipient=email, achievement=ACHIEVEMENT)
        )
        return user.id, [*ids, issued.id], [*texts, issued.text]


def _share(platform: Platform, user: uuid.UUID, ids: list[uuid.UUID], **options: Any) -> str:
    with platform.unit_of_work() as services:
        return services.shares.create(user, ids, **options).token


def test_a_share_link_serves_the_credentials_as_issued(
    client: TestClient, api_platform: Platform
) -> None:
    user, ids, texts = _wallet(api_platform)
    token = _share(api_platform, user, ids, label="For <Acme>")
    answer = client.get(f"/shares/{token}")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    body = answer.json()
    assert body["label"] == "For <Acme>"
    assert [c["mediaType"] for c in body["credentials"]] == [
        "application/vc",
        "application/vc+jwt",
        "application/vc",
    ]
    assert body["credentials"][0]["credential"] == json.loads(texts[0])
    assert body["credentials"][1]["credential"] == texts[1]
    for index, text in enumerate(texts):
        raw = client.get(f"/shares/{token}/credentials/{index}")
        assert raw.status_code == 200
        assert raw.text == text
        assert client.post("/verify", content=raw.content).json()["valid"] is True
    missing = client.get(f"/shares/{token}/credentials/3")
    assert (missing.status_code, missing.json()["code"]) == (404, "credential_not_found")

    page = client.get(f"/shares/{token}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "For &lt;Acme&gt;" in page.text
    assert page.text.count("<section>") == 3
    assert "Teamwork" in page.text
    assert f'href="/shares/{token}/credentials/1"' in page.text


def test_revoked_expired_and_unknown_links(client: TestClient, api_platform: Platform) -> None:
    user, ids, _ = _wallet(api_platform)
    token = _share(api_platform, user, ids[:1])
    soon = _share(api_platform, user, ids[:1], expires_at=datetime.now(UTC) + timedelta(seconds=1))
    with api_platform.unit_of_work() as services:
        [first, _] = services.shares.list(user)
        services.shares.revoke(user, first.share.id)
    for url in (f"/shares/{token}", f"/shares/{token}/credentials/0"):
        gone = client.get(url)
        assert gone.status_code == 410
        assert gone.headers["content-type"] == "application/problem+json"
        assert gone.json()["code"] == "share_revoked"
    time.sleep(1.1)
    expired = client.get(f"/shares/{soon}", headers={"Accept": "text/html"})
    assert (expired.status_code, expired.json()["code"]) == (410, "share_expired")
    unknown = client.get("/shares/no-such-token")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "share_not_found")
