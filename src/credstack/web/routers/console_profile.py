"""``/console/profile``: the organisation's issuer Profile (name, web site, email, image,
description, address, accreditation statement), as ``PATCH /orgs/{slug}`` edits it.

Any member reads it; admins and owners save it through ``OrganizationService.update``, which
checks every field (``services.profiles.PROFILE_FIELDS``) before it changes any. A refused form
comes back with the values typed, the service's error and code, and beside each field that
does not pass its check, that field's own sentence.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.errors import Error, InvalidInput
from credstack.services import Services
from credstack.services.profiles import PROFILE_FIELDS
from credstack.store.models import Organization
from credstack.web.console_pages import PostedForm, done, page, text_fields
from credstack.web.staff import CheckedStaffDep, Staff, StaffDep

router = APIRouter(prefix="/console/profile", tags=["pages"], include_in_schema=False)
# The form's fields in the order shown: (name, label, hint, input type).
FIELDS: Final = (
    ("name", "Name", "As credentials name the issuer.", "text"),
    ("url", "Web site", "An http(s) address.", "url"),
    ("email", "Email address", "", "email"),
    ("image", "Logo", "The address of an image (http or https).", "url"),
    ("description", "Description", "Up to 5000 characters.", "textarea"),
    ("country", "Country", "An ISO 3166-1 alpha-2 code, such as IE or NL.", "text"),
    ("street_address", "Street address", "", "text"),
    ("locality", "Town or city", "", "text"),
    ("region", "Region", "", "text"),
    ("postal_code", "Postal code", "", "text"),
    (
        "accreditation",
        "Accreditation statement",
        "Who accredits or quality-assures you.",
        "textarea",
    ),
    ("accreditation_url", "Accreditation page", "An http(s) address.", "url"),
)


@router.get("", response_class=HTMLResponse)
def profile(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    org = services.organizations.read(staff.actor, staff.slug)
    return _form(request, staff, services, _stored(org))


@router.post("", response_class=HTMLResponse)
def update_profile(
    request: Request,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    posted = {name: value for name, value in text_fields(form).items() if name in PROFILE_FIELDS}
    try:
        services.organizations.update(staff.actor, staff.slug, posted)
    except Error as exc:
        session.rollback()
        return _form(request, staff, services, posted, error=exc, invalid=_field_errors(posted))
    return done("/console/profile", "profile_saved")


def _stored(org: Organization) -> dict[str, str]:
    return {name: getattr(org, name) or "" for name in PROFILE_FIELDS}


def _field_errors(posted: dict[str, str]) -> dict[str, InvalidInput]:
    """Each posted field's own refusal: the check the service runs, one field at a time."""
    invalid: dict[str, InvalidInput] = {}
    for name, value in posted.items():
        try:
            PROFILE_FIELDS[name](value)
        except InvalidInput as exc:
            invalid[name] = exc
    return invalid


def _form(
    request: Request,
    staff: Staff,
    services: Services,
    values: dict[str, str],
    *,
    error: Error | None = None,
    invalid: dict[str, InvalidInput] | None = None,
) -> HTMLResponse:
    org = services.organizations.read(staff.actor, staff.slug)
    return page(
        request,
        staff,
        "console/profile.html",
        status_code=status_for(error) if error else 200,
        organization=org,
        fields=FIELDS,
        values=values,
        error=error,
        invalid=invalid or {},
    )
