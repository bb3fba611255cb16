"""``/console/staff``, ``/console/keys`` and ``/console/tokens``: members and their roles, signing
keys and rotation, API tokens (admin or above, through ``UserService``,
``OrganizationService`` and ``TokenService``). A new member's generated password and a new
token's secret are shown once, on the page that answers the post, and never stored in clear.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.errors import Error, InvalidInput
from credstack.services import Services
from credstack.services.actors import ROLES
from credstack.web.console_pages import done, page
from credstack.web.staff import CheckedStaffDep, Staff, StaffDep

router = APIRouter(prefix="/console", tags=["pages"], include_in_schema=False)
# A page that shows a secret must not be kept by the browser or a proxy.
NO_STORE: Final = {"Cache-Control": "no-store"}
KEY_KINDS: Final = ("ed25519", "p256")


@router.get("/staff", response_class=HTMLResponse)
def staff_page(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    return _staff(request, staff, services)


@router.post("/staff", response_class=HTMLResponse)
def add_member(
    request: Request,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    try:
        created = services.users.create(
            staff.actor, email=email, organization=staff.slug, role=role
        )
    except Error as exc:
        session.rollback()
        return _staff(request, staff, services, error=exc, posted={"email": email, "role": role})
    if created.generated_password is None:
        return done("/console/staff", "member_added")
    return _staff(
        request,
        staff,
        services,
        created=(created.user.email, created.generated_password),
        headers=NO_STORE,
    )


@router.post("/staff/{user_id}", response_class=HTMLResponse)
def change_member(
    request: Request,
    user_id: uuid.UUID,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    change: Annotated[str, Form(max_length=16)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    try:
        if change == "remove":
            services.users.remove(staff.actor, organization=staff.slug, user_id=user_id)
            return done("/console/staff", "member_removed")
        services.users.change_role(staff.actor, organization=staff.slug, user_id=user_id, role=role)
    except Error as exc:
        session.rollback()
        return _staff(request, staff, services, error=exc)
    return done("/console/staff", "role_changed")


@router.get("/keys", response_class=HTMLResponse)
def keys_page(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    return _keys(request, staff, services)


@router.post("/keys", response_class=HTMLResponse)
def change_keys(
    request: Request,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    change: Annotated[str, Form(max_length=16)] = "",
    kind: Annotated[str, Form(max_length=16)] = "ed25519",
    key_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        if change == "rotate":
            if kind not in KEY_KINDS:
                raise InvalidInput(f"{kind!r} is not a key type.", code="invalid_key_kind")
            services.organizations.rotate_key(
                staff.actor, staff.slug, "p256" if kind == "p256" else "ed25519"
            )
            return done("/console/keys", "key_rotated")
        services.organizations.retire_key(staff.actor, staff.slug, _key_id(key_id))
    except Error as exc:
        session.rollback()
        return _keys(request, staff, services, error=exc)
    return done("/console/keys", "key_retired")


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    return _tokens(request, staff, services)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    try:
        created = services.tokens.create(
            staff.actor, organization=staff.slug, role=role, name=name or None
        )
    except Error as exc:
        session.rollback()
        return _tokens(request, staff, services, error=exc, posted={"name": name, "role": role})
    return _tokens(request, staff, services, secret=created.secret, headers=NO_STORE)


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(
    request: Request,
    token_id: uuid.UUID,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    try:
        services.tokens.revoke(staff.actor, organization=staff.slug, token=str(token_id))
    except Error as exc:
        session.rollback()
        return _tokens(request, staff, services, error=exc)
    return done("/console/tokens", "token_revoked")


def _staff(
    request: Request,
    staff: Staff,
    services: Services,
    *,
    error: Error | None = None,
    posted: dict[str, str] | None = None,
    created: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    members = services.users.members(staff.actor, organization=staff.slug, limit=200)
    return _page(
        request,
        staff,
        "console/staff.html",
        error,
        headers,
        members=members,
        roles=ROLES,
        posted=posted or {},
        created=created,
    )


def _keys(
    request: Request, staff: Staff, services: Services, *, error: Error | None = None
) -> HTMLResponse:
    organization = services.organizations.read(staff.actor, staff.slug)
    keys = services.organizations.list_keys(staff.actor, staff.slug, limit=200)
    return _page(
        request,
        staff,
        "console/keys.html",
        error,
        None,
        keys=keys,
        kinds=KEY_KINDS,
        organization=organization,
    )


def _tokens(
    request: Request,
    staff: Staff,
    services: Services,
    *,
    error: Error | None = None,
    posted: dict[str, str] | None = None,
    secret: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    tokens = services.tokens.list(staff.actor, organization=staff.slug, limit=200)
    return _page(
        request,
        staff,
        "console/tokens.html",
        error,
        headers,
        tokens=tokens,
        roles=ROLES,
        posted=posted or {},
        secret=secret,
    )


def _page(
    request: Request,
    staff: Staff,
    name: str,
    error: Error | None,
    headers: dict[str, str] | None,
    **context: Any,
) -> HTMLResponse:
    response = page(
        request,
        staff,
        name,
        status_code=status_for(error) if error else 200,
        error=error,
        **context,
    )
    response.headers.update(headers or {})
    return response


def _key_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput("Choose the key to retire.", code="invalid_key_id") from None
