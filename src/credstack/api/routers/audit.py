"""``/orgs/{slug}/audit``: the organisation's audit log, newest first, a page at a time (owner
or admin). Details are shown as ``services.audit.public_detail`` leaves them: no secrets."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.services.audit import AuditEvent, AuditQuery

router = APIRouter(prefix="/orgs/{slug}/audit", tags=["audit"])


class AuditEventPublic(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: uuid.UUID
    at: AwareDatetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventPublic:
        return cls(
            id=event.id,
            at=event.at,
            actor=event.actor,
            action=event.action,
            subject=event.subject,
            detail=event.detail,
        )


@router.get("", summary="A page of the organisation's audit events, newest first")
def audit_events(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    action: Annotated[
        str | None, Query(max_length=100, description="An action, or its family: credential")
    ] = None,
    by: Annotated[
        str | None,
        Query(alias="actor", max_length=200, description="The actor: user:<id>, token:<id>"),
    ] = None,
    subject: Annotated[str | None, Query(max_length=2048)] = None,
    since: Annotated[AwareDatetime | None, Query(description="From this time on")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Before this time")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AuditEventPublic]:
    query = AuditQuery(action, by, subject, since, until, offset, limit)
    return [AuditEventPublic.of(event) for event in services.audit.events(actor, slug, query)]
