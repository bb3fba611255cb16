"""``/orgs/{slug}/webhooks``: the organisation's webhook endpoints (admin or above).

An endpoint's signing secret is in the answer to its creation and nowhere else. Deliveries are
listed per endpoint with their status (pending, delivered, failed) and attempts; ``ping``
sends a ``webhook.ping`` event through the same queue and retries. docs/webhooks.md.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, ServicesDep

router = APIRouter(prefix="/orgs/{slug}/webhooks", tags=["webhooks"])
# services.webhooks.EVENTS, spelled out for the OpenAPI document.
Event = Literal[
    "credential.issued",
    "credential.revoked",
    "credential.suspended",
    "credential.reinstated",
    "bulk.completed",
    "pathway.awarded",
    "assessment.decided",
]


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, from_attributes=True, extra="forbid"
    )


class WebhookCreate(_Model):
    url: str = Field(max_length=2048, description="https (http only to loopback, in tests)")
    events: list[Event] = Field(min_length=1, max_length=10)
    description: str | None = Field(default=None, max_length=500)


class WebhookPublic(_Model):
    """An endpoint as lists show it: never its secret."""

    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    created_at: AwareDatetime


class WebhookCreatedPublic(WebhookPublic):
    secret: str = Field(
        description="The signing secret (Standard Webhooks, whsec_...); shown this once only."
    )


class DeliveryPublic(_Model):
    id: uuid.UUID
    event: str
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: AwareDatetime | None
    delivered_at: AwareDatetime | None
    created_at: AwareDatetime


@router.post("", status_code=201, summary="Register a webhook endpoint (its secret is shown once)")
def create_webhook(
    slug: str, body: WebhookCreate, services: ServicesDep, actor: CurrentActor
) -> WebhookCreatedPublic:
    created = services.webhooks.create(actor, slug, body.url, list(body.events), body.description)
    public = WebhookPublic.model_validate(created.endpoint).model_dump()
    return WebhookCreatedPublic(**public, secret=created.secret)


@router.get("", summary="The organisation's webhook endpoints")
def list_webhooks(slug: str, services: ServicesDep, actor: CurrentActor) -> list[WebhookPublic]:
    return [WebhookPublic.model_validate(e) for e in services.webhooks.list(actor, slug)]


@router.delete("/{webhook_id}", status_code=204, summary="Delete a webhook endpoint")
def delete_webhook(
    slug: str, webhook_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> Response:
    services.webhooks.delete(actor, slug, str(webhook_id))
    return Response(status_code=204)


@router.post("/{webhook_id}/ping", status_code=202, summary="Send a webhook.ping event")
def ping_webhook(
    slug: str, webhook_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> DeliveryPublic:
    return DeliveryPublic.model_validate(services.webhooks.ping(actor, slug, str(webhook_id)))


@router.get("/{webhook_id}/deliveries", summary="The endpoint's deliveries, newest first")
def list_deliveries(
    slug: str,
    webhook_id: uuid.UUID,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[DeliveryPublic]:
    found = services.webhooks.deliveries(actor, slug, str(webhook_id), offset=offset, limit=limit)
    return [DeliveryPublic.model_validate(d) for d in found]
