"""Learner accounts: sign-in by an emailed one-time link, wallet sessions, and the learner's
email addresses.

Asking for a sign-in link answers the same whether or not the address has an account (the
first sign-in creates it), so the answer tells nobody which addresses are known; each address
may ask ``SIGN_IN_LIMIT`` times per ``LINK_LIFETIME``. A link is 256 random bits, kept only as
its SHA-256, works once and for ``LINK_LIFETIME``. Exchanging it opens a session: an opaque
bearer token (``csw_`` and 43 characters), kept as its SHA-256, valid ``SESSION_LIFETIME``
unless signed out first. The same token can come from a cookie: ``authenticate`` takes the
token, not the request.

A learner may add addresses; each is confirmed by a link mailed to it, and every confirmed
address is matched against the credentials issued here. An address confirmed by one learner
(or another account's own address) cannot be added by another (``email_taken``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from credstack.services import validation
from credstack.services.actors import Actor
from credstack.services.audit import AuditTrail
from credstack.services.mail import MailService
from credstack.store.learners import LearnerEmail, LearnerLink, LearnerRepository, LearnerSession
from credstack.store.models import User
from credstack.store.users import UserRepository

LINK_LIFETIME: Final = timedelta(minutes=15)
SESSION_LIFETIME: Final = timedelta(days=14)
SIGN_IN_LIMIT: Final = 5
# Links asked for from one client address per LINK_LIFETIME, whatever the addresses they go to:
# a whole office may share an address, so it is well above the limit per email address.
CLIENT_LIMIT: Final = 20
MAX_EMAILS: Final = 20
SESSION_PREFIX: Final = "csw_"
# argon2 refuses this as a hash, so an account made by email sign-in has no password to guess.
NO_PASSWORD: Final = "!"  # noqa: S105 - a marker, not a secret
_SESSION_SHAPE = re.compile(r"^csw_[A-Za-z0-9_-]{43}$")
_LINK_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class Learner:
    """The learner of a wallet session, and the confirmed addresses credentials are matched
    against (``LearnerService.addresses``), as read with the session."""

    user: User
    session_id: uuid.UUID
    addresses: tuple[str, ...]

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def actor(self) -> Actor:
        """The learner as an actor: no organisation and no role, so staff actions refuse it."""
        return Actor(kind="learner", id=str(self.user.id), organization_id=None, role=None)


@dataclass(frozen=True)
class SignedIn:
    """A new session: its bearer token, shown once."""

    learner: Learner
    token: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class EmailAddress:
    email: str
    primary: bool
    added_at: datetime
    confirmed_at: datetime | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class LearnerService:
    def __init__(
        self,
        session: Session,
        audit: AuditTrail,
        mail: MailService,
        base_url: str,
        *,
        client: str | None = None,
        client_limit: int = CLIENT_LIMIT,
    ) -> None:
        self._session = session
        # The address of the client asking (the request's), for the limit per address; None
        # outside a request (the command line), where no limit applies.
        self._client = client
        self._client_limit = client_limit
        self._audit = audit
        self._mail = mail
        self._base_url = base_url.rstrip("/")
        self._rows = LearnerRepository(session)
        self._users = UserRepository(session)

    def request_sign_in(self, email: str) -> None:
        """Mail a sign-in link to ``email``; the same answer whether it has an account or not."""
        address = validation.email(email)
        self._count_client()
        token = self._link("sign_in", address, None)
        self._mail.send(
            address,
            "Your Credstack sign-in link",
            "Sign in to your Credstack wallet with this link:\n\n"
            f"{self._base_url}/wallet/sign-in/complete?token={token}\n\n"
            f"It works once, for {_minutes(LINK_LIFETIME)} minutes. If you did not ask to sign "
            "in, ignore this message: nothing happens without the link.\n",
            purpose="sign_in",
        )

    def complete_sign_in(self, token: str) -> SignedIn:
        """Exchange a sign-in link's token for a session; the first sign-in makes the account."""
        link = self._use_link("sign_in", token)
        user = self._account_for(link.email)
        secret = SESSION_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        row = LearnerSession(
            user_id=user.id,
            token_hash=_digest(secret),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
        self._rows.add(row)
        self._session.flush()
        learner = Learner(user, row.id, tuple(self._rows.confirmed_addresses(user)))
        return SignedIn(learner, secret, row.expires_at)

    def authenticate(self, token: str) -> Learner:
        """The learner of a session token (from a bearer header or a cookie); ``Forbidden``
        (``invalid_session``, a 401) when it is unknown, expired or signed out."""
        candidate = token.strip()
        if not _SESSION_SHAPE.match(candidate):
            raise _invalid_session()
        digest = _digest(candidate)
        found = self._rows.session_by_hash(digest)
        if found is None:
            raise _invalid_session()
        row, user, addresses = found
        if not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None:
            raise _invalid_session()
        if row.expires_at <= datetime.now(UTC):
            raise _invalid_session()
        return Learner(user, row.id, tuple(addresses))

    def sign_out(self, learner: Learner) -> None:
        """End the learner's session; its token no longer works."""
        row = self._rows.session(learner.session_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
            self._session.flush()

    def emails(self, learner: Learner) -> list[EmailAddress]:
        """The learner's addresses, confirmed or waiting for confirmation, oldest first."""
        primary = learner.user.email
        return [
            EmailAddress(row.email, row.email == primary, row.created_at, row.confirmed_at)
            for row in self._rows.emails(learner.id)
        ]

    def addresses(self, user: User) -> list[str]:
        """The confirmed addresses credentials are matched against (the account's own always)."""
        return self._rows.confirmed_addresses(user)

    def add_email(self, learner: Learner, email: str) -> EmailAddress:
        """Add an address and mail a confirmation link to it (again, for one not confirmed)."""
        address = validation.email(email)
        row = self._rows.email_of(learner.id, address)
        if row is not None and row.confirmed_at is not None:
            raise Conflict(f"{address} is confirmed already.", code="email_already_confirmed")
        self._check_free(learner.user, address)
        if row is None:
            if len(self._rows.emails(learner.id)) >= MAX_EMAILS:
                raise Conflict(
                    f"A wallet keeps at most {MAX_EMAILS} addresses; remove one first.",
                    code="too_many_emails",
                )
            row = LearnerEmail(user_id=learner.id, email=address, created_at=datetime.now(UTC))
            self._rows.add(row)
        token = self._link("confirm_email", address, learner.id)
        self._mail.send(
            address,
            "Confirm your email address for Credstack",
            f"{learner.user.email} asked to add this address to their Credstack wallet, so that "
            "credentials issued to it appear there. Confirm with this link:\n\n"
            f"{self._base_url}/wallet/emails/confirm?token={token}\n\n"
            f"It works once, for {_minutes(LINK_LIFETIME)} minutes. If this was not you, "
            "ignore this message.\n",
            purpose="confirm_email",
        )
        self._session.flush()
        return EmailAddress(address, False, row.created_at, None)

    def confirm_email(self, token: str) -> EmailAddress:
        """Confirm the address a confirmation link was mailed to."""
        link = self._use_link("confirm_email", token)
        user = self._users.by_id(link.user_id) if link.user_id is not None else None
        row = self._rows.email_of(user.id, link.email) if user is not None else None
        if user is None or row is None:
            raise NotFound(
                "The address was removed from the wallet after the link was sent.",
                code="email_not_found",
            )
        if row.confirmed_at is None:
            self._check_free(user, row.email)
            row.confirmed_at = datetime.now(UTC)
            try:
                with self._session.begin_nested():
                    self._session.flush()
            except IntegrityError as exc:
                raise _taken(row.email) from exc
            self._audit.record(
                _actor(user),
                None,
                "learner.email_confirmed",
                f"user:{user.id}",
                {"email": row.email},
            )
        return EmailAddress(row.email, row.email == user.email, row.created_at, row.confirmed_at)

    def remove_email(self, learner: Learner, email: str) -> None:
        """Remove an address; the last confirmed one stays. Removing the account's own address
        makes the oldest other confirmed address the account's."""
        address = email.strip().lower()
        row = self._rows.email_of(learner.id, address)
        if row is None:
            raise NotFound(f"{address} is not in the wallet.", code="email_not_found")
        others = [
            r for r in self._rows.emails(learner.id) if r.confirmed_at is not None and r is not row
        ]
        if row.confirmed_at is not None and not others:
            raise Conflict(
                f"{address} is the wallet's last confirmed address; add another first.",
                code="last_email",
            )
        user = learner.user
        if user.email == address:
            user.email = others[0].email
        self._rows.remove_email(row)
        self._session.flush()
        self._audit.record(
            learner.actor, None, "learner.email_removed", f"user:{user.id}", {"email": address}
        )

    def _count_client(self) -> None:
        """Count a link asked for from this client; refuse past its limit, before anything
        about the email address is looked at, so the refusal says nothing about it."""
        if self._client is None:
            return
        client = self._client[:64]
        now = datetime.now(UTC)
        recent = self._rows.recent_requests(client, now - LINK_LIFETIME)
        if len(recent) >= self._client_limit:
            wait = recent[0] + LINK_LIFETIME - now
            raise TooManyRequests(
                f"{self._client_limit} sign-in links were asked for from your network address "
                f"in the last {_minutes(LINK_LIFETIME)} minutes; try again later.",
                retry_after=max(1, int(wait.total_seconds()) + 1),
                code="too_many_links_from_address",
            )
        self._rows.count_request(client, now)

    def _link(self, purpose: str, address: str, user_id: uuid.UUID | None) -> str:
        now = datetime.now(UTC)
        recent = self._rows.recent_links(purpose, address, now - LINK_LIFETIME)
        if len(recent) >= SIGN_IN_LIMIT:
            wait = recent[0] + LINK_LIFETIME - now
            raise TooManyRequests(
                f"{SIGN_IN_LIMIT} links were sent to this address in the last "
                f"{_minutes(LINK_LIFETIME)} minutes; use one of them or try again later.",
                retry_after=max(1, int(wait.total_seconds()) + 1),
                code="too_many_links",
            )
        token = secrets.token_urlsafe(32)
        self._rows.add(
            LearnerLink(
                purpose=purpose,
                token_hash=_digest(token),
                email=address,
                user_id=user_id,
                created_at=now,
                expires_at=now + LINK_LIFETIME,
            )
        )
        return token

    def _use_link(self, purpose: str, token: str) -> LearnerLink:
        candidate = token.strip()
        link = self._rows.link(_digest(candidate)) if _LINK_SHAPE.match(candidate) else None
        if link is None or link.purpose != purpose:
            raise InvalidInput("The link is not valid; ask for a new one.", code="invalid_link")
        now = datetime.now(UTC)
        if link.used_at is not None:
            raise InvalidInput("The link was used already; ask for a new one.", code="link_used")
        if link.expires_at <= now:
            raise InvalidInput("The link has expired; ask for a new one.", code="link_expired")
        if not self._rows.use_link(link.id, now):
            raise InvalidInput("The link was used already; ask for a new one.", code="link_used")
        return link

    def _account_for(self, address: str) -> User:
        """The account that ``address`` signs in to, made on its first sign-in."""
        owner = self._rows.confirmed_owner(address)
        user = self._users.by_id(owner) if owner is not None else self._users.by_email(address)
        if user is None:
            try:
                with self._session.begin_nested():
                    user = self._users.add(User(email=address, password_hash=NO_PASSWORD))
                    self._session.flush()
            except IntegrityError:
                # Two first sign-ins of one address at once: the other made the account.
                user = self._users.by_email(address)
                if user is None:
                    raise
            else:
                self._audit.record(_actor(user), None, "learner.created", f"user:{user.id}")
        if user.email == address and self._rows.email_of(user.id, address) is None:
            now = datetime.now(UTC)
            self._rows.add(
                LearnerEmail(user_id=user.id, email=address, created_at=now, confirmed_at=now)
            )
            self._session.flush()
        return user

    def _check_free(self, user: User, address: str) -> None:
        owner = self._rows.confirmed_owner(address)
        account = self._users.by_email(address)
        if (owner is not None and owner != user.id) or (account is not None and account != user):
            raise _taken(address)


def _actor(user: User) -> Actor:
    return Actor(kind="learner", id=str(user.id), organization_id=None, role=None)


def _taken(address: str) -> Conflict:
    return Conflict(
        f"{address} belongs to another account; sign in with it there instead.",
        code="email_taken",
    )


def _invalid_session() -> Forbidden:
    return Forbidden(
        "The wallet session is unknown, expired or signed out; sign in again.",
        code="invalid_session",
    )


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)
