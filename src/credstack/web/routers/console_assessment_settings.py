"""``/console/achievements/{id}/assessment``: how an achievement is assessed, as
``PUT /orgs/{slug}/achievements/{id}/assessment`` sets it: the task, the rubric (criteria with
levels worth points, and the pass mark), the evidence accepted and the number of reviews.

Any member reads it; issuers and above save it through ``AssessmentService.configure``, which
checks everything (``assessment.parse_rubric``, ``parse_policy``). "More rows" shows the form
again with an empty level under each criterion, saving nothing.
"""

from __future__ import annotations

import re
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.assessment import Rubric, parse_rubric
from credstack.errors import Error, NotFound
from credstack.services import Services
from credstack.services.achievements import AchievementView
from credstack.services.assessments import SettingsInput
from credstack.web.assessment_form import SettingsForm
from credstack.web.console_pages import PostedForm, done, page, text_fields
from credstack.web.staff import CheckedStaffDep, Staff, StaffDep

router = APIRouter(prefix="/console/achievements", tags=["pages"], include_in_schema=False)
# parse_rubric names rows by their JSON path; the form numbers them from 1.
_CRITERION = re.compile(r"criteria\[(\d+)\]")
_LEVEL = re.compile(r"\.levels\[(\d+)\]")
_PART = re.compile(r"\.(id|name|points|description)\b")


@router.get("/{achievement_id}/assessment", response_class=HTMLResponse)
def assessment_settings(
    request: Request, achievement_id: uuid.UUID, staff: StaffDep, services: ServicesDep
) -> HTMLResponse:
    view = services.achievements.get(achievement_id, organization=staff.slug)
    try:
        row = services.assessments.settings(staff.actor, staff.slug, str(achievement_id))
    except NotFound as exc:
        if exc.code != "not_assessed":
            raise
        return _form(request, staff, services, view, SettingsForm(), configured=False)
    form = SettingsForm.from_settings(
        row.prompt, row.rubric, row.evidence_policy, row.reviews_required
    )
    return _form(request, staff, services, view, form, configured=True)


@router.post("/{achievement_id}/assessment", response_class=HTMLResponse)
def configure_assessment(
    request: Request,
    achievement_id: uuid.UUID,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    view = services.achievements.get(achievement_id, organization=staff.slug)
    values = text_fields(form)
    filled = SettingsForm.from_post(values)
    if values.get("action") == "more":
        return _form(request, staff, services, view, filled, configured=None, levels=2)
    try:
        data = SettingsInput(filled.prompt, filled.rubric(), filled.evidence(), filled.reviews())
        services.assessments.configure(staff.actor, staff.slug, str(achievement_id), data)
    except Error as exc:
        session.rollback()
        return _form(request, staff, services, view, filled, configured=None, error=exc)
    return done(f"/console/achievements/{achievement_id}/assessment", "assessment_saved")


def _form(
    request: Request,
    staff: Staff,
    services: Services,
    view: AchievementView,
    filled: SettingsForm,
    *,
    configured: bool | None,
    error: Error | None = None,
    levels: int = 1,
) -> HTMLResponse:
    rubric: Rubric | None = None
    if filled.criteria:
        try:
            rubric = parse_rubric(filled.rubric())
        except Error:
            rubric = None
    return page(
        request,
        staff,
        "console/assessment_settings.html",
        status_code=status_for(error) if error else 200,
        achievement=view.record,
        form=filled.with_blank_rows(levels),
        configured=configured,
        max_points=rubric.max_points if rubric else None,
        error=error,
        message=_numbered(error.message) if error else "",
    )


def _numbered(message: str) -> str:
    """``criteria[0].levels[2].points`` as the form shows it: criterion 1, level 3, points."""
    message = _CRITERION.sub(lambda m: f"criterion {int(m.group(1)) + 1}", message)
    message = _LEVEL.sub(lambda m: f", level {int(m.group(1)) + 1}", message)
    message = _PART.sub(lambda m: f"'s {m.group(1)}", message)
    message = message.replace("passThreshold", "The pass mark", 1)
    return "C" + message[1:] if message.startswith("criterion") else message
