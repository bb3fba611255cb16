"""Issuing, revoking and suspending through the real service, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput
from credstack.services import Services
from credstack.services.actors import Actor, Role
from credstack.services.issuing import IssueRequest
from credstack.status import read_status
from credstack.store.credentials import IssuedCredentialRecord, StatusListRecord
from tests.integration.conftest import BASE_URL

OPERATOR = Actor.operator("test")
BADGE = {
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works well in a team.",
    "criteria": {"narrative": "Nominated by peers."},
}


@pytest.fixture
def acme(services: Services) -> str:
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy", country="IE")
    return "acme"


@pytest.fixture
def published(services: Services, acme: str) -> str:
    view = services.achievements.create(
        OPERATOR, organization=acme, achievement=BADGE, publish=True
    )
    return str(view.record.id)


def actor(services: Services, slug: str, role: Role) -> Actor:
    org = services.organizations.get(slug)
    return Actor(kind="token", id=f"{slug}-{role}", organization_id=org.id, role=role)


def statuses(services: Services, record: IssuedCredentialRecord) -> dict[str, bool]:
    """The purpose of the credential's entry, and whether its bit is set, read from the list."""
    entry = json.loads(record.text)["credentialStatus"]
    list_id = entry["statusListCredential"].rsplit("/", 1)[-1]
    listed = services.credentials.status_list_credential("acme", list_id)
    return {entry["statusPurpose"]: not read_status(entry, listed).valid}


def test_issue_stores_the_signed_text_with_a_status_entry(
    services: Services, acme: str, published: str
) -> None:
    record = services.credentials.issue(
        actor(services, acme, "issuer"),
        acme,
        IssueRequest(recipient="learner@example.com", achievement_id=published),
    )
    credential = json.loads(record.text)
    assert credential["id"] == f"{BASE_URL}/credentials/{record.id}"
    assert record.credential_id == credential["id"]
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert "learner@example.com" not in record.text
    assert record.recipient_email == "learner@example.com"
    assert (record.achievement_version, record.status) == (1, "active")
    assert services.credentials.get(record.id).text == record.text
    assert statuses(services, record) == {"revocation": False}


def test_revoke_suspend_unsuspend_flip_the_bits(
    services: Services, acme: str, published: str
) -> None:
    request = IssueRequest(recipient="did:example:learner", achievement_id=published)
    first = services.credentials.issue(OPERATOR, acme, request)
    same_list = services.credentials.issue(OPERATOR, acme, request)
    assert first.status_list_id == same_list.status_list_id
    assert first.status_index != same_list.status_index
    with pytest.raises(Conflict, match="cannot be suspended"):
        services.credentials.suspend(OPERATOR, acme, first.id)
    services.credentials.revoke(OPERATOR, acme, first.id, "issued in error")
    services.credentials.revoke(OPERATOR, acme, first.id, "again")  # a no-op
    assert (first.status, first.reason) == ("revoked", "issued in error")
    assert statuses(services, first) == {"revocation": True}
    assert statuses(services, same_list) == {"revocation": False}
    suspendable = IssueRequest(
        recipient="did:example:learner", achievement_id=published, status_purpose="suspension"
    )
    second = services.credentials.issue(OPERATOR, acme, suspendable)
    services.credentials.suspend(OPERATOR, acme, second.id, "under review")
    assert statuses(services, second) == {"suspension": True}
    services.credentials.unsuspend(OPERATOR, acme, second.id)
    assert statuses(services, second) == {"suspension": False}
    services.credentials.revoke(OPERATOR, acme, second.id)
    assert statuses(services, second) == {"suspension": True}
    with pytest.raises(Conflict, match="revocation is permanent"):
        services.credentials.unsuspend(OPERATOR, acme, second.id)
    org = services.organizations.get(acme)
    actions = [e.action for e in services.audit.entries(OPERATOR, org.id)]
    for action in ("issued", "revoked", "suspended", "unsuspended"):
        assert f"credential.{action}" in actions
    assert actions.count("credential.revoked") == 2  # the second revoke of first was a no-op


