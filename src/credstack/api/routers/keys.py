"""``/orgs/{slug}/keys``: the organisation's signing keys, their status, rotation, retirement.

Answers carry the public key only. Rotation and retirement stop a key from signing; its
verification method stays in the DID document, so what it signed still verifies.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, ServicesDep

router = APIRouter(prefix="/orgs/{slug}/keys", tags=["keys"])


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, from_attributes=True, extra="forbid"
    )


class KeyRotate(_Model):
    kind: Literal["ed25519", "p256"] = "ed25519"


class KeyPublic(_Model):
    """A signing key's public side and state; the private key never leaves the key store."""

    id: uuid.UUID
    number: int
    kind: str
    status: str
    verification_method: str
    public_key_multibase: str = Field(validation_alias="public_multikey")
    created_at: AwareDatetime
    retired_at: AwareDatetime | None


@router.get("", summary="A page of the organisation's keys, retired ones too (any role)")
def list_keys(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[KeyPublic]:
    keys = services.organizations.list_keys(actor, slug, offset=offset, limit=limit)
    return [KeyPublic.model_validate(key) for key in keys]


@router.post("/rotate", status_code=201, summary="A new active key; active ones of its kind retire")
def rotate_key(
    slug: str, services: ServicesDep, actor: CurrentActor, body: KeyRotate | None = None
) -> KeyPublic:
    kind = body.kind if body else "ed25519"
    return KeyPublic.model_validate(services.organizations.rotate_key(actor, slug, kind))


@router.post("/{key_id}/retire", summary="Stop a key signing (it stays in the DID document)")
def retire_key(
    slug: str, key_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> KeyPublic:
    return KeyPublic.model_validate(services.organizations.retire_key(actor, slug, key_id))
