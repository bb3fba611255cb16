"""Members of an organisation: paged lists, role changes and removal, on both databases.

Nobody changes or removes a role above their own, and an organisation always keeps an owner.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.store.models import AuditEntry, Membership

OPERATOR = Actor.operator("test")


@pytest.fixture
def acme(services: Services) -> uuid.UUID:
    return services.organizations.create(OPERATOR, slug="acme", name="Acme").id


def add(services: Services, email: str, role: str) -> uuid.UUID:
    return services.users.create(OPERATOR, email=email, organization="acme", role=role).user.id


def as_(org: uuid.UUID, role: str) -> Actor:
    return Actor(kind="token", id=f"t-{role}", organization_id=org, role=role)  # type: ignore[arg-type]


def test_members_are_listed_by_email_a_page_at_a_time(services: Services, acme: uuid.UUID) -> None:
    for email, role in [("c@x.org", "issuer"), ("a@x.org", "owner"), ("b@x.org", "assessor")]:
        add(services, email, role)
    everyone = services.users.members(as_(acme, "admin"), organization="acme")
    assert [(u.email, m.role) for u, m in everyone] == [
        ("a@x.org", "owner"),
        ("b@x.org", "assessor"),
        ("c@x.org", "issuer"),
    ]
    page = services.users.members(as_(acme, "admin"), organization="acme", offset=1, limit=1)
    assert [u.email for u, _ in page] == ["b@x.org"]
    with pytest.raises(InvalidInput, match="Paging") as bad:
        services.users.members(as_(acme, "admin"), organization="acme", limit=501)
    assert bad.value.code == "invalid_paging"
    with pytest.raises(Forbidden) as weak:
        services.users.members(as_(acme, "issuer"), organization="acme")
    assert weak.value.code == "role_too_weak"


def test_change_role_is_audited(services: Services, session: Session, acme: uuid.UUID) -> None:
    ada = add(services, "ada@x.org", "issuer")
    user, membership = services.users.change_role(
        as_(acme, "admin"), organization="acme", user_id=ada, role="assessor"
    )
    assert (user.email, membership.role) == ("ada@x.org", "assessor")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "member.role_changed")
    ).one()
    assert entry.detail == {"from": "issuer", "to": "assessor"}
    # The same role again changes nothing and records nothing.
    services.users.change_role(
        as_(acme, "admin"), organization="acme", user_id=ada, role="assessor"
    )
    count = session.scalars(select(AuditEntry).where(AuditEntry.action == "member.role_changed"))
    assert len(count.all()) == 1


def test_an_admin_may_neither_grant_nor_touch_an_owner(services: Services, acme: uuid.UUID) -> None:
    owner = add(services, "owner@x.org", "owner")
    ada = add(services, "ada@x.org", "issuer")
    admin = as_(acme, "admin")
    with pytest.raises(Forbidden) as granting:
        services.users.change_role(admin, organization="acme", user_id=ada, role="owner")
    assert granting.value.code == "role_above_own"
    with pytest.raises(Forbidden) as demoting:
        services.users.change_role(admin, organization="acme", user_id=owner, role="issuer")
    assert demoting.value.code == "role_above_own"
    with pytest.raises(Forbidden) as removing:
        services.users.remove(admin, organization="acme", user_id=owner)
    assert removing.value.code == "role_above_own"


def test_the_last_owner_stays(services: Services, session: Session, acme: uuid.UUID) -> None:
    first = add(services, "first@x.org", "owner")
    owner = as_(acme, "owner")
    with pytest.raises(Conflict) as leaving:
        services.users.remove(owner, organization="acme", user_id=first)
    assert leaving.value.code == "last_owner"
    with pytest.raises(Conflict) as demoted:
        services.users.change_role(owner, organization="acme", user_id=first, role="admin")
    assert demoted.value.code == "last_owner"
    second = add(services, "second@x.org", "owner")
    services.users.remove(owner, organization="acme", user_id=first)
    left = services.users.members(owner, organization="acme")
    assert [(u.id, m.role) for u, m in left] == [(second, "owner")]
    assert session.scalars(select(Membership).where(Membership.user_id == first)).all() == []
    with pytest.raises(Conflict):
        services.users.remove(owner, organization="acme", user_id=second)


def test_other_organisations_and_unknown_members(services: Services, acme: uuid.UUID) -> None:
    ada = add(services, "ada@x.org", "issuer")
    other = services.organizations.create(OPERATOR, slug="other", name="Other").id
    with pytest.raises(Forbidden) as stranger:
        services.users.remove(as_(other, "owner"), organization="acme", user_id=ada)
    assert stranger.value.code == "other_organization"
    with pytest.raises(NotFound) as missing:
        services.users.remove(as_(acme, "owner"), organization="acme", user_id=uuid.uuid4())
    assert missing.value.code == "member_not_found"
    with pytest.raises(NotFound):
        # A member of acme is no member of other.
        services.users.change_role(OPERATOR, organization="other", user_id=ada, role="admin")
    with pytest.raises(InvalidInput) as bad_role:
        services.users.change_role(OPERATOR, organization="acme", user_id=ada, role="root")
    assert bad_role.value.code == "invalid_role"