def test_idempotency_key_returns_the_same_credential_or_refuses_another_request(
    services: Services, acme: str, published: str
) -> None:
    request = IssueRequest(recipient="learner@example.com", achievement_id=published)
    first = services.credentials.issue(OPERATOR, acme, request, idempotency_key="k-1")
    again = services.credentials.issue(OPERATOR, acme, request, idempotency_key="k-1")
    assert (again.id, again.text) == (first.id, first.text)
    other = IssueRequest(recipient="other@example.com", achievement_id=published)
    with pytest.raises(Conflict) as caught:
        services.credentials.issue(OPERATOR, acme, other, idempotency_key="k-1")
    assert caught.value.code == "idempotency_key_reused"


def test_inline_achievement_and_bad_input(services: Services, acme: str) -> None:
    record = services.credentials.issue(
        OPERATOR, acme, IssueRequest(recipient="did:example:x", achievement=BADGE)
    )
    assert record.achievement_id is None
    for bad, code in [
        (IssueRequest(recipient="nobody", achievement=BADGE), "invalid_recipient"),
        (IssueRequest(recipient="did:example:x"), "invalid_achievement"),
        (IssueRequest(recipient="did:example:x", achievement=BADGE, suite="rsa"), None),
        (IssueRequest(recipient="did:example:x", achievement={"name": 1}), None),
        (
            IssueRequest(recipient="did:example:x", achievement=BADGE, status_purpose="x"),
            "unsupported_status_purpose",
        ),
    ]:
        with pytest.raises(InvalidInput) as caught:
            services.credentials.issue(OPERATOR, acme, bad)
        if code:
            assert caught.value.code == code


def counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(IssuedCredentialRecord)) or 0,
        session.scalar(select(func.count()).select_from(StatusListRecord)) or 0,
    )


def test_assessors_and_other_organisations_change_nothing(
    services: Services, session: Session, acme: str, published: str
) -> None:
    services.organizations.create(OPERATOR, slug="other", name="Other")
    record = services.credentials.issue(
        OPERATOR, acme, IssueRequest(recipient="did:example:x", achievement_id=published)
    )
    before = (counts(session), statuses(services, record))
    request = IssueRequest(recipient="did:example:y", achievement_id=published)
    for who in (actor(services, acme, "assessor"), actor(services, "other", "owner")):
        with pytest.raises(Forbidden):
            services.credentials.issue(who, acme, request)
        for change in (
            services.credentials.revoke,
            services.credentials.suspend,
            services.credentials.unsuspend,
        ):
            with pytest.raises(Forbidden):
                change(who, acme, record.id, None)
        with pytest.raises(Forbidden):
            services.credentials.list(who, acme)
    assert (counts(session), statuses(services, record)) == before
    assert record.status == "active"


def test_a_status_list_is_valid_from_its_last_change_not_from_the_request(
    services: Services, acme: str, published: str
) -> None:
    # A verifier reads its clock, then fetches the list: a list stamped with the moment it was
    # served would look "not yet valid" to it.
    record = services.credentials.issue(
        actor(services, acme, "issuer"),
        acme,
        IssueRequest(recipient="did:example:learner", achievement_id=published),
    )
    time.sleep(1.1)
    entry = json.loads(record.text)["credentialStatus"]
    listed = services.credentials.status_list_credential(
        acme, entry["statusListCredential"].rsplit("/", 1)[-1]
    )
    valid_from = datetime.fromisoformat(listed["validFrom"].replace("Z", "+00:00"))
    assert valid_from <= record.issued_at
    assert datetime.fromisoformat(listed["validUntil"].replace("Z", "+00:00")) > datetime.now(UTC)


def test_a_status_list_read_with_keep_false_is_signed_but_not_stored(
    services: Services, acme: str, session: Session
) -> None:
    record = services.credentials.issue(
        OPERATOR, acme, IssueRequest(recipient="ada@example.com", achievement=BADGE)
    )
    list_id = record.status_list_id
    fresh = services.credentials.status_list_credential(acme, list_id, keep=False)
    assert read_status(json.loads(record.text)["credentialStatus"], fresh).valid
    stored = session.get(StatusListRecord, list_id)
    assert stored is not None
    assert stored.published is None
    kept = services.credentials.status_list_credential(acme, list_id)
    assert stored.published is not None
    assert json.loads(stored.published) == kept
