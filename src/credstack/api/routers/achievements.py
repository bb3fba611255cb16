"""``/orgs/{slug}/achievements``: Open Badges 3.0 Achievements, public and administered.

An achievement's ``id`` is its public URL, ``{base_url}/orgs/{slug}/achievements/{uuid}``, so
``GET`` there answers without a token with the Achievement JSON of the current version; a draft
is not public and answers 404. Writes take an API token of the organisation (issuer role or
above). The administrators' reads, which show drafts, the version and the quality report, live
under ``/orgs/{slug}/admin/achievements`` (any role of the organisation), so one URL never
changes its answer with the presence of a token.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.api.pages import achievement_page, wants_html
from credstack.api.schemas import AchievementPublic, AchievementSummaryPublic
from credstack.services.actors import authorize_member

router = APIRouter(prefix="/orgs/{slug}", tags=["achievements"])

# Public and cacheable, like the DID document; an edit shows within five minutes.
CACHE_CONTROL = "public, max-age=300"


class AchievementCreate(BaseModel):
    """An OB 3.0 Achievement, its fields at the top level, and an optional quality profile."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"example": {"type": ["Achievement"], "name": "Teamwork"}},
    )

    profile: Literal["eu-2022"] | None = None

    @property
    def achievement(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


@router.post("/achievements", status_code=201, summary="Create a draft achievement")
def create_achievement(
    slug: str, body: AchievementCreate, services: ServicesDep, actor: CurrentActor
) -> JSONResponse:
    view = services.achievements.create(
        actor, organization=slug, achievement=body.achievement, profile=body.profile
    )
    content = AchievementPublic.of(view).model_dump(mode="json", by_alias=True)
    return JSONResponse(content, status_code=201, headers={"Location": view.record.public_id})


@router.get(
    "/achievements/{achievement_id}",
    summary="The Achievement JSON, or a page for people (public)",
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
def public_achievement(
    slug: str,
    achievement_id: uuid.UUID,
    services: ServicesDep,
    accept: Annotated[str, Header()] = "",
) -> Response:
    view = services.achievements.get_public(achievement_id, organization=slug)
    headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
    if wants_html(accept):
        return HTMLResponse(achievement_page(view.document), headers=headers)
    return JSONResponse(view.document, headers=headers)


@router.put("/achievements/{achievement_id}", summary="Edit (a new version once published)")
def update_achievement(
    slug: str,
    achievement_id: uuid.UUID,
    body: AchievementCreate,
    services: ServicesDep,
    actor: CurrentActor,
) -> AchievementPublic:
    services.achievements.get(achievement_id, organization=slug)
    return AchievementPublic.of(
        services.achievements.update(actor, achievement_id, body.achievement)
    )


@router.post("/achievements/{achievement_id}/{change}", summary="Publish or archive")
def change_achievement(
    slug: str,
    achievement_id: uuid.UUID,
    change: Literal["publish", "archive"],
    services: ServicesDep,
    actor: CurrentActor,
) -> AchievementPublic:
    services.achievements.get(achievement_id, organization=slug)
    action = {"publish": services.achievements.publish, "archive": services.achievements.archive}
    return AchievementPublic.of(action[change](actor, achievement_id))


@router.get("/admin/achievements", summary="A page of the organisation's achievements")
def list_achievements(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AchievementSummaryPublic]:
    authorize_member(actor, services.organizations.get(slug).id)
    records = services.achievements.list(slug, offset=offset, limit=limit)
    return [AchievementSummaryPublic.model_validate(record) for record in records]


@router.get("/admin/achievements/{achievement_id}", summary="An achievement, drafts included")
def get_achievement(
    slug: str, achievement_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> AchievementPublic:
    authorize_member(actor, services.organizations.get(slug).id)
    return AchievementPublic.of(services.achievements.get(achievement_id, organization=slug))
