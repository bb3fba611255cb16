"""``/orgs``: an organisation's public DID document and its profile for its members."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.api.schemas import OrganizationPublic
from credstack.services.actors import authorize_member

router = APIRouter(prefix="/orgs", tags=["organizations"])

DID_JSON = "application/did+json"
# Public and cacheable by a CDN (DESIGN.md, "Storage and scale"); a rotated key shows within
# five minutes, and old keys stay listed, so a stale copy never breaks a verification.
CACHE_CONTROL = "public, max-age=300"


@router.get(
    "/{slug}/did.json",
    summary="The organisation's did:web DID document",
    responses={200: {"content": {DID_JSON: {}, "application/json": {}}}},
)
def did_document(
    slug: str, services: ServicesDep, accept: Annotated[str, Header()] = ""
) -> JSONResponse:
    document: dict[str, Any] = services.organizations.did_document(slug)
    media_type = DID_JSON if DID_JSON in accept else "application/json"
    return JSONResponse(
        document, media_type=media_type, headers={"Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
    )


@router.get("/{slug}", summary="The organisation's profile (any role of it)")
def organization(slug: str, services: ServicesDep, actor: CurrentActor) -> OrganizationPublic:
    found = services.organizations.get(slug)
    authorize_member(actor, found.id)
    return OrganizationPublic.model_validate(found)
