"""``/orgs/{slug}/members``: the organisation's people and their roles (admin or above).

Nobody grants, changes or removes a role above their own, and the last owner stays.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.services.actors import Role
from credstack.store.models import Membership, User

router = APIRouter(prefix="/orgs/{slug}/members", tags=["members"])


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class MemberCreate(_Model):
    email: str = Field(max_length=320)
    role: Role
    password: str | None = Field(
        default=None,
        max_length=1024,
        description="For a new user only; without it one is generated and shown once.",
    )


class RoleChange(_Model):
    role: Role


class MemberPublic(_Model):
    user_id: uuid.UUID
    email: str
    role: str
    member_since: AwareDatetime

    @classmethod
    def of(cls, user: User, membership: Membership) -> MemberPublic:
        return cls(
            user_id=user.id,
            email=user.email,
            role=membership.role,
            member_since=membership.created_at,
        )


class MemberCreatedPublic(MemberPublic):
    generated_password: str | None = Field(
        default=None, description="A new user's generated password, shown this once only."
    )


@router.post("", status_code=201, summary="Give a user (new or existing) a role")
def add_member(
    slug: str, body: MemberCreate, services: ServicesDep, actor: CurrentActor
) -> MemberCreatedPublic:
    created = services.users.create(
        actor, email=body.email, organization=slug, role=body.role, password=body.password
    )
    member = MemberPublic.of(created.user, created.membership)
    return MemberCreatedPublic(**member.model_dump(), generated_password=created.generated_password)


@router.get("", summary="A page of the organisation's members, by email")
def list_members(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[MemberPublic]:
    rows = services.users.members(actor, organization=slug, offset=offset, limit=limit)
    return [MemberPublic.of(user, membership) for user, membership in rows]


@router.patch("/{user_id}", summary="Change a member's role")
def change_role(
    slug: str, user_id: uuid.UUID, body: RoleChange, services: ServicesDep, actor: CurrentActor
) -> MemberPublic:
    user, membership = services.users.change_role(
        actor, organization=slug, user_id=user_id, role=body.role
    )
    return MemberPublic.of(user, membership)


@router.delete("/{user_id}", status_code=204, summary="Remove a member (the account stays)")
def remove_member(
    slug: str, user_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> Response:
    services.users.remove(actor, organization=slug, user_id=user_id)
    return Response(status_code=204)
