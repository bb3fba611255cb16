"""``/console/pathways``: the pathways editor. The requirement tree is edited as its JSON form
(docs/pathways.md) or built from a list of components and how many are needed; beside it, a
picture of the tree as nested lists. ``PathwayService`` checks and saves it (cycles, issuers,
achievements); "Show the tree" only reads it (``pathways.parse_requirements``). Below the
editor, the pathway's awards (filtered by status, a page at a time) and the ones flagged for
review, each with a keep-or-revoke form (``PathwayService.resolve``, issuer or above).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.errors import Error, InvalidInput
from credstack.pathways import parse_requirements, requirements_to_json
from credstack.services import Services
from credstack.services.pathways import PathwayInput
from credstack.store.pathways import AWARD_STATUSES, REVOCATION_POLICIES, PathwayRecord
from credstack.web.console_pages import PostedForm, done, page, text_fields
from credstack.web.staff import CheckedStaffDep, Staff, StaffDep

router = APIRouter(prefix="/console/pathways", tags=["pages"], include_in_schema=False)
AWARDS_PAGE: Final = 50


@router.get("", response_class=HTMLResponse)
def pathways(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    records = services.pathways.list(staff.actor, staff.slug, limit=200)
    return page(request, staff, "console/pathways.html", pathways=records)


@router.get("/new", response_class=HTMLResponse)
def new_pathway(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    return _editor(request, staff, services, {"revocation_policy": "revoke"}, record=None)


@router.post("/new", response_class=HTMLResponse)
def create_pathway(
    request: Request,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    values, components = _values(form)
    try:
        data, tree = _input(values, components)
        if values.get("action") == "check":
            return _editor(request, staff, services, values, record=None, tree=tree)
        record = services.pathways.create(staff.actor, staff.slug, data)
    except Error as exc:
        session.rollback()
        return _editor(request, staff, services, values, record=None, error=exc)
    return done(f"/console/pathways/{record.id}", "pathway_saved")


@router.get("/{pathway_id}", response_class=HTMLResponse)
def pathway(
    request: Request,
    pathway_id: uuid.UUID,
    staff: StaffDep,
    services: ServicesDep,
    awards: Annotated[str, Query(max_length=16)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    record = services.pathways.get(staff.actor, staff.slug, pathway_id)
    listing = _Awards(awards if awards in AWARD_STATUSES else "", offset)
    return _editor(request, staff, services, _stored(record), record=record, listing=listing)


@router.post("/{pathway_id}/awards/{award_id}", response_class=HTMLResponse)
def resolve_award(
    request: Request,
    pathway_id: uuid.UUID,
    award_id: uuid.UUID,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    """Keep a flagged award, or revoke its stacked credential (with the note as the reason)."""
    record = services.pathways.get(staff.actor, staff.slug, pathway_id)
    values = text_fields(form)
    decision = values.get("decision", "")
    try:
        if decision not in ("keep", "revoke"):
            raise InvalidInput("Choose to keep or to revoke the award.", code="invalid_decision")
        services.pathways.resolve(
            staff.actor,
            staff.slug,
            pathway_id,
            award_id,
            keep=decision == "keep",
            note=values.get("note", "").strip() or None,
        )
    except Error as exc:
        session.rollback()
        record = services.pathways.get(staff.actor, staff.slug, pathway_id)
        return _editor(request, staff, services, _stored(record), record=record, error=exc)
    return done(
        f"/console/pathways/{pathway_id}", f"award_{'kept' if decision == 'keep' else 'revoked'}"
    )


@router.post("/{pathway_id}", response_class=HTMLResponse)
def update_pathway(
    request: Request,
    pathway_id: uuid.UUID,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    record = services.pathways.get(staff.actor, staff.slug, pathway_id)
    values, components = _values(form)
    try:
        if values.get("action") == "archive":
            services.pathways.archive(staff.actor, staff.slug, pathway_id)
            return done(f"/console/pathways/{pathway_id}", "pathway_archived")
        data, tree = _input(values, components)
        if values.get("action") == "check":
            return _editor(request, staff, services, values, record=record, tree=tree)
        services.pathways.update(staff.actor, staff.slug, pathway_id, data)
    except Error as exc:
        session.rollback()
        record = services.pathways.get(staff.actor, staff.slug, pathway_id)
        return _editor(request, staff, services, values, record=record, error=exc)
    return done(f"/console/pathways/{pathway_id}", "pathway_saved")


def _values(form: PostedForm) -> tuple[dict[str, str], list[str]]:
    components = [v for v in form.getlist("components") if isinstance(v, str) and v]
    return text_fields(form), components


def _input(values: dict[str, str], components: list[str]) -> tuple[PathwayInput, dict[str, Any]]:
    """The pathway the form describes, and its tree in normalised JSON form."""
    raw = values.get("requirements", "").strip()
    if raw:
        try:
            requirements = json.loads(raw)
        except ValueError as exc:
            raise InvalidInput(
                f"The requirement tree is not JSON: {exc}.", code="invalid_json"
            ) from None
    elif components:
        nodes = [{"type": "achievement", "achievement": c} for c in components]
        needed = values.get("needed", "").strip()
        if needed:
            if not needed.isdigit() or not 1 <= int(needed) <= len(components):
                raise InvalidInput(
                    f"How many are needed must be a whole number from 1 to {len(components)}.",
                    code="invalid_field",
                )
            requirements = {"type": "nOf", "n": int(needed), "requirements": nodes}
        else:
            requirements = {"type": "allOf", "requirements": nodes}
    else:
        raise InvalidInput(
            "Choose the components, or write the requirement tree as JSON.",
            code="missing_requirements",
        )
    tree = requirements_to_json(parse_requirements(requirements))
    max_age = values.get("max_age_days", "").strip()
    if max_age and not max_age.isdigit():
        raise InvalidInput("Maximum age must be a whole number of days.", code="invalid_field")
    trusted = [line.strip() for line in values.get("trusted_issuers", "").splitlines()]
    data = PathwayInput(
        name=values.get("name", ""),
        achievement_id=values.get("achievement_id", ""),
        requirements=tree,
        description=values.get("description", "").strip() or None,
        trusted_issuers=[issuer for issuer in trusted if issuer],
        max_age_days=int(max_age) if max_age else None,
        revocation_policy=values.get("revocation_policy", "revoke"),
    )
    values["requirements"] = json.dumps(tree, indent=2)
    return data, tree


def _stored(record: PathwayRecord) -> dict[str, str]:
    return {
        "name": record.name,
        "description": record.description or "",
        "achievement_id": str(record.achievement_id),
        "requirements": json.dumps(record.requirements, indent=2),
        "trusted_issuers": "\n".join(record.trusted_issuers),
        "max_age_days": str(record.max_age_days or ""),
        "revocation_policy": record.revocation_policy,
    }


@dataclass(frozen=True)
class _Awards:
    """Which awards the page lists: a status (empty: any) and where the page starts."""

    status: str = ""
    offset: int = 0


def _editor(
    request: Request,
    staff: Staff,
    services: Services,
    values: dict[str, str],
    *,
    record: PathwayRecord | None,
    tree: dict[str, Any] | None = None,
    error: Error | None = None,
    listing: _Awards | None = None,
) -> HTMLResponse:
    achievements = services.achievements.list(staff.slug, limit=500)
    if tree is None and record is not None:
        tree = record.requirements
    listing = listing or _Awards()
    awards, flagged = [], []
    if record is not None:
        awards = services.pathways.awards(
            staff.actor,
            staff.slug,
            record.id,
            status=listing.status or None,
            offset=listing.offset,
            limit=AWARDS_PAGE + 1,
        )
        flagged = services.pathways.awards(
            staff.actor, staff.slug, record.id, status="review", limit=200
        )
    return page(
        request,
        staff,
        "console/pathway_form.html",
        status_code=status_for(error) if error else 200,
        record=record,
        values=values,
        tree=tree,
        error=error,
        achievements=achievements,
        names={a.public_id: a.name for a in achievements},
        policies=REVOCATION_POLICIES,
        awards=awards[:AWARDS_PAGE],
        more_awards=len(awards) > AWARDS_PAGE,
        listing=listing,
        award_statuses=AWARD_STATUSES,
        awards_page=AWARDS_PAGE,
        flagged=flagged,
    )
