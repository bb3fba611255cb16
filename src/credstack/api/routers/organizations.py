"""``/orgs/{slug}``: an organisation's public issuer Profile and DID document; its members read
its settings at ``/orgs/{slug}/admin`` and admins edit its Profile with ``PATCH``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import HTMLResponse, JSONResponse, Response

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.api.pages import profile_page, wants_html
from credstack.api.schemas import OrganizationPublic, OrganizationUpdate
from credstack.services.profiles import public_profile

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


@router.get(
    "/{slug}",
    summary="The organisation's public issuer Profile: JSON-LD, or a page for people",
    responses={200: {"content": {"application/ld+json": {}, "text/html": {}}}},
)
def profile(slug: str, services: ServicesDep, accept: Annotated[str, Header()] = "") -> Response:
    document = public_profile(services.organizations.get(slug))
    headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
    if wants_html(accept):
        return HTMLResponse(profile_page(document, slug), headers=headers)
    media_type = "application/ld+json" if "application/ld+json" in accept else "application/json"
    return JSONResponse(document, media_type=media_type, headers=headers)


@router.patch("/{slug}", summary="Edit the organisation's Profile (admin or above)")
def update(
    slug: str, body: OrganizationUpdate, services: ServicesDep, actor: CurrentActor
) -> OrganizationPublic:
    updated = services.organizations.update(actor, slug, body.changes())
    return OrganizationPublic.model_validate(updated)


@router.get("/{slug}/admin", summary="The organisation with its settings (any role of it)")
def organization(slug: str, services: ServicesDep, actor: CurrentActor) -> OrganizationPublic:
    return OrganizationPublic.model_validate(services.organizations.read(actor, slug))
