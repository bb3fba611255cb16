"""What a learner holds: credentials that clients upserted through the Open Badges API or that
the learner imported, the learner's own OB Profile, and (read-only) the credentials issued here
to their email.

A held credential is stored as the exact text received, like an issued one. An imported one also
keeps the verification report it passed and what pathways need to count it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Select,
    String,
    Text,
    UniqueConstraint,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import Base, _now, _one_of
from credstack.store.types import JsonDocument

HELD_SOURCES: Final = ("ob_api", "import")


class HeldCredential(Base):
    """A credential a client upserted for a user, or one the user imported; one row per
    credential key."""

    __tablename__ = "held_credentials"
    __table_args__ = (
        UniqueConstraint("user_id", "credential_key"),
        CheckConstraint(_one_of("source", HELD_SOURCES), name="source"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The credential's id, or sha256:<hex> of its text when it has none.
    credential_key: Mapped[str] = mapped_column(String(2048))
    issuer_id: Mapped[str | None] = mapped_column(String(2048))
    media_type: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    # validFrom (or issuanceDate) of the credential, else when it was first received: `since`.
    issued_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)
    # How it came: upserted by an OB API client, or imported by the learner.
    source: Mapped[str] = mapped_column(String(16), default="ob_api", server_default="ob_api")
    # An import's verification report (VerificationReport.to_dict) and when it was made.
    report: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    verified_at: Mapped[datetime | None]
    # The achievement's id and the end of the validity window, for pathway evaluation.
    achievement: Mapped[str | None] = mapped_column(String(2048))
    valid_until: Mapped[datetime | None]
    # The learner's address (lower case) that the credential's subject names by its hash: only
    # an import that names the learner counts toward pathways, as a credential issued to it.
    subject_email: Mapped[str | None] = mapped_column(String(320), index=True)


class LearnerProfile(Base):
    """The OB 3.0 Profile a user keeps through putProfile."""

    __tablename__ = "learner_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    document: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=_now)


@dataclass(frozen=True)
class WalletEntry:
    """One credential of a user's list: its text and how it is encoded, where it comes from
    (issued here, or held: upserted through the OB API) and its row's id, and the status this
    server keeps for it (an issued one's; ``active`` for a held one)."""

    text: str
    media_type: str
    issued_at: datetime
    source: Literal["issued", "held"]
    id: uuid.UUID
    status: str


class WalletRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: HeldCredential | LearnerProfile) -> None:
        self._session.add(row)

    def held(self, user_id: uuid.UUID, credential_key: str) -> HeldCredential | None:
        return self._session.scalars(
            select(HeldCredential).where(
                HeldCredential.user_id == user_id, HeldCredential.credential_key == credential_key
            )
        ).one_or_none()

    def issued_to(self, emails: Sequence[str], credential_id: str) -> bool:
        """Whether this server issued the credential ``credential_id`` to one of ``emails``."""
        found = self._session.scalar(
            select(IssuedCredentialRecord.id).where(
                IssuedCredentialRecord.credential_id == credential_id,
                func.lower(IssuedCredentialRecord.recipient_email).in_(emails),
            )
        )
        return found is not None

    def profile(self, user_id: uuid.UUID) -> LearnerProfile | None:
        return self._session.get(LearnerProfile, user_id)

    def page(
        self,
        user_id: uuid.UUID,
        emails: Sequence[str],
        *,
        since: datetime | None,
        offset: int,
        limit: int,
    ) -> tuple[list[WalletEntry], int]:
        """A page of the user's credentials, oldest first, and how many there are in all:
        those issued here to any of ``emails`` and those held, in one order."""
        issued = self._issued(emails)
        held = self._held(user_id)
        if since is not None:
            issued = issued.where(IssuedCredentialRecord.issued_at > since)
            held = held.where(HeldCredential.issued_at > since)
        both = union_all(issued, held).subquery()
        # The count rides along with the page (a window over every row, computed before the
        # offset): one round trip, not two. Only a page past the end asks for it alone.
        rows = self._session.execute(
            select(both, func.count().over().label("total"))
            .order_by(both.c.issued_at, both.c.source, both.c.id)
            .offset(offset)
            .limit(limit)
        ).all()
        if rows:
            return [_entry(row) for row in rows], int(rows[0].total)
        total = self._session.scalar(select(func.count()).select_from(both)) or 0
        return [], total

    def entry(
        self, user_id: uuid.UUID, emails: Sequence[str], entry_id: uuid.UUID
    ) -> WalletEntry | None:
        """One of the user's credentials by its row id; None when it is not theirs."""
        issued = self._issued(emails).where(IssuedCredentialRecord.id == entry_id)
        held = self._held(user_id).where(HeldCredential.id == entry_id)
        row = self._session.execute(union_all(issued, held)).first()
        return None if row is None else _entry(row)

    @staticmethod
    def _issued(emails: Sequence[str]) -> Select[Any]:
        return select(
            literal("issued").label("source"),
            IssuedCredentialRecord.id.label("id"),
            IssuedCredentialRecord.text.label("text"),
            IssuedCredentialRecord.media_type.label("media_type"),
            IssuedCredentialRecord.issued_at.label("issued_at"),
            IssuedCredentialRecord.status.label("status"),
        ).where(func.lower(IssuedCredentialRecord.recipient_email).in_(emails))

    @staticmethod
    def _held(user_id: uuid.UUID) -> Select[Any]:
        return select(
            literal("held").label("source"),
            HeldCredential.id,
            HeldCredential.text,
            HeldCredential.media_type,
            HeldCredential.issued_at,
            literal("active").label("status"),
        ).where(HeldCredential.user_id == user_id)


def _entry(row: Any) -> WalletEntry:
    return WalletEntry(
        text=row.text,
        media_type=row.media_type,
        issued_at=row.issued_at,
        source=row.source,
        id=row.id,
        status=row.status,
    )
