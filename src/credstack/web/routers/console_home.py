"""``/console``: the dashboard of the organisation the staff member acts in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from credstack.api.deps import ServicesDep
from credstack.web.chart import bar_chart
from credstack.web.console_pages import page
from credstack.web.staff import StaffDep

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/console", response_class=HTMLResponse)
def dashboard(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    summary = services.dashboard.summary(staff.actor, staff.slug, weeks=12)
    return page(
        request, staff, "console/dashboard.html", summary=summary, chart=bar_chart(summary.weeks)
    )
