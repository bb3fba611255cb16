"""The audit log: every change of state that matters (DESIGN.md, security model)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from credstack.services.actors import Actor, authorize
from credstack.store.audit import AuditRepository
from credstack.store.models import AuditEntry


class AuditTrail:
    def __init__(self, session: Session) -> None:
        self._entries = AuditRepository(session)

    def record(
        self,
        actor: Actor,
        organization_id: uuid.UUID | None,
        action: str,
        subject: str,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Add one entry; it is written with the rest of the transaction, or not at all."""
        return self._entries.add(
            AuditEntry(
                organization_id=organization_id,
                actor=actor.label,
                action=action,
                subject=subject,
                detail=dict(detail or {}),
            )
        )

    def entries(
        self, actor: Actor, organization_id: uuid.UUID, *, limit: int = 100
    ) -> list[AuditEntry]:
        authorize(actor, organization_id, "read_audit")
        return self._entries.for_organization(organization_id, limit=limit)
