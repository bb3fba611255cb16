"""``GET /orgs/{slug}/audit`` on SQLite and PostgreSQL: an owner or admin reads the
organisation's events newest first, a page at a time, filtered by action (or its family),
actor, subject and period; weaker roles and other organisations are refused; no secret of
the organisation (token secrets, a webhook's signing secret or the secret path of its URL, a
generated password) is in any answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.services.issuing import IssueRequest
from tests.functional.conftest import ACHIEVEMENT, OPERATOR, token_for

HOOK = "https://127.0.0.1:9/services/T01/B02/hooksecretpath?key=querysecret"


def _busy_org(platform: Platform, make_org: Any) -> tuple[str, list[str]]:
    """An organisation with a few events of several kinds, and the secrets made on the way."""
    org = make_org()
    with platform.unit_of_work() as services:
        token = services.tokens.create(OPERATOR, organization=org.slug, role="issuer")
        hook = services.webhooks.create(OPERATOR, org.slug, HOOK, ["credential.revoked"])
        member = services.users.create(
            OPERATOR, email=f"new-{org.slug}@example.org", organization=org.slug, role="issuer"
        )
        badge = {k: v for k, v in ACHIEVEMENT.items() if k != "id"}
        for learner in ("a@example.org", "b@example.org", "c@example.org"):
            services.credentials.issue(
                OPERATOR, org.slug, IssueRequest(recipient=learner, achievement=badge)
            )
    secrets = [token.secret, hook.secret, "hooksecretpath", "querysecret"]
    secrets += [member.generated_password] if member.generated_password else []
    return org.slug, secrets


def test_owners_and_admins_read_a_page_at_a_time_without_secrets(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    slug, secrets = _busy_org(api_platform, make_org)
    for role in ("owner", "admin"):
        auth = {"Authorization": f"Bearer {token_for(api_platform, slug, role)}"}
        answer = client.get(f"/orgs/{slug}/audit", headers=auth)
        assert answer.status_code == 200, answer.text
        for secret in secrets:
            assert secret not in answer.text
        events = answer.json()
        actions = [e["action"] for e in events]
        # Newest first: the tokens made for this read, then the issuance, then the setup.
        assert actions.index("credential.issued") < actions.index("webhook.created")
        assert actions.index("webhook.created") < actions.index("organization.created")
        hook = next(e for e in events if e["action"] == "webhook.created")
        assert hook["detail"] == {"url": "https://127.0.0.1:9/…"}
        assert all(e["at"].endswith(("Z", "+00:00")) for e in events)
    first = client.get(f"/orgs/{slug}/audit?limit=2", headers=auth).json()
    second = client.get(f"/orgs/{slug}/audit?limit=2&offset=2", headers=auth).json()
    whole = client.get(f"/orgs/{slug}/audit", headers=auth).json()
    assert [e["id"] for e in first + second] == [e["id"] for e in whole[:4]]


def test_filters(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    slug, _ = _busy_org(api_platform, make_org)
    auth = {"Authorization": f"Bearer {token_for(api_platform, slug, 'admin')}"}

    def read(query: str) -> list[dict[str, Any]]:
        answer = client.get(f"/orgs/{slug}/audit?{query}", headers=auth)
        assert answer.status_code == 200, answer.text
        return list(answer.json())

    issued = read("action=credential.issued")
    assert len(issued) == 3
    assert {e["action"] for e in read("action=credential")} == {"credential.issued"}
    assert read("action=credential.is") == []  # a family is a whole word before the dot
    assert read("action=cred%25") == []  # LIKE's wildcards match themselves
    assert {e["action"] for e in read("action=token")} == {"token.created"}
    assert {e["actor"] for e in read(f"actor={OPERATOR.label}")} == {OPERATOR.label}
    assert read("actor=user:nobody") == []
    one = issued[0]["subject"]
    assert [e["subject"] for e in read(f"subject={one}")] == [one]
    now = datetime.now(UTC)
    later = (now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    earlier = (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert read(f"since={later}") == []
    assert len(read(f"since={earlier}&action=credential")) == 3
    assert read(f"until={earlier}") == []


def test_bad_queries_are_refused_with_their_codes(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    slug, _ = _busy_org(api_platform, make_org)
    auth = {"Authorization": f"Bearer {token_for(api_platform, slug, 'owner')}"}
    for query, status in [
        ("limit=0", 422),
        ("limit=501", 422),
        ("offset=-1", 422),
        ("since=2026-01-01T00:00:00", 422),  # naive: which zone?
        ("since=yesterday", 422),
        ("action=" + "x" * 101, 422),
    ]:
        answer = client.get(f"/orgs/{slug}/audit?{query}", headers=auth)
        assert answer.status_code == status, (query, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"]
    backwards = client.get(
        f"/orgs/{slug}/audit?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", headers=auth
    )
    assert backwards.status_code == 400
    assert backwards.json()["code"] == "invalid_period"


def test_weaker_roles_and_strangers_are_refused(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    slug, _ = _busy_org(api_platform, make_org)
    other = make_org()
    for who in ("issuer", "assessor"):
        answer = client.get(
            f"/orgs/{slug}/audit",
            headers={"Authorization": f"Bearer {token_for(api_platform, slug, who)}"},
        )
        assert answer.status_code == 403
        assert answer.json()["code"] == "role_too_weak"
    stranger = {"Authorization": f"Bearer {token_for(api_platform, other.slug, 'owner')}"}
    assert client.get(f"/orgs/{slug}/audit", headers=stranger).status_code == 403
    assert client.get(f"/orgs/{slug}/audit").status_code == 401
    missing = client.get("/orgs/no-such-org-here/audit", headers=stranger)
    assert missing.status_code == 404
