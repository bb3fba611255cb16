"""Webhook endpoints of organisations, and the deliveries made to them.

An endpoint's signing secret is kept sealed under the master key (it must be used again to
sign each delivery, so it cannot be kept as a hash); it is shown once, when the endpoint is
made. A delivery keeps the exact body it sends, so every attempt signs the same bytes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.models import Base, _now, _one_of
from credstack.store.types import JsonDocument

DELIVERY_STATUSES: Final = ("pending", "delivered", "failed")


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JsonDocument)
    description: Mapped[str | None] = mapped_column(String(500))
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(_one_of("status", DELIVERY_STATUSES), name="status"),
        Index(None, "endpoint_id", "created_at"),
        # The clock's look for attempts that are due.
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=_now)


class WebhookRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: WebhookEndpoint | WebhookDelivery) -> None:
        self._session.add(row)

    def endpoint(self, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
        return self._session.get(WebhookEndpoint, endpoint_id)

    def endpoints(self, organization_id: uuid.UUID) -> list[WebhookEndpoint]:
        return list(
            self._session.scalars(
                select(WebhookEndpoint)
                .where(WebhookEndpoint.organization_id == organization_id)
                .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
            )
        )

    def count(self, organization_id: uuid.UUID) -> int:
        return int(
            self._session.scalar(
                select(func.count())
                .select_from(WebhookEndpoint)
                .where(WebhookEndpoint.organization_id == organization_id)
            )
            or 0
        )

    def delete(self, endpoint: WebhookEndpoint) -> None:
        self._session.delete(endpoint)

    def delivery(self, delivery_id: uuid.UUID, *, lock: bool = False) -> WebhookDelivery | None:
        query = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
        if lock:
            # One attempt at a time: a retried task and a late one never both send.
            query = query.with_for_update()
        return self._session.scalars(query).one_or_none()

    def due(self, now: datetime, limit: int) -> list[uuid.UUID]:
        """Pending deliveries whose next attempt is due, oldest first."""
        return list(
            self._session.scalars(
                select(WebhookDelivery.id)
                .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                .order_by(WebhookDelivery.next_attempt_at)
                .limit(limit)
            )
        )

    def deliveries(
        self, endpoint_id: uuid.UUID, *, offset: int, limit: int
    ) -> list[WebhookDelivery]:
        return list(
            self._session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.endpoint_id == endpoint_id)
                .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
                .offset(offset)
                .limit(limit)
            )
        )
