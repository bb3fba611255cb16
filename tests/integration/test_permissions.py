"""Each role against each action of the services, through the real services and database.

Roles are ordered owner > admin > issuer > assessor; keys, members, tokens and the audit log
need admin; nobody but the operator creates organisations; nobody grants above their own role.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from credstack.errors import Forbidden
from credstack.services import Services
from credstack.services.actors import ROLES, Actor, Role
from credstack.services.audit import AuditQuery

OPERATOR = Actor.operator("test")

Attempt = Callable[[Services, Actor], object]

ACTIONS: dict[str, tuple[Attempt, Role | None]] = {
    "create organization": (
        lambda s, a: s.organizations.create(a, slug="other", name="Other"),
        None,
    ),
    "rotate key": (lambda s, a: s.organizations.rotate_key(a, "acme"), "admin"),
    "retire key": (
        lambda s, a: s.organizations.retire_key(
            a, "acme", s.organizations.rotate_key(OPERATOR, "acme", "p256").id
        ),
        "admin",
    ),
    "add assessor": (
        lambda s, a: s.users.create(
            a, email="new@example.org", organization="acme", role="assessor"
        ),
        "admin",
    ),
    "add owner": (
        lambda s, a: s.users.create(a, email="new@example.org", organization="acme", role="owner"),
        "owner",
    ),
    "create issuer token": (
        lambda s, a: s.tokens.create(a, organization="acme", role="issuer"),
        "admin",
    ),
    "create admin token": (
        lambda s, a: s.tokens.create(a, organization="acme", role="admin"),
        "admin",
    ),
    "create owner token": (
        lambda s, a: s.tokens.create(a, organization="acme", role="owner"),
        "owner",
    ),
    "list tokens": (lambda s, a: s.tokens.list(a, organization="acme"), "admin"),
    "revoke token": (
        lambda s, a: s.tokens.revoke(
            a,
            organization="acme",
            token=str(s.tokens.create(OPERATOR, organization="acme", role="issuer").token.id),
        ),
        "admin",
    ),
    "read audit log": (
        lambda s, a: s.audit.entries(a, s.organizations.get("acme").id),
        "admin",
    ),
    "read audit events": (lambda s, a: s.audit.events(a, "acme", AuditQuery()), "admin"),
}
RANK = {role: len(ROLES) - index for index, role in enumerate(ROLES)}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_against_action(services: Services, role: Role, action: str) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    actor = services.tokens.authenticate(
        services.tokens.create(OPERATOR, organization="acme", role=role).secret
    )
    attempt, needed = ACTIONS[action]
    if needed is not None and RANK[role] >= RANK[needed]:
        attempt(services, actor)
    else:
        with pytest.raises(Forbidden):
            attempt(services, actor)


@pytest.mark.parametrize("action", ACTIONS)
def test_the_operator_may_do_everything(services: Services, action: str) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    ACTIONS[action][0](services, OPERATOR)
