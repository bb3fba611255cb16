"""``credstack purge`` on SQLite and PostgreSQL: expired and ended rows of every kind go, live
ones stay, and the counts are printed; the operator's own service refuses anyone else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.errors import Forbidden
from credstack.services.actors import Actor
from credstack.store.learners import LearnerLink, LearnerSession, SignInRequest
from credstack.store.mail import MailMessage
from credstack.store.models import Base, User
from credstack.store.oauth import AuthorizationCode, OAuthClient, OAuthGrant
from credstack.store.staff_sessions import SignInFailure, StaffSession
from credstack.store.webhooks import WebhookDelivery, WebhookEndpoint
from tests.integration.test_cli_admin import credstack, environment

__all__ = ["environment"]  # the fixture, parametrised over both databases
NOW = datetime.now(UTC)
GONE, LIVE = "gone", "live"


def platform_of(environment: dict[str, str]) -> Platform:
    return build(
        Settings(
            database_url=environment["CREDSTACK_DATABASE_URL"],
            base_url=environment["CREDSTACK_BASE_URL"],
            key_file=Path(environment["CREDSTACK_KEY_FILE"]),
        ),
        migrate=True,
    )


def rows(platform: Platform) -> dict[str, list[Base]]:
    """Rows of every kind the purge knows, each either gone (expired, ended) or live."""
    user = User(id=uuid.uuid4(), email=f"u-{uuid.uuid4().hex[:6]}@example.org", password_hash="!")
    client = OAuthClient(
        id=uuid.uuid4(),
        client_id=uuid.uuid4().hex,
        secret_hash="x" * 64,
        client_name="LMS",
        redirect_uris=["https://lms.example/cb"],
        scope="s",
        token_endpoint_auth_method="client_secret_basic",
    )
    with platform.unit_of_work() as services:
        org = services.organizations.create(Actor.operator("t"), slug="purge", name="Purge")
    hour, day = timedelta(hours=1), timedelta(days=1)

    def link(expires: datetime) -> LearnerLink:
        token = uuid.uuid4().hex
        return LearnerLink(purpose="sign_in", token_hash=token, email="a@b.c", expires_at=expires)

    def wallet(expires: datetime, revoked: datetime | None = None) -> LearnerSession:
        return LearnerSession(
            user_id=user.id, token_hash=uuid.uuid4().hex, expires_at=expires, revoked_at=revoked
        )

    def staff(expires: datetime) -> StaffSession:
        return StaffSession(
            token_hash=uuid.uuid4().hex, user_id=user.id, csrf_token="c", expires_at=expires
        )

    def code(expires: datetime) -> AuthorizationCode:
        return AuthorizationCode(
            code_hash=uuid.uuid4().hex,
            client_id=client.id,
            user_id=user.id,
            redirect_uri="https://lms.example/cb",
            scope="s",
            code_challenge="c",
            expires_at=expires,
        )

    def grant(refresh: datetime, revoked: datetime | None = None) -> OAuthGrant:
        return OAuthGrant(
            client_id=client.id,
            user_id=user.id,
            access_hash=uuid.uuid4().hex,
            refresh_hash=uuid.uuid4().hex,
            scope="s",
            access_expires_at=refresh,
            refresh_expires_at=refresh,
            revoked_at=revoked,
        )

    def mail(status: str, finished: datetime | None) -> MailMessage:
        return MailMessage(
            recipient="a@b.c",
            subject="s",
            body="b",
            purpose="sign_in",
            status=status,
            attempts=1,
            finished_at=finished,
        )

    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        organization_id=org.id,
        url="https://lms.example/hook",
        events=["credential.issued"],
        sealed_secret=b"x",
    )

    def delivery(status: str, created: datetime) -> WebhookDelivery:
        return WebhookDelivery(
            endpoint_id=endpoint.id,
            event="credential.issued",
            body="{}",
            status=status,
            attempts=1,
            created_at=created,
        )

    made: dict[str, list[Base]] = {
        GONE: [
            link(NOW - hour),
            wallet(NOW - hour),
            wallet(NOW + day, revoked=NOW - hour),
            staff(NOW - hour),
            SignInFailure(subject="ip:1.2.3.4", at=NOW - 2 * day),
            SignInRequest(client="192.0.2.1", at=NOW - 2 * day),
            code(NOW - 2 * day),
            grant(NOW - hour),
            grant(NOW + day, revoked=NOW - 2 * day),
            mail("sent", NOW - 31 * day),
            mail("failed", NOW - 40 * day),
            delivery("delivered", NOW - 31 * day),
            delivery("failed", NOW - 31 * day),
        ],
        LIVE: [
            link(NOW + hour),
            wallet(NOW + day),
            staff(NOW + hour),
            SignInFailure(subject="ip:1.2.3.4", at=NOW - hour),
            SignInRequest(client="192.0.2.1", at=NOW - hour),
            code(NOW - hour),  # expired, but kept a day to catch a replay
            grant(NOW + day),
            grant(NOW + day, revoked=NOW - hour),
            mail("sent", NOW - 29 * day),
            mail("queued", None),
            delivery("delivered", NOW - 29 * day),
            delivery("pending", NOW - 60 * day),  # still being tried
        ],
    }
    with platform.sessions() as session, session.begin():
        session.add_all([user, client, endpoint])
        session.flush()
        for row in made[GONE] + made[LIVE]:
            session.add(row)
    return made


def left(platform: Platform, made: dict[str, list[Base]]) -> dict[str, list[bool]]:
    """For each gone and live row, whether it is still there."""
    with platform.sessions() as session:
        return {
            fate: [
                session.scalar(select(type(row)).where(type(row).id == row.id)) is not None  # type: ignore[attr-defined]
                for row in found
            ]
            for fate, found in made.items()
        }


def test_purge_deletes_what_ended_and_keeps_what_lives(environment: dict[str, str]) -> None:
    platform = platform_of(environment)
    try:
        made = rows(platform)
        with platform.unit_of_work() as services:
            org_id = services.organizations.get("purge").id
            with pytest.raises(Forbidden):
                services.purge.purge(Actor("token", "t", org_id, "owner"))
        run = credstack(environment, "purge", "--keep-days", "30")
        assert run.returncode == 0, run.stderr
        counts = dict(line.rsplit(None, 1) for line in run.stdout.splitlines())
        assert counts == {
            "sign-in links": "1",
            "sign-in requests": "1",
            "wallet sessions": "2",
            "staff sessions": "1",
            "failed sign-ins": "1",
            "oauth codes": "1",
            "oauth grants": "2",
            "outbox messages": "2",
            "webhook deliveries": "2",
        }
        assert left(platform, made) == {
            GONE: [False] * len(made[GONE]),
            LIVE: [True] * len(made[LIVE]),
        }
        again = credstack(environment, "purge")
        assert again.returncode == 0, again.stderr
        assert all(line.endswith(" 0") for line in again.stdout.splitlines()), again.stdout
        # A shorter keep takes the younger finished rows too.
        with platform.unit_of_work() as services:
            shorter = services.purge.purge(Actor.operator("t"), keep=timedelta(days=1))
        assert (shorter["outbox messages"], shorter["webhook deliveries"]) == (1, 1)
        bad = credstack(environment, "purge", "--keep-days", "0")
        assert bad.returncode == 2
    finally:
        platform.close()


def test_the_clock_of_servers_and_workers_purges_at_its_period(
    environment: dict[str, str],
) -> None:
    platform = build(
        Settings(
            database_url=environment["CREDSTACK_DATABASE_URL"],
            key_file=Path(environment["CREDSTACK_KEY_FILE"]),
            purge_seconds=120,
        ),
        migrate=True,
    )
    try:
        duties = {duty.name: duty for duty in platform.clock_duties()}
        assert duties["purge"].every == 120
        assert duties["purge"].at_start is False
        duties["purge"].run()  # runs as the operator, on an empty database
    finally:
        platform.close()
