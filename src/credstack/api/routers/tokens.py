"""``/orgs/{slug}/tokens``: the organisation's API tokens (admin or above).

A token's secret is in the answer to its creation and nowhere else; lists show its prefix.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.services.actors import Role
from credstack.store.models import ApiToken

router = APIRouter(prefix="/orgs/{slug}/tokens", tags=["tokens"])


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, from_attributes=True, extra="forbid"
    )


class TokenCreate(_Model):
    role: Role
    name: str | None = Field(default=None, max_length=100)


class TokenPublic(_Model):
    """A token as lists show it: never its secret or its hash."""

    id: uuid.UUID
    prefix: str
    role: str
    name: str
    created_at: AwareDatetime
    revoked_at: AwareDatetime | None


class TokenCreatedPublic(TokenPublic):
    secret: str = Field(description="The bearer token; shown this once only.")

    @classmethod
    def of(cls, token: ApiToken, secret: str) -> TokenCreatedPublic:
        return cls(**TokenPublic.model_validate(token).model_dump(), secret=secret)


@router.post("", status_code=201, summary="Create an API token (its secret is shown once)")
def create_token(
    slug: str, body: TokenCreate, services: ServicesDep, actor: CurrentActor
) -> TokenCreatedPublic:
    created = services.tokens.create(actor, organization=slug, role=body.role, name=body.name)
    return TokenCreatedPublic.of(created.token, created.secret)


@router.get("", summary="A page of the organisation's API tokens, revoked ones too")
def list_tokens(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[TokenPublic]:
    tokens = services.tokens.list(actor, organization=slug, offset=offset, limit=limit)
    return [TokenPublic.model_validate(token) for token in tokens]


@router.post("/{token_id}/revoke", summary="Revoke an API token (at once, for good)")
def revoke_token(
    slug: str, token_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> TokenPublic:
    revoked = services.tokens.revoke(actor, organization=slug, token=str(token_id))
    return TokenPublic.model_validate(revoked)
