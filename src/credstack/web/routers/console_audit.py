"""``/console/audit``: the organisation's audit log, newest first, 50 events a page, filtered
by action (or its family), actor, subject and a period of days (UTC). Owners and admins only,
as ``AuditTrail.events`` decides; details come as ``services.audit.public_detail`` leaves them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from credstack.api.deps import ServicesDep
from credstack.api.problems import status_for
from credstack.errors import Error, InvalidInput
from credstack.services.audit import AuditEvent, AuditQuery
from credstack.web.console_pages import page
from credstack.web.staff import StaffDep

router = APIRouter(prefix="/console/audit", tags=["pages"], include_in_schema=False)
PAGE_SIZE: Final = 50
# The families of actions the services record, offered in the action filter.
FAMILIES: Final = (
    "achievement",
    "assessment",
    "bulk",
    "credential",
    "ledger",
    "member",
    "organization",
    "pathway",
    "token",
    "webhook",
)


@router.get("", response_class=HTMLResponse)
def audit_log(
    request: Request,
    staff: StaffDep,
    services: ServicesDep,
    action: Annotated[str, Query(max_length=100)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    subject: Annotated[str, Query(max_length=2048)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    filters = {"action": action, "actor": actor, "subject": subject, "since": since, "until": until}
    events: list[AuditEvent] = []
    error: Error | None = None
    try:
        start, end = _day(since, "From"), _day(until, "To")
        query = AuditQuery(
            action=action.strip() or None,
            actor=actor.strip() or None,
            subject=subject.strip() or None,
            since=start,
            until=end + timedelta(days=1) if end else None,
            offset=offset,
            limit=PAGE_SIZE + 1,
        )
        events = services.audit.events(staff.actor, staff.slug, query)
    except InvalidInput as exc:
        error = exc
    members = services.users.members(staff.actor, organization=staff.slug, limit=500)
    return page(
        request,
        staff,
        "console/audit.html",
        status_code=status_for(error) if error else 200,
        events=events[:PAGE_SIZE],
        more=len(events) > PAGE_SIZE,
        offset=offset,
        page_size=PAGE_SIZE,
        filters=filters,
        families=FAMILIES,
        names={f"user:{user.id}": user.email for user, _ in members},
        error=error,
    )


def _day(value: str, label: str) -> datetime | None:
    """The start (UTC) of the day ``value`` names (YYYY-MM-DD), or None when blank."""
    if not value.strip():
        return None
    try:
        return datetime.combine(date.fromisoformat(value.strip()), time(), tzinfo=UTC)
    except ValueError:
        raise InvalidInput(
            f"{label} must be a day written as YYYY-MM-DD, such as 2026-03-31.",
            code="invalid_date",
        ) from None
