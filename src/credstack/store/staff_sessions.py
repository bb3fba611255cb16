"""Staff sign-in sessions of the console and the failed sign-ins that limit guessing: tables and
repository.

Only the SHA-256 of a session's cookie value is stored: the value is 256 random bits, so an
unsalted fast hash leaves nothing to guess (as for API tokens, services/tokens.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.models import Base, Membership, Organization, _now


class StaffSession(Base):
    """A signed-in browser: whose it is, which organisation it acts in, until when."""

    __tablename__ = "staff_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # The organisation chosen in the switcher; None until the user is a member of one.
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    # The synchronizer token every form of this session carries (OWASP CSRF cheat sheet).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    expires_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"StaffSession({self.id}, user={self.user_id})"


class SignInFailure(Base):
    """One failed sign-in, counted against the account (``email:``) and the address (``ip:``)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index(None, "subject", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    subject: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(default=_now)


class StaffSessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, staff_session: StaffSession) -> StaffSession:
        self._session.add(staff_session)
        return staff_session

    def by_hash(self, token_hash: str) -> StaffSession | None:
        return self._session.scalars(
            select(StaffSession).where(StaffSession.token_hash == token_hash)
        ).one_or_none()

    def remove(self, staff_session: StaffSession) -> None:
        self._session.delete(staff_session)

    def remove_expired(self, user_id: uuid.UUID, now: datetime) -> None:
        self._session.execute(
            delete(StaffSession).where(
                StaffSession.user_id == user_id, StaffSession.expires_at <= now
            )
        )

    def add_failure(self, subject: str, at: datetime) -> None:
        self._session.add(SignInFailure(subject=subject, at=at))

    def failures_since(self, subject: str, since: datetime) -> int:
        count = self._session.scalar(
            select(func.count())
            .select_from(SignInFailure)
            .where(SignInFailure.subject == subject, SignInFailure.at > since)
        )
        return int(count or 0)

    def clear_failures(self, subject: str) -> None:
        self._session.execute(delete(SignInFailure).where(SignInFailure.subject == subject))

    def organizations_of(self, user_id: uuid.UUID) -> list[tuple[Organization, str]]:
        """The organisations the user is a member of, with their role, by name."""
        rows = self._session.execute(
            select(Organization, Membership.role)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user_id)
            .order_by(Organization.name, Organization.slug)
        )
        return [(org, role) for org, role in rows.tuples()]
