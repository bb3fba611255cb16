"""``/console/issue`` and ``/console/credentials``: issue one credential; find credentials and
revoke, suspend or reinstate them with a reason. Everything goes through ``CredentialService``
(issuer or above), so the status lists, the audit log and the ledger change as they do for the
API.

The issue form carries an idempotency key made when the form is shown: a second click, or a
reload of the post, returns the credential the first one issued instead of a second one.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, time
from typing import Annotated, Final

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.errors import Error, InvalidInput
from credstack.services import Services
from credstack.services.issuing import IssueRequest
from credstack.store.credentials import CREDENTIAL_STATUSES
from credstack.web.console_pages import done, page
from credstack.web.staff import CheckedStaffDep, Staff, StaffDep

router = APIRouter(prefix="/console", tags=["pages"], include_in_schema=False)
PAGE_SIZE: Final = 50
CHANGES: Final = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "unsuspended"}


@router.get("/issue", response_class=HTMLResponse)
def issue_form(
    request: Request,
    staff: StaffDep,
    services: ServicesDep,
    achievement: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    return _issue_page(request, staff, services, {"achievement_id": achievement})


@router.post("/issue", response_class=HTMLResponse)
def issue_one(
    request: Request,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    achievement_id: Annotated[str, Form(max_length=100)] = "",
    recipient: Annotated[str, Form(max_length=2048)] = "",
    status_purpose: Annotated[str, Form(max_length=16)] = "revocation",
    valid_until: Annotated[str, Form(max_length=10)] = "",
    idempotency_key: Annotated[str, Form(max_length=100)] = "",
    notify: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    posted = {
        "notify": notify,
        "achievement_id": achievement_id,
        "recipient": recipient,
        "status_purpose": status_purpose,
        "valid_until": valid_until,
        "idempotency_key": idempotency_key,
    }
    try:
        if not achievement_id:
            raise InvalidInput("Choose the achievement to issue.", code="missing_achievement")
        record = services.credentials.issue(
            staff.actor,
            staff.slug,
            IssueRequest(
                recipient=recipient.strip(),
                achievement_id=achievement_id,
                status_purpose=status_purpose,
                valid_until=_end_of(valid_until),
            ),
            idempotency_key=idempotency_key or None,
            notify=notify == "on",
        )
    except Error as exc:
        session.rollback()
        return _issue_page(request, staff, services, posted, error=exc)
    return done(f"/console/credentials/{record.id}", "issued")


@router.get("/credentials", response_class=HTMLResponse)
def credentials(
    request: Request,
    staff: StaffDep,
    services: ServicesDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=16)] = "",
    achievement: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    achievement_id = _uuid(achievement)
    found = services.credentials.search(
        staff.actor,
        staff.slug,
        text=q or None,
        status=status or None,
        achievement_id=achievement_id,
        offset=offset,
        limit=PAGE_SIZE + 1,
    )
    return page(
        request,
        staff,
        "console/credentials.html",
        credentials=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        offset=offset,
        page_size=PAGE_SIZE,
        q=q,
        status=status,
        achievement=str(achievement_id or ""),
        statuses=CREDENTIAL_STATUSES,
        achievements=services.achievements.list(staff.slug, limit=500),
    )


@router.get("/credentials/{credential_id}", response_class=HTMLResponse)
def credential(
    request: Request, credential_id: uuid.UUID, staff: StaffDep, services: ServicesDep
) -> HTMLResponse:
    record = services.credentials.owned(staff.actor, staff.slug, credential_id)
    return page(request, staff, "console/credential.html", record=record, error=None)


@router.post("/credentials/{credential_id}/status", response_class=HTMLResponse)
def change_status(
    request: Request,
    credential_id: uuid.UUID,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    change: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    actions = {
        "revoke": services.credentials.revoke,
        "suspend": services.credentials.suspend,
        "unsuspend": services.credentials.unsuspend,
    }
    try:
        if change not in actions:
            raise InvalidInput("Choose revoke, suspend or unsuspend.", code="invalid_status_change")
        if change == "revoke" and not reason.strip():
            raise InvalidInput(
                "Give a reason for the revocation; it is kept in the audit log.",
                code="reason_required",
            )
        actions[change](staff.actor, staff.slug, credential_id, reason.strip() or None)
    except Error as exc:
        session.rollback()
        record = services.credentials.owned(staff.actor, staff.slug, credential_id)
        return page(
            request,
            staff,
            "console/credential.html",
            status_code=status_for(exc),
            record=record,
            error=exc,
        )
    return done(f"/console/credentials/{credential_id}", CHANGES[change])


def _issue_page(
    request: Request,
    staff: Staff,
    services: Services,
    posted: dict[str, str],
    *,
    error: Error | None = None,
) -> HTMLResponse:
    published = [
        record
        for record in services.achievements.list(staff.slug, limit=500)
        if record.status == "published"
    ]
    values = {
        "recipient": "",
        "status_purpose": "revocation",
        "valid_until": "",
        **{k: v for k, v in posted.items() if v},
    }
    values.setdefault("idempotency_key", f"console:{secrets.token_urlsafe(16)}")
    values.setdefault("achievement_id", "")
    return page(
        request,
        staff,
        "console/issue.html",
        status_code=status_for(error) if error else 200,
        achievements=published,
        values=values,
        error=error,
    )


def _end_of(day: str) -> datetime | None:
    """The end of ``day`` (YYYY-MM-DD) in UTC: a credential valid until a date is valid on it."""
    if not day:
        return None
    try:
        return datetime.combine(datetime.fromisoformat(day).date(), time(23, 59, 59), tzinfo=UTC)
    except ValueError:
        raise InvalidInput(
            f"{day!r} is not a date; use the form YYYY-MM-DD.", code="invalid_date"
        ) from None


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
