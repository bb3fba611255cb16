"""The outbox: every message the platform sends, with its delivery state.

A message is written in the transaction that asked for it and delivered by a task after that
transaction commits (the transactional outbox pattern). With no SMTP server configured the
outbox is where messages end: the operator reads them with ``credstack outbox``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import CheckConstraint, Index, String, Table, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.batch import insert_rows
from credstack.store.models import Base, _now, _one_of

MAIL_STATUSES: Final = ("queued", "sent", "failed")


class MailMessage(Base):
    __tablename__ = "mail_messages"
    __table_args__ = (
        CheckConstraint(_one_of("status", MAIL_STATUSES), name="status"),
        Index(None, "created_at", "id"),
        # The clock's look for retries that are due.
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    # Emptied once an SMTP server has it (or it failed for good): a sign-in link is a secret.
    body: Mapped[str | None] = mapped_column(Text)
    # What the message is for (sign_in, confirm_email, credential_issued), for the operator's list.
    purpose: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # Where it went: "smtp" or "outbox".
    transport: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    # When the next try of a queued message is due (None: being handed over, or finished);
    # the database keeps the retry, so a restart loses none (docs/operations.md).
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    finished_at: Mapped[datetime | None]


class MailRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, message: MailMessage) -> MailMessage:
        self._session.add(message)
        return message

    def add_many(self, rows: list[dict[str, Any]]) -> None:
        """Many messages in one write (``store.batch``), each row giving every column."""
        insert_rows(self._session, cast(Table, MailMessage.__table__), rows)

    def get(self, message_id: uuid.UUID) -> MailMessage | None:
        return self._session.get(MailMessage, message_id)

    def lock(self, message_id: uuid.UUID) -> MailMessage | None:
        """The message, locked until the transaction ends: two deliveries of one message (a
        retry racing a worker restart) take turns, and the second sees it sent."""
        return self._session.scalars(
            select(MailMessage).where(MailMessage.id == message_id).with_for_update()
        ).one_or_none()

    def due_ids(self, now: datetime, limit: int) -> list[uuid.UUID]:
        """Queued messages whose next try is due, oldest first."""
        return list(
            self._session.scalars(
                select(MailMessage.id)
                .where(MailMessage.status == "queued", MailMessage.next_attempt_at <= now)
                .order_by(MailMessage.next_attempt_at)
                .limit(limit)
            )
        )

    def queued_ids(self) -> list[uuid.UUID]:
        return list(
            self._session.scalars(
                select(MailMessage.id)
                .where(MailMessage.status == "queued")
                .order_by(MailMessage.created_at)
            )
        )

    def page(
        self, *, status: str | None, recipient: str | None, offset: int, limit: int
    ) -> list[MailMessage]:
        """Newest first."""
        query = select(MailMessage)
        if status is not None:
            query = query.where(MailMessage.status == status)
        if recipient is not None:
            query = query.where(MailMessage.recipient == recipient)
        return list(
            self._session.scalars(
                query.order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
                .offset(offset)
                .limit(limit)
            )
        )
