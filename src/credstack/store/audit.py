"""The audit log repository: entries are added and read, never changed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from credstack.store.batch import insert_rows
from credstack.store.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # the action, or its family (the part before the first dot)
    actor: str | None = None
    subject: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: AuditEntry) -> AuditEntry:
        self._session.add(entry)
        return entry

    def insert_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """A batch's entries in one go (``store.batch``), past the unit of work."""
        insert_rows(self._session, cast(Table, AuditEntry.__table__), rows)

    def for_organization(self, organization_id: uuid.UUID, *, limit: int = 100) -> list[AuditEntry]:
        return list(
            self._session.scalars(
                select(AuditEntry)
                .where(AuditEntry.organization_id == organization_id)
                .order_by(AuditEntry.at.desc(), AuditEntry.id)
                .limit(limit)
            )
        )

    def search(
        self, organization_id: uuid.UUID, where: AuditFilter, *, offset: int, limit: int
    ) -> list[AuditEntry]:
        """The organisation's entries that match ``where``, newest first, a page of them."""
        query = select(AuditEntry).where(AuditEntry.organization_id == organization_id)
        if where.action is not None:
            # "credential" matches its family; LIKE's wildcards in the value match themselves.
            family = where.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(
                or_(
                    AuditEntry.action == where.action,
                    AuditEntry.action.like(f"{family}.%", escape="\\"),
                )
            )
        if where.actor is not None:
            query = query.where(AuditEntry.actor == where.actor)
        if where.subject is not None:
            query = query.where(AuditEntry.subject == where.subject)
        if where.since is not None:
            query = query.where(AuditEntry.at >= where.since)
        if where.until is not None:
            query = query.where(AuditEntry.at < where.until)
        query = query.order_by(AuditEntry.at.desc(), AuditEntry.id).offset(offset).limit(limit)
        return list(self._session.scalars(query))
