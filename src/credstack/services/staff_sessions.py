"""Staff sign-in for the console: server-side sessions, the organisation switcher, and a limit on
failed sign-ins per account and per address.

A session is a random cookie value (256 bits); only its SHA-256 is stored, beside the user, the
organisation the user acts in, the CSRF token of its forms and an expiry. Failed sign-ins are
counted in a sliding window: past the limit, even the right password is refused until the
window has moved on, so guessing is slow whichever account or address it targets.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session

from credstack.errors import Forbidden, TooManyRequests
from credstack.services.actors import Actor, check_role
from credstack.services.audit import AuditTrail
from credstack.services.users import UserService
from credstack.store.models import User
from credstack.store.staff_sessions import StaffSession, StaffSessionRepository
from credstack.store.users import UserRepository

SESSION_LIFETIME: Final = timedelta(hours=8)
FAILURE_WINDOW: Final = timedelta(minutes=15)
# An account is guessed at by one person, an address may be shared by a whole office.
MAX_ACCOUNT_FAILURES: Final = 5
MAX_ADDRESS_FAILURES: Final = 20


@dataclass(frozen=True)
class OrganizationChoice:
    """An organisation the user is a member of, and their role there."""

    id: uuid.UUID
    slug: str
    name: str
    role: str


@dataclass(frozen=True)
class OpenedSession:
    """A new session and its cookie value, which is not stored anywhere."""

    record: StaffSession
    secret: str = field(repr=False)


@dataclass(frozen=True)
class SignedIn:
    """Who a session is, where they act and as what."""

    session: StaffSession
    user: User
    organizations: tuple[OrganizationChoice, ...]
    current: OrganizationChoice | None

    @property
    def actor(self) -> Actor | None:
        """The user acting in the chosen organisation; None for a user of no organisation."""
        if self.current is None:
            return None
        return Actor(
            kind="user",
            id=str(self.user.id),
            organization_id=self.current.id,
            role=check_role(self.current.role),
        )

    def csrf_matches(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(
            self.session.csrf_token.encode(), token.encode()
        )


def hash_session(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class StaffSessionService:
    def __init__(
        self,
        session: Session,
        users: UserService,
        audit: AuditTrail,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session = session
        self._users = users
        self._audit = audit
        self._now = clock
        self._sessions = StaffSessionRepository(session)
        self._user_rows = UserRepository(session)

    def sign_in(self, *, email: str, password: str, address: str) -> OpenedSession:
        """A session for the user whose password this is.

        Refused with ``too_many_attempts`` (``TooManyRequests``) while the account or the
        address is over its limit of failures, and ``invalid_credentials`` for a wrong email or
        password (which the caller records with ``record_failure`` in a transaction of its own,
        as this one rolls back).
        """
        self._check_limits(email, address)
        user = self._users.authenticate(email, password)
        self._sessions.clear_failures(_account(email))
        now = self._now()
        self._sessions.remove_expired(user.id, now)
        choices = self._choices(user)
        secret = secrets.token_urlsafe(32)
        record = self._sessions.add(
            StaffSession(
                token_hash=hash_session(secret),
                user_id=user.id,
                organization_id=choices[0].id if choices else None,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
        self._session.flush()
        actor = Actor(kind="user", id=str(user.id), organization_id=None, role=None)
        self._audit.record(actor, None, "user.signed_in", f"user:{user.id}")
        return OpenedSession(record, secret)

    def record_failure(self, *, email: str, address: str) -> None:
        """Count a failed sign-in against the account and the address."""
        now = self._now()
        self._sessions.add_failure(_account(email), now)
        self._sessions.add_failure(_address(address), now)
        self._session.flush()

    def resolve(self, secret: str | None) -> SignedIn:
        """The live session of a cookie value; ``Forbidden`` (``not_signed_in``) otherwise."""
        record = self._sessions.by_hash(hash_session(secret)) if secret else None
        if record is None or record.expires_at <= self._now():
            raise _not_signed_in()
        user = self._users_by_id(record.user_id)
        choices = self._choices(user)
        current = next((c for c in choices if c.id == record.organization_id), None)
        if current is None and choices:
            # Removed from the chosen organisation since: fall back to another one.
            current = choices[0]
            record.organization_id = current.id
            self._session.flush()
        return SignedIn(record, user, tuple(choices), current)

    def switch(self, secret: str | None, organization: str) -> SignedIn:
        """Act in ``organization`` (a slug) from now on; the user must be a member of it."""
        signed_in = self.resolve(secret)
        chosen = next((c for c in signed_in.organizations if c.slug == organization), None)
        if chosen is None:
            raise Forbidden(
                f"{signed_in.user.email} is not a member of {organization!r}.",
                code="not_a_member",
            )
        signed_in.session.organization_id = chosen.id
        self._session.flush()
        return SignedIn(signed_in.session, signed_in.user, signed_in.organizations, chosen)

    def sign_out(self, secret: str | None) -> None:
        """End the session; signing out twice, or without one, is harmless."""
        record = self._sessions.by_hash(hash_session(secret)) if secret else None
        if record is not None:
            self._sessions.remove(record)
            self._session.flush()

    def _check_limits(self, email: str, address: str) -> None:
        since = self._now() - FAILURE_WINDOW
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        # Retry-After: the whole window, the longest the lock can last (what the message says).
        wait = int(FAILURE_WINDOW.total_seconds())
        if self._sessions.failures_since(_account(email), since) >= MAX_ACCOUNT_FAILURES:
            raise TooManyRequests(
                f"Too many failed sign-ins for this account; try again in {minutes} minutes "
                "or ask an administrator to reset the password.",
                retry_after=wait,
                code="too_many_attempts",
            )
        if self._sessions.failures_since(_address(address), since) >= MAX_ADDRESS_FAILURES:
            raise TooManyRequests(
                f"Too many failed sign-ins from this network address; try again in {minutes} "
                "minutes.",
                retry_after=wait,
                code="too_many_attempts",
            )

    def _users_by_id(self, user_id: uuid.UUID) -> User:
        user = self._user_rows.by_id(user_id)
        if user is None:
            raise _not_signed_in()
        return user

    def _choices(self, user: User) -> list[OrganizationChoice]:
        return [
            OrganizationChoice(org.id, org.slug, org.name, role)
            for org, role in self._sessions.organizations_of(user.id)
        ]


def _account(email: str) -> str:
    return f"email:{email.strip().lower()[:320]}"


def _address(address: str) -> str:
    return f"ip:{address[:64]}"


def _not_signed_in() -> Forbidden:
    return Forbidden("Sign in to use the console.", code="not_signed_in")
