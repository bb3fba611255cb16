"""The permission rules alone: each role against each action, no database."""

from __future__ import annotations

import uuid

import pytest

from credstack.errors import Forbidden, InvalidInput
from credstack.services.actors import (
    ACTIONS,
    REQUIRED_ROLE,
    ROLES,
    Action,
    Actor,
    Role,
    authorize,
    authorize_grant,
    authorize_member,
    check_role,
)

ORG = uuid.uuid4()
EXPECTED: dict[Action, set[Role]] = {
    "create_organization": set(),
    "update_organization": {"owner", "admin"},
    "manage_keys": {"owner", "admin"},
    "manage_members": {"owner", "admin"},
    "manage_tokens": {"owner", "admin"},
    "read_audit": {"owner", "admin"},
    "issue": {"owner", "admin", "issuer"},
    "assess": {"owner", "admin", "issuer", "assessor"},
    "operate_ledger": set(),
    "manage_webhooks": {"owner", "admin"},
}


def actor(role: Role, organization: uuid.UUID = ORG) -> Actor:
    return Actor(kind="user", id="u1", organization_id=organization, role=role)


def test_every_action_has_an_expectation() -> None:
    assert set(EXPECTED) == set(ACTIONS) == set(REQUIRED_ROLE)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_against_action(role: Role, action: Action) -> None:
    if role in EXPECTED[action]:
        authorize(actor(role), ORG, action)
    else:
        with pytest.raises(Forbidden):
            authorize(actor(role), ORG, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_another_organisation_is_always_refused(action: Action) -> None:
    with pytest.raises(Forbidden) as raised:
        authorize(actor("owner", uuid.uuid4()), ORG, action)
    assert raised.value.code in ("other_organization", "operator_only")


@pytest.mark.parametrize("action", ACTIONS)
def test_the_operator_may_do_everything(action: Action) -> None:
    authorize(Actor.operator(), ORG, action)


@pytest.mark.parametrize("granter", ROLES)
@pytest.mark.parametrize("granted", ROLES)
def test_nobody_grants_above_their_own_role(granter: Role, granted: Role) -> None:
    allowed = granter in ("owner", "admin") and ROLES.index(granted) >= ROLES.index(granter)
    if allowed:
        authorize_grant(actor(granter), ORG, granted, "manage_members")
    else:
        with pytest.raises(Forbidden):
            authorize_grant(actor(granter), ORG, granted, "manage_members")


def test_roles_are_checked() -> None:
    assert check_role("issuer") == "issuer"
    with pytest.raises(InvalidInput):
        check_role("Owner")


def test_actor_labels_name_kind_and_id() -> None:
    assert Actor.operator("cli").label == "operator:cli"
    assert actor("admin").label == "user:u1"


def test_any_role_of_the_organisation_is_a_member_and_others_are_not() -> None:
    org, other = uuid.uuid4(), uuid.uuid4()
    for role in ROLES:
        authorize_member(Actor(kind="token", id="t", organization_id=org, role=role), org)
    authorize_member(Actor.operator(), org)
    with pytest.raises(Forbidden) as caught:
        authorize_member(Actor(kind="token", id="t", organization_id=other, role="owner"), org)
    assert caught.value.code == "other_organization"
