"""Console sign-in sessions: opening, resolving, switching, expiry, sign-out and the limit on
failed sign-ins, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.bootstrap import Platform
from credstack.errors import Forbidden, TooManyRequests
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.staff_sessions import (
    FAILURE_WINDOW,
    MAX_ACCOUNT_FAILURES,
    MAX_ADDRESS_FAILURES,
    SESSION_LIFETIME,
    StaffSessionService,
    hash_session,
)
from credstack.store.staff_sessions import StaffSession

OPERATOR = Actor.operator("test")
PASSWORD = "correct horse battery"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(services: Services, session: Session, clock: Clock) -> StaffSessionService:
    return StaffSessionService(session, services.users, services.audit, clock)


@pytest.fixture
def ada(services: Services) -> str:
    services.organizations.create(OPERATOR, slug="zeta", name="Zeta College")
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy")
    services.users.create(
        OPERATOR, email="ada@example.org", organization="zeta", role="admin", password=PASSWORD
    )
    services.users.create(OPERATOR, email="ada@example.org", organization="acme", role="assessor")
    return "ada@example.org"


def test_sign_in_opens_a_session_stored_only_as_a_hash(
    sessions: StaffSessionService, session: Session, ada: str
) -> None:
    opened = sessions.sign_in(email="ADA@example.org", password=PASSWORD, address="10.0.0.1")
    assert len(opened.secret) >= 43
    assert opened.secret not in repr(opened)
    stored = session.scalars(select(StaffSession)).one()
    assert stored.token_hash == hash_session(opened.secret)
    assert opened.secret not in (stored.token_hash, stored.csrf_token)
    signed_in = sessions.resolve(opened.secret)
    assert signed_in.user.email == ada
    # By name: Acme Academy before Zeta College; the first is chosen at sign-in.
    assert [c.slug for c in signed_in.organizations] == ["acme", "zeta"]
    assert signed_in.current is not None
    assert signed_in.current.slug == "acme"
    assert signed_in.actor is not None
    assert signed_in.actor.role == "assessor"
    assert signed_in.csrf_matches(stored.csrf_token)
    assert not signed_in.csrf_matches("forged")
    assert not signed_in.csrf_matches(None)


def test_switching_organisation_changes_the_actor_and_refuses_others(
    sessions: StaffSessionService, services: Services, ada: str
) -> None:
    services.organizations.create(OPERATOR, slug="other", name="Other")
    secret = sessions.sign_in(email=ada, password=PASSWORD, address="10.0.0.1").secret
    switched = sessions.switch(secret, "zeta")
    assert switched.actor is not None
    assert switched.actor.role == "admin"
    assert sessions.resolve(secret).current == switched.current
    with pytest.raises(Forbidden) as raised:
        sessions.switch(secret, "other")
    assert raised.value.code == "not_a_member"
    assert sessions.resolve(secret).current == switched.current


def test_a_session_expires_and_signing_out_ends_it(
    sessions: StaffSessionService, clock: Clock, ada: str
) -> None:
    first = sessions.sign_in(email=ada, password=PASSWORD, address="10.0.0.1").secret
    second = sessions.sign_in(email=ada, password=PASSWORD, address="10.0.0.1").secret
    sessions.sign_out(second)
    sessions.sign_out(second)
    sessions.sign_out(None)
    for secret in (second, None, "", "not-a-session"):
        with pytest.raises(Forbidden) as raised:
            sessions.resolve(secret)
        assert raised.value.code == "not_signed_in"
    clock.now += SESSION_LIFETIME - timedelta(seconds=1)
    sessions.resolve(first)
    clock.now += timedelta(seconds=1)
    with pytest.raises(Forbidden, match="Sign in"):
        sessions.resolve(first)


def test_failed_sign_ins_lock_the_account_for_a_while(
    sessions: StaffSessionService, clock: Clock, ada: str
) -> None:
    for n in range(MAX_ACCOUNT_FAILURES):
        with pytest.raises(Forbidden) as raised:
            sessions.sign_in(email=ada, password="wrong password", address=f"10.0.1.{n}")
        assert raised.value.code == "invalid_credentials"
        sessions.record_failure(email=ada, address=f"10.0.1.{n}")
    # Even the right password is refused now, with a sentence that says what to do.
    with pytest.raises(TooManyRequests, match="try again in 15 minutes") as raised:
        sessions.sign_in(email="Ada@Example.org", password=PASSWORD, address="10.0.2.1")
    assert raised.value.code == "too_many_attempts"
    assert raised.value.retry_after == FAILURE_WINDOW.total_seconds()
    clock.now += FAILURE_WINDOW
    opened = sessions.sign_in(email=ada, password=PASSWORD, address="10.0.2.1")
    assert sessions.resolve(opened.secret).user.email == ada


def test_a_success_clears_the_accounts_failures(sessions: StaffSessionService, ada: str) -> None:
    for _ in range(MAX_ACCOUNT_FAILURES - 1):
        sessions.record_failure(email=ada, address="10.0.0.9")
    sessions.sign_in(email=ada, password=PASSWORD, address="10.0.0.9")
    for _ in range(MAX_ACCOUNT_FAILURES - 1):
        sessions.record_failure(email=ada, address="10.0.0.9")
    sessions.sign_in(email=ada, password=PASSWORD, address="10.0.0.9")


def test_failed_sign_ins_from_one_address_lock_that_address(
    sessions: StaffSessionService, ada: str
) -> None:
    for n in range(MAX_ADDRESS_FAILURES):
        sessions.record_failure(email=f"guess{n}@example.org", address="203.0.113.7")
    with pytest.raises(TooManyRequests, match="network address") as raised:
        sessions.sign_in(email=ada, password=PASSWORD, address="203.0.113.7")
    assert raised.value.code == "too_many_attempts"
    sessions.sign_in(email=ada, password=PASSWORD, address="203.0.113.8")


def test_a_user_removed_from_the_chosen_organisation_falls_back_to_another(
    sessions: StaffSessionService, services: Services, ada: str
) -> None:
    secret = sessions.sign_in(email=ada, password=PASSWORD, address="10.0.0.1").secret
    assert sessions.resolve(secret).current is not None
    user = services.users.authenticate(ada, PASSWORD)
    services.users.remove(OPERATOR, organization="acme", user_id=user.id)
    signed_in = sessions.resolve(secret)
    assert signed_in.current is not None
    assert signed_in.current.slug == "zeta"
    services.users.remove(OPERATOR, organization="zeta", user_id=user.id)
    alone = sessions.resolve(secret)
    assert alone.current is None
    assert alone.actor is None
    assert alone.organizations == ()


def test_the_platform_wires_the_session_service(platform: Platform) -> None:
    with pytest.raises(Forbidden), platform.unit_of_work() as services:
        services.staff_sessions.resolve("nothing")
