"""``/orgs/{slug}/pathways``: stacking pathways, a learner's progress, and the awards made.

Writes take an API token of the organisation with the issuer role or above; reads, any role of
the organisation. A learner is named in the request body, not the URL, so email addresses stay
out of access logs.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.services.pathways import LearnerProgress, PathwayInput
from credstack.store.pathways import PathwayAward, PathwayRecord

router = APIRouter(prefix="/orgs/{slug}/pathways", tags=["pathways"])


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class PathwayCreate(_Model):
    name: str = Field(max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    achievement_id: str = Field(
        max_length=2048, description="The stacked achievement: its uuid or id URL; published."
    )
    requirements: dict[str, Any] = Field(description="The requirement tree (docs/pathways.md).")
    trusted_issuers: list[str] = Field(default_factory=list, max_length=100)
    max_age_days: int | None = Field(default=None, ge=1)
    revocation_policy: Literal["revoke", "review"] = "revoke"

    def data(self) -> PathwayInput:
        return PathwayInput(**self.model_dump(by_alias=False))


class PathwayPublic(_Model):
    id: uuid.UUID
    name: str
    description: str | None
    achievement: str
    requirements: dict[str, Any]
    trusted_issuers: list[str]
    max_age_days: int | None
    revocation_policy: str
    status: str
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @classmethod
    def of(cls, record: PathwayRecord) -> PathwayPublic:
        return cls(
            id=record.id,
            name=record.name,
            description=record.description,
            achievement=record.awards,
            requirements=record.requirements,
            trusted_issuers=list(record.trusted_issuers),
            max_age_days=record.max_age_days,
            revocation_policy=record.revocation_policy,
            status=record.status,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


class LearnerRef(_Model):
    learner: str = Field(max_length=2048, description="An email address or a DID.")


class AwardResolution(_Model):
    decision: Literal["keep", "revoke"]
    note: str | None = Field(default=None, max_length=2000)


class AwardPublic(_Model):
    id: uuid.UUID
    learner: str
    credential: uuid.UUID | None
    status: str
    note: str | None
    created_at: AwareDatetime

    @classmethod
    def of(cls, award: PathwayAward) -> AwardPublic:
        return cls(
            id=award.id,
            learner=award.learner,
            credential=award.credential_id,
            status=award.status,
            note=award.note,
            created_at=award.created_at,
        )


class ProgressPublic(_Model):
    pathway: uuid.UUID
    learner: str
    met: bool
    percent: int
    components: list[str]
    remaining: list[str]
    requirements: dict[str, Any]
    award: AwardPublic | None

    @classmethod
    def of(cls, found: LearnerProgress) -> ProgressPublic:
        progress = found.progress.to_dict()
        return cls(
            pathway=found.pathway.id,
            learner=found.learner,
            award=AwardPublic.of(found.award) if found.award else None,
            **progress,
        )


@router.post("", status_code=201, summary="Define a pathway")
def create_pathway(
    slug: str, body: PathwayCreate, services: ServicesDep, actor: CurrentActor
) -> JSONResponse:
    record = services.pathways.create(actor, slug, body.data())
    content = PathwayPublic.of(record).model_dump(mode="json", by_alias=True)
    location = f"/orgs/{slug}/pathways/{record.id}"
    return JSONResponse(content, status_code=201, headers={"Location": location})


@router.get("", summary="The organisation's pathways")
def list_pathways(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[PathwayPublic]:
    records = services.pathways.list(actor, slug, offset=offset, limit=limit)
    return [PathwayPublic.of(record) for record in records]


@router.get("/{pathway_id}", summary="A pathway")
def get_pathway(
    slug: str, pathway_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> PathwayPublic:
    return PathwayPublic.of(services.pathways.get(actor, slug, pathway_id))


@router.put("/{pathway_id}", summary="Replace a pathway's definition")
def update_pathway(
    slug: str,
    pathway_id: uuid.UUID,
    body: PathwayCreate,
    services: ServicesDep,
    actor: CurrentActor,
) -> PathwayPublic:
    return PathwayPublic.of(services.pathways.update(actor, slug, pathway_id, body.data()))


@router.post("/{pathway_id}/archive", summary="Stop awarding a pathway")
def archive_pathway(
    slug: str, pathway_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> PathwayPublic:
    return PathwayPublic.of(services.pathways.archive(actor, slug, pathway_id))


@router.post("/{pathway_id}/progress", summary="A learner's progress along the pathway")
def progress(
    slug: str, pathway_id: uuid.UUID, body: LearnerRef, services: ServicesDep, actor: CurrentActor
) -> ProgressPublic:
    return ProgressPublic.of(services.pathways.progress(actor, slug, pathway_id, body.learner))


@router.post("/{pathway_id}/awards", summary="Award the pathway to a learner if met")
def award(
    slug: str, pathway_id: uuid.UUID, body: LearnerRef, services: ServicesDep, actor: CurrentActor
) -> ProgressPublic:
    return ProgressPublic.of(services.pathways.award(actor, slug, pathway_id, body.learner))


@router.get("/{pathway_id}/awards", summary="The awards of a pathway")
def list_awards(
    slug: str,
    pathway_id: uuid.UUID,
    services: ServicesDep,
    actor: CurrentActor,
    status: Literal["awarded", "revoked", "review"] | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AwardPublic]:
    awards = services.pathways.awards(
        actor, slug, pathway_id, status=status, offset=offset, limit=limit
    )
    return [AwardPublic.of(award) for award in awards]


@router.post("/{pathway_id}/awards/{award_id}/resolve", summary="Keep or revoke a flagged award")
def resolve_award(
    slug: str,
    pathway_id: uuid.UUID,
    award_id: uuid.UUID,
    body: AwardResolution,
    services: ServicesDep,
    actor: CurrentActor,
) -> AwardPublic:
    award = services.pathways.resolve(
        actor, slug, pathway_id, award_id, keep=body.decision == "keep", note=body.note
    )
    return AwardPublic.of(award)
