"""The audit log repository: entries are added and read, never changed."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.store.models import AuditEntry


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: AuditEntry) -> AuditEntry:
        self._session.add(entry)
        return entry

    def for_organization(self, organization_id: uuid.UUID, *, limit: int = 100) -> list[AuditEntry]:
        return list(
            self._session.scalars(
                select(AuditEntry)
                .where(AuditEntry.organization_id == organization_id)
                .order_by(AuditEntry.at.desc(), AuditEntry.id)
                .limit(limit)
            )
        )
