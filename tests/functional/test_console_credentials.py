"""Issuing one credential, finding it and changing its status in the console, over HTTP on
SQLite and PostgreSQL: the form's errors with their codes, roles, CSRF, nothing changed on an
error, and the change visible where verifiers look (the status list) and in the audit log."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from credstack.bootstrap import Platform
from credstack.services.issuing import IssueRequest
from credstack.status import read_status
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import AuditEntry
from tests.functional.conftest import BASE_URL, OPERATOR
from tests.functional.console import browser, csrf, issued, make_member, published, sign_in
from tests.functional.test_api_bulk import outbox_for


def test_issue_find_and_revoke(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/issue")
        assert "Teamwork" in form.text
        data = {
            "achievement_id": achievement,
            "recipient": "ada@example.com",
            "csrf_token": csrf(form),
            "idempotency_key": form.text.split('name="idempotency_key" value="')[1].split('"')[0],
        }
        first = client.post("/console/issue", data=data, follow_redirects=False)
        assert first.status_code == 303
        again = client.post("/console/issue", data=data, follow_redirects=False)
        assert again.headers["location"] == first.headers["location"]
        assert len(issued(api_platform, org.slug)) == 1
        page = client.get(first.headers["location"])
        assert "The credential was issued and signed." in page.text
        assert 'id="credential-status">active<' in page.text
        listing = client.get("/console/credentials", params={"q": "ADA@", "status": "active"})
        assert "ada@example.com" in listing.text
        assert (
            "ada@example.com"
            not in client.get("/console/credentials", params={"status": "revoked"}).text
        )
        path = first.headers["location"].replace("?notice=issued", "")
        no_reason = client.post(
            f"{path}/status", data={"change": "revoke", "csrf_token": csrf(page)}
        )
        assert no_reason.status_code == 400
        assert "reason_required" in no_reason.text
        revoked = client.post(
            f"{path}/status",
            data={"change": "revoke", "reason": "Issued in error", "csrf_token": csrf(page)},
            follow_redirects=False,
        )
        assert revoked.status_code == 303
        assert 'id="credential-status">revoked<' in client.get(revoked.headers["location"]).text
    (record,) = issued(api_platform, org.slug)
    assert record.status == "revoked"
    assert record.reason == "Issued in error"
    with api_platform.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.actor).where(
                AuditEntry.action == "credential.revoked",
                AuditEntry.subject == record.credential_id,
            )
        ).all()
    # The signed-in user, not a token, is the actor on record.
    assert len(actions) == 1
    assert actions[0].startswith("user:")
    # A verifier sees it: the credential's bit is set in the published status list.
    entry = json.loads(record.text)["credentialStatus"]
    with browser(api_platform) as public:
        listed = public.get(entry["statusListCredential"].removeprefix(BASE_URL))
    assert listed.status_code == 200
    assert not read_status(entry, listed.json()).valid


def test_the_learner_can_be_emailed_the_credential(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/issue")
        assert 'name="notify"' in form.text
        data = {
            "achievement_id": achievement,
            "recipient": "console-told@example.com",
            "csrf_token": csrf(form),
            "notify": "on",
        }
        assert client.post("/console/issue", data=data, follow_redirects=False).status_code == 303
    [record] = issued(api_platform, org.slug)
    [(_, text)] = outbox_for(api_platform, "console-told@example.com")
    assert f"{BASE_URL}/credentials/{record.id}\n" in text


def test_issue_form_errors_keep_the_values_and_store_nothing(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        token = csrf(client.get("/console/issue"))
        for data, code in [
            (
                {"achievement_id": achievement, "recipient": "not an address", "notify": "on"},
                "invalid_recipient",
            ),
            ({"achievement_id": "", "recipient": "ada@example.com"}, "missing_achievement"),
            (
                {
                    "achievement_id": achievement,
                    "recipient": "a@example.com",
                    "valid_until": "soon",
                },
                "invalid_date",
            ),
        ]:
            answer = client.post("/console/issue", data={**data, "csrf_token": token})
            assert answer.status_code == 400, answer.text
            assert code in answer.text
            assert f'value="{data["recipient"]}"' in answer.text
            assert ('name="notify" checked' in answer.text) is ("notify" in data)
        assert (
            client.post(
                "/console/issue", data={"achievement_id": achievement, "recipient": "a@example.com"}
            ).status_code
            == 403
        )
    assert issued(api_platform, org.slug) == []


def test_an_assessor_may_not_issue_or_see_credentials(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "assessor")
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/issue")
        assert "may not issue credentials" in form.text
        refused = client.post(
            "/console/issue",
            data={
                "achievement_id": achievement,
                "recipient": "ada@example.com",
                "csrf_token": csrf(client.get("/console")),
            },
        )
        assert refused.status_code == 403
        assert "role_too_weak" in refused.text
        listing = client.get("/console/credentials")
        assert listing.status_code == 403
        assert "role_too_weak" in listing.text
    assert issued(api_platform, org.slug) == []


def test_another_organisations_credential_is_not_found(
    api_platform: Platform, make_org: Any
) -> None:
    org, other = make_org(), make_org()
    theirs = published(api_platform, other.slug)
    member = make_member(api_platform, org.slug, "owner")
    with api_platform.unit_of_work() as services:
        record = services.credentials.issue(
            OPERATOR, other.slug, IssueRequest(recipient="b@example.com", achievement_id=theirs)
        )
    with browser(api_platform) as client:
        sign_in(client, member)
        assert client.get(f"/console/credentials/{record.id}").status_code == 404
        answer = client.post(
            f"/console/credentials/{record.id}/status",
            data={"change": "revoke", "reason": "x", "csrf_token": csrf(client.get("/console"))},
        )
        assert answer.status_code == 404
    with api_platform.sessions() as session:
        status = session.scalar(
            select(IssuedCredentialRecord.status).where(IssuedCredentialRecord.id == record.id)
        )
    assert status == "active"
