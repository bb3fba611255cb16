"""Learner accounts' own tables: their email addresses, the one-time links mailed to them, and
their wallet sessions. Links and sessions keep only the SHA-256 of their random token.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.models import Base, User, _now, _one_of

LINK_PURPOSES: Final = ("sign_in", "confirm_email")


class LearnerEmail(Base):
    """An address a learner added; matched to credentials once confirmed. A confirmed address
    belongs to one learner only (the partial unique index)."""

    __tablename__ = "learner_emails"
    __table_args__ = (
        UniqueConstraint("user_id", "email"),
        Index(
            "uq_learner_emails_confirmed_email",
            "email",
            unique=True,
            sqlite_where=text("confirmed_at IS NOT NULL"),
            postgresql_where=text("confirmed_at IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Lower-cased, as users.email is.
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    confirmed_at: Mapped[datetime | None]


class LearnerLink(Base):
    """A one-time link mailed to an address: to sign in, or to confirm an added address."""

    __tablename__ = "learner_links"
    __table_args__ = (
        CheckConstraint(_one_of("purpose", LINK_PURPOSES), name="purpose"),
        # The rate limit counts an address's recent links.
        Index(None, "email", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    # The learner adding the address (confirm_email); none for a sign-in.
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SignInRequest(Base):
    """A sign-in link asked for from a client address (only the address, never the email),
    for the limit per address (``services.learners``); purged after a day."""

    __tablename__ = "sign_in_requests"
    __table_args__ = (Index(None, "client", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=_now)


class LearnerSession(Base):
    """A signed-in learner's bearer token (only its hash), until it expires or is revoked."""

    __tablename__ = "learner_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LearnerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: LearnerEmail | LearnerLink | LearnerSession | SignInRequest | User) -> None:
        self._session.add(row)

    def recent_links(self, purpose: str, email: str, since: datetime) -> list[datetime]:
        """When the links of ``purpose`` to ``email`` made after ``since`` were made, oldest
        first (the rate limit's window)."""
        return list(
            self._session.scalars(
                select(LearnerLink.created_at)
                .where(
                    LearnerLink.purpose == purpose,
                    LearnerLink.email == email,
                    LearnerLink.created_at > since,
                )
                .order_by(LearnerLink.created_at)
            )
        )

    def count_request(self, client: str, at: datetime) -> None:
        self._session.add(SignInRequest(client=client, at=at))

    def recent_requests(self, client: str, since: datetime) -> list[datetime]:
        """When the sign-in links asked for from ``client`` after ``since`` were asked for,
        oldest first."""
        return list(
            self._session.scalars(
                select(SignInRequest.at)
                .where(SignInRequest.client == client, SignInRequest.at > since)
                .order_by(SignInRequest.at)
            )
        )

    def link(self, token_hash: str) -> LearnerLink | None:
        return self._session.scalars(
            select(LearnerLink).where(LearnerLink.token_hash == token_hash)
        ).one_or_none()

    def use_link(self, link_id: uuid.UUID, now: datetime) -> bool:
        """Mark the link used; False when another request used it first (single use even when
        two exchanges race: only one UPDATE finds ``used_at`` empty)."""
        result = self._session.execute(
            update(LearnerLink)
            .where(LearnerLink.id == link_id, LearnerLink.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def emails(self, user_id: uuid.UUID) -> list[LearnerEmail]:
        return list(
            self._session.scalars(
                select(LearnerEmail)
                .where(LearnerEmail.user_id == user_id)
                .order_by(LearnerEmail.created_at, LearnerEmail.email)
            )
        )

    def email_of(self, user_id: uuid.UUID, email: str) -> LearnerEmail | None:
        return self._session.scalars(
            select(LearnerEmail).where(LearnerEmail.user_id == user_id, LearnerEmail.email == email)
        ).one_or_none()

    def confirmed_addresses(self, user: User) -> list[str]:
        """The addresses credentials are matched against: the account's own, and those the
        learner confirmed."""
        confirmed = self._session.scalars(
            select(LearnerEmail.email).where(
                LearnerEmail.user_id == user.id, LearnerEmail.confirmed_at.is_not(None)
            )
        )
        return sorted(set(confirmed) | {user.email})

    def confirmed_owner(self, email: str) -> uuid.UUID | None:
        """The learner who confirmed ``email``, if anyone has."""
        return self._session.scalar(
            select(LearnerEmail.user_id).where(
                LearnerEmail.email == email, LearnerEmail.confirmed_at.is_not(None)
            )
        )

    def remove_email(self, row: LearnerEmail) -> None:
        self._session.delete(row)

    def session_by_hash(self, token_hash: str) -> tuple[LearnerSession, User, list[str]] | None:
        """The session, its user and the user's confirmed addresses (``confirmed_addresses``),
        in one round trip: a row per confirmed address, or one with none."""
        rows = self._session.execute(
            select(LearnerSession, User, LearnerEmail.email)
            .join(User, User.id == LearnerSession.user_id)
            .outerjoin(
                LearnerEmail,
                (LearnerEmail.user_id == User.id) & LearnerEmail.confirmed_at.is_not(None),
            )
            .where(LearnerSession.token_hash == token_hash)
        ).all()
        if not rows:
            return None
        session, user = rows[0][0], rows[0][1]
        confirmed = {row[2] for row in rows if row[2] is not None}
        return session, user, sorted(confirmed | {user.email})

    def session(self, session_id: uuid.UUID) -> LearnerSession | None:
        return self._session.get(LearnerSession, session_id)
