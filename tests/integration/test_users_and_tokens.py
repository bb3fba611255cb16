"""Users, memberships and API tokens, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.tokens import hash_token
from credstack.store.models import ApiToken, User

OPERATOR = Actor.operator("test")


@pytest.fixture
def acme(services: Services) -> str:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    return "acme"


def test_new_user_gets_a_generated_password_and_an_argon2_hash(
    services: Services, acme: str
) -> None:
    created = services.users.create(
        OPERATOR, email="Ada@Example.org", organization=acme, role="admin"
    )
    assert created.user.email == "ada@example.org"
    assert created.membership.role == "admin"
    assert created.generated_password is not None
    assert len(created.generated_password) >= 20
    assert created.generated_password not in repr(created)
    assert created.user.password_hash.startswith("$argon2id$")
    assert (
        services.users.authenticate("ADA@example.org", created.generated_password) == created.user
    )


def test_given_password_is_used_and_wrong_ones_refused(services: Services, acme: str) -> None:
    services.users.create(
        OPERATOR,
        email="ada@example.org",
        organization=acme,
        role="issuer",
        password="correct horse battery",
    )
    services.users.authenticate("ada@example.org", "correct horse battery")
    for email, password in [("ada@example.org", "wrong password!"), ("eve@example.org", "x")]:
        with pytest.raises(Forbidden) as raised:
            services.users.authenticate(email, password)
        assert raised.value.code == "invalid_credentials"


def test_short_passwords_and_bad_roles_are_refused(services: Services, acme: str) -> None:
    with pytest.raises(InvalidInput, match="12 characters"):
        services.users.create(
            OPERATOR, email="a@example.org", organization=acme, role="admin", password="short"
        )
    with pytest.raises(InvalidInput) as raised:
        services.users.create(OPERATOR, email="a@example.org", organization=acme, role="root")
    assert raised.value.code == "invalid_role"


def test_a_user_joins_a_second_organisation_once(services: Services, acme: str) -> None:
    services.organizations.create(OPERATOR, slug="beta", name="Beta")
    first = services.users.create(
        OPERATOR, email="ada@example.org", organization=acme, role="owner"
    )
    second = services.users.create(
        OPERATOR, email="ada@example.org", organization="beta", role="assessor"
    )
    assert second.user.id == first.user.id
    assert second.generated_password is None
    assert services.users.actor_for(first.user, "beta").role == "assessor"
    with pytest.raises(Conflict) as raised:
        services.users.create(OPERATOR, email="ada@example.org", organization=acme, role="admin")
    assert raised.value.code == "already_member"
    with pytest.raises(Conflict) as raised:
        services.users.create(
            OPERATOR,
            email="ada@example.org",
            organization="beta",
            role="admin",
            password="another password",
        )
    assert raised.value.code == "user_exists"


def test_token_secret_is_shown_once_and_stored_hashed(
    services: Services, session: Session, acme: str
) -> None:
    created = services.tokens.create(OPERATOR, organization=acme, role="issuer", name="LMS")
    assert created.secret.startswith("cst_")
    assert created.secret not in repr(created)
    stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hash_token(created.secret) != created.secret
    assert created.secret.startswith(stored.prefix)
    assert len(stored.prefix) < len(created.secret) // 2
    actor = services.tokens.authenticate(created.secret)
    assert (actor.kind, actor.role, actor.organization_id) == (
        "token",
        "issuer",
        stored.organization_id,
    )


def test_list_and_revoke_by_id_or_prefix(services: Services, acme: str) -> None:
    one = services.tokens.create(OPERATOR, organization=acme, role="issuer")
    two = services.tokens.create(OPERATOR, organization=acme, role="admin", name="ops")
    assert [t.id for t in services.tokens.list(OPERATOR, organization=acme)] == [
        one.token.id,
        two.token.id,
    ]
    services.tokens.revoke(OPERATOR, organization=acme, token=str(one.token.id))
    services.tokens.revoke(OPERATOR, organization=acme, token=two.token.prefix)
    again = services.tokens.revoke(OPERATOR, organization=acme, token=two.token.prefix)
    assert again.revoked_at is not None
    for created in (one, two):
        with pytest.raises(Forbidden) as raised:
            services.tokens.authenticate(created.secret)
        assert raised.value.code == "invalid_token"


@pytest.mark.parametrize("secret", ["", "cst_", "Bearer x", "cst_" + "A" * 43, "cst_" + "A" * 44])
def test_unknown_or_malformed_tokens_are_refused(
    services: Services, acme: str, secret: str
) -> None:
    with pytest.raises(Forbidden) as raised:
        services.tokens.authenticate(secret)
    assert raised.value.code == "invalid_token"


def test_a_token_of_one_organisation_cannot_touch_another(
    services: Services, session: Session, acme: str
) -> None:
    services.organizations.create(OPERATOR, slug="beta", name="Beta")
    owner_of_beta = services.tokens.authenticate(
        services.tokens.create(OPERATOR, organization="beta", role="owner").secret
    )
    before = session.scalars(select(User)).all()
    with pytest.raises(Forbidden) as raised:
        services.users.create(
            owner_of_beta, email="x@example.org", organization=acme, role="issuer"
        )
    assert raised.value.code == "other_organization"
    with pytest.raises(Forbidden):
        services.tokens.create(owner_of_beta, organization=acme, role="issuer")
    with pytest.raises(Forbidden):
        services.organizations.rotate_key(owner_of_beta, acme)
    assert session.scalars(select(User)).all() == before
    assert len(services.organizations.keys(acme)) == 1


def test_an_admin_may_not_revoke_an_owners_token(services: Services, acme: str) -> None:
    owners = services.tokens.create(OPERATOR, organization=acme, role="owner")
    admin = services.tokens.authenticate(
        services.tokens.create(OPERATOR, organization=acme, role="admin").secret
    )
    with pytest.raises(Forbidden) as raised:
        services.tokens.revoke(admin, organization=acme, token=str(owners.token.id))
    assert raised.value.code == "role_above_own"
    assert owners.token.revoked_at is None
    issuers = services.tokens.create(OPERATOR, organization=acme, role="issuer")
    assert services.tokens.revoke(admin, organization=acme, token=issuers.token.prefix).revoked_at
