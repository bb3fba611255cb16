"""Repositories and column types behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.store.audit import AuditRepository
from credstack.store.models import AuditEntry, Membership, Organization, User
from credstack.store.organizations import OrganizationRepository
from credstack.store.users import UserRepository


def _organization(slug: str = "acme") -> Organization:
    return Organization(
        slug=slug, name="Acme", issuer_did=f"did:web:example.org:orgs:{slug}", did_method="web"
    )


def test_times_come_back_aware_and_in_utc(session: Session) -> None:
    moment = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    org = OrganizationRepository(session).add(_organization())
    org.created_at = moment
    session.flush()
    session.expire_all()
    loaded = OrganizationRepository(session).by_slug("acme")
    assert loaded is not None
    assert loaded.created_at == moment
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(session: Session) -> None:
    org = OrganizationRepository(session).add(_organization())
    org.created_at = datetime(2026, 3, 1, 12, 30)  # noqa: DTZ001 - the naive time under test
    with pytest.raises(Exception, match="naive"):
        session.flush()


def test_audit_detail_round_trips_as_json(session: Session) -> None:
    org = OrganizationRepository(session).add(_organization())
    session.flush()
    detail = {"role": "issuer", "keys": ["a", "b"], "count": 2, "nested": {"ok": True}}
    AuditRepository(session).add(
        AuditEntry(
            organization_id=org.id, actor="operator:cli", action="x", subject="y", detail=detail
        )
    )
    session.flush()
    session.expire_all()
    [entry] = AuditRepository(session).for_organization(org.id)
    assert entry.detail == detail
    assert entry.at.tzinfo is not None


def test_unique_slug_is_enforced_by_the_database(session: Session) -> None:
    repository = OrganizationRepository(session)
    repository.add(_organization("acme"))
    session.flush()
    other = _organization("acme")
    other.issuer_did = "did:web:example.org:other"
    repository.add(other)
    with pytest.raises(IntegrityError):
        session.flush()


def test_foreign_keys_are_enforced_on_both_databases(session: Session) -> None:
    user = UserRepository(session).add(User(email="a@example.org", password_hash="x"))
    session.flush()
    UserRepository(session).add_membership(
        Membership(user_id=user.id, organization_id=uuid.uuid4(), role="admin")
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_roles_outside_the_list_are_refused_by_the_database(session: Session) -> None:
    org = OrganizationRepository(session).add(_organization())
    user = UserRepository(session).add(User(email="a@example.org", password_hash="x"))
    session.flush()
    UserRepository(session).add_membership(
        Membership(user_id=user.id, organization_id=org.id, role="superuser")
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_each_test_starts_empty(session: Session) -> None:
    # The tests above added organisations; the per-test rollback took them away.
    assert OrganizationRepository(session).all() == []
    assert datetime.now(UTC).tzinfo is UTC
